/*
 * my_keep.c - the copies a MySQL/MariaDB pull keeps beside the local
 * database, and the two commands that use them.  MySQL has no RENAME
 * DATABASE: a database "moves" by RENAME TABLE of each of its tables.
 *
 *   previous  siphon_prev_<into> (engine/keepname.h): the tables the swap
 *             moved out of the target (to siphon_old_*) are moved there
 *             once the new copy is in place; the older one is dropped only
 *             then
 *   pristine  siphon_pristine_<into>: a copy of the staging database made
 *             just before the swap (CREATE TABLE ... LIKE, INSERT ...
 *             SELECT, the foreign keys and AUTO_INCREMENT counters), under a temporary name until the swap succeeded
 *   rollback  one RENAME TABLE exchanging the tables of the target and of
 *             the previous copy (atomic)
 *   reset     the pristine copy copied into a new staging database, whose
 *             tables replace the target's in one RENAME TABLE
 *
 * Tables alone for now: views, routines, triggers and events cannot move
 * between databases, and moving them faithfully (SHOW CREATE, references
 * to the database rewritten) is not done yet.  A replaced copy with such
 * objects is not kept, a pulled one with them gets no pristine copy (one
 * warning each), and rollback and reset refuse a target that has them.
 */
#include "engine/mysql/my_pull_int.h"

#include "engine/keepname.h"
#include "engine/mysql/my_sql.h"
#include "util/ctx.h"
#include "util/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MySQL's identifiers: 64 characters; bytes here, which is never more. */
#define MY_NAME_MAX 64

/* Settings of a session that copies or moves tables. */
#define MOVE_SETTINGS \
	"SET SESSION lock_wait_timeout = 10, foreign_key_checks = 0, unique_checks = 0," \
	" sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';\n"

static void
keep_name(const struct my *my, char *buf, size_t cap, const char *kind)
{
	siphon_keepname(buf, cap, kind, my->into, MY_NAME_MAX);
}

int
my_add_renames(struct siphon_strbuf *sql, const struct siphon_my_catalog *c, const char *from,
               const char *to, int *n)
{
	for (int i = 0; i < c->ntables; i++, (*n)++)
		if (siphon_strbuf_puts(sql, *n == 0 ? "RENAME TABLE " : ", ") != 0 ||
		    siphon_my_qualified(sql, from, c->tables[i].name) != 0 ||
		    siphon_strbuf_puts(sql, " TO ") != 0 ||
		    siphon_my_qualified(sql, to, c->tables[i].name) != 0)
			return -1;
	return 0;
}

/* "DROP DATABASE IF EXISTS db;" */
static int
add_drop(struct siphon_strbuf *sql, const char *db)
{
	if (siphon_strbuf_puts(sql, "DROP DATABASE IF EXISTS ") != 0 || siphon_my_ident(sql, db) != 0 ||
	    siphon_strbuf_puts(sql, ";\n") != 0)
		return -1;
	return 0;
}

/* "CREATE DATABASE db CHARACTER SET ... COLLATE ...;" with c's settings. */
static int
add_create(struct siphon_strbuf *sql, const char *db, const struct siphon_my_catalog *c)
{
	if (siphon_strbuf_puts(sql, "CREATE DATABASE ") != 0 || siphon_my_ident(sql, db) != 0)
		return -1;
	if (siphon_my_plain_name(c->db_charset) && siphon_my_plain_name(c->db_collation) &&
	    siphon_strbuf_printf(sql, " CHARACTER SET %s COLLATE %s", c->db_charset, c->db_collation) != 0)
		return -1;
	return siphon_strbuf_puts(sql, ";\n");
}

/* "ALTER DATABASE db CHARACTER SET ... COLLATE ...;" with c's settings (nothing without them). */
static int
add_alter(struct siphon_strbuf *sql, const char *db, const struct siphon_my_catalog *c)
{
	if (!siphon_my_plain_name(c->db_charset) || !siphon_my_plain_name(c->db_collation))
		return 0;
	if (siphon_strbuf_puts(sql, "ALTER DATABASE ") != 0 || siphon_my_ident(sql, db) != 0 ||
	    siphon_strbuf_printf(sql, " CHARACTER SET %s COLLATE %s;\n", c->db_charset, c->db_collation) != 0)
		return -1;
	return 0;
}

/* Runs sql; a failure is a warning naming what stays where.  0 or -1. */
static int
run_warn(struct my *my, const char *sql, const char *what)
{
	if (my_local_sql(my, sql, NULL, what) == 0)
		return 0;
	siphon_log(my->ctx, SIPHON_LOG_WARN, "%s failed (see what is left with SHOW DATABASES): %s", what,
	           siphon_ctx_errmsg(my->ctx));
	siphon_err_clear(my->ctx);
	return -1;
}

/*
 * The statements copying c's tables from db from into a new database to:
 * CREATE TABLE ... LIKE, INSERT ... SELECT, then what LIKE leaves out
 * (my_keep_extra.c).  0, or a negative code (the error is set).
 */
static int
copy_sql(struct my *my, struct siphon_strbuf *sql, const struct siphon_my_catalog *c, const char *from,
         const char *to)
{
	if (siphon_strbuf_puts(sql, MOVE_SETTINGS) != 0 || add_create(sql, to, c) != 0)
		return siphon_err_oom(my->ctx);
	for (int i = 0; i < c->ntables; i++) {
		const char *t = c->tables[i].name;

		if (siphon_strbuf_puts(sql, "CREATE TABLE ") != 0 || siphon_my_qualified(sql, to, t) != 0 ||
		    siphon_strbuf_puts(sql, " LIKE ") != 0 || siphon_my_qualified(sql, from, t) != 0 ||
		    siphon_strbuf_puts(sql, ";\nINSERT INTO ") != 0 || siphon_my_qualified(sql, to, t) != 0 ||
		    siphon_strbuf_puts(sql, " SELECT * FROM ") != 0 || siphon_my_qualified(sql, from, t) != 0 ||
		    siphon_strbuf_puts(sql, ";\n") != 0)
			return siphon_err_oom(my->ctx);
	}
	return my_keep_extras_sql(my, from, to, sql);
}

/* Why the pulled copy cannot be kept as a pristine copy, or NULL. */
static const char *
no_pristine_why(const struct my *my)
{
	if (my->cat.nobjs > 0)
		return "it has views, routines, triggers or events, which MySQL/MariaDB pristine copies do not hold yet";
	for (int i = 0; i < my->cat.ntables; i++) {
		const struct siphon_my_table *t = &my->cat.tables[i];

		if (t->sequence || t->versioned)
			return "it has sequences or system-versioned tables, which INSERT ... SELECT does not copy faithfully";
		for (int k = 0; k < t->ncols; k++)
			if (t->cols[k].generated)
				return "it has generated columns, which INSERT ... SELECT * cannot fill";
	}
	return NULL;
}

void
my_keep_prepare(struct my *my)
{
	struct siphon_strbuf sql = {0};
	const char *why;

	if (!my->o->keep_pristine || my->no_pristine)
		return;
	if ((why = no_pristine_why(my)) != NULL) {
		siphon_log(my->ctx, SIPHON_LOG_INFO, "no pristine copy of \"%s\" is kept (siphon reset will not be possible): %s",
		           my->into, why);
		return;
	}
	/* A temporary's name: a siphon that dies here leaves it to the stale sweep. */
	snprintf(my->pristine_tmp, sizeof(my->pristine_tmp), "%s-p", my->staging);
	siphon_event_step(my->ctx, "pristine copy");
	my->pristine_made = 1;
	if (copy_sql(my, &sql, &my->cat, my->staging, my->pristine_tmp) != 0) {
		siphon_log(my->ctx, SIPHON_LOG_WARN, "no pristine copy of \"%s\" is kept: %s", my->into,
		           siphon_ctx_errmsg(my->ctx));
		siphon_err_clear(my->ctx);
	} else if (run_warn(my, siphon_strbuf_str(&sql), "making the pristine copy") == 0) {
		siphon_strbuf_free(&sql);
		return;
	}
	siphon_strbuf_free(&sql);
	my_keep_abort(my);
}

void
my_keep_abort(struct my *my)
{
	struct siphon_strbuf sql = {0};

	if (!my->pristine_made)
		return;
	my->pristine_made = 0;
	if (add_drop(&sql, my->pristine_tmp) == 0)
		(void)run_warn(my, siphon_strbuf_str(&sql), "dropping the unfinished pristine copy");
	siphon_strbuf_free(&sql);
}

int
my_keep_old(struct my *my, const struct siphon_my_catalog *old, int exists)
{
	struct siphon_strbuf names = {0};

	if (!exists || !my->o->keep_previous)
		return 0;
	if (old->nobjs == 0)
		return 1;
	for (int i = 0; i < old->nobjs && names.len < 200; i++)
		(void)siphon_strbuf_printf(&names, "%s%s `%s`", i > 0 ? ", " : "",
		                           siphon_my_kind_word(old->objs[i].kind), old->objs[i].name);
	siphon_log(my->ctx, SIPHON_LOG_INFO,
	           "the replaced copy of \"%s\" is not kept for rollback: it has %s%s, and MySQL/MariaDB previous copies hold tables alone yet",
	           my->into, siphon_strbuf_str(&names), names.len >= 200 ? " and more" : "");
	siphon_strbuf_free(&names);
	return 0;
}

/* The tables of c in from moved into a new database to (an older to dropped), from dropped. */
static int
move_db(struct my *my, const struct siphon_my_catalog *c, const char *from, const char *to, const char *what)
{
	struct siphon_strbuf sql = {0};
	int n = 0, r = -1;

	if (siphon_strbuf_puts(&sql, MOVE_SETTINGS) == 0 && add_drop(&sql, to) == 0 &&
	    add_create(&sql, to, c) == 0 && my_add_renames(&sql, c, from, to, &n) == 0 &&
	    (n == 0 || siphon_strbuf_puts(&sql, ";\n") == 0) && add_drop(&sql, from) == 0)
		r = run_warn(my, siphon_strbuf_str(&sql), what);
	siphon_strbuf_free(&sql);
	return r;
}

void
my_keep_after(struct my *my, const struct siphon_my_catalog *old, int exists, int keep_old)
{
	char prev[SIPHON_KEEPNAME_MAX], pristine[SIPHON_KEEPNAME_MAX];
	struct siphon_strbuf sql = {0};

	keep_name(my, prev, sizeof(prev), "prev");
	keep_name(my, pristine, sizeof(pristine), "pristine");
	/* The new copy is in place: only now may the older kept ones go. */
	if (keep_old) {
		if (move_db(my, old, my->old, prev, "keeping the replaced copy") == 0)
			siphon_log(my->ctx, SIPHON_LOG_INFO,
			           "the replaced copy is kept as %s (siphon rollback puts it back)", prev);
	} else if ((exists || !my->o->keep_previous) && add_drop(&sql, prev) == 0) {
		(void)run_warn(my, siphon_strbuf_str(&sql), "dropping the previous copy");
	}
	siphon_strbuf_reset(&sql);
	if (my->pristine_made) {
		if (move_db(my, &my->cat, my->pristine_tmp, pristine, "naming the pristine copy") == 0)
			my->pristine_made = 0;
	} else if (add_drop(&sql, pristine) == 0) {
		/* A pristine copy of an older pull would reset to the wrong data. */
		(void)run_warn(my, siphon_strbuf_str(&sql), "dropping the older pristine copy");
	}
	siphon_strbuf_free(&sql);
	my_keep_abort(my);
}

int
my_keep_describe(const struct my *my, int exists, struct siphon_strbuf *line)
{
	char name[SIPHON_KEEPNAME_MAX];

	keep_name(my, name, sizeof(name), "prev");
	if (exists && my->o->keep_previous &&
	    siphon_strbuf_printf(line, "; the old tables are kept as %s (siphon rollback)", name) != 0)
		return -1;
	keep_name(my, name, sizeof(name), "pristine");
	if (my->o->keep_pristine &&
	    siphon_strbuf_printf(line, "; an untouched twin as %s (siphon reset)", name) != 0)
		return -1;
	return 0;
}

/*
 * What an action needs: the kept copy kc (database kept, an error without
 * it) and the target cur (*exists: it is there), neither with objects
 * (they cannot move with the tables yet), the target not in use (busy,
 * exit 9, unless --force, which ends its sessions).  0 or a negative code.
 */
static int
list_both(struct my *my, enum siphon_local_action act, const char *kept, struct siphon_my_catalog *kc,
          struct siphon_my_catalog *cur, int *exists)
{
	static const char *const what[] = {"previous copy", "pristine copy"};
	static const char *const verb[] = {"roll back to", "reset from"};
	static const char *const key[] = {"a pull keeps the copy it replaces when keep_previous is on",
	                                  "a pull keeps one when keep_pristine is on"};
	const struct siphon_my_catalog *c;
	char *ids = NULL;
	int r, n;

	if ((r = my_list_db(my, kept, kc, exists)) != 0)
		return r;
	if (!*exists)
		return siphon_err(my->ctx, SIPHON_ELOCAL, "no %s of \"%s\" to %s (database %s): %s; nothing was changed",
		                  what[act], my->into, verb[act], kept, key[act]);
	if ((r = my_list_db(my, my->into, cur, exists)) != 0)
		return r;
	for (c = kc; c != NULL; c = c == kc ? cur : NULL)
		if (c->nobjs > 0)
			return siphon_err(my->ctx, SIPHON_ELOCAL,
			                  "cannot %s \"%s\": \"%s\" has views, routines, triggers or events (%s `%s` first), which siphon cannot move with MySQL/MariaDB tables yet; drop them, or pull again; nothing was changed",
			                  act == SIPHON_LOCAL_ROLLBACK ? "roll back" : "reset", my->into,
			                  c == kc ? kept : my->into, siphon_my_kind_word(c->objs[0].kind), c->objs[0].name);
	if ((r = my_target_sessions(my, &n, &ids)) != 0)
		return r;
	free(ids);
	if ((r = siphon_target_check_busy(&my->eng->target, my->into, n, my->o->force)) != 0)
		return r;
	return my->o->force ? my_kill_sessions(my) : 0;
}

/* Runs the swapping statements; a lock wait that timed out is "busy". */
static int
run_swap(struct my *my, const char *sql, const char *tmp)
{
	struct siphon_strbuf drop = {0};
	char first[600];
	int r, code;

	if ((r = my_local_sql(my, sql, NULL, "swapping the local database's tables")) == 0)
		return 0;
	code = siphon_ctx_errcode(my->ctx);
	snprintf(first, sizeof(first), "%s", siphon_ctx_errmsg(my->ctx));
	siphon_err_clear(my->ctx);
	if (add_drop(&drop, tmp) == 0)
		(void)run_warn(my, siphon_strbuf_str(&drop), "dropping the empty temporary database");
	siphon_strbuf_free(&drop);
	if (strstr(first, "ERROR 1205") != NULL)
		return siphon_err(my->ctx, SIPHON_EBUSY,
		                  "the local database \"%s\" is in use: another session holds one of its tables (%s); end that session or its transaction, and run again; nothing was changed",
		                  my->into, strstr(first, "ERROR 1205"));
	return siphon_err(my->ctx, code, "%s", first);
}

/* The previous copy's tables exchanged with the target's in one RENAME TABLE. */
static int
rollback(struct my *my, const char *prev)
{
	struct siphon_my_catalog cur = {0}, pc = {0};
	struct siphon_strbuf sql = {0};
	char tmp[64];
	int r, exists, n = 0;

	if ((r = list_both(my, SIPHON_LOCAL_ROLLBACK, prev, &pc, &cur, &exists)) != 0)
		goto out;
	siphon_target_tmpname(tmp, sizeof(tmp), "old");
	if (siphon_strbuf_puts(&sql, MOVE_SETTINGS) != 0 || add_create(&sql, tmp, &pc) != 0 ||
	    (!exists && add_create(&sql, my->into, &pc) != 0) ||
	    my_add_renames(&sql, &cur, my->into, tmp, &n) != 0 ||
	    my_add_renames(&sql, &pc, prev, my->into, &n) != 0 ||
	    my_add_renames(&sql, &cur, tmp, prev, &n) != 0 ||
	    (n > 0 && siphon_strbuf_puts(&sql, ";\n") != 0) ||
	    add_alter(&sql, my->into, &pc) != 0 ||
	    (exists && add_alter(&sql, prev, &cur) != 0) ||
	    (!exists && add_drop(&sql, prev) != 0) || add_drop(&sql, tmp) != 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	siphon_event_step(my->ctx, "swap");
	if ((r = run_swap(my, siphon_strbuf_str(&sql), tmp)) != 0)
		goto out;
	siphon_log(my->ctx, SIPHON_LOG_INFO, "\"%s\" is the previous copy again%s", my->into,
	           exists ? "; the one it replaced is now kept as the previous copy (roll back again to return to it)" : "");
out:
	siphon_my_catalog_clear(&cur);
	siphon_my_catalog_clear(&pc);
	siphon_strbuf_free(&sql);
	return r;
}

/* The bytes of db's tables on the local server (0 if unknown). */
static unsigned long long
db_bytes(struct my *my, const char *db)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	unsigned long long n = 0;

	if (siphon_strbuf_puts(&q, "SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES"
	                           " WHERE TABLE_SCHEMA = ") == 0 &&
	    siphon_my_literal(&q, db) == 0 && siphon_strbuf_puts(&q, ";\n") == 0 &&
	    my_local_sql(my, siphon_strbuf_str(&q), &out, "measuring the pristine copy") == 0 && out != NULL)
		n = strtoull(out, NULL, 10);
	siphon_err_clear(my->ctx);
	free(out);
	siphon_strbuf_free(&q);
	return n;
}

/* The pristine copy copied into a staging database, whose tables then replace the target's. */
static int
reset(struct my *my, const char *pristine)
{
	struct siphon_my_catalog cur = {0}, pc = {0};
	struct siphon_strbuf sql = {0};
	int r, exists, n = 0;

	if ((r = list_both(my, SIPHON_LOCAL_RESET, pristine, &pc, &cur, &exists)) != 0 ||
	    (r = siphon_target_check_disk(&my->eng->target, db_bytes(my, pristine))) != 0)
		goto out;
	siphon_target_tmpname(my->staging, sizeof(my->staging), "tmp");
	siphon_event_step(my->ctx, "copy");
	my->staging_created = 1;
	if ((r = copy_sql(my, &sql, &pc, pristine, my->staging)) != 0 ||
	    (r = my_local_sql(my, siphon_strbuf_str(&sql), NULL, "copying the pristine copy")) != 0)
		goto out;
	siphon_target_tmpname(my->old, sizeof(my->old), "old");
	siphon_strbuf_reset(&sql);
	if (siphon_strbuf_puts(&sql, MOVE_SETTINGS) != 0 || add_create(&sql, my->old, &pc) != 0 ||
	    (!exists && add_create(&sql, my->into, &pc) != 0) ||
	    my_add_renames(&sql, &cur, my->into, my->old, &n) != 0 ||
	    my_add_renames(&sql, &pc, my->staging, my->into, &n) != 0 ||
	    (n > 0 && siphon_strbuf_puts(&sql, ";\n") != 0) || add_alter(&sql, my->into, &pc) != 0 ||
	    add_drop(&sql, my->old) != 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	siphon_event_step(my->ctx, "swap");
	if ((r = run_swap(my, siphon_strbuf_str(&sql), my->old)) != 0)
		goto out;
	siphon_log(my->ctx, SIPHON_LOG_INFO, "\"%s\" is again what the last pull brought (from %s)",
	           my->into, pristine);
out:
	my_drop_staging(my);
	siphon_my_catalog_clear(&cur);
	siphon_my_catalog_clear(&pc);
	siphon_strbuf_free(&sql);
	return r;
}

int
my_local_op(struct siphon_run *run, void *st, enum siphon_local_action act, int check_only)
{
	struct my *my = st;
	struct siphon_my_catalog c = {0};
	char name[SIPHON_KEEPNAME_MAX];
	int r, exists;

	keep_name(my, name, sizeof(name), act == SIPHON_LOCAL_ROLLBACK ? "prev" : "pristine");
	if ((r = my_local_open(my)) != 0 ||
	    (r = siphon_target_set_dir(&run->target, my->local.datadir, "where the local server keeps its data")) != 0)
		return r;
	if (check_only) {
		r = my_list_db(my, name, &c, &exists);
		siphon_my_catalog_clear(&c);
		return r != 0 ? r : exists;
	}
	return act == SIPHON_LOCAL_ROLLBACK ? rollback(my, name) : reset(my, name);
}
