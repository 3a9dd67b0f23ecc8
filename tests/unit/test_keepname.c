/*
 * test_keepname.c - unit tests of lib/engine/keepname: the names of the
 * kept previous and pristine copies are stable, bounded, distinct for long
 * names that share a start, cut at a character boundary, and never taken
 * for a stale temporary by the sweep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/keepname.h"
#include "util/tmpname.h"

static void
test_keepname_short(void **state)
{
	char buf[SIPHON_KEEPNAME_MAX];

	(void)state;
	siphon_keepname(buf, sizeof(buf), "prev", "app_copy", 63);
	assert_string_equal(buf, "siphon_prev_app_copy");
	siphon_keepname(buf, sizeof(buf), "pristine", "app_copy", 63);
	assert_string_equal(buf, "siphon_pristine_app_copy");
	/* Exactly at the limit: still the plain name. */
	siphon_keepname(buf, sizeof(buf), "prev", "012345678901234567890123456789012345678901234567890", 63);
	assert_int_equal(strlen(buf), 63);
	assert_string_equal(buf + 12, "012345678901234567890123456789012345678901234567890");
}

static void
test_keepname_long_hashed(void **state)
{
	char a[SIPHON_KEEPNAME_MAX], b[SIPHON_KEEPNAME_MAX], again[SIPHON_KEEPNAME_MAX];
	const char *la = "copy_with_a_very_long_name_that_fills_most_of_the_63_bytes_x";
	const char *lb = "copy_with_a_very_long_name_that_fills_most_of_the_63_bytes_y";

	(void)state;
	siphon_keepname(a, sizeof(a), "pristine", la, 63);
	siphon_keepname(b, sizeof(b), "pristine", lb, 63);
	siphon_keepname(again, sizeof(again), "pristine", la, 63);
	assert_true(strlen(a) <= 63);
	assert_true(strlen(b) <= 63);
	assert_string_equal(a, again);
	assert_string_not_equal(a, b);
	assert_memory_equal(a, "siphon_pristine_copy_with", 25);
	/* ..._<8 hex digits> at the end. */
	assert_int_equal(a[strlen(a) - 9], '_');
	assert_int_equal(strspn(a + strlen(a) - 8, "0123456789abcdef"), 8);
}

static void
test_keepname_utf8_cut(void **state)
{
	char buf[SIPHON_KEEPNAME_MAX];
	/* "é" is 2 bytes: 40 of them cannot be cut inside one. */
	char name[81];

	(void)state;
	for (int i = 0; i < 40; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[80] = '\0';
	siphon_keepname(buf, sizeof(buf), "prev", name, 63);
	assert_true(strlen(buf) <= 63);
	/* The byte before "_<hash>" ends a character: never a lone lead byte. */
	assert_int_equal((unsigned char)buf[strlen(buf) - 10], 0xa9);
}

static void
test_keepname_never_stale(void **state)
{
	char buf[SIPHON_KEEPNAME_MAX];

	(void)state;
	/* A target named like a temporary still gets a kept name the sweep leaves alone. */
	siphon_keepname(buf, sizeof(buf), "prev", "siphon_tmp_00000000_1_2", 63);
	assert_int_equal(siphon_tmpname_is_stale(buf, 0), 0);
	siphon_keepname(buf, sizeof(buf), "pristine", "app", 63);
	assert_int_equal(siphon_tmpname_is_stale(buf, siphon_host_id()), 0);
	/* SQLite's kept files, after the ".NAME." prefix the sweep strips. */
	assert_int_equal(siphon_tmpname_is_stale("siphon-prev", siphon_host_id()), 0);
	assert_int_equal(siphon_tmpname_is_stale("siphon-pristine", siphon_host_id()), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keepname_short),
		cmocka_unit_test(test_keepname_long_hashed),
		cmocka_unit_test(test_keepname_utf8_cut),
		cmocka_unit_test(test_keepname_never_stale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
