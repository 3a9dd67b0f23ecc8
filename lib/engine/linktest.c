/*
 * linktest.c - how fast the link is, measured right after the probe: zeros
 * from the server over one channel for at most LINK_SECS or LINK_BYTES,
 * and a round trip from the channel's open.  The policy
 * (engine/tune.h) reads the result; nothing else depends on it, so a test
 * that cannot run (no dd on the server, a replayed snapshot) only leaves
 * the link unmeasured.
 */
#include "engine/eng.h"

#include "util/clock.h"
#include "util/ctx.h"

#include <string.h>

#define LINK_BYTES (8u * 1024 * 1024)
#define LINK_SECS 0.25          /* after the first byte */
#define LINK_GIVE_UP_SECS 0.5   /* after the open, if no byte has come: unmeasured, not slower */
/*
 * The test's own window: what is still in flight when siphon says stop
 * (at 100 Mbit/s, 1 MiB is 80 ms more), and its rate's ceiling (1 MiB per
 * round trip: 1 GB/s at 1 ms; beyond it the result is a lower bound).
 */
#define LINK_WINDOW ((size_t)1024 * 1024)

/*
 * The server's side: dd writes the zeros in the background while the
 * script waits on its stdin; siphon's EOF (enough bytes, or time is up)
 * ends dd, and the script succeeds either way.  Plain POSIX sh: no
 * timeout(1), no fractional sleep.
 */
static const char link_script[] =
	"$NICE dd if=/dev/zero bs=65536 count=128 2>/dev/null &\n"
	"siphon_dd=$!\n"
	"read siphon_x || :\n"
	"kill $siphon_dd 2>/dev/null\n"
	"wait $siphon_dd 2>/dev/null\n"
	":";

struct meter {
	double first, last;     /* siphon_mono_s of the first and the last bytes */
	uint64_t first_len;     /* the first write's bytes (before the clock ran) */
	uint64_t bytes;
};

static ssize_t
meter_write(void *arg, const unsigned char *buf, size_t len)
{
	struct meter *m = arg;
	double now = siphon_mono_s();

	(void)buf;
	if (m->bytes == 0) {
		m->first = now;
		m->first_len = len;
	}
	m->last = now;
	m->bytes += len;
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
 * the last (the first write's bytes came before the clock started), the
 * round trip from the channel's open to its confirmation (the exec's
 * reply would add the server's fork and login session).
 */
static void
conclude(struct siphon_run *e, const struct meter *m, double t_open, double t_exec)
{
	struct siphon_link *l = &e->link;
	double span = m->last - m->first;

	memset(l, 0, sizeof(*l));
	if (t_exec <= t_open || m->bytes <= m->first_len || span <= 0)
		return;
	l->measured = 1;
	l->bytes_per_s = (double)(m->bytes - m->first_len) / span;
	l->rtt_s = t_exec - t_open;
	/* A full window per round trip: the test's window, not the link, was the limit. */
	l->lower_bound = l->bytes_per_s * l->rtt_s >= 0.5 * (double)LINK_WINDOW;
}

int
siphon_eng_link_test(struct siphon_run *e)
{
	struct siphon_rstream *rs = NULL;
	struct siphon_snapw *snap = e->snap;
	struct meter m;
	struct siphon_sink sink = {.write = meter_write, .finish = meter_finish, .arg = &m};
	size_t window = e->window;
	double t_open, t_exec = 0;
	int r, closed = 0;

	memset(&e->link, 0, sizeof(e->link));
	memset(&m, 0, sizeof(m));
	/*
	 * Not in a snapshot (--save): the zeros mean nothing to a restore,
	 * which has no link to measure.  The test's window is its own.
	 */
	e->snap = NULL;
	e->window = LINK_WINDOW;
	r = siphon_eng_new_stream(e, &rs, "measuring the link", link_script, 1);
	e->snap = snap;
	e->window = window;
	if (r != 0)
		goto out;
	rs->explain = NULL;
	rs->may_fail = 1;
	siphon_rstream_set_sink(rs, &sink);
	t_open = siphon_mono_s();
	while (rs->state != SIPHON_RS_DONE) {
		double now;

		/* Short waits until the channel is open: they bound the round trip's error. */
		if ((r = siphon_loop_step(e->loop, t_exec == 0 ? 1 : 10)) != 0)
			goto out;
		now = siphon_mono_s();
		if (t_exec == 0 && rs->state >= SIPHON_RS_EXEC)
			t_exec = now;
		if (!closed && (m.bytes >= LINK_BYTES || (m.bytes > 0 && now - m.first >= LINK_SECS) ||
		                now - t_open >= LINK_GIVE_UP_SECS)) {
			siphon_rstream_close_stdin(rs);
			closed = 1;
		}
	}
	if (rs->failed)
		siphon_log(e->ctx, SIPHON_LOG_DEBUG, "the link test failed on %s: %s", e->o->host,
		           siphon_rstream_stderr(rs));
	else
		conclude(e, &m, t_open, t_exec);
	siphon_log(e->ctx, SIPHON_LOG_DEBUG, "link test: %llu bytes in %.3f s (%.3f s in all)",
	           (unsigned long long)m.bytes, m.bytes > 0 ? m.last - m.first : 0.0, siphon_mono_s() - t_open);
out:
	siphon_eng_drop_stream(e, &rs);
	return r;
}
