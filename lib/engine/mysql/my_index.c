/*
 * my_index.c - secondary indexes built after each table's load.
 *
 * A large InnoDB table is created without the keys that can wait
 * (my_keys.h says which), its rows are loaded, and as soon as its loader
 * has ended well one ALTER TABLE adds them back on a local session of its
 * own, while the other tables still load: the server builds them by
 * sorting instead of inserting into them row by row.  Every build has
 * ended before the swap (my_finish), so the copy has every index of the
 * source, in the source's order.
 *
 * After a lost connection (my_resume.c) the loaded tables are kept, and so
 * are their builds: a running one goes on (it is local), a finished one is
 * not run again; a table copied again is made again without its keys, and
 * its build waits for its new load.  Starting over drops them all.
 */
#include "engine/mysql/my_pull_int.h"

#include "engine/mysql/my_keys.h"
#include "engine/mysql/my_options.h"
#include "engine/mysql/my_sql.h"
#include "util/clock.h"
#include "util/ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum my_index_state {
	IDX_WAIT = 0,       /* its table is not loaded yet */
	IDX_READY,          /* loaded: to build when a session is free */
	IDX_RUNNING,
	IDX_DONE,
};

struct my_index {
	char *table;
	char *add;                  /* "ADD KEY ..., ADD ..." */
	int nkeys;
	enum my_index_state state;
	struct siphon_proc *proc;
	double t0;
};

static struct my_index *
find(struct my *my, const char *table)
{
	for (int i = 0; i < my->nidx; i++)
		if (strcmp(my->idx[i].table, table) == 0)
			return &my->idx[i];
	return NULL;
}

/*
 * The build's client ended (killed if it still runs).  The server would go
 * on with the ALTER of a client gone (it reads nothing from it), and a
 * DROP DATABASE would wait for it: its query is killed by the session id
 * the build printed first.
 */
static void
stop(struct my *my, struct my_index *x)
{
	const char *id;

	if (x->proc == NULL)
		return;
	siphon_loop_remove_proc(my->loop, x->proc);
	if (!x->proc->exited && (id = strstr(siphon_strbuf_str(&x->proc->out), "siphon-conn\t")) != NULL)
		my_local_kill_query(my, strtoul(id + 12, NULL, 10));
	siphon_proc_free(x->proc);
	x->proc = NULL;
}

int
my_index_refs(struct my *my, struct siphon_my_fkends *refs)
{
	for (int i = 0; i < my->cat.ntables; i++)
		if (my->cat.tables[i].create != NULL &&
		    siphon_my_fk_referenced(my->cat.tables[i].create, my->o->dbname, refs) != 0)
			return siphon_err_oom(my->ctx);
	return 0;
}

/*
 * May tb's keys wait for its load?  Only an InnoDB table (another engine
 * may not build by sorting) of --late-index-mb or more: for a small one
 * the extra session and statement cost more than the row-by-row inserts
 * they save.
 */
static int
may_defer(const struct my *my, const struct siphon_my_table *tb)
{
	uint64_t min = (uint64_t)siphon_opt_int(my->eng->opts, &siphon_my_options[MY_OPT_LATE_INDEX]) << 20;

	return !my->o->snapshot_only && strcasecmp(tb->engine, "InnoDB") == 0 && !tb->any_engine &&
	       !tb->sequence && !tb->versioned && !tb->no_rows && tb->bytes >= min &&
	       my_local_has_engine(&my->local, "InnoDB");
}

int
my_index_defer(struct my *my, const struct siphon_my_table *tb, const char *create,
               const struct siphon_my_fkends *refs, struct siphon_strbuf *out)
{
	struct siphon_strbuf add = {0};
	struct my_index *x;
	int n = 0, r = 0;

	if ((x = find(my, tb->name)) != NULL) {
		/* Made again (resume): its keys wait for the new load. */
		stop(my, x);
		x->state = IDX_WAIT;
		x->nkeys = 0;
		free(x->add);
		x->add = NULL;
	}
	if (!may_defer(my, tb))
		return siphon_strbuf_puts(out, create) != 0 ? siphon_err_oom(my->ctx) : 0;
	if (siphon_my_defer_keys(create, tb->name, refs, out, &add, &n) != 0)
		goto oom;
	if (n == 0)
		goto out;
	if (x == NULL) {
		struct my_index *v = realloc(my->idx, (size_t)(my->nidx + 1) * sizeof(*v));

		if (v == NULL)
			goto oom;
		my->idx = v;
		x = &my->idx[my->nidx];
		memset(x, 0, sizeof(*x));
		if ((x->table = strdup(tb->name)) == NULL)
			goto oom;
		my->nidx++;
	}
	x->add = siphon_strbuf_take(&add);
	x->nkeys = n;
	if (x->add == NULL)
		goto oom;
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	siphon_strbuf_free(&add);
	return r;
}

void
my_index_loaded(struct my *my, const char *table)
{
	struct my_index *x = find(my, table);

	if (x != NULL && x->state == IDX_WAIT && x->add != NULL)
		x->state = IDX_READY;
}

static int
start(struct my *my, struct my_index *x)
{
	struct siphon_strbuf stmt = {0}, sql = {0};
	char what[128];
	int r;

	/* The key definitions are the server's text: one statement, as hex (my_sql.h). */
	if (siphon_strbuf_puts(&sql, "SELECT 'siphon-conn', CONNECTION_ID();\n") != 0 ||
	    siphon_strbuf_puts(&stmt, "ALTER TABLE ") != 0 || siphon_my_qualified(&stmt, my->staging, x->table) != 0 ||
	    siphon_strbuf_puts(&stmt, " ") != 0 || siphon_strbuf_puts(&stmt, x->add) != 0 ||
	    siphon_my_replay_sql(&sql, siphon_strbuf_str(&stmt),
	                         my->local.mariadb ? SIPHON_MY_IMMEDIATE : SIPHON_MY_PREPARE) != 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	snprintf(what, sizeof(what), "index build of table \"%.80s\"", x->table);
	if ((r = my_spawn_script(my, what, siphon_strbuf_str(&sql), 256, &x->proc)) != 0)
		goto out;
	x->state = IDX_RUNNING;
	x->t0 = siphon_mono_s();
out:
	siphon_strbuf_free(&stmt);
	siphon_strbuf_free(&sql);
	return r;
}

/* A build that ended: done, or the pull fails. */
static int
reap(struct my *my, struct my_index *x)
{
	static const char *const keys[] = {"ERROR ", NULL};
	char line[512];

	if (x->proc->status != 0)
		return siphon_err(my->ctx, SIPHON_ELOCAL,
		                  "building the indexes of table \"%s\" in the local server failed: %s", x->table,
		                  siphon_eng_key_line(siphon_strbuf_str(&x->proc->err), keys, line, sizeof(line)));
	siphon_log(my->ctx, SIPHON_LOG_DEBUG, "table \"%s\": %d index%s built after its load in %.2f s", x->table,
	           x->nkeys, x->nkeys == 1 ? "" : "es", siphon_mono_s() - x->t0);
	stop(my, x);
	x->state = IDX_DONE;
	return 0;
}

int
my_index_step(struct my *my, int max, int *pending)
{
	int r, running = 0;

	*pending = 0;
	for (int i = 0; i < my->nidx; i++) {
		struct my_index *x = &my->idx[i];

		if (x->state == IDX_RUNNING && x->proc->exited && (r = reap(my, x)) != 0)
			return r;
		running += x->state == IDX_RUNNING;
	}
	for (int i = 0; i < my->nidx; i++) {
		struct my_index *x = &my->idx[i];

		if (x->state == IDX_READY && running < max) {
			if ((r = start(my, x)) != 0)
				return r;
			running++;
		}
		*pending += x->state != IDX_DONE && x->add != NULL;
	}
	return 0;
}

int
my_index_finish(struct my *my, int max)
{
	double t0 = siphon_mono_s();
	int r, pending, n = 0, keys = 0;

	/* Every row is in: a build still waiting (a table whose loader siphon never saw end) can start. */
	for (int i = 0; i < my->nidx; i++) {
		if (my->idx[i].state == IDX_WAIT && my->idx[i].add != NULL)
			my->idx[i].state = IDX_READY;
		n += my->idx[i].add != NULL;
		keys += my->idx[i].nkeys;
	}
	if ((r = my_index_step(my, max, &pending)) != 0)
		return r;
	if (pending > 0)
		siphon_log(my->ctx, SIPHON_LOG_INFO, "building the indexes of %d table%s after the last row", pending,
		           pending == 1 ? "" : "s");
	while (pending > 0)
		if ((r = siphon_loop_step(my->loop, 250)) != 0 || (r = my_index_step(my, max, &pending)) != 0)
			return r;
	if (n > 0)
		siphon_log(my->ctx, SIPHON_LOG_INFO,
		           "%d secondary index%s of %d table%s built after each table's load (%.1f s after the last row)",
		           keys, keys == 1 ? "" : "es", n, n == 1 ? "" : "s", siphon_mono_s() - t0);
	return 0;
}

void
my_index_clear(struct my *my)
{
	for (int i = 0; i < my->nidx; i++) {
		stop(my, &my->idx[i]);
		free(my->idx[i].table);
		free(my->idx[i].add);
	}
	free(my->idx);
	my->idx = NULL;
	my->nidx = 0;
}

int
my_index_sessions(const struct my *my, int loading)
{
	int jobs = my->eng->jobs > 0 ? my->eng->jobs : 1;

	return loading ? (jobs / 2 > 0 ? jobs / 2 : 1) : jobs;
}
