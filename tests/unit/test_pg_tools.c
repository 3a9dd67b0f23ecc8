/*
 * test_pg_tools.c - unit tests of engine/postgres/pg_tools: the "fact pg"
 * lines of the probe read into client tools, version parsing, and the
 * choice of pg_dump for a server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/postgres/pg_tools.h"
#include "remote/probe.h"

static const char sample[] =
	"cores 8\n"
	"tool zstd /usr/bin/zstd\n"
	"fact pg /usr/lib/postgresql/13/bin pg_dump (PostgreSQL) 13.16 (Debian 13.16-1.pgdg120+1)\n"
	"fact pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"
	"fact pg /usr/lib/postgresql/17/bin pg_dump (PostgreSQL) 17.2 (Debian 17.2-1.pgdg120+1)\n"
	"fact pg /usr/lib/postgresql/18/bin pg_dump (PostgreSQL) 18beta1 (Debian 18~beta1-1.pgdg120+1)\n"
	/* The PATH entry: pg_wrapper's directory would differ, a plain install repeats one. */
	"fact pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"
	"fact other /usr/lib/postgresql/16/bin pg_dump (PostgreSQL) 16.1\n"
	"fact pg /usr/pgsql-16/bin pg_dump (PostgreSQL) 16.4\n"
	"end\n";

/* Parses out and reads its pg facts. */
static void
find(struct siphon_pg_toolset *t, const char *out)
{
	struct siphon_probe p;

	siphon_probe_parse(&p, out);
	siphon_pg_tools_find(t, &p);
}

static void
test_pg_tools_sample(void **state)
{
	struct siphon_pg_toolset t;

	(void)state;
	find(&t, sample);
	/* The duplicate directory is kept once; another engine's fact is not ours. */
	assert_int_equal(t.n, 5);
	assert_string_equal(t.t[0].bindir, "/usr/lib/postgresql/13/bin");
	assert_int_equal(t.t[0].major, 1300);
	assert_string_equal(t.t[0].version, "13.16");
	assert_string_equal(t.t[1].bindir, "/usr/lib/postgresql/15/bin");
	assert_int_equal(t.t[1].major, 1500);
	assert_string_equal(t.t[1].version, "15.18");
	assert_int_equal(t.t[2].major, 1700);
	assert_string_equal(t.t[2].version, "17.2");
	assert_string_equal(t.t[3].bindir, "/usr/lib/postgresql/18/bin");
	assert_int_equal(t.t[3].major, 1800);
	assert_string_equal(t.t[3].version, "18beta1");
	assert_string_equal(t.t[4].bindir, "/usr/pgsql-16/bin");
	assert_int_equal(t.t[4].major, 1600);
	assert_string_equal(t.t[4].version, "16.4");

	assert_int_equal(siphon_pg_tools_pick(&t, 1500), 1);
	assert_int_equal(siphon_pg_tools_pick(&t, 1600), 4);
	assert_int_equal(siphon_pg_tools_pick(&t, 1400), 1);
	assert_int_equal(siphon_pg_tools_pick(&t, 1300), 0);
	assert_int_equal(siphon_pg_tools_pick(&t, 1200), 0);
	assert_int_equal(siphon_pg_tools_pick(&t, 1800), 3);
	assert_int_equal(siphon_pg_tools_pick(&t, 1900), -1);
	assert_int_equal(siphon_pg_tools_newest(&t), 3);

	/* A probe cut short still tells what it found; none found is 0 entries. */
	find(&t, "fact pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18\n");
	assert_int_equal(t.n, 1);
	find(&t, "");
	assert_int_equal(t.n, 0);
	assert_int_equal(siphon_pg_tools_newest(&t), 0);
	/* A login banner's "pg" line is no fact. */
	find(&t, "pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18\nend\n");
	assert_int_equal(t.n, 0);
}

static void
test_pg_tools_odd_lines(void **state)
{
	struct siphon_pg_toolset t;

	(void)state;
	find(&t,
	    "fact pg /usr/local/pgsql/bin \n"
	    "fact pg /usr/local/pgsql/bin pg_dump (PostgreSQL) garbage\n"
	    "fact pg /usr/local/pgsql/bin\n"
	    "fact pg\n"
	    "fact\n"
	    "end\n");
	assert_int_equal(t.n, 0);
}

/* Over-long fields are cut to their buffers, NUL-terminated. */
static void
test_pg_tools_long_fields(void **state)
{
	struct siphon_strbuf sb = {0};
	struct siphon_pg_toolset t;
	char longdir[300];

	(void)state;
	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	assert_int_equal(siphon_strbuf_printf(&sb, "fact pg %s pg_dump (PostgreSQL) 15.%.100s\nend\n",
	                                      longdir, longdir + 1), 0);
	find(&t, siphon_strbuf_str(&sb));
	assert_int_equal(t.n, 1);
	assert_int_equal(strlen(t.t[0].bindir), sizeof(t.t[0].bindir) - 1);
	assert_int_equal(strlen(t.t[0].version), sizeof(t.t[0].version) - 1);
	assert_int_equal(t.t[0].major, 1500);
	siphon_strbuf_free(&sb);
}

static void
test_pg_tools_many(void **state)
{
	struct siphon_strbuf sb = {0};
	struct siphon_pg_toolset t;

	(void)state;
	for (int i = 0; i < 40; i++)
		assert_int_equal(siphon_strbuf_printf(&sb, "fact pg /opt/pg%d/bin pg_dump (PostgreSQL) %d.1\n",
		                                      i, 10 + i), 0);
	assert_int_equal(siphon_strbuf_puts(&sb, "end\n"), 0);
	find(&t, siphon_strbuf_str(&sb));
	assert_int_equal(t.n, SIPHON_PG_MAX_TOOLS);
	assert_string_equal(t.t[SIPHON_PG_MAX_TOOLS - 1].bindir, "/opt/pg15/bin");
	assert_int_equal(siphon_pg_tools_pick(&t, 1000), 0);
	assert_int_equal(siphon_pg_tools_pick(&t, (10 + SIPHON_PG_MAX_TOOLS) * 100), -1);
	siphon_strbuf_free(&sb);
}

static void
test_pg_tools_major_parse(void **state)
{
	(void)state;
	assert_int_equal(siphon_pg_major_parse("15.18"), 1500);
	assert_int_equal(siphon_pg_major_parse("9.6.24"), 906);
	assert_int_equal(siphon_pg_major_parse("9.5.25"), 905);
	assert_int_equal(siphon_pg_major_parse("8.4.22"), 804);
	assert_int_equal(siphon_pg_major_parse("17beta1"), 1700);
	assert_int_equal(siphon_pg_major_parse("18devel"), 1800);
	assert_int_equal(siphon_pg_major_parse("16rc1"), 1600);
	assert_int_equal(siphon_pg_major_parse("10.0"), 1000);
	assert_int_equal(siphon_pg_major_parse("10"), 1000);
	assert_int_equal(siphon_pg_major_parse("  15.2"), 1500);
	assert_int_equal(siphon_pg_major_parse("9.6"), 906);
	assert_int_equal(siphon_pg_major_parse("garbage"), -1);
	assert_int_equal(siphon_pg_major_parse(""), -1);
	assert_int_equal(siphon_pg_major_parse("   "), -1);
	assert_int_equal(siphon_pg_major_parse("0.1"), -1);
	assert_int_equal(siphon_pg_major_parse("-15"), -1);
	assert_int_equal(siphon_pg_major_parse("9"), -1);
	assert_int_equal(siphon_pg_major_parse("9beta"), -1);
	assert_int_equal(siphon_pg_major_parse("(PostgreSQL)"), -1);
}

static void
set_pg(struct siphon_pg_toolset *p, const int *majors, int n)
{
	memset(p, 0, sizeof(*p));
	p->n = n;
	for (int i = 0; i < n; i++) {
		p->t[i].major = majors[i];
		snprintf(p->t[i].bindir, sizeof(p->t[i].bindir), "/pg/%d", i);
	}
}

static void
test_pg_tools_pick(void **state)
{
	struct siphon_pg_toolset p;
	static const int unordered[] = { 17, 12, 16, 14 };
	static const int twins[] = { 16, 15, 15 };
	static const int old_only[] = { 905, 906 };

	(void)state;
	set_pg(&p, NULL, 0);
	assert_int_equal(siphon_pg_tools_pick(&p, 15), -1);

	set_pg(&p, unordered, 4);
	/* The same major when present. */
	assert_int_equal(siphon_pg_tools_pick(&p, 16), 2);
	assert_int_equal(siphon_pg_tools_pick(&p, 14), 3);
	assert_int_equal(siphon_pg_tools_pick(&p, 12), 1);
	assert_int_equal(siphon_pg_tools_pick(&p, 17), 0);
	/* Else the oldest of the newer ones. */
	assert_int_equal(siphon_pg_tools_pick(&p, 15), 2);
	assert_int_equal(siphon_pg_tools_pick(&p, 13), 3);
	assert_int_equal(siphon_pg_tools_pick(&p, 10), 1);
	/* Never an older one. */
	assert_int_equal(siphon_pg_tools_pick(&p, 18), -1);

	/* Two directories with the same major: the first listed. */
	set_pg(&p, twins, 3);
	assert_int_equal(siphon_pg_tools_pick(&p, 15), 1);
	assert_int_equal(siphon_pg_tools_pick(&p, 14), 1);
	assert_int_equal(siphon_pg_tools_pick(&p, 16), 0);

	set_pg(&p, old_only, 2);
	assert_int_equal(siphon_pg_tools_pick(&p, 906), 1);
	assert_int_equal(siphon_pg_tools_pick(&p, 905), 0);
	assert_int_equal(siphon_pg_tools_pick(&p, 904), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pg_tools_sample),
		cmocka_unit_test(test_pg_tools_odd_lines),
		cmocka_unit_test(test_pg_tools_long_fields),
		cmocka_unit_test(test_pg_tools_many),
		cmocka_unit_test(test_pg_tools_major_parse),
		cmocka_unit_test(test_pg_tools_pick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
