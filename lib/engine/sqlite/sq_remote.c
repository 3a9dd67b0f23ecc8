/* sq_remote.c - the server side of the SQLite engine: tool, inspection, the copy stream. */
#include "engine/sqlite/sq_pull_int.h"

#include "engine/sqlite/sq_explain.h"
#include "util/clock.h"
#include "util/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
sq_reader(const struct sq *sq)
{
	return sq->o->remote_sudo != NULL ? sq->o->remote_sudo : "the SSH user";
}

const char *
sq_owner_hint(const struct sq *sq, char *buf, size_t cap)
{
	if (sq->facts.owner[0] != '\0')
		snprintf(buf, cap, "--remote-sudo %s", sq->facts.owner);
	else
		snprintf(buf, cap, "--remote-sudo OWNER (the file's owner)");
	return buf;
}

const char *
sq_key_line(const char *err, char *buf, size_t cap)
{
	return siphon_eng_key_line(err, siphon_sq_explain.keys, buf, cap);
}

int
sq_remote_tool(struct sq *sq)
{
	if (siphon_probe_tool(&sq->eng->probe, "sqlite3")[0] == '\0')
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "sqlite3 was not found on %s (looked in PATH); install SQLite's command-line shell there (Debian/Ubuntu: apt install sqlite3; RHEL/Fedora: dnf install sqlite; Alpine: apk add sqlite)",
		                  sq->o->host);
	return 0;
}

/* The stage that runs one of the scripts, as --remote-sudo asks. */
static int
stage(struct sq *sq, struct siphon_strbuf *st, const char *script, const char *extra)
{
	struct siphon_strbuf prefix = {0};
	int r;

	r = siphon_eng_tool_prefix(sq->eng, &prefix, "/bin/sh", 0) == 0 &&
	    siphon_sq_stage(st, siphon_strbuf_str(&prefix), script, siphon_probe_tool(&sq->eng->probe, "sqlite3"),
	                    sq->src, extra) == 0 ? 0 : siphon_err_oom(sq->ctx);
	siphon_strbuf_free(&prefix);
	return r;
}

/*
 * Bytes of the copy: the pages in use, else the files' sizes.  The parser
 * bounds them (pages <= 2^32, page size <= 2^16, sizes <= 2^60): no overflow.
 */
static long long
estimate(const struct siphon_sq_facts *f)
{
	if (f->opened == 1 && f->page_size > 0 && f->page_count >= f->freelist_count)
		return (f->page_count - f->freelist_count) * f->page_size;
	return (f->size > 0 ? f->size : 0) + (f->wal_size > 0 ? f->wal_size : 0);
}

/* The inspection's findings as verdicts, most basic first. */
static int
judge_facts(struct sq *sq)
{
	const struct siphon_sq_facts *f = &sq->facts;
	const char *host = sq->o->host, *db = sq->o->dbname;
	char hint[128];

	if (f->bad[0] != '\0')
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "the inspection of \"%s\" on %s reported an impossible %s; nothing was copied",
		                  db, host, f->bad);
	if (f->vnum < 0)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "sqlite3 (%s) on %s does not run or prints no version; reinstall SQLite's command-line shell there",
		                  siphon_probe_tool(&sq->eng->probe, "sqlite3"), host);
	if (f->vnum < SIPHON_SQ_MIN_VERSION)
		return siphon_err(sq->ctx, SIPHON_EVERSION,
		                  "sqlite3 on %s is %s; siphon needs 3.27.0 or newer there (VACUUM INTO, the one consistent way to copy a live database): upgrade SQLite on the server",
		                  host, f->version);
	if (!f->exists && f->dir_blocked)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "permission denied: %s cannot enter the directory of \"%s\" on %s (owner %s); run as the owner with %s",
		                  sq_reader(sq), db, host, f->owner[0] ? f->owner : "unknown",
		                  sq_owner_hint(sq, hint, sizeof(hint)));
	if (!f->exists)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "no file \"%s\" on %s%s; check the path with: ssh %s ls -l \"%s\"",
		                  db, host, db[0] == '/' ? "" : " (a relative path starts in the SSH user's home directory)",
		                  host, db);
	if (f->is_dir)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "\"%s\" on %s is a directory, not an SQLite database file", db, host);
	if (!f->is_file)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "\"%s\" on %s is not a regular file, so not an SQLite database", db, host);
	if (!f->readable)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "permission denied: %s cannot read \"%s\" on %s (owner %s); run as the owner with %s",
		                  sq_reader(sq), db, host, f->owner[0] ? f->owner : "unknown",
		                  sq_owner_hint(sq, hint, sizeof(hint)));
	if (f->header == 0)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "\"%s\" on %s is not an SQLite 3 database (it does not start with \"SQLite format 3\"; an encrypted database cannot be copied either)",
		                  db, host);
	if (f->opened == -1 && f->header == 1 && f->wal_mode && !f->dir_writable)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "cannot read \"%s\" on %s: it is a WAL-mode database, and reading one needs write access to its -shm file, or to its directory when no program has it open; %s has neither; run as the file's owner with %s",
		                  db, host, sq_reader(sq), sq_owner_hint(sq, hint, sizeof(hint)));
	if (f->opened == -1 && f->header == 1 && f->wal_mode)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "\"%s\" on %s is a WAL-mode database that no program has open; reading it as %s, who cannot write to it, would leave -wal and -shm files behind that its owner cannot write to; run as the owner with %s",
		                  db, host, sq_reader(sq), sq_owner_hint(sq, hint, sizeof(hint)));
	if (f->opened == 0)
		return sq_failed(sq, f->open_err, "opening the database");
	if (f->tmp_free >= 0 && f->tmp_free < estimate(f) + estimate(f) / 50 + 1024 * 1024)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "not enough space for the temporary copy on %s: it needs about %.0f MB in %s and %.0f MB are free there; free space, or give the SSH user a TMPDIR on a bigger file system",
		                  host, (double)estimate(f) / 1e6, f->tmpdir, (double)f->tmp_free / 1e6);
	return 0;
}

int
sq_inspect(struct sq *sq)
{
	struct siphon_strbuf st = {0};
	int r;

	if ((r = stage(sq, &st, siphon_sq_inspect_script(), NULL)) != 0)
		goto out;
	if ((r = siphon_eng_new_stream(sq->eng, &sq->inspect, "the inspection of the SQLite file",
	                               siphon_strbuf_str(&st), 1)) != 0)
		goto out;
	sq->inspect_out.max = 64 * 1024;
	siphon_rstream_set_mem_sink(sq->inspect, &sq->inspect_out);
	siphon_rstream_close_stdin(sq->inspect);
	if ((r = siphon_eng_wait_stream(sq->eng, sq->inspect)) != 0)
		goto out;
	if (siphon_sq_inspect_parse(&sq->facts, siphon_strbuf_str(&sq->inspect_out)) != 0) {
		char line[512];

		r = siphon_err(sq->ctx, SIPHON_EREMOTE,
		               "the inspection of \"%s\" on %s printed nothing usable; is /bin/sh there? (%s)",
		               sq->o->dbname, sq->o->host,
		               sq_key_line(siphon_rstream_stderr(sq->inspect), line, sizeof(line)));
		goto out;
	}
	if ((r = judge_facts(sq)) != 0)
		goto out;
	sq->need = estimate(&sq->facts);
	siphon_log(sq->ctx, SIPHON_LOG_INFO,
	           "%s: \"%s\" is an SQLite database of %.1f MB (%s mode), sqlite3 %s; copying it with VACUUM INTO",
	           sq->o->host, sq->o->dbname, (double)sq->need / 1e6,
	           sq->facts.wal_mode ? "WAL" : "rollback-journal", sq->facts.version);
	if (!sq->facts.wal_mode && sq->need > 64LL * 1024 * 1024)
		siphon_log(sq->ctx, SIPHON_LOG_WARN,
		           "\"%s\" is in rollback-journal mode: writers on %s wait while it is read (WAL mode would let them go on)",
		           sq->o->dbname, sq->o->host);
out:
	siphon_eng_drop_stream(sq->eng, &sq->inspect);
	siphon_strbuf_free(&st);
	return r;
}

int
sq_copy(struct sq *sq)
{
	struct siphon_strbuf st = {0}, z = {0};
	const char *stages[2], *names[2] = {"dump", "compress"};
	struct siphon_sink sink;
	char hb[16];
	struct siphon_event_table who = {.file = sq->o->dbname, .channel = 1,
	                                 .expected_bytes = sq->need, .expected_rows = -1};
	double t0 = siphon_mono_s(), next = t0;
	uint64_t seen = 0;
	unsigned ev = 0;
	int r, stall = sq->o->stall_timeout;

	/* Heartbeats well within the stall timeout, at most every 10 s. */
	snprintf(hb, sizeof(hb), "%d", stall / 4 < 1 ? 1 : stall / 4 > 10 ? 10 : stall / 4);
	if ((r = stage(sq, &st, siphon_sq_copy_script(), hb)) != 0)
		goto out;
	/* The level may move while the file flows: the compressor follows it (remote/zsplit.h). */
	if ((r = siphon_eng_zsplit_stage(sq->eng, &z)) < 0)
		goto out;
	stages[0] = siphon_strbuf_str(&st);
	stages[1] = siphon_strbuf_str(&z);
	r = r == 1 ? siphon_eng_new_pipeline(sq->eng, &sq->copy, "the SQLite copy (VACUUM INTO)", stages, names, 2, 1) :
	             siphon_eng_new_stream(sq->eng, &sq->copy, "the SQLite copy (VACUUM INTO)", stages[0], 0);
	if (r != 0)
		goto out;
	/* stdin stays open: its end tells nothing, the heartbeat watches stderr. */
	sq_tmp_sink(sq, &sink);
	siphon_rstream_set_sink(sq->copy, &sink);
	/* The one file is the one "table" of the events. */
	ev = siphon_event_table_start(sq->ctx, &who, 0);
	while (sq->copy->state != SIPHON_RS_DONE) {
		if ((r = siphon_loop_step(sq->loop, SIPHON_ENG_TICK_MS)) != 0)
			goto out;
		siphon_event_table_data(sq->ctx, ev, sq->copy->raw_bytes - seen, -1, sq->copy->wire_bytes);
		seen = sq->copy->raw_bytes;
		siphon_eng_progress(sq->eng, &sq->copy, 1, (uint64_t)sq->need, t0, &next);
		if (sq->eng->zsplit)
			siphon_eng_adapt_sample(sq->eng, siphon_mono_s(), sq->copy->wire_bytes, 1,
			                        sq->copy->backpressured != 0);
	}
	siphon_sq_meta_parse(&sq->meta, siphon_rstream_stderr(sq->copy));
out:
	siphon_event_table_end(sq->ctx, ev, r);
	siphon_strbuf_free(&st);
	siphon_strbuf_free(&z);
	return r;
}
