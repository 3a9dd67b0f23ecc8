/* pg_post.c - the parallel post-data restore. */
#include "engine/postgres/pg_post.h"

#include "engine/postgres/pg_local.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct session {
	struct siphon_proc *p;
	int block;          /* the entry it runs, -1 when idle */
	char marker[48];
};

static int
start_sessions(struct siphon_loop *loop, const char *dbname,
               const struct siphon_pg_script *s, struct session *ss, int n,
               int lenient)
{
	/* About 1 GB in all, between 64 and 256 MB a session. */
	int mem_mb = n > 0 ? 1024 / n : 256, i, r = 0;
	char line[64];

	if (mem_mb > 256)
		mem_mb = 256;
	if (mem_mb < 64)
		mem_mb = 64;
	for (i = 0; i < n; i++) {
		ss[i].block = -1;
		if ((r = siphon_pg_local_spawn(&ss[i].p, loop->ctx, "local psql (indexes and constraints)",
		                               dbname, lenient, 1024 * 1024)) != 0)
			break;
		if ((r = siphon_loop_add_proc(loop, ss[i].p)) != 0 ||
		    (s->preamble != NULL &&
		     (r = siphon_proc_queue(ss[i].p, s->preamble, strlen(s->preamble))) != 0))
			break;
		/* Index builds sort: more memory means fewer passes over disk. */
		snprintf(line, sizeof(line), "SET maintenance_work_mem = '%dMB';\n", mem_mb);
		if ((r = siphon_proc_queue(ss[i].p, line, strlen(line))) != 0)
			break;
	}
	return r;
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
          const struct siphon_pg_script *s, int phase, int jobs, int lenient)
{
	char query[64];
	struct session *ss = NULL;
	int *todo = NULL, ntodo = 0, next = 0, n, i, r = 0, busy, k = 0;

	if ((todo = calloc((size_t)s->nblocks + 1, sizeof(*todo))) == NULL)
		return siphon_err_oom(loop->ctx);
	for (i = 0; i < s->nblocks; i++)
		if (siphon_pg_entry_phase(&s->blocks[i]) == phase)
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

			if (se->block >= 0) {
				char *hit = strstr(siphon_strbuf_str(&se->p->out), se->marker);

				if (hit == NULL) {
					if (se->p->exited || se->p->out_fd < 0) {
						r = session_failed(loop, s, se);
						goto out;
					}
					busy = 1;
					continue;
				}
				siphon_strbuf_reset(&se->p->out);
				se->block = -1;
			}
			if (next < ntodo) {
				se->block = todo[next++];
				/* The entry, then a query whose answer says it is done. */
				snprintf(se->marker, sizeof(se->marker), "siphon-done-%d\n", k);
				snprintf(query, sizeof(query), "SELECT 'siphon-done-%d';\n", k++);
				if ((r = siphon_proc_queue(se->p, s->blocks[se->block].sql,
				                           strlen(s->blocks[se->block].sql))) != 0 ||
				    (r = siphon_proc_queue(se->p, query, strlen(query))) != 0)
					goto out;
				busy = 1;
			}
		}
		if (!busy)
			break;
		if ((r = siphon_loop_step(loop, 1000)) != 0)
			goto out;
	}
	/* Every entry is done: end the sessions and check they exit cleanly. */
	for (i = 0; i < n; i++)
		siphon_proc_close_stdin(ss[i].p);
	for (;;) {
		busy = 0;
		for (i = 0; i < n; i++) {
			if (!ss[i].p->exited) {
				busy = 1;
			} else if (ss[i].p->status != 0) {
				r = session_failed(loop, s, &ss[i]);
				goto out;
			}
		}
		if (!busy)
			break;
		if ((r = siphon_loop_step(loop, 1000)) != 0)
			goto out;
	}
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
		if ((r = run_phase(loop, dbname, s, phase, jobs, lenient)) != 0)
			return r;
	return 0;
}
