/*
 * test_mysql.c - unit tests of the MySQL engine's pure parts: quoting and
 * the batch-escape decoder, the statement rewrites (definer, event status,
 * collations), catalog parsing and the SQL built from it, and the lane
 * scanner that turns batch rows into LOAD DATA input, fed in every split.
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
#include "engine/mysql/my_order.h"
#include "engine/mysql/my_sql.h"

#include <time.h>

static char *
rewrite_definer(const char *in, int *changed)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_my_rewrite_definer(&sb, in, changed), 0);
	return siphon_strbuf_take(&sb);
}

static void
test_my_ident_literal(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_my_ident(&sb, "a`b"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "`a``b`");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_qualified(&sb, "d b", "t;`"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "`d b`.`t;```");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_literal(&sb, "it's\\"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "_utf8mb4 X'697427735c'");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_literal(&sb, ""), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "_utf8mb4 X''");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_string(&sb, "a'b\\c"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "'a''b\\\\c'");
	siphon_strbuf_free(&sb);
}

static void
test_my_unescape(void **state)
{
	struct siphon_strbuf sb = {0};
	static const char in[] = "a\\tb\\nc\\\\d\\0e\\";

	(void)state;
	assert_int_equal(siphon_my_unescape(&sb, in, sizeof(in) - 1), 0);
	assert_int_equal(sb.len, 10);
	assert_memory_equal(sb.buf, "a\tb\nc\\d\0e\\", 10);
	siphon_strbuf_free(&sb);
}

static void
test_my_definer(void **state)
{
	static const struct {
		const char *in, *out;
		int changed;
	} cases[] = {
		{"CREATE ALGORITHM=UNDEFINED DEFINER=`prod_app`@`%` SQL SECURITY DEFINER VIEW `v` AS select 1",
		 "CREATE ALGORITHM=UNDEFINED DEFINER=CURRENT_USER SQL SECURITY DEFINER VIEW `v` AS select 1", 1},
		{"CREATE DEFINER=`a``b`@`h.x` TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW SET NEW.a = 'DEFINER=`z`@`y`'",
		 "CREATE DEFINER=CURRENT_USER TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW SET NEW.a = 'DEFINER=`z`@`y`'", 1},
		{"CREATE DEFINER='u'@'localhost' PROCEDURE `p`() SELECT 1",
		 "CREATE DEFINER=CURRENT_USER PROCEDURE `p`() SELECT 1", 1},
		{"CREATE DEFINER=CURRENT_USER() FUNCTION f() RETURNS INT RETURN 1",
		 "CREATE DEFINER=CURRENT_USER FUNCTION f() RETURNS INT RETURN 1", 1},
		{"CREATE DEFINER=root@localhost EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1",
		 "CREATE DEFINER=CURRENT_USER EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1", 1},
		/* A DEFINER word only in the body is not the clause. */
		{"CREATE VIEW `v` AS select 'x' AS DEFINER", "CREATE VIEW `v` AS select 'x' AS DEFINER", 0},
		{"CREATE /* DEFINER=`x`@`y` */ VIEW v AS SELECT 1", "CREATE /* DEFINER=`x`@`y` */ VIEW v AS SELECT 1", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int changed;
		char *out = rewrite_definer(cases[i].in, &changed);

		assert_string_equal(out, cases[i].out);
		assert_int_equal(changed, cases[i].changed);
		free(out);
	}
}

static void
test_my_event_disable(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"CREATE DEFINER=CURRENT_USER EVENT `e` ON SCHEDULE EVERY 1 DAY STARTS '2037-01-01 00:00:00' ON COMPLETION PRESERVE ENABLE COMMENT 'ENABLE; DO it' DO DELETE FROM t",
		 "CREATE DEFINER=CURRENT_USER EVENT `e` ON SCHEDULE EVERY 1 DAY STARTS '2037-01-01 00:00:00' ON COMPLETION PRESERVE DISABLE COMMENT 'ENABLE; DO it' DO DELETE FROM t"},
		{"CREATE EVENT `do` ON SCHEDULE AT '2030-01-01' DISABLE ON SLAVE DO SELECT 1",
		 "CREATE EVENT `do` ON SCHEDULE AT '2030-01-01' DISABLE DO SELECT 1"},
		/* Not SQL the server writes, but the result must be final (fuzz_my_sql). */
		{"CREATE EVENT e ON SCHEDULE AT '2030-01-01' DISABLE ON SLAVE ON REPLICA COMMENT 'x' DO SELECT 1",
		 "CREATE EVENT e ON SCHEDULE AT '2030-01-01' DISABLE COMMENT 'x' DO SELECT 1"},
		{"CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO UPDATE t SET enable = 1",
		 "CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DISABLE DO UPDATE t SET enable = 1"},
	};
	struct siphon_strbuf sb = {0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		siphon_strbuf_reset(&sb);
		assert_int_equal(siphon_my_event_disable(&sb, cases[i].in), 0);
		assert_string_equal(siphon_strbuf_str(&sb), cases[i].out);
	}
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_event_disable(&sb, "CREATE EVENT e ON SCHEDULE EVERY 1 HOUR"), -2);
	siphon_strbuf_free(&sb);
}

static void
test_my_collations(void **state)
{
	static const char *const map[] = {"utf8mb4_0900_ai_ci", "utf8mb4_uca1400_ai_ci", NULL};
	struct siphon_strbuf sb = {0};
	int changed;

	(void)state;
	assert_int_equal(siphon_my_replace_words(&sb,
	    "CREATE TABLE `utf8mb4_0900_ai_ci` (a text COLLATE utf8mb4_0900_ai_ci COMMENT 'utf8mb4_0900_ai_ci')"
	    " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci", map, &changed), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	    "CREATE TABLE `utf8mb4_0900_ai_ci` (a text COLLATE utf8mb4_uca1400_ai_ci COMMENT 'utf8mb4_0900_ai_ci')"
	    " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci");
	assert_int_equal(changed, 2);
	siphon_strbuf_free(&sb);
	assert_string_equal(siphon_my_collation_map("utf8mb4_0900_ai_ci", 1, 1), "utf8mb4_uca1400_ai_ci");
	assert_string_equal(siphon_my_collation_map("utf8mb4_0900_ai_ci", 1, 0), "utf8mb4_unicode_520_ci");
	assert_string_equal(siphon_my_collation_map("utf8mb4_0900_as_cs", 1, 0), "utf8mb4_bin");
	assert_string_equal(siphon_my_collation_map("utf8mb4_0900_as_cs", 1, 1), "utf8mb4_uca1400_as_cs");
	assert_string_equal(siphon_my_collation_map("utf8mb4_0900_bin", 1, 1), "utf8mb4_bin");
	assert_string_equal(siphon_my_collation_map("utf8mb4_uca1400_ai_ci", 0, 0), "utf8mb4_0900_ai_ci");
	assert_string_equal(siphon_my_collation_map("utf8mb4_nopad_bin", 0, 0), "utf8mb4_bin");
	assert_null(siphon_my_collation_map("latin1_swedish_ci", 1, 1));
	assert_null(siphon_my_collation_map("utf8mb4_general_ci", 0, 0));
}

static const char listing[] =
	"S\t31302E31312E362D4D617269614442\t6D617269616462\t0\t1\n"
	"D\t736563\tutf8mb4\tutf8mb4_unicode_ci\n"
	/* "big t" and "a`b"; a view (not copied) and a sequence (a table: test_my_objects.c). */
	"T\t62696720740A\tBASE TABLE\tInnoDB\tYES\t1000\t10\n"
	"T\t616062\tBASE TABLE\tMyISAM\tNO\t50\t2\n"
	"T\t76\tVIEW\t\tNO\t0\t0\n"
	"T\t73\tSEQUENCE\tInnoDB\tYES\t0\t1\n"
	"C\t62696720740A\t6964\tNO\tint\t0\n"
	"C\t62696720740A\t67\tYES\tint\t1\n"
	"C\t62696720740A\t62\tYES\tbit\t0\n"
	"C\t62696720740A\t66\tNO\tfloat\t0\n"
	"C\t62696720740A\t70\tYES\tpoint\t0\n"
	"C\t616062\t78\tNO\tvarchar\t0\n"
	"C\t76\t6964\tNO\tint\t0\n"
	"V\t76\n"
	"R\t7472\t616062\n"
	"P\tPROCEDURE\t70\n"
	"P\tPACKAGE\t706B\n"
	"E\t65\n"
	"L\tutf8mb4_unicode_ci\n";

static void
test_my_catalog(void **state)
{
	struct siphon_my_catalog c = {0};
	struct siphon_strbuf sb = {0};
	struct siphon_my_table *t;
	unsigned char *flags = NULL;

	(void)state;
	assert_int_equal(siphon_my_catalog_parse_list(&c, listing), 0);
	assert_string_equal(c.version, "10.11.6-MariaDB");
	assert_int_equal(c.version_num, 101106);
	assert_true(c.mariadb);
	assert_int_equal(c.log_bin, 1);
	assert_true(c.have_db);
	assert_string_equal(c.db_collation, "utf8mb4_unicode_ci");
	assert_int_equal(c.ntables, 3);
	assert_int_equal(c.skipped, 1);     /* the package, named for the warning */
	assert_string_equal(siphon_strbuf_str(&c.skipped_list), "PACKAGE `pk`");
	assert_int_equal(c.nobjs, 4);
	assert_int_equal(c.ncollations, 1);
	assert_int_equal((int)c.total_bytes, 1050);
	t = siphon_my_catalog_table(&c, "big t\n");
	assert_non_null(t);
	assert_int_equal(t->ncols, 5);
	assert_true(t->cols[1].generated);
	assert_int_equal(t->cols[2].kind, SIPHON_MY_COL_BIT);
	assert_int_equal(t->cols[3].kind, SIPHON_MY_COL_FLOAT);
	assert_int_equal(t->cols[4].kind, SIPHON_MY_COL_GEOMETRY);
	assert_false(siphon_my_catalog_table(&c, "a`b")->transactional);

	/* SELECT: generated left out, first and nullable prefixed, BIT as a number. */
	assert_int_equal(siphon_my_select_sql(t, &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	    "SELECT CONCAT('v', `id`), CONCAT('v', `b` + 0), `f` + 0e0, CONCAT('v', `p`) FROM `big t\n`;\n"
	    "SELECT 'end';\n");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_prefixed_fields(t, &flags), 4);
	assert_memory_equal(flags, "\1\1\0\1", 4);
	free(flags);
	assert_int_equal(siphon_my_load_sql(t, "stg", &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	    "LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE `stg`.`big t\n` CHARACTER SET binary"
	    " FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'"
	    " (`id`, @siphon_2, `f`, @siphon_4) SET `b` = CAST(@siphon_2 AS UNSIGNED), `p` = @siphon_4");
	siphon_strbuf_reset(&sb);

	/* Definitions: the SHOW row must name the object; a failed one is skipped. */
	assert_int_equal(siphon_my_catalog_parse_defs(&c,
	    "DC\t6869\n"
	    "@\tTABLE\t62696720740A\n"
	    "big t\\n\tCREATE TABLE `big t\\n` (\\n  `id` int\\tx\\\\y\\n)\n"
	    "@\tTABLE\t616062\n"
	    "a`b\tCREATE TABLE `a``b` (x varchar(3))\n"
	    "@\tVIEW\t76\n"
	    "v\tCREATE VIEW `v` AS select 1\tutf8mb4\tutf8mb4_general_ci\n"
	    "@\tTRIGGER\t7472\n"
	    "tr\tSTRICT_TRANS_TABLES\tCREATE TRIGGER tr\tutf8mb4\tutf8mb4_general_ci\tutf8mb4_unicode_ci\t2020\n"
	    "@\tPROCEDURE\t70\n"
	    "@\tEVENT\t65\n"
	    "e\t\tSYSTEM\tCREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1\tutf8mb4\tutf8mb4_general_ci\tx\n"), 0);
	assert_string_equal(c.db_comment, "hi");
	assert_string_equal(t->create, "CREATE TABLE `big t\n` (\n  `id` int\tx\\y\n)");
	assert_string_equal(c.objs[0].create, "CREATE VIEW `v` AS select 1");
	assert_string_equal(c.objs[1].sql_mode, "STRICT_TRANS_TABLES");
	assert_string_equal(c.objs[1].collation_connection, "utf8mb4_general_ci");
	assert_null(c.objs[2].create);
	assert_string_equal(c.objs[3].time_zone, "SYSTEM");
	assert_string_equal(c.objs[3].create, "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1");

	/* Names that differ only in case. */
	assert_int_equal(siphon_my_case_collisions(&c, &sb), 0);
	siphon_strbuf_free(&sb);
	siphon_my_catalog_clear(&c);
	assert_int_equal(siphon_my_catalog_parse_list(&c,
	    "T\t5431\tBASE TABLE\tInnoDB\tYES\t1\t1\nT\t7431\tBASE TABLE\tInnoDB\tYES\t1\t1\n"), 0);
	assert_int_equal(siphon_my_case_collisions(&c, &sb), 1);
	assert_string_equal(siphon_strbuf_str(&sb), "\"T1\" / \"t1\"");
	siphon_strbuf_free(&sb);
	siphon_my_catalog_clear(&c);
	/* Bad hex is refused, not misread. */
	assert_int_equal(siphon_my_catalog_parse_list(&c, "T\tZZ\tBASE TABLE\tInnoDB\tYES\t1\t1\n"), -2);
	siphon_my_catalog_clear(&c);
	assert_int_equal(siphon_my_version_num("8.0.34"), 80034);
	assert_int_equal(siphon_my_version_num("10.11.19-MariaDB-0+deb12u1-log"), 101119);
	assert_int_equal(siphon_my_version_num("x"), -1);
}

/* Runs the scanner over in, split into pieces of at most step bytes. */
static int
scan_all(const char *in, size_t len, size_t step, const unsigned char *prefixed, int nfields,
         struct siphon_strbuf *out, int *ends)
{
	struct siphon_my_scan s = {0};
	unsigned char *buf = malloc(len + 2);
	size_t off = 0;

	s.prefixed = prefixed;
	s.nfields = nfields;
	*ends = 0;
	while (off < len) {
		size_t n = len - off < step ? len - off : step, took, made;
		enum siphon_my_scan_result r;

		r = siphon_my_scan(&s, (const unsigned char *)in + off, n, buf, &took, &made);
		assert_true(made <= n + 2);
		siphon_strbuf_append(out, buf, made);
		off += took;
		if (r == SIPHON_MY_SCAN_BAD) {
			free(buf);
			return -1;
		}
		if (r == SIPHON_MY_SCAN_END)
			(*ends)++;
	}
	free(buf);
	return 0;
}

static void
test_my_scan(void **state)
{
	/* id (prefixed), a nullable text (prefixed), a NOT NULL text. */
	static const unsigned char pf[] = {1, 1, 0};
	static const char in[] =
		"v1\tvNULL\tNULL\n"          /* the text 'NULL' twice, not NULL */
		"v2\tNULL\t\n"                /* NULL, then '' */
		"v3\tv\t\\t\\n\\\\\\0e\n"     /* '' and escapes passed through */
		"vend\tveN\tend\n"            /* data that looks like the end */
		"end\n"
		"v4\tNULL\tx\n"
		"end\n";
	static const char want[] =
		"1\tNULL\tNULL\n"
		"2\t\\N\t\n"
		"3\t\t\\t\\n\\\\\\0e\n"
		"end\teN\tend\n"
		"4\t\\N\tx\n";
	size_t step;

	(void)state;
	for (step = 1; step <= sizeof(in); step++) {
		struct siphon_strbuf out = {0};
		int ends;

		assert_int_equal(scan_all(in, sizeof(in) - 1, step, pf, 3, &out, &ends), 0);
		assert_int_equal(ends, 2);
		assert_string_equal(siphon_strbuf_str(&out), want);
		siphon_strbuf_free(&out);
	}
}

static void
test_my_scan_bad(void **state)
{
	static const unsigned char pf[] = {1, 0};
	static const char *const bad[] = {
		"x1\tb\n",         /* a prefixed field without its 'v' */
		"v1\tb\tc\n",      /* a field too many */
		"v1\n",            /* a field too few */
		"NUL\tb\n",        /* half a NULL */
		"enx\n",           /* half an end line */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct siphon_strbuf out = {0};
		int ends;

		assert_int_equal(scan_all(bad[i], strlen(bad[i]), 64, pf, 2, &out, &ends), -1);
		siphon_strbuf_free(&out);
	}
}

/* What a hostile server could send in place of a definition, and what siphon makes of it. */
static void
test_my_check_replay(void **state)
{
	static const char *const ok[] = {
		"CREATE DEFINER=CURRENT_USER TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW SET NEW.a = 'a;b\\'c'",
		"CREATE FUNCTION `f`() RETURNS int(11) DETERMINISTIC RETURN 1 -- a comment; with \\! in it\n",
		"CREATE PROCEDURE `p`() /* a ; comment \\! */ SELECT \"x\\\"y\", `a``b\\`",
		"CREATE EVENT `e` ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM `t` # end; \\.\n",
	};
	static const char *const bad[] = {
		"CREATE VIEW `v` AS SELECT 1; DROP DATABASE `keep`",          /* a second statement */
		"CREATE PROCEDURE `p`() BEGIN SELECT 1; END",                 /* compound: cannot tell */
		"CREATE PROCEDURE `p`() SELECT 1\n\\! touch /tmp/PWNED\n",     /* a client command */
		"CREATE PROCEDURE `p`() SELECT 1 \\C gbk",                    /* a charset switch */
		"CREATE PROCEDURE `p`() SELECT 1\ndelimiter ;\n",             /* DELIMITER */
		"CREATE PROCEDURE `p`() SELECT '\n  DELIMITER //\n'",          /* ... even inside quotes */
		"CREATE PROCEDURE `p`() SELECT 'open",                        /* an open quote */
		"CREATE PROCEDURE `p`() SELECT 1 /* open",                    /* an open comment */
		"CREATE PROCEDURE `p`() SELECT 1 /*!50000 ; DROP DATABASE x */", /* executable comment */
		"CREATE PROCEDURE `p`() SELECT 1 /*M!100000 x */",
		"CREATE PROCEDURE `p`() SELECT 1 /*+ x */",
		"CREATE PROCEDURE `p`() SELECT 1 --\001 '",                    /* a control byte */
		"CREATE PROCEDURE `p`() SELECT 'a\\'",                        /* escaped close: open */
	};
	char why[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(siphon_my_check_replay(ok[i], "", why, sizeof(why)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(siphon_my_check_replay(bad[i], "STRICT_TRANS_TABLES", why, sizeof(why)), -1);
		assert_true(why[0] != '\0');
	}
	/* NO_BACKSLASH_ESCAPES: 'a\' is closed, and what follows is outside. */
	assert_int_equal(siphon_my_check_replay("SELECT 'a\\' ", "NO_BACKSLASH_ESCAPES", why, sizeof(why)), 0);
	assert_int_equal(siphon_my_check_replay("SELECT 'a\\'; DROP DATABASE x; '", "NO_BACKSLASH_ESCAPES", why,
	                                        sizeof(why)), -1);
	/* ANSI_QUOTES: the server's "name" has no escapes while the client's would. */
	assert_int_equal(siphon_my_check_replay("SELECT \"a\\\"; DROP DATABASE x; -- \"", "ANSI_QUOTES", why,
	                                        sizeof(why)), -1);
}

/* MariaDB runs what is in a comment opened with M and a bang: an ENABLE hidden there is found. */
static void
test_my_event_hidden_enable(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_my_event_disable(&sb,
	    "CREATE EVENT `e` ON SCHEDULE EVERY 1 SECOND /*M!100100 ENABLE */ DO DELETE FROM t"), 0);
	assert_null(strstr(siphon_strbuf_str(&sb), "ENABLE"));
	assert_non_null(strstr(siphon_strbuf_str(&sb), "/*M!100100 DISABLE */ DO"));
	siphon_strbuf_free(&sb);
}

static void
test_my_replay_sql(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	/* Nothing but hex digits of the text reaches the client. */
	assert_int_equal(siphon_my_replay_sql(&sb, "V;\n\\!`", SIPHON_MY_IMMEDIATE), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "EXECUTE IMMEDIATE X'563b0a5c2160';\n");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_replay_sql(&sb, "CREATE VIEW v AS SELECT 1", SIPHON_MY_PREPARE), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "SET @siphon_stmt = X'"));
	assert_non_null(strstr(siphon_strbuf_str(&sb), "PREPARE siphon_stmt FROM @siphon_stmt;\nEXECUTE siphon_stmt;\n"));
	siphon_strbuf_reset(&sb);
	/* A delimiter that the text does not contain. */
	assert_int_equal(siphon_my_replay_sql(&sb, "SELECT ';;siphon;;', ';;siphon1;;'", SIPHON_MY_DELIMITER), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	                    "DELIMITER ;;siphon2;;\nSELECT ';;siphon;;', ';;siphon1;;'\n;;siphon2;;\nDELIMITER ;\n");
	siphon_strbuf_free(&sb);
}

static void
test_my_names_numbers(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_true(siphon_my_plain_name("utf8mb4_uca1400_ai_ci"));
	assert_false(siphon_my_plain_name(""));
	assert_false(siphon_my_plain_name("latin1' COLLATE x"));
	assert_false(siphon_my_plain_name("utf8mb4;DROP"));
	assert_false(siphon_my_plain_name("a\nb"));
	assert_false(siphon_my_plain_name("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcde"));
	assert_int_equal(siphon_my_uint("18446744073709551615", 20, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(siphon_my_uint("18446744073709551616", 20, UINT64_MAX, &v), -1);
	assert_int_equal(siphon_my_uint("3", 1, 2, &v), -1);
	assert_int_equal(siphon_my_uint("-1", 2, 2, &v), -1);
	assert_int_equal(siphon_my_uint("", 0, 2, &v), -1);
}

/* The catalog refuses what must not reach local SQL or arithmetic. */
static void
test_my_catalog_check(void **state)
{
	static const char *const bad[] = {
		"S\t31302e31312e35\t4d617269614442\t0\t0\nD\t6462\tutf8mb4' COLLATE x\tutf8mb4_bin\n",
		"S\t31302e31312e35\t4d617269614442\t0\t0\nD\t6462\tutf8mb4\tutf8mb4_bin;\n",
		"S\t31302e31312e35\t4d617269614442\t0\t0\nL\tlatin1 x\n",
		"S\t31302e31312e35\t4d617269614442\t7\t0\n",
		"S\t31302e31312e35\t4d617269614442\t0\t0\nT\t74\tBASE TABLE\tInnoDB\tYES\t99999999999999999999999\t1\n",
		"S\t31302e31312e35\t4d617269614442\t0\t0\nT\t74\tBASE TABLE\tInnoDB\tYES\t1152921504606846976\t1\n"
		"T\t75\tBASE TABLE\tInnoDB\tYES\t1\t1\n",
		"S\t31302e31312e35\t4d617269614442\t0\t0\nT\t74\tBASE TABLE\tInnoDB\tYES\t-5\t1\n",
	};
	char why[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct siphon_my_catalog c;

		memset(&c, 0, sizeof(c));
		assert_int_equal(siphon_my_catalog_parse_list(&c, bad[i]), 0);
		if (siphon_my_catalog_check(&c, why, sizeof(why)) != -1)
			fail_msg("catalog %zu passed the check", i);
		siphon_my_catalog_clear(&c);
	}
	assert_int_equal(siphon_my_version_num("99999999999999999999.1.1"), -1);
	assert_int_equal(siphon_my_version_num("10.11.19-MariaDB"), 101119);
}

/* A table's shape: its AUTO_INCREMENT counter (a table option) goes, nothing else. */
static void
test_my_table_shape(void **state)
{
	static const struct {
		const char *in, *out;
		int cut;
	} cases[] = {
		{"CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n)"
		 " ENGINE=InnoDB AUTO_INCREMENT=4711 DEFAULT CHARSET=utf8mb4",
		 "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n)"
		 " ENGINE=InnoDB  DEFAULT CHARSET=utf8mb4", 1},
		/* Inside the columns, in a comment or a quoted name: kept. */
		{"CREATE TABLE `AUTO_INCREMENT=1` (`a` int COMMENT 'AUTO_INCREMENT=5') ENGINE=InnoDB",
		 "CREATE TABLE `AUTO_INCREMENT=1` (`a` int COMMENT 'AUTO_INCREMENT=5') ENGINE=InnoDB", 0},
		{"CREATE TABLE t (a int) /* AUTO_INCREMENT=3 */ ENGINE=InnoDB",
		 "CREATE TABLE t (a int) /* AUTO_INCREMENT=3 */ ENGINE=InnoDB", 0},
		{"CREATE TABLE t (a int) ENGINE=InnoDB AUTO_INCREMENT = 12 COMMENT='x'",
		 "CREATE TABLE t (a int) ENGINE=InnoDB  COMMENT='x'", 1},
		/* Not a number: not the counter. */
		{"CREATE TABLE t (a int) AUTO_INCREMENT=x", "CREATE TABLE t (a int) AUTO_INCREMENT=x", 0},
		{"", "", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct siphon_strbuf out = {0};
		int cut = -1;

		assert_int_equal(siphon_my_table_shape(&out, cases[i].in, &cut), 0);
		assert_string_equal(siphon_strbuf_str(&out), cases[i].out);
		assert_int_equal(cut, cases[i].cut);
		siphon_strbuf_free(&out);
	}
}

/* A catalog of n views; names[i] = "v<i>", texts from make(i). */
static void
views_catalog(struct siphon_my_catalog *c, int n, const char *(*make)(int, char *, size_t))
{
	int i;

	memset(c, 0, sizeof(*c));
	c->objs = calloc((size_t)n, sizeof(*c->objs));
	assert_non_null(c->objs);
	c->nobjs = c->capobjs = n;
	for (i = 0; i < n; i++) {
		char name[32], text[256];

		snprintf(name, sizeof(name), "v%d", i);
		c->objs[i].kind = SIPHON_MY_VIEW;
		c->objs[i].name = strdup(name);
		c->objs[i].create = strdup(make(i, text, sizeof(text)));
	}
}

static int views_n;

/* v<i> selects from v<i+1>: the last one must come first. */
static const char *
chain(int i, char *buf, size_t cap)
{
	if (i + 1 < views_n)
		snprintf(buf, cap, "CREATE VIEW `v%d` AS select `v%d`.`a` AS `a` from `v%d`", i, i + 1, i + 1);
	else
		snprintf(buf, cap, "CREATE VIEW `v%d` AS select 1 AS `a`", i);
	return buf;
}

/* v0 and v2 name v3, v1 names nothing, v3 names v1; an alias and a qualifier are no edges. */
static const char *
diamond(int i, char *buf, size_t cap)
{
	static const char *const t[] = {
		"CREATE VIEW `v0` AS select * from `v3`",
		"CREATE VIEW `v1` AS select 1 AS `v0`, `v2`.`x` from `t` AS `v2`",
		"CREATE VIEW `v2` AS select * from `v3` join `v3` 'v1'",
		"CREATE VIEW `v3` AS select * from `v1`",
	};

	snprintf(buf, cap, "%s", t[i]);
	return buf;
}

static const char *
cycle3(int i, char *buf, size_t cap)
{
	snprintf(buf, cap, "CREATE VIEW `v%d` AS select * from `v%d`", i, (i + 1) % 3);
	return buf;
}

static void
test_my_view_order(void **state)
{
	struct siphon_my_catalog c;
	int *order = NULL, n = 0, cycle = -1, i;
	clock_t t0;

	(void)state;
	views_catalog(&c, 4, diamond);
	assert_int_equal(siphon_my_view_order(&c, &order, &n, &cycle), 0);
	assert_int_equal(n, 4);
	/* v1 first (needs nothing), then v3, then v0 before v2 (listing order). */
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 0);
	assert_int_equal(order[3], 2);
	free(order);
	siphon_my_catalog_clear(&c);

	views_catalog(&c, 3, cycle3);
	assert_int_equal(siphon_my_view_order(&c, &order, &n, &cycle), -2);
	assert_null(order);
	assert_true(cycle >= 0 && cycle < 3);
	siphon_my_catalog_clear(&c);

	/* Thousands of views in a chain: linear, not cubic. */
	views_n = 5000;
	views_catalog(&c, views_n, chain);
	t0 = clock();
	assert_int_equal(siphon_my_view_order(&c, &order, &n, &cycle), 0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	assert_int_equal(n, views_n);
	for (i = 0; i < n; i++)
		assert_int_equal(order[i], views_n - 1 - i);
	free(order);
	siphon_my_catalog_clear(&c);
}

/* The lane's loaders: `cat` into nowhere, a stand-in for LOAD DATA. */
static int
spawn_cat(void *arg, struct siphon_my_lane *lane, int i)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)"cat >/dev/null", NULL };

	(void)arg;
	return siphon_proc_spawn(&lane->items[i].proc, lane->ctx, "loader", argv, 1024);
}

struct my_seen {
	int starts, ends;
	char name[4][16];
	int64_t rows[4];
	uint64_t raw[4];
};

static void
my_seen_event(void *arg, const struct siphon_event *ev)
{
	struct my_seen *ms = arg;

	if (ev->kind == SIPHON_EVENT_TABLE_START) {
		assert_int_equal(ms->starts, ms->ends);
		assert_string_equal(ev->table.schema, "shop");
		snprintf(ms->name[ms->starts++], sizeof(ms->name[0]), "%s", ev->table.name);
	} else if (ev->kind == SIPHON_EVENT_TABLE_END) {
		assert_int_equal(ev->rc, 0);
		ms->rows[ms->ends] = ev->table.rows;
		ms->raw[ms->ends++] = ev->table.raw_bytes;
	}
}

/* Table events from a lane: one start and end per table, its rows and bytes. */
static void
test_my_lane_table_events(void **state)
{
	static const char stream[] = "v1\tvabc\nv2\tNULL\nend\nend\nvx\tv\\t\nend\n";
	static const char *const names[] = { "orders", "empty", "notes" };
	struct siphon_my_lane lane;
	struct siphon_sink sink;
	struct siphon_ctx *ctx = NULL;
	struct my_seen ms = {0};
	int complete = 0;

	(void)state;
	memset(&lane, 0, sizeof(lane));
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	siphon_ctx_set_events(ctx, my_seen_event, &ms);
	lane.ctx = ctx;
	lane.nitems = 3;
	assert_non_null(lane.items = calloc(3, sizeof(*lane.items)));
	for (int i = 0; i < 3; i++) {
		struct siphon_my_lane_item *it = &lane.items[i];

		assert_non_null(it->table = strdup(names[i]));
		assert_non_null(it->prefixed = calloc(2, 1));
		it->prefixed[0] = it->prefixed[1] = 1;
		it->nfields = 2;
		it->who = (struct siphon_event_table){.schema = "shop", .name = names[i], .channel = 1};
	}
	lane.out_cap = 5;    /* small: a table's rows arrive over several scans */
	assert_non_null(lane.out = malloc(lane.out_cap + 2));
	lane.spawn = spawn_cat;
	snprintf(lane.what, sizeof(lane.what), "data channel 1");
	siphon_my_lane_sink(&sink, &lane);
	for (size_t off = 0; off < sizeof(stream) - 1;) {
		size_t n = sizeof(stream) - 1 - off < 4 ? sizeof(stream) - 1 - off : 4;
		ssize_t w = sink.write(sink.arg, (const unsigned char *)stream + off, n);

		if (w < 0)
			fail_msg("lane write failed: %s", siphon_ctx_errmsg(ctx));
		off += (size_t)w;
	}
	assert_int_equal(sink.finish(sink.arg), 0);
	assert_int_equal(siphon_my_lane_pump(&lane, &complete), 0);
	assert_int_equal(complete, 1);
	assert_int_equal(ms.starts, 3);
	assert_int_equal(ms.ends, 3);
	assert_string_equal(ms.name[0], "orders");
	assert_string_equal(ms.name[2], "notes");
	assert_int_equal(ms.rows[0], 2);
	assert_int_equal(ms.rows[1], 0);
	assert_int_equal(ms.rows[2], 1);
	assert_int_equal(ms.raw[0], 20);
	assert_int_equal(ms.raw[1], 4);
	assert_int_equal(ms.raw[0] + ms.raw[1] + ms.raw[2], sizeof(stream) - 1);
	siphon_my_lane_clear(&lane);
	siphon_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_my_ident_literal),
		cmocka_unit_test(test_my_unescape),
		cmocka_unit_test(test_my_definer),
		cmocka_unit_test(test_my_event_disable),
		cmocka_unit_test(test_my_collations),
		cmocka_unit_test(test_my_catalog),
		cmocka_unit_test(test_my_scan),
		cmocka_unit_test(test_my_scan_bad),
		cmocka_unit_test(test_my_check_replay),
		cmocka_unit_test(test_my_replay_sql),
		cmocka_unit_test(test_my_event_hidden_enable),
		cmocka_unit_test(test_my_names_numbers),
		cmocka_unit_test(test_my_catalog_check),
		cmocka_unit_test(test_my_table_shape),
		cmocka_unit_test(test_my_view_order),
		cmocka_unit_test(test_my_lane_table_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
