/*
 * loop.h - the one event loop: a single thread polls the SSH socket, every
 * local pipe and the cancel descriptor, and steps every remote stream and
 * local process.
 *
 * libssh2 reads the whole socket into one session-wide queue, so poll()
 * readiness says nothing about a given channel: after every wake-up the loop
 * steps every stream, and repeats full passes until one makes no progress,
 * before it polls again.
 */
#ifndef SIPHON_LOOP_LOOP_H
#define SIPHON_LOOP_LOOP_H

#include "loop/chan.h"
#include "loop/pollwant.h"
#include "loop/proc.h"
#include "loop/rstream.h"
#include "util/ctx.h"

#include <poll.h>

struct siphon_loop {
	struct siphon_ctx *ctx;
	const struct siphon_chan_ops *ops;
	void *sess;
	int sock;
	struct siphon_chan_arbiter arb;
	struct siphon_rstream **rs;
	int nrs, caprs;
	struct siphon_proc **procs;
	int nprocs, capprocs;
	struct siphon_stepper **steppers;   /* state machines (connecting) */
	int nsteppers, capsteppers;
	int stall_timeout;          /* seconds */
	double last_remote;         /* siphon_mono_s() of the last remote progress */
	const char *host;           /* for messages */
	/*
	 * Optional: called after every wait, for watchdogs of the caller's
	 * (the engine watches the local disk).  Non-zero ends the loop.
	 */
	int (*tick)(void *arg);
	void *tick_arg;
	/*
	 * Optional: the heartbeat (engine/heartbeat.h), called like tick.
	 * Non-zero ends the loop.
	 */
	int (*beat)(void *arg);
	void *beat_arg;
	double last_check;          /* siphon_mono_s() of the last checks */
	struct pollfd *pf;          /* the wait's descriptors, kept between waits */
	int cappf;
	int waited;                 /* the last step ended in a wait */
};

void siphon_loop_init(struct siphon_loop *l, struct siphon_ctx *ctx,
                      const struct siphon_chan_ops *ops, void *sess, int sock,
                      int stall_timeout, const char *host);
/* Releases the loop's arrays (not the streams or processes themselves). */
void siphon_loop_clear(struct siphon_loop *l);

/*
 * The session and its socket, once connected: a loop may be made before
 * (ops NULL, sock -1) to drive the connect itself as a stepper.
 */
void siphon_loop_attach(struct siphon_loop *l, const struct siphon_chan_ops *ops, void *sess,
                        int sock, const char *host);
/* Registers a state machine, stepped on every pass until done. */
int siphon_loop_add_stepper(struct siphon_loop *l, struct siphon_stepper *s);
void siphon_loop_remove_stepper(struct siphon_loop *l, struct siphon_stepper *s);
/* Registers a stream or process; the caller keeps ownership. */
int siphon_loop_add_rstream(struct siphon_loop *l, struct siphon_rstream *rs);
int siphon_loop_add_proc(struct siphon_loop *l, struct siphon_proc *p);
void siphon_loop_remove_rstream(struct siphon_loop *l, struct siphon_rstream *rs);
void siphon_loop_remove_proc(struct siphon_loop *l, struct siphon_proc *p);

/*
 * Steps everything until no progress, then waits up to max_wait_ms for
 * something to happen.  Returns 0, or a negative code: a stream or process
 * failed, the transfer stalled, or the user interrupted.
 */
int siphon_loop_step(struct siphon_loop *l, int max_wait_ms);

/* Waits up to ms for the SSH socket (for a step of one stream alone). */
void siphon_loop_wait_socket(struct siphon_loop *l, int ms);

#endif
