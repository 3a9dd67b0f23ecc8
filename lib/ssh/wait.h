/*
 * wait.h - waiting for a descriptor or a non-blocking libssh2 call, bounded
 * by a deadline and cut short by the context's cancel descriptor.
 *
 * Set-up (connect, handshake, authentication) runs libssh2 in non-blocking
 * mode so that Ctrl-C is honoured while the server is slow; these helpers
 * are the one place where that set-up sleeps.
 */
#ifndef SIPHON_SSH_WAIT_H
#define SIPHON_SSH_WAIT_H

#include "util/ctx.h"

#include <libssh2.h>
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
 * Waits after a libssh2 call on session s (socket sock) returned
 * LIBSSH2_ERROR_EAGAIN, for the directions libssh2 is blocked on.  Returns 0
 * when the call should be repeated; SIPHON_ECONNECT "<what>: no answer from
 * the server within N s" at the deadline (timeout_s is only for that
 * message); SIPHON_EINTR when cancelled.
 */
int siphon_ssh_wait(struct siphon_ctx *ctx, LIBSSH2_SESSION *s, int sock,
                    int64_t deadline_ms, int timeout_s, const char *what);

#endif
