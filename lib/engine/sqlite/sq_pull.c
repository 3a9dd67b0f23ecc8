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
	siphon_eng_drop_stream(sq->eng, &sq->inspect);
	siphon_eng_drop_stream(sq->eng, &sq->copy);
	sq_tmp_remove(sq);
	siphon_strbuf_free(&sq->inspect_out);
	siphon_strbuf_free(&sq->into);
	siphon_strbuf_free(&sq->dir);
	siphon_strbuf_free(&sq->base);
	siphon_strbuf_free(&sq->tmp);
}

int
siphon_sq_pull(struct siphon_run *eng, struct siphon_pull_stats *stats)
{
	struct sq sq;
	int r;

	memset(&sq, 0, sizeof(sq));
	sq.eng = eng;
	sq.ctx = eng->ctx;
	sq.loop = eng->loop;
	sq.o = eng->o;
	sq.tmp_fd = -1;
	eng->explain = sq_explain;
	eng->explain_arg = &sq;

	/* Local checks first: fail before touching production. */
	if ((r = sq_paths(&sq)) != 0 || (r = sq_local_tool(&sq)) != 0 ||
	    (r = sq_target_check(&sq)) != 0 || (r = sq_check_busy(&sq, "")) != 0)
		goto out;
	sq_remove_stale(&sq);
	if ((r = sq_remote_tool(&sq)) != 0 || (r = siphon_eng_choose_codec(eng)) != 0 ||
	    (r = sq_inspect(&sq)) != 0)
		goto out;
	if ((r = sq_check_disk(&sq)) != 0 || (r = sq_tmp_open(&sq)) != 0)
		goto out;
	sq.loop->tick = sq_disk_tick;
	sq.loop->tick_arg = &sq;
	siphon_event_phase(sq.ctx, SIPHON_PHASE_TRANSFER, 1, 0);
	r = sq_copy(&sq);
	siphon_event_phase(sq.ctx, SIPHON_PHASE_TRANSFER, 0, r);
	if (r != 0)
		goto out;
	sq.loop->tick = NULL;
	sq.loop->tick_arg = NULL;
	if ((r = sq_tmp_finish(&sq)) != 0 || (r = sq_verify(&sq)) != 0 || (r = sq_swap(&sq)) != 0)
		goto out;
	siphon_log(sq.ctx, SIPHON_LOG_INFO,
	           "%s: \"%s\" copied into \"%s\": %.1f MB, %lld tables, user_version %lld, application_id %lld, integrity ok",
	           sq.o->host, sq.o->dbname, siphon_strbuf_str(&sq.into), (double)sq.written / 1e6,
	           sq.check.tables, sq.check.uv, sq.check.aid);
	if (stats != NULL) {
		stats->tables = sq.check.tables > 0 ? (unsigned)sq.check.tables : 0;
		stats->channels = 1;
		stats->wire_bytes = sq.copy->wire_bytes;
		stats->raw_bytes = sq.copy->raw_bytes;
		snprintf(stats->codec, sizeof(stats->codec), "%s", eng->codec_name);
		snprintf(stats->into, sizeof(stats->into), "%s", siphon_strbuf_str(&sq.into));
	}
out:
	sq.loop->tick = NULL;
	sq.loop->tick_arg = NULL;
	eng->explain = NULL;
	eng->explain_arg = NULL;
	cleanup(&sq);
	return r;
}
