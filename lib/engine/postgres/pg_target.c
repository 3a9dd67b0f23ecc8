/*
 * pg_target.c - the local side: disk checks, the temporary database and the
 * swap that replaces the old database (the finishing steps: pg_finish.c).
 */
#include "engine/postgres/pg_pull_int.h"

#include "util/clock.h"

#include "engine/plan.h"
#include "engine/postgres/pg_lane.h"
#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_post.h"
#include "engine/postgres/pg_script.h"
#include "remote/shell.h"
#include "engine/postgres/pg_sql.h"
#include "util/tmpname.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static int
list_temps(void *arg, char **names)
{
	struct pg *pg = arg;

	return siphon_pg_local_list_temps(pg->ctx, names);
}

static int
drop_temp(void *arg, const char *name)
{
	struct pg *pg = arg;

	return siphon_pg_local_drop_db(pg->ctx, name, pg->local_num);
}

const struct siphon_target_ops pg_target_ops = {
	.list_temps = list_temps,
	.drop_temp = drop_temp,
};

int
pg_create_tmpdb(struct pg *pg)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int r;

	siphon_target_tmpname(pg->tmpdb, sizeof(pg->tmpdb), "tmp");
	/* The source's encoding and locale, from template0 so nothing else rides along. */
	if (siphon_strbuf_puts(&q, "CREATE DATABASE ") != 0 ||
	    siphon_pg_ident(&q, pg->tmpdb) != 0 ||
	    siphon_strbuf_puts(&q, " TEMPLATE template0 ENCODING ") != 0 ||
	    siphon_pg_literal(&q, pg->cat.encoding) != 0 ||
	    siphon_strbuf_puts(&q, " LC_COLLATE ") != 0 ||
	    siphon_pg_literal(&q, pg->cat.collate) != 0 ||
	    siphon_strbuf_puts(&q, " LC_CTYPE ") != 0 ||
	    siphon_pg_literal(&q, pg->cat.ctype) != 0 ||
	    siphon_strbuf_puts(&q, ";\n") != 0)
		goto oom;
	/*
	 * Marked before it is asked: a Ctrl-C while CREATE DATABASE runs ends
	 * the local psql, not the statement, which may still commit; the
	 * cleanup's DROP DATABASE IF EXISTS then removes it (the name is this
	 * run's own).
	 */
	pg->tmp_created = 1;
	r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out);
	free(out);
	out = NULL;
	if (r != 0 && strstr(siphon_ctx_errmsg(pg->ctx), "locale") != NULL) {
		/* The workstation lacks the server's locale: keep the encoding. */
		siphon_log(pg->ctx, SIPHON_LOG_WARN,
		           "the local server has no locale %s; creating the copy with the C locale (sort order of text may differ; install the locale to avoid this)",
		           pg->cat.collate);
		siphon_err_clear(pg->ctx);
		siphon_strbuf_reset(&q);
		if (siphon_strbuf_puts(&q, "CREATE DATABASE ") != 0 ||
		    siphon_pg_ident(&q, pg->tmpdb) != 0 ||
		    siphon_strbuf_puts(&q, " TEMPLATE template0 LOCALE 'C' ENCODING ") != 0 ||
		    siphon_pg_literal(&q, pg->cat.encoding) != 0 ||
		    siphon_strbuf_puts(&q, ";\n") != 0)
			goto oom;
		r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out);
		free(out);
	}
	siphon_strbuf_free(&q);
	return r;
oom:
	siphon_strbuf_free(&q);
	return siphon_err_oom(pg->ctx);
}

/* Runs sql for cleanup: never overwrites the first error, ignores Ctrl-C. */
static int
cleanup_query(struct pg *pg, const char *db, const char *sql, struct siphon_ctx *tmp)
{
	char *out = NULL;
	int r;

	*tmp = *pg->ctx;
	tmp->errcode = 0;
	tmp->errmsg[0] = '\0';
	tmp->log_fn = NULL;
	tmp->cancel_fd = -1;
	r = siphon_pg_local_query(tmp, db, sql, &out);
	free(out);
	return r;
}

void
pg_drop_tmpdb(struct pg *pg)
{
	struct siphon_strbuf q = {0};
	struct siphon_ctx tmp;
	int i;

	if (!pg->tmp_created)
		return;
	if (siphon_strbuf_puts(&q, "DROP DATABASE IF EXISTS ") != 0 ||
	    siphon_pg_ident(&q, pg->tmpdb) != 0 ||
	    siphon_strbuf_puts(&q, pg->local_num >= 130000 ? " WITH (FORCE);\n" : ";\n") != 0)
		goto out;
	if (cleanup_query(pg, "postgres", siphon_strbuf_str(&q), &tmp) == 0) {
		pg->tmp_created = 0;
		goto out;
	}
	/*
	 * On a full disk DROP DATABASE's checkpoint can fail, and even crash
	 * the server.  Wait for it to come back, empty the copy's tables (which
	 * gives their space back at once), then drop it again.
	 */
	for (i = 0; i < 60; i++) {
		struct timespec ts = {0, 500 * 1000 * 1000};
		struct siphon_ctx t2;

		if (cleanup_query(pg, "postgres", "SELECT 1;", &t2) == 0)
			break;
		nanosleep(&ts, NULL);
	}
	cleanup_query(pg, pg->tmpdb,
	    "DO $siphon$DECLARE r record; BEGIN FOR r IN SELECT c.oid::regclass AS t FROM pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') "
	    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' "
	    "LOOP EXECUTE 'TRUNCATE ' || r.t || ' CASCADE'; END LOOP; END$siphon$;\n", &tmp);
	if (cleanup_query(pg, "postgres", siphon_strbuf_str(&q), &tmp) == 0)
		pg->tmp_created = 0;
	else
		siphon_log(pg->ctx, SIPHON_LOG_WARN,
		           "could not remove the temporary database %s (the next siphon run removes it): %s",
		           pg->tmpdb, siphon_ctx_errmsg(&tmp));
out:
	siphon_strbuf_free(&q);
}

int
pg_local_failed(struct pg *pg, struct siphon_proc *p)
{
	char line[512];
	const char *e = siphon_strbuf_str(&p->err);

	pg_key_line(e, line, sizeof(line));
	if (strstr(e, "invalid command \\restrict") != NULL)
		return siphon_err(pg->ctx, SIPHON_ELOCAL,
		                  "the local psql is too old for this pg_dump's output (no \\restrict): upgrade the local postgresql-client to the latest minor release");
	if (strstr(e, "backslash commands are restricted") != NULL ||
	    strstr(e, "\\unrestrict: wrong key") != NULL)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "the dump from %s tried to run a psql command on this workstation (%s); psql refused it "
		                  "(siphon's \\restrict) and nothing was changed locally: treat %s as compromised",
		                  pg->o->host, line, pg->o->host);
	if (strstr(e, "No space left") != NULL || strstr(e, "could not extend") != NULL)
		return siphon_err(pg->ctx, SIPHON_ELOCAL,
		                  "the local disk is full (%s); free space and run again", line);
	return siphon_err(pg->ctx, SIPHON_ELOCAL, "%s failed: %s", p->what,
	                  line[0] ? line : "psql exited with an error");
}

/* Appends "ALTER DATABASE from RENAME TO to;". */
int
pg_add_rename(struct siphon_strbuf *q, const char *from, const char *to)
{
	return siphon_strbuf_puts(q, "ALTER DATABASE ") != 0 || siphon_pg_ident(q, from) != 0 ||
	       siphon_strbuf_puts(q, " RENAME TO ") != 0 || siphon_pg_ident(q, to) != 0 ||
	       siphon_strbuf_puts(q, ";\n") != 0 ? -1 : 0;
}

/* Appends the statement that ends the other sessions on db (--force). */
int
pg_add_terminate(struct siphon_strbuf *q, const char *db)
{
	return siphon_strbuf_puts(q, "SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM "
	                             "pg_catalog.pg_stat_activity WHERE datname = ") != 0 ||
	       siphon_pg_literal(q, db) != 0 ||
	       siphon_strbuf_puts(q, " AND pid <> pg_catalog.pg_backend_pid();\n") != 0 ? -1 : 0;
}

/* Runs renames (one transaction); a session that connected meanwhile is EBUSY. */
int
pg_run_renames(struct pg *pg, const char *sql)
{
	char *out = NULL;
	int r;

	r = siphon_pg_local_query(pg->ctx, "postgres", sql, &out);
	free(out);
	if (r != 0 && strstr(siphon_ctx_errmsg(pg->ctx), "being accessed by other users") != NULL) {
		siphon_err_clear(pg->ctx);
		r = siphon_err(pg->ctx, SIPHON_EBUSY,
		               "the local database \"%s\" is in use (a session connected meanwhile); close it and run again, or use --force",
		               pg->into);
	}
	return r;
}

int
pg_swap_names(struct pg *pg, char *old, size_t cap, int *exists)
{
	struct siphon_strbuf q = {0};
	int r, sessions;

	if ((r = siphon_pg_local_db_state(pg->ctx, pg->into, exists, &sessions)) != 0)
		return r;
	siphon_target_tmpname(old, cap, "old");
	if (*exists && pg->o->force && pg_add_terminate(&q, pg->into) != 0)
		goto oom;
	/* Both renames in one transaction: the name never points at nothing. */
	if (siphon_strbuf_puts(&q, "BEGIN;\n") != 0 ||
	    (*exists && pg_add_rename(&q, pg->into, old) != 0) ||
	    pg_add_rename(&q, pg->tmpdb, pg->into) != 0 ||
	    siphon_strbuf_puts(&q, "COMMIT;\n") != 0)
		goto oom;
	if ((r = pg_run_renames(pg, siphon_strbuf_str(&q))) == 0)
		pg->tmp_created = 0;
	siphon_strbuf_free(&q);
	return r;
oom:
	siphon_strbuf_free(&q);
	return siphon_err_oom(pg->ctx);
}

int
pg_swap(struct pg *pg)
{
	char old[64];
	int r, exists;

	if ((r = pg_keep_prepare(pg)) != 0)
		return r;
	if ((r = pg_swap_names(pg, old, sizeof(old), &exists)) != 0) {
		pg_keep_abort(pg);
		return r;
	}
	pg_keep_after(pg, exists ? old : NULL);
	return 0;
}
