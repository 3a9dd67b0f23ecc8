/*
 * pollwant.h - what a non-blocking state machine waits for between steps
 * (connecting: a transport, an SSH handshake, authentication), so that the
 * one event loop can drive it beside everything else.
 */
#ifndef SIPHON_LOOP_POLLWANT_H
#define SIPHON_LOOP_POLLWANT_H

#include <stdint.h>

/* "Not yet: wait as the pollwant says and step again" (never an error code). */
#define SIPHON_AGAIN 1

/*
 * What a state machine that answered SIPHON_AGAIN waits for: events
 * (POLLIN, POLLOUT) on fd, or the deadline (CLOCK_MONOTONIC milliseconds),
 * whichever comes first; then step it again.  fd -1 or events 0: only the
 * deadline.  The deadline is always set, so a driver never waits forever;
 * timeouts are the machine's own business (it reports them when stepped
 * after its deadline).
 */
struct siphon_pollwant {
	int fd;
	short events;
	int64_t deadline_ms;
};

/*
 * A state machine the loop steps on every pass until it answers 0 (done)
 * or an error (which ends the loop's step with that code).  Owned by the
 * caller; the loop borrows it.
 */
struct siphon_stepper {
	int (*step)(void *arg, struct siphon_pollwant *w);
	void *arg;
	int done;
	struct siphon_pollwant want;
};

#endif
