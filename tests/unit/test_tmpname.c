/*
 * test_tmpname.c - unit tests of lib/util/tmpname: temporary database names
 * carry this machine's id, and only this machine's dead runs are stale.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dead_pid.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/tmpname.h"

static void
test_tmpname_format(void **state)
{
	char name[64], want[64];

	(void)state;
	siphon_tmpname(name, sizeof(name), "tmp");
	snprintf(want, sizeof(want), "siphon_tmp_%08x_%ld_", siphon_host_id(), (long)getpid());
	assert_memory_equal(name, want, strlen(want));
	siphon_tmpname(name, sizeof(name), "old");
	assert_memory_equal(name, "siphon_old_", 11);
	/* A live run (this one) is never stale. */
	assert_int_equal(siphon_tmpname_is_stale(name, siphon_host_id()), 0);
}

static void
test_tmpname_stale_only_here(void **state)
{
	unsigned me = siphon_host_id();
	long dead = dead_pid();
	char name[96];

	(void)state;
	snprintf(name, sizeof(name), "siphon_tmp_%08x_%ld_1796400824", me, dead);
	assert_int_equal(siphon_tmpname_is_stale(name, me), 1);
	snprintf(name, sizeof(name), "siphon_old_%08x_%ld_1796400824", me, dead);
	assert_int_equal(siphon_tmpname_is_stale(name, me), 1);
	/* A temporary file's random part and companions after a '-'. */
	snprintf(name, sizeof(name), "siphon_tmp_%08x_%ld_1796400824-AbC123", me, dead);
	assert_int_equal(siphon_tmpname_is_stale(name, me), 1);
	snprintf(name, sizeof(name), "siphon_tmp_%08x_%ld_1796400824-AbC123-journal", me, dead);
	assert_int_equal(siphon_tmpname_is_stale(name, me), 1);
	snprintf(name, sizeof(name), "siphon_tmp_%08x_%ld_-AbC123", me, dead);
	assert_int_equal(siphon_tmpname_is_stale(name, me), 0);
	/* Another machine's: never, whatever its pid means here. */
	snprintf(name, sizeof(name), "siphon_tmp_%08x_%ld_1796400824", me ^ 1u, dead);
	assert_int_equal(siphon_tmpname_is_stale(name, me), 0);
	/* Not such a name. */
	static const char *const bad[] = {
		"siphon_tmp_123_456", "siphon_tmp_0000000g_1_2", "siphon_tmp_00000000_1", "siphon_tmp_00000000__2",
		"siphon_tmp_00000000_-1_2", "siphon_tmp_00000000_1_2x", "siphon_xyz_00000000_1_2", "app",
		"siphon_tmp_00000000_99999999999999999999_2", "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(siphon_tmpname_is_stale(bad[i], 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tmpname_format),
		cmocka_unit_test(test_tmpname_stale_only_here),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
