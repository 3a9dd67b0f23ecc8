/*
 * test_dispatch.c - unit tests of lib/engine/dispatch: channels take the
 * piece of the table the fewest other channels are busy with, then their
 * own table's, then the largest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "engine/dispatch.h"

/*
 * The shop at -j 4: five pieces of one big table, then eight
 * tables; channels 0-3 each take a first piece, then one to queue.
 */
static void
test_dispatch_mixes_tables(void **state)
{
	uint64_t cost[13];
	int group[13], first[8], on_big = 0;
	struct siphon_dispatch *d;

	(void)state;
	for (int i = 0; i < 13; i++) {
		cost[i] = i < 5 ? 51 : 38;
		group[i] = i < 5 ? 0 : i - 4;
	}
	assert_int_equal(siphon_dispatch_new(&d, 13, cost, group, 9, 4), 0);
	for (int k = 0; k < 8; k++) {
		first[k] = siphon_dispatch_take(d, k % 4);
		assert_true(first[k] >= 0);
		on_big += group[first[k]] == 0;
	}
	/* One channel on the big table, its next piece queued behind; the others on the rest. */
	assert_int_equal(first[0], 0);
	assert_int_equal(first[4], 1);
	assert_int_equal(on_big, 2);
	assert_int_equal(siphon_dispatch_left(d), 5);
	/* Another channel turns to the tables nobody is on ... */
	assert_int_equal(group[siphon_dispatch_take(d, 1)], 11 - 4);
	/* ... the big table's channel keeps to it ... */
	siphon_dispatch_done(d, 0);
	assert_int_equal(siphon_dispatch_take(d, 0), 2);
	assert_int_equal(group[siphon_dispatch_take(d, 2)], 12 - 4);
	/* ... and the others join it once nothing else is left. */
	assert_int_equal(siphon_dispatch_take(d, 3), 3);
	assert_int_equal(siphon_dispatch_take(d, 1), 4);
	assert_int_equal(siphon_dispatch_take(d, 2), -1);
	assert_int_equal(siphon_dispatch_left(d), 0);
	siphon_dispatch_free(d);
}

/*
 * The shop at 100 Mbit/s, two channels: the big table compresses
 * 100:1 (the local load), the others fill the link.  Channel 0 must do the
 * big table's pieces while channel 1 carries the rest, each finishing its
 * piece and taking the next in turn, rather than both leaving the big
 * table's pieces to the end (an idle link then).
 */
static void
test_dispatch_channel_keeps_its_table(void **state)
{
	uint64_t cost[13];
	int group[13], cur[2], big_on[2] = {0, 0};
	struct siphon_dispatch *d;

	(void)state;
	for (int i = 0; i < 13; i++) {
		cost[i] = i < 5 ? 51 : 38;
		group[i] = i < 5 ? 0 : i - 4;
	}
	assert_int_equal(siphon_dispatch_new(&d, 13, cost, group, 9, 2), 0);
	cur[0] = siphon_dispatch_take(d, 0);
	cur[1] = siphon_dispatch_take(d, 1);
	assert_int_equal(group[cur[0]], 0);
	assert_int_not_equal(group[cur[1]], 0);
	/* Each channel ends its piece in turn and takes one more, five times each. */
	for (int k = 0; k < 5; k++) {
		for (int c = 0; c < 2; c++) {
			big_on[c] += group[cur[c]] == 0;
			siphon_dispatch_done(d, cur[c]);
			cur[c] = siphon_dispatch_take(d, c);
		}
	}
	assert_int_equal(big_on[0], 5);
	assert_int_equal(big_on[1], 0);
	siphon_dispatch_free(d);
}

/* A channel whose table has no piece left, free again: its last table goes first among equals. */
static void
test_dispatch_returns_to_last_table(void **state)
{
	uint64_t cost[] = { 10, 10, 50 };
	int group[] = { 0, 0, 1 };
	struct siphon_dispatch *d;

	(void)state;
	assert_int_equal(siphon_dispatch_new(&d, 3, cost, group, 2, 2), 0);
	/* Channel 1 takes the largest; channel 0 then the other table (table 1 is busy). */
	assert_int_equal(siphon_dispatch_take(d, 1), 2);
	assert_int_equal(siphon_dispatch_take(d, 0), 0);
	siphon_dispatch_done(d, 0);
	siphon_dispatch_done(d, 2);
	/* Both tables idle: channel 0 goes back to table 0 though table 1 had the larger piece. */
	assert_int_equal(siphon_dispatch_take(d, 0), 1);
	assert_int_equal(siphon_dispatch_take(d, 7), -1);
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
	assert_int_equal(siphon_dispatch_new(&d, 4, cost, group, 4, 1), 0);
	assert_int_equal(siphon_dispatch_take(d, 0), 1);
	assert_int_equal(siphon_dispatch_take(d, 0), 2);
	assert_int_equal(siphon_dispatch_take(d, 0), 0);
	assert_int_equal(siphon_dispatch_take(d, 0), 3);
	assert_int_equal(siphon_dispatch_take(d, 0), -1);
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
	assert_int_equal(siphon_dispatch_new(&d, 3, cost, group, 2, 2), 0);
	assert_int_equal(siphon_dispatch_take(d, 0), 0);
	siphon_dispatch_done(d, 1);     /* not taken */
	siphon_dispatch_done(d, -1);
	siphon_dispatch_done(d, 3);
	/* Table 0 is still busy on channel 0: channel 1 takes table 1. */
	assert_int_equal(siphon_dispatch_take(d, 1), 2);
	siphon_dispatch_done(d, 0);
	siphon_dispatch_done(d, 0);     /* twice: busy must not go below zero */
	assert_int_equal(siphon_dispatch_take(d, 1), 1);
	assert_int_equal(siphon_dispatch_take(d, 1), -1);
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
	assert_int_equal(siphon_dispatch_new(&d, 0, NULL, NULL, 0, 0), 0);
	assert_int_equal(siphon_dispatch_take(d, 0), -1);
	assert_int_equal(siphon_dispatch_left(d), 0);
	siphon_dispatch_free(d);
	siphon_dispatch_free(NULL);
	assert_int_equal(siphon_dispatch_new(&d, 2, cost, group, 1, 1), 0);
	assert_int_equal(siphon_dispatch_take(d, 0), 1);
	assert_int_equal(siphon_dispatch_take(d, 0), 0);
	siphon_dispatch_done(d, 0);
	siphon_dispatch_done(d, 1);
	assert_int_equal(siphon_dispatch_take(d, 0), -1);
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
		assert_int_equal(siphon_dispatch_new(&d, n, cost, group, 7, 4), 0);
		while ((p = siphon_dispatch_take(d, (int)((seed = seed * 1103515245u + 12345u) >> 16) % 5)) >= 0) {
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
		cmocka_unit_test(test_dispatch_channel_keeps_its_table),
		cmocka_unit_test(test_dispatch_returns_to_last_table),
		cmocka_unit_test(test_dispatch_ties),
		cmocka_unit_test(test_dispatch_done_robust),
		cmocka_unit_test(test_dispatch_empty_and_odd_groups),
		cmocka_unit_test(test_dispatch_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
