/*
 * test_sql.c - unit tests of PostgreSQL quoting (engine/postgres/pg_sql), hex names (util/hex) and of the
 * PostgreSQL catalog helpers (lib/engine/postgres/pg_catalog): connection
 * strings, database settings, the catalog output parser, version numbers.
 *
 * Names come from production catalogs and may hold anything, so the
 * hostile cases (quotes, backslashes, newlines, '|', non-ASCII) are the
 * point of most tests here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/postgres/pg_catalog.h"
#include "engine/postgres/pg_sql.h"
#include "engine/postgres/pg_tools.h"
#include "util/hex.h"

/* What one quoting call appends, as a string the caller frees. */
#define QUOTED(call, out)                                              \
	do {                                                           \
		struct siphon_strbuf qsb_ = {0};                       \
		assert_int_equal((call), 0);                           \
		(out) = siphon_strbuf_take(&qsb_);                     \
	} while (0)

static char *
ident(const char *name)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_pg_ident(&sb, name), 0);
	return siphon_strbuf_take(&sb);
}

static char *
literal(const char *text)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_pg_literal(&sb, text), 0);
	return siphon_strbuf_take(&sb);
}

static void
expect_ident(const char *name, const char *want)
{
	char *got = ident(name);

	assert_string_equal(got, want);
	free(got);
}

static void
expect_literal(const char *text, const char *want)
{
	char *got = literal(text);

	assert_string_equal(got, want);
	free(got);
}

static void
test_sql_ident(void **state)
{
	(void)state;
	expect_ident("", "\"\"");
	expect_ident("users", "\"users\"");
	expect_ident("Users", "\"Users\"");
	expect_ident("a\"b", "\"a\"\"b\"");
	expect_ident("\"", "\"\"\"\"");
	expect_ident("\"\"", "\"\"\"\"\"\"");
	expect_ident("it's", "\"it's\"");
	expect_ident("back\\slash", "\"back\\slash\"");
	expect_ident("new\nline", "\"new\nline\"");
	expect_ident("x\"; DROP TABLE t; --", "\"x\"\"; DROP TABLE t; --\"");
	expect_ident("caf\xc3\xa9 \xe6\x97\xa5", "\"caf\xc3\xa9 \xe6\x97\xa5\"");
	expect_ident("a.b", "\"a.b\"");
}

/* A quoted identifier is exactly one token: its body has only doubled quotes. */
static void
test_sql_ident_every_byte(void **state)
{
	char name[256];
	char *q;
	size_t i, n;

	(void)state;
	for (i = 1; i < 256; i++)
		name[i - 1] = (char)i;
	name[255] = '\0';
	q = ident(name);
	n = strlen(q);
	assert_int_equal(n, 255 + 1 + 2);
	assert_int_equal(q[0], '"');
	assert_int_equal(q[n - 1], '"');
	for (i = 1; i < n - 1; i++) {
		if (q[i] == '"') {
			assert_int_equal(q[i + 1], '"');
			i++;
		}
	}
	free(q);
}

static void
test_sql_qualified(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_pg_qualified(&sb, "public", "t"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "\"public\".\"t\"");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_pg_qualified(&sb, "my\"schema", "a.b\"c"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "\"my\"\"schema\".\"a.b\"\"c\"");
	siphon_strbuf_reset(&sb);
	/* Appends to what is there. */
	assert_int_equal(siphon_strbuf_puts(&sb, "TABLE "), 0);
	assert_int_equal(siphon_pg_qualified(&sb, "", ""), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "TABLE \"\".\"\"");
	siphon_strbuf_free(&sb);
}

static void
test_sql_literal(void **state)
{
	(void)state;
	expect_literal("", "''");
	expect_literal("plain", "'plain'");
	expect_literal("it's", "'it''s'");
	expect_literal("'", "''''");
	expect_literal("''", "''''''");
	expect_literal("\"dq\"", "'\"dq\"'");
	expect_literal("new\nline\ttab", "'new\nline\ttab'");
	expect_literal("caf\xc3\xa9", "'caf\xc3\xa9'");
	expect_literal("$$ dollar $$", "'$$ dollar $$'");
	/* A backslash anywhere switches to E'' with backslashes doubled. */
	expect_literal("a\\b", "E'a\\\\b'");
	expect_literal("\\", "E'\\\\'");
	expect_literal("\\'", "E'\\\\'''");
	expect_literal("'\\", "E'''\\\\'");
	expect_literal("C:\\temp\\'x'", "E'C:\\\\temp\\\\''x'''");
	expect_literal("\\x41\\n", "E'\\\\x41\\\\n'");
	expect_literal("x'; DROP TABLE t; --", "'x''; DROP TABLE t; --'");
}

/*
 * Reads a literal back the way the server would, under either setting of
 * standard_conforming_strings: E'' always processes backslash escapes, a
 * plain '' literal only with the setting off.  Returns NULL when the text is
 * not exactly one literal.
 */
static char *
unliteral(const char *q, int std_strings)
{
	struct siphon_strbuf sb = {0};
	int esc = 0;
	const char *p = q;

	if (*p == 'E') {
		esc = 1;
		p++;
	} else if (!std_strings) {
		esc = 1;
	}
	if (*p++ != '\'')
		return NULL;
	for (;;) {
		if (*p == '\0') {
			siphon_strbuf_free(&sb);
			return NULL;
		}
		if (*p == '\'' && p[1] == '\'') {
			siphon_strbuf_append(&sb, "'", 1);
			p += 2;
		} else if (*p == '\'') {
			p++;
			break;
		} else if (esc && *p == '\\' && p[1] != '\0') {
			siphon_strbuf_append(&sb, p + 1, 1);
			p += 2;
		} else {
			siphon_strbuf_append(&sb, p, 1);
			p++;
		}
	}
	if (*p != '\0') {
		siphon_strbuf_free(&sb);
		return NULL;
	}
	return siphon_strbuf_take(&sb);
}

static void
test_sql_literal_round_trips_both_settings(void **state)
{
	static const char *const texts[] = {
		"", "a", "'", "\\", "\\'", "'\\", "\\\\''\\", "x\\'; DROP TABLE t; --",
		"E'x'", "tab\there", NULL,
	};
	char all[256];

	(void)state;
	for (int i = 0; texts[i] != NULL; i++) {
		char *q = literal(texts[i]);

		for (int std = 0; std <= 1; std++) {
			char *back = unliteral(q, std);
			/* A plain literal with a backslash is what E'' avoids. */
			if (back == NULL || strcmp(back, texts[i]) != 0)
				fail_msg("literal %s of <%s> reads back as <%s> (std_strings %d)",
				         q, texts[i], back ? back : "(bad)", std);
			free(back);
		}
		free(q);
	}
	for (int b = 1; b < 256; b++)
		all[b - 1] = (char)b;
	all[255] = '\0';
	{
		char *q = literal(all);

		for (int std = 0; std <= 1; std++) {
			char *back = unliteral(q, std);

			assert_non_null(back);
			assert_string_equal(back, all);
			free(back);
		}
		free(q);
	}
}

static void
expect_hex(const char *hex, const char *want)
{
	char *out = (char *)1;

	assert_int_equal(siphon_hex_decode(hex, strlen(hex), &out), 0);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void
expect_hex_bad(const char *hex, size_t len)
{
	char *out = (char *)1;

	if (siphon_hex_decode(hex, len, &out) != -1)
		fail_msg("hex <%.*s> was accepted", (int)len, hex);
	assert_null(out);
}

static void
test_sql_hex_decode(void **state)
{
	char *out = (char *)1;

	(void)state;
	expect_hex("", "");
	expect_hex("41", "A");
	expect_hex("414243", "ABC");
	expect_hex("4a4B4c", "JKL");
	expect_hex("7c0a27", "|\n'");
	expect_hex("e697a5e69cac", "\xe6\x97\xa5\xe6\x9c\xac");
	expect_hex("ff01", "\xff\x01");
	expect_hex("7075626c6963", "public");
	/* Only len bytes are read. */
	assert_int_equal(siphon_hex_decode("4142zz", 4, &out), 0);
	assert_string_equal(out, "AB");
	free(out);
	expect_hex_bad("4", 1);
	expect_hex_bad("414", 3);
	expect_hex_bad("zz", 2);
	expect_hex_bad("4g", 2);
	expect_hex_bad("g4", 2);
	expect_hex_bad("41 42", 5);
	expect_hex_bad(" 41", 3);
	expect_hex_bad("0x41", 4);
	expect_hex_bad("-1", 2);
	/* A NUL byte cannot be part of a name. */
	expect_hex_bad("00", 2);
	expect_hex_bad("4100", 4);
	expect_hex_bad("410042", 6);
	expect_hex_bad("0041", 4);
}

static void
test_sql_hex_decode_every_byte(void **state)
{
	char hex[512 + 1], *out = NULL;

	(void)state;
	for (int b = 1; b < 256; b++)
		snprintf(hex + 2 * (b - 1), 3, "%02x", b);
	assert_int_equal(siphon_hex_decode(hex, 510, &out), 0);
	assert_int_equal(strlen(out), 255);
	for (int b = 1; b < 256; b++)
		assert_int_equal((unsigned char)out[b - 1], b);
	free(out);
}

static void
expect_conninfo(const char *db, const char *want)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_pg_conninfo(&sb, db), 0);
	assert_string_equal(siphon_strbuf_str(&sb), want);
	siphon_strbuf_free(&sb);
}

/*
 * Parses one libpq "keyword='value'" pair the way libpq does (inside single
 * quotes a backslash takes the next character literally).  Returns the
 * value, or NULL if text holds anything more than the one pair.
 */
static char *
conninfo_value(const char *text, const char *keyword)
{
	struct siphon_strbuf sb = {0};
	size_t kl = strlen(keyword);
	const char *p = text;

	if (strncmp(p, keyword, kl) != 0 || p[kl] != '=' || p[kl + 1] != '\'')
		return NULL;
	for (p += kl + 2; *p != '\''; p++) {
		if (*p == '\0') {
			siphon_strbuf_free(&sb);
			return NULL;
		}
		if (*p == '\\' && p[1] != '\0')
			p++;
		siphon_strbuf_append(&sb, p, 1);
	}
	if (p[1] != '\0') {
		siphon_strbuf_free(&sb);
		return NULL;
	}
	return siphon_strbuf_take(&sb);
}

static void
test_pg_conninfo(void **state)
{
	static const char *const names[] = {
		"prod", "", "a'b\\c d=e", "'", "\\", "\\'", "x' host=evil.example port=1 '",
		"db name with spaces", "user=postgres", "\xe6\x97\xa5\xe6\x9c\xac", "\"q\"", NULL,
	};

	(void)state;
	expect_conninfo("prod", "dbname='prod'");
	expect_conninfo("", "dbname=''");
	expect_conninfo("a'b\\c d=e", "dbname='a\\'b\\\\c d=e'");
	expect_conninfo("x' host=evil", "dbname='x\\' host=evil'");
	for (int i = 0; names[i] != NULL; i++) {
		struct siphon_strbuf sb = {0};
		char *back;

		assert_int_equal(siphon_pg_conninfo(&sb, names[i]), 0);
		back = conninfo_value(siphon_strbuf_str(&sb), "dbname");
		if (back == NULL || strcmp(back, names[i]) != 0)
			fail_msg("conninfo %s does not name <%s>", siphon_strbuf_str(&sb), names[i]);
		free(back);
		siphon_strbuf_free(&sb);
	}
}

static void
expect_setting(const char *setting, const char *want)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_pg_dbsetting_sql(&sb, "\"my\"\"db\"", setting), 0);
	assert_string_equal(siphon_strbuf_str(&sb), want);
	siphon_strbuf_free(&sb);
}

static void
expect_setting_bad(const char *setting)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_strbuf_puts(&sb, "before;"), 0);
	if (siphon_pg_dbsetting_sql(&sb, "\"db\"", setting) != -2)
		fail_msg("setting <%s> was accepted: %s", setting, siphon_strbuf_str(&sb));
	/* Nothing half-written. */
	assert_string_equal(siphon_strbuf_str(&sb), "before;");
	siphon_strbuf_free(&sb);
}

static void
test_pg_dbsetting_sql(void **state)
{
	(void)state;
	/* List settings: each stored element becomes a literal, as pg_dump writes them. */
	expect_setting("search_path=\"$user\", public",
	               "ALTER DATABASE \"my\"\"db\" SET search_path TO '$user', 'public';\n");
	expect_setting("search_path=app, \"we'ird\"\"schema\"",
	               "ALTER DATABASE \"my\"\"db\" SET search_path TO 'app', 'we''ird\"schema';\n");
	expect_setting("search_path=\"\"", "ALTER DATABASE \"my\"\"db\" SET search_path TO '';\n");
	expect_setting("temp_tablespaces=fast",
	               "ALTER DATABASE \"my\"\"db\" SET temp_tablespaces TO 'fast';\n");
	expect_setting("session_preload_libraries=auto_explain",
	               "ALTER DATABASE \"my\"\"db\" SET session_preload_libraries TO 'auto_explain';\n");
	expect_setting_bad("search_path=public; DROP DATABASE postgres; --");
	expect_setting_bad("search_path=\"unterminated");
	/* Everything else is a literal. */
	expect_setting("work_mem=64MB", "ALTER DATABASE \"my\"\"db\" SET work_mem TO '64MB';\n");
	expect_setting("TimeZone=Europe/Berlin",
	               "ALTER DATABASE \"my\"\"db\" SET TimeZone TO 'Europe/Berlin';\n");
	expect_setting("statement_timeout=0",
	               "ALTER DATABASE \"my\"\"db\" SET statement_timeout TO '0';\n");
	expect_setting("app.greeting=it's; DROP DATABASE x; --",
	               "ALTER DATABASE \"my\"\"db\" SET app.greeting TO 'it''s; DROP DATABASE x; --';\n");
	expect_setting("app.path=C:\\dir",
	               "ALTER DATABASE \"my\"\"db\" SET app.path TO E'C:\\\\dir';\n");
	expect_setting("app.empty=", "ALTER DATABASE \"my\"\"db\" SET app.empty TO '';\n");
	/* Only the first '=' separates. */
	expect_setting("app.kv=a=b", "ALTER DATABASE \"my\"\"db\" SET app.kv TO 'a=b';\n");
	/* A name that merely starts like a list setting is not one. */
	expect_setting("search_path_x=a, b",
	               "ALTER DATABASE \"my\"\"db\" SET search_path_x TO 'a, b';\n");
	expect_setting("app.search_path=a, b",
	               "ALTER DATABASE \"my\"\"db\" SET app.search_path TO 'a, b';\n");
	expect_setting("Search_Path_2=x", "ALTER DATABASE \"my\"\"db\" SET Search_Path_2 TO 'x';\n");

	expect_setting_bad("");
	expect_setting_bad("noequals");
	expect_setting_bad("=value");
	expect_setting_bad("bad name=1");
	expect_setting_bad("a;b=1");
	expect_setting_bad("x-y=1");
	expect_setting_bad("work_mem TO 1; DROP DATABASE x; --=1");
	expect_setting_bad("\"quoted\"=1");
	expect_setting_bad("na\nme=1");
	expect_setting_bad("caf\xc3\xa9=1");
}

/* Hex of s, as the server's encode(convert_to(...), 'hex') prints it. */
static void
hex_of(struct siphon_strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		assert_int_equal(siphon_strbuf_printf(sb, "%02x", *p), 0);
}

/* Appends a catalog line: fmt with %H taking a string to hex-encode. */
static void
line(struct siphon_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'H') {
			hex_of(sb, va_arg(ap, const char *));
			p++;
		} else if (p[0] == '%' && p[1] == 'S') {
			assert_int_equal(siphon_strbuf_puts(sb, va_arg(ap, const char *)), 0);
			p++;
		} else {
			assert_int_equal(siphon_strbuf_append(sb, p, 1), 0);
		}
	}
	va_end(ap);
	assert_int_equal(siphon_strbuf_append(sb, "\n", 1), 0);
}

static const char weird_schema[] = "we|ird\nschema";
static const char weird_table[] = "\xe6\x97\xa5\xe6\x9c\xac \"t\" '|'\n-- x";

/* What psql -At prints for the catalog query of a small database. */
static void
sample_output(struct siphon_strbuf *sb)
{
	line(sb, "X|00000003-0000001B-1");
	line(sb, "I|150018|f|%H|%H|%H|t|987654321", "UTF8", "en_US.UTF-8", "C.UTF-8");
	line(sb, "T|%H|%H|r|734003200|16402|89600|1000000", "public", "orders");
	line(sb, "T|%H|%H|r|8192|16390|1|-1", weird_schema, weird_table);
	line(sb, "T|%H|%H|p|0|16395|0|-1", "public", "events");
	line(sb, "T|%H|%H|r|0|16398|0|0", "public", "events_2024");
	line(sb, "S|%H|%H", "public", "orders_id_seq");
	line(sb, "S|%H|%H", weird_schema, "never\"used");
	line(sb, "S|%H|%H", "public", "down");
	line(sb, "S|%H|%H", "public", "unread");
	line(sb, "L|3");
	line(sb, "D|%H", "search_path=\"$user\", public");
	line(sb, "D|%H", "app.note=a|b\nc");
	line(sb, "E|%H", "plpgsql");
	line(sb, "E|%H", "pg_trgm");
}

static void
test_pg_catalog_parse_sample(void **state)
{
	struct siphon_strbuf sb = {0};
	struct siphon_pg_catalog c = {0};
	char err[256] = "";
	char *want;

	(void)state;
	sample_output(&sb);
	if (siphon_pg_catalog_parse(&c, siphon_strbuf_str(&sb), err, sizeof(err)) != 0)
		fail_msg("parse failed: %s", err);
	assert_string_equal(c.snapshot, "00000003-0000001B-1");
	assert_int_equal(c.server_num, 150018);
	assert_int_equal(siphon_pg_num_major(c.server_num), 1500);
	assert_int_equal(c.in_recovery, 0);
	assert_int_equal(c.can_bypass_rls, 1);
	assert_int_equal(c.db_bytes, 987654321);
	assert_string_equal(c.encoding, "UTF8");
	assert_string_equal(c.collate, "en_US.UTF-8");
	assert_string_equal(c.ctype, "C.UTF-8");

	assert_int_equal(c.ntables, 4);
	assert_string_equal(c.tables[0].schema, "public");
	assert_string_equal(c.tables[0].name, "orders");
	assert_string_equal(c.tables[0].qname, "\"public\".\"orders\"");
	assert_int_equal(c.tables[0].relkind, 'r');
	assert_int_equal(c.tables[0].bytes, 734003200);
	assert_int_equal(c.tables[0].oid, 16402);
	assert_int_equal(c.tables[0].blocks, 89600);
	assert_null(c.tables[0].columns);
	assert_string_equal(c.tables[1].schema, weird_schema);
	assert_string_equal(c.tables[1].name, weird_table);
	QUOTED(siphon_pg_qualified(&qsb_, weird_schema, weird_table), want);
	assert_string_equal(c.tables[1].qname, want);
	free(want);
	assert_int_equal(c.tables[2].relkind, 'p');
	assert_int_equal(c.tables[2].bytes, 0);
	assert_int_equal(c.tables[3].oid, 16398);
	assert_int_equal(c.total_bytes, 734003200 + 8192);

	/* Sequence values arrive later ('Q' lines): none yet. */
	assert_int_equal(c.nseqs, 4);
	assert_string_equal(c.seqs[0].qname, "\"public\".\"orders_id_seq\"");
	QUOTED(siphon_pg_qualified(&qsb_, weird_schema, "never\"used"), want);
	assert_string_equal(c.seqs[1].qname, want);
	free(want);
	for (int i = 0; i < c.nseqs; i++) {
		assert_null(c.seqs[i].last);
		assert_int_equal(c.seqs[i].called, 0);
	}

	assert_int_equal(c.nlobs, 3);
	assert_int_equal(c.ndbsettings, 2);
	assert_string_equal(c.dbsettings[0], "search_path=\"$user\", public");
	assert_string_equal(c.dbsettings[1], "app.note=a|b\nc");
	assert_int_equal(c.nextensions, 2);
	assert_string_equal(c.extensions[0], "plpgsql");
	assert_string_equal(c.extensions[1], "pg_trgm");

	/*
	 * The column lists of tables copied in pieces and the sequence values
	 * arrive later.  A sequence never called holds its start value.
	 */
	siphon_strbuf_reset(&sb);
	/* Each name hex-encoded on its own; siphon quotes them. */
	line(&sb, "C|16402|%H,%H,%H", "id", "customer", "we\"ird");
	line(&sb, "C|99999|%H", "nobody");
	line(&sb, "C|16402|%H", "second");
	line(&sb, "Q|0|1042|t");
	line(&sb, "Q|1|100|f");
	line(&sb, "Q|2|1|t");
	line(&sb, "Q|2|-5|t");
	assert_int_equal(siphon_pg_catalog_parse_more(&c, siphon_strbuf_str(&sb), err, sizeof(err)), 0);
	assert_string_equal(c.tables[0].columns, "\"id\", \"customer\", \"we\"\"ird\"");
	assert_null(c.tables[1].columns);
	assert_string_equal(c.seqs[0].last, "1042");
	assert_int_equal(c.seqs[0].called, 1);
	assert_string_equal(c.seqs[1].last, "100");
	assert_int_equal(c.seqs[1].called, 0);
	/* A repeated line replaces the value (and frees the old one). */
	assert_string_equal(c.seqs[2].last, "-5");
	assert_int_equal(c.seqs[2].called, 1);
	/* No line for it: no value, and the restore leaves it alone. */
	assert_null(c.seqs[3].last);

	siphon_pg_catalog_clear(&c);
	assert_int_equal(c.ntables, 0);
	assert_null(c.tables);
	assert_null(c.encoding);
	/* Clearing twice is harmless. */
	siphon_pg_catalog_clear(&c);
	siphon_strbuf_free(&sb);
}

/* Many entries: the arrays grow past several powers of two. */
static void
test_pg_catalog_parse_many(void **state)
{
	struct siphon_strbuf sb = {0};
	struct siphon_pg_catalog c = {0};
	char err[256], name[32];
	int i;

	(void)state;
	line(&sb, "X|snap");
	line(&sb, "I|90624|t|%H|%H|%H|f|8192", "LATIN1", "C", "C");
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		line(&sb, "T|%H|%H|r|%S|%S|1|-1", "s", name, "10", "1");
		line(&sb, "S|%H|%H", "s", name);
		line(&sb, "E|%H", name);
		line(&sb, "D|%H", "a=b");
	}
	assert_int_equal(siphon_pg_catalog_parse(&c, siphon_strbuf_str(&sb), err, sizeof(err)), 0);
	assert_int_equal(c.server_num, 90624);
	assert_int_equal(siphon_pg_num_major(c.server_num), 906);
	assert_int_equal(c.in_recovery, 1);
	assert_int_equal(c.can_bypass_rls, 0);
	assert_int_equal(c.ntables, 1000);
	assert_int_equal(c.nseqs, 1000);
	assert_int_equal(c.nextensions, 1000);
	assert_int_equal(c.ndbsettings, 1000);
	assert_int_equal(c.total_bytes, 10000);
	assert_string_equal(c.tables[999].name, "t999");
	assert_string_equal(c.seqs[999].qname, "\"s\".\"t999\"");
	assert_null(c.seqs[998].last);
	assert_string_equal(c.extensions[512], "t512");
	siphon_pg_catalog_clear(&c);
	siphon_strbuf_free(&sb);
}

/* Blank lines are skipped; the last line may lack its newline. */
static void
test_pg_catalog_parse_blank_lines(void **state)
{
	struct siphon_pg_catalog c = {0};
	char err[256];
	char *text;
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_strbuf_puts(&sb, "\n\nX|s1\n\n"), 0);
	line(&sb, "I|170002|f|%H|%H|%H|f|0", "UTF8", "C", "C");
	assert_int_equal(siphon_strbuf_puts(&sb, "\nL|0"), 0);
	text = siphon_strbuf_take(&sb);
	assert_int_equal(siphon_pg_catalog_parse(&c, text, err, sizeof(err)), 0);
	assert_string_equal(c.snapshot, "s1");
	assert_int_equal(c.ntables, 0);
	assert_int_equal(c.nlobs, 0);
	siphon_pg_catalog_clear(&c);
	free(text);
}

static void
expect_parse_fails(const char *text, const char *msg_part)
{
	struct siphon_pg_catalog c = {0};
	char err[256] = "";

	if (siphon_pg_catalog_parse(&c, text, err, sizeof(err)) != -1)
		fail_msg("accepted: <%s>", text);
	if (strstr(err, msg_part) == NULL)
		fail_msg("message <%s> lacks <%s>", err, msg_part);
	/* Whatever was parsed before the failure is freed by clear. */
	siphon_pg_catalog_clear(&c);
}

static void
test_pg_catalog_parse_failures(void **state)
{
	struct siphon_strbuf head = {0}, sb = {0};

	(void)state;
	line(&head, "I|150018|f|%H|%H|%H|f|1", "UTF8", "C", "C");
	line(&head, "T|%H|%H|r|1|2|3|-1", "public", "a");

	/* No snapshot, no version. */
	expect_parse_fails("", "no snapshot or version");
	expect_parse_fails(siphon_strbuf_str(&head), "no snapshot or version");
	expect_parse_fails("X|snap\n", "no snapshot or version");
	expect_parse_fails("X|\nI|150018|f|55544638|43|43|f|1\n", "no snapshot or version");

	/* A line the parser does not know. */
	assert_int_equal(siphon_strbuf_printf(&sb, "X|s\n%sgarbage line\n", siphon_strbuf_str(&head)), 0);
	expect_parse_fails(siphon_strbuf_str(&sb), "unexpected catalog line starting 'garbage line'");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_strbuf_printf(&sb, "X|s\n%sZ|1\n", siphon_strbuf_str(&head)), 0);
	expect_parse_fails(siphon_strbuf_str(&sb), "unexpected catalog line starting 'Z'");
	siphon_strbuf_reset(&sb);
	/* psql's error text where the catalog should be. */
	expect_parse_fails("ERROR:  permission denied for function pg_export_snapshot\n",
	                   "unexpected catalog line");
	/* Known tags with the wrong number of fields. */
	expect_parse_fails("X|a|b\n", "unexpected catalog line starting 'X'");
	expect_parse_fails("X|s\nI|150018|f|55544638|43|43\n", "unexpected catalog line starting 'I'");
	expect_parse_fails("X|s\nI|150018|f|55544638|43|43|f\n", "unexpected catalog line starting 'I'");
	expect_parse_fails("X|s\nT|7075626c6963|61|r|1|2\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nT|7075626c6963|61|r|1|2|3|4|5\n", "unexpected catalog line");
	expect_parse_fails("X|s\nT|7075626c6963|61|r|1|2|3|x\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nT|7075626c6963|61|r|1|2|3|-2\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nS|7075626c6963|61|1\n", "unexpected catalog line starting 'S'");
	expect_parse_fails("X|s\nS|7075626c6963\n", "unexpected catalog line starting 'S'");
	/* A sequence value for a sequence not listed, or malformed. */
	expect_parse_fails("X|s\nQ|0|1|t\n", "unexpected catalog line starting 'Q'");
	expect_parse_fails("X|s\nS|61|62\nQ|1|1|t\n", "unexpected catalog line starting 'Q'");
	expect_parse_fails("X|s\nS|61|62\nQ|-1|1|t\n", "unexpected catalog line starting 'Q'");
	expect_parse_fails("X|s\nS|61|62\nQ|0|1\n", "unexpected catalog line starting 'Q'");
	expect_parse_fails("X|s\nS|61|62\nQ|0|1|t|x\n", "unexpected catalog line starting 'Q'");
	expect_parse_fails("X|s\nL\n", "unexpected catalog line starting 'L'");
	expect_parse_fails("X|s\nE|61|62\n", "unexpected catalog line starting 'E'");
	/* Names that are not hex, or hold a NUL. */
	expect_parse_fails("X|s\nT|public|61|r|1|2|3|-1\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nT|7075626c696|61|r|1|2|3|-1\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nT|00|61|r|1|2|3|-1\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nS|zz|61\n", "unexpected catalog line starting 'S'");
	expect_parse_fails("X|s\nS|61|0061\n", "unexpected catalog line starting 'S'");
	expect_parse_fails("X|s\nI|150018|f|zz|43|43|f|1\n", "unexpected catalog line starting 'I'");
	expect_parse_fails("X|s\nD|6100\n", "unexpected catalog line starting 'D'");
	expect_parse_fails("X|s\nE|g\n", "unexpected catalog line starting 'E'");
	/* Numbers out of range or not numbers: never a wrap, never 0 by accident. */
	expect_parse_fails("X|s\nT|61|62|r|18446744073709551616|2|3|-1\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nT|61|62|r|1152921504606846977|2|3|-1\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nT|61|62|r|1|2|4294967296|-1\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nT|61|62|r|1|4294967296|3|-1\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nT|61|62|r|-1|2|3|-1\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nT|61|62|r|1x|2|3|-1\n", "unexpected catalog line starting 'T'");
	expect_parse_fails("X|s\nI|99999999999999999999|f|55544638|43|43|f|1\n", "unexpected catalog line starting 'I'");
	expect_parse_fails("X|s\nS|61|62\nQ|99999999999999999999|1|t\n", "unexpected catalog line starting 'Q'");
	expect_parse_fails("X|s\nL|99999999999999999999\n", "unexpected catalog line starting 'L'");
	/* A later bad line after good ones: everything is freed (ASan). */
	assert_int_equal(siphon_strbuf_printf(&sb, "X|s\n%sE|61\nD|613d62\nS|61|62\nQ|0|5|t\nT|61|zz|r|1|2|3\n",
	                                      siphon_strbuf_str(&head)), 0);
	expect_parse_fails(siphon_strbuf_str(&sb), "unexpected catalog line starting 'T'");
	siphon_strbuf_free(&sb);
	siphon_strbuf_free(&head);
}

static void
test_pg_catalog_parse_more_bad_columns(void **state)
{
	struct siphon_pg_catalog c = {0};
	char err[256] = "";

	(void)state;
	assert_int_equal(siphon_pg_catalog_parse(&c, "X|s\nI|150018|f|55544638|43|43|f|1\n"
	                                         "T|61|62|r|100|16384|50|7\n", err, sizeof(err)), 0);
	assert_int_equal(c.tables[0].rows, 7);
	assert_int_equal(siphon_pg_catalog_parse_more(&c, "C|16384|zz\n", err, sizeof(err)), -1);
	assert_null(c.tables[0].columns);
	/* An empty name, or one holding a NUL. */
	assert_int_equal(siphon_pg_catalog_parse_more(&c, "C|16384|61,,62\n", err, sizeof(err)), -1);
	assert_int_equal(siphon_pg_catalog_parse_more(&c, "C|16384|6100\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unexpected catalog line starting 'C'"));
	assert_null(c.tables[0].columns);
	siphon_pg_catalog_clear(&c);
}

static void
test_pg_num_major(void **state)
{
	char buf[16];

	(void)state;
	/* One scale for every version, so that 9.6 compares older than 10. */
	assert_int_equal(siphon_pg_num_major(150018), 1500);
	assert_int_equal(siphon_pg_num_major(170000), 1700);
	assert_int_equal(siphon_pg_num_major(100000), 1000);
	assert_int_equal(siphon_pg_num_major(100023), 1000);
	assert_int_equal(siphon_pg_num_major(180001), 1800);
	assert_int_equal(siphon_pg_num_major(90624), 906);
	assert_int_equal(siphon_pg_num_major(90500), 905);
	assert_int_equal(siphon_pg_num_major(80423), 804);
	assert_true(siphon_pg_num_major(100000) > siphon_pg_num_major(90624));
	assert_string_equal(siphon_pg_major_text(1500, buf, sizeof(buf)), "15");
	assert_string_equal(siphon_pg_major_text(906, buf, sizeof(buf)), "9.6");
	assert_string_equal(siphon_pg_major_text(1000, buf, sizeof(buf)), "10");
}

static void
test_pg_sequences_sql(void **state)
{
	struct siphon_pg_catalog c = {0};
	struct siphon_strbuf sb = {0};
	char err[256] = "";

	(void)state;
	assert_int_equal(siphon_pg_sequences_sql(&sb, &c), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "");
	/* Sequence "a"."b" and one named with a quote. */
	assert_int_equal(siphon_pg_catalog_parse(&c, "X|s\nI|150018|f|55544638|43|43|f|1\n"
	                                         "S|61|62\nS|7765|69642273657122\n", err, sizeof(err)), 0);
	assert_int_equal(siphon_pg_sequences_sql(&sb, &c), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	                    "SELECT 'Q', 0, last_value, is_called FROM \"a\".\"b\";\n"
	                    "SELECT 'Q', 1, last_value, is_called FROM \"we\".\"id\"\"seq\"\"\";\n");
	siphon_pg_catalog_clear(&c);
	siphon_strbuf_free(&sb);
}

static void
test_pg_session_sql(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_pg_session_sql(&sb, 150018), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "SET statement_timeout = 0;\n"));
	assert_non_null(strstr(siphon_strbuf_str(&sb), "SET row_security = off;\n"));
	assert_non_null(strstr(siphon_strbuf_str(&sb), "SET extra_float_digits = 3;\n"));
	assert_null(strstr(siphon_strbuf_str(&sb), "transaction_timeout"));
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_pg_session_sql(&sb, 0), 0);
	assert_null(strstr(siphon_strbuf_str(&sb), "transaction_timeout"));
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_pg_session_sql(&sb, 170000), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "SET transaction_timeout = 0;\n"));
	siphon_strbuf_free(&sb);
}

static void
test_pg_chunks(void **state)
{
	struct siphon_pg_catalog c = {0};
	struct siphon_pg_table big = {0}, small = {0};
	uint64_t mib = 1024 * 1024;

	(void)state;
	c.server_num = 150018;
	big.relkind = 'r';
	big.bytes = 4096 * mib;
	big.blocks = big.bytes / 8192;
	small.relkind = 'r';
	small.bytes = 10 * mib;
	small.blocks = small.bytes / 8192;
	c.total_bytes = big.bytes + small.bytes;

	/* One big table and four channels: up to twice as many pieces. */
	assert_int_equal(siphon_pg_chunks(&c, &big, 4, 0), 8);
	assert_int_equal(siphon_pg_chunks(&c, &small, 4, 0), 1);
	assert_int_equal(siphon_pg_chunks(&c, &big, 1, 0), 1);
	/* TID range scans arrived in 14. */
	c.server_num = 130011;
	assert_int_equal(siphon_pg_chunks(&c, &big, 4, 0), 1);
	c.server_num = 140000;
	assert_int_equal(siphon_pg_chunks(&c, &big, 4, 0), 8);
	/* Partitioned parents hold nothing; tiny tables are never split. */
	big.relkind = 'p';
	assert_int_equal(siphon_pg_chunks(&c, &big, 4, 0), 1);
	big.relkind = 'r';
	big.blocks = 15;
	assert_int_equal(siphon_pg_chunks(&c, &big, 4, 0), 1);
	/* Never more pieces than an eighth of the pages. */
	big.blocks = 24;
	assert_int_equal(siphon_pg_chunks(&c, &big, 4, 0), 3);
	/* Pieces are at least 32 MiB. */
	big.bytes = 70 * mib;
	big.blocks = big.bytes / 8192;
	c.total_bytes = big.bytes;
	assert_int_equal(siphon_pg_chunks(&c, &big, 16, 0), 3);
	/* A cap on a piece (the level moves between pieces): more pieces than twice the channels. */
	big.bytes = 4096 * mib;
	big.blocks = big.bytes / 8192;
	c.total_bytes = big.bytes;
	assert_int_equal(siphon_pg_chunks(&c, &big, 2, 64 * mib), 64);
	assert_int_equal(siphon_pg_chunks(&c, &big, 2, 0), 4);
	/* ... but never below 32 MiB, nor where pieces would not be split anyway. */
	assert_int_equal(siphon_pg_chunks(&c, &big, 2, mib), 128);
	assert_int_equal(siphon_pg_chunks(&c, &big, 1, 64 * mib), 1);
}

static void
test_pg_columns_sql(void **state)
{
	struct siphon_pg_catalog c = {0};
	struct siphon_pg_table t[3] = {{0}};
	struct siphon_strbuf sb = {0};
	uint64_t mib = 1024 * 1024;

	(void)state;
	c.server_num = 160000;
	c.tables = t;
	c.ntables = 3;
	for (int i = 0; i < 3; i++) {
		t[i].relkind = 'r';
		t[i].oid = 16384 + (unsigned)i;
	}
	t[0].bytes = 2048 * mib;
	t[1].bytes = 1 * mib;
	t[2].bytes = 1024 * mib;
	for (int i = 0; i < 3; i++) {
		t[i].blocks = t[i].bytes / 8192;
		c.total_bytes += t[i].bytes;
	}
	/* Every table's columns, whether it is copied in pieces or whole. */
	assert_int_equal(siphon_pg_columns_sql(&sb, &c, 4), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "SELECT 'C', a.attrelid, "));
	assert_non_null(strstr(siphon_strbuf_str(&sb), "a.attrelid IN (16384, 16385, 16386) GROUP BY a.attrelid;\n"));
	siphon_strbuf_reset(&sb);
	c.ntables = 0;
	assert_int_equal(siphon_pg_columns_sql(&sb, &c, 1), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "");
	siphon_strbuf_free(&sb);
}

static void
test_pg_catalog_sql_shape(void **state)
{
	struct siphon_strbuf sb = {0};
	const char *s;

	(void)state;
	assert_int_equal(siphon_pg_catalog_sql(&sb), 0);
	s = siphon_strbuf_str(&sb);
	/* Every tag the parser knows is asked for, names always hex-encoded. */
	for (const char *tag = "XITSLDE"; *tag != '\0'; tag++) {
		char want[16];

		snprintf(want, sizeof(want), "SELECT '%c', ", *tag);
		assert_non_null(strstr(s, want));
	}
	assert_non_null(strstr(s, "pg_export_snapshot()"));
	assert_null(strstr(s, "SELECT 'T', n.nspname"));
	assert_non_null(strstr(s, "SELECT 'T', encode(convert_to(n.nspname::text"));
	siphon_strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sql_ident),
		cmocka_unit_test(test_sql_ident_every_byte),
		cmocka_unit_test(test_sql_qualified),
		cmocka_unit_test(test_sql_literal),
		cmocka_unit_test(test_sql_literal_round_trips_both_settings),
		cmocka_unit_test(test_sql_hex_decode),
		cmocka_unit_test(test_sql_hex_decode_every_byte),
		cmocka_unit_test(test_pg_conninfo),
		cmocka_unit_test(test_pg_dbsetting_sql),
		cmocka_unit_test(test_pg_catalog_parse_sample),
		cmocka_unit_test(test_pg_catalog_parse_many),
		cmocka_unit_test(test_pg_catalog_parse_blank_lines),
		cmocka_unit_test(test_pg_catalog_parse_failures),
		cmocka_unit_test(test_pg_catalog_parse_more_bad_columns),
		cmocka_unit_test(test_pg_num_major),
		cmocka_unit_test(test_pg_sequences_sql),
		cmocka_unit_test(test_pg_session_sql),
		cmocka_unit_test(test_pg_chunks),
		cmocka_unit_test(test_pg_columns_sql),
		cmocka_unit_test(test_pg_catalog_sql_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
