/*
 * sq_pull.c - the SQLite pull, from the local checks to the swap.
 *
 *   local     the target is an SQLite file (or absent) nobody has open, the
 *             local sqlite3 runs: fail before touching production
 *   inspect   one channel: sqlite3's version, the file (exists, readable,
 *             header, WAL mode, pages in use), the server's temporary space
 *   copy      VACUUM INTO a private temporary directory on the server (one
 *             read transaction), then the copy -> compressor -> channel ->
 *             decoder -> a temporary file beside the target (0600, O_EXCL)
 *   verify    fsync; the local sqlite3 runs integrity_check and reads
 *             user_version/application_id back
 *   swap      checkpoint the old file, rename the copy over it, remove the
 *             old -wal/-shm/-journal (see sq_swap.c)
 * Any failure: the temporary file goes, the old file was never touched, and
 * the server's copy is removed by the script's traps.
 */
#include "engine/sqlite/sq_pull_int.h"
#include "util/event.h"

#include <stdio.h>
#include <string.h>

static void
cleanup(struct sq *sq)
{
	/* rollback and reset have no loop and no streams. */
	if (sq->loop != NULL) {
		siphon_eng_drop_stream(sq->eng, &sq->inspect);
		siphon_eng_drop_stream(sq->eng, &sq->copy);
	}
	sq_tmp_remove(sq);
	sq_keep_abort(sq);
	siphon_strbuf_free(&sq->old_link);
	siphon_strbuf_free(&sq->pristine_tmp);
	siphon_strbuf_free(&sq->inspect_out);
	siphon_strbuf_free(&sq->into);
	siphon_strbuf_free(&sq->dir);
	siphon_strbuf_free(&sq->base);
	siphon_strbuf_free(&sq->tmp);
	siphon_strbuf_free(&sq->tmp_prefix);
}

int
sq_open(struct siphon_run *eng, void *st)
{
	struct sq *sq = st;

	sq->eng = eng;
	sq->ctx = eng->ctx;
	sq->loop = eng->loop;
	sq->o = eng->o;
	sq->tmp_fd = -1;
	sq->keeping = 1;
	eng->target.ops = &sq_target_ops;
	eng->target.arg = sq;
	return 0;
}

/* The workstation first (fail before touching production), then the file on the server. */
int
sq_inspect_phase(struct siphon_run *eng, void *st)
{
	struct sq *sq = st;
	struct siphon_plan_piece piece = {.table = -1, .what = "the database file", .part = 1, .parts = 1};
	int r;

	if ((r = sq_paths(sq)) != 0)
		return r;
	if (siphon_sq_tmp_prefix(&sq->tmp_prefix, siphon_strbuf_str(&sq->base)) != 0)
		return siphon_err_oom(sq->ctx);
	eng->target.prefix = siphon_strbuf_str(&sq->tmp_prefix);
	/* --snapshot-only: the local file and sqlite3 are not looked at. */
	if (!sq->o->snapshot_only &&
	    ((r = siphon_target_set_dir(&eng->target, siphon_strbuf_str(&sq->dir), "in the local file's directory")) != 0 ||
	     (r = sq_local_tool(sq)) != 0 || (r = sq_target_check(sq)) != 0))
		return r;
	if ((r = sq_remote_tool(sq)) != 0 || (r = sq_inspect(sq)) != 0)
		return r;
	snprintf(eng->cat.server, sizeof(eng->cat.server), "SQLite %s", sq->facts.version);
	snprintf(eng->cat.tools, sizeof(eng->cat.tools), "%s", siphon_probe_tool(&eng->probe, "sqlite3"));
	piece.bytes = sq->need > 0 ? (uint64_t)sq->need : 0;
	eng->cat.total_bytes = piece.bytes;
	/* One file, one channel: the plan is known once the file is. */
	if (siphon_plan_add(&eng->plan, &piece) != 0)
		return siphon_err_oom(sq->ctx);
	eng->plan.channels = 1;
	return 0;
}

int
sq_check(struct siphon_run *eng, void *st)
{
	struct sq *sq = st;
	int r;

	/* --snapshot-only: room for the snapshot alone (the target has no dir). */
	if (sq->o->snapshot_only)
		return siphon_target_check_disk(&eng->target, sq->need > 0 ? (uint64_t)sq->need : 0);
	if ((r = sq_check_busy(sq, "")) != 0)
		return r;
	return sq_check_disk(sq);
}

/* The copy made on the server and streamed into a temporary file beside the target. */
int
sq_transfer(struct siphon_run *eng, void *st)
{
	struct sq *sq = st;
	int r;

	(void)eng;
	if (!sq->o->snapshot_only && (r = sq_tmp_open(sq)) != 0)
		return r;
	return sq_copy(sq);
}

int
sq_finish(struct siphon_run *eng, void *st)
{
	struct sq *sq = st;
	int r;

	(void)eng;
	siphon_event_step(sq->ctx, "writing the file");
	if ((r = sq_tmp_finish(sq)) != 0)
		return r;
	/* --snapshot-only: the whole copy arrived and was recorded; `siphon restore` checks it. */
	if (sq->o->snapshot_only)
		return 0;
	siphon_event_step(sq->ctx, "integrity check");
	if ((r = sq_verify(sq)) != 0)
		return r;
	siphon_event_step(sq->ctx, "swap");
	if ((r = sq_swap(sq)) != 0)
		return r;
	siphon_log(sq->ctx, SIPHON_LOG_INFO,
	           "%s: \"%s\" copied into \"%s\": %.1f MB, %lld tables, user_version %lld, application_id %lld, integrity ok",
	           sq->o->host, sq->o->dbname, siphon_strbuf_str(&sq->into), (double)sq->written / 1e6,
	           sq->check.tables, sq->check.uv, sq->check.aid);
	return 0;
}

void
sq_stats(struct siphon_run *eng, void *st, struct siphon_pull_stats *stats)
{
	struct sq *sq = st;

	stats->tables = sq->check.tables > 0 ? (unsigned)sq->check.tables : 0;
	stats->channels = 1;
	/* Resumed or not, the file is one VACUUM INTO: one read transaction. */
	snprintf(stats->consistency, sizeof(stats->consistency), "one snapshot");
	stats->wire_bytes = sq->copy->wire_bytes;
	stats->raw_bytes = sq->copy->raw_bytes;
	snprintf(stats->codec, sizeof(stats->codec), "%s", eng->codec_name);
	snprintf(stats->into, sizeof(stats->into), "%s", siphon_strbuf_str(&sq->into));
}

void
sq_cleanup(struct siphon_run *eng, void *st)
{
	struct sq *sq = st;

	(void)eng;
	cleanup(sq);
}

/*
 * The copy is one stream of one file made in one read transaction on the
 * server: it cannot go on midway, so after a lost connection it is made
 * again, whole (the only honest resume), into a fresh temporary file.  The
 * server's copy of the lost session is removed by its script's traps and
 * the watchdog.
 */
int
sq_lost(struct siphon_run *eng, void *st)
{
	struct sq *sq = st;

	(void)eng;
	siphon_eng_drop_stream(sq->eng, &sq->copy);
	sq_tmp_remove(sq);
	siphon_strbuf_reset(&sq->tmp);
	sq->written = 0;
	memset(&sq->meta, 0, sizeof(sq->meta));
	return 0;
}

int
sq_resume(struct siphon_run *eng, void *st)
{
	struct sq *sq = st;

	siphon_log(sq->ctx, SIPHON_LOG_INFO, "copying \"%s\" again, whole: one file's stream cannot resume midway",
	           sq->o->dbname);
	return sq_transfer(eng, st);
}
