/* rstream.c - one remote command on one channel, step by step. */
#include "loop/rstream.h"

#include "loop/explain.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAW_CAP (128 * 1024)
#define OUT_CAP (256 * 1024)
#define ERR_MAX (16 * 1024)

int
siphon_rstream_new(struct siphon_rstream **out, struct siphon_ctx *ctx,
                   const struct siphon_chan_ops *ops, void *sess,
                   struct siphon_chan_arbiter *arb, const char *what,
                   const char *cmd, size_t window,
                   enum siphon_codec_kind codec,
                   const char *const *stages, int nstages)
{
	struct siphon_rstream *rs;
	int r = SIPHON_ENOMEM, i;

	*out = NULL;
	if (nstages > SIPHON_RS_MAX_STAGES)
		return siphon_err(ctx, SIPHON_EINTERNAL, "too many pipeline stages");
	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return siphon_err_oom(ctx);
	rs->ctx = ctx;
	rs->ops = ops;
	rs->sess = sess;
	rs->arb = arb;
	rs->window = window;
	rs->passthrough = codec == SIPHON_CODEC_NONE;
	rs->exit_status = -1;
	snprintf(rs->what, sizeof(rs->what), "%s", what);
	rs->err.max = ERR_MAX;
	rs->errline.max = 4096;
	for (i = 0; i < nstages; i++) {
		rs->stage_names[i] = stages[i];
		rs->stage_code[i] = -1;
	}
	rs->nstages = nstages;
	if ((rs->cmd = strdup(cmd)) == NULL ||
	    (rs->raw = malloc(RAW_CAP)) == NULL ||
	    (rs->out = malloc(OUT_CAP)) == NULL) {
		r = siphon_err_oom(ctx);
		goto fail;
	}
	if ((r = siphon_decoder_new(&rs->dec, ctx, codec)) != 0)
		goto fail;
	*out = rs;
	return 0;
fail:
	siphon_rstream_free(rs);
	return r;
}

void
siphon_rstream_free(struct siphon_rstream *rs)
{
	if (rs == NULL)
		return;
	if (rs->chan != NULL) {
		rs->ops->free(rs->chan);
		if (rs->arb != NULL && rs->arb->live > 0)
			rs->arb->live--;
	}
	if (rs->arb != NULL) {
		if (rs->arb->open_owner == rs)
			rs->arb->open_owner = NULL;
		if (rs->arb->send_owner == rs)
			rs->arb->send_owner = NULL;
	}
	siphon_decoder_free(rs->dec);
	siphon_strbuf_free(&rs->in);
	siphon_strbuf_free(&rs->err);
	siphon_strbuf_free(&rs->errline);
	free(rs->raw);
	free(rs->out);
	free(rs->cmd);
	free(rs);
}

/* The memory sink: the whole output, bounded, and never a NUL byte. */
static ssize_t
mem_write(void *arg, const unsigned char *buf, size_t len)
{
	struct siphon_rstream *rs = arg;
	struct siphon_strbuf *sb = rs->mem;

	if (memchr(buf, '\0', len) != NULL)
		return siphon_err(rs->ctx, SIPHON_EREMOTE,
		                  "%s sent a NUL byte, which none of its output can hold; refusing it", rs->what);
	if (sb->max != 0 && len > sb->max - sb->len)
		return siphon_err(rs->ctx, SIPHON_EREMOTE,
		                  "%s sent more than %zu MB, all of which siphon would have to hold in memory; refusing it",
		                  rs->what, sb->max >> 20 > 0 ? sb->max >> 20 : 1);
	if (siphon_strbuf_append(sb, buf, len) != 0)
		return siphon_err_oom(rs->ctx);
	return (ssize_t)len;
}

static int
mem_finish(void *arg)
{
	(void)arg;
	return 0;
}

void
siphon_rstream_set_mem_sink(struct siphon_rstream *rs, struct siphon_strbuf *sb)
{
	rs->mem = sb;
	rs->sink.write = mem_write;
	rs->sink.finish = mem_finish;
	rs->sink.arg = rs;
}

void
siphon_rstream_set_sink(struct siphon_rstream *rs, const struct siphon_sink *sink)
{
	rs->sink = *sink;
}

int
siphon_rstream_send(struct siphon_rstream *rs, const void *data, size_t len)
{
	/* Compact what was already sent so the queue does not grow forever. */
	if (rs->in_off > 0 && rs->in_off == rs->in.len) {
		siphon_strbuf_reset(&rs->in);
		rs->in_off = 0;
	}
	if (siphon_strbuf_append(&rs->in, data, len) != 0)
		return siphon_err_oom(rs->ctx);
	return 0;
}

void
siphon_rstream_close_stdin(struct siphon_rstream *rs)
{
	rs->in_close = 1;
}

const char *
siphon_rstream_stderr(const struct siphon_rstream *rs)
{
	return siphon_strbuf_str(&rs->err);
}

const char *
siphon_rstream_failed_stage(const struct siphon_rstream *rs, int *code)
{
	int i;

	for (i = 0; i < rs->nstages; i++) {
		if (rs->stage_code[i] != 0) {
			*code = rs->stage_code[i];
			return rs->stage_names[i];
		}
	}
	*code = 0;
	return NULL;
}

int
siphon_rstream_waiting_remote(const struct siphon_rstream *rs)
{
	switch (rs->state) {
	case SIPHON_RS_QUEUED:
		/*
		 * Refused, with at most one channel left that could close: if
		 * nothing moves, the watchdog must end the wait, not let it hang.
		 */
		return rs->arb != NULL && rs->arb->refused && rs->arb->live - rs->arb->pinned <= 1;
	case SIPHON_RS_OPENING:
	case SIPHON_RS_EXEC:
	case SIPHON_RS_CLOSING:
	case SIPHON_RS_WAITCLOSE:
		return 1;
	case SIPHON_RS_RUNNING:
		return !rs->backpressured && !rs->idle_ok;
	default:
		return 0;
	}
}

static int
chan_fail(struct siphon_rstream *rs, const char *doing)
{
	return siphon_err(rs->ctx, SIPHON_ECONNECT,
	                  "the SSH connection was lost while %s (%s: %s); check the network and run again",
	                  doing, rs->what, rs->ops->errmsg(rs->sess));
}

/* May this stream call a function that sends? */
static int
may_send(const struct siphon_rstream *rs)
{
	return rs->arb->send_owner == NULL || rs->arb->send_owner == rs;
}

/* Remembers who must repeat a send that could not finish. */
static void
note_send(struct siphon_rstream *rs, int rc)
{
	if (rc == SIPHON_CHAN_AGAIN &&
	    (rs->ops->directions(rs->sess) & SIPHON_CHAN_WANT_WRITE))
		rs->arb->send_owner = rs;
	else if (rs->arb->send_owner == rs)
		rs->arb->send_owner = NULL;
}

static void
stderr_line(struct siphon_rstream *rs, const char *line, size_t len)
{
	size_t tl = strlen(SIPHON_STATUS_TAG);
	int i;

	if (len > tl && memcmp(line, SIPHON_STATUS_TAG, tl) == 0) {
		const char *name = line + tl;
		const char *sp = memchr(name, ' ', len - tl);

		size_t rest = sp != NULL ? len - (size_t)(sp + 1 - line) : 0;
		size_t k;

		/* A trailer's code is digits and nothing else: never read "" as 0. */
		for (k = 0; sp != NULL && k < rest; k++)
			if (sp[1 + k] < '0' || sp[1 + k] > '9')
				break;
		if (sp != NULL && rest > 0 && k == rest) {
			/* An exit status is 0..255: anything longer is a failure, never a wrap to 0. */
			int code = 0;

			for (k = 0; k < rest && code <= 255; k++)
				code = code * 10 + (sp[1 + k] - '0');
			if (code > 255)
				code = 255;
			for (i = 0; i < rs->nstages; i++) {
				size_t nl = strlen(rs->stage_names[i]);

				if ((size_t)(sp - name) == nl &&
				    memcmp(name, rs->stage_names[i], nl) == 0)
					rs->stage_code[i] = code;
			}
			return;
		}
	}
	siphon_strbuf_append(&rs->err, line, len);
	siphon_strbuf_append(&rs->err, "\n", 1);
}

static void
stderr_bytes(struct siphon_rstream *rs, const unsigned char *b, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (b[i] != '\n')
			continue;
		if (rs->errline.len > 0) {
			siphon_strbuf_append(&rs->errline, b + start, i - start);
			stderr_line(rs, rs->errline.buf, rs->errline.len);
			siphon_strbuf_reset(&rs->errline);
		} else {
			stderr_line(rs, (const char *)b + start, i - start);
		}
		start = i + 1;
	}
	if (start < n)
		siphon_strbuf_append(&rs->errline, b + start, n - start);
}

/* Reads stderr until nothing is left: it shares the window with stdout. */
static int
drain_stderr(struct siphon_rstream *rs, int *progress)
{
	unsigned char buf[4096];
	ssize_t n;
	int r;

	for (;;) {
		n = rs->ops->read(rs->chan, 1, buf, sizeof(buf));
		if (n > 0) {
			if (rs->tap != NULL && (r = rs->tap(rs->tap_arg, 1, buf, (size_t)n)) != 0)
				return r;
			stderr_bytes(rs, buf, (size_t)n);
			*progress = 1;
			continue;
		}
		if (n == 0 || n == SIPHON_CHAN_AGAIN || n == SIPHON_CHAN_BUSY)
			return 0;
		return chan_fail(rs, "reading");
	}
}

/*
 * Offers buf[*off, len) to the sink: 1 when it took some (*off moves on),
 * 0 when it is full (the stream is backpressured), or a negative code.
 */
static int
offer(struct siphon_rstream *rs, const unsigned char *buf, size_t len, size_t *off,
      int *progress)
{
	ssize_t n = rs->sink.write(rs->sink.arg, buf + *off, len - *off);

	if (n < 0)
		return (int)n;
	if (n == 0) {
		rs->backpressured = 1;
		return 0;
	}
	*off += (size_t)n;
	rs->raw_bytes += (uint64_t)n;
	*progress = 1;
	return 1;
}

/* Moves decoded bytes into the sink, decoding and reading as room allows. */
static int
pump_stdout(struct siphon_rstream *rs, int *progress)
{
	size_t consumed, produced;
	ssize_t n;
	int r;

	for (;;) {
		if (rs->out_off < rs->out_len) {
			if ((r = offer(rs, rs->out, rs->out_len, &rs->out_off, progress)) <= 0)
				return r;
			continue;
		}
		rs->backpressured = 0;
		rs->out_off = rs->out_len = 0;
		if (rs->passthrough && rs->raw_off < rs->raw_len) {
			/* Nothing to decode: the bytes go to the sink as read, not copied first. */
			if ((r = offer(rs, rs->raw, rs->raw_len, &rs->raw_off, progress)) <= 0)
				return r;
			continue;
		}
		if (rs->raw_off < rs->raw_len || rs->stdout_eof || rs->dec_full) {
			if ((r = siphon_decoder_run(rs->dec, rs->raw + rs->raw_off,
			                            rs->raw_len - rs->raw_off, &consumed,
			                            rs->out, OUT_CAP, &produced)) != 0)
				return r;
			rs->raw_off += consumed;
			rs->out_len = produced;
			rs->dec_full = produced == OUT_CAP;
			if (produced > 0 || consumed > 0) {
				*progress = 1;
				continue;
			}
			if (rs->raw_off < rs->raw_len)
				return siphon_err(rs->ctx, SIPHON_EINTERNAL,
				                  "decoder made no progress");
		}
		if (rs->stdout_eof)
			return 0;
		rs->raw_off = rs->raw_len = 0;
		n = rs->ops->read(rs->chan, 0, rs->raw, RAW_CAP);
		if (n > 0) {
			if (rs->tap != NULL && (r = rs->tap(rs->tap_arg, 0, rs->raw, (size_t)n)) != 0)
				return r;
			rs->raw_len = (size_t)n;
			rs->wire_bytes += (uint64_t)n;
			*progress = 1;
			continue;
		}
		if (n == SIPHON_CHAN_AGAIN || n == SIPHON_CHAN_BUSY || n == 0) {
			if (rs->ops->eof(rs->chan)) {
				if (rs->tap != NULL && (r = rs->tap(rs->tap_arg, 2, NULL, (size_t)rs->eof_sent)) != 0)
					return r;
				rs->stdout_eof = 1;
				*progress = 1;
				continue;
			}
			return 0;
		}
		return chan_fail(rs, "reading");
	}
}

static int
pump_stdin(struct siphon_rstream *rs, int *progress)
{
	ssize_t n;
	int rc;

	while (rs->in_off < rs->in.len) {
		if (!may_send(rs))
			return 0;
		n = rs->ops->write(rs->chan, (const unsigned char *)rs->in.buf + rs->in_off,
		                   rs->in.len - rs->in_off);
		if (n > 0) {
			rs->in_off += (size_t)n;
			rs->in_total += (uint64_t)n;
			note_send(rs, SIPHON_CHAN_OK);
			*progress = 1;
			continue;
		}
		if (n == 0 || n == SIPHON_CHAN_AGAIN || n == SIPHON_CHAN_BUSY) {
			note_send(rs, n == 0 ? SIPHON_CHAN_OK : (int)n);
			return 0;
		}
		return chan_fail(rs, "writing");
	}
	if (rs->in_close && !rs->eof_sent && may_send(rs)) {
		rc = rs->ops->send_eof(rs->chan);
		note_send(rs, rc);
		if (rc == SIPHON_CHAN_OK) {
			rs->eof_sent = 1;
			*progress = 1;
		} else if (rc != SIPHON_CHAN_AGAIN && rc != SIPHON_CHAN_BUSY) {
			return chan_fail(rs, "sending EOF");
		}
	}
	return 0;
}

void
siphon_rstream_explain_in(const struct siphon_rstream *rs, struct siphon_explain_in *in)
{
	in->what = rs->what;
	in->err = siphon_rstream_stderr(rs);
	in->stage = siphon_rstream_failed_stage(rs, &in->code);
	in->signal = rs->exit_signal;
}

/*
 * The same for a stream whose source prints no trailers (chan.h
 * no_trailers): its exit status stands for every stage.
 */
static int
judge_untrailed(struct siphon_rstream *rs)
{
	const char *msg = siphon_rstream_stderr(rs);
	int i;

	for (i = 0; i < rs->nstages; i++)
		rs->stage_code[i] = rs->exit_status;
	if (rs->exit_status == 0 && rs->exit_signal[0] == '\0')
		return 0;
	if (rs->may_fail && rs->exit_signal[0] == '\0') {
		rs->failed = 1;
		return 0;
	}
	return siphon_err(rs->ctx, SIPHON_EREMOTE, "%s failed (status %d)%s%s",
	                  rs->what, rs->exit_status, *msg ? ": " : "", msg);
}

/* Decides, once the channel is closed, whether the command succeeded. */
static int
judge(struct siphon_rstream *rs)
{
	struct siphon_explain_in in;
	int r;

	if (rs->ops->no_trailers)
		return judge_untrailed(rs);
	siphon_rstream_explain_in(rs, &in);
	if (in.stage == NULL && in.signal[0] == '\0')
		return 0;
	/* The engine expects this one may fail, and looks at it itself. */
	if (rs->may_fail && in.code != -1 && in.signal[0] == '\0') {
		rs->failed = 1;
		return 0;
	}
	if (rs->explain != NULL && (r = rs->explain(rs->explain_arg, rs)) != 0)
		return r;
	/* No engine rule matched: the shared status rules always do. */
	return siphon_explain_status(rs->ctx, &in);
}

int
siphon_rstream_step(struct siphon_rstream *rs, int *progress)
{
	int rc, r;

	switch (rs->state) {
	case SIPHON_RS_QUEUED:
		/* Channels are opened one at a time: open state is session-wide. */
		/*
		 * After a refusal, wait until a channel has closed since that
		 * refused open began (a close can overtake the refusal's reply,
		 * so count closes rather than clear a flag on close).
		 */
		if (rs->arb->open_owner != NULL || !may_send(rs) ||
		    (rs->arb->refused && rs->arb->closes == rs->arb->refused_closes &&
		     siphon_mono_s() - rs->arb->refused_at < 1.0))
			return 0;
		rs->arb->open_owner = rs;
		rs->open_closes = rs->arb->closes;
		rs->state = SIPHON_RS_OPENING;
		/* fall through */
	case SIPHON_RS_OPENING:
		rc = rs->ops->open(rs->sess, &rs->chan, rs->window);
		note_send(rs, rc);
		if (rc == SIPHON_CHAN_AGAIN || rc == SIPHON_CHAN_BUSY)
			return 0;
		if (rc == SIPHON_CHAN_REFUSED) {
			/* MaxSessions: wait until another channel closes. */
			siphon_log(rs->ctx, SIPHON_LOG_DEBUG,
			           "the server refused another channel (its MaxSessions?); %s waits for one of the %d open to close",
			           rs->what, rs->arb->live);
			rs->arb->open_owner = NULL;
			/*
			 * The server frees a session slot a little after the close
			 * is acknowledged, so a refusal can follow a close: besides
			 * the next close, a second's wait also allows a new try.
			 */
			if (!rs->arb->refused || rs->arb->live < rs->arb->refused_live)
				rs->arb->refused_live = rs->arb->live;
			rs->arb->refused = 1;
			rs->arb->refused_closes = rs->open_closes;
			rs->arb->refused_at = siphon_mono_s();
			rs->state = SIPHON_RS_QUEUED;
			rs->chan = NULL;
			if (rs->arb->live == 0)
				return siphon_err(rs->ctx, SIPHON_ECONNECT,
				                  "the server refused to open an SSH channel for %s",
				                  rs->what);
			return 0;
		}
		if (rc != SIPHON_CHAN_OK)
			return chan_fail(rs, "opening a channel");
		rs->arb->live++;
		rs->state = SIPHON_RS_EXEC;
		*progress = 1;
		/* fall through */
	case SIPHON_RS_EXEC:
		rc = rs->ops->exec(rs->chan, rs->cmd);
		note_send(rs, rc);
		if (rc == SIPHON_CHAN_AGAIN || rc == SIPHON_CHAN_BUSY)
			return 0;
		if (rc != SIPHON_CHAN_OK)
			return chan_fail(rs, "starting a remote command");
		rs->arb->open_owner = NULL;
		rs->state = SIPHON_RS_RUNNING;
		*progress = 1;
		/* fall through */
	case SIPHON_RS_RUNNING:
		if ((r = pump_stdin(rs, progress)) != 0)
			return r;
		if ((r = drain_stderr(rs, progress)) != 0)
			return r;
		if ((r = pump_stdout(rs, progress)) != 0)
			return r;
		if (!rs->stdout_eof || rs->out_off < rs->out_len)
			return 0;
		/* The rest of a trailer may have arrived after stdout's end. */
		if ((r = drain_stderr(rs, progress)) != 0)
			return r;
		if (rs->errline.len > 0) {
			stderr_line(rs, rs->errline.buf, rs->errline.len);
			siphon_strbuf_reset(&rs->errline);
		}
		rs->state = SIPHON_RS_CLOSING;
		*progress = 1;
		/* fall through */
	case SIPHON_RS_CLOSING:
		if (!may_send(rs))
			return 0;
		rc = rs->ops->close(rs->chan);
		note_send(rs, rc);
		if (rc == SIPHON_CHAN_AGAIN || rc == SIPHON_CHAN_BUSY)
			return 0;
		if (rc != SIPHON_CHAN_OK)
			return chan_fail(rs, "closing a channel");
		rs->state = SIPHON_RS_WAITCLOSE;
		*progress = 1;
		/* fall through */
	case SIPHON_RS_WAITCLOSE:
		rc = rs->ops->wait_closed(rs->chan);
		if (rc == SIPHON_CHAN_AGAIN || rc == SIPHON_CHAN_BUSY)
			return 0;
		if (rc != SIPHON_CHAN_OK)
			return chan_fail(rs, "closing a channel");
		/* Trailers may still sit in the stderr queue. */
		if ((r = drain_stderr(rs, progress)) != 0)
			return r;
		if (rs->errline.len > 0) {
			stderr_line(rs, rs->errline.buf, rs->errline.len);
			siphon_strbuf_reset(&rs->errline);
		}
		rs->ops->exit_info(rs->sess, rs->chan, &rs->exit_status, rs->exit_signal,
		                   sizeof(rs->exit_signal));
		rs->ops->free(rs->chan);
		rs->chan = NULL;
		if (rs->arb->live > 0)
			rs->arb->live--;
		rs->arb->closes++;
		rs->state = SIPHON_RS_DONE;
		*progress = 1;
		if ((r = judge(rs)) != 0 || rs->failed)
			return r;
		/* Only a stream that ended cleanly may vouch for its data. */
		if ((r = siphon_decoder_finish(rs->dec)) != 0)
			return r;
		/* A finished stream gives its buffers back at once. */
		siphon_decoder_free(rs->dec);
		rs->dec = NULL;
		free(rs->raw);
		free(rs->out);
		rs->raw = rs->out = NULL;
		if (rs->sink.finish != NULL)
			return rs->sink.finish(rs->sink.arg);
		return 0;
	case SIPHON_RS_DONE:
		return 0;
	}
	return 0;
}
