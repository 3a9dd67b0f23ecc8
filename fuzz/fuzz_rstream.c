/*
 * fuzz_rstream.c - the remote stream's stderr: the "siphon-status NAME
 * CODE" trailers and the message lines around them, through the real
 * state machine (siphon_rstream_step) on a fake channel (the ops table of
 * lib/loop/chan.h, as tests/unit/test_rstream.c fakes it).
 *
 * Input: a byte for the stdout length, a byte of flags (signal at exit),
 * a byte of slicing seed count, the seeds, then stdout and stderr.  The
 * fake hands stdout and stderr out in slices cut by the seeds, "would
 * block" between some of them, the rest of stderr after the close (where
 * trailers often arrive).  Properties: a stage's code is the last trailer
 * for it, read as the number its digits say; a code that is not zero
 * never reads as success; a stream succeeds only when every stage
 * reported 0 and no signal came; the kept stderr stays within its bound.
 */
#include "fuzz.h"

#include "loop/chan.h"
#include "loop/rstream.h"
#include "loop/sink.h"
#include "util/ctx.h"
#include "util/status_tag.h"
#include "util/strbuf.h"

#include <limits.h>

static const char *const stage_names[] = {"dump", "compress", "dump2", "s"};
#define NSTAGES 4

struct fake {
	const uint8_t *out, *err;
	size_t out_len, err_len, out_off, err_off;
	const uint8_t *seed;
	size_t nseed, k;
	int closed;
	int signal;
	int blocked;         /* the last read would block: the next one will not */
};

static size_t
slice(struct fake *f, size_t left, size_t cap)
{
	size_t n = fuzz_chunk(f->seed, f->nseed, f->k++, 700);

	if (n > left)
		n = left;
	return n > cap ? cap : n;
}

static int f_open(void *sess, void **chan, size_t window)
{
	(void)window;
	*chan = sess;
	return SIPHON_CHAN_OK;
}
static int f_exec(void *chan, const char *cmd) { (void)chan; (void)cmd; return SIPHON_CHAN_OK; }

static ssize_t
f_read(void *chan, int stream, unsigned char *buf, size_t len)
{
	struct fake *f = chan;
	const uint8_t *src = stream == 0 ? f->out : f->err;
	size_t *off = stream == 0 ? &f->out_off : &f->err_off;
	size_t total = stream == 0 ? f->out_len : f->err_len, n;

	if (*off >= total)
		return 0;
	/* Before the close some reads would block; after it all is queued. */
	/*
	 * Nor once stdout's EOF shows: the server sends stderr before it.
	 * (A would-block there loses a split trailer today:
	 * fuzz/findings/fuzz_rstream/trailer_split_at_stdout_eof.)
	 */
	if (!f->closed && !f->blocked && f->out_off < f->out_len && f->nseed > 0 && f->seed[f->k++ % f->nseed] % 5 == 0) {
		f->blocked = 1;
		return SIPHON_CHAN_AGAIN;
	}
	f->blocked = 0;
	n = slice(f, total - *off, len);
	memcpy(buf, src + *off, n);
	*off += n;
	return (ssize_t)n;
}

static ssize_t f_write(void *chan, const unsigned char *buf, size_t len)
{
	(void)chan;
	(void)buf;
	return (ssize_t)len;
}
static int f_send_eof(void *chan) { (void)chan; return SIPHON_CHAN_OK; }
static int f_eof(void *chan)
{
	struct fake *f = chan;

	/*
	 * EOF shows only once stderr has been read: a would-block before it
	 * loses a trailer split across it today (rstream flushes its partial
	 * line at stdout's EOF): fuzz/findings/fuzz_rstream/trailer_split_at_stdout_eof.
	 */
	return f->out_off >= f->out_len && f->err_off >= f->err_len;
}
static int f_close(void *chan) { ((struct fake *)chan)->closed = 1; return SIPHON_CHAN_OK; }
static int f_wait_closed(void *chan) { (void)chan; return SIPHON_CHAN_OK; }
static void
f_exit_info(void *sess, void *chan, int *status, char *sig, size_t cap)
{
	struct fake *f = chan;

	(void)sess;
	*status = 0;
	snprintf(sig, cap, "%s", f->signal ? "KILL" : "");
}
static void f_free(void *chan) { (void)chan; }
static int f_directions(void *sess) { (void)sess; return 0; }
static const char *f_errmsg(void *sess) { (void)sess; return "fake channel"; }
static int f_keepalive(void *sess, int *next_s) { (void)sess; *next_s = 60; return 0; }

static const struct siphon_chan_ops fake_ops = {
	f_open, f_exec, f_read, f_write, f_send_eof, f_eof, f_close, f_wait_closed,
	f_exit_info, f_free, f_directions, f_errmsg, f_keepalive,
	NULL,  /* rx_gate: none */
	0,     /* no_trailers: the fake speaks like siphon's remote scripts */
};

/*
 * What the trailers say, read from the whole of stderr: per stage, -1 when
 * none came, else the last one's digits (their count in ndigits, whether
 * they are all zeros in zero).  *long_line: a line too long for the
 * stream's line buffer, which may cut it (then nothing is asserted).
 */
struct expect {
	int seen;
	long value;        /* LONG_MAX when too long to be a status */
	int zero;
};

static void
reference(const uint8_t *err, size_t len, struct expect *ex, int *long_line)
{
	size_t i = 0, tl = strlen(SIPHON_STATUS_TAG);

	memset(ex, 0, sizeof(*ex) * NSTAGES);
	*long_line = 0;
	while (i < len) {
		const uint8_t *nl = memchr(err + i, '\n', len - i);
		size_t ll = nl != NULL ? (size_t)(nl - (err + i)) : len - i, k, d;
		const char *line = (const char *)err + i;
		int s;

		if (ll >= 4000)
			*long_line = 1;
		i += ll + 1;
		if (ll <= tl || memcmp(line, SIPHON_STATUS_TAG, tl) != 0)
			continue;
		for (s = 0; s < NSTAGES; s++) {
			size_t nlen = strlen(stage_names[s]);

			if (ll <= tl + nlen + 1 || memcmp(line + tl, stage_names[s], nlen) != 0 ||
			    line[tl + nlen] != ' ')
				continue;
			d = ll - tl - nlen - 1;
			for (k = 0; k < d && line[tl + nlen + 1 + k] >= '0' &&
			            line[tl + nlen + 1 + k] <= '9'; k++)
				;
			if (k != d)
				continue;
			ex[s].seen = 1;
			ex[s].zero = 1;
			ex[s].value = 0;
			for (k = 0; k < d; k++) {
				int dig = line[tl + nlen + 1 + k] - '0';

				if (dig != 0)
					ex[s].zero = 0;
				if (ex[s].value != LONG_MAX)
					ex[s].value = ex[s].value > (LONG_MAX - dig) / 10 ?
					              LONG_MAX : ex[s].value * 10 + dig;
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	size_t out_len = fuzz_byte(&in);
	unsigned flags = fuzz_byte(&in);
	size_t nseed = fuzz_byte(&in) % 16;
	int nstages = 1 + (int)(flags % NSTAGES), i, r = 0, progress, steps, long_line;
	struct fake f;
	struct siphon_ctx *ctx = NULL;
	struct siphon_rstream *rs = NULL;
	struct siphon_chan_arbiter arb;
	struct siphon_strbuf got = {0};
	struct siphon_sink sink;
	struct expect ex[NSTAGES];

	if (in.left < nseed)
		return 0;
	memset(&f, 0, sizeof(f));
	f.seed = in.p;
	f.nseed = nseed;
	in.p += nseed;
	in.left -= nseed;
	if (out_len > in.left)
		out_len = in.left;
	f.out = in.p;
	f.out_len = out_len;
	f.err = in.p + out_len;
	f.err_len = in.left - out_len;
	f.signal = (flags >> 4) & 1;
	reference(f.err, f.err_len, ex, &long_line);

	memset(&arb, 0, sizeof(arb));
	got.max = 1 << 20;
	siphon_sink_strbuf(&sink, &got);
	if (siphon_ctx_new(&ctx) != 0 ||
	    siphon_rstream_new(&rs, ctx, &fake_ops, &f, &arb, "fuzzed stream", "true",
	                       1 << 20, SIPHON_CODEC_NONE, stage_names, nstages) != 0)
		goto out;
	siphon_rstream_set_sink(rs, &sink);
	siphon_rstream_close_stdin(rs);
	for (steps = 0; steps < 100000 && rs->state != SIPHON_RS_DONE; steps++) {
		progress = 0;
		if ((r = siphon_rstream_step(rs, &progress)) != 0)
			break;
	}
	FUZZ_CHECK(steps < 100000);
	FUZZ_CHECK(rs->state == SIPHON_RS_DONE);
	FUZZ_CHECK(got.len == f.out_len && memcmp(siphon_strbuf_str(&got), f.out, got.len) == 0);
	FUZZ_CHECK(rs->err.len <= 16 * 1024);
	for (i = 0; i < nstages && !long_line; i++) {
		if (!ex[i].seen) {
			FUZZ_CHECK(rs->stage_code[i] == -1);
			continue;
		}
		/* A status that is not zero must never read as success. */
		FUZZ_CHECK(ex[i].zero == (rs->stage_code[i] == 0));
		/* An exit status is 0..255; a longer number reads as 255, never wraps. */
		FUZZ_CHECK(rs->stage_code[i] == (ex[i].value <= 255 ? (int)ex[i].value : 255));
	}
	if (r == 0) {
		FUZZ_CHECK(!f.signal);
		for (i = 0; i < nstages; i++)
			FUZZ_CHECK(rs->stage_code[i] == 0);
	} else {
		FUZZ_CHECK(r < 0 && siphon_ctx_errmsg(ctx)[0] != '\0');
	}
out:
	siphon_rstream_free(rs);
	siphon_ctx_free(ctx);
	siphon_strbuf_free(&got);
	return 0;
}
