/* test_regressions.c - bugs found by review, each pinned by a test (lexer, settings, versions, trailers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/postgres/pg_catalog.h"
#include "engine/postgres/pg_script.h"
#include "engine/postgres/pg_tools.h"
#include "remote/probe.h"
#include "remote/shell.h"

static int
split_rc(const char *text)
{
	struct siphon_pg_script s;
	char err[256] = "";
	int r = siphon_pg_script_split(&s, text, err, sizeof(err));

	siphon_pg_script_clear(&s);
	return r;
}

/* 1. psql runs a backslash command anywhere outside quotes, not only at column 0. */
static void
test_regression_script_midline_meta(void **state)
{
	(void)state;
	assert_int_equal(split_rc("-- Name: i; Type: INDEX; Schema: s; Owner: o\n"
	                          "CREATE INDEX i ON t (a); \\! touch /tmp/pwned\n"), -2);
}

static void
test_regression_script_indented_meta(void **state)
{
	(void)state;
	assert_int_equal(split_rc("-- Name: i; Type: INDEX; Schema: s; Owner: o\n"
	                          "    \\! touch /tmp/pwned\n"), -2);
}

/* 2. "xe'" is identifier xe + a standard string for psql, not an E'' string. */
static void
test_regression_script_e_after_identifier(void **state)
{
	(void)state;
	assert_int_equal(split_rc("SELECT 1 FROM pg_class xe'\\';\n"
	                          "\\! touch /tmp/pwned\n"
	                          "';\n"), -2);
}

/* 3. "a$$b$$" is one identifier for psql ('$' continues identifiers). */
static void
test_regression_script_dollar_in_identifier(void **state)
{
	(void)state;
	assert_int_equal(split_rc("SELECT 1 AS a$$b$$;\n"
	                          "\\! touch /tmp/pwned\n"
	                          "SELECT 1 AS x$b$;\n"), -2);
}

/* 4. A constraint name holding "; Type: INDEX" moves an FK into phase 0. */
static void
test_regression_script_type_spoof(void **state)
{
	struct siphon_pg_script s;
	char err[256];

	(void)state;
	assert_int_equal(siphon_pg_script_split(&s,
	    "-- Name: orders x; Type: INDEX; Type: FK CONSTRAINT; Schema: public; Owner: u\n"
	    "ALTER TABLE ONLY public.orders ADD CONSTRAINT \"x; Type: INDEX\" FOREIGN KEY (u) REFERENCES public.users(id);\n",
	    err, sizeof(err)), 0);
	assert_string_equal(s.blocks[0].type, "FK CONSTRAINT");
	siphon_pg_script_clear(&s);
}

/* 5. The refusal message shows the following lines too. */
static void
test_regression_script_message_spans_lines(void **state)
{
	struct siphon_pg_script s;
	char err[256];

	(void)state;
	assert_int_equal(siphon_pg_script_split(&s, "\\! id\nSELECT 1;\n", err, sizeof(err)), -2);
	assert_null(strchr(err, '\n'));
}

/* 6. ALTER DATABASE ... SET search_path = '' is stored as search_path="". */
static void
test_regression_dbsetting_empty_list(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_pg_dbsetting_sql(&sb, "\"d\"", "search_path=\"\""), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "ALTER DATABASE \"d\" SET search_path TO '';\n");
	siphon_strbuf_free(&sb);
}

/* 7. A list value is pasted into SQL unchecked. */
static void
test_regression_dbsetting_list_injection(void **state)
{
	struct siphon_strbuf sb = {0};
	int r;

	(void)state;
	r = siphon_pg_dbsetting_sql(&sb, "\"d\"", "search_path=public; DROP DATABASE postgres; --");
	if (r == 0)
		assert_null(strstr(siphon_strbuf_str(&sb), "; DROP DATABASE postgres;"));
	else
		assert_int_equal(r, -2);
	siphon_strbuf_free(&sb);
}

/* 8. 9.6 is encoded as 906, which compares as newer than 10..905. */
static void
test_regression_probe_pick_old_major(void **state)
{
	struct siphon_probe p;
	struct siphon_pg_toolset t;

	(void)state;
	assert_int_equal(siphon_probe_parse(&p,
	    "fact pg /usr/lib/postgresql/9.6/bin pg_dump (PostgreSQL) 9.6.24\n"
	    "fact pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18\n"
	    "end\n"), 0);
	siphon_pg_tools_find(&t, &p);
	/* A 17 server: every pg_dump here is older. */
	assert_int_equal(siphon_pg_tools_pick(&t, 1700), -1);
	/* A 9.6 server: pg_dump 9.6 itself (exact major), never "none". */
	assert_int_equal(siphon_pg_tools_pick(&t, siphon_pg_num_major(90624)), 0);
	assert_int_equal(siphon_probe_parse(&p,
	    "fact pg /usr/lib/postgresql/15/bin pg_dump (PostgreSQL) 15.18\nend\n"), 0);
	siphon_pg_tools_find(&t, &p);
	/* pg_dump 15 dumps 9.6 servers. */
	assert_int_equal(siphon_pg_tools_pick(&t, siphon_pg_num_major(90624)), 0);
}

static void
test_regression_num_major_not_comparable(void **state)
{
	(void)state;
	/* check_versions: "local 15 is older than the server's 906". */
	assert_true(siphon_pg_num_major(150018) > siphon_pg_num_major(90624));
}

/* 9. A stage ending in "\;" swallows its status trailer. */
static void
test_regression_pipeline_backslash_semicolon(void **state)
{
	static const char *const st[] = { "find /nonexistent -exec true {} \\;", "cat" };
	static const char *const nm[] = { "s1", "s2" };
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_sh_pipeline(&sb, st, nm, 2), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "{} \\;"));
	siphon_strbuf_free(&sb);
}

/* 10. A second 'I' line leaked the first encoding/collate/ctype: now it is refused (and nothing leaks). */
static void
test_regression_catalog_duplicate_info_leaks(void **state)
{
	struct siphon_pg_catalog c = {0};
	char err[128];

	(void)state;
	assert_int_equal(siphon_pg_catalog_parse(&c, "X|s\n"
	    "I|150018|f|55544638|43|43|f|1\nI|150018|f|55544638|43|43|f|1\n", err, sizeof(err)), -1);
	siphon_pg_catalog_clear(&c);
}

/* 11. A sequence value is pasted into setval() unchecked. */
static void
test_regression_catalog_sequence_value_unchecked(void **state)
{
	struct siphon_pg_catalog c = {0};
	char err[128];

	(void)state;
	assert_int_equal(siphon_pg_catalog_parse(&c, "X|s\nI|150018|f|55544638|43|43|f|1\nS|61|62\n",
	                                         err, sizeof(err)), 0);
	assert_int_equal(siphon_pg_catalog_parse_more(&c, "Q|0|1); DROP DATABASE postgres; --|t\n",
	                                              err, sizeof(err)), -1);
	siphon_pg_catalog_clear(&c);
}

/* Local server older than production: refused, or lenient with --allow-older-local. */
static void
test_regression_version_verdict(void **state)
{
	(void)state;
	assert_int_equal(siphon_pg_version_verdict(150018, 150018, 0), SIPHON_PG_VERSIONS_OK);
	assert_int_equal(siphon_pg_version_verdict(150018, 150002, 0), SIPHON_PG_VERSIONS_OK);
	assert_int_equal(siphon_pg_version_verdict(150018, 170004, 0), SIPHON_PG_VERSIONS_OK);
	assert_int_equal(siphon_pg_version_verdict(90624, 100000, 0), SIPHON_PG_VERSIONS_OK);
	assert_int_equal(siphon_pg_version_verdict(170004, 150018, 0), SIPHON_PG_VERSIONS_REFUSE);
	assert_int_equal(siphon_pg_version_verdict(100000, 90624, 0), SIPHON_PG_VERSIONS_REFUSE);
	assert_int_equal(siphon_pg_version_verdict(170004, 150018, 1), SIPHON_PG_VERSIONS_LENIENT);
}

/*
 * Issue 8: a database-level search_path applied to siphon's sessions made
 * regclass values print unqualified (misc.notes as notes), read back locally
 * as another table.  Every remote session, and every transaction, clears it.
 */
static void
test_regression_sessions_clear_search_path(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_pg_session_sql(&sb, 150000), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "search_path = ''"));
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_pg_txn_sql(&sb, 150000), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "SET LOCAL search_path = ''"));
	siphon_strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regression_script_midline_meta),
		cmocka_unit_test(test_regression_script_indented_meta),
		cmocka_unit_test(test_regression_script_e_after_identifier),
		cmocka_unit_test(test_regression_script_dollar_in_identifier),
		cmocka_unit_test(test_regression_script_type_spoof),
		cmocka_unit_test(test_regression_script_message_spans_lines),
		cmocka_unit_test(test_regression_dbsetting_empty_list),
		cmocka_unit_test(test_regression_dbsetting_list_injection),
		cmocka_unit_test(test_regression_probe_pick_old_major),
		cmocka_unit_test(test_regression_num_major_not_comparable),
		cmocka_unit_test(test_regression_pipeline_backslash_semicolon),
		cmocka_unit_test(test_regression_catalog_duplicate_info_leaks),
		cmocka_unit_test(test_regression_catalog_sequence_value_unchecked),
		cmocka_unit_test(test_regression_version_verdict),
		cmocka_unit_test(test_regression_sessions_clear_search_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
