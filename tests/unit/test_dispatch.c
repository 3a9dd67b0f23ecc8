/*
 * test_dispatch.c - unit tests of lib/engine/dispatch: channels take the
 * piece of the table the fewest others are busy with, largest first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "engine/dispatch.h"

/* The shop at -j 4: five pieces of one big table, then eight tables. */
static void
test_dispatch_mixes_tables(void **state)
{
	uint64_t cost[13];
	int group[13], first[8], on_big = 0, p;
	struct siphon_dispatch *d;

	(void)state;
	for (int i = 0; i < 13; i++) {
		cost[i] = i < 5 ? 51 : 38;
		group[i] = i < 5 ? 0 : i - 4;
	}
	assert_int_equal(siphon_dispatch_new(&d, 13, cost, group, 9), 0);
	/* Four channels and one piece queued behind each: one on the big table. */
	for (int k = 0; k < 8; k++) {
		first[k] = siphon_dispatch_take(d);
		assert_true(first[k] >= 0);
		on_big += group[first[k]] == 0;
	}
	assert_int_equal(first[0], 0);
	assert_int_equal(on_big, 1);
	assert_int_equal(siphon_dispatch_left(d), 5);
	/* While piece 0 runs, the remaining small tables go first ... */
	p = siphon_dispatch_take(d);
	assert_int_equal(group[p], 12 - 4);
	/* ... and once it is done, the next piece of the big table. */
	siphon_dispatch_done(d, 0);
	p = siphon_dispatch_take(d);
	assert_int_equal(p, 1);
	/* The rest of the big table, all at once when nothing else is left. */
	assert_int_equal(siphon_dispatch_take(d), 2);
	assert_int_equal(siphon_dispatch_take(d), 3);
	assert_int_equal(siphon_dispatch_take(d), 4);
	assert_int_equal(siphon_dispatch_take(d), -1);
	assert_int_equal(siphon_dispatch_left(d), 0);
	siphon_dispatch_free(d);
}

/* Equal tables: largest first, then the lowest index. */
static void
test_dispatch_ties(void **state)
{
	uint64_t cost[] = { 5, 9, 9, 1 };
	int group[] = { 0, 1, 2, 3 };
	struct siphon_dispatch *d;

	(void)state;
	assert_int_equal(siphon_dispatch_new(&d, 4, cost, group, 4), 0);
	assert_int_equal(siphon_dispatch_take(d), 1);
	assert_int_equal(siphon_dispatch_take(d), 2);
	assert_int_equal(siphon_dispatch_take(d), 0);
	assert_int_equal(siphon_dispatch_take(d), 3);
	assert_int_equal(siphon_dispatch_take(d), -1);
	siphon_dispatch_free(d);
}

/* Done for a piece never taken, twice, or out of range changes nothing. */
static void
test_dispatch_done_robust(void **state)
{
	uint64_t cost[] = { 10, 8, 6 };
	int group[] = { 0, 0, 1 };
	struct siphon_dispatch *d;

	(void)state;
	assert_int_equal(siphon_dispatch_new(&d, 3, cost, group, 2), 0);
	assert_int_equal(siphon_dispatch_take(d), 0);
	siphon_dispatch_done(d, 1);     /* not taken */
	siphon_dispatch_done(d, -1);
	siphon_dispatch_done(d, 3);
	/* Table 0 is still busy: table 1 goes first. */
	assert_int_equal(siphon_dispatch_take(d), 2);
	siphon_dispatch_done(d, 0);
	siphon_dispatch_done(d, 0);     /* twice: busy must not go below zero */
	assert_int_equal(siphon_dispatch_take(d), 1);
	assert_int_equal(siphon_dispatch_take(d), -1);
	siphon_dispatch_free(d);
}

/* An empty pool, and groups out of range (each its own). */
static void
test_dispatch_empty_and_odd_groups(void **state)
{
	uint64_t cost[] = { 3, 4 };
	int group[] = { -5, 99 };
	struct siphon_dispatch *d;

	(void)state;
	assert_int_equal(siphon_dispatch_new(&d, 0, NULL, NULL, 0), 0);
	assert_int_equal(siphon_dispatch_take(d), -1);
	assert_int_equal(siphon_dispatch_left(d), 0);
	siphon_dispatch_free(d);
	siphon_dispatch_free(NULL);
	assert_int_equal(siphon_dispatch_new(&d, 2, cost, group, 1), 0);
	assert_int_equal(siphon_dispatch_take(d), 1);
	assert_int_equal(siphon_dispatch_take(d), 0);
	siphon_dispatch_done(d, 0);
	siphon_dispatch_done(d, 1);
	assert_int_equal(siphon_dispatch_take(d), -1);
	siphon_dispatch_free(d);
}

/* Random pools: every piece is handed out exactly once. */
static void
test_dispatch_random(void **state)
{
	unsigned seed = 11;

	(void)state;
	for (int round = 0; round < 200; round++) {
		int n = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 80;
		uint64_t *cost = calloc((size_t)n + 1, sizeof(*cost));
		int *group = calloc((size_t)n + 1, sizeof(*group));
		int *seen = calloc((size_t)n + 1, sizeof(*seen));
		int taken = 0, p;
		struct siphon_dispatch *d;

		assert_non_null(cost);
		assert_non_null(group);
		assert_non_null(seen);
		for (int i = 0; i < n; i++) {
			cost[i] = ((seed = seed * 1103515245u + 12345u) >> 16) % 1000;
			group[i] = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 7;
		}
		assert_int_equal(siphon_dispatch_new(&d, n, cost, group, 7), 0);
		while ((p = siphon_dispatch_take(d)) >= 0) {
			assert_true(p < n);
			assert_int_equal(seen[p], 0);
			seen[p] = 1;
			taken++;
			if (((seed = seed * 1103515245u + 12345u) >> 16) % 2)
				siphon_dispatch_done(d, p);
		}
		assert_int_equal(taken, n);
		siphon_dispatch_free(d);
		free(cost);
		free(group);
		free(seen);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch_mixes_tables),
		cmocka_unit_test(test_dispatch_ties),
		cmocka_unit_test(test_dispatch_done_robust),
		cmocka_unit_test(test_dispatch_empty_and_odd_groups),
		cmocka_unit_test(test_dispatch_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
