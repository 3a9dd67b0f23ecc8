/*
 * test_loop_stepper.c - the loop drives a state machine (a connect) beside
 * everything else: stepped every pass, woken by its descriptor or its
 * deadline, done when it answers 0, its failure the loop's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "loop/loop.h"
#include "util/clock.h"

/* Waits for a byte on fd, then for the deadline once more, then is done (or fails). */
struct machine {
	int fd;
	int state;
	int steps;
	int fail;
	int64_t until;
	struct siphon_ctx *ctx;
};

static int64_t
now_ms(void)
{
	return (int64_t)(siphon_mono_s() * 1000);
}

static int
machine_step(void *arg, struct siphon_pollwant *w)
{
	struct machine *m = arg;
	char c;

	m->steps++;
	switch (m->state) {
	case 0:
		if (read(m->fd, &c, 1) != 1) {
			*w = (struct siphon_pollwant){.fd = m->fd, .events = POLLIN, .deadline_ms = now_ms() + 5000};
			return SIPHON_AGAIN;
		}
		m->state = 1;
		m->until = now_ms() + 50;
		/* fall through */
	case 1:
		if (now_ms() < m->until) {
			*w = (struct siphon_pollwant){.fd = -1, .deadline_ms = m->until};
			return SIPHON_AGAIN;
		}
		return m->fail ? siphon_err(m->ctx, SIPHON_ECONNECT, "the machine failed") : 0;
	}
	return 0;
}

static void
run_machine(int fail)
{
	struct siphon_ctx *ctx;
	struct siphon_loop loop;
	struct siphon_stepper s = {.step = machine_step};
	struct machine m = {0};
	int fds[2], r = 0, rounds = 0;
	double t0;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	m.fd = fds[0];
	m.fail = fail;
	m.ctx = ctx;
	s.arg = &m;
	siphon_loop_init(&loop, ctx, NULL, NULL, -1, 120, "the test");
	assert_int_equal(siphon_loop_add_stepper(&loop, &s), 0);
	/* Nothing to read: the loop waits (not spins) and the machine stays put. */
	assert_int_equal(siphon_loop_step(&loop, 20), 0);
	assert_int_equal(m.state, 0);
	assert_true(m.steps <= 2);
	assert_int_equal(write(fds[1], "x", 1), 1);
	t0 = siphon_mono_s();
	while (r == 0 && !s.done && rounds++ < 100)
		r = siphon_loop_step(&loop, 1000);
	if (fail) {
		assert_int_equal(r, SIPHON_ECONNECT);
		assert_string_equal(siphon_ctx_errmsg(ctx), "the machine failed");
	} else {
		assert_int_equal(r, 0);
		assert_true(s.done);
		/* Woken by the deadline, not by the loop's one-second cap. */
		assert_true(siphon_mono_s() - t0 < 0.5);
		assert_true(m.steps < 20);
	}
	siphon_loop_remove_stepper(&loop, &s);
	assert_int_equal(loop.nsteppers, 0);
	siphon_loop_clear(&loop);
	close(fds[0]);
	close(fds[1]);
	siphon_ctx_free(ctx);
}

static void
test_loop_drives_a_stepper(void **state)
{
	(void)state;
	run_machine(0);
}

static void
test_loop_stepper_failure_ends_the_step(void **state)
{
	(void)state;
	run_machine(1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_drives_a_stepper),
		cmocka_unit_test(test_loop_stepper_failure_ends_the_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
