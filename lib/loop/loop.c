/* loop.c - the single poll(2) loop over the session and local pipes. */
#include "loop/loop.h"

#include "util/clock.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PASSES 256

void
siphon_loop_init(struct siphon_loop *l, struct siphon_ctx *ctx,
                 const struct siphon_chan_ops *ops, void *sess, int sock,
                 int stall_timeout, const char *host)
{
	memset(l, 0, sizeof(*l));
	l->ctx = ctx;
	l->ops = ops;
	l->sess = sess;
	l->sock = sock;
	l->stall_timeout = stall_timeout;
	l->host = host;
	l->last_remote = siphon_mono_s();
}

void
siphon_loop_attach(struct siphon_loop *l, const struct siphon_chan_ops *ops, void *sess,
                   int sock, const char *host)
{
	l->ops = ops;
	l->sess = sess;
	l->sock = sock;
	l->host = host;
	l->last_remote = siphon_mono_s();
}

void
siphon_loop_clear(struct siphon_loop *l)
{
	free(l->rs);
	free(l->procs);
	free(l->steppers);
	free(l->pf);
	l->rs = NULL;
	l->procs = NULL;
	l->steppers = NULL;
	l->pf = NULL;
	l->cappf = 0;
	l->nrs = l->nprocs = l->caprs = l->capprocs = 0;
	l->nsteppers = l->capsteppers = 0;
}

static int
grow(void **arr, int *cap, int need, size_t elem)
{
	void *n;
	int ncap;

	if (need <= *cap)
		return 0;
	/* Doubled, and at least what is needed (the wait's array grows by more than one). */
	ncap = *cap ? *cap * 2 : 16;
	if (ncap < need)
		ncap = need;
	if ((n = realloc(*arr, (size_t)ncap * elem)) == NULL)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}

int
siphon_loop_add_rstream(struct siphon_loop *l, struct siphon_rstream *rs)
{
	if (grow((void **)&l->rs, &l->caprs, l->nrs + 1, sizeof(*l->rs)) != 0)
		return siphon_err_oom(l->ctx);
	rs->arb = &l->arb;
	l->rs[l->nrs++] = rs;
	return 0;
}

int
siphon_loop_add_proc(struct siphon_loop *l, struct siphon_proc *p)
{
	if (grow((void **)&l->procs, &l->capprocs, l->nprocs + 1,
	         sizeof(*l->procs)) != 0)
		return siphon_err_oom(l->ctx);
	l->procs[l->nprocs++] = p;
	p->out_dry = p->err_dry = p->in_full = 0;
	p->gated = 1;
	return 0;
}

int
siphon_loop_add_stepper(struct siphon_loop *l, struct siphon_stepper *s)
{
	if (grow((void **)&l->steppers, &l->capsteppers, l->nsteppers + 1,
	         sizeof(*l->steppers)) != 0)
		return siphon_err_oom(l->ctx);
	s->done = 0;
	s->want = (struct siphon_pollwant){.fd = -1};
	l->steppers[l->nsteppers++] = s;
	return 0;
}

void
siphon_loop_remove_stepper(struct siphon_loop *l, struct siphon_stepper *s)
{
	for (int i = 0; i < l->nsteppers; i++) {
		if (l->steppers[i] == s) {
			memmove(&l->steppers[i], &l->steppers[i + 1],
			        (size_t)(l->nsteppers - i - 1) * sizeof(*l->steppers));
			l->nsteppers--;
			return;
		}
	}
}

void
siphon_loop_remove_rstream(struct siphon_loop *l, struct siphon_rstream *rs)
{
	int i;

	for (i = 0; i < l->nrs; i++) {
		if (l->rs[i] == rs) {
			memmove(&l->rs[i], &l->rs[i + 1],
			        (size_t)(l->nrs - i - 1) * sizeof(*l->rs));
			l->nrs--;
			return;
		}
	}
}

void
siphon_loop_remove_proc(struct siphon_loop *l, struct siphon_proc *p)
{
	int i;

	for (i = 0; i < l->nprocs; i++) {
		if (l->procs[i] == p) {
			p->gated = 0;
			memmove(&l->procs[i], &l->procs[i + 1],
			        (size_t)(l->nprocs - i - 1) * sizeof(*l->procs));
			l->nprocs--;
			return;
		}
	}
}

/* One full pass over everything; *progress when anything moved. */
static int
pass(struct siphon_loop *l, int *progress, int *remote_progress)
{
	int i, r, p;

	/*
	 * A state machine (a connect) is stepped once a pass: SIPHON_AGAIN says
	 * what it waits for, and the poll below wakes it; done counts as
	 * progress.
	 */
	for (i = 0; i < l->nsteppers; i++) {
		struct siphon_stepper *s = l->steppers[i];

		if (s->done)
			continue;
		if ((r = s->step(s->arg, &s->want)) < 0)
			return r;
		if (r == 0) {
			s->done = 1;
			*progress = 1;
		}
	}
	for (i = 0; i < l->nrs; i++) {
		struct siphon_rstream *rs = l->rs[i];
		uint64_t wire = rs->wire_bytes;
		enum siphon_rstream_state st = rs->state;

		p = 0;
		if ((r = siphon_rstream_step(rs, &p)) != 0)
			return r;
		if (p) {
			*progress = 1;
			/*
			 * Progress for the stall watchdog is data or a step of the
			 * stream's life, not stderr alone (a server that only talks
			 * has stalled), and not the heartbeat's echoes.
			 */
			if (!rs->heartbeat && (rs->wire_bytes != wire || rs->state != st))
				*remote_progress = 1;
		}
	}
	for (i = 0; i < l->nprocs; i++) {
		if ((r = siphon_proc_step(l->procs[i], progress)) != 0)
			return r;
	}
	return 0;
}

static int
waiting_remote(const struct siphon_loop *l)
{
	int i;

	for (i = 0; i < l->nrs; i++)
		if (siphon_rstream_waiting_remote(l->rs[i]))
			return 1;
	return 0;
}

/*
 * Ctrl-C, the caller's watchdogs, the heartbeat and the stall watchdog.  They run after every
 * wait and, while things keep moving (a server that sends without end),
 * at least every CHECK_INTERVAL seconds, so that nothing starves them.
 */
#define CHECK_INTERVAL 0.2

static int
checks(struct siphon_loop *l, int sock_ready)
{
	int r;

	l->last_check = siphon_mono_s();
	if (siphon_cancelled(l->ctx))
		return siphon_err(l->ctx, SIPHON_EINTR, "interrupted; the local database was left as it was");
	if (l->tick != NULL && (r = l->tick(l->tick_arg)) != 0)
		return r;
	if (l->beat != NULL && (r = l->beat(l->beat_arg)) != 0)
		return r;
	/* Bytes waiting on the socket are read by the next pass: no stall yet. */
	if (!waiting_remote(l)) {
		l->last_remote = siphon_mono_s();
	} else if (!sock_ready && siphon_mono_s() - l->last_remote > l->stall_timeout) {
		return siphon_err(l->ctx, SIPHON_ECONNECT,
		                  "no data from %s for %d s: the transfer stalled (dead link or SSH rekey deadlock); run again, or raise --stall-timeout",
		                  l->host ? l->host : "the server", l->stall_timeout);
	}
	return 0;
}

/* The session's receive gate (chan.h rx_gate), when it has one. */
static void
rx_gate(struct siphon_loop *l, int on)
{
	if (l->sess != NULL && l->ops != NULL && l->ops->rx_gate != NULL)
		l->ops->rx_gate(l->sess, on);
}

/*
 * Full passes until one moves nothing (or MAX_PASSES), under the session's
 * receive gate: the socket is asked once, not once per channel read; what
 * arrives meanwhile wakes the poll that follows.  *passes: the passes that
 * moved something.
 */
static int
passes_until_quiet(struct siphon_loop *l, int *passes)
{
	int r = 0, progress, remote;

	rx_gate(l, 1);
	do {
		progress = remote = 0;
		if ((r = pass(l, &progress, &remote)) != 0)
			break;
		if (remote)
			l->last_remote = siphon_mono_s();
		if (siphon_mono_s() - l->last_check >= CHECK_INTERVAL && (r = checks(l, 0)) != 0)
			break;
	} while (progress && ++*passes < MAX_PASSES);
	rx_gate(l, 0);
	return r;
}

/*
 * A process's pipe that read dry (or, stdin, was full) is tried again only
 * once a wait has seen it ready (proc.h out_dry, err_dry, in_full), or at
 * the next step after one that returned without a wait (things kept
 * moving: no wait has looked at the pipes since).  pf: the wait's entries,
 * in the order it put them, from i on; NULL: try every pipe again.
 */
static void
note_ready(struct siphon_loop *l, const struct pollfd *pf, int i)
{
	if (pf == NULL) {
		for (int k = 0; k < l->nprocs; k++)
			l->procs[k]->out_dry = l->procs[k]->err_dry = l->procs[k]->in_full = 0;
		return;
	}
	for (int k = 0; k < l->nprocs; k++) {
		struct siphon_proc *p = l->procs[k];

		if (p->in_fd >= 0 && p->want_write && pf[i++].revents != 0)
			p->in_full = 0;
		if (p->out_fd >= 0 && pf[i++].revents != 0)
			p->out_dry = 0;
		if (p->err_fd >= 0 && pf[i++].revents != 0)
			p->err_dry = 0;
	}
}

void
siphon_loop_wait_socket(struct siphon_loop *l, int ms)
{
	struct pollfd pf = {.fd = l->sock, .events = POLLIN};

	if (l->sock < 0)
		return;
	if (l->ops->directions(l->sess) & SIPHON_CHAN_WANT_WRITE)
		pf.events |= POLLOUT;
	poll(&pf, 1, ms);
}

int
siphon_loop_step(struct siphon_loop *l, int max_wait_ms)
{
	struct pollfd *pf;
	int i, n, r = 0, passes = 0, next_ka = 0, dirs, sock_ready = 0, need;

	if (!l->waited)
		note_ready(l, NULL, 0);
	l->waited = 0;
	if ((r = passes_until_quiet(l, &passes)) != 0)
		return r;
	if (passes > 0)
		return 0;       /* something moved: let the caller check its state */

	if (l->sess != NULL && l->ops->keepalive != NULL && l->arb.send_owner == NULL)
		l->ops->keepalive(l->sess, &next_ka);

	if (max_wait_ms > 1000 || max_wait_ms < 0)
		max_wait_ms = 1000;
	for (i = 0; i < l->nsteppers; i++) {
		const struct siphon_stepper *s = l->steppers[i];
		int64_t left = s->want.deadline_ms - (int64_t)(siphon_mono_s() * 1000);

		if (!s->done && left < max_wait_ms)
			max_wait_ms = left < 0 ? 0 : (int)left;
	}
	/* Kept between waits: a wait is too frequent for an allocation each. */
	need = 2 + 3 * l->nprocs + l->nsteppers;
	if (grow((void **)&l->pf, &l->cappf, need, sizeof(*l->pf)) != 0)
		return siphon_err_oom(l->ctx);
	pf = l->pf;
	n = 0;
	if (l->sock >= 0) {
		dirs = l->ops->directions(l->sess);
		pf[n].fd = l->sock;
		pf[n].events = POLLIN;
		if (dirs & SIPHON_CHAN_WANT_WRITE)
			pf[n].events |= POLLOUT;
		n++;
	}
	for (i = 0; i < l->nprocs; i++) {
		struct siphon_proc *p = l->procs[i];

		/* A child with both pipes closed is exiting: check again soon. */
		if (p->out_fd < 0 && p->err_fd < 0 && !p->exited && max_wait_ms > 5)
			max_wait_ms = 5;
		if (p->in_fd >= 0 && p->want_write)
			pf[n++] = (struct pollfd){.fd = p->in_fd, .events = POLLOUT};
		if (p->out_fd >= 0)
			pf[n++] = (struct pollfd){.fd = p->out_fd, .events = POLLIN};
		if (p->err_fd >= 0)
			pf[n++] = (struct pollfd){.fd = p->err_fd, .events = POLLIN};
	}
	for (i = 0; i < l->nsteppers; i++) {
		const struct siphon_stepper *s = l->steppers[i];

		if (!s->done && s->want.fd >= 0 && s->want.events != 0)
			pf[n++] = (struct pollfd){.fd = s->want.fd, .events = s->want.events};
	}
	if (l->ctx->cancel_fd >= 0)
		pf[n++] = (struct pollfd){.fd = l->ctx->cancel_fd, .events = POLLIN};
	if (next_ka > 0 && next_ka * 1000 < max_wait_ms)
		max_wait_ms = next_ka * 1000;
	if (poll(pf, (nfds_t)n, max_wait_ms) < 0) {
		/* EINTR or the like: say nothing was seen, read every pipe again. */
		for (i = 0; i < n; i++)
			pf[i].revents = POLLIN;
	}
	sock_ready = l->sock >= 0 && (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
	note_ready(l, pf, l->sock >= 0 ? 1 : 0);
	l->waited = 1;
	return checks(l, sock_ready);
}
