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
#include "engine/postgres/pg_pull.h"

#include "engine/plan.h"
#include "engine/postgres/pg_catalog.h"
#include "engine/postgres/pg_lane.h"
#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_post.h"
#include "engine/postgres/pg_script.h"
#include "remote/probe.h"
#include "remote/shell.h"
#include "util/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define CTL_SYNC1 "siphon-sync-1\n"
#define CTL_SYNC2 "siphon-sync-2\n"

struct pg {
	struct siphon_ctx *ctx;
	struct siphon_loop *loop;
	const struct siphon_pull_opts *o;
	const char *into;
	int jobs;
	struct siphon_probe probe;
	int pgi;
	struct siphon_pg_catalog cat;
	int local_num;
	int into_exists;
	int lenient;           /* --allow-older-local with an older local server */
	enum siphon_codec_kind codec;
	char codec_name[16];
	struct siphon_strbuf compress;   /* the compressor stage, "" for none */
	char tmpdb[64];
	int tmp_created;
	size_t window;

	struct siphon_rstream *ctl;
	struct siphon_strbuf ctl_out;
	struct siphon_rstream *pre;
	struct siphon_proc *pre_proc;
	struct siphon_rstream *post;
	struct siphon_strbuf post_out;
	int nlanes;
	struct siphon_rstream **lane_rs;
	struct siphon_pg_lane *lanes;
	unsigned ntables_copied;
	char *datadir;             /* the local data directory, when readable */
	double next_disk_check;
};

/* ---- messages ---------------------------------------------------------- */

/* The most telling line of a remote psql/pg_dump message. */
static const char *
key_line(const char *err, char *buf, size_t cap)
{
	const char *keys[] = {"FATAL:", "ERROR:", "error:", NULL};
	const char *p = NULL;
	size_t len;
	int i;

	for (i = 0; keys[i] != NULL && p == NULL; i++)
		p = strstr(err, keys[i]);
	if (p == NULL)
		p = err;
	while (p > err && p[-1] != '\n')
		p--;
	len = strcspn(p, "\n");
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

static int
explain(void *arg, struct siphon_rstream *rs)
{
	struct pg *pg = arg;
	const char *err = siphon_rstream_stderr(rs);
	const char *host = pg->o->host;
	char line[512];
	int code;

	key_line(err, line, sizeof(line));
	if (strstr(err, "does not exist") != NULL && strstr(err, "database") != NULL)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "database \"%s\" does not exist on %s (%s); check the name with: ssh %s psql -l",
		                  pg->o->dbname, host, line, host);
	if (strstr(err, "row-level security") != NULL)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "the remote role cannot bypass row-level security on %s, so only some rows would be copied (%s); use a role with BYPASSRLS or a superuser (--remote-pg-opts '-U ...')",
		                  host, line);
	if (strstr(err, "invalid snapshot identifier") != NULL)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "the dump sessions on %s could not share one snapshot (%s): a connection pooler in transaction mode (pgbouncer) sits in front of the server; connect to PostgreSQL directly with --remote-pg-opts '-h HOST -p PORT'",
		                  host, line);
	if (strstr(err, "conflict with recovery") != NULL)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "the hot standby %s cancelled the copy because of a recovery conflict (%s); set hot_standby_feedback = on or raise max_standby_streaming_delay there, or pull from the primary",
		                  host, line);
	if (strstr(err, "lock timeout") != NULL)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "could not lock the tables on %s within 10 s: a schema change (DDL) or maintenance holds a conflicting lock (%s); try again when it is done",
		                  host, line);
	if (strstr(err, "permission denied") != NULL || strstr(err, "must be owner") != NULL)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "permission denied on %s (%s); the remote role needs to read every table: use --remote-pg-opts '-U OWNER' or --remote-sudo postgres",
		                  host, line);
	if (strstr(err, "password is required") != NULL || strstr(err, "sudo:") != NULL)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "sudo on %s refused to run the dump as %s without a password (%s); allow it with NOPASSWD in sudoers",
		                  host, pg->o->remote_sudo ? pg->o->remote_sudo : "?", line);
	if (strstr(err, "could not connect") != NULL || strstr(err, "connection to server") != NULL ||
	    strstr(err, "authentication failed") != NULL || strstr(err, "no password supplied") != NULL)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "cannot connect to PostgreSQL on %s (%s); set the remote user's PGHOST/PGUSER/~/.pgpass, or pass --remote-pg-opts '-h ... -U ...'",
		                  host, line);
	if (siphon_rstream_failed_stage(rs, &code) != NULL && code == 127)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "%s: a tool was not found on %s (%s)", rs->what, host, line);
	if (line[0] != '\0' && siphon_rstream_failed_stage(rs, &code) != NULL && code != -1)
		return siphon_err(pg->ctx, SIPHON_EREMOTE, "%s failed on %s: %s",
		                  rs->what, host, line);
	return 0;
}

/* ---- remote commands ---------------------------------------------------- */

/* "$NICE sudo -n -u 'user' -- '/usr/lib/postgresql/15/bin/TOOL'" */
static int
tool_prefix(struct pg *pg, struct siphon_strbuf *sb, const char *bindir,
            const char *tool, int nice)
{
	struct siphon_strbuf path = {0};
	int r;

	if (nice && siphon_strbuf_puts(sb, "$NICE ") != 0)
		return -1;
	if (pg->o->remote_sudo != NULL &&
	    (siphon_strbuf_puts(sb, "sudo -n -u ") != 0 ||
	     siphon_sh_quote(sb, pg->o->remote_sudo) != 0 ||
	     siphon_strbuf_puts(sb, " -- ") != 0))
		return -1;
	if (siphon_strbuf_printf(&path, "%s/%s", bindir, tool) != 0)
		return -1;
	r = siphon_sh_quote(sb, siphon_strbuf_str(&path));
	siphon_strbuf_free(&path);
	return r;
}

/* " <--remote-pg-opts words> -d 'dbname=...'" */
static int
conn_args(struct pg *pg, struct siphon_strbuf *sb)
{
	struct siphon_strbuf ci = {0};
	int r;

	if (pg->o->remote_pg_opts != NULL &&
	    (r = siphon_sh_append_words(sb, pg->o->remote_pg_opts)) != 0)
		return r;
	if (siphon_pg_conninfo(&ci, pg->o->dbname) != 0 ||
	    siphon_strbuf_puts(sb, " -d ") != 0 ||
	    siphon_sh_quote(sb, siphon_strbuf_str(&ci)) != 0) {
		siphon_strbuf_free(&ci);
		return -1;
	}
	siphon_strbuf_free(&ci);
	return 0;
}

/*
 * Creates a stream running stage1 (and the compressor unless raw) under
 * the portable wrapper.
 */
static int
new_stream(struct pg *pg, struct siphon_rstream **out, const char *what,
           const char *stage1, int raw)
{
	struct siphon_strbuf script = {0}, cmd = {0};
	const char *stages[2], *names[2] = {"dump", "compress"};
	int n = 1, r;

	stages[0] = stage1;
	if (!raw && pg->compress.len > 0) {
		stages[1] = siphon_strbuf_str(&pg->compress);
		n = 2;
	}
	if (siphon_sh_preamble(&script, !pg->o->no_nice) != 0 ||
	    siphon_sh_pipeline(&script, stages, names, n) != 0 ||
	    siphon_sh_wrap(&cmd, siphon_strbuf_str(&script)) != 0) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	siphon_log(pg->ctx, SIPHON_LOG_DEBUG, "remote %s: %s", what, siphon_strbuf_str(&script));
	r = siphon_rstream_new(out, pg->ctx, pg->loop->ops, pg->loop->sess, &pg->loop->arb,
	                       what, siphon_strbuf_str(&cmd), pg->window,
	                       raw ? SIPHON_CODEC_NONE : pg->codec, names, n);
	if (r == 0) {
		(*out)->explain = explain;
		(*out)->explain_arg = pg;
		if ((r = siphon_loop_add_rstream(pg->loop, *out)) != 0) {
			siphon_rstream_free(*out);
			*out = NULL;
		}
	}
out:
	siphon_strbuf_free(&script);
	siphon_strbuf_free(&cmd);
	return r;
}

static void
drop_stream(struct pg *pg, struct siphon_rstream **rs)
{
	if (*rs == NULL)
		return;
	siphon_loop_remove_rstream(pg->loop, *rs);
	siphon_rstream_free(*rs);
	*rs = NULL;
}

/* Steps the loop until *flag or the stream is done. */
static int
wait_stream(struct pg *pg, struct siphon_rstream *rs)
{
	int r;

	while (rs->state != SIPHON_RS_DONE)
		if ((r = siphon_loop_step(pg->loop, 1000)) != 0)
			return r;
	return 0;
}

static int
wait_marker(struct pg *pg, const char *marker)
{
	int r;

	while (strstr(siphon_strbuf_str(&pg->ctl_out), marker) == NULL) {
		if (pg->ctl->state == SIPHON_RS_DONE) {
			const char *e = siphon_rstream_stderr(pg->ctl);
			char line[512];

			if ((r = explain(pg, pg->ctl)) != 0)
				return r;
			return siphon_err(pg->ctx, SIPHON_EREMOTE,
			                  "the PostgreSQL session on %s ended unexpectedly%s%s",
			                  pg->o->host, *e ? ": " : "", key_line(e, line, sizeof(line)));
		}
		if ((r = siphon_loop_step(pg->loop, 1000)) != 0)
			return r;
	}
	return 0;
}

/* ---- steps --------------------------------------------------------------- */

static int
probe(struct pg *pg)
{
	struct siphon_strbuf script = {0}, out = {0};
	struct siphon_rstream *rs = NULL;
	struct siphon_sink sink;
	int r;

	out.max = 64 * 1024;
	if (siphon_probe_script(&script) != 0) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	if ((r = new_stream(pg, &rs, "probing the server's tools", siphon_strbuf_str(&script), 1)) != 0)
		goto out;
	/* The probe is a script of its own: run it as one "dump" stage. */
	siphon_sink_strbuf(&sink, &out);
	siphon_rstream_set_sink(rs, &sink);
	siphon_rstream_close_stdin(rs);
	if ((r = wait_stream(pg, rs)) != 0)
		goto out;
	if (siphon_probe_parse(&pg->probe, siphon_strbuf_str(&out)) != 0) {
		r = siphon_err(pg->ctx, SIPHON_EREMOTE,
		               "the probe of %s's tools printed nothing usable; is /bin/sh there?",
		               pg->o->host);
		goto out;
	}
	if (pg->probe.npg == 0)
		r = siphon_err(pg->ctx, SIPHON_EREMOTE,
		               "pg_dump was not found on %s (looked in PATH and /usr/lib/postgresql/*/bin); install the PostgreSQL client there (apt install postgresql-client)",
		               pg->o->host);
out:
	drop_stream(pg, &rs);
	siphon_strbuf_free(&script);
	siphon_strbuf_free(&out);
	return r;
}

static int
choose_codec(struct pg *pg)
{
	const struct siphon_pull_opts *o = pg->o;
	enum siphon_compress c = o->compress;
	int threads = o->remote_threads, level = o->level, r;
	const char *bin = NULL;

	if (c == SIPHON_COMPRESS_AUTO)
		c = pg->probe.zstd[0] ? SIPHON_COMPRESS_ZSTD :
		    pg->probe.pigz[0] ? SIPHON_COMPRESS_PIGZ :
		    pg->probe.gzip[0] ? SIPHON_COMPRESS_GZIP : SIPHON_COMPRESS_NONE;
	switch (c) {
	case SIPHON_COMPRESS_ZSTD:
		bin = pg->probe.zstd;
		pg->codec = SIPHON_CODEC_ZSTD;
		if (level == 0)
			level = 3;
		if (level < 1 || level > 22)
			return siphon_err(pg->ctx, SIPHON_EUSAGE, "zstd levels are 1 to 22, not %d", level);
		r = siphon_strbuf_printf(&pg->compress, "$NICE %s -q -c -T%d %s-%d",
		                         "\"$SIPHON_Z\"", threads, level > 19 ? "--ultra " : "", level);
		break;
	case SIPHON_COMPRESS_PIGZ:
	case SIPHON_COMPRESS_GZIP:
		bin = c == SIPHON_COMPRESS_PIGZ ? pg->probe.pigz : pg->probe.gzip;
		pg->codec = SIPHON_CODEC_GZIP;
		if (level == 0)
			level = 1;
		if (level < 1 || level > 9)
			return siphon_err(pg->ctx, SIPHON_EUSAGE, "gzip levels are 1 to 9, not %d", level);
		if (c == SIPHON_COMPRESS_PIGZ && threads > 0)
			r = siphon_strbuf_printf(&pg->compress, "$NICE \"$SIPHON_Z\" -c -p %d -%d", threads, level);
		else
			r = siphon_strbuf_printf(&pg->compress, "$NICE \"$SIPHON_Z\" -c -%d", level);
		break;
	default:
		pg->codec = SIPHON_CODEC_NONE;
		snprintf(pg->codec_name, sizeof(pg->codec_name), "none");
		return 0;
	}
	if (bin[0] == '\0')
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "--compress %s was asked for, but %s has no %s; use --compress auto",
		                  c == SIPHON_COMPRESS_ZSTD ? "zstd" : c == SIPHON_COMPRESS_PIGZ ? "pigz" : "gzip",
		                  pg->o->host,
		                  c == SIPHON_COMPRESS_ZSTD ? "zstd" : c == SIPHON_COMPRESS_PIGZ ? "pigz" : "gzip");
	if (r != 0)
		return siphon_err_oom(pg->ctx);
	/* The compressor's path is set as a variable so that it is quoted once. */
	{
		struct siphon_strbuf stage = {0};

		if (siphon_strbuf_puts(&stage, "SIPHON_Z=") != 0 ||
		    siphon_sh_quote(&stage, bin) != 0 ||
		    siphon_strbuf_puts(&stage, "; ") != 0 ||
		    siphon_strbuf_puts(&stage, siphon_strbuf_str(&pg->compress)) != 0) {
			siphon_strbuf_free(&stage);
			return siphon_err_oom(pg->ctx);
		}
		siphon_strbuf_free(&pg->compress);
		pg->compress = stage;
	}
	snprintf(pg->codec_name, sizeof(pg->codec_name), "%s",
	         c == SIPHON_COMPRESS_ZSTD ? "zstd" : c == SIPHON_COMPRESS_PIGZ ? "pigz" : "gzip");
	return 0;
}

/* The newest psql on the server runs the control session. */
static int
newest_pg(const struct siphon_probe *p)
{
	int i, best = 0;

	for (i = 1; i < p->npg; i++)
		if (p->pg[i].major > p->pg[best].major)
			best = i;
	return best;
}

static int
psql_stage(struct pg *pg, struct siphon_strbuf *st, const char *bindir, int nice)
{
	if (tool_prefix(pg, st, bindir, "psql", nice) != 0 ||
	    siphon_strbuf_puts(st, " -X -q -A -t -v ON_ERROR_STOP=1") != 0)
		return siphon_err_oom(pg->ctx);
	if (conn_args(pg, st) != 0)
		return siphon_err(pg->ctx, SIPHON_EUSAGE,
		                  "--remote-pg-opts has an unbalanced quote");
	return 0;
}

static int
start_control(struct pg *pg)
{
	struct siphon_strbuf st = {0}, sql = {0};
	struct siphon_sink sink;
	int r;

	if ((r = psql_stage(pg, &st, pg->probe.pg[newest_pg(&pg->probe)].bindir, 0)) != 0)
		goto out;
	if ((r = new_stream(pg, &pg->ctl, "the snapshot session", siphon_strbuf_str(&st), 1)) != 0)
		goto out;
	pg->ctl_out.max = 256 * 1024 * 1024;
	siphon_sink_strbuf(&sink, &pg->ctl_out);
	siphon_rstream_set_sink(pg->ctl, &sink);
	if (siphon_pg_session_sql(&sql, 0) != 0 ||
	    siphon_strbuf_puts(&sql,
	        "DO $siphon$BEGIN IF current_setting('server_version_num')::int >= 170000 THEN "
	        "PERFORM pg_catalog.set_config('transaction_timeout', '0', false); END IF; END$siphon$;\n"
	        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n") != 0 ||
	    siphon_pg_txn_sql(&sql, 0) != 0 ||
	    siphon_strbuf_puts(&sql,
	        "DO $siphon$BEGIN IF current_setting('server_version_num')::int >= 170000 THEN "
	        "PERFORM pg_catalog.set_config('transaction_timeout', '0', true); END IF; END$siphon$;\n") != 0 ||
	    siphon_pg_catalog_sql(&sql) != 0 ||
	    siphon_strbuf_puts(&sql, "\\echo siphon-sync-1\n") != 0) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	if ((r = siphon_rstream_send(pg->ctl, sql.buf, sql.len)) != 0)
		goto out;
	if ((r = wait_marker(pg, CTL_SYNC1)) != 0)
		goto out;
	{
		char err[256];
		char *end = strstr(pg->ctl_out.buf, CTL_SYNC1);

		*end = '\0';
		if (siphon_pg_catalog_parse(&pg->cat, pg->ctl_out.buf, err, sizeof(err)) != 0) {
			r = siphon_err(pg->ctx, SIPHON_EREMOTE,
			               "cannot read the catalog of \"%s\" on %s: %s",
			               pg->o->dbname, pg->o->host, err);
			goto out;
		}
		siphon_strbuf_reset(&pg->ctl_out);
	}
	/* Silence is expected from now on: the session only holds the snapshot. */
	pg->ctl->idle_ok = 1;
out:
	siphon_strbuf_free(&st);
	siphon_strbuf_free(&sql);
	return r;
}

static int
lock_tables(struct pg *pg)
{
	struct siphon_strbuf sql = {0};
	int i, r;

	/*
	 * ACCESS SHARE on every table right after the export, as pg_dump does:
	 * a deploy's DDL cannot change a table between snapshot and dump.
	 */
	if (pg->cat.ntables > 0) {
		if (siphon_strbuf_puts(&sql, "SET lock_timeout = '10s';\nLOCK TABLE ") != 0)
			goto oom;
		for (i = 0; i < pg->cat.ntables; i++)
			if ((i > 0 && siphon_strbuf_puts(&sql, ", ") != 0) ||
			    siphon_strbuf_puts(&sql, pg->cat.tables[i].qname) != 0)
				goto oom;
		if (siphon_strbuf_puts(&sql, " IN ACCESS SHARE MODE;\nSET lock_timeout = 0;\n") != 0)
			goto oom;
	}
	if (siphon_pg_columns_sql(&sql, &pg->cat, pg->jobs) != 0 ||
	    siphon_pg_sequences_sql(&sql, &pg->cat) != 0 ||
	    siphon_strbuf_puts(&sql, "\\echo siphon-sync-2\n") != 0)
		goto oom;
	pg->ctl->idle_ok = 0;
	if ((r = siphon_rstream_send(pg->ctl, sql.buf, sql.len)) == 0 &&
	    (r = wait_marker(pg, CTL_SYNC2)) == 0) {
		char err[256];

		*strstr(pg->ctl_out.buf, CTL_SYNC2) = '\0';
		if (siphon_pg_catalog_parse_more(&pg->cat, pg->ctl_out.buf, err, sizeof(err)) != 0)
			r = siphon_err(pg->ctx, SIPHON_EREMOTE, "cannot read the column lists and sequences on %s: %s",
			               pg->o->host, err);
		siphon_strbuf_reset(&pg->ctl_out);
		pg->ctl->idle_ok = 1;
	}
	siphon_strbuf_free(&sql);
	return r;
oom:
	siphon_strbuf_free(&sql);
	return siphon_err_oom(pg->ctx);
}

static int
check_versions(struct pg *pg)
{
	struct siphon_strbuf missing = {0};
	int smaj = siphon_pg_num_major(pg->cat.server_num);
	int lmaj = siphon_pg_num_major(pg->local_num);
	int r;

	if (lmaj < smaj && !pg->o->allow_older_local)
		return siphon_err(pg->ctx, SIPHON_EVERSION,
		                  "the local PostgreSQL (%d) is older than the server's (%d): its dump may not load; install PostgreSQL %d or newer locally, or try anyway with --allow-older-local",
		                  lmaj, smaj, smaj);
	if (lmaj < smaj) {
		pg->lenient = 1;
		siphon_log(pg->ctx, SIPHON_LOG_WARN,
		           "the local PostgreSQL (%d) is older than the server's (%d); statements it rejects are skipped and named below",
		           lmaj, smaj);
	}
	if ((pg->pgi = siphon_probe_pick_pg(&pg->probe, smaj)) < 0)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "every pg_dump on %s is older than its PostgreSQL server (%d); install postgresql-client-%d there",
		                  pg->o->host, smaj, smaj);
	if ((r = siphon_pg_local_missing_extensions(pg->ctx, pg->cat.extensions,
	                                            pg->cat.nextensions, &missing)) != 0)
		return r;
	if (missing.len > 0) {
		r = siphon_err(pg->ctx, SIPHON_EVERSION,
		               "the source database uses extensions that the local PostgreSQL does not have: %s; install them locally (for example postgresql-%d-<name> or postgresql-contrib)",
		               siphon_strbuf_str(&missing), lmaj);
		siphon_strbuf_free(&missing);
		return r;
	}
	if (pg->cat.in_recovery)
		siphon_log(pg->ctx, SIPHON_LOG_WARN,
		           "%s is a hot standby: long reads may be cancelled by recovery conflicts (raise max_standby_streaming_delay there), and unlogged tables have no data",
		           pg->o->host);
	return 0;
}

/* Free bytes for unprivileged use on the file system holding dir; -1 if unknown. */
static long long
free_bytes(const char *dir)
{
	struct statvfs v;

	if (dir == NULL || statvfs(dir, &v) != 0)
		return -1;
	return (long long)v.f_bavail * (long long)v.f_frsize;
}

/* What must stay free: PostgreSQL cannot even drop a database on a full disk. */
static long long
disk_reserve(const char *dir)
{
	struct statvfs v;
	long long one_pct;

	if (dir == NULL || statvfs(dir, &v) != 0)
		return 0;
	one_pct = (long long)v.f_blocks * (long long)v.f_frsize / 100;
	return one_pct > 64LL * 1024 * 1024 ? one_pct : 64LL * 1024 * 1024;
}

static int
check_disk(struct pg *pg)
{
	long long avail, need, reserve;

	if (siphon_pg_local_datadir(pg->ctx, &pg->datadir) != 0 || pg->datadir == NULL)
		return 0;
	if ((avail = free_bytes(pg->datadir)) < 0) {
		free(pg->datadir);
		pg->datadir = NULL;      /* not on this machine, or not visible */
		return 0;
	}
	reserve = disk_reserve(pg->datadir);
	/* The copy takes about what the database takes on the server. */
	need = (long long)pg->cat.db_bytes + (long long)(pg->cat.db_bytes / 10) + reserve;
	if (avail < need)
		return siphon_err(pg->ctx, SIPHON_ELOCAL,
		                  "not enough local disk space: the copy needs about %.0f MB and %.0f MB are free where the local PostgreSQL keeps its data (%s; the old copy stays until the new one is complete); free space and run again",
		                  (double)need / 1e6, (double)avail / 1e6, pg->datadir);
	return 0;
}

/* The loop's watchdog: stop before PostgreSQL runs out of disk. */
static int
disk_tick(void *arg)
{
	struct pg *pg = arg;
	long long avail;
	double t;
	struct timespec ts;

	if (pg->datadir == NULL)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (t < pg->next_disk_check)
		return 0;
	pg->next_disk_check = t + 0.1;
	avail = free_bytes(pg->datadir);
	if (avail >= 0 && avail < disk_reserve(pg->datadir))
		return siphon_err(pg->ctx, SIPHON_ELOCAL,
		                  "the local disk is almost full (%.0f MB left where the local PostgreSQL keeps its data, %s); stopped before PostgreSQL runs out of space: free space and run again",
		                  (double)avail / 1e6, pg->datadir);
	return 0;
}

static int
create_tmpdb(struct pg *pg)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int r;

	snprintf(pg->tmpdb, sizeof(pg->tmpdb), "siphon_tmp_%ld_%ld", (long)getpid(),
	         (long)time(NULL));
	/* The source's encoding and locale, from template0 so nothing else rides along. */
	if (siphon_strbuf_puts(&q, "CREATE DATABASE ") != 0 ||
	    siphon_sql_ident(&q, pg->tmpdb) != 0 ||
	    siphon_strbuf_puts(&q, " TEMPLATE template0 ENCODING ") != 0 ||
	    siphon_sql_literal(&q, pg->cat.encoding) != 0 ||
	    siphon_strbuf_puts(&q, " LC_COLLATE ") != 0 ||
	    siphon_sql_literal(&q, pg->cat.collate) != 0 ||
	    siphon_strbuf_puts(&q, " LC_CTYPE ") != 0 ||
	    siphon_sql_literal(&q, pg->cat.ctype) != 0 ||
	    siphon_strbuf_puts(&q, ";\n") != 0)
		goto oom;
	r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out);
	free(out);
	out = NULL;
	if (r != 0 && strstr(siphon_ctx_errmsg(pg->ctx), "locale") != NULL) {
		/* The workstation lacks the server's locale: keep the encoding. */
		siphon_log(pg->ctx, SIPHON_LOG_WARN,
		           "the local server has no locale %s; creating the copy with the C locale (sort order of text may differ; install the locale to avoid this)",
		           pg->cat.collate);
		siphon_err_clear(pg->ctx);
		siphon_strbuf_reset(&q);
		if (siphon_strbuf_puts(&q, "CREATE DATABASE ") != 0 ||
		    siphon_sql_ident(&q, pg->tmpdb) != 0 ||
		    siphon_strbuf_puts(&q, " TEMPLATE template0 LOCALE 'C' ENCODING ") != 0 ||
		    siphon_sql_literal(&q, pg->cat.encoding) != 0 ||
		    siphon_strbuf_puts(&q, ";\n") != 0)
			goto oom;
		r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out);
		free(out);
	}
	if (r == 0)
		pg->tmp_created = 1;
	siphon_strbuf_free(&q);
	return r;
oom:
	siphon_strbuf_free(&q);
	return siphon_err_oom(pg->ctx);
}

/* Runs sql for cleanup: never overwrites the first error, ignores Ctrl-C. */
static int
cleanup_query(struct pg *pg, const char *db, const char *sql, struct siphon_ctx *tmp)
{
	char *out = NULL;
	int r;

	*tmp = *pg->ctx;
	tmp->errcode = 0;
	tmp->errmsg[0] = '\0';
	tmp->log_fn = NULL;
	tmp->cancel_fd = -1;
	r = siphon_pg_local_query(tmp, db, sql, &out);
	free(out);
	return r;
}

static void
drop_tmpdb(struct pg *pg)
{
	struct siphon_strbuf q = {0};
	struct siphon_ctx tmp;
	int i;

	if (!pg->tmp_created)
		return;
	if (siphon_strbuf_puts(&q, "DROP DATABASE IF EXISTS ") != 0 ||
	    siphon_sql_ident(&q, pg->tmpdb) != 0 ||
	    siphon_strbuf_puts(&q, pg->local_num >= 130000 ? " WITH (FORCE);\n" : ";\n") != 0)
		goto out;
	if (cleanup_query(pg, "postgres", siphon_strbuf_str(&q), &tmp) == 0) {
		pg->tmp_created = 0;
		goto out;
	}
	/*
	 * On a full disk DROP DATABASE's checkpoint can fail, and even crash
	 * the server.  Wait for it to come back, empty the copy's tables (which
	 * gives their space back at once), then drop it again.
	 */
	for (i = 0; i < 60; i++) {
		struct timespec ts = {0, 500 * 1000 * 1000};
		struct siphon_ctx t2;

		if (cleanup_query(pg, "postgres", "SELECT 1;", &t2) == 0)
			break;
		nanosleep(&ts, NULL);
	}
	cleanup_query(pg, pg->tmpdb,
	    "DO $siphon$DECLARE r record; BEGIN FOR r IN SELECT c.oid::regclass AS t FROM pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') "
	    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' "
	    "LOOP EXECUTE 'TRUNCATE ' || r.t || ' CASCADE'; END LOOP; END$siphon$;\n", &tmp);
	if (cleanup_query(pg, "postgres", siphon_strbuf_str(&q), &tmp) == 0)
		pg->tmp_created = 0;
	else
		siphon_log(pg->ctx, SIPHON_LOG_WARN,
		           "could not remove the temporary database %s (the next siphon run removes it): %s",
		           pg->tmpdb, siphon_ctx_errmsg(&tmp));
out:
	siphon_strbuf_free(&q);
}

static int
start_dumps(struct pg *pg)
{
	struct siphon_strbuf st = {0};
	const struct siphon_pg_tools *t = &pg->probe.pg[pg->pgi];
	struct siphon_sink sink;
	char **argv = NULL;
	int r, post;

	for (post = 0; post <= 1; post++) {
		siphon_strbuf_reset(&st);
		if (tool_prefix(pg, &st, t->bindir, "pg_dump", 1) != 0 ||
		    siphon_strbuf_printf(&st, " --section=%s --snapshot=%s --no-owner --no-privileges"
		                              " --no-publications --no-subscriptions --no-tablespaces"
		                              " --no-security-labels",
		                         post ? "post-data" : "pre-data", pg->cat.snapshot) != 0) {
			r = siphon_err_oom(pg->ctx);
			goto out;
		}
		if (conn_args(pg, &st) != 0) {
			r = siphon_err(pg->ctx, SIPHON_EUSAGE, "--remote-pg-opts has an unbalanced quote");
			goto out;
		}
		if ((r = new_stream(pg, post ? &pg->post : &pg->pre,
		                    post ? "pg_dump of the indexes and constraints" : "pg_dump of the schema",
		                    siphon_strbuf_str(&st), 0)) != 0)
			goto out;
	}
	pg->post_out.max = 1024 * 1024 * 1024;
	siphon_sink_strbuf(&sink, &pg->post_out);
	siphon_rstream_set_sink(pg->post, &sink);
	siphon_rstream_close_stdin(pg->post);
	siphon_rstream_close_stdin(pg->pre);

	if ((argv = siphon_pg_local_argv_ex(pg->tmpdb, pg->lenient)) == NULL) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	if ((r = siphon_proc_spawn(&pg->pre_proc, pg->ctx, "local psql (schema)", argv, 0)) != 0 ||
	    (r = siphon_loop_add_proc(pg->loop, pg->pre_proc)) != 0)
		goto out;
	siphon_proc_sink(&sink, pg->pre_proc);
	siphon_rstream_set_sink(pg->pre, &sink);
out:
	siphon_pg_local_argv_free(argv);
	siphon_strbuf_free(&st);
	return r;
}

/* A piece of work for a lane: a table, a ctid range of one, or the large objects. */
struct work {
	const struct siphon_pg_table *t;   /* NULL: large objects */
	int piece, pieces;
	uint64_t first, last;              /* block range [first, last); last 0: open */
};

static int
lane_item(struct siphon_pg_lane_item *it, struct siphon_strbuf *remote,
          const struct work *w)
{
	struct siphon_strbuf h = {0};
	const char *qname = w->t != NULL ? w->t->qname : NULL;

	if (w->t != NULL && w->pieces > 1) {
		/* A TID range scan reads just these pages (PostgreSQL 14+). */
		if (siphon_strbuf_printf(remote, "COPY (SELECT %s FROM ONLY %s WHERE ctid >= '(%llu,0)'::tid",
		                         w->t->columns, qname, (unsigned long long)w->first) != 0 ||
		    (w->last > 0 && siphon_strbuf_printf(remote, " AND ctid < '(%llu,0)'::tid",
		                                         (unsigned long long)w->last) != 0) ||
		    siphon_strbuf_puts(remote, ") TO STDOUT;\n") != 0 ||
		    siphon_strbuf_printf(&h, "COPY %s FROM STDIN;\n", qname) != 0)
			goto oom;
	} else if (qname == NULL) {
		/* Large objects: loaded through a temporary table, then written. */
		if (siphon_strbuf_puts(remote,
		        "COPY (SELECT oid, pg_catalog.lo_get(oid) FROM pg_catalog.pg_largeobject_metadata ORDER BY 1) TO STDOUT;\n") != 0 ||
		    siphon_strbuf_puts(&h, "CREATE TEMP TABLE siphon_lo (loid oid, data bytea);\nCOPY siphon_lo FROM STDIN;\n") != 0)
			goto oom;
		it->trailer = strdup(
		    "SELECT count(pg_catalog.lo_create(loid)) FROM siphon_lo WHERE loid NOT IN (SELECT oid FROM pg_catalog.pg_largeobject_metadata);\n"
		    "SELECT count(pg_catalog.lo_put(loid, 0, data)) FROM siphon_lo;\n"
		    "DROP TABLE siphon_lo;\n");
		if (it->trailer == NULL)
			goto oom;
	} else if (siphon_strbuf_printf(remote, "COPY %s TO STDOUT;\n", qname) != 0 ||
	           siphon_strbuf_printf(&h, "COPY %s FROM STDIN;\n", qname) != 0) {
		goto oom;
	}
	if (siphon_strbuf_puts(remote, "\\echo '\\\\.'\n") != 0)
		goto oom;
	it->header = siphon_strbuf_take(&h);
	return it->header != NULL ? 0 : -1;
oom:
	siphon_strbuf_free(&h);
	return -1;
}

/* Lists the pieces of work: whole tables, pieces of big ones, large objects. */
static int
make_work(struct pg *pg, struct work **out, uint64_t **costs, int *n)
{
	struct work *w = NULL;
	uint64_t *c = NULL;
	int cap = 0, i, k, pieces;

	*n = 0;
	for (i = 0; i < pg->cat.ntables; i++) {
		const struct siphon_pg_table *t = &pg->cat.tables[i];

		/* Partitioned parents hold no rows; their leaves are listed themselves. */
		if (t->relkind != 'r')
			continue;
		pieces = t->columns != NULL ? siphon_pg_chunks(&pg->cat, t, pg->jobs) : 1;
		pg->ntables_copied++;
		for (k = 0; k < pieces; k++) {
			if (*n + 2 > cap) {
				cap = cap ? cap * 2 : 64;
				if ((w = realloc(w, (size_t)cap * sizeof(*w))) == NULL ||
				    (c = realloc(c, (size_t)cap * sizeof(*c))) == NULL)
					goto oom;
				*out = w;
				*costs = c;
			}
			w[*n] = (struct work){.t = t, .piece = k, .pieces = pieces};
			if (pieces > 1) {
				w[*n].first = t->blocks * (uint64_t)k / (uint64_t)pieces;
				w[*n].last = k == pieces - 1 ? 0 : t->blocks * (uint64_t)(k + 1) / (uint64_t)pieces;
			}
			c[(*n)++] = t->bytes / (uint64_t)pieces;
		}
	}
	if (pg->cat.nlobs > 0) {
		if (*n + 1 > cap) {
			cap = cap ? cap * 2 : 4;
			if ((w = realloc(w, (size_t)cap * sizeof(*w))) == NULL ||
			    (c = realloc(c, (size_t)cap * sizeof(*c))) == NULL)
				goto oom;
		}
		w[*n] = (struct work){0};
		c[(*n)++] = (uint64_t)pg->cat.nlobs * 8192;
	}
	*out = w;
	*costs = c;
	return 0;
oom:
	*out = w;
	*costs = c;
	return siphon_err_oom(pg->ctx);
}

static int
start_lanes(struct pg *pg)
{
	struct siphon_plan_item *plan = NULL;
	struct siphon_strbuf st = {0}, sql = {0};
	struct work *work = NULL;
	uint64_t *costs = NULL;
	int n = 0, i, l, r = 0, nlanes;

	if ((r = make_work(pg, &work, &costs, &n)) != 0)
		goto out;
	if ((plan = calloc((size_t)n + 1, sizeof(*plan))) == NULL)
		goto oom;
	if ((nlanes = siphon_plan_lanes(costs, n, pg->jobs, plan)) < 0)
		goto oom;
	pg->nlanes = nlanes;
	siphon_log(pg->ctx, SIPHON_LOG_DEBUG, "%u tables in %d pieces over %d channels",
	           pg->ntables_copied, n, nlanes);
	if (nlanes == 0)
		goto out;
	if ((pg->lanes = calloc((size_t)nlanes, sizeof(*pg->lanes))) == NULL ||
	    (pg->lane_rs = calloc((size_t)nlanes, sizeof(*pg->lane_rs))) == NULL)
		goto oom;
	if ((r = psql_stage(pg, &st, pg->probe.pg[pg->pgi].bindir, 1)) != 0)
		goto out;
	for (l = 0; l < nlanes; l++) {
		struct siphon_pg_lane *lane = &pg->lanes[l];
		struct siphon_sink sink;
		char what[64];

		lane->ctx = pg->ctx;
		snprintf(lane->what, sizeof(lane->what), "data channel %d", l + 1);
		siphon_strbuf_reset(&sql);
		if (siphon_pg_session_sql(&sql, pg->cat.server_num) != 0 ||
		    siphon_strbuf_puts(&sql, "SET client_encoding = ") != 0 ||
		    siphon_sql_literal(&sql, pg->cat.encoding) != 0 ||
		    siphon_strbuf_puts(&sql, ";\nBEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\nSET TRANSACTION SNAPSHOT ") != 0 ||
		    siphon_sql_literal(&sql, pg->cat.snapshot) != 0 ||
		    siphon_strbuf_puts(&sql, ";\n") != 0 ||
		    siphon_pg_txn_sql(&sql, pg->cat.server_num) != 0)
			goto oom;
		for (i = 0; i < n; i++) {
			struct siphon_pg_lane_item *items;

			if (plan[i].lane != l)
				continue;
			items = realloc(lane->items, (size_t)(lane->nitems + 1) * sizeof(*items));
			if (items == NULL)
				goto oom;
			lane->items = items;
			memset(&items[lane->nitems], 0, sizeof(*items));
			if (lane_item(&items[lane->nitems++], &sql, &work[plan[i].index]) != 0)
				goto oom;
		}
		if (siphon_strbuf_puts(&sql, "COMMIT;\n") != 0)
			goto oom;
		snprintf(what, sizeof(what), "COPY on data channel %d", l + 1);
		if ((r = new_stream(pg, &pg->lane_rs[l], what, siphon_strbuf_str(&st), 0)) != 0)
			goto out;
		siphon_pg_lane_sink(&sink, lane);
		siphon_rstream_set_sink(pg->lane_rs[l], &sink);
		if ((r = siphon_rstream_send(pg->lane_rs[l], sql.buf, sql.len)) != 0)
			goto out;
		siphon_rstream_close_stdin(pg->lane_rs[l]);
	}
	goto out;
oom:
	r = siphon_err_oom(pg->ctx);
out:
	siphon_strbuf_free(&st);
	siphon_strbuf_free(&sql);
	free(work);
	free(costs);
	free(plan);
	return r;
}

/* Once the schema is in, each lane gets its local psql. */
static int
open_local_lanes(struct pg *pg)
{
	struct siphon_strbuf pre = {0};
	char **argv = siphon_pg_local_argv(pg->tmpdb);
	int l, r = 0;

	if (argv == NULL)
		return siphon_err_oom(pg->ctx);
	if (siphon_strbuf_puts(&pre, "SET client_encoding = ") != 0 ||
	    siphon_sql_literal(&pre, pg->cat.encoding) != 0 ||
	    siphon_strbuf_puts(&pre, ";\nSET DateStyle = ISO;\nSET IntervalStyle = postgres;\n"
	                             "SET TimeZone = 'UTC';\nSET extra_float_digits = 3;\n"
	                             "SET synchronous_commit = off;\nSET statement_timeout = 0;\n"
	                             "SET lock_timeout = 0;\nSET row_security = off;\n") != 0) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	for (l = 0; l < pg->nlanes; l++) {
		struct siphon_pg_lane *lane = &pg->lanes[l];

		if ((r = siphon_proc_spawn(&lane->proc, pg->ctx, "local psql (table data)", argv, 0)) != 0 ||
		    (r = siphon_loop_add_proc(pg->loop, lane->proc)) != 0 ||
		    (r = siphon_proc_queue(lane->proc, pre.buf, pre.len)) != 0)
			goto out;
	}
out:
	siphon_strbuf_free(&pre);
	siphon_pg_local_argv_free(argv);
	return r;
}

static int
local_failed(struct pg *pg, struct siphon_proc *p)
{
	char line[512];
	const char *e = siphon_strbuf_str(&p->err);

	key_line(e, line, sizeof(line));
	if (strstr(e, "invalid command \\restrict") != NULL)
		return siphon_err(pg->ctx, SIPHON_ELOCAL,
		                  "the local psql is too old for this pg_dump's output (no \\restrict): upgrade the local postgresql-client to the latest minor release");
	if (strstr(e, "No space left") != NULL || strstr(e, "could not extend") != NULL)
		return siphon_err(pg->ctx, SIPHON_ELOCAL,
		                  "the local disk is full (%s); free space and run again", line);
	return siphon_err(pg->ctx, SIPHON_ELOCAL, "%s failed: %s", p->what,
	                  line[0] ? line : "psql exited with an error");
}

static int
all_done(struct pg *pg, int *done)
{
	int l;

	*done = 0;
	if (pg->pre_proc->exited && pg->pre_proc->status != 0)
		return local_failed(pg, pg->pre_proc);
	for (l = 0; l < pg->nlanes; l++) {
		struct siphon_proc *p = pg->lanes[l].proc;

		if (p != NULL && p->exited && p->status != 0)
			return local_failed(pg, p);
	}
	if (!pg->pre_proc->exited || pg->pre->state != SIPHON_RS_DONE ||
	    pg->post->state != SIPHON_RS_DONE)
		return 0;
	for (l = 0; l < pg->nlanes; l++) {
		if (pg->lane_rs[l]->state != SIPHON_RS_DONE || pg->lanes[l].proc == NULL ||
		    !pg->lanes[l].proc->exited)
			return 0;
	}
	*done = 1;
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A progress line every few seconds: a long pull must not look hung. */
static void
progress(struct pg *pg, double t0, double *next)
{
	uint64_t raw = 0, wire = 0;
	double t = now_s();
	int l;

	if (t < *next)
		return;
	*next = t + 5;
	for (l = 0; l < pg->nlanes; l++) {
		raw += pg->lane_rs[l]->raw_bytes;
		wire += pg->lane_rs[l]->wire_bytes;
	}
	siphon_log(pg->ctx, SIPHON_LOG_INFO,
	           "%.1f MB of table data loaded (%.1f MB on the wire), %.1f MB/s; the tables take %.1f MB on the server",
	           (double)raw / 1e6, (double)wire / 1e6, (double)raw / 1e6 / (t - t0),
	           (double)pg->cat.total_bytes / 1e6);
}

static int
transfer(struct pg *pg)
{
	int r, done = 0, lanes_open = 0;
	double t0 = now_s(), next = t0 + 5;

	while (!done) {
		if ((r = siphon_loop_step(pg->loop, 1000)) != 0)
			return r;
		progress(pg, t0, &next);
		if (!lanes_open && pg->pre_proc->exited && pg->pre_proc->status == 0 &&
		    pg->pre->state == SIPHON_RS_DONE) {
			if (pg->lenient)
				siphon_pg_local_report_rejected(pg->ctx, "schema",
				                                siphon_strbuf_str(&pg->pre_proc->err));
			siphon_log(pg->ctx, SIPHON_LOG_INFO, "schema restored; loading table data");
			if ((r = open_local_lanes(pg)) != 0)
				return r;
			lanes_open = 1;
		}
		if ((r = all_done(pg, &done)) != 0)
			return r;
	}
	return 0;
}

static int
release_snapshot(struct pg *pg)
{
	int r;

	siphon_rstream_send(pg->ctl, "COMMIT;\n", 8);
	siphon_rstream_close_stdin(pg->ctl);
	pg->ctl->idle_ok = 0;
	if ((r = wait_stream(pg, pg->ctl)) != 0)
		return r;
	drop_stream(pg, &pg->ctl);
	return 0;
}

static int
finish_local(struct pg *pg)
{
	struct siphon_pg_script script = {0};
	struct siphon_strbuf q = {0}, qdb = {0};
	char err[256], *out = NULL;
	int i, r;

	if (siphon_pg_script_split(&script, siphon_strbuf_str(&pg->post_out), err, sizeof(err)) != 0) {
		r = siphon_err(pg->ctx, SIPHON_EREMOTE, "cannot use the post-data dump from %s: %s",
		               pg->o->host, err);
		goto out;
	}
	siphon_log(pg->ctx, SIPHON_LOG_INFO, "data loaded; building %d indexes, constraints and triggers",
	           script.nblocks);
	if ((r = siphon_pg_post_run(pg->loop, pg->tmpdb, &script, pg->jobs, pg->lenient)) != 0)
		goto out;
	/* Sequences: their values as of the snapshot. */
	for (i = 0; i < pg->cat.nseqs; i++) {
		const struct siphon_pg_seq *s = &pg->cat.seqs[i];

		if (s->last == NULL)
			continue;
		if (siphon_strbuf_puts(&q, "SELECT pg_catalog.setval(") != 0 ||
		    siphon_sql_literal(&q, s->qname) != 0 ||
		    siphon_strbuf_printf(&q, ", %s, %s);\n", s->last,
		                         s->called ? "true" : "false") != 0)
			goto oom;
	}
	if (q.len > 0) {
		if ((r = siphon_pg_local_query(pg->ctx, pg->tmpdb, siphon_strbuf_str(&q), &out)) != 0)
			goto out;
		free(out);
		out = NULL;
	}
	/* Database-level settings, last: they could affect the restore sessions. */
	siphon_strbuf_reset(&q);
	if (siphon_sql_ident(&qdb, pg->tmpdb) != 0)
		goto oom;
	for (i = 0; i < pg->cat.ndbsettings; i++) {
		int rr = siphon_pg_dbsetting_sql(&q, siphon_strbuf_str(&qdb), pg->cat.dbsettings[i]);

		if (rr == -1)
			goto oom;
		if (rr == -2)
			siphon_log(pg->ctx, SIPHON_LOG_WARN, "skipping database setting %s",
			           pg->cat.dbsettings[i]);
	}
	if (q.len > 0) {
		if ((r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out)) != 0)
			goto out;
	}
	goto out;
oom:
	r = siphon_err_oom(pg->ctx);
out:
	free(out);
	siphon_pg_script_clear(&script);
	siphon_strbuf_free(&q);
	siphon_strbuf_free(&qdb);
	return r;
}

static int
swap(struct pg *pg)
{
	struct siphon_strbuf q = {0}, lit = {0};
	char old[64], *out = NULL;
	int r, exists, sessions;

	if ((r = siphon_pg_local_db_state(pg->ctx, pg->into, &exists, &sessions)) != 0)
		return r;
	snprintf(old, sizeof(old), "siphon_old_%ld_%ld", (long)getpid(), (long)time(NULL));
	if (siphon_sql_literal(&lit, pg->into) != 0)
		goto oom;
	if (exists && pg->o->force &&
	    siphon_strbuf_printf(&q, "SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity "
	                             "WHERE datname = %s AND pid <> pg_catalog.pg_backend_pid();\n", lit.buf) != 0)
		goto oom;
	/* Both renames in one transaction: the name never points at nothing. */
	if (siphon_strbuf_puts(&q, "BEGIN;\n") != 0)
		goto oom;
	if (exists && (siphon_strbuf_puts(&q, "ALTER DATABASE ") != 0 ||
	               siphon_sql_ident(&q, pg->into) != 0 ||
	               siphon_strbuf_puts(&q, " RENAME TO ") != 0 ||
	               siphon_sql_ident(&q, old) != 0 ||
	               siphon_strbuf_puts(&q, ";\n") != 0))
		goto oom;
	if (siphon_strbuf_puts(&q, "ALTER DATABASE ") != 0 ||
	    siphon_sql_ident(&q, pg->tmpdb) != 0 ||
	    siphon_strbuf_puts(&q, " RENAME TO ") != 0 ||
	    siphon_sql_ident(&q, pg->into) != 0 ||
	    siphon_strbuf_puts(&q, ";\nCOMMIT;\n") != 0)
		goto oom;
	if ((r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out)) != 0) {
		if (strstr(siphon_ctx_errmsg(pg->ctx), "being accessed by other users") != NULL) {
			siphon_err_clear(pg->ctx);
			r = siphon_err(pg->ctx, SIPHON_EBUSY,
			               "the local database \"%s\" is in use (a session connected during the pull); close it and run again, or use --force",
			               pg->into);
		}
		goto out;
	}
	pg->tmp_created = 0;
	if (exists) {
		free(out);
		out = NULL;
		siphon_strbuf_reset(&q);
		if (siphon_strbuf_puts(&q, "DROP DATABASE ") != 0 ||
		    siphon_sql_ident(&q, old) != 0 ||
		    siphon_strbuf_puts(&q, pg->local_num >= 130000 ? " WITH (FORCE);\n" : ";\n") != 0)
			goto oom;
		if (siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out) != 0) {
			siphon_log(pg->ctx, SIPHON_LOG_WARN, "the old copy is kept as %s: %s", old,
			           siphon_ctx_errmsg(pg->ctx));
			siphon_err_clear(pg->ctx);
		}
	}
	r = 0;
	goto out;
oom:
	r = siphon_err_oom(pg->ctx);
out:
	free(out);
	siphon_strbuf_free(&q);
	siphon_strbuf_free(&lit);
	return r;
}

static void
cleanup(struct pg *pg)
{
	int l;

	drop_stream(pg, &pg->ctl);
	drop_stream(pg, &pg->pre);
	drop_stream(pg, &pg->post);
	for (l = 0; l < pg->nlanes; l++) {
		drop_stream(pg, &pg->lane_rs[l]);
		if (pg->lanes[l].proc != NULL) {
			siphon_loop_remove_proc(pg->loop, pg->lanes[l].proc);
			siphon_proc_free(pg->lanes[l].proc);
		}
		for (int i = 0; i < pg->lanes[l].nitems; i++) {
			free(pg->lanes[l].items[i].header);
			free(pg->lanes[l].items[i].trailer);
		}
		free(pg->lanes[l].items);
	}
	free(pg->lanes);
	free(pg->lane_rs);
	if (pg->pre_proc != NULL) {
		siphon_loop_remove_proc(pg->loop, pg->pre_proc);
		siphon_proc_free(pg->pre_proc);
	}
	/* Local sessions are gone: the temporary database can be dropped. */
	drop_tmpdb(pg);
	siphon_pg_catalog_clear(&pg->cat);
	siphon_strbuf_free(&pg->compress);
	siphon_strbuf_free(&pg->ctl_out);
	siphon_strbuf_free(&pg->post_out);
}

int
siphon_pg_pull(struct siphon_loop *loop, const struct siphon_pull_opts *o,
               struct siphon_pull_stats *stats)
{
	struct pg pg = {0};
	int r, exists, sessions, l;

	pg.ctx = loop->ctx;
	pg.loop = loop;
	pg.o = o;
	pg.into = o->into != NULL ? o->into : o->dbname;
	pg.jobs = o->jobs > 0 ? o->jobs : 4;
	/* Windows: enough for fast links, bounded in sum (a paused channel holds its window). */
	pg.window = (size_t)16 * 1024 * 1024 / (size_t)pg.jobs;
	if (pg.window < 2 * 1024 * 1024)
		pg.window = 2 * 1024 * 1024;

	/* Local checks first: fail before touching production. */
	if ((r = siphon_pg_local_version(pg.ctx, &pg.local_num)) != 0)
		goto out;
	siphon_pg_local_drop_stale(pg.ctx, pg.local_num);
	if ((r = siphon_pg_local_db_state(pg.ctx, pg.into, &exists, &sessions)) != 0)
		goto out;
	pg.into_exists = exists;
	if (sessions > 0 && !o->force) {
		r = siphon_err(pg.ctx, SIPHON_EBUSY,
		               "the local database \"%s\" has %d open connection(s); close them, or use --force to end them when the copy is ready",
		               pg.into, sessions);
		goto out;
	}
	if ((r = probe(&pg)) != 0 || (r = choose_codec(&pg)) != 0)
		goto out;
	if ((r = start_control(&pg)) != 0)
		goto out;
	if ((r = check_versions(&pg)) != 0)
		goto out;
	if ((r = lock_tables(&pg)) != 0)
		goto out;
	siphon_log(pg.ctx, SIPHON_LOG_INFO,
	           "%s: PostgreSQL %d, pg_dump %s (%s), %d tables (%.1f MB), compression %s, %d channels",
	           o->host, siphon_pg_num_major(pg.cat.server_num), pg.probe.pg[pg.pgi].version,
	           pg.probe.pg[pg.pgi].bindir, pg.cat.ntables, (double)pg.cat.total_bytes / 1e6,
	           pg.codec_name, pg.jobs);
	if ((r = check_disk(&pg)) != 0)
		goto out;
	loop->tick = disk_tick;
	loop->tick_arg = &pg;
	if ((r = create_tmpdb(&pg)) != 0)
		goto out;
	if ((r = start_dumps(&pg)) != 0 || (r = start_lanes(&pg)) != 0)
		goto out;
	if ((r = transfer(&pg)) != 0)
		goto out;
	if ((r = release_snapshot(&pg)) != 0)
		goto out;
	if ((r = finish_local(&pg)) != 0)
		goto out;
	if ((r = swap(&pg)) != 0)
		goto out;
	if (stats != NULL) {
		stats->tables = pg.ntables_copied;
		stats->channels = (unsigned)pg.nlanes;
		snprintf(stats->codec, sizeof(stats->codec), "%s", pg.codec_name);
		for (l = 0; l < pg.nlanes; l++) {
			stats->wire_bytes += pg.lane_rs[l]->wire_bytes;
			stats->raw_bytes += pg.lane_rs[l]->raw_bytes;
		}
		stats->wire_bytes += pg.pre->wire_bytes + pg.post->wire_bytes;
		stats->raw_bytes += pg.pre->raw_bytes + pg.post->raw_bytes;
	}
out:
	loop->tick = NULL;
	cleanup(&pg);
	free(pg.datadir);
	return r;
}
