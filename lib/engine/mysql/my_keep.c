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
 *             SELECT, the foreign keys and AUTO_INCREMENT counters), under
 *             a temporary name until the swap succeeded; only when
 *             keep_pristine was set, not by its default (my_pull_int.h)
 *   rollback  one RENAME TABLE exchanging the tables of the target and of
 *             the previous copy (atomic)
 *   reset     the pristine copy copied into a new staging database, whose
 *             tables replace the target's in one RENAME TABLE
 *
 * Views, routines and events cannot move between databases, nor can a
 * table with triggers.  They are made again instead, from SHOW CREATE read
 * in their own database (which leaves references to it unqualified, so the
 * text works in another one) with their DEFINER, sql_mode and client
 * character set: a kept copy gets the objects of the copy it holds once
 * its tables are there, and rollback and reset swap as a pull does
 * (my_swap.c): the target's triggers and views dropped, the one RENAME
 * TABLE, then its routines and events dropped and the incoming copy's
 * objects made.  The tables change atomically; the objects do not (a
 * client may see the tables for a few milliseconds without them).  Events
 * in a kept copy are DISABLEd (it must never run a job), so an event
 * enabled by hand in the target comes back disabled after a rollback.
 */
#include "engine/mysql/my_pull_int.h"

#include "engine/keepname.h"
#include "engine/mysql/my_options.h"
#include "engine/mysql/my_sql.h"
#include "util/ctx.h"
#include "util/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MySQL's identifiers: 64 characters; bytes here, which is never more. */
#define MY_NAME_MAX 64

int
my_move_settings(const struct my *my, struct siphon_strbuf *sql, int copies)
{
	int secs = siphon_opt_int(my->eng->opts, &siphon_my_options[MY_OPT_LOCK_TIMEOUT]);

	return siphon_strbuf_printf(sql, "SET SESSION lock_wait_timeout = %d, foreign_key_checks = 0,%s"
	                            " sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';\n",
	                            secs, copies ? " unique_checks = 0," : "");
}

/* A session that copies or moves tables. */
static int
move_settings(const struct my *my, struct siphon_strbuf *sql)
{
	return my_move_settings(my, sql, 1);
}

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

/* Does c know settings of its database (character set and collation; MariaDB's comment)? */
static int
has_settings(const struct my *my, const struct siphon_my_catalog *c)
{
	return (siphon_my_plain_name(c->db_charset) && siphon_my_plain_name(c->db_collation)) ||
	       (my->local.mariadb && c->db_comment != NULL);
}

/* " CHARACTER SET ... COLLATE ..." and " COMMENT = ..." with c's settings (those known), and ";\n". */
static int
add_settings(const struct my *my, struct siphon_strbuf *sql, const struct siphon_my_catalog *c)
{
	if (siphon_my_plain_name(c->db_charset) && siphon_my_plain_name(c->db_collation) &&
	    siphon_strbuf_printf(sql, " CHARACTER SET %s COLLATE %s", c->db_charset, c->db_collation) != 0)
		return -1;
	if (my->local.mariadb && c->db_comment != NULL &&
	    (siphon_strbuf_puts(sql, " COMMENT = ") != 0 || siphon_my_string(sql, c->db_comment) != 0))
		return -1;
	return siphon_strbuf_puts(sql, ";\n");
}

/* "CREATE DATABASE db ...;" with c's settings. */
static int
add_create(const struct my *my, struct siphon_strbuf *sql, const char *db, const struct siphon_my_catalog *c)
{
	if (siphon_strbuf_puts(sql, "CREATE DATABASE ") != 0 || siphon_my_ident(sql, db) != 0)
		return -1;
	return add_settings(my, sql, c);
}

/* "ALTER DATABASE db ...;" with c's settings (nothing without them). */
static int
add_alter(const struct my *my, struct siphon_strbuf *sql, const char *db, const struct siphon_my_catalog *c)
{
	if (!has_settings(my, c))
		return 0;
	if (siphon_strbuf_puts(sql, "ALTER DATABASE ") != 0 || siphon_my_ident(sql, db) != 0)
		return -1;
	return add_settings(my, sql, c);
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
 * " (`a`, `b`)" (paren) or " `a`, `b`": t's stored columns by name, for
 * INSERT ... SELECT.  SELECT * would leave out MariaDB's INVISIBLE
 * columns, and a generated column cannot be given a value.  0 or -1.
 */
static int
add_columns(struct siphon_strbuf *sql, const struct siphon_my_table *t, int paren)
{
	int n = 0;

	if (siphon_strbuf_puts(sql, paren ? " (" : " ") != 0)
		return -1;
	for (int k = 0; k < t->ncols; k++)
		if (!t->cols[k].generated &&
		    ((n++ > 0 && siphon_strbuf_puts(sql, ", ") != 0) || siphon_my_ident(sql, t->cols[k].name) != 0))
			return -1;
	return paren ? siphon_strbuf_puts(sql, ")") : 0;
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
	if (move_settings(my, sql) != 0 || add_create(my, sql, to, c) != 0)
		return siphon_err_oom(my->ctx);
	for (int i = 0; i < c->ntables; i++) {
		const char *t = c->tables[i].name;

		if (siphon_strbuf_puts(sql, "CREATE TABLE ") != 0 || siphon_my_qualified(sql, to, t) != 0 ||
		    siphon_strbuf_puts(sql, " LIKE ") != 0 || siphon_my_qualified(sql, from, t) != 0 ||
		    siphon_strbuf_puts(sql, ";\nINSERT INTO ") != 0 || siphon_my_qualified(sql, to, t) != 0 ||
		    add_columns(sql, &c->tables[i], 1) != 0 || siphon_strbuf_puts(sql, " SELECT") != 0 ||
		    add_columns(sql, &c->tables[i], 0) != 0 || siphon_strbuf_puts(sql, " FROM ") != 0 ||
		    siphon_my_qualified(sql, from, t) != 0 || siphon_strbuf_puts(sql, ";\n") != 0)
			return siphon_err_oom(my->ctx);
	}
	return my_keep_extras_sql(my, from, to, sql);
}

int
my_keep_pristine_wanted(const struct my *my)
{
	return my->o->keep_pristine && siphon_opts_is_set(my->eng->opts, "keep-pristine");
}

/* Why the pulled copy cannot be kept as a pristine copy, or NULL. */
static const char *
no_pristine_why(const struct my *my)
{
	for (int i = 0; i < my->cat.ntables; i++) {
		const struct siphon_my_table *t = &my->cat.tables[i];

		if (t->sequence || t->versioned)
			return "it has sequences or system-versioned tables, which INSERT ... SELECT does not copy faithfully";
	}
	return NULL;
}

void
my_keep_prepare(struct my *my)
{
	struct siphon_strbuf sql = {0};
	const char *why;

	if (my->o->keep_pristine && !my_keep_pristine_wanted(my))
		siphon_log(my->ctx, SIPHON_LOG_INFO,
		           "no pristine copy of \"%s\" is kept: for MySQL/MariaDB it is a row-by-row copy that costs about twice the load (set keep_pristine = yes to keep one for siphon reset)",
		           my->into);
	if (!my_keep_pristine_wanted(my) || my->no_pristine)
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

/*
 * The objects of c whose definition could not be read, named onto names
 * (bounded); how many.  Such a copy cannot be kept whole.
 */
static int
undefined_names(const struct siphon_my_catalog *c, struct siphon_strbuf *names)
{
	int n = 0, more = 0;

	for (int i = 0; i < c->nobjs; i++) {
		if (c->objs[i].create != NULL)
			continue;
		if (names->len >= 200)
			more = 1;
		else
			(void)siphon_strbuf_printf(names, "%s%s `%s`", n > 0 ? ", " : "",
			                           siphon_my_kind_word(c->objs[i].kind), c->objs[i].name);
		n++;
	}
	if (more)
		(void)siphon_strbuf_puts(names, " and more");
	return n;
}

int
my_keep_old(struct my *my, const struct siphon_my_catalog *old, int exists)
{
	struct siphon_strbuf names = {0};

	if (!exists || !my->o->keep_previous)
		return 0;
	if (undefined_names(old, &names) == 0)
		return 1;
	siphon_log(my->ctx, SIPHON_LOG_INFO,
	           "the replaced copy of \"%s\" is not kept for rollback: the definition of %s could not be read (SHOW CREATE failed), so it could not be made again",
	           my->into, siphon_strbuf_str(&names));
	siphon_strbuf_free(&names);
	return 0;
}

/* The tables of c in from moved into a new database to (an older to dropped), from dropped. */
static int
move_db(struct my *my, const struct siphon_my_catalog *c, const char *from, const char *to, const char *what)
{
	struct siphon_strbuf sql = {0};
	int n = 0, r = -1;

	if (move_settings(my, &sql) == 0 && add_drop(&sql, to) == 0 &&
	    add_create(my, &sql, to, c) == 0 && my_add_renames(&sql, c, from, to, &n) == 0 &&
	    (n == 0 || siphon_strbuf_puts(&sql, ";\n") == 0) && add_drop(&sql, from) == 0)
		r = run_warn(my, siphon_strbuf_str(&sql), what);
	siphon_strbuf_free(&sql);
	return r;
}

/*
 * c's objects made in the kept copy db, whose tables are there.  A copy
 * whose objects could not all be made is dropped: it would come back
 * incomplete.  0, or -1 (a warning was given).
 */
static int
keep_objects(struct my *my, const struct siphon_my_catalog *c, const char *db)
{
	struct siphon_strbuf sql = {0}, names = {0};
	int r = 0;

	if (c->nobjs == 0)
		return 0;
	if (undefined_names(c, &names) > 0) {
		siphon_log(my->ctx, SIPHON_LOG_WARN, "the definition of %s could not be read (SHOW CREATE failed)",
		           siphon_strbuf_str(&names));
		r = -1;
	} else if (my_objects_sql(my, c, db, MY_OBJ_ALL, MY_OBJ_KEPT, &sql) < 0) {
		siphon_log(my->ctx, SIPHON_LOG_WARN, "%s", siphon_ctx_errmsg(my->ctx));
		siphon_err_clear(my->ctx);
		r = -1;
	} else {
		r = run_warn(my, siphon_strbuf_str(&sql), "making the views, routines, triggers and events of the kept copy");
	}
	if (r != 0) {
		siphon_strbuf_reset(&sql);
		if (add_drop(&sql, db) == 0)
			(void)run_warn(my, siphon_strbuf_str(&sql), "dropping the incomplete kept copy");
		siphon_log(my->ctx, SIPHON_LOG_WARN, "%s is not kept: its views, routines, triggers and events could not all be made in it",
		           db);
	}
	siphon_strbuf_free(&names);
	siphon_strbuf_free(&sql);
	return r;
}

/* The pristine copy's objects: those the swap just made in the target, read back. */
static void
keep_pristine_objects(struct my *my, const char *pristine)
{
	struct siphon_my_catalog cur = {0};
	struct siphon_strbuf sql = {0};
	int exists;

	if (my_read_objects(my, my->into, &cur, &exists, MY_OBJ_ALL) == 0) {
		(void)keep_objects(my, &cur, pristine);
	} else {
		siphon_log(my->ctx, SIPHON_LOG_WARN, "%s is not kept: %s", pristine, siphon_ctx_errmsg(my->ctx));
		siphon_err_clear(my->ctx);
		if (add_drop(&sql, pristine) == 0)
			(void)run_warn(my, siphon_strbuf_str(&sql), "dropping the incomplete pristine copy");
	}
	siphon_strbuf_free(&sql);
	siphon_my_catalog_clear(&cur);
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
		if (move_db(my, old, my->old, prev, "keeping the replaced copy") == 0 &&
		    keep_objects(my, old, prev) == 0)
			siphon_log(my->ctx, SIPHON_LOG_INFO,
			           "the replaced copy is kept as %s (siphon rollback puts it back)", prev);
	} else if ((exists || !my->o->keep_previous) && add_drop(&sql, prev) == 0) {
		(void)run_warn(my, siphon_strbuf_str(&sql), "dropping the previous copy");
	}
	siphon_strbuf_reset(&sql);
	if (my->pristine_made) {
		if (move_db(my, &my->cat, my->pristine_tmp, pristine, "naming the pristine copy") == 0) {
			my->pristine_made = 0;
			keep_pristine_objects(my, pristine);
		}
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
	    siphon_strbuf_printf(line, "; the old copy is kept as %s (siphon rollback)", name) != 0)
		return -1;
	keep_name(my, name, sizeof(name), "pristine");
	if (my_keep_pristine_wanted(my) &&
	    siphon_strbuf_printf(line, "; an untouched twin as %s (siphon reset)", name) != 0)
		return -1;
	return 0;
}

/*
 * What an action needs: the kept copy kc (database kept, an error without
 * it) and the target cur (*exists: it is there), each with the definitions
 * of its objects (one that cannot be read would be lost: refused), the
 * target not in use (busy, exit 9, unless --force, which ends its
 * sessions).  0 or a negative code.
 */
static int
list_both(struct my *my, enum siphon_local_action act, const char *kept, struct siphon_my_catalog *kc,
          struct siphon_my_catalog *cur, int *exists)
{
	static const char *const what[] = {"previous copy", "pristine copy"};
	static const char *const verb[] = {"roll back to", "reset from"};
	static const char *const key[] = {"a pull keeps the copy it replaces when keep_previous is on",
	                                  "a pull keeps one when keep_pristine is on"};
	struct siphon_strbuf names = {0};
	const struct siphon_my_catalog *c;
	char *ids = NULL;
	int r, n;

	if ((r = my_read_objects(my, kept, kc, exists, MY_OBJ_ALL)) != 0)
		return r;
	if (!*exists)
		return siphon_err(my->ctx, SIPHON_ELOCAL, "no %s of \"%s\" to %s (database %s): %s; nothing was changed",
		                  what[act], my->into, verb[act], kept, key[act]);
	if ((r = my_read_objects(my, my->into, cur, exists, MY_OBJ_ALL)) != 0)
		return r;
	/* The target's objects are dropped by reset and kept by rollback: either way each needs its text. */
	for (c = kc; c != NULL; c = c == kc ? cur : NULL)
		if (undefined_names(c, &names) > 0) {
			r = siphon_err(my->ctx, SIPHON_ELOCAL,
			               "cannot %s \"%s\": the definition of %s in \"%s\" cannot be read (SHOW CREATE failed: a view whose tables are gone?), so it could not be made again; drop or repair it, and run again; nothing was changed",
			               act == SIPHON_LOCAL_ROLLBACK ? "roll back" : "reset", my->into,
			               siphon_strbuf_str(&names), c == kc ? kept : my->into);
			siphon_strbuf_free(&names);
			return r;
		}
	if ((r = my_target_sessions(my, &n, &ids)) != 0)
		return r;
	free(ids);
	if ((r = siphon_target_check_busy(&my->eng->target, my->into, n, my->o->force)) != 0)
		return r;
	return my->o->force ? my_kill_sessions(my) : 0;
}

/* Is there an object of o's kind and name in c? */
static int
has_object(const struct siphon_my_catalog *c, const struct siphon_my_object *o)
{
	for (int i = 0; i < c->nobjs; i++)
		if (c->objs[i].kind == o->kind && strcmp(c->objs[i].name, o->name) == 0)
			return 1;
	return 0;
}

/*
 * Appends the making of those of c's views and triggers that db lacks now
 * (a first session that failed may have dropped some, or none: one held
 * by a busy session cannot be dropped, nor made again).  0 or a negative
 * code.
 */
static int
add_missing(struct my *my, const struct siphon_my_catalog *c, const char *db, struct siphon_strbuf *sql)
{
	struct siphon_my_catalog now = {0}, lost = {0};
	int r, exists;

	if (c->nobjs == 0)
		return 0;
	if ((r = my_list_db(my, db, &now, &exists)) != 0)
		goto out;
	if ((lost.objs = calloc((size_t)c->nobjs, sizeof(*lost.objs))) == NULL) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	/* Borrowed: lost owns its array, not the objects. */
	for (int i = 0; i < c->nobjs; i++)
		if (!has_object(&now, &c->objs[i]))
			lost.objs[lost.nobjs++] = c->objs[i];
	r = my_objects_sql(my, &lost, db, MY_OBJ_VIEWS | MY_OBJ_TRIGGERS, MY_OBJ_AS_IS, sql);
	r = r < 0 ? r : 0;
out:
	free(lost.objs);
	siphon_my_catalog_clear(&now);
	return r;
}

/*
 * The first swapping session of exchange() failed (its RENAME is its last
 * statement and atomic: no table moved): the views and triggers it dropped
 * are made again, the empty temporary database dropped, and the first
 * error reported, "busy" for a lock wait.
 */
static int
undo_first(struct my *my, const struct siphon_my_catalog *cur, const char *in,
           const struct siphon_my_catalog *ic, int rb, const char *tmp)
{
	struct siphon_strbuf undo = {0};
	char first[600];
	int code = siphon_ctx_errcode(my->ctx), r;

	snprintf(first, sizeof(first), "%s", siphon_ctx_errmsg(my->ctx));
	siphon_err_clear(my->ctx);
	if (move_settings(my, &undo) != 0 || add_drop(&undo, tmp) != 0)
		r = siphon_err_oom(my->ctx);
	else if ((r = add_missing(my, cur, my->into, &undo)) == 0 && rb)
		r = add_missing(my, ic, in, &undo);
	if (r == 0)
		r = my_local_sql(my, siphon_strbuf_str(&undo), NULL, "putting back the views and triggers");
	siphon_strbuf_free(&undo);
	if (r != 0) {
		char again[600];

		snprintf(again, sizeof(again), "%s", siphon_ctx_errmsg(my->ctx));
		siphon_err_clear(my->ctx);
		return siphon_err(my->ctx, SIPHON_ELOCAL, "%s; and then %s", first, again);
	}
	if (strstr(first, "ERROR 1205") != NULL)
		return siphon_err(my->ctx, SIPHON_EBUSY,
		                  "the local database \"%s\" is in use: another session holds one of its tables (%s); end that session or its transaction, and run again; nothing was changed",
		                  my->into, strstr(first, "ERROR 1205"));
	return siphon_err(my->ctx, code, "%s", first);
}

/*
 * The tables of database in (the kept copy's for rollback, the staging
 * database's for reset) swapped into the target, with ic's objects; the
 * target's tables (cur) go to the temporary database tmp, and on to in
 * with their objects for a rollback (a reset drops them).  As a pull's
 * swap (my_swap.c), in two sessions: the first drops the triggers and
 * views in the way and ends with the one RENAME TABLE; the second drops
 * the routines and events left behind and makes the objects in their new
 * places.  0 or a negative code.
 */
static int
exchange(struct my *my, enum siphon_local_action act, const char *in, const struct siphon_my_catalog *ic,
         const struct siphon_my_catalog *cur, int exists, const char *tmp)
{
	struct siphon_strbuf sql = {0};
	int rb = act == SIPHON_LOCAL_ROLLBACK, r, n = 0;

	if (move_settings(my, &sql) != 0 || add_create(my, &sql, tmp, ic) != 0 ||
	    (!exists && add_create(my, &sql, my->into, ic) != 0) ||
	    my_drop_objects_sql(cur, my->into, MY_OBJ_TRIGGERS | MY_OBJ_VIEWS, &sql) != 0 ||
	    (rb && my_drop_objects_sql(ic, in, MY_OBJ_TRIGGERS | MY_OBJ_VIEWS, &sql) != 0) ||
	    my_add_renames(&sql, cur, my->into, tmp, &n) != 0 ||
	    my_add_renames(&sql, ic, in, my->into, &n) != 0 ||
	    (rb && my_add_renames(&sql, cur, tmp, in, &n) != 0) ||
	    (n > 0 && siphon_strbuf_puts(&sql, ";\n") != 0))
		goto oom;
	siphon_event_step(my->ctx, "swap");
	if ((r = my_local_sql(my, siphon_strbuf_str(&sql), NULL, "swapping the local database's tables")) != 0) {
		r = undo_first(my, cur, in, ic, rb, tmp);
		goto out;
	}

	siphon_strbuf_reset(&sql);
	if (move_settings(my, &sql) != 0 || add_drop(&sql, tmp) != 0 ||
	    my_drop_objects_sql(cur, my->into, MY_OBJ_ROUTINES | MY_OBJ_EVENTS, &sql) != 0 ||
	    add_alter(my, &sql, my->into, ic) != 0)
		goto oom;
	if (rb && (my_drop_objects_sql(ic, in, MY_OBJ_ROUTINES | MY_OBJ_EVENTS, &sql) != 0 ||
	           (exists ? add_alter(my, &sql, in, cur) : add_drop(&sql, in)) != 0))
		goto oom;
	if ((r = my_objects_sql(my, ic, my->into, MY_OBJ_ALL, MY_OBJ_AS_IS, &sql)) < 0 ||
	    (rb && exists && (r = my_objects_sql(my, cur, in, MY_OBJ_ALL, MY_OBJ_KEPT, &sql)) < 0))
		goto out;
	if ((r = my_local_sql(my, siphon_strbuf_str(&sql), NULL, "making the views, routines, triggers and events")) != 0) {
		char first[600];

		snprintf(first, sizeof(first), "%s", siphon_ctx_errmsg(my->ctx));
		siphon_err_clear(my->ctx);
		r = siphon_err(my->ctx, SIPHON_ELOCAL,
		               "%s; the swap stopped half-way: \"%s\" has its new tables, but some of its views, routines, triggers or events may be missing%s",
		               first, my->into, rb ? " (and those of the copy now kept)" : "");
	}
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	siphon_strbuf_free(&sql);
	return r;
}

/* The previous copy's tables exchanged with the target's in one RENAME TABLE, the objects made again. */
static int
rollback(struct my *my, const char *prev)
{
	struct siphon_my_catalog cur = {0}, pc = {0};
	char tmp[64];
	int r, exists;

	if ((r = list_both(my, SIPHON_LOCAL_ROLLBACK, prev, &pc, &cur, &exists)) != 0)
		goto out;
	siphon_target_tmpname(tmp, sizeof(tmp), "old");
	if ((r = exchange(my, SIPHON_LOCAL_ROLLBACK, prev, &pc, &cur, exists, tmp)) != 0)
		goto out;
	siphon_log(my->ctx, SIPHON_LOG_INFO, "\"%s\" is the previous copy again%s", my->into,
	           exists ? "; the one it replaced is now kept as the previous copy (roll back again to return to it)" : "");
out:
	siphon_my_catalog_clear(&cur);
	siphon_my_catalog_clear(&pc);
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
	int r, exists;

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
	if ((r = exchange(my, SIPHON_LOCAL_RESET, my->staging, &pc, &cur, exists, my->old)) != 0)
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
