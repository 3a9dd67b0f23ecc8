/*
 * proc.h - a local child process (psql, pg_restore) with non-blocking pipes,
 * driven by the event loop.  Its stdin takes streamed bytes or queued text;
 * its stdout and stderr are kept, bounded, for results and messages.
 */
#ifndef SIPHON_LOOP_PROC_H
#define SIPHON_LOOP_PROC_H

#include "loop/sink.h"
#include "util/ctx.h"
#include "util/strbuf.h"

#include <spawn.h>
#include <sys/types.h>

struct siphon_proc {
	char what[128];
	struct siphon_ctx *ctx;
	pid_t pid;
	int in_fd, out_fd, err_fd;
	struct siphon_strbuf out;   /* stdout, bounded by out.max */
	struct siphon_strbuf err;   /* stderr, bounded */
	struct siphon_strbuf inq;   /* queued stdin text */
	size_t inq_off;
	int close_in;               /* close stdin once inq is drained */
	int want_write;             /* stdin was full: poll it for POLLOUT */
	int in_broken;              /* the child closed its stdin (it failed) */
	int exited;
	int status;                 /* exit code, or 128+signal */
	/*
	 * gated: the process is in a loop (siphon_loop_add_proc), whose wait
	 * clears the flags that follow when poll reports a pipe ready.  Then
	 * stdout, stderr read until "would block" and stdin found full are
	 * not read or written again until then, so that a pass over idle or
	 * busy processes makes no system call that is sure to fail.  Outside
	 * a loop every step tries them all.
	 */
	int gated;
	int out_dry, err_dry, in_full;
};

/*
 * Initialises attr for a child of siphon: default SIGPIPE, SIGINT and
 * SIGTERM, nothing blocked, its own process group (a Ctrl-C reaches siphon
 * alone, which decides).  0, or -1 (destroy nothing then).
 */
int siphon_proc_spawnattr(posix_spawnattr_t *attr);

/*
 * Starts argv[0] (looked up in PATH) with the environment of this process.
 * out_max bounds the kept stdout (0: discard stdout).
 */
int siphon_proc_spawn(struct siphon_proc **out, struct siphon_ctx *ctx,
                      const char *what, char *const argv[], size_t out_max);
/* Kills (SIGTERM, then SIGKILL) and reaps if still running; frees. NULL-safe. */
void siphon_proc_free(struct siphon_proc *p);

/* Queues text for stdin. */
int siphon_proc_queue(struct siphon_proc *p, const char *text, size_t len);
/* Closes stdin once the queue is written. */
void siphon_proc_close_stdin(struct siphon_proc *p);
/*
 * Writes bytes straight to stdin (only when the queue is empty): returns the
 * number written, 0 when the pipe is full, or a negative code when the
 * process is gone.
 */
ssize_t siphon_proc_write(struct siphon_proc *p, const unsigned char *buf,
                          size_t len);

/* Moves queued input, reads output, reaps.  0 or a negative code. */
int siphon_proc_step(struct siphon_proc *p, int *progress);

/* A sink that streams into the process's stdin and closes it at the end. */
void siphon_proc_sink(struct siphon_sink *s, struct siphon_proc *p);

/*
 * Runs argv to completion, feeding it input, and keeps its stdout in *out
 * (caller frees) and stderr in *err (caller frees; may be NULL).  Returns
 * the exit status (>= 0) or a negative code.  For short local commands.
 */
int siphon_proc_run(struct siphon_ctx *ctx, char *const argv[],
                    const char *input, char **out, char **err);

#endif
