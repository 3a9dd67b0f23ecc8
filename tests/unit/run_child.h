/*
 * run_child.h - for unit tests that run real programs (shells, sqlite3):
 * run argv to the end with stdin from /dev/null, keeping stdout and stderr.
 * Include after cmocka.h; static, so each test binary has its own copy.
 */
#ifndef SIPHON_TESTS_RUN_CHILD_H
#define SIPHON_TESTS_RUN_CHILD_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/strbuf.h"

extern char **environ;

/* The output of one command run to completion. */
struct run {
	struct siphon_strbuf out, err;
	int status;     /* exit code, or 128 + signal */
};

static void
run_free(struct run *r)
{
	siphon_strbuf_free(&r->out);
	siphon_strbuf_free(&r->err);
}

/* Runs argv (argv[0] looked up in PATH) with stdin from /dev/null, collecting stdout and stderr. */
static void
run_argv(char *const argv[], struct run *r)
{
	posix_spawn_file_actions_t fa;
	int po[2], pe[2], st, open_fds = 2;
	struct pollfd pf[2];
	pid_t pid;

	memset(r, 0, sizeof(*r));
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	assert_int_equal(posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0), 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&fa, po[1], 1), 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&fa, pe[1], 2), 0);
	assert_int_equal(posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	pf[0].fd = po[0];
	pf[1].fd = pe[0];
	pf[0].events = pf[1].events = POLLIN;
	while (open_fds > 0) {
		assert_true(poll(pf, 2, 60000) > 0);
		for (int i = 0; i < 2; i++) {
			char buf[65536];
			ssize_t n;

			if (pf[i].fd < 0 || pf[i].revents == 0)
				continue;
			n = read(pf[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			assert_int_equal(siphon_strbuf_append(i == 0 ? &r->out : &r->err, buf, (size_t)n), 0);
		}
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
