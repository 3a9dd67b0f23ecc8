/*
 * test_loop_procs.c - the loop drives local processes: each pipe that read
 * dry or was full is tried again only once the loop's poll reports it
 * (proc.h out_dry, err_dry, in_full), and nothing is lost or stuck for
 * that, with more processes than the wait's first array holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop/loop.h"
#include "util/clock.h"

#define NPROCS 12

/* Steps the loop until every process has exited (or 10 s have passed). */
static void
run_until_exited(struct siphon_loop *l, struct siphon_proc **p, int n)
{
	double t0 = siphon_mono_s();
	int left;

	do {
		assert_int_equal(siphon_loop_step(l, 100), 0);
		left = 0;
		for (int i = 0; i < n; i++)
			left += !p[i]->exited;
	} while (left > 0 && siphon_mono_s() - t0 < 10);
	assert_int_equal(left, 0);
}

/* Many processes at once: every one's output arrives whole. */
static void
test_loop_many_procs(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_loop loop;
	struct siphon_proc *p[NPROCS];
	char *argv[] = {"cat", NULL}, line[32];

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	siphon_loop_init(&loop, ctx, NULL, NULL, -1, 120, "the test");
	for (int i = 0; i < NPROCS; i++) {
		assert_int_equal(siphon_proc_spawn(&p[i], ctx, "cat", argv, 1 << 20), 0);
		assert_int_equal(siphon_loop_add_proc(&loop, p[i]), 0);
		assert_int_equal(p[i]->gated, 1);
		snprintf(line, sizeof(line), "process %d\n", i);
		assert_int_equal(siphon_proc_queue(p[i], line, strlen(line)), 0);
		siphon_proc_close_stdin(p[i]);
	}
	run_until_exited(&loop, p, NPROCS);
	for (int i = 0; i < NPROCS; i++) {
		snprintf(line, sizeof(line), "process %d\n", i);
		assert_string_equal(siphon_strbuf_str(&p[i]->out), line);
		assert_int_equal(p[i]->status, 0);
		siphon_loop_remove_proc(&loop, p[i]);
		assert_int_equal(p[i]->gated, 0);
		siphon_proc_free(p[i]);
	}
	siphon_loop_clear(&loop);
	siphon_ctx_free(ctx);
}

/*
 * More than the pipes hold, streamed in as a sink does: stdin is full again
 * and again, stdout fills, and every byte still comes back in order.
 */
static void
test_loop_proc_full_pipes(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_loop loop;
	struct siphon_proc *p;
	/* cat starts late: the pipe is full at least once, whatever the scheduler does. */
	char *argv[] = {"sh", "-c", "sleep 0.3; exec cat", NULL};
	size_t total = 6u << 20, off = 0;
	unsigned char *data;
	double t0;
	int fulls = 0;

	(void)state;
	assert_non_null(data = malloc(total));
	for (size_t i = 0; i < total; i++)
		data[i] = (unsigned char)(i * 7 + i / 4096);
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	siphon_loop_init(&loop, ctx, NULL, NULL, -1, 120, "the test");
	assert_int_equal(siphon_proc_spawn(&p, ctx, "cat", argv, 8u << 20), 0);
	assert_int_equal(siphon_loop_add_proc(&loop, p), 0);
	t0 = siphon_mono_s();
	while (off < total && siphon_mono_s() - t0 < 20) {
		ssize_t n = siphon_proc_write(p, data + off, total - off);

		assert_true(n >= 0);
		off += (size_t)n;
		if (n == 0) {
			/* Full: no second write until poll says there is room. */
			fulls++;
			assert_int_equal(p->in_full, 1);
			assert_int_equal(p->want_write, 1);
			assert_int_equal(siphon_proc_write(p, data + off, total - off), 0);
		}
		assert_int_equal(siphon_loop_step(&loop, 100), 0);
	}
	assert_int_equal(off, total);
	assert_true(fulls > 0);
	siphon_proc_close_stdin(p);
	run_until_exited(&loop, &p, 1);
	assert_int_equal(p->out.len, total);
	assert_memory_equal(p->out.buf, data, total);
	siphon_loop_remove_proc(&loop, p);
	siphon_proc_free(p);
	siphon_loop_clear(&loop);
	siphon_ctx_free(ctx);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_many_procs),
		cmocka_unit_test(test_loop_proc_full_pipes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
