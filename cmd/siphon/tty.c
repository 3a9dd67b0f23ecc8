/* tty.c - passphrase prompt and signal handling. */
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static volatile sig_atomic_t quiet_stop;
static int cancel_pipe[2] = { -1, -1 };
static struct sigaction old_int, old_term, old_pipe;
static int installed;

/* The terminal changed size; the live display reads it at its next frame. */
static volatile sig_atomic_t resized;
static struct sigaction old_winch;
static int winch_installed;

/*
 * While a prompt has echo off: the terminal and its settings before, so
 * that a second Ctrl-C, which ends the process on the spot, does not leave
 * the user typing blind.
 */
static volatile sig_atomic_t echo_off_fd = -1;
static struct termios echo_on_tio;

static void
on_signal(int sig)
{
	static const char msg[] =
		"\nsiphon: stopping and cleaning up; press Ctrl-C again to quit "
		"at once\n";
	int saved_errno = errno;
	struct sigaction dfl;
	ssize_t n;

	if (caught != 0) {
		/* The user will not wait for the clean-up: die of the signal. */
		if (echo_off_fd >= 0)
			tcsetattr(echo_off_fd, TCSANOW, &echo_on_tio);
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigemptyset(&dfl.sa_mask);
		sigaction(sig, &dfl, NULL);
		raise(sig);
		errno = saved_errno;
		return;
	}
	caught = sig;
	/* The pipe is non-blocking: a full pipe already says "stop". */
	n = write(cancel_pipe[1], "x", 1);
	if (!quiet_stop)
		n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	errno = saved_errno;
}

int
cli_signals_install(int quiet)
{
	struct sigaction sa;

	if (installed)
		return cancel_pipe[0];
	if (pipe2(cancel_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	caught = 0;
	quiet_stop = quiet;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);
	/*
	 * SA_RESTART spares blocking calls a spurious EINTR; the library
	 * notices a stop through the pipe, as poll() is never restarted.
	 */
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/*
	 * A signal ignored when we started (a background job of a script, or
	 * nohup) stays ignored, as the shell meant it to be.
	 */
	if (old_int.sa_handler == SIG_IGN)
		sigaction(SIGINT, &old_int, NULL);
	if (old_term.sa_handler == SIG_IGN)
		sigaction(SIGTERM, &old_term, NULL);
	installed = 1;
	return cancel_pipe[0];
}

static void
on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

int
cli_winch_install(void)
{
	struct sigaction sa;

	if (winch_installed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_winch;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGWINCH, &sa, &old_winch) != 0)
		return -1;
	resized = 0;
	winch_installed = 1;
	return 0;
}

int
cli_winch_take(void)
{
	int r = resized;

	resized = 0;
	return r;
}

void
cli_signals_restore(void)
{
	if (winch_installed) {
		sigaction(SIGWINCH, &old_winch, NULL);
		winch_installed = 0;
	}
	if (!installed)
		return;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	close(cancel_pipe[0]);
	close(cancel_pipe[1]);
	cancel_pipe[0] = cancel_pipe[1] = -1;
	installed = 0;
}

int
cli_signals_caught(void)
{
	return caught;
}

void
cli_write_all(int fd, const char *s, size_t len)
{
	int waits = 0;

	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		/* A non-blocking descriptor that is full: wait a little, not forever. */
		if (n < 0 && errno == EAGAIN && waits++ < 50) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			(void)poll(&p, 1, 100);
			continue;
		}
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* Asks on /dev/tty and reads one line; echo off for secrets. */
static int
tty_ask(const int *cancel_fd, const char *prompt, char *buf, size_t cap, int echo)
{
	struct termios tio, noecho;
	size_t len = 0;
	int fd, r = -1, echo_off = 0;

	if (cap == 0)
		return -1;
	buf[0] = '\0';
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return -1;
	if (tcgetattr(fd, &tio) != 0)
		goto out;
	/*
	 * Echo off (and typed-ahead input flushed) for secrets only; a plain
	 * question keeps the terminal as it is and takes what was typed ahead.
	 */
	if (!echo) {
		noecho = tio;
		noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		echo_on_tio = tio;
		echo_off_fd = fd;
		if (tcsetattr(fd, TCSAFLUSH, &noecho) != 0)
			goto out;
		echo_off = 1;
	}
	cli_write_all(fd, prompt, strlen(prompt));
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = POLLIN },
			/* poll() skips a negative descriptor. */
			{ .fd = cancel_fd != NULL ? *cancel_fd : -1, .events = POLLIN },
		};
		ssize_t n;
		char c;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		/* Leave the byte in the pipe: the library must see it too. */
		if (p[1].revents != 0)
			goto out;
		if (p[0].revents == 0)
			continue;
		n = read(fd, &c, 1);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			goto out; /* end of input (Ctrl-D) or a lost terminal */
		if (c == '\n' || c == '\r')
			break;
		/* Like ssh, keep what fits; the key will then not open. */
		if (len + 1 < cap)
			buf[len++] = c;
	}
	buf[len] = '\0';
	r = 0;
out:
	if (echo_off) {
		tcsetattr(fd, TCSAFLUSH, &tio);
		/* The user's Enter was not echoed; end the prompt's line. */
		if (!echo)
			cli_write_all(fd, "\n", 1);
	}
	echo_off_fd = -1;
	close(fd);
	if (r != 0)
		explicit_bzero(buf, cap);
	return r;
}

int
cli_tty_prompt(void *arg, const char *prompt, char *buf, size_t cap)
{
	return tty_ask(arg, prompt, buf, cap, 0);
}

int
cli_tty_choose(void *arg, const char *question, const char *const *choices, int n)
{
	char prompt[1024], answer[64];
	size_t len;
	int i, tries;

	/* Unattended (cron, a pipe): nobody to ask. */
	if (!isatty(STDIN_FILENO))
		return -1;
	len = (size_t)snprintf(prompt, sizeof(prompt), "siphon: %s [", question);
	for (i = 0; i < n && len < sizeof(prompt); i++)
		len += (size_t)snprintf(prompt + len, sizeof(prompt) - len, "%s%s",
		                        i > 0 ? "/" : "", choices[i]);
	if (len < sizeof(prompt))
		snprintf(prompt + len, sizeof(prompt) - len, "] ");
	for (tries = 0; tries < 3; tries++) {
		if (tty_ask(arg, prompt, answer, sizeof(answer), 1) != 0)
			return -1;
		for (i = 0; i < n; i++)
			if (strcmp(answer, choices[i]) == 0)
				return i;
	}
	return -1;
}
