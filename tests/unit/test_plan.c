/*
 * test_plan.c - unit tests of lib/engine/plan: longest-processing-time-first
 * assignment of tables to channels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/plan.h"

/* Checks the invariants every plan must hold; returns lanes used. */
static int
plan_checked(const uint64_t *costs, int n, int lanes, struct siphon_plan_item *out)
{
	int used = siphon_plan_lanes(costs, n, lanes, out);
	int *seen;

	if (n == 0) {
		assert_int_equal(used, 0);
		return used;
	}
	assert_true(used >= 1);
	assert_true(used <= n);
	assert_true(lanes < 1 || used <= lanes);
	seen = calloc((size_t)n, sizeof(*seen));
	assert_non_null(seen);
	for (int i = 0; i < n; i++) {
		/* Every item exactly once, on a lane that exists. */
		assert_true(out[i].index >= 0 && out[i].index < n);
		assert_int_equal(seen[out[i].index], 0);
		seen[out[i].index] = 1;
		assert_true(out[i].lane >= 0 && out[i].lane < used);
		assert_int_equal(out[i].cost, costs[out[i].index] > 0 ? costs[out[i].index] : 1);
		/* Largest first, ties by index. */
		if (i > 0) {
			assert_true(out[i - 1].cost >= out[i].cost);
			if (out[i - 1].cost == out[i].cost)
				assert_true(out[i - 1].index < out[i].index);
		}
	}
	free(seen);
	return used;
}

static void
loads(const struct siphon_plan_item *out, int n, uint64_t *load, int lanes)
{
	memset(load, 0, (size_t)lanes * sizeof(*load));
	for (int i = 0; i < n; i++)
		load[out[i].lane] += out[i].cost;
}

static void
test_plan_empty(void **state)
{
	struct siphon_plan_item out[1];

	(void)state;
	assert_int_equal(siphon_plan_lanes(NULL, 0, 4, out), 0);
	assert_int_equal(siphon_plan_lanes(NULL, 0, 0, out), 0);
	assert_int_equal(siphon_plan_lanes(NULL, -1, 4, out), 0);
}

static void
test_plan_single_item(void **state)
{
	uint64_t costs[] = { 12345 };
	struct siphon_plan_item out[1];

	(void)state;
	assert_int_equal(plan_checked(costs, 1, 8, out), 1);
	assert_int_equal(out[0].index, 0);
	assert_int_equal(out[0].lane, 0);
	assert_int_equal(out[0].cost, 12345);
}

static void
test_plan_lanes_clamped(void **state)
{
	uint64_t costs[] = { 5, 7, 3 };
	struct siphon_plan_item out[3];

	(void)state;
	/* More lanes than items: one item each. */
	assert_int_equal(plan_checked(costs, 3, 16, out), 3);
	assert_int_equal(out[0].index, 1);
	assert_int_equal(out[0].lane, 0);
	assert_int_equal(out[1].index, 0);
	assert_int_equal(out[1].lane, 1);
	assert_int_equal(out[2].index, 2);
	assert_int_equal(out[2].lane, 2);
	/* Zero or negative lanes mean one. */
	assert_int_equal(plan_checked(costs, 3, 0, out), 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(out[i].lane, 0);
	assert_int_equal(plan_checked(costs, 3, -5, out), 1);
}

/* The textbook example: 7 6 5 4 3 on two lanes. */
static void
test_plan_lpt_order_and_lanes(void **state)
{
	uint64_t costs[] = { 3, 7, 4, 6, 5 };
	struct siphon_plan_item out[5];
	uint64_t load[2];
	static const int want_index[] = { 1, 3, 4, 2, 0 };
	static const int want_lane[] = { 0, 1, 1, 0, 0 };

	(void)state;
	assert_int_equal(plan_checked(costs, 5, 2, out), 2);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(out[i].index, want_index[i]);
		assert_int_equal(out[i].lane, want_lane[i]);
	}
	loads(out, 5, load, 2);
	assert_int_equal(load[0], 14);
	assert_int_equal(load[1], 11);
}

/* Equal loads go to the lowest lane; equal costs keep index order. */
static void
test_plan_ties(void **state)
{
	uint64_t costs[] = { 10, 10, 10, 10, 10, 10 };
	struct siphon_plan_item out[6];

	(void)state;
	assert_int_equal(plan_checked(costs, 6, 3, out), 3);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(out[i].index, i);
		assert_int_equal(out[i].lane, i % 3);
	}
}

/* Empty tables still cost a statement: one byte each, listed last. */
static void
test_plan_zero_cost(void **state)
{
	uint64_t costs[] = { 0, 100, 0, 1, 0 };
	struct siphon_plan_item out[5];
	uint64_t load[2];

	(void)state;
	assert_int_equal(plan_checked(costs, 5, 2, out), 2);
	assert_int_equal(out[0].index, 1);
	assert_int_equal(out[0].cost, 100);
	/* The rest all cost 1: by index. */
	assert_int_equal(out[1].index, 0);
	assert_int_equal(out[2].index, 2);
	assert_int_equal(out[3].index, 3);
	assert_int_equal(out[4].index, 4);
	for (int i = 1; i < 5; i++) {
		assert_int_equal(out[i].cost, 1);
		assert_int_equal(out[i].lane, 1);
	}
	loads(out, 5, load, 2);
	assert_int_equal(load[0], 100);
	assert_int_equal(load[1], 4);

	/* All empty: spread round-robin. */
	{
		uint64_t zeros[4] = { 0, 0, 0, 0 };

		assert_int_equal(plan_checked(zeros, 4, 2, out), 2);
		assert_int_equal(out[0].lane, 0);
		assert_int_equal(out[1].lane, 1);
		assert_int_equal(out[2].lane, 0);
		assert_int_equal(out[3].lane, 1);
	}
}

static void
test_plan_huge_costs(void **state)
{
	uint64_t costs[] = { UINT64_MAX / 4, UINT64_MAX / 4, UINT64_MAX / 8, 1 };
	struct siphon_plan_item out[4];

	(void)state;
	assert_int_equal(plan_checked(costs, 4, 2, out), 2);
	assert_int_equal(out[0].lane, 0);
	assert_int_equal(out[1].lane, 1);
	assert_int_equal(out[2].lane, 0);
	assert_int_equal(out[3].lane, 1);
}

/* splitmix64, for reproducible random sizes. */
static uint64_t
next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * LPT's guarantees on random inputs: every item went to a lane that was the
 * least loaded at that moment, so the final spread between the fullest and
 * the emptiest lane is at most the largest item, and the makespan is within
 * Graham's bound total / lanes + largest.
 */
static void
test_plan_balanced_random(void **state)
{
	uint64_t seed = 42;

	(void)state;
	for (int round = 0; round < 200; round++) {
		int n = 1 + (int)(next_random(&seed) % 300);
		int lanes = 1 + (int)(next_random(&seed) % 12);
		uint64_t *costs = calloc((size_t)n, sizeof(*costs));
		struct siphon_plan_item *out = calloc((size_t)n, sizeof(*out));
		uint64_t load[12], total = 0, big = 0, hi = 0, lo = UINT64_MAX;
		int used;

		assert_non_null(costs);
		assert_non_null(out);
		for (int i = 0; i < n; i++) {
			/* A realistic mix: many small tables, a few giants, some empty. */
			uint64_t r = next_random(&seed);

			costs[i] = r % 7 == 0 ? 0 : r % 5 == 0 ? r % (1ULL << 34) : r % (1ULL << 20);
			total += costs[i] > 0 ? costs[i] : 1;
			if ((costs[i] > 0 ? costs[i] : 1) > big)
				big = costs[i] > 0 ? costs[i] : 1;
		}
		used = plan_checked(costs, n, lanes, out);
		assert_int_equal(used, lanes < n ? lanes : n);
		/* Replay: each item went to a least-loaded lane (lowest on ties). */
		memset(load, 0, sizeof(load));
		for (int i = 0; i < n; i++) {
			int best = 0;

			for (int l = 1; l < used; l++)
				if (load[l] < load[best])
					best = l;
			assert_int_equal(out[i].lane, best);
			load[best] += out[i].cost;
		}
		for (int l = 0; l < used; l++) {
			if (load[l] > hi)
				hi = load[l];
			if (load[l] < lo)
				lo = load[l];
		}
		assert_true(hi - lo <= big);
		assert_true(hi <= total / (uint64_t)used + big);
		free(costs);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_empty),
		cmocka_unit_test(test_plan_single_item),
		cmocka_unit_test(test_plan_lanes_clamped),
		cmocka_unit_test(test_plan_lpt_order_and_lanes),
		cmocka_unit_test(test_plan_ties),
		cmocka_unit_test(test_plan_zero_cost),
		cmocka_unit_test(test_plan_huge_costs),
		cmocka_unit_test(test_plan_balanced_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
