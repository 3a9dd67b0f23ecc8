/*
 * test_sqlite.c - unit tests of the SQLite engine's pure parts
 * (lib/engine/sqlite/sq_script): the parsers of what the remote scripts and
 * sqlite3 print, the version numbers, the carry-over rule, the local names.
 * The scripts themselves run in test_sqlite_script.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sqlite/sq_script.h"

static char *
take(struct siphon_strbuf *sb)
{
	char *s = siphon_strbuf_take(sb);

	assert_non_null(s);
	return s;
}

static void
test_sqlite_version_parse(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(siphon_sq_version_parse("3.40.1 2022-12-28 14:03:47 df5c253c0b3dd24916e4ec7cf77d3db5294cc9fd45ae7b9c5e82ad8197f3alt1",
	                                         buf, sizeof(buf)), 3040001);
	assert_string_equal(buf, "3.40.1");
	assert_int_equal(siphon_sq_version_parse("3.27.0", NULL, 0), SIPHON_SQ_MIN_VERSION);
	assert_int_equal(siphon_sq_version_parse("3.26.0 2018-12-01", NULL, 0), 3026000);
	assert_true(siphon_sq_version_parse("3.26.0", NULL, 0) < SIPHON_SQ_MIN_VERSION);
	/* Old four-part versions: the fourth part does not matter here. */
	assert_int_equal(siphon_sq_version_parse("3.8.11.1 2015-07-29", buf, sizeof(buf)), 3008011);
	assert_string_equal(buf, "3.8.11");
	assert_int_equal(siphon_sq_version_parse("  3.45\n", NULL, 0), 3045000);
	assert_int_equal(siphon_sq_version_parse("", NULL, 0), -1);
	assert_int_equal(siphon_sq_version_parse("3", NULL, 0), -1);
	assert_int_equal(siphon_sq_version_parse("2.8.17", NULL, 0), -1);
	assert_int_equal(siphon_sq_version_parse("4.0.0", NULL, 0), -1);
	assert_int_equal(siphon_sq_version_parse("sqlite3: not found", NULL, 0), -1);
	assert_int_equal(siphon_sq_version_parse("3.1000.0", NULL, 0), -1);
}

static const char full_inspect[] =
	"version 3.40.1 2022-12-28 14:03:47 df5c253c\n"
	"uid 1001\n"
	"exists 1\n"
	"file 1\n"
	"readable 1\n"
	"writable 1\n"
	"shm 1\n"
	"owner app user\n"
	"size 8192\n"
	"walsize 32992\n"
	"dirw 1\n"
	"header 53514c69746520666f726d617420330010000202\n"
	"tmpdir /tmp/with space\n"
	"tmpfree 79346224\n"
	"pages 2 1 4096\n"
	"end\n";

static void
test_sqlite_inspect_parse_full(void **state)
{
	struct siphon_sq_facts f;

	(void)state;
	assert_int_equal(siphon_sq_inspect_parse(&f, full_inspect), 0);
	assert_true(f.ok);
	assert_int_equal(f.vnum, 3040001);
	assert_string_equal(f.version, "3.40.1");
	assert_int_equal(f.uid, 1001);
	assert_true(f.exists && f.is_file && f.readable && f.writable && f.shm_exists && f.dir_writable);
	assert_false(f.is_dir);
	assert_string_equal(f.owner, "app user");
	assert_int_equal(f.size, 8192);
	assert_int_equal(f.wal_size, 32992);
	assert_int_equal(f.header, 1);
	assert_true(f.wal_mode);
	assert_string_equal(f.tmpdir, "/tmp/with space");
	assert_int_equal(f.tmp_free, 79346224LL * 1024);
	assert_int_equal(f.opened, 1);
	assert_int_equal(f.page_count, 2);
	assert_int_equal(f.freelist_count, 1);
	assert_int_equal(f.page_size, 4096);
}

static void
test_sqlite_inspect_parse_missing_and_defaults(void **state)
{
	struct siphon_sq_facts f;

	(void)state;
	/* A file that is not there: only the basics, unknowns stay unknown. */
	assert_int_equal(siphon_sq_inspect_parse(&f, "version 3.40.1\nuid 0\nheader \ntmpdir /tmp\nend\n"), 0);
	assert_false(f.exists);
	assert_int_equal(f.size, -1);
	assert_int_equal(f.wal_size, -1);
	assert_int_equal(f.header, -1);
	assert_int_equal(f.tmp_free, -1);
	assert_int_equal(f.opened, -1);
	assert_int_equal(f.uid, 0);
	/* Not there, in a directory this user cannot enter: the directory's owner. */
	assert_int_equal(siphon_sq_inspect_parse(&f, "uid 1001\nblocked postgres\nend\n"), 0);
	assert_false(f.exists);
	assert_true(f.dir_blocked);
	assert_string_equal(f.owner, "postgres");
	/* No end marker: the output is not to be trusted. */
	assert_int_equal(siphon_sq_inspect_parse(&f, "version 3.40.1\nexists 1\n"), -1);
	assert_int_equal(siphon_sq_inspect_parse(&f, ""), -1);
	/* sqlite3 printed nothing. */
	assert_int_equal(siphon_sq_inspect_parse(&f, "version \nend"), 0);
	assert_int_equal(f.vnum, -1);
	/* Unknown keys and garbage lines are ignored; the last line needs no newline. */
	assert_int_equal(siphon_sq_inspect_parse(&f, "junk\n\nfuture 7\nexists 1\nend"), 0);
	assert_true(f.exists);
}

/* Found by fuzz_sq_script: a huge free-space count overflowed (UB) when turned into bytes. */
static void
test_sqlite_inspect_parse_tmpfree_overflow(void **state)
{
	struct siphon_sq_facts f;

	(void)state;
	assert_int_equal(siphon_sq_inspect_parse(&f, "tmpfree 10475860047586000\nend\n"), 0);
	assert_int_equal(f.tmp_free, -1);
	assert_int_equal(siphon_sq_inspect_parse(&f, "tmpfree 9007199254740991\nend\n"), 0);
	assert_int_equal(f.tmp_free, 9007199254740991LL * 1024);
	assert_int_equal(siphon_sq_inspect_parse(&f, "tmpfree -5\nend\n"), 0);
	assert_int_equal(f.tmp_free, -1);
}

static void
test_sqlite_inspect_parse_headers(void **state)
{
	struct siphon_sq_facts f;

	(void)state;
	/* Rollback journal: bytes 18 and 19 are 1. */
	assert_int_equal(siphon_sq_inspect_parse(&f, "header 53514c69746520666f726d617420330010000101\nend\n"), 0);
	assert_int_equal(f.header, 1);
	assert_false(f.wal_mode);
	/* Something else entirely. */
	assert_int_equal(siphon_sq_inspect_parse(&f, "header 68656c6c6f0a\nend\n"), 0);
	assert_int_equal(f.header, 0);
	/* A file shorter than the magic. */
	assert_int_equal(siphon_sq_inspect_parse(&f, "header 5351\nend\n"), 0);
	assert_int_equal(f.header, 0);
	/* The magic, but cut before byte 18: SQLite, mode unknown (not WAL). */
	assert_int_equal(siphon_sq_inspect_parse(&f, "header 53514c69746520666f726d6174203300\nend\n"), 0);
	assert_int_equal(f.header, 1);
	assert_false(f.wal_mode);
}

static void
test_sqlite_inspect_parse_open_error(void **state)
{
	struct siphon_sq_facts f;
	char long_err[1024];

	(void)state;
	assert_int_equal(siphon_sq_inspect_parse(&f,
	    "exists 1\nopenerr Error: in prepare, file is not a database (26)\nend\n"), 0);
	assert_int_equal(f.opened, 0);
	assert_string_equal(f.open_err, "Error: in prepare, file is not a database (26)");
	/* Long messages are cut, not overflowed. */
	memset(long_err, 'x', sizeof(long_err) - 1);
	long_err[sizeof(long_err) - 1] = '\0';
	memcpy(long_err, "openerr ", 8);
	assert_int_equal(siphon_sq_inspect_parse(&f, long_err), -1);
	assert_int_equal(f.opened, 0);
	assert_int_equal(strlen(f.open_err), sizeof(f.open_err) - 1);
	/* A "pages" line that does not parse is not an open. */
	assert_int_equal(siphon_sq_inspect_parse(&f, "pages x y z\nend\n"), 0);
	assert_int_equal(f.opened, -1);
}

static void
test_sqlite_meta_parse(void **state)
{
	struct siphon_sq_meta m;
	long long uv = 0, aid = 0;

	(void)state;
	assert_int_equal(siphon_sq_meta_parse(&m,
	    "siphon-sqlite-src|42|1095782722\n"
	    "some warning\n"
	    "siphon-sqlite-src|42|1095782722\n"
	    "siphon-sqlite-copy|42|1095782722|5|512|4096\n"), 0);
	assert_int_equal(m.nsrc, 2);
	assert_true(m.have_copy);
	assert_int_equal(m.uv, 42);
	assert_int_equal(m.aid, 1095782722);
	assert_int_equal(m.tables, 5);
	assert_int_equal(m.pages, 512);
	assert_int_equal(m.page_size, 4096);
	assert_int_equal(siphon_sq_need_carry(&m, &uv, &aid), 0);

	/* Negative values are legal (32-bit signed). */
	assert_int_equal(siphon_sq_meta_parse(&m, "siphon-sqlite-copy|-1|-2147483648|0|1|65536"), 0);
	assert_true(m.have_copy);
	assert_int_equal(m.uv, -1);
	assert_int_equal(m.aid, -2147483648LL);
	assert_int_equal(m.page_size, 65536);

	/* Too few fields, or another key that starts the same: not a copy line. */
	assert_int_equal(siphon_sq_meta_parse(&m, "siphon-sqlite-copy|1|2|3\nsiphon-sqlite-copyx|1|2|3|4|5\n"), 0);
	assert_false(m.have_copy);
	assert_int_equal(m.nsrc, 0);
}

static void
test_sqlite_need_carry(void **state)
{
	struct siphon_sq_meta m;
	long long uv = 0, aid = 0;

	(void)state;
	/* VACUUM INTO lost them, and nothing changed them meanwhile: carry over. */
	siphon_sq_meta_parse(&m, "siphon-sqlite-src|7|99\nsiphon-sqlite-src|7|99\nsiphon-sqlite-copy|0|0|1|2|4096\n");
	assert_int_equal(siphon_sq_need_carry(&m, &uv, &aid), 1);
	assert_int_equal(uv, 7);
	assert_int_equal(aid, 99);
	/* A migration changed them during the copy: the copy's own are the snapshot's. */
	siphon_sq_meta_parse(&m, "siphon-sqlite-src|7|99\nsiphon-sqlite-src|8|99\nsiphon-sqlite-copy|0|0|1|2|4096\n");
	assert_int_equal(siphon_sq_need_carry(&m, &uv, &aid), 0);
	/* Only one reading (sqlite3 failed half-way): never guess. */
	siphon_sq_meta_parse(&m, "siphon-sqlite-src|7|99\nsiphon-sqlite-copy|0|0|1|2|4096\n");
	assert_int_equal(siphon_sq_need_carry(&m, &uv, &aid), 0);
	/* No copy line. */
	siphon_sq_meta_parse(&m, "siphon-sqlite-src|7|99\nsiphon-sqlite-src|7|99\n");
	assert_int_equal(siphon_sq_need_carry(&m, &uv, &aid), 0);
}

static void
test_sqlite_check_sql(void **state)
{
	struct siphon_strbuf sb = {0};
	char *s;

	(void)state;
	assert_int_equal(siphon_sq_check_sql(&sb, 0, 0, 0, 0), 0);
	s = take(&sb);
	assert_null(strstr(s, "journal_mode = WAL"));
	assert_null(strstr(s, "PRAGMA user_version ="));
	assert_non_null(strstr(s, "pragma_integrity_check"));
	free(s);
	assert_int_equal(siphon_sq_check_sql(&sb, 1, 1, -5, 1095782722), 0);
	s = take(&sb);
	assert_true(strncmp(s, "PRAGMA journal_mode = WAL;\n", 27) == 0);
	assert_non_null(strstr(s, "PRAGMA user_version = -5;\nPRAGMA application_id = 1095782722;\n"));
	free(s);
}

static void
test_sqlite_check_parse(void **state)
{
	struct siphon_sq_check c;

	(void)state;
	assert_int_equal(siphon_sq_check_parse(&c, "wal\nuv|42|1095782722\ntables|5\njm|wal\nic|ok\n"), 0);
	assert_true(c.have_uv && c.have_tables && c.have_jm);
	assert_int_equal(c.uv, 42);
	assert_int_equal(c.aid, 1095782722);
	assert_int_equal(c.tables, 5);
	assert_string_equal(c.journal_mode, "wal");
	assert_true(c.integrity_ok);
	assert_int_equal(c.nproblems, 0);

	assert_int_equal(siphon_sq_check_parse(&c,
	    "uv|0|0\ntables|1\njm|delete\n"
	    "ic|*** in database main ***\nic|Page 5: btreeInitPage() returns error code 11\n"), 0);
	assert_false(c.integrity_ok);
	assert_int_equal(c.nproblems, 2);
	assert_string_equal(c.problem, "*** in database main ***");

	/* No integrity answer at all is not "ok", nor are two oks. */
	assert_int_equal(siphon_sq_check_parse(&c, "uv|0|0\ntables|1\n"), 0);
	assert_false(c.integrity_ok);
	assert_int_equal(siphon_sq_check_parse(&c, "ic|ok\nic|ok\n"), 0);
	assert_false(c.integrity_ok);
	assert_false(c.have_uv);
	/* "ok" must be the whole answer. */
	assert_int_equal(siphon_sq_check_parse(&c, "ic|okay\n"), 0);
	assert_false(c.integrity_ok);
}

static void
test_sqlite_tidy_line(void **state)
{
	char line[512], tiny[32];

	(void)state;
	snprintf(line, sizeof(line), "Error: unable to open database \"file:%%2f%%61%%2e%%64%%62?mode=rw\": unable to open database file");
	siphon_sq_tidy_line(line, sizeof(line), "/a.db");
	assert_string_equal(line, "Error: unable to open database \"/a.db\": unable to open database file");
	/* Nothing to do. */
	snprintf(line, sizeof(line), "Error: in prepare, file is not a database (26)");
	siphon_sq_tidy_line(line, sizeof(line), "/a.db");
	assert_string_equal(line, "Error: in prepare, file is not a database (26)");
	snprintf(line, sizeof(line), "\"file:%%2f no end");
	siphon_sq_tidy_line(line, sizeof(line), "/a.db");
	assert_string_equal(line, "\"file:%2f no end");
	/* A long path is cut at the buffer's end, never past it. */
	snprintf(tiny, sizeof(tiny), "x \"file:%%2f?mode=rw\": y");
	siphon_sq_tidy_line(tiny, sizeof(tiny), "/a/very/long/path/that/does/not/fit.db");
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_true(strncmp(tiny, "x \"/a/very/long", 15) == 0);
}

static void
test_sqlite_default_into(void **state)
{
	static const struct {
		const char *remote, *local;
	} ok[] = {
		{"/srv/app/data/app.db", "app.db"},
		{"app.db", "app.db"},
		{"~/db/x.sqlite3", "x.sqlite3"},
		{"/a b/c'd $(x).db", "c'd $(x).db"},
		{"-leading.db", "-leading.db"},
		{"/ünï/名前.db", "名前.db"},
		{"../up.db", "up.db"},
	};
	static const char *const bad[] = {"/", "dir/", "/srv/", "..", ".", "/a/..", "a/.", ""};
	struct siphon_strbuf sb = {0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *s;

		assert_int_equal(siphon_sq_default_into(&sb, ok[i].remote), 0);
		s = take(&sb);
		assert_string_equal(s, ok[i].local);
		free(s);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(siphon_sq_default_into(&sb, bad[i]), -1);
		siphon_strbuf_free(&sb);
	}
}

static void
test_sqlite_safe_path(void **state)
{
	struct siphon_strbuf sb = {0};
	char *s;

	(void)state;
	assert_int_equal(siphon_sq_safe_path(&sb, "-rf.db"), 0);
	s = take(&sb);
	assert_string_equal(s, "./-rf.db");
	free(s);
	assert_int_equal(siphon_sq_safe_path(&sb, "file:x.db?mode=memory"), 0);
	s = take(&sb);
	assert_string_equal(s, "./file:x.db?mode=memory");
	free(s);
	assert_int_equal(siphon_sq_safe_path(&sb, "/abs/-x.db"), 0);
	s = take(&sb);
	assert_string_equal(s, "/abs/-x.db");
	free(s);
}

static void
test_sqlite_tmp_names(void **state)
{
	struct siphon_strbuf sb = {0};
	char *prefix, big[300];

	(void)state;
	assert_int_equal(siphon_sq_tmp_prefix(&sb, "app.db"), 0);
	prefix = take(&sb);
	assert_string_equal(prefix, ".app.db.");
	free(prefix);
	/* A long name is cut so that the temporary name stays within NAME_MAX. */
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(siphon_sq_tmp_prefix(&sb, big), 0);
	prefix = take(&sb);
	assert_true(strlen(prefix) + strlen("siphon_tmp_ffffffff_4194304_99999999999-XXXXXX-journal") <= 255);
	free(prefix);
}

/* Numbers from a hostile server: out of SQLite's range is named in bad, never multiplied. */
static void
test_sqlite_hostile_numbers(void **state)
{
	static const char *const bad_pages[] = {
		"pages 9223372036854775807 0 4096\nend\n",     /* too many pages */
		"pages 4294967295 0 4096\nend\n",
		"pages 10 11 4096\nend\n",                     /* more free pages than pages */
		"pages 10 0 4097\nend\n",                      /* not a power of two */
		"pages 10 0 131072\nend\n",                    /* too big a page */
		"pages -1 0 4096\nend\n",
		"size 99999999999999999999\nend\n",
		"walsize 2305843009213693953\nend\n",
	};
	struct siphon_sq_facts f;
	struct siphon_sq_meta m;
	struct siphon_sq_check c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_pages) / sizeof(bad_pages[0]); i++) {
		assert_int_equal(siphon_sq_inspect_parse(&f, bad_pages[i]), 0);
		if (f.bad[0] == '\0')
			fail_msg("inspection %zu was believed", i);
		assert_int_not_equal(f.opened, 1);
	}
	/* The largest database SQLite allows is fine. */
	assert_int_equal(siphon_sq_inspect_parse(&f, "pages 4294967294 5 65536\nend\n"), 0);
	assert_string_equal(f.bad, "");
	assert_int_equal(f.opened, 1);
	assert_true(f.page_count * f.page_size == 4294967294LL * 65536);

	assert_int_equal(siphon_sq_meta_parse(&m, "siphon-sqlite-copy|1|2|3|9223372036854775807|4096\n"), 0);
	assert_true(m.bad[0] != '\0');
	assert_true(m.pages == 0 && m.page_size == 0);
	assert_int_equal(siphon_sq_meta_parse(&m, "siphon-sqlite-copy|1|2|3|5|3000\n"), 0);
	assert_true(m.bad[0] != '\0');
	assert_int_equal(siphon_sq_meta_parse(&m, "siphon-sqlite-copy|4294967296|2|3|5|4096\n"), 0);
	assert_true(m.bad[0] != '\0');
	assert_int_equal(siphon_sq_meta_parse(&m, "siphon-sqlite-src|1|-2147483649\n"), 0);
	assert_true(m.bad[0] != '\0');
	assert_int_equal(siphon_sq_meta_parse(&m, "siphon-sqlite-copy|-2147483648|2147483647|3|5|512\n"), 0);
	assert_string_equal(m.bad, "");
	assert_true(m.pages * m.page_size == 2560);

	/* A second "uv" line (a hostile name in integrity_check's answer) does not win. */
	assert_int_equal(siphon_sq_check_parse(&c, "uv|1|2\nic|row 1 missing from index x\nuv|42|42\n"), 0);
	assert_true(c.uv == 1 && c.aid == 2);
	assert_false(c.integrity_ok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_version_parse),
		cmocka_unit_test(test_sqlite_inspect_parse_full),
		cmocka_unit_test(test_sqlite_inspect_parse_missing_and_defaults),
		cmocka_unit_test(test_sqlite_inspect_parse_headers),
		cmocka_unit_test(test_sqlite_inspect_parse_tmpfree_overflow),
		cmocka_unit_test(test_sqlite_inspect_parse_open_error),
		cmocka_unit_test(test_sqlite_meta_parse),
		cmocka_unit_test(test_sqlite_need_carry),
		cmocka_unit_test(test_sqlite_check_sql),
		cmocka_unit_test(test_sqlite_check_parse),
		cmocka_unit_test(test_sqlite_tidy_line),
		cmocka_unit_test(test_sqlite_default_into),
		cmocka_unit_test(test_sqlite_safe_path),
		cmocka_unit_test(test_sqlite_tmp_names),
		cmocka_unit_test(test_sqlite_hostile_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
