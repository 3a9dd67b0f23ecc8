/*
 * ctx.h - the internal side of struct siphon_ctx: error recording, logging,
 * cancellation and prompts.  Every module reports a failure once, where it is
 * detected, with siphon_err(); callers propagate the returned code unchanged.
 */
#ifndef SIPHON_UTIL_CTX_H
#define SIPHON_UTIL_CTX_H

#include "siphon.h"

#include <stdarg.h>

#define SIPHON_ERRMSG_MAX 1024

struct siphon_ctx {
	int errcode;
	char errmsg[SIPHON_ERRMSG_MAX];
	siphon_log_fn log_fn;
	void *log_arg;
	enum siphon_log_level log_max;
	siphon_prompt_fn prompt_fn;
	void *prompt_arg;
	siphon_choose_fn choose_fn;
	void *choose_arg;
	int cancel_fd;
	/*
	 * Optional: called while a short local command runs (proc_run), so
	 * that the remote heartbeat goes on.  Non-zero aborts the command.
	 */
	int (*idle_fn)(void *arg);
	void *idle_arg;
	/* Typed events (util/event.h): the callback and the run's state. */
	siphon_event_fn event_fn;
	void *event_arg;
	struct siphon_event_state *events;  /* NULL until a run needs it */
};

/*
 * Records a one-line message and returns code.  The first error recorded
 * wins: a later failure caused by the first (a cleanup step failing, say)
 * does not overwrite it.  Call siphon_err_clear() to start over.
 */
int siphon_err(struct siphon_ctx *ctx, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int siphon_err_oom(struct siphon_ctx *ctx);
/*
 * Puts text before the recorded message (made safe for a terminal), when
 * there is one: a caller that knows more of where the failure happened (the
 * hop of a ProxyJump chain) says so without the callee knowing it.
 */
void siphon_err_prefix(struct siphon_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void siphon_err_clear(struct siphon_ctx *ctx);

/*
 * Hands one line (made safe for a terminal) to the log callback.  A
 * SIPHON_LOG_WARN line is also a warning event (SIPHON_WARNING_GENERAL),
 * whatever the log level.
 */
void siphon_log(struct siphon_ctx *ctx, enum siphon_log_level level,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * The same without the warning event: for a caller that emits a more
 * precise one itself (the ledger of what was left out).
 */
void siphon_log_only(struct siphon_ctx *ctx, enum siphon_log_level level,
                     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* True when the cancel descriptor is readable. */
int siphon_cancelled(const struct siphon_ctx *ctx);

#endif
