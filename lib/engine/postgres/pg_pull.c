/*
 * pg_pull.c - the PostgreSQL pull, from probe to swap.
 *
 *   probe     one channel: which pg_dump, psql, compressors the server has
 *   control   a remote psql holds a REPEATABLE READ transaction, exports its
 *             snapshot, lists what to copy, locks the tables; it stays open
 *             until every dump has started from that snapshot
 *   pre-data  pg_dump --section=pre-data -> local psql (the new database)
 *   post-data pg_dump --section=post-data -> memory
 *   lanes     -j remote psql sessions COPY the tables (largest first) in the
 *             snapshot -> compressor -> channel -> decoder -> local psql
 *   finish    indexes and constraints in parallel, sequences, database
 *             settings, then the new database replaces the old one
 */
#include "engine/postgres/pg_pull_int.h"

#include "engine/heartbeat.h"
#include "util/clock.h"
#include "util/event.h"

#include "engine/keepname.h"
#include "engine/plan.h"
#include "engine/resumed.h"
#include "engine/postgres/pg_lane.h"
#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_post.h"
#include "engine/postgres/pg_script.h"
#include "remote/shell.h"


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* The local psql of the schema failed; none when the schema was in before a reconnect. */
static int
schema_failed(const struct pg *pg)
{
	return !pg->schema_done && pg->pre_proc != NULL && pg->pre_proc->exited && pg->pre_proc->status != 0;
}

static int
all_done(struct pg *pg, int lanes_started, int *done)
{
	int l;

	*done = 0;
	if (!lanes_started)
		return 0;
	if (schema_failed(pg))
		return pg_local_failed(pg, pg->pre_proc);
	for (l = 0; pg->lanes != NULL && pg->lane_rs != NULL && l < pg->nlanes; l++) {
		struct siphon_proc *p = pg->lanes[l].proc;

		if (p != NULL && p->exited && p->status != 0)
			return pg_local_failed(pg, p);
	}
	/* --snapshot-only has no local psql: its streams' ends are enough. */
	if ((!pg->schema_done && !pg->o->snapshot_only) ||
	    (pg->pre != NULL && pg->pre->state != SIPHON_RS_DONE) || pg->post->state != SIPHON_RS_DONE || pg->acl->state != SIPHON_RS_DONE)
		return 0;
	for (l = 0; pg->lanes != NULL && pg->lane_rs != NULL && l < pg->nlanes; l++) {
		if (pg->lane_rs[l]->state != SIPHON_RS_DONE ||
		    (!pg->lanes[l].discard && (pg->lanes[l].proc == NULL || !pg->lanes[l].proc->exited)))
			return 0;
	}
	*done = 1;
	return 0;
}

int
pg_transfer_loop(struct pg *pg)
{
	int r, done = 0, lanes_open = 0, lanes_started = 0;
	double t0 = siphon_mono_s(), next = t0;

	while (!done) {
		if ((r = siphon_loop_step(pg->loop, SIPHON_ENG_TICK_MS)) != 0)
			return r;
		siphon_eng_progress(pg->eng, pg->lane_rs, pg->nlanes, pg->cat.total_bytes, t0, &next);
		/*
		 * The data channels start once the schema dump has ended on the
		 * server: behind a small connection pool, sessions that wait for
		 * the local schema restore must not hold the connections that the
		 * schema dump itself needs.
		 */
		if (!lanes_started && (pg->schema_done || pg->pre->state == SIPHON_RS_DONE)) {
			if ((r = pg_start_lanes(pg)) != 0)
				return r;
			lanes_started = 1;
		}
		if (lanes_started && !lanes_open && !pg->schema_done && pg->pre_proc != NULL &&
		    pg->pre_proc->exited && pg->pre_proc->status == 0) {
			if (pg->lenient)
				siphon_pg_local_report_rejected(pg->ctx, "schema",
				                                siphon_strbuf_str(&pg->pre_proc->err));
			siphon_log(pg->ctx, SIPHON_LOG_INFO, "schema restored; loading table data");
			siphon_event_step(pg->ctx, "table data");
			pg->schema_done = 1;
		}
		/* The state a later --resume goes on from (pg_resume_runs.c). */
		if ((r = pg_runs_note(pg, 0)) != 0)
			return r;
		if (lanes_started && !lanes_open && pg->schema_done) {
			if ((r = pg_open_local_lanes(pg)) != 0)
				return r;
			lanes_open = 1;
		}
		if (lanes_started && (r = pg_lanes_dispatch(pg)) != 0)
			return r;
		/* Tables whose rows are in get their indexes now (pg_early.c). */
		if ((r = pg_early_step(pg, lanes_open)) != 0)
			return r;
		if ((r = all_done(pg, lanes_started, &done)) != 0)
			return r;
	}
	return 0;
}

static void
cleanup(struct pg *pg)
{
	/* The last tables that passed, before their lanes go. */
	(void)pg_runs_note(pg, 1);
	siphon_eng_drop_stream(pg->eng, &pg->ctl);
	siphon_eng_drop_stream(pg->eng, &pg->pre);
	siphon_eng_drop_stream(pg->eng, &pg->post);
	siphon_eng_drop_stream(pg->eng, &pg->acl);
	pg_early_free(pg);
	pg_free_lanes(pg);
	if (pg->pre_proc != NULL) {
		siphon_loop_remove_proc(pg->loop, pg->pre_proc);
		siphon_proc_free(pg->pre_proc);
		pg->pre_proc = NULL;
	}
	/* Local sessions are gone: the temporary database can be dropped (or kept for --resume). */
	pg_runs_end(pg);
	pg_drop_tmpdb(pg);
	siphon_pg_catalog_clear(&pg->cat);
	siphon_pg_dropped_clear(&pg->owner.dropped);
	siphon_strbuf_free(&pg->ctl_out);
	siphon_strbuf_free(&pg->post_out);
	siphon_strbuf_free(&pg->acl_out);
	siphon_strbuf_free(&pg->fp);
	siphon_resume_clear(&pg->runs);
	for (int i = 0; i < pg->ndone; i++)
		free(pg->done[i]);
	free(pg->done);
	pg->done = NULL;
	pg->ndone = 0;
}

int
pg_open(struct siphon_run *eng, void *st)
{
	struct pg *pg = st;

	pg->eng = eng;
	pg->ctx = eng->ctx;
	pg->loop = eng->loop;
	pg->o = eng->o;
	pg->into = pg->o->into != NULL ? pg->o->into : pg->o->dbname;
	pg->jobs = eng->jobs;
	eng->target.ops = &pg_target_ops;
	eng->target.arg = pg;
	pg->snapshots = 1;
	pg->tables_first = -1;
	return 0;
}

/* The engine-neutral view of the catalog. */
int
pg_publish_catalog(struct pg *pg)
{
	struct siphon_catalog *c = &pg->eng->cat;
	char mt[16];
	int i;

	snprintf(c->server, sizeof(c->server), "PostgreSQL %s",
	         siphon_pg_major_text(siphon_pg_num_major(pg->cat.server_num), mt, sizeof(mt)));
	snprintf(c->tools, sizeof(c->tools), "pg_dump and psql %s in %s", pg->tools.t[pg->pgi].version,
	         pg->tools.t[pg->pgi].bindir);
	for (i = 0; i < pg->cat.ntables; i++) {
		const struct siphon_pg_table *t = &pg->cat.tables[i];

		if (siphon_catalog_add_table(c, t->schema, t->name, t->bytes, t->rows) != 0)
			return siphon_err_oom(pg->ctx);
		for (int k = 0; k < t->ncols; k++)
			if (siphon_catalog_add_column(c, t->colnames[k]) != 0)
				return siphon_err_oom(pg->ctx);
	}
	for (i = 0; i < pg->cat.nextensions; i++)
		if (siphon_catalog_add_object(c, "extension", "", pg->cat.extensions[i]) != 0)
			return siphon_err_oom(pg->ctx);
	for (i = 0; i < pg->cat.nseqs; i++)
		if (siphon_catalog_add_object(c, "sequence", "", pg->cat.seqs[i].qname) != 0)
			return siphon_err_oom(pg->ctx);
	if (pg->cat.nlobs > 0 && siphon_catalog_add_object(c, "large objects", "", "") != 0)
		return siphon_err_oom(pg->ctx);
	return 0;
}

/*
 * The workstation first (fail before touching production), then the
 * server: the tools to use, and the catalog in the snapshot the control
 * session holds.
 */
int
pg_inspect(struct siphon_run *eng, void *st)
{
	struct pg *pg = st;
	char *datadir = NULL;
	int r;

	/* --snapshot-only: no local server is asked anything. */
	if (pg->o->snapshot_only)
		goto remote;
	if ((r = siphon_pg_local_psql_check(pg->ctx)) != 0 ||
	    (r = siphon_pg_local_version(pg->ctx, &pg->local_num)) != 0 ||
	    (r = siphon_pg_local_role_warning(pg->ctx, &pg->local_super)) != 0 ||
	    (r = siphon_pg_local_db_state(pg->ctx, pg->into, &pg->target_exists, &pg->target_sessions)) != 0 ||
	    (r = siphon_pg_roles_load(pg->ctx, &pg->roles, &pg->all_roles)) != 0)
		return r;
	pg->roles.existing = &pg->all_roles;
	r = siphon_pg_local_datadir(pg->ctx, &datadir);
	if (r == 0)
		r = siphon_target_set_dir(&eng->target, datadir, "where the local PostgreSQL keeps its data");
	free(datadir);
	if (r != 0)
		return r;
remote:
	/*
	 * The tables are locked (ACCESS SHARE, as pg_dump does: only DDL
	 * waits) before their columns and sequences are read, so that no
	 * deploy changes a table between this catalog and its dump.
	 */
	if ((r = pg_probe(pg)) != 0 || (r = pg_start_control(pg)) != 0 || (r = pg_lock_tables(pg)) != 0)
		return r;
	if (pg_catalog_fingerprint(pg, &pg->fp) != 0)
		return siphon_err_oom(pg->ctx);
	return pg_publish_catalog(pg);
}

int
pg_check(struct siphon_run *eng, void *st)
{
	struct pg *pg = st;
	int r;

	/* --snapshot-only: which pg_dump, and room for the snapshot (the target has no dir). */
	if (pg->o->snapshot_only)
		return (r = pg_check_versions(pg)) != 0 ? r : siphon_target_check_disk(&eng->target, pg->cat.db_bytes);
	if ((r = siphon_target_check_busy(&eng->target, pg->into, pg->target_sessions, pg->o->force)) != 0 ||
	    (r = pg_check_versions(pg)) != 0)
		return r;
	/*
	 * The copy takes about what the database takes on the server, twice
	 * with its pristine copy; the copy it replaces stays (keep-previous)
	 * or goes only after the swap, so it is never room to count on.
	 */
	return siphon_keep_check_disk(&eng->target, pg->cat.db_bytes, pg->o->keep_pristine, &pg->no_pristine);
}

int
pg_plan(struct siphon_run *eng, void *st)
{
	struct pg *pg = st;
	char mt[16];
	int r;

	if ((r = pg_plan_lanes(pg)) != 0)
		return r;
	siphon_log(pg->ctx, SIPHON_LOG_INFO,
	           "%s: PostgreSQL %s, pg_dump %s (%s), %d tables (%.1f MB), compression %s, %d channels",
	           pg->o->host, siphon_pg_major_text(siphon_pg_num_major(pg->cat.server_num), mt, sizeof(mt)),
	           pg->tools.t[pg->pgi].version, pg->tools.t[pg->pgi].bindir, pg->cat.ntables,
	           (double)pg->cat.total_bytes / 1e6, eng->codec_name, pg->jobs);
	return 0;
}

/* The tables locked, the temporary database made, the dumps streamed into it. */
int
pg_transfer(struct siphon_run *eng, void *st)
{
	struct pg *pg = st;
	int r, resumed;

	(void)eng;
	/* An interrupted pull's copy: gone on with (--resume), else dropped. */
	if ((r = pg_runs_begin(pg, &resumed)) != 0)
		return r;
	if (resumed) {
		siphon_event_step(pg->ctx, "table data");
		return pg_fetch_rest(pg, "the interruption");
	}
	siphon_event_step(pg->ctx, "schema");
	/*
	 * The dumps first: the server works on them while the local server
	 * makes the temporary database (nothing is read from them until the
	 * loop runs, and the schema's reader is set before it does).
	 */
	if ((r = pg_start_dumps(pg, 1)) != 0 ||
	    (!pg->o->snapshot_only && ((r = pg_create_tmpdb(pg)) != 0 || (r = pg_restore_schema(pg)) != 0)))
		return r;
	return pg_transfer_loop(pg);
}

int
pg_finish(struct siphon_run *eng, void *st)
{
	struct pg *pg = st;
	int r;

	if ((r = pg_release_snapshot(pg)) != 0)
		return r;
	/*
	 * Everything is here: the rest is local, and a connection lost from
	 * now on costs nothing (the watchdog would only turn it into a failure).
	 */
	if (eng->hb != NULL)
		siphon_heartbeat_stop(eng->hb, 1);
	/* --snapshot-only: every stream was recorded to its end; nothing local to finish. */
	if (pg->o->snapshot_only)
		return 0;
	/*
	 * The final phase from here on (triggers, attachments, privileges...): a
	 * later run could not tell what of it was applied.
	 */
	pg_runs_close(pg);
	if ((r = pg_finish_local(pg)) != 0)
		return r;
	siphon_event_step(pg->ctx, "swap");
	return pg_swap(pg);
}

static void
add_bytes(const struct siphon_rstream *rs, uint64_t *wire, uint64_t *raw)
{
	if (rs == NULL)
		return;
	*wire += rs->wire_bytes;
	*raw += rs->raw_bytes;
}

void
pg_count_bytes(const struct pg *pg, uint64_t *wire, uint64_t *raw)
{
	*wire = pg->wire_lost;
	*raw = pg->raw_lost;
	for (int l = 0; pg->lanes != NULL && pg->lane_rs != NULL && l < pg->nlanes; l++)
		add_bytes(pg->lane_rs[l], wire, raw);
	add_bytes(pg->pre, wire, raw);
	add_bytes(pg->post, wire, raw);
	add_bytes(pg->acl, wire, raw);
}

void
pg_stats(struct siphon_run *eng, void *st, struct siphon_pull_stats *stats)
{
	struct pg *pg = st;
	unsigned later = pg->tables_first >= 0 ? pg->ntables_copied - (unsigned)pg->tables_first : 0;

	stats->tables = pg->ntables_copied;
	stats->channels = (unsigned)pg->nlanes;
	snprintf(stats->codec, sizeof(stats->codec), "%s", eng->codec_name);
	snprintf(stats->into, sizeof(stats->into), "%s", pg->into);
	pg_count_bytes(pg, &stats->wire_bytes, &stats->raw_bytes);
	stats->resumed_run = (unsigned)pg->resumed_run;
	siphon_resumed_stats(stats, later, pg->ntables_copied, pg->snapshots, "the sequences and the indexes");
}

void
pg_cleanup(struct siphon_run *eng, void *st)
{
	struct pg *pg = st;

	(void)eng;
	if (pg->loop != NULL)
		cleanup(pg);
	siphon_pg_roles_clear(&pg->roles);
	siphon_pg_roles_clear(&pg->all_roles);
	free(pg->work);
	free(pg->wplan);
	siphon_dispatch_free(pg->disp);
}
