/* pg_post.c - the parallel post-data restore. */
#include "engine/postgres/pg_post.h"

#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_postq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct session {
	struct siphon_proc *p;
	int block;          /* the entry it runs, -1 when idle */
	char marker[48];
};

/* Index builds sort: more memory means fewer passes over disk.  About 1 GB in all, 64 to 256 MB each. */
static int
set_memory(struct session *se, int sessions)
{
	int mem_mb = sessions > 0 ? 1024 / sessions : 256;
	char line[64];

	if (mem_mb > 256)
		mem_mb = 256;
	if (mem_mb < 64)
		mem_mb = 64;
	snprintf(line, sizeof(line), "SET maintenance_work_mem = '%dMB';\n", mem_mb);
	return siphon_proc_queue(se->p, line, strlen(line));
}

static int
start_session(struct siphon_loop *loop, const char *dbname, const struct siphon_pg_script *s,
              struct session *se, int lenient)
{
	int r;

	se->block = -1;
	if ((r = siphon_pg_local_spawn(&se->p, loop->ctx, "local psql (indexes and constraints)",
	                               dbname, lenient, 1024 * 1024)) != 0)
		return r;
	if ((r = siphon_loop_add_proc(loop, se->p)) != 0 ||
	    (s->preamble != NULL && (r = siphon_proc_queue(se->p, s->preamble, strlen(s->preamble))) != 0))
		return r;
	return 0;
}

static int
start_sessions(struct siphon_loop *loop, const char *dbname,
               const struct siphon_pg_script *s, struct session *ss, int n,
               int lenient)
{
	int i, r = 0;

	for (i = 0; i < n; i++)
		if ((r = start_session(loop, dbname, s, &ss[i], lenient)) != 0 || (r = set_memory(&ss[i], n)) != 0)
			break;
	return r;
}

/* Gives entry i to an idle session: the entry, then a query whose answer says it is done. */
static int
give(struct session *se, const struct siphon_pg_script *s, int i, int *k)
{
	char query[64];
	int r;

	se->block = i;
	snprintf(se->marker, sizeof(se->marker), "siphon-done-%d\n", *k);
	snprintf(query, sizeof(query), "SELECT 'siphon-done-%d';\n", (*k)++);
	if ((r = siphon_proc_queue(se->p, s->blocks[i].sql, strlen(s->blocks[i].sql))) != 0 ||
	    (r = siphon_proc_queue(se->p, query, strlen(query))) != 0)
		return r;
	return 0;
}

static int session_failed(struct siphon_loop *loop, const struct siphon_pg_script *s,
                          struct session *se);

/*
 * A busy session's state: 1 its entry is done (the session is idle again),
 * 0 still running, or the error of a session that ended first.
 */
static int
reap(struct siphon_loop *loop, const struct siphon_pg_script *s, struct session *se)
{
	if (strstr(siphon_strbuf_str(&se->p->out), se->marker) == NULL) {
		if (se->p->exited || se->p->out_fd < 0)
			return session_failed(loop, s, se);
		return 0;
	}
	siphon_strbuf_reset(&se->p->out);
	se->block = -1;
	return 1;
}

/* Every entry is done: ends the sessions and checks they exit cleanly. */
static int
end_sessions(struct siphon_loop *loop, const struct siphon_pg_script *s, struct session *ss, int n)
{
	int i, r, busy;

	for (i = 0; i < n; i++)
		siphon_proc_close_stdin(ss[i].p);
	for (;;) {
		busy = 0;
		for (i = 0; i < n; i++) {
			if (!ss[i].p->exited)
				busy = 1;
			else if (ss[i].p->status != 0)
				return session_failed(loop, s, &ss[i]);
		}
		if (!busy)
			return 0;
		if ((r = siphon_loop_step(loop, 1000)) != 0)
			return r;
	}
}

static void
stop_sessions(struct siphon_loop *loop, struct session *ss, int n, int lenient)
{
	int i;

	for (i = 0; i < n; i++) {
		if (ss[i].p != NULL) {
			if (lenient)
				siphon_pg_local_report_rejected(loop->ctx, "post-data or privileges",
				                                siphon_strbuf_str(&ss[i].p->err));
			siphon_loop_remove_proc(loop, ss[i].p);
			siphon_proc_free(ss[i].p);
			ss[i].p = NULL;
		}
	}
}

static int
session_failed(struct siphon_loop *loop, const struct siphon_pg_script *s,
               struct session *se)
{
	const char *type = se->block >= 0 ? s->blocks[se->block].type : "post-data";

	return siphon_err(loop->ctx, SIPHON_ELOCAL,
	                  "restoring a %s into the local database failed: %s", type,
	                  se->p->err.len ? siphon_strbuf_str(&se->p->err) : "psql exited");
}

/*
 * The phase of an entry, checked against its text: a name can make a
 * header claim any type, and a foreign key run among the index builds could
 * start before the key it references exists.
 */
int
siphon_pg_entry_phase(const struct siphon_pg_block *b)
{
	int phase = siphon_pg_block_phase(b->type);

	if (phase == 0 && (strstr(b->sql, "FOREIGN KEY") != NULL ||
	                   strstr(b->sql, "REFERENCES") != NULL))
		return 3;
	if (phase == 1 && strstr(b->sql, "ATTACH PARTITION") == NULL)
		return 3;
	/* An event trigger's comment goes with it (pg_restore's rule too). */
	if (strcmp(b->type, "COMMENT") == 0 && strstr(b->sql, "\nCOMMENT ON EVENT TRIGGER ") != NULL)
		return SIPHON_PG_PHASE_LAST;
	return phase;
}

static int
run_phase(struct siphon_loop *loop, const char *dbname,
          const struct siphon_pg_script *s, int phase, int jobs, int lenient,
          const unsigned char *done)
{
	struct session *ss = NULL;
	int *todo = NULL, ntodo = 0, next = 0, n = 0, i, r = 0, busy, k = 0;

	if ((todo = calloc((size_t)s->nblocks + 1, sizeof(*todo))) == NULL)
		return siphon_err_oom(loop->ctx);
	for (i = 0; i < s->nblocks; i++)
		if (siphon_pg_entry_phase(&s->blocks[i]) == phase && (done == NULL || done[i] != SIPHON_PG_POST_DONE))
			todo[ntodo++] = i;
	if (ntodo == 0)
		goto out;
	n = phase == 0 ? (jobs < ntodo ? jobs : ntodo) : 1;
	if ((ss = calloc((size_t)n, sizeof(*ss))) == NULL) {
		r = siphon_err_oom(loop->ctx);
		goto out;
	}
	if ((r = start_sessions(loop, dbname, s, ss, n, lenient)) != 0)
		goto out;
	for (;;) {
		busy = 0;
		for (i = 0; i < n; i++) {
			struct session *se = &ss[i];

			if (se->block >= 0 && (r = reap(loop, s, se)) <= 0) {
				if (r < 0)
					goto out;
				busy = 1;
				continue;
			}
			r = 0;
			if (next < ntodo) {
				if ((r = give(se, s, todo[next++], &k)) != 0)
					goto out;
				busy = 1;
			}
		}
		if (!busy)
			break;
		if ((r = siphon_loop_step(loop, 1000)) != 0)
			goto out;
	}
	r = end_sessions(loop, s, ss, n);
out:
	if (ss != NULL)
		stop_sessions(loop, ss, n, lenient);
	free(ss);
	free(todo);
	return r;
}

int
siphon_pg_post_run(struct siphon_loop *loop, const char *dbname,
                   const struct siphon_pg_script *s, int jobs, int lenient,
                   int first, int last)
{
	int phase, r;

	for (phase = first; phase <= last; phase++)
		if ((r = run_phase(loop, dbname, s, phase, jobs, lenient, NULL)) != 0)
			return r;
	return 0;
}

/* The early post-data entries, run while the rows still stream (pg_postq.h). */
struct siphon_pg_post {
	struct siphon_loop *loop;
	char *dbname;
	const struct siphon_pg_script *s;   /* borrowed */
	int lenient;
	struct siphon_pg_postq q;
	struct session *ss;
	int nss, cap;
	int k;                               /* the next marker's number */
};

int
siphon_pg_post_new(struct siphon_pg_post **out, struct siphon_loop *loop, const char *dbname,
                   const struct siphon_pg_script *s, const struct siphon_pg_postent *ents,
                   int ntables, int jobs, int lenient)
{
	struct siphon_pg_post *p;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return siphon_err_oom(loop->ctx);
	p->loop = loop;
	p->s = s;
	p->lenient = lenient;
	p->cap = jobs > 0 ? jobs : 1;
	if ((p->dbname = strdup(dbname)) == NULL || (p->ss = calloc((size_t)p->cap, sizeof(*p->ss))) == NULL ||
	    siphon_pg_postq_init(&p->q, ents, s->nblocks, ntables) != 0) {
		siphon_pg_post_free(p);
		return siphon_err_oom(loop->ctx);
	}
	*out = p;
	return 0;
}

void
siphon_pg_post_table_loaded(struct siphon_pg_post *p, int table)
{
	siphon_pg_postq_loaded(&p->q, table);
}

void
siphon_pg_post_skip(struct siphon_pg_post *p, int block)
{
	siphon_pg_postq_done(&p->q, block);
}

const struct siphon_pg_postent *
siphon_pg_post_entry(const struct siphon_pg_post *p, int block)
{
	return &p->q.ents[block];
}

/* An idle session, started if needed; NULL when none (or *r on failure). */
static struct session *
idle_session(struct siphon_pg_post *p, int *r)
{
	int i;

	*r = 0;
	for (i = 0; i < p->nss; i++)
		if (p->ss[i].block < 0)
			return &p->ss[i];
	if (p->nss >= p->cap)
		return NULL;
	if ((*r = start_session(p->loop, p->dbname, p->s, &p->ss[p->nss], p->lenient)) != 0) {
		p->nss++;      /* its process, if any, is stopped with the others */
		return NULL;
	}
	return &p->ss[p->nss++];
}

int
siphon_pg_post_step(struct siphon_pg_post *p, int max_sessions)
{
	struct session *se;
	int i, r, busy = 0;

	for (i = 0; i < p->nss; i++) {
		int b = p->ss[i].block;

		if (b < 0)
			continue;
		if ((r = reap(p->loop, p->s, &p->ss[i])) < 0)
			return r;
		if (r > 0)
			siphon_pg_postq_done(&p->q, b);
		else
			busy++;
	}
	for (; busy < max_sessions && (i = siphon_pg_postq_next(&p->q)) >= 0; busy++) {
		if ((se = idle_session(p, &r)) == NULL)
			return r;
		/* Memory for as many builds as may run at once. */
		if ((r = set_memory(se, max_sessions)) != 0 || (r = give(se, p->s, i, &p->k)) != 0)
			return r;
		siphon_log(p->loop->ctx, SIPHON_LOG_DEBUG, "during the copy: %s %s", p->s->blocks[i].type,
		           p->s->blocks[i].name);
		siphon_pg_postq_start(&p->q, i);
	}
	return 0;
}

int
siphon_pg_post_early(const struct siphon_pg_post *p)
{
	return p->q.nearly + siphon_pg_postq_running(&p->q);
}

int
siphon_pg_post_settle(struct siphon_pg_post *p)
{
	int r;

	/* No new entry; the running ones end (a killed psql's statement would still commit). */
	while (siphon_pg_postq_running(&p->q) > 0) {
		if ((r = siphon_pg_post_step(p, 0)) != 0)
			return r;
		if (siphon_pg_postq_running(&p->q) == 0)
			break;
		if ((r = siphon_loop_step(p->loop, 1000)) != 0)
			return r;
	}
	if (p->nss > 0 && (r = end_sessions(p->loop, p->s, p->ss, p->nss)) != 0)
		return r;
	stop_sessions(p->loop, p->ss, p->nss, p->lenient);
	p->nss = 0;
	return 0;
}

int
siphon_pg_post_finish(struct siphon_pg_post *p, int jobs)
{
	int phase, r, t;

	/*
	 * Every row is in: the early entries go on, now on up to jobs sessions
	 * (those running keep theirs: no session waits for another to end
	 * before the rest can start), then what is left in today's phases.
	 */
	for (t = 0; t < p->q.ntables; t++)
		siphon_pg_postq_loaded(&p->q, t);
	for (;;) {
		if ((r = siphon_pg_post_step(p, jobs)) != 0)
			return r;
		if (siphon_pg_postq_running(&p->q) == 0)
			break;
		if ((r = siphon_loop_step(p->loop, 1000)) != 0)
			return r;
	}
	if ((r = siphon_pg_post_settle(p)) != 0)
		return r;
	for (phase = 0; phase <= 3; phase++)
		if ((r = run_phase(p->loop, p->dbname, p->s, phase, jobs, p->lenient, p->q.state)) != 0)
			return r;
	return 0;
}

void
siphon_pg_post_free(struct siphon_pg_post *p)
{
	if (p == NULL)
		return;
	if (p->ss != NULL)
		stop_sessions(p->loop, p->ss, p->nss, p->lenient);
	siphon_pg_postq_clear(&p->q);
	free(p->ss);
	free(p->dbname);
	free(p);
}
