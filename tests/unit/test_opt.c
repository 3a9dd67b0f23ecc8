/*
 * test_opt.c - the option registry: types and bounds, unset against an
 * explicit no, precedence and origin records, the engines' own options,
 * and the definitions themselves (help, scope, defaults that fit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "engine/mysql/my_options.h"
#include "engine/postgres/pg_options.h"
#include "engine/registry.h"
#include "opt/opt.h"

static struct siphon_opts *
new_opts(void)
{
	struct siphon_opts *o = NULL;

	assert_int_equal(siphon_opts_new(&o), 0);
	assert_non_null(o);
	return o;
}

#define assert_set_error(o, name, text, origin, where, want)                       \
	do {                                                                       \
		assert_int_equal(siphon_opts_set(o, name, text, origin, where),        \
		                 SIPHON_EUSAGE);                                       \
		assert_string_equal(siphon_opts_errmsg(o), want);                      \
	} while (0)

static void
test_opt_types(void **state)
{
	struct siphon_opts *o = new_opts();
	static const struct {
		const char *text;
		int value;
	} flags[] = {
		{ "yes", 1 }, { "true", 1 }, { "1", 1 }, { "no", 0 }, { "false", 0 }, { "0", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		assert_int_equal(siphon_opts_set(o, "force", flags[i].text, SIPHON_ORIGIN_CLI, NULL), 0);
		assert_int_equal(siphon_opts_int(o, "force"), flags[i].value);
	}
	assert_set_error(o, "force", "maybe", SIPHON_ORIGIN_CLI, NULL,
	                 "bad value 'maybe' for --force (expected yes or no)");
	assert_set_error(o, "force", "YES", SIPHON_ORIGIN_CLI, "--force",
	                 "bad value 'YES' for --force (expected yes or no)");

	assert_int_equal(siphon_opts_set(o, "jobs", "12", SIPHON_ORIGIN_CLI, "-j"), 0);
	assert_int_equal(siphon_opts_int(o, "jobs"), 12);
	assert_string_equal(siphon_opts_str(o, "jobs"), "12");
	assert_set_error(o, "jobs", "4x", SIPHON_ORIGIN_CLI, "-j",
	                 "bad value '4x' for -j (expected a number from 1 to 64)");
	assert_set_error(o, "jobs", "-4", SIPHON_ORIGIN_CLI, "--jobs",
	                 "bad value '-4' for --jobs (expected a number from 1 to 64)");
	assert_set_error(o, "jobs", "", SIPHON_ORIGIN_CLI, "-j",
	                 "bad value '' for -j (expected a number from 1 to 64)");
	/* A failed set leaves the value as it was. */
	assert_int_equal(siphon_opts_int(o, "jobs"), 12);

	assert_int_equal(siphon_opts_set(o, "into", "a b", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_string_equal(siphon_opts_str(o, "into"), "a b");
	assert_set_error(o, "into", "", SIPHON_ORIGIN_CLI, NULL, "empty value for --into");
	assert_set_error(o, "identity", "", SIPHON_ORIGIN_CLI, "-i", "empty value for -i");

	assert_int_equal(siphon_opts_set(o, "compress", "gzip", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opts_int(o, "compress"), SIPHON_COMPRESS_GZIP);
	assert_string_equal(siphon_opts_str(o, "compress"), "gzip");
	assert_set_error(o, "compress", "lz4", SIPHON_ORIGIN_CLI, NULL,
	                 "bad value 'lz4' for --compress (expected auto, zstd, pigz, gzip or none)");
	assert_set_error(o, "engine", "oracle", SIPHON_ORIGIN_CLI, "--engine",
	                 "bad value 'oracle' for --engine (expected postgres, mysql, mariadb or sqlite)");

	assert_set_error(o, "bogus", "1", SIPHON_ORIGIN_CLI, NULL, "unknown option 'bogus'");
	assert_set_error(o, "bogus", "1", SIPHON_ORIGIN_PROFILE, "~/.config/siphon/config:3",
	                 "~/.config/siphon/config:3: unknown option 'bogus'");
	/* Text from a user cannot break the message's line. */
	assert_set_error(o, "jobs", "1\n2", SIPHON_ORIGIN_CLI, "-j",
	                 "bad value '1?2' for -j (expected a number from 1 to 64)");
	siphon_opts_free(o);
	siphon_opts_free(NULL);
}

/* Each INT option at and just past its bounds, whatever is added later. */
static void
test_opt_bounds(void **state)
{
	struct siphon_opts *o = new_opts();

	(void)state;
	for (size_t i = 0; i < siphon_opts_count(o); i++) {
		const struct siphon_optdef *d = siphon_opts_def(o, i);
		char text[32], want[160];

		if (d->type != SIPHON_OPT_INT)
			continue;
		snprintf(text, sizeof(text), "%d", d->min);
		assert_int_equal(siphon_opts_set(o, d->name, text, SIPHON_ORIGIN_CLI, NULL), 0);
		assert_int_equal(siphon_opts_int(o, d->name), d->min);
		snprintf(text, sizeof(text), "%d", d->max);
		assert_int_equal(siphon_opts_set(o, d->name, text, SIPHON_ORIGIN_CLI, NULL), 0);
		assert_int_equal(siphon_opts_int(o, d->name), d->max);
		snprintf(text, sizeof(text), "%d", d->max + 1);
		snprintf(want, sizeof(want), "bad value '%d' for --%s (expected a number from %d to %d)",
		         d->max + 1, d->name, d->min, d->max);
		assert_set_error(o, d->name, text, SIPHON_ORIGIN_CLI, NULL, want);
		snprintf(text, sizeof(text), "%d", d->min - 1);
		assert_int_equal(siphon_opts_set(o, d->name, text, SIPHON_ORIGIN_CLI, NULL), SIPHON_EUSAGE);
	}
	assert_set_error(o, "port", "99999999999999999999", SIPHON_ORIGIN_CLI, NULL,
	                 "bad value '99999999999999999999' for --port (expected a number from 1 to 65535)");
	/* A minus sign only where the bounds go below 0 (--level: zstd's fast levels). */
	assert_set_error(o, "jobs", "-1", SIPHON_ORIGIN_CLI, NULL,
	                 "bad value '-1' for --jobs (expected a number from 1 to 64)");
	assert_set_error(o, "retries", "-0", SIPHON_ORIGIN_CLI, NULL,
	                 "bad value '-0' for --retries (expected a number from 0 to 100)");
	assert_int_equal(siphon_opts_set(o, "level", "-3", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opts_int(o, "level"), -3);
	assert_int_equal(siphon_opts_set(o, "level", "-0", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opts_int(o, "level"), 0);
	assert_set_error(o, "level", "--3", SIPHON_ORIGIN_CLI, NULL,
	                 "bad value '--3' for --level (expected a number from -20 to 22)");
	assert_set_error(o, "level", "-", SIPHON_ORIGIN_CLI, NULL,
	                 "bad value '-' for --level (expected a number from -20 to 22)");
	assert_set_error(o, "level", "-99999999999999999999", SIPHON_ORIGIN_CLI, NULL,
	                 "bad value '-99999999999999999999' for --level (expected a number from -20 to 22)");
	siphon_opts_free(o);
}

/* Not given is not the same as given as no: a profile can say either. */
static void
test_opt_unset_vs_no(void **state)
{
	struct siphon_opts *o = new_opts();
	const char *where = "x";

	(void)state;
	assert_false(siphon_opts_is_set(o, "force"));
	assert_int_equal(siphon_opts_int(o, "force"), 0);
	assert_int_equal(siphon_opts_origin(o, "force", &where), SIPHON_ORIGIN_DEFAULT);
	assert_null(where);

	assert_int_equal(siphon_opts_set(o, "force", "no", SIPHON_ORIGIN_PROFILE, "prof:2"), 0);
	assert_true(siphon_opts_is_set(o, "force"));
	assert_int_equal(siphon_opts_int(o, "force"), 0);
	assert_int_equal(siphon_opts_origin(o, "force", &where), SIPHON_ORIGIN_PROFILE);
	assert_string_equal(where, "prof:2");

	/* Without a default, unset reads as nothing at all. */
	assert_false(siphon_opts_is_set(o, "level"));
	assert_int_equal(siphon_opts_int(o, "level"), 0);
	assert_null(siphon_opts_str(o, "level"));
	assert_false(siphon_opts_is_set(o, "engine"));
	assert_int_equal(siphon_opts_int(o, "engine"), -1);
	assert_null(siphon_opts_str(o, "engine"));
	/* jobs has none either: unset, the pull chooses (engine/tune.h). */
	assert_false(siphon_opts_is_set(o, "jobs"));
	assert_int_equal(siphon_opts_int(o, "jobs"), 0);
	/* With one, the default, still unset. */
	assert_string_equal(siphon_opts_str(o, "compress"), "auto");
	/* An unknown name answers nothing rather than crashing. */
	assert_false(siphon_opts_is_set(o, "bogus"));
	assert_int_equal(siphon_opts_int(o, "bogus"), 0);
	assert_null(siphon_opts_str(o, "bogus"));
	assert_null(siphon_opts_find(o, "bogus"));
	assert_null(siphon_opts_def(o, siphon_opts_count(o)));
	siphon_opts_free(o);
}

/* command line > environment > profile > default, in whatever order set. */
static void
test_opt_precedence(void **state)
{
	struct siphon_opts *o = new_opts();
	const char *where;

	(void)state;
	/* The command line is read first; a profile after it changes nothing. */
	assert_int_equal(siphon_opts_set(o, "jobs", "8", SIPHON_ORIGIN_CLI, "-j"), 0);
	assert_int_equal(siphon_opts_set(o, "jobs", "2", SIPHON_ORIGIN_PROFILE, "p:1"), 0);
	assert_int_equal(siphon_opts_set(o, "jobs", "3", SIPHON_ORIGIN_ENV, "SIPHON_JOBS"), 0);
	assert_int_equal(siphon_opts_int(o, "jobs"), 8);
	assert_int_equal(siphon_opts_origin(o, "jobs", &where), SIPHON_ORIGIN_CLI);
	assert_string_equal(where, "-j");

	/* Upwards, each stronger origin replaces the weaker one. */
	assert_int_equal(siphon_opts_set(o, "stall-timeout", "30", SIPHON_ORIGIN_PROFILE, "p:4"), 0);
	assert_int_equal(siphon_opts_int(o, "stall-timeout"), 30);
	assert_int_equal(siphon_opts_set(o, "stall-timeout", "40", SIPHON_ORIGIN_ENV, "SIPHON_STALL_TIMEOUT"), 0);
	assert_int_equal(siphon_opts_int(o, "stall-timeout"), 40);
	assert_int_equal(siphon_opts_origin(o, "stall-timeout", &where), SIPHON_ORIGIN_ENV);
	assert_string_equal(where, "SIPHON_STALL_TIMEOUT");
	assert_int_equal(siphon_opts_set(o, "stall-timeout", "50", SIPHON_ORIGIN_PROFILE, "p:9"), 0);
	assert_int_equal(siphon_opts_int(o, "stall-timeout"), 40);
	assert_int_equal(siphon_opts_set(o, "stall-timeout", "60", SIPHON_ORIGIN_CLI, "--stall-timeout"), 0);
	assert_int_equal(siphon_opts_int(o, "stall-timeout"), 60);

	/* At the same origin the later value wins, its where with it. */
	assert_int_equal(siphon_opts_set(o, "into", "a", SIPHON_ORIGIN_PROFILE, "p:1"), 0);
	assert_int_equal(siphon_opts_set(o, "into", "b", SIPHON_ORIGIN_PROFILE, "p:2"), 0);
	assert_string_equal(siphon_opts_str(o, "into"), "b");
	assert_int_equal(siphon_opts_origin(o, "into", &where), SIPHON_ORIGIN_PROFILE);
	assert_string_equal(where, "p:2");

	/* A bad value is reported even where a stronger one will win. */
	assert_set_error(o, "jobs", "0", SIPHON_ORIGIN_PROFILE, "~/.config/siphon/config:12",
	                 "~/.config/siphon/config:12: bad value '0' for jobs (expected a number from 1 to 64)");
	assert_set_error(o, "jobs", "x", SIPHON_ORIGIN_ENV, "SIPHON_JOBS",
	                 "bad value 'x' for SIPHON_JOBS (expected a number from 1 to 64)");
	assert_int_equal(siphon_opts_int(o, "jobs"), 8);

	assert_string_equal(siphon_opt_origin_name(SIPHON_ORIGIN_DEFAULT), "default");
	assert_string_equal(siphon_opt_origin_name(SIPHON_ORIGIN_PROFILE), "profile");
	assert_string_equal(siphon_opt_origin_name(SIPHON_ORIGIN_ENV), "environment");
	assert_string_equal(siphon_opt_origin_name(SIPHON_ORIGIN_CLI), "command line");
	siphon_opts_free(o);
}

/* Each engine's options are in the list, with the engine as their scope. */
static void
test_opt_engine_options(void **state)
{
	struct siphon_opts *o = new_opts();
	const struct siphon_optdef *d;
	size_t n = 0;

	(void)state;
	for (const struct siphon_engine_ops *const *e = siphon_engines; *e != NULL; e++) {
		for (size_t i = 0; (*e)->options != NULL && (*e)->options[i].name != NULL; i++) {
			d = siphon_opts_find(o, (*e)->options[i].name);
			assert_ptr_equal(d, &(*e)->options[i]);
			assert_string_equal(d->scope, (*e)->name);
			n++;
		}
	}
	assert_int_equal(n, 7);
	assert_string_equal(siphon_opts_find(o, "remote-pg-opts")->scope, "postgres");
	assert_string_equal(siphon_opts_find(o, "lock-all")->scope, "mysql");
	assert_string_equal(siphon_opts_find(o, "identity")->scope, "ssh");
	assert_string_equal(siphon_opts_find(o, "jobs")->scope, "core");

	/* Engines read their own with their definitions. */
	assert_null(siphon_opt_str(o, &siphon_pg_options[PG_OPT_REMOTE_OPTS]));
	assert_int_equal(siphon_opts_set(o, "remote-pg-opts", "-p 5433", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_string_equal(siphon_opt_str(o, &siphon_pg_options[PG_OPT_REMOTE_OPTS]), "-p 5433");
	assert_int_equal(siphon_opt_int(o, &siphon_my_options[MY_OPT_NO_LOCK]), 0);
	assert_int_equal(siphon_opts_set(o, "no-lock", "yes", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opt_int(o, &siphon_my_options[MY_OPT_NO_LOCK]), 1);
	assert_non_null(siphon_opt_value(o, &siphon_my_options[MY_OPT_NO_LOCK]));
	assert_int_equal(siphon_opt_int(o, &siphon_my_options[MY_OPT_LOCK_TIMEOUT]), 10);
	assert_int_equal(siphon_opts_set(o, "lock-timeout", "3", SIPHON_ORIGIN_PROFILE, "p:3"), 0);
	assert_int_equal(siphon_opt_int(o, &siphon_my_options[MY_OPT_LOCK_TIMEOUT]), 3);

	/* --engine offers every engine by its name and aliases, from the registry. */
	d = siphon_opts_find(o, "engine");
	assert_non_null(d->choices);
	n = 0;
	for (const struct siphon_engine_ops *const *e = siphon_engines; *e != NULL; e++) {
		assert_string_equal(d->choices[n++], (*e)->name);
		for (const char *const *a = (*e)->aliases; a != NULL && *a != NULL; a++)
			assert_string_equal(d->choices[n++], *a);
	}
	assert_null(d->choices[n]);
	assert_int_equal(siphon_opts_set(o, "engine", "mariadb", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_string_equal(siphon_opts_str(o, "engine"), "mariadb");
	assert_ptr_equal(siphon_engine_find(siphon_engines, siphon_opts_str(o, "engine")),
	                 siphon_engine_find(siphon_engines, "mysql"));
	siphon_opts_free(o);
}

/*
 * Every definition is complete, and the prose agrees with the numbers: an
 * INT default said in the help is the default the registry holds.
 */
static void
test_opt_defs_sane(void **state)
{
	struct siphon_opts *o = new_opts();

	(void)state;
	assert_true(siphon_opts_count(o) > 20);
	for (size_t i = 0; i < siphon_opts_count(o); i++) {
		const struct siphon_optdef *d = siphon_opts_def(o, i);
		char said[64];

		assert_non_null(d->name);
		assert_non_null(d->help);
		assert_true(strlen(d->help) > 0);
		assert_non_null(d->scope);
		assert_ptr_equal(siphon_opts_find(o, d->name), d);
		for (size_t j = i + 1; j < siphon_opts_count(o); j++)
			assert_string_not_equal(d->name, siphon_opts_def(o, j)->name);
		if (d->type == SIPHON_OPT_INT) {
			assert_true(d->min <= d->max);
			assert_non_null(d->metavar);
		}
		if (d->type == SIPHON_OPT_CHOICE)
			assert_non_null(d->choices);
		if (d->conflicts != NULL) {
			assert_int_equal(d->type, SIPHON_OPT_FLAG);
			assert_non_null(siphon_opts_find(o, d->conflicts));
		}
		if (d->type == SIPHON_OPT_INT && d->def != NULL) {
			snprintf(said, sizeof(said), "(default %s)", d->def);
			if (strstr(d->help, said) == NULL)
				fail_msg("--%s: the help does not say %s", d->name, said);
		}
	}
	siphon_opts_free(o);
}

/* A default that does not fit its own definition is a bug, said at once. */
static void
test_opt_bad_default(void **state)
{
	static const struct siphon_optdef bad = {
		.name = "n", .type = SIPHON_OPT_INT, .min = 1, .max = 9, .def = "10",
		.scope = "core", .help = "h",
	};
	const struct siphon_optdef *defs[] = { &bad };
	struct siphon_opts o;

	(void)state;
	assert_int_equal(siphon_opts_init(&o, defs, 1), SIPHON_EINTERNAL);
	assert_string_equal(o.errmsg,
	                    "bad value '10' for the default of --n (expected a number from 1 to 9)");
	siphon_opts_clear(&o);
}

static void
test_opt_resolve(void **state)
{
	struct siphon_opts *o = new_opts();
	struct siphon_pull_opts po;
	char err[SIPHON_OPT_ERR_MAX];

	(void)state;
	assert_int_equal(siphon_opts_set(o, "host", "db1", SIPHON_ORIGIN_CLI, "target"), 0);
	assert_int_equal(siphon_opts_set(o, "database", "app", SIPHON_ORIGIN_CLI, "target"), 0);
	assert_int_equal(siphon_opts_resolve(o, &po, err, sizeof(err)), 0);
	assert_string_equal(po.host, "db1");
	assert_string_equal(po.dbname, "app");
	assert_null(po.user);
	assert_null(po.into);
	assert_null(po.engine);
	assert_int_equal(po.port, 22);
	assert_int_equal(po.jobs, 0);
	assert_int_equal(po.compress, SIPHON_COMPRESS_AUTO);
	assert_int_equal(po.level, 0);
	assert_int_equal(po.remote_threads, 0);
	assert_int_equal(po.connect_timeout, 15);
	assert_int_equal(po.stall_timeout, 120);
	assert_int_equal(po.heartbeat_timeout, 60);
	assert_int_equal(po.force + po.no_nice + po.allow_older_local + po.accept_new_host_key, 0);

	assert_int_equal(siphon_opts_set(o, "compress", "none", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opts_set(o, "engine", "sqlite", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opts_set(o, "force", "yes", SIPHON_ORIGIN_ENV, "SIPHON_FORCE"), 0);
	assert_int_equal(siphon_opts_resolve(o, &po, err, sizeof(err)), 0);
	assert_int_equal(po.compress, SIPHON_COMPRESS_NONE);
	assert_string_equal(po.engine, "sqlite");
	assert_int_equal(po.force, 1);

	/* Two flags that contradict each other: one usage error. */
	assert_int_equal(siphon_opts_set(o, "no-lock", "yes", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opts_resolve(o, &po, err, sizeof(err)), 0);
	assert_int_equal(siphon_opts_set(o, "lock-all", "yes", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opts_resolve(o, &po, err, sizeof(err)), SIPHON_EUSAGE);
	assert_string_equal(err, "--no-lock and --lock-all contradict each other");
	/* An explicit no settles it. */
	assert_int_equal(siphon_opts_set(o, "lock-all", "no", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opts_resolve(o, &po, err, sizeof(err)), 0);
	siphon_opts_free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opt_types),
		cmocka_unit_test(test_opt_bounds),
		cmocka_unit_test(test_opt_unset_vs_no),
		cmocka_unit_test(test_opt_precedence),
		cmocka_unit_test(test_opt_engine_options),
		cmocka_unit_test(test_opt_defs_sane),
		cmocka_unit_test(test_opt_bad_default),
		cmocka_unit_test(test_opt_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
