/*
 * my_swap.c - the objects that are not tables (views, routines, triggers,
 * events) and the swap of the staging database into the target.
 *
 * MySQL has no RENAME DATABASE.  One RENAME TABLE statement moves every old
 * table of the target out (into siphon_old_*) and every new one in, and is
 * atomic.  Views, routines and events cannot move between databases, and a
 * table with triggers cannot either, so the swap is:
 *   1. (before) the objects were created once in the staging database, to
 *      prove that every statement works here; its triggers are dropped
 *   2. the target's old triggers are dropped                 \
 *   3. RENAME TABLE old -> siphon_old_*, new -> target        | not atomic as
 *   4. the target's old views, routines, events are dropped   | a whole: the
 *   5. the new routines, views, triggers and events are made  / moment 2-5
 *   6. siphon_old_* and the staging database are dropped (or the old
 *      tables kept as the previous copy: my_keep.c)
 * Between 2 and 5 (a few milliseconds, one local session) a client of the
 * target can find its old tables without triggers, or the new tables before
 * their views and triggers exist.
 */
#include "engine/mysql/my_pull_int.h"

#include "engine/mysql/my_order.h"
#include "engine/mysql/my_sql.h"
#include "util/ctx.h"
#include "util/event.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

int
my_replay_check(struct my *my, const struct siphon_my_object *o, const char *stmt)
{
	char why[128];

	if (my->local.mariadb || o->kind == SIPHON_MY_VIEW ||
	    siphon_my_check_replay(stmt, o->sql_mode, why, sizeof(why)) == 0)
		return 0;
	return siphon_err(my->ctx, SIPHON_EVERSION,
	                  "the %s \"%s\" of \"%s\" on %s cannot be replayed safely into the local MySQL server (%s): MySQL cannot prepare it, and its text holds %s; pull into a MariaDB server (which runs each definition as one prepared statement), or drop or simplify it on the server",
	                  siphon_my_kind_word(o->kind), o->name, my->o->dbname, my->o->host, my->local.version, why);
}

int
my_replay_check_all(struct my *my)
{
	int r;

	for (int i = 0; i < my->cat.nobjs; i++)
		if (my->cat.objs[i].create != NULL &&
		    (r = my_replay_check(my, &my->cat.objs[i], my->cat.objs[i].create)) != 0)
			return r;
	return 0;
}

/*
 * Appends the statements that make object o in the current database, as
 * mode says (my_pull_int.h): from the source, made to work here (DEFINER,
 * events DISABLEd, collations); a local one as it was; or a local one
 * into a kept copy (its events DISABLEd: a kept copy never runs them).
 */
static int
append_object(struct my *my, struct siphon_strbuf *sql, const struct siphon_my_object *o,
              enum my_obj_mode mode, int *definers)
{
	struct siphon_strbuf a = {0}, b = {0};
	int rewrite = mode == MY_OBJ_FROM_SOURCE, changed = 0, r = -1;
	enum siphon_my_replay how;

	if (rewrite ? siphon_my_rewrite_definer(&a, o->create, &changed) != 0 :
	              siphon_strbuf_puts(&a, o->create) != 0)
		goto out;
	*definers += changed;
	if (o->kind == SIPHON_MY_EVENT && mode != MY_OBJ_AS_IS) {
		int er = siphon_my_event_disable(&b, siphon_strbuf_str(&a));

		if (er == -1)
			goto out;
		if (er == -2) {
			siphon_strbuf_reset(&b);
			if (siphon_strbuf_puts(&b, siphon_strbuf_str(&a)) != 0)
				goto out;
		}
	} else if (siphon_strbuf_puts(&b, siphon_strbuf_str(&a)) != 0) {
		goto out;
	}
	siphon_strbuf_reset(&a);
	if (rewrite && my->ncolmap > 0) {
		if (siphon_my_replace_words(&a, siphon_strbuf_str(&b), my->colmap, &changed) != 0)
			goto out;
	} else if (siphon_strbuf_puts(&a, siphon_strbuf_str(&b)) != 0) {
		goto out;
	}
	if (siphon_strbuf_puts(sql, "SET SESSION sql_mode = ") != 0 ||
	    siphon_my_literal(sql, o->sql_mode != NULL ? o->sql_mode : "") != 0 ||
	    siphon_strbuf_puts(sql, ";\n") != 0)
		goto out;
	if (o->kind == SIPHON_MY_EVENT && o->time_zone != NULL && o->time_zone[0] != '\0' &&
	    (siphon_strbuf_puts(sql, "SET SESSION time_zone = ") != 0 ||
	     siphon_my_literal(sql, o->time_zone) != 0 || siphon_strbuf_puts(sql, ";\n") != 0))
		goto out;
	/*
	 * The statement's bytes are utf8mb4 (the control session read them so):
	 * the object's own client character set is kept where that reads them
	 * the same (a UTF-8 one, or a statement in ASCII).
	 */
	if (siphon_my_plain_name(o->collation_connection)) {
		const char *coll = o->collation_connection, *cs = "utf8mb4";
		int i;

		for (i = 0; rewrite && i < my->ncolmap; i += 2)
			if (strcmp(my->colmap[i], coll) == 0)
				coll = my->colmap[i + 1];
		if (siphon_my_plain_name(o->charset_client) &&
		    (strncmp(o->charset_client, "utf8", 4) == 0 || is_ascii(siphon_strbuf_str(&a))))
			cs = o->charset_client;
		if (siphon_strbuf_printf(sql, "SET SESSION character_set_client = %s, collation_connection = %s;\n",
		                         cs, coll) != 0)
			goto out;
	}
	/* Never the text to the client as it is where it could be more than one statement. */
	how = my->local.mariadb ? SIPHON_MY_IMMEDIATE :
	      o->kind == SIPHON_MY_VIEW ? SIPHON_MY_PREPARE : SIPHON_MY_DELIMITER;
	if (how == SIPHON_MY_DELIMITER && rewrite && (r = my_replay_check(my, o, siphon_strbuf_str(&a))) != 0)
		goto out;
	r = -1;
	if (siphon_my_replay_sql(sql, siphon_strbuf_str(&a), how) != 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	r = 0;
out:
	if (r == -1)
		r = siphon_err_oom(my->ctx);
	siphon_strbuf_free(&a);
	siphon_strbuf_free(&b);
	return r;
}

static int
kind_bit(enum siphon_my_objkind k)
{
	switch (k) {
	case SIPHON_MY_PROCEDURE:
	case SIPHON_MY_FUNCTION:
		return MY_OBJ_ROUTINES;
	case SIPHON_MY_VIEW:
		return MY_OBJ_VIEWS;
	case SIPHON_MY_TRIGGER:
		return MY_OBJ_TRIGGERS;
	default:
		return MY_OBJ_EVENTS;
	}
}

int
my_objects_sql(struct my *my, const struct siphon_my_catalog *c, const char *db, int kinds,
               enum my_obj_mode mode, struct siphon_strbuf *sql)
{
	static const int order_bits[] = {MY_OBJ_ROUTINES, MY_OBJ_VIEWS, MY_OBJ_TRIGGERS, MY_OBJ_EVENTS};
	int *order = NULL, nv, i, definers = 0, cycle, r, rewrite = mode == MY_OBJ_FROM_SOURCE;
	size_t k;

	/* Nothing at all without such objects: db need not exist then. */
	for (i = 0; i < c->nobjs && !(kind_bit(c->objs[i].kind) & kinds); i++)
		;
	if (i == c->nobjs)
		return 0;
	/* The previous object's client character set must not read the name. */
	if (siphon_strbuf_puts(sql, "SET NAMES utf8mb4;\nUSE ") != 0 || siphon_my_ident(sql, db) != 0 ||
	    siphon_strbuf_puts(sql, ";\nSET SESSION foreign_key_checks = 0,"
	                            " sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';\n") != 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	r = siphon_my_view_order(c, &order, &nv, &cycle);
	if (r == -2) {
		r = siphon_err(my->ctx, rewrite ? SIPHON_EREMOTE : SIPHON_ELOCAL,
		               "the views of \"%s\"%s%s name each other in a cycle (view \"%s\" is on it), so they cannot be created in any order",
		               rewrite ? my->o->dbname : db, rewrite ? " on " : "", rewrite ? my->o->host : "",
		               c->objs[cycle].name);
		goto out;
	}
	if (r != 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	for (k = 0; k < sizeof(order_bits) / sizeof(order_bits[0]); k++) {
		if (!(kinds & order_bits[k]))
			continue;
		if (order_bits[k] == MY_OBJ_VIEWS) {
			for (i = 0; i < nv; i++)
				if ((r = append_object(my, sql, &c->objs[order[i]], mode, &definers)) != 0)
					goto out;
			continue;
		}
		for (i = 0; i < c->nobjs; i++)
			if (kind_bit(c->objs[i].kind) == order_bits[k] && c->objs[i].create != NULL &&
			    (r = append_object(my, sql, &c->objs[i], mode, &definers)) != 0)
				goto out;
	}
	r = definers;
out:
	free(order);
	return r;
}

/* What db holds now on the local server (tables and objects), if it exists. */
int
my_list_db(struct my *my, const char *db, struct siphon_my_catalog *old, int *exists)
{
	struct siphon_strbuf q = {0}, lit = {0};
	char *out = NULL;
	const char *L;
	int r;

	*exists = 0;
	if (siphon_my_literal(&lit, db) != 0)
		goto oom;
	L = siphon_strbuf_str(&lit);
	if (siphon_strbuf_printf(&q,
	        "SELECT 'D', HEX(SCHEMA_NAME), DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME"
	        " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s;\n"
	        "SELECT 'T', HEX(TABLE_NAME), TABLE_TYPE, '', 'YES', 0, 0 FROM information_schema.TABLES"
	        " WHERE TABLE_SCHEMA = %s;\n"
	        "SELECT 'C', HEX(TABLE_NAME), HEX(COLUMN_NAME), IS_NULLABLE, DATA_TYPE,"
	        " (EXTRA LIKE '%%GENERATED%%' AND EXTRA NOT LIKE '%%DEFAULT_GENERATED%%')"
	        " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, ORDINAL_POSITION;\n"
	        "SELECT 'V', HEX(TABLE_NAME) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = %s;\n"
	        "SELECT 'R', HEX(TRIGGER_NAME), HEX(EVENT_OBJECT_TABLE) FROM information_schema.TRIGGERS"
	        " WHERE TRIGGER_SCHEMA = %s;\n"
	        "SELECT 'P', ROUTINE_TYPE, HEX(ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s;\n"
	        "SELECT 'E', HEX(EVENT_NAME) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = %s;\n",
	        L, L, L, L, L, L, L) != 0)
		goto oom;
	if ((r = my_local_sql(my, siphon_strbuf_str(&q), &out, "reading the local database")) != 0)
		goto out;
	r = siphon_my_catalog_parse_list(old, out);
	if (r == -1)
		goto oom;
	if (r != 0)
		r = siphon_err(my->ctx, SIPHON_ELOCAL, "unexpected output listing the local database \"%s\"", db);
	*exists = old->have_db;
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	free(out);
	siphon_strbuf_free(&q);
	siphon_strbuf_free(&lit);
	return r;
}

/* Ends the other sessions on the target (--force). */
int
my_kill_sessions(struct my *my)
{
	struct siphon_strbuf kills = {0};
	char *out = NULL, *p, *id;
	int r, n;

	if ((r = my_target_sessions(my, &n, &out)) != 0)
		goto out;
	for (p = out; (id = strsep(&p, "\n")) != NULL;)
		if (strtol(id, NULL, 10) > 0)
			siphon_strbuf_printf(&kills, "KILL %ld;\n", strtol(id, NULL, 10));
	if (kills.len > 0) {
		siphon_log(my->ctx, SIPHON_LOG_INFO, "--force: ending the sessions connected to \"%s\"", my->into);
		/* A session may end by itself meanwhile: errors do not matter. */
		if (my_local_sql(my, siphon_strbuf_str(&kills), NULL, "ending sessions") != 0)
			siphon_err_clear(my->ctx);
	}
out:
	free(out);
	siphon_strbuf_free(&kills);
	return r;
}

int
my_drop_objects_sql(const struct siphon_my_catalog *c, const char *db, int kinds, struct siphon_strbuf *sql)
{
	int i;

	for (i = 0; i < c->nobjs; i++)
		if ((kind_bit(c->objs[i].kind) & kinds) &&
		    (siphon_strbuf_printf(sql, "DROP %s IF EXISTS ", siphon_my_kind_word(c->objs[i].kind)) != 0 ||
		     siphon_my_qualified(sql, db, c->objs[i].name) != 0 || siphon_strbuf_puts(sql, ";\n") != 0))
			return -1;
	return 0;
}

/* The number of tables in db on the local server (-1: unknown). */
static int
count_tables(struct my *my, const char *db)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int n = -1;

	if (siphon_strbuf_puts(&q, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ") == 0 &&
	    siphon_my_literal(&q, db) == 0 && siphon_strbuf_puts(&q, ";\n") == 0 &&
	    my_local_sql(my, siphon_strbuf_str(&q), &out, "counting tables") == 0 && out != NULL)
		n = atoi(out);
	free(out);
	siphon_strbuf_free(&q);
	return n;
}

/*
 * The first swap session failed (the RENAME is its last statement and is
 * atomic, so the old tables are still in the target): put back the old
 * views and triggers it had dropped, drop the empty old database, and
 * report the first error, or "busy" for a lock wait.
 */
static int
undo_first(struct my *my, const struct siphon_my_catalog *old)
{
	struct siphon_strbuf q = {0};
	char first[600];
	int code = siphon_ctx_errcode(my->ctx), moved, r;

	snprintf(first, sizeof(first), "%s", siphon_ctx_errmsg(my->ctx));
	siphon_err_clear(my->ctx);
	moved = count_tables(my, my->old);
	siphon_err_clear(my->ctx);
	if (moved > 0)
		return siphon_err(my->ctx, SIPHON_ELOCAL,
		                  "%s; the swap stopped half-way: the old tables of \"%s\" are in \"%s\"",
		                  first, my->into, my->old);
	if (my_objects_sql(my, old, my->into, MY_OBJ_VIEWS | MY_OBJ_TRIGGERS, MY_OBJ_AS_IS, &q) < 0) {
		siphon_err_clear(my->ctx);
	} else if (siphon_strbuf_puts(&q, "DROP DATABASE IF EXISTS ") == 0 && siphon_my_ident(&q, my->old) == 0 &&
	    siphon_strbuf_puts(&q, ";\n") == 0 &&
	    my_local_sql(my, siphon_strbuf_str(&q), NULL, "putting back the old views and triggers") != 0) {
		char again[600];

		snprintf(again, sizeof(again), "%s", siphon_ctx_errmsg(my->ctx));
		siphon_err_clear(my->ctx);
		siphon_strbuf_free(&q);
		return siphon_err(my->ctx, SIPHON_ELOCAL, "%s; and then %s", first, again);
	}
	siphon_strbuf_free(&q);
	if (strstr(first, "ERROR 1205") != NULL)
		return siphon_err(my->ctx, SIPHON_EBUSY,
		                  "the local database \"%s\" is in use: another session holds one of its tables (%s); end that session or its transaction, and run again; \"%s\" was left as it was",
		                  my->into, strstr(first, "ERROR 1205"), my->into);
	r = siphon_err(my->ctx, code, "%s", first);
	return r;
}

/*
 * The second swap session stopped: the new tables are in place; say what
 * may be missing and where the old tables are.
 */
static int
second_failed(struct my *my)
{
	char first[600];

	snprintf(first, sizeof(first), "%s", siphon_ctx_errmsg(my->ctx));
	siphon_err_clear(my->ctx);
	return siphon_err(my->ctx, SIPHON_ELOCAL,
	                  "%s; the swap stopped half-way: \"%s\" holds the new tables (some views, routines, triggers or events may be missing) and the old tables are kept in \"%s\"",
	                  first, my->into, my->old);
}

int
my_read_objects(struct my *my, const char *db, struct siphon_my_catalog *c, int *exists, int kinds)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int r;

	if ((r = my_list_db(my, db, c, exists)) != 0 || !*exists || (c->nobjs == 0 && !my->local.mariadb))
		return r;
	/* MariaDB's schema comment: a kept copy has it too. */
	if ((my->local.mariadb &&
	     (siphon_strbuf_puts(&q, "SELECT 'DC', HEX(SCHEMA_COMMENT) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ") != 0 ||
	      siphon_my_literal(&q, db) != 0 || siphon_strbuf_puts(&q, ";\n") != 0)) ||
	    siphon_strbuf_puts(&q, "USE ") != 0 || siphon_my_ident(&q, db) != 0 ||
	    siphon_strbuf_puts(&q, ";\n") != 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	for (int i = 0; i < c->nobjs; i++) {
		const char *k = siphon_my_kind_word(c->objs[i].kind);

		if (!(kind_bit(c->objs[i].kind) & kinds))
			continue;
		if (siphon_strbuf_printf(&q, "SELECT '@', '%s', HEX(", k) != 0 ||
		    siphon_my_literal(&q, c->objs[i].name) != 0 ||
		    siphon_strbuf_printf(&q, ");\nSHOW CREATE %s ", k) != 0 ||
		    siphon_my_ident(&q, c->objs[i].name) != 0 || siphon_strbuf_puts(&q, ";\n") != 0) {
			r = siphon_err_oom(my->ctx);
			goto out;
		}
	}
	/* A broken old view (its table gone) must not stop the pull: its definition stays NULL. */
	if ((r = my_local_read(my, siphon_strbuf_str(&q), &out, "reading the local database's views, routines, triggers and events")) != 0)
		goto out;
	if ((r = siphon_my_catalog_parse_defs(c, out)) != 0)
		r = r == -1 ? siphon_err_oom(my->ctx) :
		    siphon_err(my->ctx, SIPHON_ELOCAL, "unexpected output reading the views, routines, triggers and events of \"%s\"", db);
out:
	free(out);
	siphon_strbuf_free(&q);
	return r;
}

int
my_swap(struct my *my)
{
	struct siphon_my_catalog old = {0};
	struct siphon_strbuf sql = {0}, defaults = {0};
	int r, exists, i, n, definers, nobj, keep_old;

	/* 1. Every object once in the staging database: proof that each works here. */
	if ((definers = my_objects_sql(my, &my->cat, my->staging, MY_OBJ_ALL, MY_OBJ_FROM_SOURCE, &sql)) < 0) {
		r = definers;
		goto out;
	}
	nobj = 0;
	for (i = 0; i < my->cat.nobjs; i++)
		nobj += my->cat.objs[i].create != NULL;
	if (nobj > 0)
		siphon_event_step(my->ctx, "views, routines, triggers, events");
	if (nobj > 0 &&
	    (r = my_local_sql(my, siphon_strbuf_str(&sql), NULL, "creating the views, routines, triggers and events")) != 0)
		goto out;
	/* Every definition when the old copy may be kept; else what undo_first() puts back. */
	if ((r = my_read_objects(my, my->into, &old, &exists,
	                         my->o->keep_previous ? MY_OBJ_ALL : MY_OBJ_VIEWS | MY_OBJ_TRIGGERS)) != 0)
		goto out;
	/* Read while the staging database still has the tables: DEFAULT NEXTVAL(...). */
	if ((r = my_sequence_defaults_sql(my, &defaults)) != 0)
		goto out;
	if (my->o->force && (r = my_kill_sessions(my)) != 0)
		goto out;
	/* Before the swap, while the staging database is still whole. */
	my_keep_prepare(my);
	keep_old = my_keep_old(my, &old, exists);
	snprintf(my->old, sizeof(my->old), "siphon_old_%s", my->staging + strlen("siphon_tmp_"));
	siphon_event_step(my->ctx, "swap");

	/*
	 * 2. First session, ending with the one RENAME: if anything in it fails
	 * the old tables are still in place and undo_first() puts back what it
	 * dropped.  Tables with triggers cannot change database, and an old
	 * view may have the name of a new table: both go first.
	 */
	siphon_strbuf_reset(&sql);
	if (my_move_settings(my, &sql, 0) != 0)
		goto oom;
	if (!exists && (siphon_strbuf_puts(&sql, "CREATE DATABASE ") != 0 ||
	                siphon_my_ident(&sql, my->into) != 0 ||
	                siphon_strbuf_printf(&sql, " CHARACTER SET %s COLLATE %s;\n", my->cat.db_charset,
	                                     my->cat.db_collation) != 0))
		goto oom;
	if (my_drop_objects_sql(&my->cat, my->staging, MY_OBJ_TRIGGERS, &sql) != 0 ||
	    my_drop_objects_sql(&old, my->into, MY_OBJ_TRIGGERS | MY_OBJ_VIEWS, &sql) != 0)
		goto oom;
	if (siphon_strbuf_puts(&sql, "CREATE DATABASE ") != 0 || siphon_my_ident(&sql, my->old) != 0 ||
	    siphon_strbuf_puts(&sql, ";\n") != 0)
		goto oom;
	n = 0;
	if (my_add_renames(&sql, &old, my->into, my->old, &n) != 0 ||
	    my_add_renames(&sql, &my->cat, my->staging, my->into, &n) != 0 ||
	    (n > 0 && siphon_strbuf_puts(&sql, ";\n") != 0))
		goto oom;
	if ((r = my_local_sql(my, siphon_strbuf_str(&sql), NULL, "replacing the local database")) != 0) {
		r = undo_first(my, &old);
		goto out;
	}

	/* 3. Second session: the database's settings, the old objects out, the new in. */
	siphon_strbuf_reset(&sql);
	if (siphon_strbuf_puts(&sql, "SET SESSION foreign_key_checks = 0,"
	                             " sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';\n") != 0 ||
	    siphon_strbuf_puts(&sql, "ALTER DATABASE ") != 0 || siphon_my_ident(&sql, my->into) != 0 ||
	    siphon_strbuf_printf(&sql, " CHARACTER SET %s COLLATE %s", my->cat.db_charset,
	                         my->cat.db_collation) != 0)
		goto oom;
	/* Objects take the database's collation when they are created. */
	if (my->local.mariadb && my->cat.db_comment != NULL &&
	    (siphon_strbuf_puts(&sql, " COMMENT = ") != 0 || siphon_my_string(&sql, my->cat.db_comment) != 0))
		goto oom;
	if (siphon_strbuf_puts(&sql, ";\n") != 0 ||
	    siphon_strbuf_puts(&sql, siphon_strbuf_str(&defaults)) != 0 ||
	    my_drop_objects_sql(&old, my->into, MY_OBJ_ROUTINES | MY_OBJ_EVENTS, &sql) != 0)
		goto oom;
	if ((r = my_objects_sql(my, &my->cat, my->into, MY_OBJ_ALL, MY_OBJ_FROM_SOURCE, &sql)) < 0)
		goto out;
	/* The old tables stay in my->old when they are to be kept (my_keep_after). */
	if ((!keep_old && (siphon_strbuf_puts(&sql, "DROP DATABASE ") != 0 ||
	                   siphon_my_ident(&sql, my->old) != 0 || siphon_strbuf_puts(&sql, ";\n") != 0)) ||
	    siphon_strbuf_puts(&sql, "DROP DATABASE ") != 0 ||
	    siphon_my_ident(&sql, my->staging) != 0 || siphon_strbuf_puts(&sql, ";\n") != 0)
		goto oom;
	if (my->ncolmap > 0) {
		struct siphon_strbuf m = {0};
		int changed;

		if (siphon_my_replace_words(&m, siphon_strbuf_str(&sql), my->colmap, &changed) != 0) {
			siphon_strbuf_free(&m);
			goto oom;
		}
		siphon_strbuf_free(&sql);
		sql = m;
	}
	r = my_local_sql(my, siphon_strbuf_str(&sql), NULL, "replacing the local database");
	if (r != 0) {
		r = second_failed(my);
		goto out;
	}
	my->staging_created = 0;
	my_keep_after(my, &old, exists, keep_old);
	if (definers > 0)
		siphon_log(my->ctx, SIPHON_LOG_INFO,
		           "%d view%s, routine%s, trigger%s or event%s named a DEFINER; they now belong to the local user who ran siphon (DEFINER = CURRENT_USER), so they work here",
		           definers, "s", "s", "s", "s");
	for (i = 0, n = 0; i < my->cat.nobjs; i++)
		n += my->cat.objs[i].kind == SIPHON_MY_EVENT && my->cat.objs[i].create != NULL;
	if (n > 0)
		siphon_log(my->ctx, SIPHON_LOG_INFO,
		           "%d event%s restored DISABLED, so that no scheduled job of production runs here (ALTER EVENT ... ENABLE to run one)",
		           n, n == 1 ? " was" : "s were");
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	siphon_my_catalog_clear(&old);
	siphon_strbuf_free(&sql);
	siphon_strbuf_free(&defaults);
	return r;
}
