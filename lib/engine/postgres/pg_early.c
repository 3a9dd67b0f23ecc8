/*
 * pg_early.c - indexes and constraints built while the rows still stream.
 *
 * Each lane's local psql answers a marker once an item's COPY is committed
 * (pg_lane.h); a table whose every piece is committed is loaded, and its
 * post-data entries (pg_postq.h) go to free local sessions (pg_post.c):
 * at most max(1, jobs / 2) while the lanes run, so that the builds do not
 * starve the loads.  What is not built by the last row is built in the
 * final phase (pg_finish.c), as before.
 *
 * Resume: the early sessions finish their entries before a reconnect
 * (a killed psql's statement would still commit behind siphon's back); the
 * new snapshot's entries whose objects exist in the temporary database are
 * skipped (the fingerprint, pg_resume.c, holds their definitions, so they
 * are the same), and the foreign keys that touch a table about to be
 * emptied and copied again are dropped first (built again later).
 */
#include "engine/postgres/pg_pull_int.h"

#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_post.h"
#include "engine/postgres/pg_sql.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCAL_HEX(x) "encode(convert_to(" x ", current_setting('server_encoding')), 'hex')"

/* Per table: pieces left to commit, and loaded (none left; the finished tables of a resume too). */
static int
count_pieces(struct pg *pg)
{
	size_t n = (size_t)pg->cat.ntables + 1;

	free(pg->left);
	free(pg->tloaded);
	pg->left = calloc(n, sizeof(*pg->left));
	pg->tloaded = calloc(n, 1);
	if (pg->left == NULL || pg->tloaded == NULL)
		return siphon_err_oom(pg->ctx);
	for (int i = 0; i < pg->nwork; i++)
		if (pg->work[i].t != NULL)
			pg->left[pg->work[i].t - pg->cat.tables]++;
	for (int i = 0; i < pg->cat.ntables; i++)
		pg->tloaded[i] = pg->cat.tables[i].relkind == 'r' && pg->left[i] == 0;
	return 0;
}

static void
table_loaded(struct pg *pg, int t)
{
	siphon_log(pg->ctx, SIPHON_LOG_DEBUG, "%s: every row committed locally", pg->cat.tables[t].qname);
	pg->tloaded[t] = 1;
	if (pg->post_sched != NULL)
		siphon_pg_post_table_loaded(pg->post_sched, t);
}

/* The markers each lane's local psql printed since the last step. */
static int
read_markers(struct pg *pg)
{
	for (int l = 0; pg->lanes != NULL && l < pg->nlanes; l++) {
		struct siphon_pg_lane *lane = &pg->lanes[l];
		struct siphon_proc *p = lane->proc;
		int before = lane->loaded;
		size_t used;

		if (p == NULL || lane->loaded < 0 || p->out.len == 0)
			continue;
		/* Some output was dropped: its markers with it; the final phase builds the rest. */
		if (p->out.truncated) {
			lane->loaded = -1;
			continue;
		}
		if (siphon_pg_lane_markers(p->out.buf, p->out.len, &lane->loaded, &used) != 0)
			return siphon_err(pg->ctx, SIPHON_ELOCAL,
			                  "%s answered out of order (%.60s); this is a bug in siphon", p->what, p->out.buf);
		memmove(p->out.buf, p->out.buf + used, p->out.len - used + 1);
		p->out.len -= used;
		for (int k = before; k < lane->loaded && k < lane->nitems; k++) {
			const struct pg_work *w = &pg->work[lane->items[k].work];
			int t = w->t != NULL ? (int)(w->t - pg->cat.tables) : -1;

			if (t >= 0 && --pg->left[t] == 0)
				table_loaded(pg, t);
		}
	}
	return 0;
}

/* Marks the entries whose objects the temporary database holds already (built before a resume). */
static int
skip_built(struct pg *pg)
{
	struct siphon_pg_catalog have = {0};
	struct siphon_strbuf q = {0};
	char *out = NULL, err[256];
	int r = 0, n = 0;

	if (siphon_pg_postobj_sql(&q, NULL) != 0) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	if ((r = siphon_pg_local_query(pg->ctx, pg->tmpdb, siphon_strbuf_str(&q), &out)) != 0)
		goto out;
	if (siphon_pg_catalog_parse_more(&have, out, err, sizeof(err)) != 0) {
		r = siphon_err(pg->ctx, SIPHON_ELOCAL, "cannot read the indexes of the local copy %s: %s", pg->tmpdb, err);
		goto out;
	}
	for (int i = 0; i < pg->post_script.nblocks; i++) {
		if (siphon_pg_post_entry(pg->post_sched, i)->early &&
		    siphon_pg_post_exists(&pg->post_script.blocks[i], &have)) {
			siphon_pg_post_skip(pg->post_sched, i);
			n++;
		}
	}
	if (n > 0)
		siphon_log(pg->ctx, SIPHON_LOG_DEBUG, "%d indexes and constraints built before the resume are kept", n);
out:
	siphon_pg_catalog_clear(&have);
	siphon_strbuf_free(&q);
	free(out);
	return r;
}

/* The scheduler over the post-data entries, once they are here and the schema is in. */
static int
start_scheduler(struct pg *pg)
{
	struct siphon_pg_postent *ents = NULL;
	int r;

	if ((r = pg_post_prepare(pg)) != 0)
		return r;
	if ((ents = calloc((size_t)pg->post_script.nblocks + 1, sizeof(*ents))) == NULL)
		return siphon_err_oom(pg->ctx);
	if (siphon_pg_postmap(&pg->post_script, &pg->cat, ents) != 0) {
		free(ents);
		return siphon_err_oom(pg->ctx);
	}
	r = siphon_pg_post_new(&pg->post_sched, pg->loop, pg->tmpdb, &pg->post_script, ents, pg->cat.ntables,
	                       pg->jobs, pg->lenient);
	free(ents);
	if (r != 0)
		return r;
	if (pg->post_built && (r = skip_built(pg)) != 0)
		return r;
	for (int t = 0; t < pg->cat.ntables; t++)
		if (pg->tloaded[t])
			siphon_pg_post_table_loaded(pg->post_sched, t);
	return 0;
}

int
pg_early_step(struct pg *pg, int lanes_open)
{
	int r;

	if (pg->o->snapshot_only || !lanes_open)
		return 0;
	if (pg->left == NULL && (r = count_pieces(pg)) != 0)
		return r;
	if ((r = read_markers(pg)) != 0)
		return r;
	if (pg->post_sched == NULL) {
		if (pg->post == NULL || pg->post->state != SIPHON_RS_DONE || pg->post->failed)
			return 0;
		if ((r = start_scheduler(pg)) != 0)
			return r;
	}
	/* Room for builds beside the loads: half the jobs (pg_early_budget). */
	return siphon_pg_post_step(pg->post_sched, pg_early_budget(pg));
}

int
pg_early_budget(const struct pg *pg)
{
	return pg->jobs / 2 > 1 ? pg->jobs / 2 : 1;
}

int
pg_early_settle(struct pg *pg)
{
	int r = 0;

	if (pg->post_sched != NULL) {
		r = siphon_pg_post_settle(pg->post_sched);
		if (siphon_pg_post_early(pg->post_sched) > 0)
			pg->post_built = 1;
	}
	pg_early_free(pg);
	return r;
}

void
pg_early_free(struct pg *pg)
{
	siphon_pg_post_free(pg->post_sched);
	pg->post_sched = NULL;
	siphon_pg_script_clear(&pg->post_script);
	siphon_leftout_free(&pg->post_lo);
	siphon_pg_dropped_clear(&pg->post_dropped);
	pg->post_ready = 0;
	free(pg->left);
	free(pg->tloaded);
	pg->left = NULL;
	pg->tloaded = NULL;
}

/* Appends "'qname'::pg_catalog.regclass" for each table not finished, comma-separated; *n of them. */
static int
unfinished_list(struct pg *pg, struct siphon_strbuf *sb, int *n)
{
	*n = 0;
	for (int i = 0; i < pg->cat.ntables; i++) {
		const struct siphon_pg_table *t = &pg->cat.tables[i];

		if (t->relkind != 'r' || pg_table_done(pg, t))
			continue;
		if (siphon_strbuf_puts(sb, (*n)++ > 0 ? ", " : "") != 0 || siphon_pg_literal(sb, t->qname) != 0 ||
		    siphon_strbuf_puts(sb, "::pg_catalog.regclass") != 0)
			return -1;
	}
	return 0;
}

int
pg_early_unbind(struct pg *pg)
{
	struct siphon_strbuf list = {0}, q = {0};
	char *out = NULL, *p, *line;
	int r = 0, n;

	if (!pg->post_built)
		return 0;
	if (unfinished_list(pg, &list, &n) != 0)
		goto oom;
	if (n == 0)
		goto out;
	if (siphon_strbuf_printf(&q, "SELECT " LOCAL_HEX("n.nspname::text") ", " LOCAL_HEX("t.relname::text") ", "
	                             LOCAL_HEX("k.conname::text") " FROM pg_catalog.pg_constraint k"
	                             " JOIN pg_catalog.pg_class t ON t.oid = k.conrelid"
	                             " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
	                             " WHERE k.contype = 'f' AND (k.conrelid IN (%s) OR k.confrelid IN (%s));\n",
	                         siphon_strbuf_str(&list), siphon_strbuf_str(&list)) != 0)
		goto oom;
	if ((r = siphon_pg_local_query(pg->ctx, pg->tmpdb, siphon_strbuf_str(&q), &out)) != 0)
		goto out;
	siphon_strbuf_reset(&q);
	for (p = out; p != NULL && (line = strsep(&p, "\n")) != NULL;) {
		char *f[3], *name[3] = {NULL, NULL, NULL};
		int ok = 1;

		if (line[0] == '\0')
			continue;
		f[0] = strsep(&line, "|");
		f[1] = line != NULL ? strsep(&line, "|") : NULL;
		f[2] = line;
		for (int i = 0; i < 3; i++)
			ok &= f[i] != NULL && siphon_hex_decode(f[i], strlen(f[i]), &name[i]) == 0 && name[i] != NULL;
		if (ok && (siphon_strbuf_puts(&q, "ALTER TABLE ONLY ") != 0 || siphon_pg_qualified(&q, name[0], name[1]) != 0 ||
		           siphon_strbuf_puts(&q, " DROP CONSTRAINT ") != 0 || siphon_pg_ident(&q, name[2]) != 0 ||
		           siphon_strbuf_puts(&q, ";\n") != 0))
			ok = -1;
		for (int i = 0; i < 3; i++)
			free(name[i]);
		if (ok < 0)
			goto oom;
		if (!ok) {
			r = siphon_err(pg->ctx, SIPHON_ELOCAL, "cannot read the foreign keys of the local copy %s", pg->tmpdb);
			goto out;
		}
	}
	if (q.len > 0) {
		free(out);
		out = NULL;
		r = siphon_pg_local_query(pg->ctx, pg->tmpdb, siphon_strbuf_str(&q), &out);
	}
	goto out;
oom:
	r = siphon_err_oom(pg->ctx);
out:
	free(out);
	siphon_strbuf_free(&list);
	siphon_strbuf_free(&q);
	return r;
}
