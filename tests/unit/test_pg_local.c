/*
 * test_pg_local.c - unit tests of lib/engine/postgres/pg_local: which local
 * psql may be fed a server's dump (it must know \restrict), and siphon's own
 * \restrict line (a fresh, unguessable key every time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/postgres/pg_local.h"

static void
test_pg_local_psql_has_restrict(void **state)
{
	(void)state;
	/* The first minor release of each branch that has it, and the one before. */
	assert_true(siphon_pg_psql_has_restrict(13, 22));
	assert_false(siphon_pg_psql_has_restrict(13, 21));
	assert_true(siphon_pg_psql_has_restrict(14, 19));
	assert_false(siphon_pg_psql_has_restrict(14, 18));
	assert_true(siphon_pg_psql_has_restrict(15, 14));
	assert_false(siphon_pg_psql_has_restrict(15, 13));
	assert_true(siphon_pg_psql_has_restrict(16, 10));
	assert_false(siphon_pg_psql_has_restrict(16, 9));
	assert_true(siphon_pg_psql_has_restrict(17, 6));
	assert_false(siphon_pg_psql_has_restrict(17, 5));
	assert_true(siphon_pg_psql_has_restrict(18, 0));
	assert_true(siphon_pg_psql_has_restrict(19, 0));
	/* Branches that never got it. */
	assert_false(siphon_pg_psql_has_restrict(12, 99));
	assert_false(siphon_pg_psql_has_restrict(9, 24));
	assert_false(siphon_pg_psql_has_restrict(0, 0));
}

static void
test_pg_local_psql_parse_version(void **state)
{
	int a, b;

	(void)state;
	assert_int_equal(siphon_pg_psql_parse_version("psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n", &a, &b), 0);
	assert_int_equal(a, 15);
	assert_int_equal(b, 18);
	assert_int_equal(siphon_pg_psql_parse_version("psql (PostgreSQL) 17.6\n", &a, &b), 0);
	assert_int_equal(a, 17);
	assert_int_equal(b, 6);
	assert_int_equal(siphon_pg_psql_parse_version("psql (PostgreSQL) 9.6.24\n", &a, &b), 0);
	assert_int_equal(a, 9);
	assert_int_equal(b, 24);
	assert_int_equal(siphon_pg_psql_parse_version("psql (PostgreSQL) 18beta1\n", &a, &b), 0);
	assert_int_equal(a, 18);
	assert_int_equal(b, 0);
	assert_int_equal(siphon_pg_psql_parse_version("psql 15.18\n", &a, &b), -1);
	assert_int_equal(siphon_pg_psql_parse_version("psql (PostgreSQL) x\n", &a, &b), -1);
	assert_int_equal(siphon_pg_psql_parse_version("psql (PostgreSQL) 99999999999999999999.1\n", &a, &b), -1);
	assert_int_equal(siphon_pg_psql_parse_version("", &a, &b), -1);
}

static void
test_pg_local_restrict_line(void **state)
{
	char a[SIPHON_PG_RESTRICT_LINE_MAX], b[SIPHON_PG_RESTRICT_LINE_MAX], small[40];

	(void)state;
	assert_int_equal(siphon_pg_restrict_line(a, sizeof(a)), 0);
	assert_int_equal(siphon_pg_restrict_line(b, sizeof(b)), 0);
	/* "\restrict " + 64 hex digits + newline. */
	assert_int_equal(strlen(a), 10 + 64 + 1);
	assert_memory_equal(a, "\\restrict ", 10);
	assert_int_equal(strspn(a + 10, "0123456789abcdef"), 64);
	assert_int_equal(a[74], '\n');
	/* A fresh key each time. */
	assert_string_not_equal(a, b);
	assert_int_equal(siphon_pg_restrict_line(small, sizeof(small)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pg_local_psql_has_restrict),
		cmocka_unit_test(test_pg_local_psql_parse_version),
		cmocka_unit_test(test_pg_local_restrict_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
