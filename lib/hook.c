/*
 * hook.c - siphon_hook_run(): a profile's on_success or on_failure command,
 * run by /bin/sh -c after the pull with the outcome in its environment.
 *
 * The outcome is only ever in the environment, never spliced into the
 * command's text: a message from the server ("relation "x$(rm -rf ~)"
 * does not exist") stays data, whatever quotes or dollars it holds.  The
 * hook gets a process group of its own (a Ctrl-C meant for siphon does not
 * reach it unasked, and a timeout reaches everything it started), stdin
 * /dev/null (it never waits on a terminal), and its output, both streams
 * on one pipe, goes line by line to the log callback, bounded.
 */
#include "siphon.h"

#include "util/clock.h"
#include "util/ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A longer line is cut; more output than this is not logged. */
#define HOOK_LINE_MAX 1024
#define HOOK_OUTPUT_MAX (64 * 1024)
/* Between SIGTERM and SIGKILL to the group. */
#define HOOK_KILL_GRACE_S 2.0
/* After the shell has ended: how long its background children may keep its output open. */
#define HOOK_DRAIN_S 1.0

/* The variables siphon sets; any of them already in the environment is replaced. */
static const char *const hook_vars[] = {
	"SIPHON_PROFILE", "SIPHON_HOST", "SIPHON_DATABASE", "SIPHON_INTO", "SIPHON_ENGINE",
	"SIPHON_OUTCOME", "SIPHON_EXIT", "SIPHON_MESSAGE", "SIPHON_SECONDS", "SIPHON_BYTES",
	"SIPHON_RAW_BYTES", "SIPHON_TABLES", "SIPHON_STARTED", "SIPHON_ENDED", "SIPHON_LOG",
};
#define NVARS (sizeof(hook_vars) / sizeof(hook_vars[0]))

struct env {
	char **v;
	size_t n;
};

static void
env_free(struct env *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
}

static int
is_hook_var(const char *entry)
{
	for (size_t i = 0; i < NVARS; i++) {
		size_t len = strlen(hook_vars[i]);

		if (strncmp(entry, hook_vars[i], len) == 0 && entry[len] == '=')
			return 1;
	}
	return 0;
}

/* The variables' values, in the order of hook_vars. */
static int
outcome_values(const struct siphon_hook_outcome *o, char num[][32], const char **val)
{
	const char *const text[] = {o->profile, o->host, o->database, o->into, o->engine};

	for (size_t i = 0; i < 5; i++)
		val[i] = text[i] != NULL ? text[i] : "";
	val[5] = o->exit_code == 0 ? "success" : "failure";
	snprintf(num[0], sizeof(num[0]), "%d", o->exit_code);
	val[6] = num[0];
	val[7] = o->message != NULL ? o->message : "";
	snprintf(num[1], sizeof(num[1]), "%.1f", o->seconds);
	snprintf(num[2], sizeof(num[2]), "%" PRIu64, o->bytes);
	snprintf(num[3], sizeof(num[3]), "%" PRIu64, o->raw_bytes);
	if (o->tables >= 0)
		snprintf(num[4], sizeof(num[4]), "%" PRId64, o->tables);
	else
		num[4][0] = '\0';
	snprintf(num[5], sizeof(num[5]), "%" PRId64, o->started);
	snprintf(num[6], sizeof(num[6]), "%" PRId64, o->ended);
	for (size_t i = 0; i < 6; i++)
		val[8 + i] = num[1 + i];
	val[14] = o->log != NULL ? o->log : "";
	return 0;
}

/* The environment of the hook: siphon's own, less ours, then ours. */
static int
env_build(struct env *e, const struct siphon_hook_outcome *o)
{
	char num[7][32];
	const char *val[NVARS];
	size_t n = 0;

	for (char **p = environ; p != NULL && *p != NULL; p++)
		n++;
	memset(e, 0, sizeof(*e));
	if ((e->v = calloc(n + NVARS + 1, sizeof(*e->v))) == NULL)
		return -1;
	for (char **p = environ; p != NULL && *p != NULL; p++) {
		if (is_hook_var(*p))
			continue;
		if ((e->v[e->n] = strdup(*p)) == NULL)
			return -1;
		e->n++;
	}
	outcome_values(o, num, val);
	for (size_t i = 0; i < NVARS; i++) {
		size_t len = strlen(hook_vars[i]) + 1 + strlen(val[i]) + 1;

		if ((e->v[e->n] = malloc(len)) == NULL)
			return -1;
		snprintf(e->v[e->n], len, "%s=%s", hook_vars[i], val[i]);
		e->n++;
	}
	return 0;
}

/* In the child: the hook's process group, descriptors and signals, then sh. */
static void
exec_hook(const char *command, char **envp, int out_fd)
{
	char *argv[] = {"sh", "-c", (char *)command, NULL};
	sigset_t none;
	int null_fd;

	(void)setpgid(0, 0);
	if ((null_fd = open("/dev/null", O_RDONLY)) < 0 || dup2(null_fd, STDIN_FILENO) < 0 ||
	    dup2(out_fd, STDOUT_FILENO) < 0 || dup2(out_fd, STDERR_FILENO) < 0)
		_exit(126);
	/* siphon ignores SIGPIPE and may block signals: the hook starts clean. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve("/bin/sh", argv, envp);
	_exit(127);
}

/* The output so far, split in lines for the log; the last line kept for the error. */
struct out {
	struct siphon_ctx *ctx;
	const char *name;
	char line[HOOK_LINE_MAX];
	size_t len;
	size_t logged;              /* bytes of output handed to the log */
	int dropped;                /* said that the rest is not logged */
	char last[HOOK_LINE_MAX];   /* the last line that was not empty */
};

static void
out_line(struct out *o)
{
	o->line[o->len] = '\0';
	if (o->len > 0)
		snprintf(o->last, sizeof(o->last), "%s", o->line);
	if (o->logged < HOOK_OUTPUT_MAX) {
		siphon_log(o->ctx, SIPHON_LOG_INFO, "%s: %s", o->name, o->line);
		o->logged += o->len + 1;
	} else if (!o->dropped) {
		siphon_log(o->ctx, SIPHON_LOG_INFO, "%s: (more output, not logged)", o->name);
		o->dropped = 1;
	}
	o->len = 0;
}

static void
out_bytes(struct out *o, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			out_line(o);
			continue;
		}
		if (o->len + 1 < sizeof(o->line))
			o->line[o->len++] = p[i];
	}
}

/* SIGTERM to the group, a grace, SIGKILL; then the shell is reaped. */
static void
stop_group(pid_t pid)
{
	double until = siphon_mono_s() + HOOK_KILL_GRACE_S;
	int status;

	(void)kill(-pid, SIGTERM);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (siphon_mono_s() >= until) {
			(void)kill(-pid, SIGKILL);
			(void)waitpid(pid, &status, 0);
			return;
		}
		(void)poll(NULL, 0, 20);
	}
	/* The shell is gone; what it left in its group goes too. */
	(void)kill(-pid, SIGKILL);
}

enum ending { HOOK_EXITED, HOOK_TIMED_OUT, HOOK_CANCELLED };

/*
 * Reads the hook's output until it ends, the deadline passes or the run
 * is cancelled.  *status gets the shell's wait status when it exited.
 */
static enum ending
pump(struct siphon_ctx *ctx, pid_t pid, int fd, double deadline, struct out *o, int *status)
{
	double drain_until = 0;
	int exited = 0;

	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = ctx->cancel_fd, .events = POLLIN}};
		double now = siphon_mono_s(), until = exited ? drain_until : deadline;
		char buf[4096];
		int wait_ms;

		if (!exited && waitpid(pid, status, WNOHANG) == pid) {
			exited = 1;
			drain_until = now + HOOK_DRAIN_S;
			continue;
		}
		if (fd < 0 && exited)
			return HOOK_EXITED;
		if (now >= until)
			return exited ? HOOK_EXITED : HOOK_TIMED_OUT;
		/* The shell's end is seen by polling: no SIGCHLD handler to install. */
		wait_ms = (int)((until - now) * 1000) + 1;
		if (wait_ms > 50)
			wait_ms = 50;
		p[0].fd = fd;
		if (poll(p, 2, wait_ms) < 0 && errno != EINTR)
			return exited ? HOOK_EXITED : HOOK_TIMED_OUT;
		if (p[1].revents != 0)
			return exited ? HOOK_EXITED : HOOK_CANCELLED;
		if (fd >= 0 && p[0].revents != 0) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n > 0)
				out_bytes(o, buf, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				fd = -1;
		}
		/* poll() skips a negative descriptor: once the output ended, only waiting. */
	}
}

/*
 * One line on the context for a hook that did not succeed.  The command
 * itself is not quoted: a webhook's URL is often its secret.
 */
static int
failed(struct siphon_ctx *ctx, const char *name, const char *how, const struct out *o)
{
	return siphon_err(ctx, SIPHON_ELOCAL, "the %s command %s%s%s", name, how,
	                  o->last[0] != '\0' ? "; its last line: " : " and printed nothing", o->last);
}

int
siphon_hook_run(struct siphon_ctx *ctx, const char *name, const char *command,
                const struct siphon_hook_outcome *oc, int timeout)
{
	struct env env;
	struct out *o = NULL;
	int pipefd[2] = {-1, -1}, status = 0, r;
	enum ending how;
	char why[128];
	pid_t pid;

	if ((o = calloc(1, sizeof(*o))) == NULL || env_build(&env, oc) != 0) {
		r = siphon_err_oom(ctx);
		if (o != NULL)
			env_free(&env);
		free(o);
		return r;
	}
	o->ctx = ctx;
	o->name = name;
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot run the %s command: pipe: %s", name, strerror(errno));
		goto out;
	}
	if ((pid = fork()) < 0) {
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot run the %s command: fork: %s", name, strerror(errno));
		goto out;
	}
	if (pid == 0)
		exec_hook(command, env.v, pipefd[1]);
	/* Both sides set the group: whichever runs first, kill(-pid) finds it. */
	(void)setpgid(pid, pid);
	close(pipefd[1]);
	pipefd[1] = -1;
	siphon_log(ctx, SIPHON_LOG_DEBUG, "%s: running its command (/bin/sh -c)", name);
	how = pump(ctx, pid, pipefd[0], siphon_mono_s() + timeout, o, &status);
	if (o->len > 0)
		out_line(o);
	if (how != HOOK_EXITED) {
		stop_group(pid);
		if (how == HOOK_CANCELLED) {
			r = siphon_err(ctx, SIPHON_EINTR, "%s command stopped: interrupted", name);
			goto out;
		}
		snprintf(why, sizeof(why), "took more than %d s and was stopped", timeout);
		r = failed(ctx, name, why, o);
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		r = 0;
		goto out;
	}
	if (WIFEXITED(status))
		snprintf(why, sizeof(why), "failed (exit status %d%s)", WEXITSTATUS(status),
		         WEXITSTATUS(status) == 127 ? ": command not found?" : "");
	else
		snprintf(why, sizeof(why), "was killed by signal %d", WTERMSIG(status));
	r = failed(ctx, name, why, o);
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	env_free(&env);
	free(o);
	return r;
}
