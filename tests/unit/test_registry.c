/* test_registry.c - unit tests of the engine registry: lookup, and how each engine bids for a name and a probe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/registry.h"
#include "remote/probe.h"
#include "util/path.h"

/* The bid of the engine that bids highest on name, and that engine. */
static enum siphon_bid
best_name_bid(const char *name, const struct siphon_engine_ops **who)
{
	enum siphon_bid best = SIPHON_BID_NONE;

	*who = NULL;
	for (const struct siphon_engine_ops *const *e = siphon_engines; *e != NULL; e++) {
		enum siphon_bid b = (*e)->bid_name != NULL ? (*e)->bid_name(name) : SIPHON_BID_NONE;

		if (b > best) {
			best = b;
			*who = *e;
		}
	}
	return best;
}

static void
test_bid_by_name(void **state)
{
	static const struct {
		const char *name;
		const char *engine;   /* NULL: no engine claims it */
		enum siphon_bid bid;
	} cases[] = {
		{"/srv/app/db.sqlite3", "sqlite", SIPHON_BID_SURE},
		{"/var/lib/app/data", "sqlite", SIPHON_BID_SURE},
		{"~/app.db", "sqlite", SIPHON_BID_SURE},
		{"./x", "sqlite", SIPHON_BID_SURE},
		{"../x", "sqlite", SIPHON_BID_SURE},
		{"app.db", "sqlite", SIPHON_BID_SURE},
		{"app.sqlite", "sqlite", SIPHON_BID_SURE},
		{"my app.sqlite3", "sqlite", SIPHON_BID_SURE},
		{"data/app", "sqlite", SIPHON_BID_MAYBE},
		{"hostile db'; $(touch /tmp/x) `x`", "sqlite", SIPHON_BID_MAYBE},
		{"app", NULL, SIPHON_BID_NONE},
		{"app.db.backup", NULL, SIPHON_BID_NONE},
		{".db", NULL, SIPHON_BID_NONE},
		{"shop_production", NULL, SIPHON_BID_NONE},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct siphon_engine_ops *who;

		assert_int_equal(best_name_bid(cases[i].name, &who), cases[i].bid);
		if (cases[i].engine == NULL)
			assert_null(who);
		else
			assert_string_equal(who->name, cases[i].engine);
	}
}

static void
test_bid_by_tools(void **state)
{
	const struct siphon_engine_ops *pg = siphon_engine_find(siphon_engines, "postgres");
	const struct siphon_engine_ops *my = siphon_engine_find(siphon_engines, "mysql");
	struct siphon_probe p;

	(void)state;
	assert_non_null(pg);
	assert_non_null(my);
	assert_int_equal(siphon_probe_parse(&p, "end\n"), 0);
	assert_int_equal(pg->bid_probe(&p), SIPHON_BID_NONE);
	assert_int_equal(my->bid_probe(&p), SIPHON_BID_NONE);
	assert_int_equal(siphon_probe_parse(&p, "tool mysqldump /usr/bin/mysqldump\nend\n"), 0);
	assert_int_equal(my->bid_probe(&p), SIPHON_BID_NONE);   /* siphon needs the client */
	assert_int_equal(siphon_probe_parse(&p, "tool mariadb /usr/bin/mariadb\nend\n"), 0);
	assert_int_equal(my->bid_probe(&p), SIPHON_BID_TOOLS);
	assert_int_equal(pg->bid_probe(&p), SIPHON_BID_NONE);
	/* The PostgreSQL engine reads its own facts. */
	assert_int_equal(siphon_probe_parse(&p, "fact pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18\nend\n"), 0);
	assert_int_equal(pg->bid_probe(&p), SIPHON_BID_TOOLS);
	assert_int_equal(my->bid_probe(&p), SIPHON_BID_NONE);
}

/* Names and aliases find their engine; every engine is complete. */
static void
test_registry_lookup(void **state)
{
	(void)state;
	assert_ptr_equal(siphon_engine_find(siphon_engines, "mariadb"),
	                 siphon_engine_find(siphon_engines, "mysql"));
	assert_string_equal(siphon_engine_find(siphon_engines, "sqlite")->name, "sqlite");
	assert_null(siphon_engine_find(siphon_engines, "oracle"));
	assert_null(siphon_engine_find(siphon_engines, ""));
	for (const struct siphon_engine_ops *const *e = siphon_engines; *e != NULL; e++) {
		assert_non_null((*e)->title);
		assert_non_null((*e)->tools);
		assert_true((*e)->state_size > 0);
		assert_non_null((*e)->open);
		assert_non_null((*e)->inspect);
		assert_non_null((*e)->transfer);
		assert_non_null((*e)->finish);
		assert_non_null((*e)->cleanup);
		assert_non_null((*e)->explain);
		assert_true((*e)->bid_name != NULL || (*e)->bid_probe != NULL);
	}
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
		cmocka_unit_test(test_bid_by_name),
		cmocka_unit_test(test_bid_by_tools),
		cmocka_unit_test(test_registry_lookup),
		cmocka_unit_test(test_path_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
