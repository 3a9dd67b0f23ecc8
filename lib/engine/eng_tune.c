/*
 * eng_tune.c - the run's starting settings: the facts gathered (the probe,
 * the link test, this machine), the policy asked (engine/tune.h), and its
 * answer applied: the channels, each one's window, the compressor stage.
 */
#include "engine/eng.h"

#include "codec/compress_cmd.h"
#include "codec/zsample.h"
#include "engine/heartbeat.h"
#include "remote/shell.h"
#include "remote/zsplit.h"
#include "source/source.h"
#include "util/ctx.h"
#include "util/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* This machine's kernel boot id, "" when it has none (not Linux). */
static void
local_boot_id(char *buf, size_t cap)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	size_t n = 0;

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(buf, (int)cap, f) != NULL)
		n = strcspn(buf, "\n");
	buf[n] = '\0';
	fclose(f);
}

/*
 * One kernel on both sides: the probe's boot id is ours.  A server that
 * prints none (not Linux) is this machine only when it is reached over
 * loopback (a port forwarded elsewhere has another boot id, which is why
 * the boot id is asked first).
 */
static int
same_host(const struct siphon_run *e)
{
	char boot[sizeof(e->probe.boot)];

	if (e->probe.boot[0] != '\0') {
		local_boot_id(boot, sizeof(boot));
		return strcmp(boot, e->probe.boot) == 0;
	}
	return siphon_eng_peer_is_loopback(e->loop->sock);
}

static void
gather(const struct siphon_run *e, const struct siphon_engine_ops *ops, struct siphon_tune_in *in)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(in, 0, sizeof(*in));
	in->jobs = e->o->jobs;
	in->compress = e->o->compress;
	in->level = e->o->level;
	in->remote_threads = e->o->remote_threads;
	in->server_cores = e->probe.cores;
	in->server_load = e->probe.load;
	in->has_zstd = siphon_probe_tool(&e->probe, "zstd")[0] != '\0';
	in->has_pigz = siphon_probe_tool(&e->probe, "pigz")[0] != '\0';
	in->has_gzip = siphon_probe_tool(&e->probe, "gzip")[0] != '\0';
	in->zstd_fast = siphon_probe_zstd_fast(&e->probe);
	in->local_cores = cores > 0 && cores < 4096 ? (int)cores : 1;
	in->same_host = same_host(e);
	in->loopback = siphon_eng_peer_is_loopback(e->loop->sock);
	in->link = e->link;
	if (ops != NULL) {
		in->load_ns = ops->tune_load_ns;
		in->lanes_per_core = ops->tune_lanes_per_core;
	}
}

/*
 * The tune event for channel (0: every channel, the start) at level, with
 * the run's channels, compressor, threads, window and link (e->jobs,
 * e->window, e->zthreads set).
 */
static void
send_tune(struct siphon_run *e, int channel, int level, int same_host, const char *reason)
{
	struct siphon_event_tune ev;

	memset(&ev, 0, sizeof(ev));
	ev.channel = channel;
	ev.jobs = e->jobs;
	ev.codec = e->codec_name;
	ev.level = level;
	ev.threads = e->zthreads;
	ev.window_bytes = (uint64_t)e->window;
	ev.link_bytes_per_s = e->link.measured ? e->link.bytes_per_s : 0;
	ev.rtt_seconds = e->link.measured ? e->link.rtt_s : -1;
	ev.same_host = same_host;
	ev.reason = reason;
	siphon_event_tune(e->ctx, &ev);
}

/* "channels 2, zstd --fast=3: link 410 MB/s, ..." into e->tune_text; logged, and sent as an event. */
static void
report(struct siphon_run *e, const struct siphon_tune_in *in, const struct siphon_tune *t)
{
	char codec[32];

	siphon_tune_codec_text(t, codec, sizeof(codec));
	snprintf(e->tune_text, sizeof(e->tune_text), "channels %d%s, %s%s: %s", t->jobs,
	         e->o->jobs > 0 ? " (-j)" : "", codec,
	         e->o->level != 0 || e->o->compress != SIPHON_COMPRESS_AUTO ? " (as asked)" : "", t->why);
	siphon_log(e->ctx, SIPHON_LOG_INFO, "%s", e->tune_text);
	send_tune(e, 0, t->which == SIPHON_COMPRESS_NONE ? 0 : t->level, in->same_host, t->why);
}

/* The compressor stage for t into e->compress, and the codec its streams need. */
static int
apply_codec(struct siphon_run *e, const struct siphon_tune_in *in, const struct siphon_tune *t)
{
	const struct siphon_compressor *c = siphon_compressor_find(t->which);
	const char *bin;
	int level;

	e->zthreads = t->threads;
	if (c == NULL) {
		e->codec = SIPHON_CODEC_NONE;
		snprintf(e->codec_name, sizeof(e->codec_name), "none");
		return 0;
	}
	if (siphon_compressor_level(c, t->level, &level) != 0)
		return siphon_err(e->ctx, SIPHON_EUSAGE, "%s levels are %d to %d (negative: zstd --fast=N), not %d",
		                  c->family, c->level_min, c->level_max, t->level);
	if (level < 0 && !siphon_probe_zstd_fast(&e->probe))
		return siphon_err(e->ctx, SIPHON_EUSAGE,
		                  "--level %d is zstd's --fast=%d, which %s's zstd does not have (1.3.4 and later); use a level from 1",
		                  level, -level, e->o->host);
	bin = siphon_probe_tool(&e->probe, c->name);
	if (bin[0] == '\0')
		return siphon_err(e->ctx, SIPHON_EREMOTE,
		                  "--compress %s was asked for, but %s has no %s; use --compress auto",
		                  c->name, e->o->host, c->name);
	/* The compressor's path is set as a variable so that it is quoted once. */
	siphon_strbuf_reset(&e->zpath);
	if (siphon_strbuf_puts(&e->zpath, bin) != 0 ||
	    siphon_strbuf_puts(&e->compress, "SIPHON_Z=") != 0 ||
	    siphon_sh_quote(&e->compress, bin) != 0 ||
	    siphon_strbuf_puts(&e->compress, "; ") != 0 ||
	    siphon_compressor_stage(&e->compress, c, "SIPHON_Z", level, t->threads) != 0)
		return siphon_err_oom(e->ctx);
	/*
	 * A level siphon chose for a link it measured may move while the pull
	 * runs; one the user gave, or a guess without a link figure, stays.
	 */
	if (c->which == SIPHON_COMPRESS_ZSTD && e->o->level == 0 && e->link.measured && !in->loopback)
		siphon_adapt_init(&e->adapt, level, siphon_probe_zstd_fast(&e->probe), e->link.bytes_per_s,
		                  !e->link.lower_bound, in->same_host);
	e->codec = c->codec;
	snprintf(e->codec_name, sizeof(e->codec_name), "%s", c->name);
	return 0;
}

int
siphon_eng_tune(struct siphon_run *e, const struct siphon_engine_ops *ops)
{
	const struct siphon_compressor *c;
	struct siphon_tune_in in;
	struct siphon_tune t;
	int r;

	siphon_strbuf_reset(&e->compress);
	memset(&e->adapt, 0, sizeof(e->adapt));
	e->tune_text[0] = '\0';
	if (e->source != NULL && e->source->codec[0] != '\0') {
		/* A replay: the streams went through the compressor the pull used, over its channels. */
		e->codec = SIPHON_CODEC_NONE;
		for (c = siphon_compressors; c->name != NULL; c++)
			if (strcmp(c->name, e->source->codec) == 0)
				e->codec = c->codec;
		snprintf(e->codec_name, sizeof(e->codec_name), "%s", e->source->codec);
		e->jobs = e->o->jobs > 0 ? e->o->jobs : 1;
		return 0;
	}
	gather(e, ops, &in);
	siphon_tune_initial(&in, &t);
	if ((r = apply_codec(e, &in, &t)) != 0)
		return r;
	e->jobs = t.jobs;
	e->window = t.window;
	report(e, &in, &t);
	return 0;
}

int
siphon_eng_adaptive(const struct siphon_run *e)
{
	return e->adapt.on && e->zpath.len > 0;
}

int
siphon_eng_zstd_cmd(const struct siphon_run *e, struct siphon_strbuf *sb, int level)
{
	const struct siphon_compressor *c = siphon_compressor_find(SIPHON_COMPRESS_ZSTD);

	if (c == NULL || siphon_sh_quote(sb, siphon_strbuf_str(&e->zpath)) != 0 ||
	    siphon_compressor_args(sb, c, level, e->zthreads) != 0)
		return siphon_err_oom(e->ctx);
	return 0;
}

void
siphon_eng_adapt_sample(struct siphon_run *e, double now, uint64_t wire, int busy, int held)
{
	struct siphon_tune t = {.which = SIPHON_COMPRESS_ZSTD};
	char codec[32];

	if (!siphon_eng_adaptive(e))
		return;
	if (siphon_adapt_sample(&e->adapt, now, wire, busy, held) == 0) {
		/* Once per level: why it stays though the link is full. */
		if (e->adapt.nogain && e->zs_said != e->adapt.rung + 1) {
			e->zs_said = e->adapt.rung + 1;
			siphon_log(e->ctx, SIPHON_LOG_INFO, "compression: stays at zstd %d: %s",
			           siphon_adapt_level(&e->adapt), e->adapt.why_stay);
		}
		return;
	}
	t.level = siphon_adapt_level(&e->adapt);
	siphon_tune_codec_text(&t, codec, sizeof(codec));
	if (!e->zsplit) {
		siphon_log(e->ctx, SIPHON_LOG_INFO, "compression: %s from each channel's next piece: %s", codec,
		           e->adapt.why);
		return;
	}
	/* One level for every channel: each switches within its next SIPHON_ZSPLIT_CHECK bytes. */
	if (!siphon_heartbeat_active(e->hb))
		return;
	if (siphon_heartbeat_level(e->hb, t.level) != 0) {
		siphon_log(e->ctx, SIPHON_LOG_WARN, "could not send the new compression level to %s: %s",
		           e->o->host, siphon_ctx_errmsg(e->ctx));
		siphon_err_clear(e->ctx);
		return;
	}
	siphon_log(e->ctx, SIPHON_LOG_INFO, "compression: %s on every channel within %u MiB: %s", codec,
	           SIPHON_ZSPLIT_CHECK >> 20, e->adapt.why);
	send_tune(e, 0, t.level, e->adapt.same_host, e->adapt.why);
}

/* May a one-stream engine's compressor follow the level (the watchdog aside)? */
static int
zsplit_possible(const struct siphon_run *e)
{
	return siphon_eng_adaptive(e) && siphon_probe_tool(&e->probe, "perl")[0] != '\0';
}

int
siphon_eng_zsplit_describe(const struct siphon_run *e, struct siphon_strbuf *line)
{
	if (!zsplit_possible(e) || e->compress.len == 0)
		return 0;
	return siphon_strbuf_puts(line, " (at first: perl on the server starts zstd anew whenever the level "
	                                "moves with what the pull measures)");
}

int
siphon_eng_zsplit_stage(struct siphon_run *e, struct siphon_strbuf *sb)
{
	const struct siphon_compressor *c = siphon_compressor_find(SIPHON_COMPRESS_ZSTD);
	struct siphon_strbuf args[SIPHON_ADAPT_MAX_RUNGS];
	const char *argv[SIPHON_ADAPT_MAX_RUNGS];
	const char *perl = siphon_probe_tool(&e->probe, "perl");
	int r = 0, n = e->adapt.nrungs;

	if (!zsplit_possible(e) || !siphon_heartbeat_active(e->hb) || c == NULL)
		return 0;
	memset(args, 0, sizeof(args));
	for (int i = 0; i < n && r == 0; i++) {
		r = siphon_compressor_args(&args[i], c, e->adapt.rungs[i], e->zthreads);
		argv[i] = siphon_strbuf_str(&args[i]);
	}
	if (r == 0)
		r = siphon_zsplit_stage(sb, perl, siphon_strbuf_str(&e->zpath), "\"$siphon_w/level\"",
		                        siphon_adapt_level(&e->adapt), e->adapt.rungs, argv, n);
	for (int i = 0; i < n; i++)
		siphon_strbuf_free(&args[i]);
	if (r == -2)
		return siphon_err(e->ctx, SIPHON_EINTERNAL, "the compressor's arguments cannot go in the level-following stage");
	if (r != 0)
		return siphon_err_oom(e->ctx);
	e->zsplit = 1;
	return 1;
}

void
siphon_eng_adapt_feed(struct siphon_run *e, const unsigned char *buf, size_t len)
{
	int level, next;
	uint64_t at_level, at_next;
	size_t take;

	if (!siphon_eng_adaptive(e) || (next = siphon_adapt_next_level(&e->adapt)) == 0)
		return;
	if (e->zs_skip >= len) {
		e->zs_skip -= len;
		return;
	}
	buf += e->zs_skip;
	len -= (size_t)e->zs_skip;
	e->zs_skip = 0;
	/* A sample that cannot be gathered (out of memory) is only a sample less. */
	if (e->zs_buf == NULL && (e->zs_buf = malloc(SIPHON_ENG_ZSAMPLE)) == NULL) {
		e->zs_skip = SIPHON_ENG_ZSAMPLE_EVERY;
		return;
	}
	take = len < SIPHON_ENG_ZSAMPLE - e->zs_len ? len : SIPHON_ENG_ZSAMPLE - e->zs_len;
	memcpy(e->zs_buf + e->zs_len, buf, take);
	e->zs_len += take;
	if (e->zs_len < SIPHON_ENG_ZSAMPLE)
		return;
	level = siphon_adapt_level(&e->adapt);
	if (siphon_zsample_size(e->zs_buf, e->zs_len, level, &at_level) == 0 &&
	    siphon_zsample_size(e->zs_buf, e->zs_len, next, &at_next) == 0) {
		siphon_adapt_gain(&e->adapt, level, at_level, at_next);
		siphon_log(e->ctx, SIPHON_LOG_DEBUG, "compression sample: %zu bytes, zstd %d %llu, zstd %d %llu",
		           e->zs_len, level, (unsigned long long)at_level, next, (unsigned long long)at_next);
	}
	e->zs_len = 0;
	e->zs_skip = SIPHON_ENG_ZSAMPLE_EVERY;
}

void
siphon_eng_adapt_feed_cb(void *arg, const unsigned char *buf, size_t len)
{
	siphon_eng_adapt_feed(arg, buf, len);
}

void
siphon_eng_adapt_switched(struct siphon_run *e, int channel, int level)
{
	send_tune(e, channel, level, e->adapt.same_host, e->adapt.why);
}
