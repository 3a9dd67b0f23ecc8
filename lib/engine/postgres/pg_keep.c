/*
 * pg_keep.c - the copies a pull keeps beside the local database, and the
 * two commands that use them.
 *
 *   previous  the database the swap replaced, renamed siphon_prev_<into>
 *             (engine/keepname.h) once the new copy is in place; the
 *             previous "previous" is dropped only then
 *   pristine  siphon_pristine_<into>: a file-level copy of the temporary
 *             database made just before the swap (CREATE DATABASE ...
 *             TEMPLATE; STRATEGY FILE_COPY from PostgreSQL 15, which copies
 *             the files instead of logging every page), while nobody can be
 *             connected to it; it is never opened, so it stays exactly what
 *             was pulled
 *   rollback  one transaction of three renames: into -> a temporary name,
 *             prev -> into, the temporary name -> prev
 *   reset     a new temporary database from the pristine template, then
 *             the pull's own swap; the wrecked copy is dropped
 */
#include "engine/postgres/pg_pull_int.h"

#include "engine/keepname.h"
#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PostgreSQL's identifiers: NAMEDATALEN - 1 bytes. */
#define PG_NAME_MAX 63

static void
keep_name(const struct pg *pg, char *buf, size_t cap, const char *kind)
{
	siphon_keepname(buf, cap, kind, pg->into, PG_NAME_MAX);
}

/* CREATE DATABASE name TEMPLATE from, file by file where the server can. */
static int
create_from(struct pg *pg, const char *name, const char *from)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int r;

	if (siphon_strbuf_puts(&q, "CREATE DATABASE ") != 0 || siphon_pg_ident(&q, name) != 0 ||
	    siphon_strbuf_puts(&q, " TEMPLATE ") != 0 || siphon_pg_ident(&q, from) != 0 ||
	    siphon_strbuf_puts(&q, pg->local_num >= 150000 ? " STRATEGY FILE_COPY;\n" : ";\n") != 0) {
		siphon_strbuf_free(&q);
		return siphon_err_oom(pg->ctx);
	}
	r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out);
	free(out);
	siphon_strbuf_free(&q);
	return r;
}

/* DROP DATABASE IF EXISTS name; a failure is a warning saying what stays. */
static void
drop_warn(struct pg *pg, const char *name, const char *what)
{
	if (siphon_pg_local_drop_db(pg->ctx, name, pg->local_num) == 0)
		return;
	siphon_log(pg->ctx, SIPHON_LOG_WARN, "could not remove %s %s (drop it by hand): %s", what, name,
	           siphon_ctx_errmsg(pg->ctx));
	siphon_err_clear(pg->ctx);
}

/* Renames from to to alone; a failure is a warning saying what stays. */
static int
rename_warn(struct pg *pg, const char *from, const char *to, const char *what)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int r = -1;

	if (pg_add_rename(&q, from, to) == 0 &&
	    (r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out)) != 0) {
		siphon_log(pg->ctx, SIPHON_LOG_WARN, "could not keep %s as %s; it is left as %s: %s", what, to,
		           from, siphon_ctx_errmsg(pg->ctx));
		siphon_err_clear(pg->ctx);
	}
	free(out);
	siphon_strbuf_free(&q);
	return r;
}

int
pg_keep_describe(const struct pg *pg, struct siphon_strbuf *line)
{
	char name[SIPHON_KEEPNAME_MAX];

	keep_name(pg, name, sizeof(name), "prev");
	if (pg->target_exists && pg->o->keep_previous &&
	    siphon_strbuf_printf(line, "; the old one is kept as %s (siphon rollback)", name) != 0)
		return -1;
	keep_name(pg, name, sizeof(name), "pristine");
	if (pg->o->keep_pristine &&
	    siphon_strbuf_printf(line, "; an untouched twin as %s (siphon reset)", name) != 0)
		return -1;
	return 0;
}

int
pg_keep_prepare(struct pg *pg)
{
	int r;

	if (!pg->o->keep_pristine || pg->no_pristine)
		return 0;
	/* A temporary's name: a siphon that dies here leaves it to the stale sweep. */
	snprintf(pg->pristine_tmp, sizeof(pg->pristine_tmp), "%s-pristine", pg->tmpdb);
	siphon_event_step(pg->ctx, "pristine copy");
	if ((r = create_from(pg, pg->pristine_tmp, pg->tmpdb)) != 0)
		return r;
	pg->pristine_made = 1;
	return 0;
}

void
pg_keep_abort(struct pg *pg)
{
	if (!pg->pristine_made)
		return;
	drop_warn(pg, pg->pristine_tmp, "the unfinished pristine copy");
	pg->pristine_made = 0;
}

void
pg_keep_after(struct pg *pg, const char *old)
{
	char prev[SIPHON_KEEPNAME_MAX], pristine[SIPHON_KEEPNAME_MAX];

	keep_name(pg, prev, sizeof(prev), "prev");
	keep_name(pg, pristine, sizeof(pristine), "pristine");
	/* The new copy is in place: only now may the older kept ones go. */
	if (old != NULL || !pg->o->keep_previous)
		drop_warn(pg, prev, "the previous copy");
	if (old != NULL && pg->o->keep_previous) {
		if (rename_warn(pg, old, prev, "the replaced copy") == 0)
			siphon_log(pg->ctx, SIPHON_LOG_INFO,
			           "the replaced copy is kept as %s (siphon rollback puts it back)", prev);
	} else if (old != NULL) {
		drop_warn(pg, old, "the old copy");
	}
	/* A pristine copy of an older pull would reset to the wrong data: it goes either way. */
	drop_warn(pg, pristine, "the older pristine copy");
	if (pg->pristine_made && rename_warn(pg, pg->pristine_tmp, pristine, "the pristine copy") == 0)
		pg->pristine_made = 0;
	pg_keep_abort(pg);
}

/* The previous copy back in; into becomes the previous one. */
static int
rollback(struct pg *pg, const char *prev)
{
	struct siphon_strbuf q = {0};
	char old[64];
	int r, exists, sessions, prev_exists, prev_sessions;

	if ((r = siphon_pg_local_db_state(pg->ctx, prev, &prev_exists, &prev_sessions)) != 0 ||
	    (r = siphon_pg_local_db_state(pg->ctx, pg->into, &exists, &sessions)) != 0)
		return r;
	if (!prev_exists)
		return siphon_err(pg->ctx, SIPHON_ELOCAL,
		                  "no previous copy of \"%s\" to roll back to (database %s): a pull keeps the copy it "
		                  "replaces when keep_previous is on; nothing was changed",
		                  pg->into, prev);
	if ((r = siphon_target_check_busy(&pg->eng->target, pg->into, sessions, pg->o->force)) != 0 ||
	    (r = siphon_target_check_busy(&pg->eng->target, prev, prev_sessions, pg->o->force)) != 0)
		return r;
	siphon_target_tmpname(old, sizeof(old), "old");
	if ((pg->o->force && (pg_add_terminate(&q, pg->into) != 0 || pg_add_terminate(&q, prev) != 0)) ||
	    siphon_strbuf_puts(&q, "BEGIN;\n") != 0 ||
	    (exists && pg_add_rename(&q, pg->into, old) != 0) ||
	    pg_add_rename(&q, prev, pg->into) != 0 ||
	    (exists && pg_add_rename(&q, old, prev) != 0) ||
	    siphon_strbuf_puts(&q, "COMMIT;\n") != 0) {
		siphon_strbuf_free(&q);
		return siphon_err_oom(pg->ctx);
	}
	r = pg_run_renames(pg, siphon_strbuf_str(&q));
	siphon_strbuf_free(&q);
	if (r == 0)
		siphon_log(pg->ctx, SIPHON_LOG_INFO,
		           "\"%s\" is the previous copy again%s", pg->into,
		           exists ? "; the one it replaced is now kept as the previous copy (roll back again to return to it)" : "");
	return r;
}

/* into dropped and made again from the pristine copy, through a temporary database. */
static int
reset(struct pg *pg, const char *pristine)
{
	char old[64], *out = NULL, *datadir = NULL;
	struct siphon_strbuf q = {0};
	int r, exists, sessions;
	unsigned long long bytes;

	if ((r = siphon_pg_local_db_state(pg->ctx, pristine, &exists, &sessions)) != 0)
		return r;
	if (!exists)
		return siphon_err(pg->ctx, SIPHON_ELOCAL,
		                  "no pristine copy of \"%s\" to reset from (database %s): a pull keeps one when "
		                  "keep_pristine is on; nothing was changed",
		                  pg->into, pristine);
	if ((r = siphon_pg_local_db_state(pg->ctx, pg->into, &exists, &sessions)) != 0 ||
	    (r = siphon_target_check_busy(&pg->eng->target, pg->into, sessions, pg->o->force)) != 0)
		return r;
	/* The new copy is as large as the pristine one, until the wrecked one goes. */
	if (siphon_strbuf_puts(&q, "SELECT pg_catalog.pg_database_size(") != 0 ||
	    siphon_pg_literal(&q, pristine) != 0 || siphon_strbuf_puts(&q, ");\n") != 0) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	if ((r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out)) != 0 ||
	    (r = siphon_pg_local_datadir(pg->ctx, &datadir)) != 0 ||
	    (r = siphon_target_set_dir(&pg->eng->target, datadir,
	                               "where the local PostgreSQL keeps its data")) != 0)
		goto out;
	bytes = strtoull(out, NULL, 10);
	if ((r = siphon_target_check_disk(&pg->eng->target, bytes)) != 0)
		goto out;
	siphon_target_tmpname(pg->tmpdb, sizeof(pg->tmpdb), "tmp");
	if ((r = create_from(pg, pg->tmpdb, pristine)) != 0)
		goto out;
	pg->tmp_created = 1;
	if ((r = pg_swap_names(pg, old, sizeof(old), &exists)) != 0)
		goto out;
	if (exists)
		drop_warn(pg, old, "the copy that was reset");
	siphon_log(pg->ctx, SIPHON_LOG_INFO, "\"%s\" is again what the last pull brought (from %s)",
	           pg->into, pristine);
out:
	pg_drop_tmpdb(pg);
	free(out);
	free(datadir);
	siphon_strbuf_free(&q);
	return r;
}

int
pg_local_op(struct siphon_run *run, void *st, enum siphon_local_action act, int check_only)
{
	struct pg *pg = st;
	char name[SIPHON_KEEPNAME_MAX];
	int r, exists, sessions;

	(void)run;
	keep_name(pg, name, sizeof(name), act == SIPHON_LOCAL_ROLLBACK ? "prev" : "pristine");
	if ((r = siphon_pg_local_psql_check(pg->ctx)) != 0 ||
	    (r = siphon_pg_local_version(pg->ctx, &pg->local_num)) != 0)
		return r;
	if (check_only) {
		if ((r = siphon_pg_local_db_state(pg->ctx, name, &exists, &sessions)) != 0)
			return r;
		return exists;
	}
	return act == SIPHON_LOCAL_ROLLBACK ? rollback(pg, name) : reset(pg, name);
}
