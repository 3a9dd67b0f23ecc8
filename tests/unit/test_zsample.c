/*
 * test_zsample.c - lib/codec/zsample: a sample's size at a zstd level, as
 * the compression level's controller compares them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec/zsample.h"

static void
test_zsample_sizes(void **state)
{
	static unsigned char rows[256 * 1024], digits[256 * 1024];
	uint64_t one = 0, three = 0, x = 0;
	unsigned seed = 7;
	size_t n = 0;

	(void)state;
	/* pgbench_accounts-like rows: compress far better than 10:1 at any level. */
	while (n + 100 < sizeof(rows))
		n += (size_t)snprintf((char *)rows + n, sizeof(rows) - n, "%zu\t1\t0\t%84s\n", n, "");
	assert_int_equal(siphon_zsample_size(rows, n, 1, &one), 0);
	assert_int_equal(siphon_zsample_size(rows, n, 3, &three), 0);
	assert_true(one > 0 && one * 10 < n);
	assert_true(three > 0 && three * 10 < n);
	/* sysbench-like random digits: about 2:1 at level 1, and level 3 is no better by 5%. */
	for (size_t i = 0; i < sizeof(digits); i++) {
		seed = seed * 1103515245u + 12345u;
		digits[i] = i % 12 == 11 ? '-' : (unsigned char)('0' + (seed >> 16) % 10);
	}
	assert_int_equal(siphon_zsample_size(digits, sizeof(digits), 1, &one), 0);
	assert_int_equal(siphon_zsample_size(digits, sizeof(digits), 3, &three), 0);
	assert_true(one < sizeof(digits) * 6 / 10 && one > sizeof(digits) / 3);
	assert_true(three * 100 > one * 95);
	/* Nothing, and a level zstd clamps. */
	assert_int_equal(siphon_zsample_size(digits, 0, 1, &x), 0);
	assert_true(x > 0 && x < 32);
	assert_int_equal(siphon_zsample_size(digits, 1000, -3, &x), 0);
	assert_true(x > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zsample_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
