/*
 * rstream.h - one remote command on one channel of the shared session, as a
 * non-blocking state machine driven by the event loop.
 *
 *   QUEUED -> OPENING -> EXEC -> RUNNING -> CLOSING -> WAITCLOSE -> DONE
 *
 * Its stdin is fed from a queue (SQL for a remote psql); its stdout goes
 * through a decoder into a sink; its stderr is kept (bounded) for messages
 * and parsed for the "siphon-status NAME CODE" trailers that every remote
 * script prints, so that a failing stage of a pipeline is never lost and a
 * channel that closes without them counts as failed.  A source that prints
 * no trailers (a file; chan.h no_trailers) is judged by its exit status.
 */
#ifndef SIPHON_LOOP_RSTREAM_H
#define SIPHON_LOOP_RSTREAM_H

#include "codec/codec.h"
#include "loop/chan.h"
#include "loop/sink.h"
#include "util/ctx.h"
#include "util/status_tag.h"
#include "util/strbuf.h"

#include <stdint.h>

enum siphon_rstream_state {
	SIPHON_RS_QUEUED = 0,
	SIPHON_RS_OPENING,
	SIPHON_RS_EXEC,
	SIPHON_RS_RUNNING,
	SIPHON_RS_CLOSING,
	SIPHON_RS_WAITCLOSE,
	SIPHON_RS_DONE,
};

#define SIPHON_RS_MAX_STAGES 4

/* Shared by every stream of one session: who may send now. */
struct siphon_chan_arbiter {
	const void *open_owner;  /* the stream opening or exec'ing its channel */
	const void *send_owner;  /* the stream whose partial send is pending */
	int refused;             /* the server refused a channel (MaxSessions) */
	int refused_live;        /* the fewest channels open at a refusal */
	unsigned closes;         /* channels closed so far */
	unsigned refused_closes; /* closes counted when the refused open began */
	double refused_at;       /* when (siphon_mono_s) */
	int live;                /* channels open now */
	int pinned;              /* of them, open for the whole pull (the watchdog) */
};

struct siphon_rstream {
	char what[128];               /* for messages: "pg_dump of the schema" */
	struct siphon_ctx *ctx;
	const struct siphon_chan_ops *ops;
	void *sess;
	void *chan;
	struct siphon_chan_arbiter *arb;
	char *cmd;
	size_t window;
	enum siphon_rstream_state state;

	struct siphon_strbuf in;      /* queued stdin bytes */
	size_t in_off;
	uint64_t in_total;          /* every stdin byte written to the channel, ever */
	int in_close;                 /* send EOF once in is drained */
	int eof_sent;

	struct siphon_decoder *dec;
	struct siphon_sink sink;
	struct siphon_strbuf *mem;    /* the memory sink's buffer (not owned) */
	unsigned char *raw;           /* bytes read, not yet decoded */
	size_t raw_len, raw_off;
	unsigned char *out;           /* decoded, not yet taken by the sink */
	size_t out_len, out_off;
	int stdout_eof;
	int dec_full;                 /* the decoder may hold more output */
	int passthrough;              /* codec none: raw goes to the sink as it is */

	struct siphon_strbuf err;     /* remote stderr without trailers, bounded */
	struct siphon_strbuf errline; /* partial stderr line */
	const char *stage_names[SIPHON_RS_MAX_STAGES];
	int stage_code[SIPHON_RS_MAX_STAGES]; /* -1: no trailer arrived */
	int nstages;

	int exit_status;
	char exit_signal[32];
	int backpressured;            /* the sink is full */
	int idle_ok;                  /* silence is expected (control session) */
	int heartbeat;                /* the watchdog: its traffic is not progress */
	uint64_t wire_bytes, raw_bytes;
	/*
	 * Optional: turns a failed stream into the right message and code
	 * (the engine knows what "database does not exist" means).  Returns
	 * the code after siphon_err(), or 0 to use the generic message.
	 */
	int (*explain)(void *arg, struct siphon_rstream *rs);
	void *explain_arg;
	/*
	 * Optional: sees every byte read from the channel before decoding
	 * (stream 0 stdout, 1 stderr) and, with stream 2, stdout's end (len:
	 * whether stdin's EOF was sent by then).  A saved snapshot records
	 * through it.  Returns 0 or a negative SIPHON_E* code (set).
	 */
	int (*tap)(void *arg, int stream, const unsigned char *buf, size_t len);
	void *tap_arg;
	unsigned open_closes;         /* arb->closes when this open began */
	/*
	 * may_fail: a remote command whose failure (a non-zero exit, not a
	 * lost channel) the engine handles itself: the stream then ends DONE
	 * with failed set, and its sink is not finished.
	 */
	int may_fail;
	int failed;
};

/*
 * Creates a stream for cmd (copied).  stages names the pipeline stages whose
 * status trailers must all arrive with 0.  The stream starts QUEUED; the
 * loop opens it.
 */
int siphon_rstream_new(struct siphon_rstream **out, struct siphon_ctx *ctx,
                       const struct siphon_chan_ops *ops, void *sess,
                       struct siphon_chan_arbiter *arb, const char *what,
                       const char *cmd, size_t window,
                       enum siphon_codec_kind codec,
                       const char *const *stages, int nstages);
void siphon_rstream_free(struct siphon_rstream *rs);

void siphon_rstream_set_sink(struct siphon_rstream *rs,
                             const struct siphon_sink *sink);
/*
 * Keeps the whole output in sb (not owned), bounded by sb->max: more than
 * that, or a NUL byte, fails the stream with a message that names it,
 * never a silent cut.
 */
void siphon_rstream_set_mem_sink(struct siphon_rstream *rs, struct siphon_strbuf *sb);
/* Queues bytes for the remote stdin. */
int siphon_rstream_send(struct siphon_rstream *rs, const void *data,
                        size_t len);
/* Sends EOF on stdin once everything queued is written. */
void siphon_rstream_close_stdin(struct siphon_rstream *rs);

/*
 * Does every step that is possible without blocking.  Sets *progress when
 * anything moved.  Returns 0 or a negative SIPHON_E* code with the message
 * set (channel failure, a failed remote stage, corrupt data).
 */
int siphon_rstream_step(struct siphon_rstream *rs, int *progress);

/* True while the stream waits for the server (used by the stall watchdog). */
int siphon_rstream_waiting_remote(const struct siphon_rstream *rs);

/* The remote stderr (trailers removed), "" when none. */
const char *siphon_rstream_stderr(const struct siphon_rstream *rs);

/* The first stage that failed, its code in *code; NULL when none did. */
const char *siphon_rstream_failed_stage(const struct siphon_rstream *rs,
                                        int *code);

struct siphon_explain_in;
/* The stream's failure (what, stderr, stage, code, signal) for loop/explain.h; borrows rs. */
void siphon_rstream_explain_in(const struct siphon_rstream *rs, struct siphon_explain_in *in);

#endif
