/* proc.c - local child processes with non-blocking pipes. */
#include "loop/proc.h"

#include "util/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ERR_MAX (16 * 1024)

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int
siphon_proc_spawnattr(posix_spawnattr_t *attr)
{
	sigset_t none, dfl;

	if (posix_spawnattr_init(attr) != 0)
		return -1;
	/* The child must not inherit our ignored SIGPIPE or blocked signals. */
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	posix_spawnattr_setsigmask(attr, &none);
	posix_spawnattr_setsigdefault(attr, &dfl);
	/* Its own process group: a Ctrl-C reaches siphon, which decides. */
	posix_spawnattr_setpgroup(attr, 0);
	posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
	                               POSIX_SPAWN_SETPGROUP);
	return 0;
}

int
siphon_proc_spawn(struct siphon_proc **out, struct siphon_ctx *ctx,
                  const char *what, char *const argv[], size_t out_max)
{
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct siphon_proc *p;
	int r = 0, fa_ok = 0, attr_ok = 0;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return siphon_err_oom(ctx);
	p->ctx = ctx;
	p->in_fd = p->out_fd = p->err_fd = -1;
	p->pid = -1;
	p->out.max = out_max;
	p->err.max = ERR_MAX;
	snprintf(p->what, sizeof(p->what), "%s", what);
	if (pipe2(pin, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0 ||
	    pipe2(perr, O_CLOEXEC) != 0) {
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot create pipes for %s: %s",
		               what, strerror(errno));
		goto out;
	}
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    siphon_proc_spawnattr(&attr) != 0) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	fa_ok = attr_ok = 1;
	posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
	posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
	posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
	if ((errno = posix_spawnp(&p->pid, argv[0], &fa, &attr, argv, environ)) != 0) {
		p->pid = -1;
		r = siphon_err(ctx, SIPHON_ELOCAL,
		               "cannot run %s on this machine: %s (is it installed and in PATH?)",
		               argv[0], strerror(errno));
		goto out;
	}
	p->in_fd = pin[1];
	p->out_fd = pout[0];
	p->err_fd = perr[0];
	pin[1] = pout[0] = perr[0] = -1;
	/*
	 * A 1 MiB stdin pipe (64 KiB by default): a loader reading its rows
	 * from the pipe (LOAD DATA LOCAL of /dev/stdin, psql's COPY) otherwise
	 * waits for siphon every 64 KiB, and one table's load becomes a
	 * ping-pong of wake-ups.  Best effort: the size is capped by
	 * /proc/sys/fs/pipe-max-size for unprivileged users.
	 */
	(void)fcntl(p->in_fd, F_SETPIPE_SZ, 1024 * 1024);
	fcntl(p->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->err_fd, F_SETFL, O_NONBLOCK);
	/* A bigger pipe means fewer wake-ups when streaming table data. */
	fcntl(p->in_fd, F_SETPIPE_SZ, 1024 * 1024);
	*out = p;
	p = NULL;
out:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (attr_ok)
		posix_spawnattr_destroy(&attr);
	close_fd(&pin[0]);
	close_fd(&pin[1]);
	close_fd(&pout[0]);
	close_fd(&pout[1]);
	close_fd(&perr[0]);
	close_fd(&perr[1]);
	siphon_proc_free(p);
	return r;
}

static void
reap(struct siphon_proc *p, int options)
{
	int st;
	pid_t w;

	if (p->pid < 0 || p->exited)
		return;
	do {
		w = waitpid(p->pid, &st, options);
	} while (w < 0 && errno == EINTR);
	if (w != p->pid)
		return;
	p->exited = 1;
	p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void
siphon_proc_free(struct siphon_proc *p)
{
	int i;

	if (p == NULL)
		return;
	close_fd(&p->in_fd);
	close_fd(&p->out_fd);
	close_fd(&p->err_fd);
	if (p->pid > 0 && !p->exited) {
		reap(p, WNOHANG);
		if (!p->exited) {
			kill(p->pid, SIGTERM);
			for (i = 0; i < 50 && !p->exited; i++) {
				struct timespec ts = {0, 20 * 1000 * 1000};

				nanosleep(&ts, NULL);
				reap(p, WNOHANG);
			}
			if (!p->exited) {
				kill(p->pid, SIGKILL);
				reap(p, 0);
			}
		}
	}
	siphon_strbuf_free(&p->out);
	siphon_strbuf_free(&p->err);
	siphon_strbuf_free(&p->inq);
	free(p);
}

int
siphon_proc_queue(struct siphon_proc *p, const char *text, size_t len)
{
	if (p->inq_off > 0 && p->inq_off == p->inq.len) {
		siphon_strbuf_reset(&p->inq);
		p->inq_off = 0;
	} else if (p->inq_off > 64 * 1024 && p->inq_off * 2 > p->inq.len) {
		/* Mostly written already: move the rest to the front, stay bounded. */
		memmove(p->inq.buf, p->inq.buf + p->inq_off, p->inq.len - p->inq_off);
		p->inq.len -= p->inq_off;
		p->inq.buf[p->inq.len] = '\0';
		p->inq_off = 0;
	}
	if (siphon_strbuf_append(&p->inq, text, len) != 0)
		return siphon_err_oom(p->ctx);
	return 0;
}

void
siphon_proc_close_stdin(struct siphon_proc *p)
{
	p->close_in = 1;
}

static ssize_t
raw_write(struct siphon_proc *p, const void *buf, size_t len)
{
	ssize_t n;

	if (p->in_fd < 0) {
		if (p->in_broken)
			return 0;
		return siphon_err(p->ctx, SIPHON_ELOCAL, "%s: input already closed",
		                  p->what);
	}
	if (p->in_full && p->gated) {
		p->want_write = 1;
		return 0;
	}
	do {
		n = write(p->in_fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		p->want_write = 1;
		p->in_full = 1;
		return 0;
	}
	if (errno == EPIPE) {
		/*
		 * The child gave up (its own error is on its stderr): hold the
		 * producer back and let its exit status and message tell why.
		 */
		p->in_broken = 1;
		p->want_write = 0;
		close_fd(&p->in_fd);
		return 0;
	}
	return siphon_err(p->ctx, SIPHON_ELOCAL, "writing to %s: %s", p->what,
	                  strerror(errno));
}

ssize_t
siphon_proc_write(struct siphon_proc *p, const unsigned char *buf, size_t len)
{
	if (p->inq_off < p->inq.len || (p->in_full && p->gated))
		return 0;
	p->want_write = 0;
	return raw_write(p, buf, len);
}

static int
read_fd(struct siphon_proc *p, int *fd, struct siphon_strbuf *sb, int *dry, int *progress)
{
	char buf[8192];
	ssize_t n;

	while (*fd >= 0 && !(*dry && p->gated)) {
		n = read(*fd, buf, sizeof(buf));
		if (n > 0) {
			if (sb->max > 0 && siphon_strbuf_append(sb, buf, (size_t)n) != 0)
				return siphon_err_oom(p->ctx);
			*progress = 1;
			continue;
		}
		if (n == 0) {
			close_fd(fd);
			*progress = 1;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			*dry = 1;
			break;
		}
		close_fd(fd);
		break;
	}
	return 0;
}

int
siphon_proc_step(struct siphon_proc *p, int *progress)
{
	ssize_t n;
	int r;

	while (p->inq_off < p->inq.len && p->in_fd >= 0) {
		n = raw_write(p, p->inq.buf + p->inq_off, p->inq.len - p->inq_off);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		p->inq_off += (size_t)n;
		if (p->inq_off == p->inq.len)
			p->want_write = 0;  /* a streaming writer sets it again */
		*progress = 1;
	}
	if (p->inq_off == p->inq.len) {
		if (p->close_in && p->in_fd >= 0) {
			close_fd(&p->in_fd);
			*progress = 1;
		}
	}
	if ((r = read_fd(p, &p->out_fd, &p->out, &p->out_dry, progress)) != 0)
		return r;
	if ((r = read_fd(p, &p->err_fd, &p->err, &p->err_dry, progress)) != 0)
		return r;
	if (p->out_fd < 0 && p->err_fd < 0 && !p->exited) {
		reap(p, WNOHANG);
		if (p->exited)
			*progress = 1;
	}
	return 0;
}

static ssize_t
proc_sink_write(void *arg, const unsigned char *buf, size_t len)
{
	return siphon_proc_write(arg, buf, len);
}

static int
proc_sink_finish(void *arg)
{
	siphon_proc_close_stdin(arg);
	return 0;
}

void
siphon_proc_sink(struct siphon_sink *s, struct siphon_proc *p)
{
	s->write = proc_sink_write;
	s->finish = proc_sink_finish;
	s->arg = p;
}

int
siphon_proc_run(struct siphon_ctx *ctx, char *const argv[], const char *input,
                char **out, char **err)
{
	struct siphon_proc *p = NULL;
	struct pollfd pf[4];
	double last_idle = 0;
	int r, progress, n;

	*out = NULL;
	if (err != NULL)
		*err = NULL;
	if ((r = siphon_proc_spawn(&p, ctx, argv[0], argv, 64 * 1024 * 1024)) != 0)
		return r;
	if (input != NULL && (r = siphon_proc_queue(p, input, strlen(input))) != 0)
		goto out;
	siphon_proc_close_stdin(p);
	for (;;) {
		progress = 0;
		if ((r = siphon_proc_step(p, &progress)) != 0)
			goto out;
		if (p->exited)
			break;
		/* The heartbeat goes on, however long the command takes. */
		if (ctx->idle_fn != NULL && siphon_mono_s() - last_idle >= 0.2) {
			last_idle = siphon_mono_s();
			if ((r = ctx->idle_fn(ctx->idle_arg)) != 0)
				goto out;
		}
		if (progress)
			continue;
		if (p->out_fd < 0 && p->err_fd < 0) {
			/* Both pipes closed: the child is exiting, wait for it. */
			reap(p, 0);
			continue;
		}
		n = 0;
		if (p->in_fd >= 0)
			pf[n++] = (struct pollfd){.fd = p->in_fd, .events = POLLOUT};
		if (p->out_fd >= 0)
			pf[n++] = (struct pollfd){.fd = p->out_fd, .events = POLLIN};
		if (p->err_fd >= 0)
			pf[n++] = (struct pollfd){.fd = p->err_fd, .events = POLLIN};
		if (ctx->cancel_fd >= 0)
			pf[n++] = (struct pollfd){.fd = ctx->cancel_fd, .events = POLLIN};
		poll(pf, (nfds_t)n, n > 0 ? 200 : 20);
		if (siphon_cancelled(ctx)) {
			r = siphon_err(ctx, SIPHON_EINTR, "interrupted");
			goto out;
		}

	}
	if (p->out.truncated) {
		r = siphon_err(ctx, SIPHON_ELOCAL, "%s printed more than %zu MB; siphon stopped reading it",
		               argv[0], p->out.max >> 20);
		goto out;
	}
	*out = siphon_strbuf_take(&p->out);
	if (err != NULL)
		*err = siphon_strbuf_take(&p->err);
	if (*out == NULL || (err != NULL && *err == NULL)) {
		free(*out);
		*out = NULL;
		if (err != NULL) {
			free(*err);
			*err = NULL;
		}
		r = siphon_err_oom(ctx);
		goto out;
	}
	r = p->status;
out:
	siphon_proc_free(p);
	return r;
}
