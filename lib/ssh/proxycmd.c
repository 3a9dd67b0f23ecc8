/*
 * proxycmd.c - the ProxyCommand transport: /bin/sh -c COMMAND as a child
 * whose stdin and stdout are one end of a socket pair; the session's bytes
 * travel on the other end (teleport, aws ssm, cloudflared and company
 * bastions reach their hosts this way).
 *
 * The child's stderr is read through a pipe rather than passed through:
 * its lines go to the log (shown by default, so a command that prints a
 * login URL is still seen), and the last one is kept for the one error
 * line a failure gets.  Passing it through would put the command's text
 * after siphon's error line, breaking the one-line contract.
 */
#include "ssh/transport.h"

#include "loop/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/*
 * Freeing: the child gets this long to leave on its own once its stdin is
 * closed, then SIGTERM and as long again, then SIGKILL.
 */
#define GRACE_MS 300
/* A child that closed its output is given this long to exit, for the message. */
#define EXIT_WAIT_MS 500

struct proxycmd {
	struct siphon_transport base;   /* first: the ops see a struct proxycmd */
	char *command;
	pid_t pid;                      /* -1: none, or reaped */
	int status;                     /* waitpid's, once reaped */
	int reaped;
	int fd;                         /* our end of the socket pair */
	int errfd;                      /* the child's stderr, -1 at its end */
	int reported;                   /* the failure line was recorded */
	char line[512];                 /* the stderr line being read */
	size_t linelen;
	char last[512];                 /* the last non-empty stderr line */
};

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
	                       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* A complete stderr line: logged, and kept when it says something. */
static void
err_line(struct proxycmd *p)
{
	size_t n = p->linelen;

	while (n > 0 && (p->line[n - 1] == '\r' || p->line[n - 1] == ' '))
		n--;
	p->line[n] = '\0';
	p->linelen = 0;
	if (n == 0)
		return;
	siphon_log(p->base.ctx, SIPHON_LOG_INFO, "ProxyCommand: %s", p->line);
	memcpy(p->last, p->line, n + 1);
}

/* Reads what the child wrote on stderr so far, without waiting. */
static void
drain_stderr(struct proxycmd *p)
{
	char buf[1024];
	ssize_t n;

	while (p->errfd >= 0) {
		n = read(p->errfd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close_fd(&p->errfd);
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				err_line(p);
				continue;
			}
			/* An overlong line keeps its start. */
			if (p->linelen < sizeof(p->line) - 1)
				p->line[p->linelen++] = buf[i];
		}
	}
	if (p->linelen > 0)
		err_line(p);
}

/* Reaps the child if it has exited, waiting up to ms for it. */
static int
reap(struct proxycmd *p, int ms)
{
	pid_t w;

	for (;;) {
		if (p->pid < 0)
			return 1;
		w = waitpid(p->pid, &p->status, WNOHANG);
		if (w == p->pid || (w < 0 && errno != EINTR)) {
			p->reaped = w == p->pid;
			p->pid = -1;
			return 1;
		}
		if (ms <= 0)
			return 0;
		sleep_ms(ms < 10 ? ms : 10);
		ms -= 10;
	}
}

/*
 * The connection ended from the child's side (end of file or an error on
 * the socket): one line naming the command, how it ended and what it said
 * last.  Recorded once; the session's own message about the lost
 * connection comes later and loses (the first error wins).
 */
static void
report_end(struct proxycmd *p)
{
	char how[96];

	if (p->reported)
		return;
	p->reported = 1;
	(void)reap(p, EXIT_WAIT_MS);
	drain_stderr(p);
	if (!p->reaped)
		snprintf(how, sizeof(how), "closed its output");
	else if (WIFEXITED(p->status))
		snprintf(how, sizeof(how), "exited with status %d%s",
		         WEXITSTATUS(p->status),
		         WEXITSTATUS(p->status) == 127 ? " (command not found?)" :
		         "");
	else if (WIFSIGNALED(p->status))
		snprintf(how, sizeof(how), "was killed by signal %d (%s)",
		         WTERMSIG(p->status), strsignal(WTERMSIG(p->status)));
	else
		snprintf(how, sizeof(how), "ended");
	siphon_err(p->base.ctx, SIPHON_ECONNECT, "ProxyCommand \"%s\" %s%s%s%s "
	           "(run it by hand to see why; it must relay the SSH "
	           "connection on its stdin and stdout)", p->command, how,
	           p->last[0] != '\0' ? ": \"" : "", p->last,
	           p->last[0] != '\0' ? "\"" : "");
}

static int
pc_start(struct siphon_transport *t)
{
	struct proxycmd *p = (struct proxycmd *)t;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int sv[2] = { -1, -1 }, perr[2] = { -1, -1 }, r = 0;
	char *argv[] = { "sh", "-c", p->command, NULL };

	if (posix_spawn_file_actions_init(&fa) != 0)
		return siphon_err_oom(t->ctx);
	if (siphon_proc_spawnattr(&attr) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return siphon_err_oom(t->ctx);
	}
	/* Blocking on the child's side: the command expects ordinary stdio. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    pipe2(perr, O_CLOEXEC) != 0) {
		r = siphon_err(t->ctx, SIPHON_ELOCAL, "cannot run the ProxyCommand: "
		               "%s", strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
	errno = posix_spawn(&p->pid, "/bin/sh", &fa, &attr, argv, environ);
	if (errno != 0) {
		p->pid = -1;
		r = siphon_err(t->ctx, SIPHON_ECONNECT, "cannot run the ProxyCommand "
		               "\"%s\" with /bin/sh: %s", p->command, strerror(errno));
		goto out;
	}
	p->fd = sv[0];
	p->errfd = perr[0];
	sv[0] = perr[0] = -1;
	(void)fcntl(p->fd, F_SETFL, O_NONBLOCK);
	(void)fcntl(p->errfd, F_SETFL, O_NONBLOCK);
	siphon_log(t->ctx, SIPHON_LOG_DEBUG, "ProxyCommand started (pid %ld): %s",
	           (long)p->pid, p->command);
out:
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close_fd(&sv[0]);
	close_fd(&sv[1]);
	close_fd(&perr[0]);
	close_fd(&perr[1]);
	return r;
}

/* The socket pair is there at once: a dead command shows at the first read. */
static int
pc_step(struct siphon_transport *t, struct siphon_pollwant *w)
{
	(void)t;
	(void)w;
	return 0;
}

static int
pc_fd(struct siphon_transport *t)
{
	return ((struct proxycmd *)t)->fd;
}

static ssize_t
pc_send(struct siphon_transport *t, const void *buf, size_t len)
{
	struct proxycmd *p = (struct proxycmd *)t;
	ssize_t n = siphon_sock_send(p->fd, buf, len);

	if (n == -EAGAIN)
		drain_stderr(p);
	else if (n < 0)
		report_end(p);
	return n;
}

static ssize_t
pc_recv(struct siphon_transport *t, void *buf, size_t len)
{
	struct proxycmd *p = (struct proxycmd *)t;
	ssize_t n = siphon_sock_recv(p->fd, buf, len);

	/* About to wait: what the command said meanwhile is logged now. */
	if (n == -EAGAIN)
		drain_stderr(p);
	else if (n <= 0)
		report_end(p);
	return n;
}

static int
pc_peer_closed(struct siphon_transport *t)
{
	return siphon_sock_peer_closed(((struct proxycmd *)t)->fd);
}

/*
 * Closes our end (the command sees end of file and normally leaves), then
 * reaps the child: SIGTERM to its process group after a grace period,
 * SIGKILL after another, so that no zombie and no stray relay is left.
 */
static void
pc_free(struct siphon_transport *t)
{
	struct proxycmd *p = (struct proxycmd *)t;
	pid_t pg = p->pid;

	close_fd(&p->fd);
	if (p->pid > 0 && !reap(p, GRACE_MS)) {
		(void)kill(-pg, SIGTERM);
		if (!reap(p, GRACE_MS)) {
			(void)kill(-pg, SIGKILL);
			while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
				;
			p->pid = -1;
		}
	}
	close_fd(&p->errfd);
	free(p->command);
	free(p);
}

static const struct siphon_transport_ops proxycmd_ops = {
	.name = "proxycommand",
	.start = pc_start,
	.step = pc_step,
	.fd = pc_fd,
	.send = pc_send,
	.recv = pc_recv,
	.peer_closed = pc_peer_closed,
	.free = pc_free,
};

int
siphon_transport_proxycmd_new(struct siphon_transport **out,
                              struct siphon_ctx *ctx, const char *command)
{
	struct proxycmd *p;

	*out = NULL;
	if (command == NULL || command[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "empty ProxyCommand");
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return siphon_err_oom(ctx);
	p->base.ops = &proxycmd_ops;
	p->base.ctx = ctx;
	p->pid = -1;
	p->fd = -1;
	p->errfd = -1;
	if ((p->command = strdup(command)) == NULL) {
		free(p);
		return siphon_err_oom(ctx);
	}
	snprintf(p->base.desc, sizeof(p->base.desc), "ProxyCommand %s", command);
	*out = &p->base;
	return 0;
}
