/*
 * linktest.c - how fast the link is, measured beside the probe: zeros from
 * the server over one channel for at most LINK_SECS or LINK_BYTES, and a
 * round trip from the channel's open to its confirmation.  The test's
 * channel opens first and the probe runs while its remote side starts and
 * streams, so that a server slow to start commands does not pay that
 * twice.  The policy (engine/tune.h) reads the result; nothing else
 * depends on it, so a test that cannot run (no dd on the server, a
 * replayed snapshot, a server too slow to start it) only leaves the link
 * unmeasured.
 */
#include "engine/eng.h"

#include "util/clock.h"
#include "util/ctx.h"

#include <stdlib.h>
#include <string.h>

#define LINK_BYTES (8u * 1024 * 1024)
#define LINK_SECS 0.25          /* after the first byte */
#define LINK_GIVE_UP_SECS 0.5   /* after the probe, if no byte has come: unmeasured, not slower */
/*
 * The test's own window: what is still in flight when siphon says stop
 * (at 100 Mbit/s, 1 MiB is 80 ms more), and its rate's ceiling (1 MiB per
 * round trip: 1 GB/s at 1 ms; beyond it the result is a lower bound).
 */
#define LINK_WINDOW ((size_t)1024 * 1024)

/*
 * The server's side: dd writes the zeros in the background while the
 * script waits on its stdin; siphon's EOF (enough bytes, or time is up)
 * ends dd, and the script succeeds either way.  Without dd it ends at
 * once (with its status trailer, unregistered from the watchdog): a
 * script waiting for an EOF that siphon sends only after the
 * probe would hold a channel the probe may need (a low MaxSessions).
 * Plain POSIX sh: no timeout(1), no fractional sleep.
 */
static const char link_script[] =
	"if command -v dd >/dev/null 2>&1; then\n"
	"$NICE dd if=/dev/zero bs=65536 count=128 2>/dev/null &\n"
	"siphon_dd=$!\n"
	"read siphon_x || :\n"
	"kill $siphon_dd 2>/dev/null\n"
	"wait $siphon_dd 2>/dev/null\n"
	"fi\n"
	":";

struct siphon_linktest {
	struct siphon_rstream *rs;
	double t_open, t_exec;  /* siphon_mono_s: the open asked, and confirmed */
	double first, last;     /* of the first and the last bytes */
	uint64_t first_len;     /* the first write's bytes (before the clock ran) */
	uint64_t bytes;
	int closed;             /* stdin's EOF asked for: dd is told to stop */
};

/* Enough bytes, or enough time since the first: the server stops sending. */
static void
enough(struct siphon_linktest *lt, double now)
{
	if (!lt->closed && (lt->bytes >= LINK_BYTES || (lt->bytes > 0 && now - lt->first >= LINK_SECS))) {
		siphon_rstream_close_stdin(lt->rs);
		lt->closed = 1;
	}
}

/* The sink: counts and times, keeps nothing; says stop while the probe's loop steps. */
static ssize_t
meter_write(void *arg, const unsigned char *buf, size_t len)
{
	struct siphon_linktest *lt = arg;
	double now = siphon_mono_s();

	(void)buf;
	if (lt->bytes == 0) {
		lt->first = now;
		lt->first_len = len;
	}
	lt->last = now;
	lt->bytes += len;
	enough(lt, now);
	return (ssize_t)len;
}

static int
meter_finish(void *arg)
{
	(void)arg;
	return 0;
}

/*
 * The figures, once the stream is done: the rate from the first byte to
 * the last, the round trip from the channel's open to its confirmation
 * (the exec's reply would add the server's fork and login session).
 */
static void
conclude(struct siphon_run *e, const struct siphon_linktest *lt)
{
	struct siphon_link *l = &e->link;
	double span = lt->last - lt->first;

	memset(l, 0, sizeof(*l));
	if (lt->t_exec <= lt->t_open || lt->bytes <= lt->first_len || span <= 0)
		return;
	l->measured = 1;
	l->bytes_per_s = (double)(lt->bytes - lt->first_len) / span;
	l->rtt_s = lt->t_exec - lt->t_open;
	/* A full window per round trip: the test's window, not the link, was the limit. */
	l->lower_bound = l->bytes_per_s * l->rtt_s >= 0.5 * (double)LINK_WINDOW;
}

void
siphon_eng_link_drop(struct siphon_run *e)
{
	if (e->linktest == NULL)
		return;
	siphon_eng_drop_stream(e, &e->linktest->rs);
	free(e->linktest);
	e->linktest = NULL;
}

int
siphon_eng_link_start(struct siphon_run *e)
{
	struct siphon_linktest *lt;
	struct siphon_snapw *snap = e->snap;
	struct siphon_sink sink = {.write = meter_write, .finish = meter_finish};
	size_t window = e->window;
	int r;

	memset(&e->link, 0, sizeof(e->link));
	if ((lt = calloc(1, sizeof(*lt))) == NULL)
		return siphon_err_oom(e->ctx);
	e->linktest = lt;
	/*
	 * Not in a snapshot (--save): the zeros mean nothing to a restore,
	 * which has no link to measure.  The test's window is its own.
	 */
	e->snap = NULL;
	e->window = LINK_WINDOW;
	r = siphon_eng_new_stream(e, &lt->rs, "measuring the link", link_script, 1);
	e->snap = snap;
	e->window = window;
	if (r != 0)
		return r;
	lt->rs->explain = NULL;
	lt->rs->may_fail = 1;
	sink.arg = lt;
	siphon_rstream_set_sink(lt->rs, &sink);
	/*
	 * Until the channel is open (a round trip; the probe's channel could
	 * not open before it anyway), with short waits: they bound the round
	 * trip's error.
	 */
	lt->t_open = siphon_mono_s();
	while (lt->rs->state < SIPHON_RS_EXEC)
		if ((r = siphon_loop_step(e->loop, 1)) != 0)
			return r;
	lt->t_exec = siphon_mono_s();
	return 0;
}

int
siphon_eng_link_finish(struct siphon_run *e)
{
	struct siphon_linktest *lt = e->linktest;
	double t0 = siphon_mono_s();
	int r = 0;

	if (lt == NULL)
		return 0;
	while (lt->rs->state != SIPHON_RS_DONE) {
		double now = siphon_mono_s();

		enough(lt, now);
		/* Not started yet: give up rather than make the pull wait for it. */
		if (!lt->closed && lt->bytes == 0 && now - t0 >= LINK_GIVE_UP_SECS) {
			siphon_rstream_close_stdin(lt->rs);
			lt->closed = 1;
		}
		if ((r = siphon_loop_step(e->loop, 10)) != 0)
			goto out;
	}
	if (lt->rs->failed)
		siphon_log(e->ctx, SIPHON_LOG_DEBUG, "the link test failed on %s: %s", e->o->host,
		           siphon_rstream_stderr(lt->rs));
	else
		conclude(e, lt);
	siphon_log(e->ctx, SIPHON_LOG_DEBUG, "link test: %llu bytes in %.3f s (%.3f s in all, %.3f s after the probe)",
	           (unsigned long long)lt->bytes, lt->bytes > 0 ? lt->last - lt->first : 0.0,
	           siphon_mono_s() - lt->t_open, siphon_mono_s() - t0);
out:
	siphon_eng_link_drop(e);
	return r;
}
