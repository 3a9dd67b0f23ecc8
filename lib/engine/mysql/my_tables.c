/*
 * my_tables.c - which tables of the source are copied, and how: the
 * decisions of my_objects.h applied to one pull, each thing not copied
 * exactly named in the ledger (engine/leftout.h).
 *
 *   engine      rows of their own: copied; an engine the workstation lacks:
 *               the table is made with its default engine (named).  MERGE,
 *               BLACKHOLE: the definition, no rows (MERGE named).  FEDERATED,
 *               CONNECT, SPIDER, SPHINX: left out (named): their definition
 *               would make the workstation reach the server or files they
 *               name, production's.  An engine siphon does not know: left
 *               out (named), as siphon cannot tell where its rows live.
 *   sequence    a MariaDB sequence: SHOW CREATE SEQUENCE, created before
 *               the tables, its one row (the state the server stores:
 *               next_not_cached_value ...) read in the snapshot and loaded
 *               like any row.  A column DEFAULT names it as `db`.`seq`:
 *               in staging as the staging database's, after the RENAME as
 *               the target's (my_sequence_defaults_sql).
 *   left out    its triggers, and the views that read it (or such a view),
 *               are left out too, named.
 *   versioned   WITH SYSTEM VERSIONING: all rows FOR SYSTEM_TIME ALL with
 *               their row start and end, loaded under
 *               system_versioning_insert_history (MariaDB 10.11+); where
 *               the workstation cannot, the current rows only (named).
 *
 * Two of these decisions change what the workers select: whether the
 * sequences are copied and whether history rows are.  A saved snapshot
 * records both (facts "mysql-sequences", "mysql-history"); a restore takes
 * them from there, not from its own server, so that it reads the streams
 * as they were asked for, and refuses (EVERSION, before anything local is
 * made) a server that cannot take them.  --snapshot-only has no local
 * server: it asks for the most one could take (both), and leaves the
 * engine questions, which change only the local side, to the restore.
 */
#include "engine/mysql/my_pull_int.h"

#include "engine/leftout.h"
#include "engine/mysql/my_objects.h"
#include "engine/mysql/my_order.h"
#include "engine/mysql/my_sql.h"
#include "util/ctx.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
my_tables_with_rows(const struct my *my, int *rows)
{
	int i, n = 0;

	for (i = 0; i < my->cat.ntables; i++)
		if (!my->cat.tables[i].no_rows && !my->cat.tables[i].loaded) {
			if (rows != NULL)
				rows[n] = i;
			n++;
		}
	return n;
}

int
my_local_has_engine(const struct my_local *l, const char *engine)
{
	return my_name_in((const char (*)[64])l->engines, l->nengines, engine, 1);
}

/* The triggers of a table that is left out cannot be made: they go too, named. */
static int
drop_triggers_of(struct my *my, const char *table)
{
	int i;

	for (i = 0; i < my->cat.nobjs; i++) {
		struct siphon_my_object *o = &my->cat.objs[i];

		if (o->kind != SIPHON_MY_TRIGGER || o->table == NULL || strcmp(o->table, table) != 0 ||
		    o->create == NULL)
			continue;
		free(o->create);
		o->create = NULL;
		if (siphon_leftout_add(&my->eng->left_out, "trigger `%s`: not copied, its table `%s` was left out",
		                       o->name, table) != 0)
			return siphon_err_oom(my->ctx);
	}
	return 0;
}

/* The names of the tables and views left out so far. */
struct gone {
	char **names;
	int n;
};

static int
gone_add(struct gone *g, const char *name)
{
	return my_names_add(&g->names, &g->n, name);
}

static void
gone_free(struct gone *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->names[i]);
	free(g->names);
}

/* Table i left out (why: the ledger's reason); its triggers with it. */
static int
leave_out(struct my *my, struct gone *g, int i, const char *why)
{
	const char *name = my->cat.tables[i].name;

	if (gone_add(g, name) != 0 ||
	    siphon_leftout_add(&my->eng->left_out, "table `%s`: %s; not copied", name, why) != 0)
		return siphon_err_oom(my->ctx);
	siphon_my_catalog_remove_table(&my->cat, i);
	return drop_triggers_of(my, g->names[g->n - 1]);
}

struct reads_arg {
	const struct gone *g;
	const char *found;
};

/* 1 (stop) when the name is one left out. */
static int
reads_gone(void *arg, const char *name, size_t len)
{
	struct reads_arg *a = arg;

	for (int i = 0; i < a->g->n; i++)
		if (strlen(a->g->names[i]) == len && memcmp(a->g->names[i], name, len) == 0) {
			a->found = a->g->names[i];
			return 1;
		}
	return 0;
}

/* Views that read a table or view left out cannot be made: left out too, until none is left. */
static int
drop_views_reading(struct my *my, struct gone *g)
{
	int i, changed = 1;

	while (changed) {
		changed = 0;
		for (i = 0; i < my->cat.nobjs; i++) {
			struct siphon_my_object *o = &my->cat.objs[i];
			struct reads_arg a = {g, NULL};
			int r;

			if (o->kind != SIPHON_MY_VIEW || o->create == NULL)
				continue;
			if ((r = siphon_my_each_name(o->create, reads_gone, &a)) < 0)
				return siphon_err_oom(my->ctx);
			if (r == 0)
				continue;
			if (siphon_leftout_add(&my->eng->left_out, "view `%s`: not copied, it reads `%s`, which was left out",
			                       o->name, a.found) != 0 || gone_add(g, o->name) != 0)
				return siphon_err_oom(my->ctx);
			free(o->create);
			o->create = NULL;
			changed = 1;
		}
	}
	return 0;
}

/*
 * May the local server take row start and end values as given?  MariaDB
 * 10.11's system_versioning_insert_history, refused where secure_timestamp
 * forbids it.  *why says why not.
 */
static int
history_allowed(struct my *my, int *yes, char *why, size_t cap)
{
	char *out = NULL;
	int r;

	*yes = 0;
	if (!my->local.mariadb || my->local.version_num < 101100) {
		snprintf(why, cap, "the local server (%s) cannot load history rows (MariaDB 10.11 can)",
		         my->local.version);
		return 0;
	}
	r = my_local_sql(my, "SET SESSION system_versioning_insert_history = 1;\nSELECT 'siphon-history-ok';\n",
	                 &out, "allowing history rows");
	if (r == 0 && out != NULL && strstr(out, "siphon-history-ok") != NULL) {
		*yes = 1;
	} else if (r != 0) {
		snprintf(why, cap, "%s", siphon_ctx_errmsg(my->ctx));
		siphon_err_clear(my->ctx);
		r = 0;
	}
	free(out);
	return r;
}

static int
decide_versioned(struct my *my, struct siphon_my_table *t, int allowed, const char *why)
{
	const char *reason = why;
	int r;

	if (t->row_start == NULL)
		reason = "its row start and end columns were not found";
	else if (strcasecmp(t->period_type, "timestamp") != 0)
		reason = "its row start and end are transaction ids (transaction-precise versioning), which mean nothing on another server";
	else if (allowed) {
		if ((r = siphon_my_history_columns(t)) == -1)
			return siphon_err_oom(my->ctx);
		if (r == 0)
			return 0;
		reason = "its row start and end columns were not found";
	}
	return siphon_leftout_add(&my->eng->left_out,
	                          "table `%s`: system-versioned; its history rows and the row start and end times of its current rows were not copied (the copy's current rows start at the load): %s",
	                          t->name, reason) != 0 ? siphon_err_oom(my->ctx) : 0;
}

/* Does the copy's server have the engine?  Without one (--snapshot-only) the restore decides. */
static int
has_engine(const struct my *my, const char *engine)
{
	return my->o->snapshot_only || my_local_has_engine(&my->local, engine);
}

/* What is asked of the source for the copy's server (the header says why). */
struct caps {
	int sequences;          /* the sequences are copied */
	int history;            /* history rows may be: 1, 0, -1 not asked yet */
	const char *seq_fact;   /* a replay: what the snapshot recorded (NULL: nothing) */
	const char *hist_fact;
	char why[600];          /* why no history rows */
	int local_history;      /* a replay: may the local server load them (-1: not asked yet) */
	char local_why[600];
};

static int decide(struct my *my, struct caps *c, struct gone *g);

static int
fact_yes(const char *v)
{
	return v != NULL && strcmp(v, "yes") == 0;
}

/* Is table t left out?  1 and why, or 0. */
static int
left_out_why(const struct my *my, const struct caps *c, const struct siphon_my_table *t,
             enum siphon_my_rows rows, char *why, size_t cap)
{
	if (t->sequence && !c->sequences && c->seq_fact != NULL)
		snprintf(why, cap, "a sequence, not in the snapshot (the local server of the pull that saved it had no sequences)");
	else if (t->sequence && !c->sequences)
		snprintf(why, cap, "a sequence, which the local server (%s) does not have", my->local.version);
	else if (rows == SIPHON_MY_ROWS_REMOTE)
		snprintf(why, cap,
		         "a %s table, its rows live on another server or in files it names: a copy would reach them from here",
		         t->engine);
	else if (rows == SIPHON_MY_ROWS_UNKNOWN)
		snprintf(why, cap, "engine \"%.64s\" is not one siphon knows, so it cannot tell where the table's rows live",
		         t->engine);
	else if ((rows == SIPHON_MY_ROWS_ELSEWHERE || rows == SIPHON_MY_ROWS_NONE) &&
	         !has_engine(my, t->engine))
		snprintf(why, cap, "a %s table, and the local server has no %s engine", t->engine, t->engine);
	else
		return 0;
	return 1;
}

/*
 * The copy's server's part: from the snapshot a restore replays (checked
 * against the local server), none at all (--snapshot-only), or the local
 * server.
 */
static int
caps_init(struct my *my, struct caps *c)
{
	int replay = siphon_eng_fact_get(my->eng, "mysql-sequences", &c->seq_fact);

	(void)siphon_eng_fact_get(my->eng, "mysql-history", &c->hist_fact);
	c->history = c->local_history = -1;
	if (my->o->snapshot_only) {
		c->sequences = c->history = 1;
		return 0;
	}
	if (!replay || c->seq_fact == NULL || c->hist_fact == NULL) {
		/* A pull, or a snapshot of a siphon that recorded no facts: the local server decides. */
		c->seq_fact = c->hist_fact = NULL;
		c->sequences = my->local.mariadb;
		return 0;
	}
	c->sequences = fact_yes(c->seq_fact);
	for (int i = 0; c->sequences && !my->local.mariadb && i < my->cat.ntables; i++)
		if (my->cat.tables[i].sequence)
			return siphon_err(my->ctx, SIPHON_EVERSION,
			                  "the snapshot holds the sequence `%s` of \"%s\", and the local server (%s) has no sequences; restore it into MariaDB",
			                  my->cat.tables[i].name, my->o->dbname, my->local.version);
	c->history = fact_yes(c->hist_fact);
	if (!c->history)
		snprintf(c->why, sizeof(c->why), "the snapshot was saved without them (its pull's local server could not load them)");
	return 0;
}

/* What the restore must repeat: into the snapshot being saved (if any). */
static int
caps_record(struct my *my, const struct caps *c)
{
	int r;

	if ((r = siphon_eng_fact_put(my->eng, "mysql-sequences", c->sequences ? "yes" : "no")) != 0)
		return r;
	return siphon_eng_fact_put(my->eng, "mysql-history", c->history > 0 ? "yes" : "no");
}

int
my_tables_decide(struct my *my)
{
	struct gone g = {0};
	struct caps c;
	int r;

	memset(&c, 0, sizeof(c));
	if ((r = caps_init(my, &c)) == 0 && (r = decide(my, &c, &g)) == 0 &&
	    (r = drop_views_reading(my, &g)) == 0)
		r = caps_record(my, &c);
	gone_free(&g);
	return r;
}

/*
 * History rows for t as c says.  A replay of a snapshot that holds them
 * needs a local server that takes them: else refused, nothing made.
 */
static int
decide_history(struct my *my, struct caps *c, struct siphon_my_table *t)
{
	int r;

	if (c->history < 0 && (r = history_allowed(my, &c->history, c->why, sizeof(c->why))) != 0)
		return r;
	if ((r = decide_versioned(my, t, c->history, c->why)) != 0 || !t->history || c->hist_fact == NULL)
		return r;
	/* The snapshot holds t's history rows: the local server must take them. */
	if (c->local_history < 0 &&
	    (r = history_allowed(my, &c->local_history, c->local_why, sizeof(c->local_why))) != 0)
		return r;
	if (!c->local_history)
		return siphon_err(my->ctx, SIPHON_EVERSION,
		                  "the snapshot holds the history rows of the system-versioned table `%s`, and %s; restore it into MariaDB 10.11 or later",
		                  t->name, c->local_why);
	return 0;
}

static int
decide(struct my *my, struct caps *c, struct gone *g)
{
	int i, r;

	for (i = 0; i < my->cat.ntables;) {
		struct siphon_my_table *t = &my->cat.tables[i];
		enum siphon_my_rows rows = siphon_my_engine_rows(t->engine);
		char reason[200];

		if (left_out_why(my, c, t, rows, reason, sizeof(reason))) {
			if ((r = leave_out(my, g, i, reason)) != 0)
				return r;
			continue;
		}
		if (rows == SIPHON_MY_ROWS_ELSEWHERE || rows == SIPHON_MY_ROWS_NONE) {
			t->no_rows = 1;
			if (rows == SIPHON_MY_ROWS_ELSEWHERE &&
			    siphon_leftout_add(&my->eng->left_out,
			                       "table `%s`: a %s table, its rows live in its underlying tables; definition copied, no rows of its own",
			                       t->name, t->engine) != 0)
				return siphon_err_oom(my->ctx);
		} else if (!t->sequence && !has_engine(my, t->engine)) {
			t->any_engine = 1;
			if (siphon_leftout_add(&my->eng->left_out,
			                       "table `%s`: engine %s is not on the local server; made with its default engine %s, rows copied",
			                       t->name, t->engine,
			                       my->local.default_engine[0] ? my->local.default_engine : "(default)") != 0)
				return siphon_err_oom(my->ctx);
		}
		if (t->versioned && (r = decide_history(my, c, t)) != 0)
			return r;
		i++;
	}
	return 0;
}

int
my_table_create_sql(struct my *my, const struct siphon_my_table *t, struct siphon_strbuf *out)
{
	struct siphon_strbuf q = {0};
	int changed, r = 0;

	/* `db`.`seq` in a DEFAULT: the staging database's sequence of that name. */
	if (siphon_my_requalify(&q, t->create, my->o->dbname, my->staging, &changed) != 0 ||
	    my_append_mapped(my, out, siphon_strbuf_str(&q)) != 0)
		r = siphon_err_oom(my->ctx);
	siphon_strbuf_free(&q);
	return r;
}

int
my_sequence_defaults_sql(struct my *my, struct siphon_strbuf *sql)
{
	struct siphon_strbuf q = {0}, qual = {0}, stmt = {0}, expr = {0};
	char *out = NULL, *p, *line;
	int r = 0, changed;

	if (!my->local.mariadb)
		return 0;
	if (siphon_my_ident(&qual, my->staging) != 0 || siphon_strbuf_puts(&qual, ".") != 0 ||
	    siphon_strbuf_puts(&q, "SELECT HEX(TABLE_NAME), HEX(COLUMN_NAME), HEX(COLUMN_DEFAULT)"
	                           " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ") != 0 ||
	    siphon_my_literal(&q, my->staging) != 0 ||
	    siphon_strbuf_puts(&q, " AND INSTR(COLUMN_DEFAULT, ") != 0 ||
	    siphon_my_literal(&q, siphon_strbuf_str(&qual)) != 0 || siphon_strbuf_puts(&q, ") > 0;\n") != 0)
		goto oom;
	if ((r = my_local_sql(my, siphon_strbuf_str(&q), &out, "reading the staging tables' defaults")) != 0)
		goto out;
	for (p = out; (line = strsep(&p, "\n")) != NULL;) {
		char *f[3] = {NULL, NULL, NULL}, *s = line;
		char *table = NULL, *column = NULL, *def = NULL;
		int k, bad;

		for (k = 0; k < 3 && s != NULL; k++)
			f[k] = strsep(&s, "\t");
		if (k < 3 || f[2] == NULL)
			continue;
		if (siphon_hex_decode(f[0], strlen(f[0]), &table) != 0 ||
		    siphon_hex_decode(f[1], strlen(f[1]), &column) != 0 ||
		    siphon_hex_decode(f[2], strlen(f[2]), &def) != 0) {
			free(table);
			free(column);
			free(def);
			goto oom;
		}
		siphon_strbuf_reset(&stmt);
		siphon_strbuf_reset(&expr);
		bad = siphon_my_requalify(&expr, def, my->staging, my->into, &changed) != 0 ||
		      siphon_strbuf_puts(&stmt, "ALTER TABLE ") != 0 ||
		      siphon_my_qualified(&stmt, my->into, table) != 0 ||
		      siphon_strbuf_puts(&stmt, " ALTER COLUMN ") != 0 || siphon_my_ident(&stmt, column) != 0 ||
		      siphon_strbuf_puts(&stmt, " SET DEFAULT (") != 0 ||
		      siphon_strbuf_puts(&stmt, siphon_strbuf_str(&expr)) != 0 || siphon_strbuf_puts(&stmt, ")") != 0 ||
		      siphon_my_replay_sql(sql, siphon_strbuf_str(&stmt), SIPHON_MY_IMMEDIATE) != 0;
		free(table);
		free(column);
		free(def);
		if (bad)
			goto oom;
	}
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	free(out);
	siphon_strbuf_free(&q);
	siphon_strbuf_free(&qual);
	siphon_strbuf_free(&stmt);
	siphon_strbuf_free(&expr);
	return r;
}
