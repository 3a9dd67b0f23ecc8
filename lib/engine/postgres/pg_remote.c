/* pg_remote.c - the remote side of the PostgreSQL engine: commands, probe, codec choice, messages. */
#include "engine/postgres/pg_pull_int.h"

#include "engine/plan.h"
#include "engine/postgres/pg_lane.h"
#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_post.h"
#include "engine/postgres/pg_script.h"
#include "remote/shell.h"
#include "util/sql.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* The most telling line of a remote psql/pg_dump message. */
const char *
pg_key_line(const char *err, char *buf, size_t cap)
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

int
pg_explain(void *arg, struct siphon_rstream *rs)
{
	struct pg *pg = arg;
	const char *err = siphon_rstream_stderr(rs);
	const char *host = pg->o->host;
	char line[512];
	int code;

	pg_key_line(err, line, sizeof(line));
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
	if (strstr(err, "query_wait_timeout") != NULL || strstr(err, "pooling mode") != NULL ||
	    strstr(err, "no more connections allowed") != NULL)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "a connection pooler in front of PostgreSQL on %s could not serve siphon's %d sessions (%s); connect to PostgreSQL directly with --remote-pg-opts '-h HOST -p PORT', or use fewer channels (-j)",
		                  host, pg->jobs + 3, line);
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

/* "$NICE sudo -n -u 'user' -- '/usr/lib/postgresql/15/bin/TOOL'" */
int
pg_tool_prefix(struct pg *pg, struct siphon_strbuf *sb, const char *bindir,
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
int
pg_conn_args(struct pg *pg, struct siphon_strbuf *sb)
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
int
pg_new_stream(struct pg *pg, struct siphon_rstream **out, const char *what,
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
		(*out)->explain = pg_explain;
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

void
pg_drop_stream(struct pg *pg, struct siphon_rstream **rs)
{
	if (*rs == NULL)
		return;
	siphon_loop_remove_rstream(pg->loop, *rs);
	siphon_rstream_free(*rs);
	*rs = NULL;
}

/* Steps the loop until *flag or the stream is done. */
int
pg_wait_stream(struct pg *pg, struct siphon_rstream *rs)
{
	int r;

	while (rs->state != SIPHON_RS_DONE)
		if ((r = siphon_loop_step(pg->loop, 1000)) != 0)
			return r;
	return 0;
}

int
pg_probe(struct pg *pg)
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
	if ((r = pg_new_stream(pg, &rs, "probing the server's tools", siphon_strbuf_str(&script), 1)) != 0)
		goto out;
	/* The probe is a script of its own: run it as one "dump" stage. */
	siphon_sink_strbuf(&sink, &out);
	siphon_rstream_set_sink(rs, &sink);
	siphon_rstream_close_stdin(rs);
	if ((r = pg_wait_stream(pg, rs)) != 0)
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
	pg_drop_stream(pg, &rs);
	siphon_strbuf_free(&script);
	siphon_strbuf_free(&out);
	return r;
}

/* Is the SSH connection to this very machine (127.0.0.0/8, ::1)? */
static int
peer_is_loopback(int sock)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (sock < 0 || getpeername(sock, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
	if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;

		if (IN6_IS_ADDR_LOOPBACK(a))
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(a))
			return a->s6_addr[12] == 127;
	}
	return 0;
}

int
pg_choose_codec(struct pg *pg)
{
	const struct siphon_pull_opts *o = pg->o;
	enum siphon_compress c = o->compress;
	int threads = o->remote_threads, level = o->level, r;
	const char *bin = NULL;

	if (c == SIPHON_COMPRESS_AUTO && peer_is_loopback(pg->loop->sock)) {
		/* Same machine: compressing costs CPU both ends and saves nothing. */
		siphon_log(pg->ctx, SIPHON_LOG_INFO,
		           "%s is this machine (loopback): not compressing (--compress zstd to insist)",
		           pg->o->host);
		c = SIPHON_COMPRESS_NONE;
	}
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
		/*
		 * A 512 KiB window: every decoder keeps one window of history, and
		 * up to -j + 2 of them run at once here; the ratio hardly changes.
		 */
		r = siphon_strbuf_printf(&pg->compress, "$NICE %s -q -c -T%d %s-%d --zstd=wlog=19",
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
int
pg_newest_tools(const struct siphon_probe *p)
{
	int i, best = 0;

	for (i = 1; i < p->npg; i++)
		if (p->pg[i].major > p->pg[best].major)
			best = i;
	return best;
}

int
pg_psql_stage(struct pg *pg, struct siphon_strbuf *st, const char *bindir, int nice)
{
	if (pg_tool_prefix(pg, st, bindir, "psql", nice) != 0 ||
	    siphon_strbuf_puts(st, " -X -q -A -t -v ON_ERROR_STOP=1") != 0)
		return siphon_err_oom(pg->ctx);
	if (pg_conn_args(pg, st) != 0)
		return siphon_err(pg->ctx, SIPHON_EUSAGE,
		                  "--remote-pg-opts has an unbalanced quote");
	return 0;
}

int
pg_start_dumps(struct pg *pg)
{
	struct siphon_strbuf st = {0};
	const struct siphon_pg_tools *t = &pg->probe.pg[pg->pgi];
	struct siphon_sink sink;
	char **argv = NULL;
	int r, i;
	/*
	 * Three dumps in the snapshot: the pre-data and post-data sections,
	 * and the whole schema again for its privileges only (pg_dump puts
	 * GRANTs in no section, so --section leaves them out).
	 */
	static const char *const what[] = {
		"pg_dump of the schema", "pg_dump of the indexes and constraints",
		"pg_dump of the privileges",
	};
	static const char *const opts[] = {
		"--section=pre-data --no-privileges", "--section=post-data --no-privileges",
		"--schema-only",
	};
	struct siphon_rstream **streams[] = {&pg->pre, &pg->post, &pg->acl};

	for (i = 0; i < 3; i++) {
		siphon_strbuf_reset(&st);
		if (pg_tool_prefix(pg, &st, t->bindir, "pg_dump", 1) != 0 ||
		    siphon_strbuf_printf(&st, " %s --snapshot=%s"
		                              " --no-publications --no-subscriptions --no-tablespaces"
		                              " --no-security-labels",
		                         opts[i], pg->cat.snapshot) != 0) {
			r = siphon_err_oom(pg->ctx);
			goto out;
		}
		if (pg_conn_args(pg, &st) != 0) {
			r = siphon_err(pg->ctx, SIPHON_EUSAGE, "--remote-pg-opts has an unbalanced quote");
			goto out;
		}
		if ((r = pg_new_stream(pg, streams[i], what[i], siphon_strbuf_str(&st), 0)) != 0)
			goto out;
		siphon_rstream_close_stdin(*streams[i]);
	}
	pg->post_out.max = 1024 * 1024 * 1024;
	siphon_sink_strbuf(&sink, &pg->post_out);
	siphon_rstream_set_sink(pg->post, &sink);
	pg->acl_out.max = 1024 * 1024 * 1024;
	siphon_sink_strbuf(&sink, &pg->acl_out);
	siphon_rstream_set_sink(pg->acl, &sink);

	if ((argv = siphon_pg_local_argv_ex(pg->tmpdb, pg->lenient)) == NULL) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	if ((r = siphon_proc_spawn(&pg->pre_proc, pg->ctx, "local psql (schema)", argv, 0)) != 0 ||
	    (r = siphon_loop_add_proc(pg->loop, pg->pre_proc)) != 0)
		goto out;
	/* Owners are kept where the local server has the role (pg_owner.c). */
	pg->owner.ctx = pg->ctx;
	pg->owner.proc = pg->pre_proc;
	pg->owner.roles = &pg->roles;
	siphon_pg_owner_sink(&sink, &pg->owner);
	siphon_rstream_set_sink(pg->pre, &sink);
out:
	siphon_pg_local_argv_free(argv);
	siphon_strbuf_free(&st);
	return r;
}
