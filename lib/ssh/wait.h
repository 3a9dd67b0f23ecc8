/*
 * wait.h - the monotonic clock of set-up deadlines, and waiting for a
 * descriptor, bounded by a deadline and cut short by the context's cancel
 * descriptor.
 *
 * Set-up (connect, handshake, authentication) is a non-blocking state
 * machine (session.h); siphon_ssh_wait_ready() sleeps here between its
 * steps, so that Ctrl-C is honoured while the server is slow.
 */
#ifndef SIPHON_SSH_WAIT_H
#define SIPHON_SSH_WAIT_H

#include "ssh/transport.h"
#include "util/ctx.h"

#include <stdint.h>

/* Milliseconds of the monotonic clock. */
int64_t siphon_ssh_now_ms(void);

/* The monotonic time seconds from now. */
int64_t siphon_ssh_deadline(int seconds);

/*
 * Waits until fd has one of events (POLLIN, POLLOUT), the deadline passes or
 * the run is cancelled; fd -1 waits for the deadline or cancellation alone.
 * Returns 1 when fd is ready (or has an error or hang-up pending, which the
 * caller's next call will report), 0 at the deadline, SIPHON_EINTR (message
 * set) when cancelled, or SIPHON_EINTERNAL when poll itself fails.
 */
int siphon_ssh_poll(struct siphon_ctx *ctx, int fd, short events,
                    int64_t deadline_ms);

/*
 * Drives a state machine to its end: calls step(arg, &w) and, while it
 * answers SIPHON_AGAIN, waits as w says (siphon_ssh_poll) and calls it
 * again.  Returns the last step's result, or SIPHON_EINTR when cancelled.
 */
int siphon_ssh_drive(struct siphon_ctx *ctx,
                     int (*step)(void *arg, struct siphon_pollwant *w),
                     void *arg);

#endif
