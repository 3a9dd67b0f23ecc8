/*
 * test_rstream.c - unit tests of lib/loop/rstream, the state machine of one
 * remote command on one channel, driven through a scripted fake of
 * struct siphon_chan_ops (lib/loop/chan.h): no libssh2, no server.
 *
 * Each fake call follows a script: open, exec, close and wait_closed return
 * the listed codes in turn (then OK); reads hand out the listed pieces of
 * stdout and stderr, with "would block" between them where the script says
 * so; writes take the listed number of bytes.  Every call is counted, so the
 * tests can say not only what came out but also what was (not) called.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "loop/rstream.h"
#include "loop/sink.h"
#include "util/ctx.h"

#define MAXSCRIPT 64
#define MAXPIECES 4096

/* One step of a read script: bytes, or a return code when data is NULL. */
struct piece {
	const unsigned char *data;
	size_t len;
	ssize_t rc;
};

struct fsess;

struct fchan {
	struct fsess *s;
	int id;
	int exec_rcs[MAXSCRIPT], nexec_rcs, exec_calls;
	struct piece out[MAXPIECES];
	int nout, out_i;
	size_t out_off;
	struct piece err[MAXPIECES];
	int nerr, err_i;
	size_t err_off;
	int err_after_close;     /* stderr reads would block until wait_closed */
	int reads[2];
	ssize_t write_rcs[MAXSCRIPT]; /* >0: take at most that many; <=0: return it */
	int nwrite_rcs, write_calls;
	struct siphon_strbuf in;
	int eof_rcs[MAXSCRIPT], neof_rcs, send_eof_calls;
	int close_rcs[MAXSCRIPT], nclose_rcs, close_calls;
	int wait_rcs[MAXSCRIPT], nwait_rcs, wait_calls;
	int closed;
	int exit_status;
	const char *exit_signal;
	int freed;
	size_t window;
	char *cmd;
};

struct fsess {
	int open_rcs[MAXSCRIPT], nopen_rcs, open_calls;
	struct fchan *chans[4];
	int nchans, next_chan;
	int dirs;
	const char *errmsg;
};

/* The i-th scripted code of a call, OK once the script is used up. */
static int
scripted(const int *rcs, int n, int i)
{
	return i < n ? rcs[i] : SIPHON_CHAN_OK;
}

static int
f_open(void *sess, void **chan, size_t window)
{
	struct fsess *s = sess;
	int rc = scripted(s->open_rcs, s->nopen_rcs, s->open_calls++);
	struct fchan *c;

	if (rc != SIPHON_CHAN_OK)
		return rc;
	assert_true(s->next_chan < s->nchans);
	c = s->chans[s->next_chan++];
	c->window = window;
	*chan = c;
	return SIPHON_CHAN_OK;
}

static int
f_exec(void *chan, const char *cmd)
{
	struct fchan *c = chan;
	int rc = scripted(c->exec_rcs, c->nexec_rcs, c->exec_calls++);

	assert_false(c->freed);
	if (rc == SIPHON_CHAN_OK) {
		free(c->cmd);
		c->cmd = strdup(cmd);
	}
	return rc;
}

static ssize_t
take(struct piece *p, int n, int *i, size_t *off, unsigned char *buf, size_t len)
{
	size_t k;

	if (*i >= n)
		return SIPHON_CHAN_AGAIN;
	if (p[*i].data == NULL)
		return p[(*i)++].rc;
	k = p[*i].len - *off;
	if (k > len)
		k = len;
	memcpy(buf, p[*i].data + *off, k);
	*off += k;
	if (*off == p[*i].len) {
		(*i)++;
		*off = 0;
	}
	return (ssize_t)k;
}

static ssize_t
f_read(void *chan, int stream, unsigned char *buf, size_t len)
{
	struct fchan *c = chan;

	assert_false(c->freed);
	assert_true(stream == 0 || stream == 1);
	assert_true(len > 0);
	c->reads[stream]++;
	if (stream == 0)
		return take(c->out, c->nout, &c->out_i, &c->out_off, buf, len);
	if (c->err_after_close && !c->closed)
		return SIPHON_CHAN_AGAIN;
	return take(c->err, c->nerr, &c->err_i, &c->err_off, buf, len);
}

static ssize_t
f_write(void *chan, const unsigned char *buf, size_t len)
{
	struct fchan *c = chan;
	ssize_t rc = c->write_calls < c->nwrite_rcs ? c->write_rcs[c->write_calls] : (ssize_t)len;

	assert_false(c->freed);
	assert_int_equal(c->send_eof_calls, 0);
	c->write_calls++;
	if (rc <= 0)
		return rc;
	if ((size_t)rc > len)
		rc = (ssize_t)len;
	assert_int_equal(siphon_strbuf_append(&c->in, buf, (size_t)rc), 0);
	return rc;
}

static int
f_send_eof(void *chan)
{
	struct fchan *c = chan;

	return scripted(c->eof_rcs, c->neof_rcs, c->send_eof_calls++);
}

/*
 * The remote side has sent EOF once every piece is out.  Like libssh2, EOF
 * is not reported while data of the channel still waits to be read: both
 * streams' data precede the EOF on the wire.  (err_after_close models
 * stderr still queued when the channel closes.)
 */
static int
f_eof(void *chan)
{
	struct fchan *c = chan;

	return c->out_i >= c->nout && (c->err_after_close || c->err_i >= c->nerr);
}

static int
f_close(void *chan)
{
	struct fchan *c = chan;

	return scripted(c->close_rcs, c->nclose_rcs, c->close_calls++);
}

static int
f_wait_closed(void *chan)
{
	struct fchan *c = chan;
	int rc = scripted(c->wait_rcs, c->nwait_rcs, c->wait_calls++);

	assert_true(c->close_calls > 0);
	if (rc == SIPHON_CHAN_OK)
		c->closed = 1;
	return rc;
}

static void
f_exit_info(void *sess, void *chan, int *status, char *sig, size_t cap)
{
	struct fchan *c = chan;

	(void)sess;
	*status = c->exit_status;
	snprintf(sig, cap, "%s", c->exit_signal != NULL ? c->exit_signal : "");
}

static void
f_free(void *chan)
{
	struct fchan *c = chan;

	assert_false(c->freed);
	c->freed = 1;
}

static int
f_directions(void *sess)
{
	return ((struct fsess *)sess)->dirs;
}

static const char *
f_errmsg(void *sess)
{
	struct fsess *s = sess;

	return s->errmsg != NULL ? s->errmsg : "fake session error";
}

static int
f_keepalive(void *sess, int *next_s)
{
	(void)sess;
	*next_s = 60;
	return SIPHON_CHAN_OK;
}

static const struct siphon_chan_ops fake_ops = {
	.open = f_open,
	.exec = f_exec,
	.read = f_read,
	.write = f_write,
	.send_eof = f_send_eof,
	.eof = f_eof,
	.close = f_close,
	.wait_closed = f_wait_closed,
	.exit_info = f_exit_info,
	.free = f_free,
	.directions = f_directions,
	.errmsg = f_errmsg,
	.keepalive = f_keepalive,
};

/* Script helpers. */
static void
add_piece(struct piece *p, int *n, const void *data, size_t len)
{
	assert_true(*n < MAXPIECES);
	p[*n].data = data;
	p[*n].len = len;
	p[*n].rc = 0;
	(*n)++;
}

static void
add_rc(struct piece *p, int *n, ssize_t rc)
{
	assert_true(*n < MAXPIECES);
	p[*n].data = NULL;
	p[*n].len = 0;
	p[*n].rc = rc;
	(*n)++;
}

#define OUT(c, s) add_piece((c)->out, &(c)->nout, (s), strlen(s))
#define ERR(c, s) add_piece((c)->err, &(c)->nerr, (s), strlen(s))
#define OUT_AGAIN(c) add_rc((c)->out, &(c)->nout, SIPHON_CHAN_AGAIN)
#define ERR_AGAIN(c) add_rc((c)->err, &(c)->nerr, SIPHON_CHAN_AGAIN)

static void
script(int *rcs, int *n, int count, int rc)
{
	for (int i = 0; i < count; i++) {
		assert_true(*n < MAXSCRIPT);
		rcs[(*n)++] = rc;
	}
}

/* One stream over one fake channel, with a memory sink. */
struct fx {
	struct siphon_ctx *ctx;
	struct fsess sess;
	struct fchan chan[2];
	struct siphon_chan_arbiter arb;
	struct siphon_rstream *rs;
	struct siphon_strbuf got;
};

static const char *const two_stages[] = { "dump", "compress" };

static const char ok_trailers[] = "siphon-status dump 0\nsiphon-status compress 0\n";

static struct fx *
fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(siphon_ctx_new(&f->ctx), 0);
	for (int i = 0; i < 2; i++) {
		f->chan[i].s = &f->sess;
		f->chan[i].id = i;
		f->sess.chans[i] = &f->chan[i];
	}
	f->sess.nchans = 2;
	return f;
}

static void
fx_stream(struct fx *f, enum siphon_codec_kind codec)
{
	struct siphon_sink sink;

	assert_int_equal(siphon_rstream_new(&f->rs, f->ctx, &fake_ops, &f->sess, &f->arb,
	                                    "pg_dump of the data", "/bin/sh -c 'x'", 2 * 1024 * 1024,
	                                    codec, two_stages, 2), 0);
	siphon_sink_strbuf(&sink, &f->got);
	siphon_rstream_set_sink(f->rs, &sink);
}

static void
fx_free(struct fx *f)
{
	siphon_rstream_free(f->rs);
	for (int i = 0; i < 2; i++) {
		siphon_strbuf_free(&f->chan[i].in);
		free(f->chan[i].cmd);
	}
	siphon_strbuf_free(&f->got);
	siphon_ctx_free(f->ctx);
	free(f);
}

/* Steps until DONE or an error; returns the last code. */
static int
run(struct siphon_rstream *rs, int max_steps)
{
	for (int i = 0; i < max_steps; i++) {
		int progress = 0;
		int r = siphon_rstream_step(rs, &progress);

		if (r != 0)
			return r;
		if (rs->state == SIPHON_RS_DONE)
			return 0;
	}
	fail_msg("the stream did not finish in %d steps (state %d)", max_steps, (int)rs->state);
	return 0;
}

static int
step(struct siphon_rstream *rs, int *progress)
{
	*progress = 0;
	return siphon_rstream_step(rs, progress);
}

static void
test_rstream_happy_path(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	int progress, code;

	(void)state;
	script(f->sess.open_rcs, &f->sess.nopen_rcs, 3, SIPHON_CHAN_AGAIN);
	script(c->exec_rcs, &c->nexec_rcs, 2, SIPHON_CHAN_AGAIN);
	OUT(c, "hello ");
	OUT_AGAIN(c);
	OUT(c, "wor");
	OUT_AGAIN(c);
	OUT_AGAIN(c);
	OUT(c, "ld\n");
	add_rc(c->out, &c->nout, 0);
	OUT(c, "second line\n");
	ERR(c, "pg_dump: warning: something\nsiphon-status dump 0\nsiphon-sta");
	ERR_AGAIN(c);
	ERR(c, "tus compress 0\n");
	script(c->close_rcs, &c->nclose_rcs, 1, SIPHON_CHAN_AGAIN);
	script(c->wait_rcs, &c->nwait_rcs, 2, SIPHON_CHAN_AGAIN);
	c->exit_status = 0;
	fx_stream(f, SIPHON_CODEC_NONE);

	assert_int_equal(f->rs->state, SIPHON_RS_QUEUED);
	assert_int_equal(siphon_rstream_waiting_remote(f->rs), 0);
	/* Three would-blocks on open: the stream owns the open meanwhile. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(step(f->rs, &progress), 0);
		assert_int_equal(f->rs->state, SIPHON_RS_OPENING);
		assert_ptr_equal(f->arb.open_owner, f->rs);
		assert_int_equal(f->arb.live, 0);
		assert_int_equal(siphon_rstream_waiting_remote(f->rs), 1);
	}
	assert_int_equal(f->sess.open_calls, 3);
	/* Open succeeds, exec would block twice. */
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(progress, 1);
	assert_int_equal(f->rs->state, SIPHON_RS_EXEC);
	assert_int_equal(f->arb.live, 1);
	assert_ptr_equal(f->arb.open_owner, f->rs);
	assert_int_equal(c->window, 2 * 1024 * 1024);
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(f->rs->state, SIPHON_RS_EXEC);
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(f->rs->state, SIPHON_RS_RUNNING);
	assert_null(f->arb.open_owner);
	assert_string_equal(c->cmd, "/bin/sh -c 'x'");
	assert_int_equal(c->exec_calls, 3);

	assert_int_equal(run(f->rs, 100), 0);
	assert_int_equal(f->rs->state, SIPHON_RS_DONE);
	assert_string_equal(siphon_strbuf_str(&f->got), "hello world\nsecond line\n");
	assert_int_equal(f->rs->wire_bytes, 24);
	assert_int_equal(f->rs->raw_bytes, 24);
	assert_string_equal(siphon_rstream_stderr(f->rs), "pg_dump: warning: something\n");
	assert_null(siphon_rstream_failed_stage(f->rs, &code));
	assert_int_equal(code, 0);
	assert_int_equal(f->rs->exit_status, 0);
	assert_int_equal(c->close_calls, 2);
	assert_int_equal(c->wait_calls, 3);
	assert_int_equal(c->freed, 1);
	assert_null(f->rs->chan);
	assert_int_equal(f->arb.live, 0);
	assert_int_equal(f->arb.refused, 0);
	assert_null(f->arb.send_owner);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "");
	assert_int_equal(siphon_ctx_errcode(f->ctx), 0);
	/* Stepping a finished stream does nothing. */
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(progress, 0);
	assert_int_equal(siphon_rstream_waiting_remote(f->rs), 0);
	fx_free(f);
}

/* Runs a stream whose stdout is "data\n" and whose stderr is err_text. */
static int
run_with_stderr(struct fx *f, const char *err_text, const char *signal_name)
{
	struct fchan *c = &f->chan[0];

	OUT(c, "data\n");
	ERR(c, err_text);
	c->exit_signal = signal_name;
	fx_stream(f, SIPHON_CODEC_NONE);
	return run(f->rs, 100);
}

static void
expect_msg(struct fx *f, const char *part)
{
	const char *msg = siphon_ctx_errmsg(f->ctx);

	if (strstr(msg, part) == NULL)
		fail_msg("message '%s' lacks '%s'", msg, part);
	/* Messages are one line. */
	assert_null(strchr(msg, '\n'));
}

/*
 * The memory sink (catalogs, post-data and privilege scripts): more than its
 * cap, or a NUL byte, fails the stream with a message naming it; never a
 * silent cut reported as success.
 */
static void
test_rstream_mem_sink_bounded(void **state)
{
	struct fx *f;
	struct fchan *c;
	struct siphon_strbuf mem = {0};

	(void)state;
	/* Within the cap: all of it. */
	f = fx_new();
	c = &f->chan[0];
	OUT(c, "0123456789");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	mem.max = 10;
	siphon_rstream_set_mem_sink(f->rs, &mem);
	assert_int_equal(run(f->rs, 100), 0);
	assert_string_equal(siphon_strbuf_str(&mem), "0123456789");
	siphon_strbuf_free(&mem);
	fx_free(f);

	/* One byte over: an error that says what overflowed. */
	f = fx_new();
	c = &f->chan[0];
	OUT(c, "0123456789");
	OUT(c, "X");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	mem.max = 10;
	siphon_rstream_set_mem_sink(f->rs, &mem);
	assert_int_equal(run(f->rs, 100), SIPHON_EREMOTE);
	expect_msg(f, "pg_dump of the data sent more than 1 MB");
	siphon_strbuf_free(&mem);
	fx_free(f);

	/* A NUL byte. */
	f = fx_new();
	c = &f->chan[0];
	add_piece(c->out, &c->nout, "a\0b", 3);
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	siphon_rstream_set_mem_sink(f->rs, &mem);
	assert_int_equal(run(f->rs, 100), SIPHON_EREMOTE);
	expect_msg(f, "pg_dump of the data sent a NUL byte");
	siphon_strbuf_free(&mem);
	fx_free(f);
}

static void
test_rstream_stage_failed(void **state)
{
	struct fx *f = fx_new();
	int code;

	(void)state;
	assert_int_equal(run_with_stderr(f,
	    "pg_dump: error: connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" failed:\n"
	    "FATAL:  database \"nope\" does not exist\n"
	    "siphon-status dump 1\nsiphon-status compress 0\n", NULL), SIPHON_EREMOTE);
	assert_int_equal(siphon_ctx_errcode(f->ctx), SIPHON_EREMOTE);
	expect_msg(f, "pg_dump of the data failed on the server (dump exited 1): ");
	expect_msg(f, "FATAL:  database \"nope\" does not exist");
	expect_msg(f, "pg_dump: error: connection to server");
	assert_string_equal(siphon_rstream_failed_stage(f->rs, &code), "dump");
	assert_int_equal(code, 1);
	assert_int_equal(f->rs->state, SIPHON_RS_DONE);
	assert_int_equal(f->chan[0].freed, 1);
	assert_int_equal(f->arb.live, 0);
	fx_free(f);

	/* The second stage failing, with no stderr text at all. */
	f = fx_new();
	assert_int_equal(run_with_stderr(f, "siphon-status dump 0\nsiphon-status compress 2\n", NULL),
	                 SIPHON_EREMOTE);
	assert_string_equal(siphon_ctx_errmsg(f->ctx),
	                    "pg_dump of the data failed on the server (compress exited 2)");
	assert_string_equal(siphon_rstream_failed_stage(f->rs, &code), "compress");
	assert_int_equal(code, 2);
	fx_free(f);

	/* SIGPIPE-style codes are failures too. */
	f = fx_new();
	assert_int_equal(run_with_stderr(f, "siphon-status dump 141\nsiphon-status compress 0\n", NULL),
	                 SIPHON_EREMOTE);
	expect_msg(f, "(dump exited 141)");
	fx_free(f);
}

static void
test_rstream_missing_trailers(void **state)
{
	struct fx *f = fx_new();
	int code;

	(void)state;
	assert_int_equal(run_with_stderr(f, "bash: line 1: syntax error\n", NULL), SIPHON_ECONNECT);
	expect_msg(f, "pg_dump of the data ended without reporting its status");
	expect_msg(f, "bash: line 1: syntax error");
	assert_string_equal(siphon_rstream_failed_stage(f->rs, &code), "dump");
	assert_int_equal(code, -1);
	fx_free(f);

	/* One of the two. */
	f = fx_new();
	assert_int_equal(run_with_stderr(f, "siphon-status dump 0\n", NULL), SIPHON_ECONNECT);
	assert_string_equal(siphon_ctx_errmsg(f->ctx),
	                    "pg_dump of the data ended without reporting its status "
	                    "(connection cut, or the remote shell failed)");
	assert_string_equal(siphon_rstream_failed_stage(f->rs, &code), "compress");
	fx_free(f);

	/* Nothing at all on stderr. */
	f = fx_new();
	assert_int_equal(run_with_stderr(f, "", NULL), SIPHON_ECONNECT);
	expect_msg(f, "ended without reporting its status");
	fx_free(f);

	/* Trailers of other names, or names that only start alike, do not count. */
	f = fx_new();
	assert_int_equal(run_with_stderr(f, "siphon-status dumpx 0\nsiphon-status dum 0\n"
	                                    "siphon-status compress 0\nsiphon-status  dump 0\n", NULL),
	                 SIPHON_ECONNECT);
	fx_free(f);
}

static void
test_rstream_trailer_127(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	assert_int_equal(run_with_stderr(f, "sh: 1: zstd: not found\n"
	                                    "siphon-status dump 0\nsiphon-status compress 127\n", NULL),
	                 SIPHON_EREMOTE);
	assert_string_equal(siphon_ctx_errmsg(f->ctx),
	                    "pg_dump of the data: 'compress' was not found on the server (exit 127): "
	                    "sh: 1: zstd: not found");
	fx_free(f);
}

static void
test_rstream_exit_signal(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	/* Even with every trailer 0, a killed command is a failure. */
	assert_int_equal(run_with_stderr(f, ok_trailers, "KILL"), SIPHON_EREMOTE);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "pg_dump of the data was killed on the server by SIGKILL");
	fx_free(f);

	f = fx_new();
	assert_int_equal(run_with_stderr(f, "out of memory\n", "TERM"), SIPHON_EREMOTE);
	assert_string_equal(siphon_ctx_errmsg(f->ctx),
	                    "pg_dump of the data was killed on the server by SIGTERM: out of memory");
	fx_free(f);
}

/* Trailers and stderr text mixed, split at awkward places, last line unended. */
static void
test_rstream_trailers_split_and_unterminated(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	static const char text[] = "note: a\nsiphon-status dump 0\nnote: b\nsiphon-status compress 0";

	(void)state;
	OUT(c, "x");
	for (size_t i = 0; i < sizeof(text) - 1; i++) {
		add_piece(c->err, &c->nerr, text + i, 1);
		if (i % 3 == 0)
			ERR_AGAIN(c);
	}
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(run(f->rs, 1000), 0);
	assert_string_equal(siphon_rstream_stderr(f->rs), "note: a\nnote: b\n");
	assert_string_equal(siphon_strbuf_str(&f->got), "x");
	fx_free(f);
}

/* The trailers can sit in the stderr queue until after the channel closed. */
static void
test_rstream_trailers_after_close(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];

	(void)state;
	c->err_after_close = 1;
	OUT(c, "payload");
	ERR(c, "late\n");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(run(f->rs, 100), 0);
	assert_string_equal(siphon_rstream_stderr(f->rs), "late\n");
	fx_free(f);
}

/* Remote stderr is kept bounded, and trailers after a flood still count. */
static void
test_rstream_stderr_bounded(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	char *flood = malloc(200 * 1024 + 1);
	char *longline = malloc(20 * 1024 + 1);

	(void)state;
	assert_non_null(flood);
	assert_non_null(longline);
	for (size_t i = 0; i < 200 * 1024; i++)
		flood[i] = i % 80 == 79 ? '\n' : 'w';
	flood[200 * 1024] = '\0';
	memset(longline, 'L', 20 * 1024);
	longline[20 * 1024] = '\0';
	OUT(c, "d");
	ERR(c, flood);
	ERR(c, longline);
	ERR(c, "\n");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(run(f->rs, 1000), 0);
	assert_true(strlen(siphon_rstream_stderr(f->rs)) <= 16 * 1024);
	assert_true(strlen(siphon_rstream_stderr(f->rs)) > 8 * 1024);
	fx_free(f);
	free(flood);
	free(longline);
}

static int explain_calls;

static int
explain_db_missing(void *arg, struct siphon_rstream *rs)
{
	explain_calls++;
	assert_ptr_equal(arg, &explain_calls);
	if (strstr(siphon_rstream_stderr(rs), "does not exist") != NULL)
		return siphon_err(rs->ctx, SIPHON_EREMOTE, "there is no database \"nope\" on the server");
	return 0;
}

static void
test_rstream_explain(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	struct siphon_sink sink;

	(void)state;
	explain_calls = 0;
	OUT(c, "x");
	ERR(c, "FATAL:  database \"nope\" does not exist\nsiphon-status dump 1\nsiphon-status compress 0\n");
	assert_int_equal(siphon_rstream_new(&f->rs, f->ctx, &fake_ops, &f->sess, &f->arb, "pg_dump",
	                                    "cmd", 65536, SIPHON_CODEC_NONE, two_stages, 2), 0);
	siphon_sink_strbuf(&sink, &f->got);
	siphon_rstream_set_sink(f->rs, &sink);
	f->rs->explain = explain_db_missing;
	f->rs->explain_arg = &explain_calls;
	assert_int_equal(run(f->rs, 100), SIPHON_EREMOTE);
	assert_int_equal(explain_calls, 1);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "there is no database \"nope\" on the server");
	fx_free(f);

	/* An explainer with nothing to say leaves the generic message; success skips it. */
	f = fx_new();
	c = &f->chan[0];
	OUT(c, "x");
	ERR(c, "other\nsiphon-status dump 3\nsiphon-status compress 0\n");
	fx_stream(f, SIPHON_CODEC_NONE);
	f->rs->explain = explain_db_missing;
	f->rs->explain_arg = &explain_calls;
	assert_int_equal(run(f->rs, 100), SIPHON_EREMOTE);
	assert_int_equal(explain_calls, 2);
	expect_msg(f, "(dump exited 3): other");
	fx_free(f);

	f = fx_new();
	c = &f->chan[0];
	OUT(c, "x");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	f->rs->explain = explain_db_missing;
	f->rs->explain_arg = &explain_calls;
	assert_int_equal(run(f->rs, 100), 0);
	assert_int_equal(explain_calls, 2);
	fx_free(f);
}

static void
test_rstream_refused_while_others_live(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	int progress;

	(void)state;
	script(f->sess.open_rcs, &f->sess.nopen_rcs, 1, SIPHON_CHAN_AGAIN);
	script(f->sess.open_rcs, &f->sess.nopen_rcs, 1, SIPHON_CHAN_REFUSED);
	OUT(c, "ok");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	f->arb.live = 1;    /* another stream's channel is open */
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(f->rs->state, SIPHON_RS_OPENING);
	assert_int_equal(step(f->rs, &progress), 0);
	/* Back in the queue, no error, and the open is free for others. */
	assert_int_equal(f->rs->state, SIPHON_RS_QUEUED);
	assert_int_equal(f->arb.refused, 1);
	assert_null(f->arb.open_owner);
	assert_null(f->rs->chan);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "");
	assert_int_equal(siphon_ctx_errcode(f->ctx), 0);
	assert_int_equal(f->sess.open_calls, 2);
	/* While the refusal stands, nobody tries again. */
	for (int i = 0; i < 5; i++) {
		assert_int_equal(step(f->rs, &progress), 0);
		assert_int_equal(progress, 0);
	}
	assert_int_equal(f->sess.open_calls, 2);
	assert_int_equal(f->rs->state, SIPHON_RS_QUEUED);
	/* The other channel closes (its stream clears the flag): open again. */
	f->arb.live = 0;
	f->arb.refused = 0;
	assert_int_equal(run(f->rs, 100), 0);
	assert_int_equal(f->sess.open_calls, 3);
	assert_string_equal(siphon_strbuf_str(&f->got), "ok");
	assert_int_equal(f->arb.live, 0);
	fx_free(f);
}

/*
 * A channel closes while the refused open is in flight: the refusal must not
 * wait for yet another close (there may be none), it retries at once.
 */
static void
test_rstream_refused_after_a_close_retries(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	int progress;

	(void)state;
	script(f->sess.open_rcs, &f->sess.nopen_rcs, 1, SIPHON_CHAN_AGAIN);
	script(f->sess.open_rcs, &f->sess.nopen_rcs, 1, SIPHON_CHAN_REFUSED);
	OUT(c, "ok");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	f->arb.live = 1;
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(f->rs->state, SIPHON_RS_OPENING);
	f->arb.closes++;        /* another channel closed meanwhile */
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(f->rs->state, SIPHON_RS_QUEUED);
	assert_int_equal(f->arb.refused, 1);
	assert_int_equal(run(f->rs, 100), 0);
	assert_int_equal(f->sess.open_calls, 3);
	assert_string_equal(siphon_strbuf_str(&f->got), "ok");
	fx_free(f);
}

static void
test_rstream_refused_with_nothing_live(void **state)
{
	struct fx *f = fx_new();
	int progress;

	(void)state;
	script(f->sess.open_rcs, &f->sess.nopen_rcs, 1, SIPHON_CHAN_REFUSED);
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(step(f->rs, &progress), SIPHON_ECONNECT);
	assert_string_equal(siphon_ctx_errmsg(f->ctx),
	                    "the server refused to open an SSH channel for pg_dump of the data");
	assert_int_equal(siphon_ctx_errcode(f->ctx), SIPHON_ECONNECT);
	assert_null(f->arb.open_owner);
	fx_free(f);
}

static void
test_rstream_open_and_exec_errors(void **state)
{
	struct fx *f = fx_new();
	int progress;

	(void)state;
	script(f->sess.open_rcs, &f->sess.nopen_rcs, 1, SIPHON_CHAN_ERROR);
	f->sess.errmsg = "Failure establishing ssh session";
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(step(f->rs, &progress), SIPHON_ECONNECT);
	assert_string_equal(siphon_ctx_errmsg(f->ctx),
	                    "the SSH connection was lost while opening a channel (pg_dump of the data: "
	                    "Failure establishing ssh session); check the network and run again");
	/* Freeing releases the open. */
	siphon_rstream_free(f->rs);
	f->rs = NULL;
	assert_null(f->arb.open_owner);
	fx_free(f);

	f = fx_new();
	script(f->chan[0].exec_rcs, &f->chan[0].nexec_rcs, 1, SIPHON_CHAN_AGAIN);
	script(f->chan[0].exec_rcs, &f->chan[0].nexec_rcs, 1, SIPHON_CHAN_ERROR);
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(f->arb.live, 1);
	assert_int_equal(step(f->rs, &progress), SIPHON_ECONNECT);
	expect_msg(f, "while starting a remote command");
	/* The channel is freed with the stream, and no longer counted. */
	siphon_rstream_free(f->rs);
	f->rs = NULL;
	assert_int_equal(f->chan[0].freed, 1);
	assert_int_equal(f->arb.live, 0);
	assert_null(f->arb.open_owner);
	fx_free(f);
}

static void
test_rstream_read_errors(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];

	(void)state;
	OUT(c, "partial");
	OUT_AGAIN(c);
	add_rc(c->out, &c->nout, SIPHON_CHAN_ERROR);
	OUT(c, "never");
	f->sess.errmsg = "Socket recv failure";
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(run(f->rs, 100), SIPHON_ECONNECT);
	assert_string_equal(siphon_ctx_errmsg(f->ctx),
	                    "the SSH connection was lost while reading (pg_dump of the data: "
	                    "Socket recv failure); check the network and run again");
	assert_string_equal(siphon_strbuf_str(&f->got), "partial");
	fx_free(f);

	/* The same on stderr. */
	f = fx_new();
	c = &f->chan[0];
	OUT(c, "x");
	ERR(c, "a\n");
	add_rc(c->err, &c->nerr, SIPHON_CHAN_ERROR);
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(run(f->rs, 100), SIPHON_ECONNECT);
	expect_msg(f, "lost while reading");
	fx_free(f);

	/* BUSY (another call's send pending) is only "not now". */
	f = fx_new();
	c = &f->chan[0];
	OUT(c, "a");
	add_rc(c->out, &c->nout, SIPHON_CHAN_BUSY);
	OUT(c, "b");
	ERR(c, "x");
	add_rc(c->err, &c->nerr, SIPHON_CHAN_BUSY);
	ERR(c, "\n");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(run(f->rs, 100), 0);
	assert_string_equal(siphon_strbuf_str(&f->got), "ab");
	fx_free(f);
}

static void
test_rstream_close_errors(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	script(f->chan[0].close_rcs, &f->chan[0].nclose_rcs, 1, SIPHON_CHAN_ERROR);
	assert_int_equal(run_with_stderr(f, ok_trailers, NULL), SIPHON_ECONNECT);
	expect_msg(f, "while closing a channel");
	fx_free(f);

	f = fx_new();
	script(f->chan[0].wait_rcs, &f->chan[0].nwait_rcs, 2, SIPHON_CHAN_AGAIN);
	script(f->chan[0].wait_rcs, &f->chan[0].nwait_rcs, 1, SIPHON_CHAN_ERROR);
	assert_int_equal(run_with_stderr(f, ok_trailers, NULL), SIPHON_ECONNECT);
	expect_msg(f, "while closing a channel");
	fx_free(f);
}

/* A sink that can be full, counting what it is offered. */
struct gate {
	int full;
	size_t max_take;     /* 0: all */
	int offers;
	struct siphon_strbuf sb;
};

static ssize_t
gate_write(void *arg, const unsigned char *buf, size_t len)
{
	struct gate *g = arg;

	g->offers++;
	if (g->full)
		return 0;
	if (g->max_take > 0 && len > g->max_take)
		len = g->max_take;
	assert_int_equal(siphon_strbuf_append(&g->sb, buf, len), 0);
	return (ssize_t)len;
}

static int gate_finished;

static int
gate_finish(void *arg)
{
	(void)arg;
	gate_finished++;
	return 0;
}

static void
test_rstream_backpressure(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	struct gate g = {0};
	struct siphon_sink sink = { gate_write, gate_finish, &g };
	int progress, reads;

	(void)state;
	gate_finished = 0;
	OUT(c, "first piece;");
	OUT(c, "second piece;");
	OUT(c, "third piece");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	siphon_rstream_set_sink(f->rs, &sink);
	g.full = 1;
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(f->rs->state, SIPHON_RS_RUNNING);
	assert_int_equal(f->rs->backpressured, 1);
	/* Exactly one read of stdout happened; the full sink stops further reads. */
	reads = c->reads[0];
	assert_int_equal(reads, 1);
	assert_int_equal(siphon_rstream_waiting_remote(f->rs), 0);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(step(f->rs, &progress), 0);
		assert_int_equal(c->reads[0], reads);
		assert_int_equal(f->rs->backpressured, 1);
		assert_int_equal(f->rs->state, SIPHON_RS_RUNNING);
	}
	assert_int_equal(g.sb.len, 0);
	assert_true(g.offers >= 11);
	/* Room again, a few bytes at a time. */
	g.full = 0;
	g.max_take = 5;
	assert_int_equal(run(f->rs, 100), 0);
	assert_string_equal(siphon_strbuf_str(&g.sb), "first piece;second piece;third piece");
	assert_int_equal(f->rs->backpressured, 0);
	assert_int_equal(gate_finished, 1);
	siphon_strbuf_free(&g.sb);
	fx_free(f);
}

/* A sink whose write or finish fails: the code comes back unchanged. */
struct bad_sink {
	struct siphon_ctx *ctx;
	int fail_write, fail_finish, finishes;
	struct siphon_strbuf sb;
};

static ssize_t
bad_write(void *arg, const unsigned char *buf, size_t len)
{
	struct bad_sink *b = arg;

	if (b->fail_write)
		return siphon_err(b->ctx, SIPHON_ELOCAL, "local psql exited: disk full");
	assert_int_equal(siphon_strbuf_append(&b->sb, buf, len), 0);
	return (ssize_t)len;
}

static int
bad_finish(void *arg)
{
	struct bad_sink *b = arg;

	b->finishes++;
	if (b->fail_finish)
		return siphon_err(b->ctx, SIPHON_ELOCAL, "local psql failed at the end");
	return 0;
}

static void
run_bad_sink(int fail_write, int fail_finish, const char *trailers, int want_rc,
             const char *want_msg, int want_finishes)
{
	struct fx *f = fx_new();
	struct bad_sink b = { f->ctx, fail_write, fail_finish, 0, {0} };
	struct siphon_sink sink = { bad_write, bad_finish, &b };

	OUT(&f->chan[0], "x");
	ERR(&f->chan[0], trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	siphon_rstream_set_sink(f->rs, &sink);
	assert_int_equal(run(f->rs, 100), want_rc);
	if (want_msg != NULL)
		expect_msg(f, want_msg);
	assert_int_equal(b.finishes, want_finishes);
	siphon_strbuf_free(&b.sb);
	fx_free(f);
}

static void
test_rstream_sink_errors(void **state)
{
	(void)state;
	run_bad_sink(1, 0, ok_trailers, SIPHON_ELOCAL, "local psql exited: disk full", 0);
	run_bad_sink(0, 1, ok_trailers, SIPHON_ELOCAL, "local psql failed at the end", 1);
	/* After a failed stage the sink is never told the data is whole. */
	run_bad_sink(0, 0, "siphon-status dump 1\nsiphon-status compress 0\n", SIPHON_EREMOTE,
	             "(dump exited 1)", 0);
	run_bad_sink(0, 0, ok_trailers, 0, NULL, 1);
}

static void
test_rstream_stdin(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	struct siphon_strbuf want = {0};
	static const ssize_t writes[] = { 5, SIPHON_CHAN_AGAIN, 3, 0, 1, SIPHON_CHAN_BUSY, 1000 };

	(void)state;
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		c->write_rcs[c->nwrite_rcs++] = writes[i];
	for (int i = 0; i < 50; i++)
		OUT_AGAIN(c);
	OUT(c, "result\n");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	for (int i = 0; i < 300; i++)
		assert_int_equal(siphon_strbuf_printf(&want, "SELECT %d;\n", i), 0);
	assert_int_equal(siphon_rstream_send(f->rs, want.buf, 100), 0);
	assert_int_equal(siphon_rstream_send(f->rs, want.buf + 100, want.len - 100), 0);
	siphon_rstream_close_stdin(f->rs);
	assert_int_equal(run(f->rs, 200), 0);
	assert_int_equal(c->in.len, want.len);
	assert_memory_equal(c->in.buf, want.buf, want.len);
	assert_int_equal(c->send_eof_calls, 1);
	assert_int_equal(f->rs->eof_sent, 1);
	assert_string_equal(siphon_strbuf_str(&f->got), "result\n");
	siphon_strbuf_free(&want);
	fx_free(f);
}

/* Bytes queued while running go out too, and EOF waits for them. */
static void
test_rstream_stdin_later_and_eof_again(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	int progress;

	(void)state;
	for (int i = 0; i < 20; i++)
		OUT_AGAIN(c);
	OUT(c, "done");
	ERR(c, ok_trailers);
	script(c->eof_rcs, &c->neof_rcs, 2, SIPHON_CHAN_AGAIN);
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(f->rs->state, SIPHON_RS_RUNNING);
	/* Nothing queued and no EOF asked for: no writes. */
	assert_int_equal(c->write_calls, 0);
	assert_int_equal(c->send_eof_calls, 0);
	assert_int_equal(siphon_rstream_send(f->rs, "BEGIN;\n", 7), 0);
	assert_int_equal(step(f->rs, &progress), 0);
	assert_string_equal(siphon_strbuf_str(&c->in), "BEGIN;\n");
	/* The queue is compacted once drained; more goes out in order. */
	assert_int_equal(siphon_rstream_send(f->rs, "COMMIT;\n", 8), 0);
	assert_int_equal(f->rs->in_off, 0);
	siphon_rstream_close_stdin(f->rs);
	assert_int_equal(run(f->rs, 100), 0);
	assert_string_equal(siphon_strbuf_str(&c->in), "BEGIN;\nCOMMIT;\n");
	/* Two would-blocks, then one EOF that went through. */
	assert_int_equal(c->send_eof_calls, 3);
	assert_int_equal(f->rs->eof_sent, 1);
	fx_free(f);
}

static void
test_rstream_write_error(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];

	(void)state;
	c->write_rcs[c->nwrite_rcs++] = 2;
	c->write_rcs[c->nwrite_rcs++] = SIPHON_CHAN_ERROR;
	OUT_AGAIN(c);
	OUT(c, "x");
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(siphon_rstream_send(f->rs, "abcdef", 6), 0);
	assert_int_equal(run(f->rs, 100), SIPHON_ECONNECT);
	expect_msg(f, "lost while writing");
	fx_free(f);

	f = fx_new();
	c = &f->chan[0];
	script(c->eof_rcs, &c->neof_rcs, 1, SIPHON_CHAN_ERROR);
	OUT_AGAIN(c);
	OUT(c, "x");
	fx_stream(f, SIPHON_CODEC_NONE);
	siphon_rstream_close_stdin(f->rs);
	assert_int_equal(run(f->rs, 100), SIPHON_ECONNECT);
	expect_msg(f, "lost while sending EOF");
	fx_free(f);
}

/*
 * Two streams on one session.  A's write would block with the session
 * waiting to write: libssh2 must see the same call again before anything
 * else sends, so B may neither open nor write until A's send went through.
 */
static void
test_rstream_send_owner(void **state)
{
	struct fx *f = fx_new();
	struct fchan *ca = &f->chan[0], *cb = &f->chan[1];
	struct siphon_rstream *a, *b;
	struct siphon_strbuf gota = {0}, gotb = {0};
	struct siphon_sink sink;
	int progress, opens;

	(void)state;
	ca->write_rcs[ca->nwrite_rcs++] = 4;
	ca->write_rcs[ca->nwrite_rcs++] = SIPHON_CHAN_AGAIN;
	ca->write_rcs[ca->nwrite_rcs++] = SIPHON_CHAN_AGAIN;
	for (int i = 0; i < 10; i++)
		OUT_AGAIN(ca);
	OUT(ca, "A-out");
	ERR(ca, ok_trailers);
	for (int i = 0; i < 10; i++)
		OUT_AGAIN(cb);
	OUT(cb, "B-out");
	ERR(cb, ok_trailers);
	assert_int_equal(siphon_rstream_new(&a, f->ctx, &fake_ops, &f->sess, &f->arb, "A", "a",
	                                    65536, SIPHON_CODEC_NONE, two_stages, 2), 0);
	assert_int_equal(siphon_rstream_new(&b, f->ctx, &fake_ops, &f->sess, &f->arb, "B", "b",
	                                    65536, SIPHON_CODEC_NONE, two_stages, 2), 0);
	siphon_sink_strbuf(&sink, &gota);
	siphon_rstream_set_sink(a, &sink);
	siphon_sink_strbuf(&sink, &gotb);
	siphon_rstream_set_sink(b, &sink);
	assert_int_equal(siphon_rstream_send(a, "0123456789", 10), 0);
	assert_int_equal(siphon_rstream_send(b, "bbbb", 4), 0);

	/* A opens and runs; its second write would block wanting to write. */
	f->sess.dirs = SIPHON_CHAN_WANT_WRITE;
	assert_int_equal(step(a, &progress), 0);
	assert_int_equal(a->state, SIPHON_RS_RUNNING);
	assert_int_equal(ca->write_calls, 2);
	assert_ptr_equal(f->arb.send_owner, a);
	/* B may not open now. */
	opens = f->sess.open_calls;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(step(b, &progress), 0);
		assert_int_equal(b->state, SIPHON_RS_QUEUED);
	}
	assert_int_equal(f->sess.open_calls, opens);
	/* A tries again (still blocked), then gets through. */
	assert_int_equal(step(a, &progress), 0);
	assert_ptr_equal(f->arb.send_owner, a);
	assert_int_equal(step(a, &progress), 0);
	assert_null(f->arb.send_owner);
	assert_string_equal(siphon_strbuf_str(&ca->in), "0123456789");
	/* Now B opens and runs. */
	assert_int_equal(step(b, &progress), 0);
	assert_int_equal(b->state, SIPHON_RS_RUNNING);
	assert_int_equal(f->arb.live, 2);
	assert_string_equal(siphon_strbuf_str(&cb->in), "bbbb");

	/* The other way round: B blocked mid-send keeps A from writing. */
	cb->write_rcs[cb->write_calls] = SIPHON_CHAN_AGAIN;
	cb->nwrite_rcs = cb->write_calls + 1;
	assert_int_equal(siphon_rstream_send(b, "more", 4), 0);
	assert_int_equal(step(b, &progress), 0);
	assert_ptr_equal(f->arb.send_owner, b);
	{
		int wa = ca->write_calls;

		assert_int_equal(siphon_rstream_send(a, "zz", 2), 0);
		assert_int_equal(step(a, &progress), 0);
		assert_int_equal(ca->write_calls, wa);
		assert_string_equal(siphon_strbuf_str(&ca->in), "0123456789");
	}
	assert_int_equal(step(b, &progress), 0);
	assert_null(f->arb.send_owner);
	assert_string_equal(siphon_strbuf_str(&cb->in), "bbbbmore");
	/* Both finish. */
	siphon_rstream_close_stdin(a);
	siphon_rstream_close_stdin(b);
	for (int i = 0; i < 100 && (a->state != SIPHON_RS_DONE || b->state != SIPHON_RS_DONE); i++) {
		assert_int_equal(step(a, &progress), 0);
		assert_int_equal(step(b, &progress), 0);
	}
	assert_int_equal(a->state, SIPHON_RS_DONE);
	assert_int_equal(b->state, SIPHON_RS_DONE);
	assert_string_equal(siphon_strbuf_str(&ca->in), "0123456789zz");
	assert_string_equal(siphon_strbuf_str(&gota), "A-out");
	assert_string_equal(siphon_strbuf_str(&gotb), "B-out");
	assert_int_equal(f->arb.live, 0);
	siphon_rstream_free(a);
	siphon_rstream_free(b);
	siphon_strbuf_free(&gota);
	siphon_strbuf_free(&gotb);
	fx_free(f);
}

/* A would-block while the session only waits to read owns nothing. */
static void
test_rstream_again_reading_owns_nothing(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	int progress;

	(void)state;
	c->write_rcs[c->nwrite_rcs++] = SIPHON_CHAN_AGAIN;
	script(f->sess.open_rcs, &f->sess.nopen_rcs, 1, SIPHON_CHAN_AGAIN);
	OUT_AGAIN(c);
	OUT(c, "x");
	ERR(c, ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(siphon_rstream_send(f->rs, "q", 1), 0);
	f->sess.dirs = SIPHON_CHAN_WANT_READ;
	assert_int_equal(step(f->rs, &progress), 0);
	assert_null(f->arb.send_owner);
	assert_int_equal(step(f->rs, &progress), 0);
	assert_null(f->arb.send_owner);
	/* An open that would block wanting to write does own the session. */
	fx_free(f);

	f = fx_new();
	script(f->sess.open_rcs, &f->sess.nopen_rcs, 1, SIPHON_CHAN_AGAIN);
	OUT(&f->chan[0], "x");
	ERR(&f->chan[0], ok_trailers);
	fx_stream(f, SIPHON_CODEC_NONE);
	f->sess.dirs = SIPHON_CHAN_WANT_WRITE | SIPHON_CHAN_WANT_READ;
	assert_int_equal(step(f->rs, &progress), 0);
	assert_ptr_equal(f->arb.send_owner, f->rs);
	assert_ptr_equal(f->arb.open_owner, f->rs);
	f->sess.dirs = 0;
	assert_int_equal(run(f->rs, 100), 0);
	assert_null(f->arb.send_owner);
	assert_null(f->arb.open_owner);
	fx_free(f);
}

/* Freeing a running stream gives back everything it held. */
static void
test_rstream_free_midway(void **state)
{
	struct fx *f = fx_new();
	struct fchan *c = &f->chan[0];
	int progress;

	(void)state;
	c->write_rcs[c->nwrite_rcs++] = SIPHON_CHAN_AGAIN;
	for (int i = 0; i < 5; i++)
		OUT_AGAIN(c);
	fx_stream(f, SIPHON_CODEC_NONE);
	assert_int_equal(siphon_rstream_send(f->rs, "q", 1), 0);
	f->sess.dirs = SIPHON_CHAN_WANT_WRITE;
	assert_int_equal(step(f->rs, &progress), 0);
	assert_int_equal(f->rs->state, SIPHON_RS_RUNNING);
	assert_int_equal(f->arb.live, 1);
	assert_ptr_equal(f->arb.send_owner, f->rs);
	siphon_rstream_free(f->rs);
	f->rs = NULL;
	assert_int_equal(c->freed, 1);
	assert_int_equal(f->arb.live, 0);
	assert_null(f->arb.send_owner);
	assert_null(f->arb.open_owner);
	siphon_rstream_free(NULL);
	fx_free(f);
}

static void
test_rstream_new_checks(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_rstream *rs = (struct siphon_rstream *)1;
	struct siphon_chan_arbiter arb = {0};
	static const char *const five[] = { "a", "b", "c", "d", "e" };

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(siphon_rstream_new(&rs, ctx, &fake_ops, NULL, &arb, "x", "cmd", 1024,
	                                    SIPHON_CODEC_NONE, five, 5), SIPHON_EINTERNAL);
	assert_null(rs);
	assert_string_equal(siphon_ctx_errmsg(ctx), "too many pipeline stages");
	siphon_err_clear(ctx);
	assert_int_equal(siphon_rstream_new(&rs, ctx, &fake_ops, NULL, &arb, "x", "cmd", 1024,
	                                    (enum siphon_codec_kind)42, five, 1), SIPHON_EINTERNAL);
	assert_null(rs);
	assert_string_equal(siphon_ctx_errmsg(ctx), "unknown codec 42");
	siphon_err_clear(ctx);
	/* Four stages is the most, and the names are borrowed as given. */
	assert_int_equal(siphon_rstream_new(&rs, ctx, &fake_ops, NULL, &arb, "x", "cmd", 1024,
	                                    SIPHON_CODEC_ZSTD, five, 4), 0);
	assert_int_equal(rs->nstages, 4);
	assert_ptr_equal(rs->stage_names[3], five[3]);
	assert_int_equal(rs->stage_code[3], -1);
	assert_int_equal(rs->state, SIPHON_RS_QUEUED);
	siphon_rstream_free(rs);
	siphon_ctx_free(ctx);
}

/* Test data: text that compresses, with some noise. */
static unsigned char *
make_data(size_t n)
{
	unsigned char *p = malloc(n);
	uint64_t s = 12345;

	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		p[i] = i % 61 == 60 ? '\n' : (unsigned char)("abcdefgh\t\\N0123x"[(s >> 33) % 16]);
	}
	return p;
}

/* One frame with a checksum, as the zstd program writes it. */
static size_t
compress_into(unsigned char *dst, size_t cap, const unsigned char *src, size_t n, int level)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	size_t r;

	assert_non_null(cc);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, level)));
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)));
	r = ZSTD_compress2(cc, dst, cap, src, n);
	assert_false(ZSTD_isError(r));
	ZSTD_freeCCtx(cc);
	return r;
}

/* Builds a zstd stream of two frames over data, delivered in pieces. */
static void
zstd_pieces(struct fchan *c, const unsigned char *z, size_t zlen, size_t piece)
{
	for (size_t off = 0; off < zlen; off += piece) {
		add_piece(c->out, &c->nout, z + off, zlen - off < piece ? zlen - off : piece);
		if ((off / piece) % 2 == 0)
			OUT_AGAIN(c);
	}
}

static void
test_rstream_zstd(void **state)
{
	/* More than the stream's 256 KiB output buffer, so it fills repeatedly. */
	size_t n = 900 * 1024, half = 300 * 1024;
	unsigned char *data = make_data(n);
	size_t cap = ZSTD_compressBound(n) + ZSTD_compressBound(half);
	unsigned char *z = malloc(cap);
	size_t zlen;
	struct fx *f = fx_new();

	(void)state;
	assert_non_null(z);
	/* Two frames back to back, as a restarted compressor might write. */
	zlen = compress_into(z, cap, data, half, 3);
	zlen += compress_into(z + zlen, cap - zlen, data + half, n - half, 19);
	assert_true(zlen / 1500 + 1 < MAXPIECES / 2);
	zstd_pieces(&f->chan[0], z, zlen, 1500);
	ERR(&f->chan[0], ok_trailers);
	fx_stream(f, SIPHON_CODEC_ZSTD);
	assert_int_equal(run(f->rs, 20000), 0);
	assert_int_equal(f->got.len, n);
	assert_memory_equal(f->got.buf, data, n);
	assert_int_equal(f->rs->wire_bytes, zlen);
	assert_int_equal(f->rs->raw_bytes, n);
	fx_free(f);
	free(z);
	free(data);
}

static void
test_rstream_zstd_truncated(void **state)
{
	size_t n = 200 * 1024;
	unsigned char *data = make_data(n);
	unsigned char *z = malloc(ZSTD_compressBound(n));
	size_t zlen = compress_into(z, ZSTD_compressBound(n), data, n, 3);
	struct fx *f = fx_new();

	(void)state;
	/* Cut it short; the remote side still reports success. */
	zstd_pieces(&f->chan[0], z, zlen - zlen / 3, 700);
	ERR(&f->chan[0], ok_trailers);
	fx_stream(f, SIPHON_CODEC_ZSTD);
	assert_int_equal(run(f->rs, 20000), SIPHON_EREMOTE);
	assert_int_equal(siphon_ctx_errcode(f->ctx), SIPHON_EREMOTE);
	assert_string_equal(siphon_ctx_errmsg(f->ctx),
	                    "compressed stream from the server ended early (truncated)");
	assert_int_equal(f->rs->state, SIPHON_RS_DONE);
	assert_true(f->got.len < n);
	assert_memory_equal(f->got.buf, data, f->got.len);
	fx_free(f);

	/* Nothing at all: not a zstd stream either. */
	f = fx_new();
	ERR(&f->chan[0], ok_trailers);
	fx_stream(f, SIPHON_CODEC_ZSTD);
	assert_int_equal(run(f->rs, 100), SIPHON_EREMOTE);
	expect_msg(f, "ended early (truncated)");
	fx_free(f);

	/* A failed stage is reported rather than the truncation it caused. */
	f = fx_new();
	zstd_pieces(&f->chan[0], z, zlen / 2, 700);
	ERR(&f->chan[0], "pg_dump: error: query failed\nsiphon-status dump 1\nsiphon-status compress 0\n");
	fx_stream(f, SIPHON_CODEC_ZSTD);
	assert_int_equal(run(f->rs, 20000), SIPHON_EREMOTE);
	expect_msg(f, "(dump exited 1): pg_dump: error: query failed");
	fx_free(f);
	free(z);
	free(data);
}

static void
test_rstream_zstd_corrupt(void **state)
{
	size_t n = 64 * 1024;
	unsigned char *data = make_data(n);
	unsigned char *z = malloc(ZSTD_compressBound(n));
	size_t zlen = compress_into(z, ZSTD_compressBound(n), data, n, 3);
	struct fx *f = fx_new();

	(void)state;
	/* Flip bytes in the middle: the checksum or the block format catches it. */
	for (size_t i = zlen / 2; i < zlen / 2 + 16; i++)
		z[i] ^= 0x5a;
	zstd_pieces(&f->chan[0], z, zlen, 999);
	ERR(&f->chan[0], ok_trailers);
	fx_stream(f, SIPHON_CODEC_ZSTD);
	assert_int_equal(run(f->rs, 20000), SIPHON_EREMOTE);
	expect_msg(f, "corrupt zstd stream from the server");
	fx_free(f);
	free(z);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rstream_happy_path),
		cmocka_unit_test(test_rstream_stage_failed),
		cmocka_unit_test(test_rstream_mem_sink_bounded),
		cmocka_unit_test(test_rstream_missing_trailers),
		cmocka_unit_test(test_rstream_trailer_127),
		cmocka_unit_test(test_rstream_exit_signal),
		cmocka_unit_test(test_rstream_trailers_split_and_unterminated),
		cmocka_unit_test(test_rstream_trailers_after_close),
		cmocka_unit_test(test_rstream_stderr_bounded),
		cmocka_unit_test(test_rstream_explain),
		cmocka_unit_test(test_rstream_refused_while_others_live),
		cmocka_unit_test(test_rstream_refused_with_nothing_live),
		cmocka_unit_test(test_rstream_refused_after_a_close_retries),
		cmocka_unit_test(test_rstream_open_and_exec_errors),
		cmocka_unit_test(test_rstream_read_errors),
		cmocka_unit_test(test_rstream_close_errors),
		cmocka_unit_test(test_rstream_backpressure),
		cmocka_unit_test(test_rstream_sink_errors),
		cmocka_unit_test(test_rstream_stdin),
		cmocka_unit_test(test_rstream_stdin_later_and_eof_again),
		cmocka_unit_test(test_rstream_write_error),
		cmocka_unit_test(test_rstream_send_owner),
		cmocka_unit_test(test_rstream_again_reading_owns_nothing),
		cmocka_unit_test(test_rstream_free_midway),
		cmocka_unit_test(test_rstream_new_checks),
		cmocka_unit_test(test_rstream_zstd),
		cmocka_unit_test(test_rstream_zstd_truncated),
		cmocka_unit_test(test_rstream_zstd_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
