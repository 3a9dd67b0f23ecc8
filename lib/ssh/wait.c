/* wait.c - bounded, cancellable waits for set-up of an SSH session. */
#include "ssh/wait.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

int64_t
siphon_ssh_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
siphon_ssh_deadline(int seconds)
{
	return siphon_ssh_now_ms() + (int64_t)seconds * 1000;
}

int
siphon_ssh_poll(struct siphon_ctx *ctx, int fd, short events,
                int64_t deadline_ms)
{
	struct pollfd p[2];
	nfds_t n;
	int cancel_ix;
	int64_t left;
	int r;

	for (;;) {
		if (siphon_cancelled(ctx))
			return siphon_err(ctx, SIPHON_EINTR, "interrupted");
		left = deadline_ms - siphon_ssh_now_ms();
		if (left <= 0)
			return 0;
		n = 0;
		cancel_ix = -1;
		if (fd >= 0) {
			p[n].fd = fd;
			p[n].events = events;
			p[n].revents = 0;
			n++;
		}
		if (ctx != NULL && ctx->cancel_fd >= 0) {
			cancel_ix = (int)n;
			p[n].fd = ctx->cancel_fd;
			p[n].events = POLLIN;
			p[n].revents = 0;
			n++;
		}
		r = poll(p, n, left > 60000 ? 60000 : (int)left);
		if (r < 0) {
			if (errno == EINTR)
				continue;	/* the cancel descriptor tells */
			return siphon_err(ctx, SIPHON_EINTERNAL, "poll: %s",
			                  strerror(errno));
		}
		if (fd >= 0 && p[0].revents != 0)
			return 1;
		/*
		 * Any event on the cancel descriptor, even an error on one closed
		 * too early, stops the run rather than making this loop spin.
		 */
		if (cancel_ix >= 0 && p[cancel_ix].revents != 0)
			return siphon_err(ctx, SIPHON_EINTR, "interrupted");
		/* Time is up or poll woke early: the top of the loop decides. */
	}
}

int
siphon_ssh_drive(struct siphon_ctx *ctx,
                 int (*step)(void *arg, struct siphon_pollwant *w), void *arg)
{
	struct siphon_pollwant w;
	int r;

	while ((r = step(arg, &w)) == SIPHON_AGAIN)
		if ((r = siphon_ssh_poll(ctx, w.events ? w.fd : -1, w.events,
		                         w.deadline_ms)) < 0)
			return r;
	return r;
}
