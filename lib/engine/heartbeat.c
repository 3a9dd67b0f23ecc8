/* heartbeat.c - the watchdog channel, the heartbeat and the echo check. */
#include "engine/heartbeat.h"

#include "engine/eng.h"
#include "loop/loop.h"
#include "util/clock.h"
#include "util/random.h"

#include <stdio.h>
#include <string.h>

/* The watchdog needs a moment to end the processes after its timeout (TERM, up to 3 s, KILL). */
#define KILL_MARGIN 4

static ssize_t
hb_write(void *arg, const unsigned char *buf, size_t len)
{
	struct siphon_heartbeat *hb = arg;

	for (size_t i = 0; i < len; i++) {
		switch (buf[i]) {
		case 'r':
			hb->state = SIPHON_HB_ACTIVE;
			hb->last_heard = siphon_mono_s();
			break;
		case 'n':
			hb->state = SIPHON_HB_UNAVAILABLE;
			break;
		case 'h':
			hb->last_heard = siphon_mono_s();
			break;
		case 'X':
			hb->state = SIPHON_HB_FIRED;
			return siphon_err(hb->eng->ctx, SIPHON_ECONNECT,
			                  "%s ended the pull: it heard nothing from siphon for %d s (the workstation slept, "
			                  "or the link was down), so it stopped the pull's remote processes and released the "
			                  "database; nothing was changed locally; run it again",
			                  hb->eng->o->host, hb->remote_secs);
		default:
			break;
		}
	}
	return (ssize_t)len;
}

static int
hb_finish(void *arg)
{
	(void)arg;
	return 0;
}

/* Is a remote command other than the watchdog still running? */
static int
remote_pending(const struct siphon_heartbeat *hb)
{
	const struct siphon_loop *l = hb->eng->loop;

	for (int i = 0; i < l->nrs; i++)
		if (l->rs[i] != hb->rs && l->rs[i]->state != SIPHON_RS_DONE)
			return 1;
	return 0;
}

int
siphon_heartbeat_beat(void *arg)
{
	struct siphon_heartbeat *hb = arg;
	double now = siphon_mono_s();

	/* After a failure, cleanup runs: nothing more to watch. */
	if (hb->state != SIPHON_HB_ACTIVE || hb->rs == NULL || hb->rs->state != SIPHON_RS_RUNNING ||
	    hb->eng->ctx->errcode != 0)
		return 0;
	/*
	 * Away for longer than a period (stopped, or a long local step): the
	 * server's echoes may be waiting unread; give it a fresh interval.
	 */
	if (now - hb->last_call > 2 * hb->period)
		hb->last_heard = now;
	hb->last_call = now;
	if (now - hb->last_sent >= hb->period) {
		if (siphon_rstream_send(hb->rs, "h", 1) != 0)
			return siphon_err_oom(hb->eng->ctx);
		hb->last_sent = now;
	}
	if (now - hb->last_heard > hb->secs && remote_pending(hb))
		return siphon_err(hb->eng->ctx, SIPHON_ECONNECT,
		                  "no answer from %s for %d s: the server or the link is gone (the heartbeat got no echo); "
		                  "nothing was changed locally; run it again when the server is reachable",
		                  hb->eng->o->host, hb->secs);
	return 0;
}

/* For local commands that run while the loop waits: beat and move the watchdog's channel. */
static int
hb_idle(void *arg)
{
	struct siphon_heartbeat *hb = arg;
	int r, progress = 0;

	if ((r = siphon_heartbeat_beat(hb)) != 0)
		return r;
	if (hb->rs != NULL && hb->state == SIPHON_HB_ACTIVE && hb->eng->ctx->errcode == 0 &&
	    (r = siphon_rstream_step(hb->rs, &progress)) != 0) {
		hb->state = SIPHON_HB_FIRED;
		return r;
	}
	return 0;
}

int
siphon_heartbeat_start(struct siphon_heartbeat *hb, struct siphon_run *eng, int secs)
{
	static const char *const names[] = {"watch"};
	struct siphon_strbuf script = {0};
	struct siphon_sink sink;
	const char *stages[1];
	double t0;
	int r;

	memset(hb, 0, sizeof(*hb));
	hb->eng = eng;
	hb->secs = secs;
	hb->period = secs / 6.0 < 5 ? secs / 6.0 : 5;
	/*
	 * The server's own timeout: a heartbeat sent just before siphon went
	 * silent plus the time to end everything stay within secs.
	 */
	hb->remote_secs = (int)(secs - hb->period - KILL_MARGIN);
	if (siphon_random_hex(hb->key, sizeof(hb->key), 16) != 0)
		return siphon_err(eng->ctx, SIPHON_EINTERNAL, "no randomness for the run's name");
	if (siphon_watch_script(&script, hb->key, hb->remote_secs) != 0) {
		siphon_strbuf_free(&script);
		return siphon_err_oom(eng->ctx);
	}
	stages[0] = siphon_strbuf_str(&script);
	r = siphon_eng_new_pipeline(eng, &hb->rs, "the pull's watchdog on the server", stages, names, 1, 0);
	siphon_strbuf_free(&script);
	if (r != 0)
		return r;
	hb->rs->heartbeat = 1;
	hb->rs->arb->pinned++;
	sink.write = hb_write;
	sink.finish = hb_finish;
	sink.arg = hb;
	siphon_rstream_set_sink(hb->rs, &sink);
	hb->state = SIPHON_HB_STARTING;
	t0 = siphon_mono_s();
	while (hb->state == SIPHON_HB_STARTING && hb->rs->state != SIPHON_RS_DONE) {
		if ((r = siphon_loop_step(eng->loop, 200)) != 0)
			return r;
		if (siphon_mono_s() - t0 > 30)
			return siphon_err(eng->ctx, SIPHON_ECONNECT,
			                  "%s did not start the pull's watchdog within 30 s; check the server and run again",
			                  eng->o->host);
	}
	if (hb->state != SIPHON_HB_ACTIVE) {
		siphon_log(eng->ctx, SIPHON_LOG_WARN,
		           "%s has no `timeout` or `dd` (coreutils): if this workstation goes silent mid-pull, the "
		           "server keeps the pull's sessions and locks until TCP gives up",
		           eng->o->host);
		hb->state = SIPHON_HB_UNAVAILABLE;
		return 0;
	}
	hb->last_sent = hb->last_call = siphon_mono_s();
	eng->hb = hb;
	eng->loop->beat = siphon_heartbeat_beat;
	eng->loop->beat_arg = hb;
	eng->ctx->idle_fn = hb_idle;
	eng->ctx->idle_arg = hb;
	siphon_log(eng->ctx, SIPHON_LOG_DEBUG,
	           "the server ends the pull after %d s without a heartbeat (run directory siphon-run-%s)",
	           hb->remote_secs, hb->key);
	return 0;
}

int
siphon_heartbeat_active(const struct siphon_heartbeat *hb)
{
	return hb != NULL && hb->state == SIPHON_HB_ACTIVE;
}

int
siphon_heartbeat_level(struct siphon_heartbeat *hb, int level)
{
	char cmd[16];
	int n = snprintf(cmd, sizeof(cmd), "l%d;", level);

	if (!siphon_heartbeat_active(hb) || hb->rs == NULL || hb->rs->state != SIPHON_RS_RUNNING)
		return -1;
	if (siphon_rstream_send(hb->rs, cmd, (size_t)n) != 0)
		return siphon_err_oom(hb->eng->ctx);
	return 0;
}

void
siphon_heartbeat_stop(struct siphon_heartbeat *hb, int ok)
{
	struct siphon_run *eng = hb->eng;
	double t0;
	int progress;

	if (eng == NULL)
		return;
	if (eng->loop->beat_arg == hb) {
		eng->loop->beat = NULL;
		eng->loop->beat_arg = NULL;
	}
	if (eng->ctx->idle_arg == hb) {
		eng->ctx->idle_fn = NULL;
		eng->ctx->idle_arg = NULL;
	}
	eng->hb = NULL;
	if (hb->rs != NULL && hb->state == SIPHON_HB_ACTIVE && hb->rs->state == SIPHON_RS_RUNNING &&
	    siphon_rstream_send(hb->rs, ok ? "q" : "k", 1) == 0) {
		siphon_rstream_close_stdin(hb->rs);
		/*
		 * Done: wait (briefly) until it has removed the run directory.
		 * Failed: only until the byte is on its way; it ends the rest.
		 */
		t0 = siphon_mono_s();
		while (hb->rs->state != SIPHON_RS_DONE && siphon_mono_s() - t0 < (ok ? 3 : 1)) {
			progress = 0;
			if (siphon_rstream_step(hb->rs, &progress) != 0)
				break;
			if (!ok && hb->rs->eof_sent)
				break;
			if (!progress)
				siphon_loop_wait_socket(eng->loop, 50);
		}
	}
	if (hb->rs != NULL) {
		if (hb->rs->arb->pinned > 0)
			hb->rs->arb->pinned--;
		siphon_eng_drop_stream(eng, &hb->rs);
	}
	hb->state = SIPHON_HB_OFF;
}
