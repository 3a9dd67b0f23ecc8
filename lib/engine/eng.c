/* eng.c - what every engine shares: probe, compressor, remote streams. */
#include "engine/eng.h"

#include "engine/heartbeat.h"
#include "engine/registry.h"

#include "loop/explain.h"
#include "remote/shell.h"
#include "snap/snap.h"
#include "util/clock.h"
#include "util/ctx.h"
#include "util/event.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>

void
siphon_eng_init(struct siphon_run *e, struct siphon_loop *loop,
                const struct siphon_pull_opts *o, const struct siphon_opts *opts)
{
	memset(e, 0, sizeof(*e));
	e->ctx = loop->ctx;
	e->loop = loop;
	e->o = o;
	e->opts = opts;
	e->jobs = o->jobs;            /* 0 (auto) until siphon_eng_tune */
	e->other_missing = "";
	siphon_target_init(&e->target, e->ctx, NULL, NULL);
	/*
	 * The window of the streams before the tune (the probe, the engines'
	 * questions): small answers.  siphon_eng_tune sets the data streams'.
	 */
	e->window = (size_t)2 * 1024 * 1024;
}

void
siphon_eng_clear(struct siphon_run *e)
{
	siphon_eng_link_drop(e);
	siphon_strbuf_free(&e->compress);
	siphon_strbuf_free(&e->zpath);
	free(e->zs_buf);
	e->zs_buf = NULL;
	e->zs_len = 0;
	siphon_leftout_free(&e->left_out);
	siphon_catalog_clear(&e->cat);
	siphon_plan_clear(&e->plan);
	siphon_target_clear(&e->target);
}

const char *
siphon_eng_key_line(const char *err, const char *const *keys, char *buf, size_t cap)
{
	return siphon_explain_key_line(err, keys, buf, cap);
}

int
siphon_eng_tool_prefix(const struct siphon_run *e, struct siphon_strbuf *sb,
                       const char *path, int nice)
{
	if (nice && siphon_strbuf_puts(sb, "$NICE ") != 0)
		return -1;
	if (e->o->remote_sudo != NULL &&
	    (siphon_strbuf_puts(sb, "sudo -n -u ") != 0 ||
	     siphon_sh_quote(sb, e->o->remote_sudo) != 0 ||
	     siphon_strbuf_puts(sb, " -- ") != 0))
		return -1;
	return siphon_sh_quote(sb, path);
}

int
siphon_eng_new_stream(struct siphon_run *e, struct siphon_rstream **out,
                      const char *what, const char *stage1, int raw)
{
	const char *stages[2], *names[2] = {"dump", "compress"};
	int n = 1;

	stages[0] = stage1;
	if (!raw && e->compress.len > 0) {
		stages[1] = siphon_strbuf_str(&e->compress);
		n = 2;
	}
	return siphon_eng_new_pipeline(e, out, what, stages, names, n, !raw);
}

/* Registers a new stream with the loop, with the engine's explanations. */
static int
add_stream(struct siphon_run *e, struct siphon_rstream **out, const char *what, const char *cmd,
           enum siphon_codec_kind codec, const char *const *names, int n)
{
	char label[SIPHON_SNAP_LABEL_MAX + 16];
	int r;

	/* A replaying source (a saved snapshot) runs no command: it names the stream. */
	if (e->source != NULL && e->source->ops->stream_name != NULL) {
		if (e->source->ops->stream_name(e->source, what, label, sizeof(label)) != 0)
			return siphon_err_oom(e->ctx);
		cmd = label;
	}
	if ((r = siphon_rstream_new(out, e->ctx, e->loop->ops, e->loop->sess, &e->loop->arb,
	                            what, cmd, e->window, codec, names, n)) != 0)
		return r;
	(*out)->explain = e->explain;
	(*out)->explain_arg = e->explain_arg;
	/* A saved snapshot records it (--save). */
	if ((e->snap != NULL && (r = siphon_snapw_attach(e->snap, *out, what)) != 0) ||
	    (r = siphon_loop_add_rstream(e->loop, *out)) != 0) {
		siphon_rstream_free(*out);
		*out = NULL;
	}
	return r;
}

int
siphon_eng_fact_put(struct siphon_run *e, const char *name, const char *value)
{
	if (e->snap == NULL)
		return 0;
	if (siphon_snap_manifest_set_fact(siphon_snapw_manifest(e->snap), name, value) != 0)
		return siphon_err_oom(e->ctx);
	return 0;
}

int
siphon_eng_fact_get(const struct siphon_run *e, const char *name, const char **value)
{
	*value = NULL;
	if (e->source == NULL || e->source->ops->fact == NULL)
		return 0;
	*value = e->source->ops->fact(e->source, name);
	return 1;
}

int
siphon_eng_order_fixed(const struct siphon_run *e)
{
	const char *v;

	return e->snap != NULL || siphon_eng_fact_get(e, "", &v);
}

int
siphon_eng_new_member(struct siphon_run *e, struct siphon_rstream **out,
                      const char *what, const char *member, enum siphon_codec_kind codec)
{
	static const char *const names[] = {"member"};

	return add_stream(e, out, what, member, codec, names, 1);
}

int
siphon_eng_new_pipeline(struct siphon_run *e, struct siphon_rstream **out,
                        const char *what, const char *const *stages,
                        const char *const *names, int n, int compressed)
{
	struct siphon_strbuf script = {0}, cmd = {0};
	const char *key = siphon_heartbeat_active(e->hb) ? e->hb->key : NULL;
	int r;

	if (siphon_sh_preamble(&script, !e->o->no_nice) != 0 ||
	    (key != NULL && siphon_watch_register(&script, key) != 0) ||
	    siphon_sh_pipeline(&script, stages, names, n) != 0 ||
	    (key != NULL && siphon_watch_unregister(&script, key) != 0) ||
	    siphon_sh_wrap(&cmd, siphon_strbuf_str(&script)) != 0) {
		r = siphon_err_oom(e->ctx);
		goto out;
	}
	siphon_log(e->ctx, SIPHON_LOG_DEBUG, "remote %s: %s", what, siphon_strbuf_str(&script));
	r = add_stream(e, out, what, siphon_strbuf_str(&cmd), compressed ? e->codec : SIPHON_CODEC_NONE,
	               names, n);
out:
	siphon_strbuf_free(&script);
	siphon_strbuf_free(&cmd);
	return r;
}

void
siphon_eng_drop_stream(struct siphon_run *e, struct siphon_rstream **rs)
{
	if (*rs == NULL)
		return;
	siphon_loop_remove_rstream(e->loop, *rs);
	siphon_rstream_free(*rs);
	*rs = NULL;
}

int
siphon_eng_wait_stream(struct siphon_run *e, struct siphon_rstream *rs)
{
	int r;

	while (rs->state != SIPHON_RS_DONE)
		if ((r = siphon_loop_step(e->loop, 1000)) != 0)
			return r;
	return 0;
}

int
siphon_eng_probe_script(struct siphon_strbuf *sb)
{
	struct siphon_strbuf tools = {0}, extra = {0};
	int i, r = 0;

	for (i = 0; siphon_engines[i] != NULL && r == 0; i++) {
		const struct siphon_engine_ops *eo = siphon_engines[i];

		if (eo->probe_tools != NULL)
			r = siphon_strbuf_printf(&tools, "%s%s", tools.len > 0 ? " " : "", eo->probe_tools);
		if (r == 0 && eo->probe_script != NULL)
			r = siphon_strbuf_puts(&extra, eo->probe_script);
	}
	if (r == 0)
		r = siphon_probe_script(sb, siphon_strbuf_str(&tools), siphon_strbuf_str(&extra));
	siphon_strbuf_free(&tools);
	siphon_strbuf_free(&extra);
	return r;
}

int
siphon_eng_probe(struct siphon_run *e)
{
	struct siphon_strbuf script = {0}, out = {0};
	struct siphon_rstream *rs = NULL;
	int r;

	out.max = 64 * 1024;
	if (siphon_eng_probe_script(&script) != 0) {
		r = siphon_err_oom(e->ctx);
		goto out;
	}
	if ((r = siphon_eng_new_stream(e, &rs, "probing the server's tools",
	                               siphon_strbuf_str(&script), 1)) != 0)
		goto out;
	/* The probe is a script of its own: run it as one "dump" stage. */
	siphon_rstream_set_mem_sink(rs, &out);
	siphon_rstream_close_stdin(rs);
	if ((r = siphon_eng_wait_stream(e, rs)) != 0)
		goto out;
	if (siphon_probe_parse(&e->probe, siphon_strbuf_str(&out)) != 0)
		r = siphon_err(e->ctx, SIPHON_EREMOTE,
		               "the probe of %s's tools printed nothing usable; is /bin/sh there?",
		               e->o->host);
out:
	siphon_eng_drop_stream(e, &rs);
	siphon_strbuf_free(&script);
	siphon_strbuf_free(&out);
	return r;
}

int
siphon_eng_peer_is_loopback(int sock)
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

long long
siphon_eng_free_bytes(const char *dir)
{
	struct statvfs v;

	if (dir == NULL || statvfs(dir, &v) != 0)
		return -1;
	return (long long)v.f_bavail * (long long)v.f_frsize;
}

long long
siphon_eng_disk_reserve(const char *dir)
{
	struct statvfs v;
	long long one_pct;

	if (dir == NULL || statvfs(dir, &v) != 0)
		return 0;
	one_pct = (long long)v.f_blocks * (long long)v.f_frsize / 100;
	return one_pct > 64LL * 1024 * 1024 ? one_pct : 64LL * 1024 * 1024;
}

int
siphon_eng_check(struct siphon_run *e, const char *what, const char *stage,
                 const char *input, const char *marker, const char *const *keys,
                 char *why, size_t cap, int *found)
{
	struct siphon_strbuf out = {0};
	struct siphon_rstream *rs = NULL;
	int r;

	*found = 0;
	if (why != NULL && cap > 0)
		why[0] = '\0';
	out.max = 4096;
	if ((r = siphon_eng_new_stream(e, &rs, what, stage, 1)) != 0)
		goto out;
	/* A failure here only means "no": no explanation, no error. */
	rs->explain = NULL;
	rs->may_fail = 1;
	siphon_rstream_set_mem_sink(rs, &out);
	if (siphon_rstream_send(rs, input, strlen(input)) != 0) {
		r = siphon_err_oom(e->ctx);
		goto out;
	}
	siphon_rstream_close_stdin(rs);
	if ((r = siphon_eng_wait_stream(e, rs)) != 0)
		goto out;
	*found = !rs->failed && strstr(siphon_strbuf_str(&out), marker) != NULL;
	if (rs->failed && why != NULL && cap > 0)
		siphon_eng_key_line(siphon_rstream_stderr(rs), keys, why, cap);
out:
	siphon_eng_drop_stream(e, &rs);
	siphon_strbuf_free(&out);
	return r;
}

void
siphon_eng_progress(struct siphon_run *e, struct siphon_rstream *const *streams, int n,
                    uint64_t total_bytes, double t0, double *next)
{
	uint64_t raw = 0, wire = 0;
	double t = siphon_mono_s();
	int i;

	if (t < *next)
		return;
	/*
	 * Whole ticks after t0 (a quarter is exact in binary): a consumer's
	 * "every 5 s" falls on a tick.
	 */
	while (*next <= t)
		*next += SIPHON_ENG_TICK_MS / 1000.0;
	/* Streams may not exist yet (PostgreSQL's lanes wait for the schema). */
	for (i = 0; streams != NULL && i < n; i++) {
		if (streams[i] == NULL)
			continue;
		raw += streams[i]->raw_bytes;
		wire += streams[i]->wire_bytes;
	}
	siphon_event_progress(e->ctx, wire, raw, (int64_t)total_bytes, t0);
}

int
siphon_eng_describe_cmd(const struct siphon_run *e, struct siphon_strbuf *sb, const char *what,
                        const char *stage, int compressed)
{
	static const char nice_var[] = "$NICE ";
	const char *p;

	siphon_strbuf_reset(sb);
	if (siphon_strbuf_printf(sb, "%s: ", what) != 0)
		return -1;
	/* The wrapper's $NICE (lower priority, or nothing): said once in the heading instead. */
	while ((p = strstr(stage, nice_var)) != NULL) {
		if (siphon_strbuf_append(sb, stage, (size_t)(p - stage)) != 0)
			return -1;
		stage = p + sizeof(nice_var) - 1;
	}
	if (siphon_strbuf_puts(sb, stage) != 0)
		return -1;
	if (compressed && e->compress.len > 0 &&
	    siphon_strbuf_printf(sb, " | %s", siphon_strbuf_str(&e->compress)) != 0)
		return -1;
	return 0;
}
