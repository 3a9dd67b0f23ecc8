/*
 * pg_resume.c - the connection was lost mid-transfer: keep what finished,
 * fetch the rest in a new snapshot.
 *
 * A new session cannot join the old exported snapshot.  The consistency
 * kept is per table: a table whose rows were fully loaded (its local COPY
 * ended) stays as it is; every other table is emptied in the temporary
 * database and copied again, whole, in the new snapshot; the sequences
 * and the post-data (indexes, constraints, privileges) come from the new
 * snapshot too.  This holds only if the schema did not change in between:
 * the catalog's fingerprint (tables, their columns, sequences, extensions)
 * is compared, and a changed one starts over (a new temporary database,
 * everything from the new snapshot).  A cut before the schema was restored
 * starts over as well: nothing of the old snapshot is kept then.
 */
#include "engine/postgres/pg_pull_int.h"

#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_sql.h"
#include "engine/resumed.h"
#include "util/event.h"

#include <stdlib.h>
#include <string.h>

int
pg_table_done(const struct pg *pg, const struct siphon_pg_table *t)
{
	for (int i = 0; i < pg->ndone; i++)
		if (strcmp(pg->done[i], t->qname) == 0)
			return 1;
	return 0;
}

static int
table_by_name(const void *a, const void *b)
{
	return strcmp((*(const struct siphon_pg_table *const *)a)->qname,
	              (*(const struct siphon_pg_table *const *)b)->qname);
}

/*
 * The tables by name: the catalog lists them largest first, and a size
 * moves between two runs while nothing else does (autovacuum adds a
 * table's visibility map and free space map after a load).
 */
static int
put_tables(const struct siphon_pg_catalog *c, struct siphon_strbuf *sb)
{
	const struct siphon_pg_table **by = calloc((size_t)c->ntables + 1, sizeof(*by));
	int r = 0;

	if (by == NULL)
		return -1;
	for (int i = 0; i < c->ntables; i++)
		by[i] = &c->tables[i];
	qsort(by, (size_t)c->ntables, sizeof(*by), table_by_name);
	for (int i = 0; r == 0 && i < c->ntables; i++)
		r = siphon_strbuf_printf(sb, "table %c %s (%s)\n", by[i]->relkind, by[i]->qname,
		                         by[i]->columns != NULL ? by[i]->columns : "");
	free(by);
	return r;
}

int
pg_catalog_fingerprint(const struct pg *pg, struct siphon_strbuf *sb)
{
	const struct siphon_pg_catalog *c = &pg->cat;

	siphon_strbuf_reset(sb);
	if (siphon_strbuf_printf(sb, "encoding %s\n", c->encoding != NULL ? c->encoding : "") != 0 ||
	    put_tables(c, sb) != 0)
		return -1;
	for (int i = 0; i < c->nseqs; i++)
		if (siphon_strbuf_printf(sb, "sequence %s\n", c->seqs[i].qname) != 0)
			return -1;
	for (int i = 0; i < c->nextensions; i++)
		if (siphon_strbuf_printf(sb, "extension %s\n", c->extensions[i]) != 0)
			return -1;
	/*
	 * Indexes and constraints by definition: an entry built before a
	 * resume is skipped after it (pg_post.c), which is right only when the
	 * new snapshot defines it the same.
	 */
	for (int i = 0; i < c->nindexes; i++)
		if (siphon_strbuf_printf(sb, "index %s.%s %s\n", c->indexes[i].schema, c->indexes[i].name,
		                         c->indexes[i].def) != 0)
			return -1;
	for (int i = 0; i < c->ncons; i++)
		if (siphon_strbuf_printf(sb, "constraint %s.%s %s %c %s\n", c->cons[i].schema, c->cons[i].table,
		                         c->cons[i].name, c->cons[i].type, c->cons[i].def) != 0)
			return -1;
	return siphon_strbuf_printf(sb, "large objects %s\n", c->nlobs > 0 ? "yes" : "no");
}

int
pg_add_done(struct pg *pg, const char *qname)
{
	char **n;

	if ((n = realloc(pg->done, (size_t)(pg->ndone + 1) * sizeof(*n))) == NULL)
		return -1;
	pg->done = n;
	if ((n[pg->ndone] = strdup(qname)) == NULL)
		return -1;
	pg->ndone++;
	return 0;
}

/*
 * The lanes' local sessions end with what they were given: every COPY
 * whose end-of-data line arrived is complete (and committed: one
 * statement each); the one cut short is not, and its table is emptied
 * before it is copied again.
 */
static int
settle_lanes(struct pg *pg)
{
	int r, busy = 1;

	for (int l = 0; pg->lanes != NULL && l < pg->nlanes; l++) {
		if (pg->lanes[l].ev != 0)
			siphon_event_table_end(pg->ctx, pg->lanes[l].ev, SIPHON_ECONNECT);
		pg->lanes[l].ev = 0;
		if (pg->lanes[l].proc != NULL)
			siphon_proc_close_stdin(pg->lanes[l].proc);
	}
	while (busy) {
		busy = 0;
		for (int l = 0; pg->lanes != NULL && l < pg->nlanes; l++)
			busy |= pg->lanes[l].proc != NULL && !pg->lanes[l].proc->exited;
		if (busy && (r = siphon_loop_step(pg->loop, 250)) != 0)
			return r;
	}
	return 0;
}

int
pg_passed_tables(struct pg *pg, int (*fn)(struct pg *pg, const struct siphon_pg_table *t, int64_t rows))
{
	int64_t *rows = NULL;
	int *left = NULL, r = 0;

	if (pg->lanes == NULL || pg->nwork == 0)
		return 0;
	left = calloc((size_t)pg->cat.ntables + 1, sizeof(*left));
	rows = calloc((size_t)pg->cat.ntables + 1, sizeof(*rows));
	if (left == NULL || rows == NULL) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	/* The large objects count at index ntables. */
	for (int i = 0; i < pg->nwork; i++)
		left[pg->work[i].t != NULL ? pg->work[i].t - pg->cat.tables : pg->cat.ntables]++;
	/* Each item knows its piece: the lanes' order need not be the plan's (dispatch.h). */
	for (int l = 0; r == 0 && l < pg->nlanes; l++) {
		for (int k = 0; r == 0 && k < pg->lanes[l].cur; k++) {
			const struct pg_work *w = &pg->work[pg->lanes[l].items[k].work];
			long t = w->t != NULL ? w->t - pg->cat.tables : pg->cat.ntables;

			rows[t] += pg->lanes[l].items[k].rows;
			if (--left[t] == 0)
				r = fn(pg, w->t, rows[t]);
		}
	}
out:
	free(left);
	free(rows);
	return r;
}

static int
note_one(struct pg *pg, const struct siphon_pg_table *t, int64_t rows)
{
	(void)rows;
	if (t == NULL)
		pg->lobs_done = 1;
	else if (pg_add_done(pg, t->qname) != 0)
		return siphon_err_oom(pg->ctx);
	return 0;
}

int
pg_lost(struct siphon_run *eng, void *st)
{
	struct pg *pg = st;
	int r;

	(void)eng;
	/* What came over the lost session still counts in the figures. */
	pg_count_bytes(pg, &pg->wire_lost, &pg->raw_lost);
	siphon_eng_drop_stream(pg->eng, &pg->ctl);
	siphon_eng_drop_stream(pg->eng, &pg->pre);
	siphon_eng_drop_stream(pg->eng, &pg->post);
	siphon_eng_drop_stream(pg->eng, &pg->acl);
	/* What passed before the cut, for a later --resume should this one fail. */
	if ((r = pg_runs_note(pg, 1)) != 0)
		return r;
	for (int l = 0; pg->lane_rs != NULL && l < pg->nlanes; l++)
		siphon_eng_drop_stream(pg->eng, &pg->lane_rs[l]);
	if (!pg->schema_done && pg->pre_proc != NULL) {
		/* Half a schema: nothing of it is kept. */
		siphon_loop_remove_proc(pg->loop, pg->pre_proc);
		siphon_proc_free(pg->pre_proc);
		pg->pre_proc = NULL;
	}
	if ((r = settle_lanes(pg)) != 0 || (r = pg_early_settle(pg)) != 0 ||
	    (r = pg_passed_tables(pg, note_one)) != 0)
		return r;
	pg_free_lanes(pg);
	free(pg->work);
	free(pg->wplan);
	pg->work = NULL;
	pg->wplan = NULL;
	pg->nwork = 0;
	siphon_strbuf_reset(&pg->ctl_out);
	return 0;
}

/*
 * Every table not fully loaded is emptied: a cut COPY may have left rows.
 * The large objects need nothing: they are written only after their whole
 * stream has arrived (pg_lane.c), and writing them again is harmless.
 */
static int
empty_unfinished(struct pg *pg)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int r = 0, n = 0;

	/* A foreign key built early on a table emptied now would refuse the TRUNCATE. */
	if ((r = pg_early_unbind(pg)) != 0)
		return r;
	for (int i = 0; i < pg->cat.ntables; i++) {
		const struct siphon_pg_table *t = &pg->cat.tables[i];

		if (t->relkind != 'r' || pg_table_done(pg, t))
			continue;
		if (siphon_strbuf_puts(&q, n++ == 0 ? "TRUNCATE ONLY " : ", ") != 0 ||
		    siphon_strbuf_puts(&q, t->qname) != 0) {
			siphon_strbuf_free(&q);
			return siphon_err_oom(pg->ctx);
		}
	}
	if (n > 0) {
		if (siphon_strbuf_puts(&q, ";\n") != 0)
			r = siphon_err_oom(pg->ctx);
		else
			r = siphon_pg_local_query(pg->ctx, pg->tmpdb, siphon_strbuf_str(&q), &out);
	}
	free(out);
	siphon_strbuf_free(&q);
	return r;
}

int
pg_fetch_rest(struct pg *pg, const char *since)
{
	int r;

	if ((r = pg_plan_lanes(pg)) != 0 || (r = empty_unfinished(pg)) != 0)
		return r;
	siphon_resumed_log(pg->ctx, (unsigned)pg->ndone, pg->ntables_copied, since);
	if ((r = pg_start_dumps(pg, 0)) != 0)
		return r;
	return pg_transfer_loop(pg);
}

/* Everything again from the new snapshot, into a new temporary database. */
static int
start_over(struct pg *pg, const char *why)
{
	int r;

	siphon_log(pg->ctx, SIPHON_LOG_WARN, "%s: starting the copy over from the new snapshot", why);
	pg_drop_tmpdb(pg);
	for (int i = 0; i < pg->ndone; i++)
		free(pg->done[i]);
	pg->ndone = 0;
	pg->lobs_done = 0;
	pg->schema_done = 0;
	pg->post_built = 0;
	siphon_pg_dropped_clear(&pg->owner.dropped);
	pg->snapshots = 1;
	pg->tables_first = -1;
	pg->resumed_run = 0;
	siphon_catalog_clear(&pg->eng->cat);
	siphon_plan_clear(&pg->eng->plan);
	if ((r = pg_publish_catalog(pg)) != 0 || (r = pg_plan_lanes(pg)) != 0)
		return r;
	return pg_transfer(pg->eng, pg);
}

int
pg_resume(struct siphon_run *eng, void *st)
{
	struct pg *pg = st;
	struct siphon_strbuf fp = {0};
	int r, same;

	(void)eng;
	siphon_pg_catalog_clear(&pg->cat);
	memset(&pg->cat, 0, sizeof(pg->cat));
	pg->ntables_copied = 0;
	/* A new snapshot, its catalog, its locks: as at the start. */
	if ((r = pg_start_control(pg)) != 0 || (r = pg_lock_tables(pg)) != 0)
		return r;
	if (pg_catalog_fingerprint(pg, &fp) != 0) {
		siphon_strbuf_free(&fp);
		return siphon_err_oom(pg->ctx);
	}
	same = strcmp(siphon_strbuf_str(&fp), siphon_strbuf_str(&pg->fp)) == 0;
	siphon_strbuf_free(&pg->fp);
	pg->fp = fp;
	if (!same)
		return start_over(pg, "the schema on the server changed while the connection was down");
	if (!pg->schema_done)
		return start_over(pg, "the connection was lost before the schema was restored");
	if (pg->tables_first < 0)
		pg->tables_first = pg->ndone;
	pg->snapshots++;
	return pg_fetch_rest(pg, "the cut");
}
