/*
 * test_my_types.c - the MySQL engine and column types: the list of types
 * the lane copies exactly (known ones pass with their kind, any other is
 * refused with one line naming table, column and type), the SELECT and
 * LOAD DATA forms of character strings (CAST AS BINARY behind the 'v'),
 * of UUID/INET4/INET6/JSON (text, loaded through CONVERT), and what the
 * lane says when a row is not in the form it selected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/mysql/my_catalog.h"
#include "engine/mysql/my_lane.h"
#include "siphon.h"
#include "util/ctx.h"

static void
test_known_types(void **state)
{
	static const struct {
		const char *name;
		enum siphon_my_colkind kind;
	} known[] = {
		{"tinyint", SIPHON_MY_COL_PLAIN}, {"smallint", SIPHON_MY_COL_PLAIN},
		{"mediumint", SIPHON_MY_COL_PLAIN}, {"int", SIPHON_MY_COL_PLAIN},
		{"bigint", SIPHON_MY_COL_PLAIN}, {"decimal", SIPHON_MY_COL_PLAIN},
		{"double", SIPHON_MY_COL_PLAIN}, {"float", SIPHON_MY_COL_FLOAT},
		{"bit", SIPHON_MY_COL_BIT}, {"date", SIPHON_MY_COL_PLAIN},
		{"time", SIPHON_MY_COL_PLAIN}, {"datetime", SIPHON_MY_COL_PLAIN},
		{"timestamp", SIPHON_MY_COL_PLAIN}, {"year", SIPHON_MY_COL_PLAIN},
		{"binary", SIPHON_MY_COL_PLAIN}, {"varbinary", SIPHON_MY_COL_PLAIN},
		{"tinyblob", SIPHON_MY_COL_PLAIN}, {"blob", SIPHON_MY_COL_PLAIN},
		{"mediumblob", SIPHON_MY_COL_PLAIN}, {"longblob", SIPHON_MY_COL_PLAIN},
		{"char", SIPHON_MY_COL_TEXT}, {"varchar", SIPHON_MY_COL_TEXT},
		{"tinytext", SIPHON_MY_COL_TEXT}, {"text", SIPHON_MY_COL_TEXT},
		{"mediumtext", SIPHON_MY_COL_TEXT}, {"longtext", SIPHON_MY_COL_TEXT},
		{"enum", SIPHON_MY_COL_TEXT}, {"set", SIPHON_MY_COL_TEXT},
		{"json", SIPHON_MY_COL_TEXTFORM}, {"uuid", SIPHON_MY_COL_TEXTFORM},
		{"inet4", SIPHON_MY_COL_TEXTFORM}, {"inet6", SIPHON_MY_COL_TEXTFORM},
		{"geometry", SIPHON_MY_COL_GEOMETRY}, {"point", SIPHON_MY_COL_GEOMETRY},
		{"linestring", SIPHON_MY_COL_GEOMETRY}, {"polygon", SIPHON_MY_COL_GEOMETRY},
		{"multipoint", SIPHON_MY_COL_GEOMETRY}, {"multilinestring", SIPHON_MY_COL_GEOMETRY},
		{"multipolygon", SIPHON_MY_COL_GEOMETRY}, {"geometrycollection", SIPHON_MY_COL_GEOMETRY},
		{"geomcollection", SIPHON_MY_COL_GEOMETRY},
		/* Any case: MySQL 8 may write them otherwise. */
		{"VARCHAR", SIPHON_MY_COL_TEXT}, {"Uuid", SIPHON_MY_COL_TEXTFORM},
	};
	static const char *const unknown[] = {
		"vector", "VECTOR", "mysql_json", "xmltype", "int8", "serial", "bool", "", "varchar2",
		"inet", "uuid ", "geometry\n",
	};
	enum siphon_my_colkind kind;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		kind = (enum siphon_my_colkind)-1;
		if (siphon_my_type_kind(known[i].name, &kind) != 0)
			fail_msg("type %s refused", known[i].name);
		if (kind != known[i].kind)
			fail_msg("type %s: kind %d, want %d", known[i].name, (int)kind, (int)known[i].kind);
	}
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		if (siphon_my_type_kind(unknown[i], &kind) != -1)
			fail_msg("type \"%s\" accepted", unknown[i]);
}

/* T t1 (x varchar, v VECTOR), T t2 (u uuid NOT NULL first, more). */
static const char listing[] =
	"S\t31302E31312E362D4D617269614442\t6D617269616462\t0\t1\n"
	"D\t6462\tutf8mb4\tutf8mb4_general_ci\n"
	"T\t7431\tBASE TABLE\tInnoDB\tYES\t100\t2\n"
	"T\t7432\tBASE TABLE\tInnoDB\tYES\t100\t2\n"
	"C\t7431\t78\tYES\tvarchar\t0\n"
	"C\t7431\t76\tYES\tvector\t0\n"
	"C\t7432\t75\tNO\tuuid\t0\n"
	"C\t7432\t7531\tNO\tchar\t0\n"
	"C\t7432\t7532\tYES\tenum\t0\n"
	"C\t7432\t6934\tYES\tinet4\t0\n"
	"C\t7432\t6936\tNO\tinet6\t0\n"
	"C\t7432\t6A\tYES\tjson\t0\n"
	"C\t7432\t77\tYES\tmysql_json\t0\n";

static void
test_unknown_type_refused(void **state)
{
	struct siphon_my_catalog c = {0};
	char why[512];

	(void)state;
	assert_int_equal(siphon_my_catalog_parse_list(&c, listing), 0);
	assert_int_equal(siphon_my_catalog_unknown_types(&c, why, sizeof(why)), 2);
	assert_string_equal(why, "column `v` of table `t1` has the type vector"
	                         " (and 1 more column of types siphon does not know)");
	/* The parse itself goes on: the column is there, marked. */
	assert_int_equal(c.tables[0].ncols, 2);
	assert_true(c.tables[0].cols[1].unknown);
	assert_string_equal(c.tables[0].cols[1].type, "vector");
	assert_false(c.tables[0].cols[0].unknown);
	siphon_my_catalog_clear(&c);

	/* Only known types: nothing to say. */
	assert_int_equal(siphon_my_catalog_parse_list(&c,
	    "T\t7431\tBASE TABLE\tInnoDB\tYES\t1\t1\n"
	    "C\t7431\t78\tNO\tINT\t0\n"
	    "C\t7431\t79\tYES\tinet6\t0\n"), 0);
	assert_int_equal(siphon_my_catalog_unknown_types(&c, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	siphon_my_catalog_clear(&c);

	/* One: no "more"; a generated column (computed locally) and a view's columns are not looked at. */
	assert_int_equal(siphon_my_catalog_parse_list(&c,
	    "T\t7431\tBASE TABLE\tInnoDB\tYES\t1\t1\n"
	    "T\t76\tVIEW\t\tNO\t0\t0\n"
	    "C\t7431\t78\tNO\tVECTOR\t0\n"
	    "C\t7431\t67\tYES\tvector\t1\n"
	    "C\t76\t78\tNO\tsomething\t0\n"), 0);
	assert_int_equal(siphon_my_catalog_unknown_types(&c, why, sizeof(why)), 1);
	assert_string_equal(why, "column `x` of table `t1` has the type VECTOR");
	siphon_my_catalog_clear(&c);
}

static void
test_select_load_forms(void **state)
{
	struct siphon_my_catalog c = {0};
	struct siphon_strbuf sb = {0};
	struct siphon_my_table *t;
	unsigned char *flags = NULL;

	(void)state;
	assert_int_equal(siphon_my_catalog_parse_list(&c, listing), 0);
	t = siphon_my_catalog_table(&c, "t2");
	assert_non_null(t);
	assert_int_equal(t->cols[0].kind, SIPHON_MY_COL_TEXTFORM);
	assert_int_equal(t->cols[1].kind, SIPHON_MY_COL_TEXT);
	assert_int_equal(t->cols[2].kind, SIPHON_MY_COL_TEXT);
	assert_true(t->cols[2].is_enum);

	/*
	 * The first column (a UUID) and the nullable ones carry the 'v'; the
	 * nullable character string goes through CAST AS BINARY (its 'v' then
	 * is one byte in any character set), the NOT NULL one as it is; UUID,
	 * INET and JSON in their text form.
	 */
	assert_int_equal(siphon_my_select_sql(t, &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	    "SELECT CONCAT('v', `u`), `u1`, CONCAT('v', CAST(`u2` AS BINARY)), CONCAT('v', `i4`), `i6`,"
	    " CONCAT('v', `j`), CONCAT('v', `w`) FROM `t2`;\nSELECT 'end';\n");
	siphon_strbuf_reset(&sb);
	/* The worker's form: the server's warnings between the rows and the end marker. */
	assert_int_equal(siphon_my_worker_sql(t, &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	    "SELECT CONCAT('v', `u`), `u1`, CONCAT('v', CAST(`u2` AS BINARY)), CONCAT('v', `i4`), `i6`,"
	    " CONCAT('v', `j`), CONCAT('v', `w`) FROM `t2`;\nSHOW WARNINGS;\nSELECT 'end';\n");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_prefixed_fields(t, &flags), 7);
	assert_memory_equal(flags, "\1\0\1\1\0\1\1", 7);
	free(flags);

	/* UUID, INET4, INET6, JSON: through a variable, as text (a binary string is their binary form). */
	assert_int_equal(siphon_my_load_sql(t, "stg", &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	    "LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE `stg`.`t2` CHARACTER SET binary"
	    " FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'"
	    " (@siphon_0, `u1`, `u2`, @siphon_3, @siphon_4, @siphon_5, `w`)"
	    " SET `u` = CONVERT(@siphon_0 USING utf8mb4), `i4` = CONVERT(@siphon_3 USING utf8mb4),"
	    " `i6` = CONVERT(@siphon_4 USING utf8mb4), `j` = CONVERT(@siphon_5 USING utf8mb4)");
	siphon_strbuf_free(&sb);
	siphon_my_catalog_clear(&c);

	/* A character string as the first column, NOT NULL: still behind the 'v', still CAST. */
	assert_int_equal(siphon_my_catalog_parse_list(&c,
	    "T\t6B\tBASE TABLE\tInnoDB\tYES\t1\t1\n"
	    "C\t6B\t6B\tNO\tvarchar\t0\n"
	    "C\t6B\t76\tNO\ttext\t0\n"), 0);
	assert_int_equal(siphon_my_select_sql(&c.tables[0], &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	    "SELECT CONCAT('v', CAST(`k` AS BINARY)), `v` FROM `k`;\nSELECT 'end';\n");
	siphon_strbuf_free(&sb);
	siphon_my_catalog_clear(&c);
}

/* One scan of in; the result, and what it expected/found when bad. */
static enum siphon_my_scan_result
scan(const char *in, size_t len, const unsigned char *prefixed, int nfields, struct siphon_my_scan *s)
{
	unsigned char *out = malloc(len + 2);
	size_t took, made;
	enum siphon_my_scan_result r;

	assert_non_null(out);
	memset(s, 0, sizeof(*s));
	s->prefixed = prefixed;
	s->nfields = nfields;
	r = siphon_my_scan(s, (const unsigned char *)in, len, out, &took, &made);
	free(out);
	return r;
}

static void
test_scan_says_why(void **state)
{
	static const unsigned char two[] = {1, 1};
	struct siphon_my_scan s;

	(void)state;
	/* What a utf16 column behind CONCAT('v', c) looked like: "\0v". */
	assert_int_equal(scan("v1\t\\0v\\0a\n", 11, two, 2, &s), SIPHON_MY_SCAN_BAD);
	assert_int_equal(s.field, 1);
	assert_int_equal(s.found, '\\');
	assert_string_equal(s.expected, "'v' (a value) or the word NULL at the start of the field");
	/* A word that starts like NULL but is not. */
	assert_int_equal(scan("v1\tNUX\n", 7, two, 2, &s), SIPHON_MY_SCAN_BAD);
	assert_int_equal(s.found, 'X');
	/* Too few fields, too many. */
	assert_int_equal(scan("v1\n", 3, two, 2, &s), SIPHON_MY_SCAN_BAD);
	assert_int_equal(s.found, '\n');
	assert_string_equal(s.expected, "more fields (the row ended early)");
	assert_int_equal(scan("v1\tv2\tv3\n", 9, two, 2, &s), SIPHON_MY_SCAN_BAD);
	assert_int_equal(s.found, -1);
	assert_string_equal(s.expected, "the end of the row (more fields than columns)");
	/* A line starting with 'e' that is not "end". */
	assert_int_equal(scan("v1\tv2\nexit\n", 11, two, 2, &s), SIPHON_MY_SCAN_BAD);
	assert_int_equal(s.found, 'x');
	assert_int_equal((int)s.rows, 1);
	/* A warning of the server after the rows (SHOW WARNINGS): said as such. */
	assert_int_equal(scan("v1\tNULL\nWarning\t1301\tResult of concat() was larger than max_allowed_packet\n", 75,
	                      two, 2, &s), SIPHON_MY_SCAN_BAD);
	assert_int_equal(s.found, 'W');
	assert_int_equal((int)s.rows, 1);
	assert_true(s.warning);
	assert_string_equal(s.expected, "a row or the end of the table");
	/* A 'W' in another field is just a field without its 'v'. */
	assert_int_equal(scan("v1\tW\n", 6, two, 2, &s), SIPHON_MY_SCAN_BAD);
	assert_string_equal(s.expected, "'v' (a value) or the word NULL at the start of the field");
	assert_false(s.warning);
	/* The good stream says nothing. */
	assert_int_equal(scan("v1\tNULL\nend\n", 12, two, 2, &s), SIPHON_MY_SCAN_END);
	assert_null(s.expected);
}

static int
no_spawn(void *arg, struct siphon_my_lane *lane, int i)
{
	(void)arg;
	(void)lane;
	(void)i;
	fail_msg("a loader was started for a bad stream");
	return -1;
}

/*
 * Feeds rows to a lane of one table (nfields fields, those in prefixed
 * carrying the 'v', columns named by names or none) and returns the error
 * message it gave.
 */
static char *
lane_error(const char *table, int nfields, const char *prefixed, const char *const *names,
           const char *rows)
{
	struct siphon_ctx *ctx = NULL;
	struct siphon_my_lane lane;
	struct siphon_sink sink;
	char *msg;
	int i;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	memset(&lane, 0, sizeof(lane));
	lane.ctx = ctx;
	snprintf(lane.what, sizeof(lane.what), "data channel 2");
	lane.out_cap = 1024;
	lane.out = malloc(lane.out_cap + 2);
	lane.items = calloc(1, sizeof(*lane.items));
	assert_non_null(lane.out);
	assert_non_null(lane.items);
	lane.nitems = 1;
	lane.items[0].table = strdup(table);
	lane.items[0].nfields = nfields;
	lane.items[0].prefixed = malloc((size_t)nfields);
	assert_non_null(lane.items[0].prefixed);
	memcpy(lane.items[0].prefixed, prefixed, (size_t)nfields);
	if (names != NULL) {
		lane.items[0].names = calloc((size_t)nfields + 1, sizeof(char *));
		assert_non_null(lane.items[0].names);
		for (i = 0; i < nfields; i++)
			lane.items[0].names[i] = strdup(names[i]);
	}
	lane.spawn = no_spawn;
	siphon_my_lane_sink(&sink, &lane);
	assert_int_equal(sink.write(sink.arg, (const unsigned char *)rows, strlen(rows)), SIPHON_EREMOTE);
	msg = strdup(siphon_ctx_errmsg(ctx));
	siphon_my_lane_clear(&lane);
	siphon_ctx_free(ctx);
	return msg;
}

/* The lane's message names the table, row, field, column, and what was there. */
static void
test_lane_bad_message(void **state)
{
	static const char *const names[] = {"id", "a", "u32"};
	char *msg;

	(void)state;
	/* A utf32 column behind CONCAT('v', c): "\0\0\0v". */
	msg = lane_error("wide", 3, "\1\0\1", names, "v1\tx\t\\0\\0\\0v\n");
	assert_string_equal(msg,
	    "data channel 2: the rows of table \"wide\" are not in the form siphon selected them in:"
	    " row 1, field 3 of 3 (column `u32`): expected 'v' (a value) or the word NULL at the start"
	    " of the field, found '\\' (byte 0x5c); the table's columns may have changed during the copy"
	    " (try again), or siphon misread a column's type (please report it with the table's SHOW"
	    " CREATE TABLE)");
	free(msg);
	/* A line that starts like the end marker but is not: no field, no column to name. */
	msg = lane_error("t", 2, "\1\1", names, "v1\tv2\nexit\n");
	assert_non_null(strstr(msg, ": at the start of row 2: expected a row, or the line \"end\" after the last row,"
	                            " found 'x' (byte 0x78);"));
	free(msg);
	/* Fewer fields than columns, without names. */
	msg = lane_error("t", 2, "\1\1", NULL, "v1\n");
	assert_non_null(strstr(msg, ": row 1, field 1 of 2: expected more fields (the row ended early), found the end of the line;"));
	free(msg);
}

/* A warning after the rows (SHOW WARNINGS) is quoted, not taken for a broken row. */
static void
test_lane_warning_message(void **state)
{
	char *msg;

	(void)state;
	msg = lane_error("big", 2, "\1\1", NULL,
	                 "Warning\t1301\tResult of concat() was larger than max_allowed_packet (65536) - truncated\nend\n");
	assert_string_equal(msg,
	    "data channel 2: the server warned while it sent the rows of table \"big\", so a value it sent"
	    " may differ from the stored one (\"Warning 1301 Result of concat() was larger than"
	    " max_allowed_packet (65536) - truncated\"); nothing was copied. A value longer than the"
	    " server's max_allowed_packet comes as NULL: raise max_allowed_packet on the server"
	    " (SET GLOBAL max_allowed_packet = 1073741824) and pull again");
	free(msg);
}

/* A lane of two tables that discards (--snapshot-only); stream: what arrives. */
static int
discard_lane(struct siphon_ctx *ctx, const char *stream, int *complete, int *done)
{
	struct siphon_my_lane lane;
	struct siphon_sink sink;
	ssize_t w = 0;
	int r;

	memset(&lane, 0, sizeof(lane));
	lane.ctx = ctx;
	lane.discard = 1;
	lane.nitems = 2;
	lane.items = calloc(2, sizeof(*lane.items));
	assert_non_null(lane.items);
	for (int i = 0; i < 2; i++) {
		lane.items[i].table = strdup(i == 0 ? "a" : "b");
		lane.items[i].nfields = 2;
		lane.items[i].prefixed = malloc(2);
		assert_non_null(lane.items[i].prefixed);
		memcpy(lane.items[i].prefixed, "\1\0", 2);
	}
	lane.out_cap = 4;        /* small: rows split across scans */
	lane.out = malloc(lane.out_cap + 2);
	assert_non_null(lane.out);
	lane.spawn = no_spawn;   /* never a loader */
	snprintf(lane.what, sizeof(lane.what), "data channel 1");
	siphon_my_lane_sink(&sink, &lane);
	for (size_t off = 0; off < strlen(stream) && w >= 0; off += (size_t)w)
		w = sink.write(sink.arg, (const unsigned char *)stream + off, strlen(stream) - off);
	r = w < 0 ? (int)w : sink.finish(sink.arg);
	if (r == 0)
		r = siphon_my_lane_pump(&lane, complete);
	*done = lane.items[0].done + lane.items[1].done;
	siphon_my_lane_clear(&lane);
	return r;
}

/* --snapshot-only: rows framed and counted, no loader; a broken or cut stream is still refused. */
static void
test_lane_discard(void **state)
{
	struct siphon_ctx *ctx = NULL;
	int complete = 0, done = 0;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(discard_lane(ctx, "v1\tabcdef\nNULL\t\\N\nend\nend\n", &complete, &done), 0);
	assert_int_equal(complete, 1);
	assert_int_equal(done, 2);
	assert_int_equal(discard_lane(ctx, "v1\tx\nq\ty\nend\nend\n", &complete, &done), SIPHON_EREMOTE);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "the rows of table \"a\" are not in the form"));
	siphon_err_clear(ctx);
	complete = 0;
	assert_int_equal(discard_lane(ctx, "v1\tx\nend\nv2\t", &complete, &done), SIPHON_EREMOTE);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "ended before the rows of table \"b\" were complete"));
	assert_int_equal(complete, 0);
	assert_int_equal(done, 1);
	siphon_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_types),
		cmocka_unit_test(test_unknown_type_refused),
		cmocka_unit_test(test_select_load_forms),
		cmocka_unit_test(test_scan_says_why),
		cmocka_unit_test(test_lane_bad_message),
		cmocka_unit_test(test_lane_warning_message),
		cmocka_unit_test(test_lane_discard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
