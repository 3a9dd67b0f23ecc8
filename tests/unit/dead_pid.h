/*
 * dead_pid.h - for unit tests of stale temporaries: the pid of a child that
 * has exited and been reaped (no process has it now, barring reuse).
 * Include after cmocka.h; static, so each test binary has its own copy.
 */
#ifndef SIPHON_TESTS_DEAD_PID_H
#define SIPHON_TESTS_DEAD_PID_H

#include <sys/wait.h>
#include <unistd.h>

static long
dead_pid(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	assert_true(p > 0);
	assert_int_equal(waitpid(p, NULL, 0), p);
	return (long)p;
}

#endif
