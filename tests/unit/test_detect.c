/* test_detect.c - unit tests of lib/engine/detect: which engine a name and a probe point to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/detect.h"
#include "util/path.h"

static void
test_detect_by_name(void **state)
{
	static const struct {
		const char *name;
		enum siphon_engine_kind kind;
		int sure;
	} cases[] = {
		{"/srv/app/db.sqlite3", SIPHON_ENGINE_SQLITE, 1},
		{"/var/lib/app/data", SIPHON_ENGINE_SQLITE, 1},
		{"~/app.db", SIPHON_ENGINE_SQLITE, 1},
		{"./x", SIPHON_ENGINE_SQLITE, 1},
		{"../x", SIPHON_ENGINE_SQLITE, 1},
		{"app.db", SIPHON_ENGINE_SQLITE, 1},
		{"app.sqlite", SIPHON_ENGINE_SQLITE, 1},
		{"my app.sqlite3", SIPHON_ENGINE_SQLITE, 1},
		{"data/app", SIPHON_ENGINE_SQLITE, 0},
		{"hostile db'; $(touch /tmp/x) `x`", SIPHON_ENGINE_SQLITE, 0},
		{"app", SIPHON_ENGINE_AUTO, 1},
		{"app.db.backup", SIPHON_ENGINE_AUTO, 1},
		{".db", SIPHON_ENGINE_AUTO, 1},
		{"shop_production", SIPHON_ENGINE_AUTO, 1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int sure = -1;

		assert_int_equal(siphon_engine_by_name(cases[i].name, &sure), cases[i].kind);
		assert_int_equal(sure, cases[i].sure);
	}
}

static void
test_detect_by_tools(void **state)
{
	struct siphon_probe p;

	(void)state;
	assert_int_equal(siphon_probe_parse(&p, "end\n"), 0);
	assert_false(siphon_probe_has_pg(&p));
	assert_false(siphon_probe_has_mysql(&p));
	assert_int_equal(siphon_probe_parse(&p, "tool mysqldump /usr/bin/mysqldump\nend\n"), 0);
	assert_false(siphon_probe_has_mysql(&p));   /* siphon needs the client */
	assert_int_equal(siphon_probe_parse(&p, "tool mariadb /usr/bin/mariadb\nend\n"), 0);
	assert_true(siphon_probe_has_mysql(&p));
	assert_false(siphon_probe_has_pg(&p));
	assert_int_equal(siphon_probe_parse(&p, "fact pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18\nend\n"), 0);
	assert_true(siphon_probe_has_pg(&p));
	assert_false(siphon_probe_has_mysql(&p));
	assert_string_equal(siphon_engine_name(SIPHON_ENGINE_MYSQL), "mysql");
	assert_string_equal(siphon_engine_name(SIPHON_ENGINE_SQLITE), "sqlite");
	assert_string_equal(siphon_engine_name(SIPHON_ENGINE_POSTGRES), "postgres");
	assert_string_equal(siphon_engine_name(SIPHON_ENGINE_AUTO), "auto");
}

/* The PATH walk both engines use to find their local clients. */
static void
test_path_find(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(siphon_path_find("/nonexistent::/bin:/usr/bin", "sh", out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/sh");
	assert_int_equal(siphon_path_find("/nonexistent", "sh", out, sizeof(out)), -1);
	assert_int_equal(siphon_path_find("/bin", "no-such-program-siphon", out, sizeof(out)), -1);
	assert_int_equal(siphon_path_find(NULL, "sh", out, sizeof(out)), -1);
	assert_int_equal(siphon_path_find("", "sh", out, sizeof(out)), -1);
	/* A name that does not fit is not found, never cut. */
	assert_int_equal(siphon_path_find("/bin", "sh", out, 7), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_by_name),
		cmocka_unit_test(test_detect_by_tools),
		cmocka_unit_test(test_path_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
