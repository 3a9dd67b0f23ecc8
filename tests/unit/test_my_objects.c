/*
 * test_my_objects.c - unit tests of how siphon copies MySQL/MariaDB objects
 * beyond plain tables (issue 8): engines and where their rows live,
 * sequences (catalog rows, SHOW CREATE SEQUENCE, the `db`.`seq` qualifier
 * of a DEFAULT), system-versioned tables (the Y row, the select FOR
 * SYSTEM_TIME ALL with the row start and end, the load under
 * system_versioning_insert_history), and removing a table from a catalog.
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
#include "engine/mysql/my_objects.h"
#include "engine/mysql/my_order.h"
#include "engine/mysql/my_sql.h"

/* A catalog of db "shop" (names hex: orders 6F7264657273, order_seq 6F726465725F736571). */
static const char *const LISTING =
	"S\t31302E31312E3139\t4D617269614442\t0\t1\n"
	"D\t73686F70\tutf8mb4\tutf8mb4_uca1400_ai_ci\n"
	"T\t6F7264657273\tBASE TABLE\tInnoDB\tYES\t16384\t4\n"
	"T\t6F726465725F736571\tSEQUENCE\tInnoDB\tYES\t16384\t1\n"
	"T\t707269636573\tSYSTEM VERSIONED\tInnoDB\tYES\t16384\t3\n"  /* prices */
	"T\t73746F636B\tSYSTEM VERSIONED\tInnoDB\tYES\t16384\t2\n"    /* stock */
	"T\t6D6572676564\tBASE TABLE\tMRG_MyISAM\tNO\t0\t3\n"         /* merged */
	"T\t74656D70\tTEMPORARY\tInnoDB\tYES\t0\t0\n"                   /* temp: another session's, ignored */
	"C\t6F7264657273\t6964\tNO\tbigint\t0\n"                        /* orders.id */
	"C\t6F7264657273\t6E6F7465\tYES\tvarchar\t0\n"                  /* orders.note */
	"C\t6F726465725F736571\t6E6578745F6E6F745F6361636865645F76616C7565\tNO\tbigint\t0\n"
	"C\t707269636573\t6964\tNO\tint\t0\n"                           /* prices.id */
	"C\t707269636573\t7072696365\tYES\tdecimal\t0\n"                /* prices.price */
	"C\t73746F636B\t6964\tNO\tint\t0\n"                             /* stock.id */
	"C\t73746F636B\t76616C69645F66726F6D\tNO\ttimestamp\t1\n"       /* stock.valid_from */
	"C\t73746F636B\t76616C69645F746F\tNO\ttimestamp\t1\n"           /* stock.valid_to */
	"C\t73746F636B\t717479\tYES\tint\t0\n"                          /* stock.qty */
	"Y\t707269636573\t524F575F5354415254\t524F575F454E44\ttimestamp\n"  /* prices ROW_START ROW_END */
	"Y\t73746F636B\t76616C69645F66726F6D\t76616C69645F746F\ttimestamp\n"; /* stock valid_from valid_to */

static void
load(struct siphon_my_catalog *c)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(siphon_my_catalog_parse_list(c, LISTING), 0);
}

static void
test_engine_rows(void **state)
{
	(void)state;
	assert_int_equal(siphon_my_engine_rows("InnoDB"), SIPHON_MY_ROWS_OWN);
	assert_int_equal(siphon_my_engine_rows("innodb"), SIPHON_MY_ROWS_OWN);
	assert_int_equal(siphon_my_engine_rows("Aria"), SIPHON_MY_ROWS_OWN);
	assert_int_equal(siphon_my_engine_rows("ARCHIVE"), SIPHON_MY_ROWS_OWN);
	assert_int_equal(siphon_my_engine_rows("ROCKSDB"), SIPHON_MY_ROWS_OWN);
	assert_int_equal(siphon_my_engine_rows("MRG_MyISAM"), SIPHON_MY_ROWS_ELSEWHERE);
	assert_int_equal(siphon_my_engine_rows("MRG_MYISAM"), SIPHON_MY_ROWS_ELSEWHERE);
	assert_int_equal(siphon_my_engine_rows("BLACKHOLE"), SIPHON_MY_ROWS_NONE);
	assert_int_equal(siphon_my_engine_rows("FEDERATED"), SIPHON_MY_ROWS_REMOTE);
	assert_int_equal(siphon_my_engine_rows("CONNECT"), SIPHON_MY_ROWS_REMOTE);
	assert_int_equal(siphon_my_engine_rows("SPIDER"), SIPHON_MY_ROWS_REMOTE);
	/* Not known: not guessed (a new engine, or one the server could not name). */
	assert_int_equal(siphon_my_engine_rows("NewEngine"), SIPHON_MY_ROWS_UNKNOWN);
	assert_int_equal(siphon_my_engine_rows(""), SIPHON_MY_ROWS_UNKNOWN);
	assert_int_equal(siphon_my_engine_rows("InnoDB2"), SIPHON_MY_ROWS_UNKNOWN);
}

static void
test_catalog_kinds(void **state)
{
	struct siphon_my_catalog c;
	struct siphon_my_table *t;

	(void)state;
	load(&c);
	assert_int_equal(c.ntables, 5);
	assert_int_equal(c.skipped, 0);     /* a temporary table is not an object left out */
	t = siphon_my_catalog_table(&c, "order_seq");
	assert_non_null(t);
	assert_true(t->sequence);
	assert_false(t->versioned);
	t = siphon_my_catalog_table(&c, "prices");
	assert_true(t->versioned);
	assert_string_equal(t->row_start, "ROW_START");
	assert_string_equal(t->row_end, "ROW_END");
	assert_string_equal(t->period_type, "timestamp");
	t = siphon_my_catalog_table(&c, "stock");
	assert_string_equal(t->row_start, "valid_from");
	assert_string_equal(t->row_end, "valid_to");
	assert_false(siphon_my_catalog_table(&c, "orders")->versioned);
	siphon_my_catalog_clear(&c);
}

static void
test_defs_sql_sequence(void **state)
{
	struct siphon_my_catalog c;
	struct siphon_strbuf sb = {0};
	const char *s;

	(void)state;
	load(&c);
	assert_int_equal(siphon_my_catalog_defs_sql(&c, "shop", &sb), 0);
	s = siphon_strbuf_str(&sb);
	assert_non_null(strstr(s, "SHOW CREATE SEQUENCE `order_seq`;"));
	assert_non_null(strstr(s, "SHOW CREATE TABLE `orders`;"));
	assert_null(strstr(s, "SHOW CREATE TABLE `order_seq`"));
	/* The SHOW CREATE SEQUENCE row is stored as the table's definition. */
	assert_int_equal(siphon_my_catalog_parse_defs(&c,
	        "@\tTABLE\t6F726465725F736571\n"
	        "order_seq\tCREATE SEQUENCE `order_seq` start with 1000 minvalue 1 maxvalue 9223372036854775806 increment by 10 cache 5 nocycle ENGINE=InnoDB\n"),
	        0);
	assert_string_equal(siphon_my_catalog_table(&c, "order_seq")->create,
	                    "CREATE SEQUENCE `order_seq` start with 1000 minvalue 1 maxvalue 9223372036854775806 increment by 10 cache 5 nocycle ENGINE=InnoDB");
	siphon_strbuf_free(&sb);
	siphon_my_catalog_clear(&c);
}

static char *
requalify(const char *in, const char *from, const char *to, int *changed)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_my_requalify(&sb, in, from, to, changed), 0);
	return siphon_strbuf_take(&sb);
}

static void
test_requalify(void **state)
{
	char *s;
	int n;

	(void)state;
	s = requalify("CREATE TABLE `orders` (\n  `id` bigint(20) NOT NULL DEFAULT nextval(`shop`.`order_seq`),\n"
	              "  `shop` int DEFAULT NULL COMMENT '`shop`.`x`'\n) ENGINE=InnoDB",
	              "shop", "siphon_tmp_1", &n);
	/* The qualifier only: not the column named shop, not the text of a comment. */
	assert_string_equal(s, "CREATE TABLE `orders` (\n  `id` bigint(20) NOT NULL DEFAULT nextval(`siphon_tmp_1`.`order_seq`),\n"
	                       "  `shop` int DEFAULT NULL COMMENT '`shop`.`x`'\n) ENGINE=InnoDB");
	assert_int_equal(n, 1);
	free(s);
	/* Another database's sequence stays; a hostile name is quoted. */
	s = requalify("DEFAULT nextval(`other`.`s`) + nextval(`we``ird`.`s`)", "we`ird", "a`b", &n);
	assert_string_equal(s, "DEFAULT nextval(`other`.`s`) + nextval(`a``b`.`s`)");
	assert_int_equal(n, 1);
	free(s);
	/* A prefix of a longer name, a name not followed by '.': untouched. */
	s = requalify("nextval(`shop2`.`s`), `shop` .`s`, -- `shop`.`s`\n`shop`.`t`", "shop", "x", &n);
	assert_string_equal(s, "nextval(`shop2`.`s`), `shop` .`s`, -- `shop`.`s`\n`x`.`t`");
	assert_int_equal(n, 1);
	free(s);
}

static void
test_history_select_load(void **state)
{
	struct siphon_my_catalog c;
	struct siphon_strbuf sb = {0};
	unsigned char *flags = NULL;
	struct siphon_my_table *t;

	(void)state;
	load(&c);
	/* Without history: current rows, the explicit period columns not selected (generated). */
	t = siphon_my_catalog_table(&c, "stock");
	assert_int_equal(siphon_my_select_sql(t, &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "SELECT CONCAT('v', `id`), CONCAT('v', `qty`) FROM `stock`;\nSELECT 'end';\n");
	siphon_strbuf_reset(&sb);

	/* Explicit period: its columns become copied ones, in place. */
	assert_int_equal(siphon_my_history_columns(t), 0);
	assert_int_equal(siphon_my_history_columns(t), -2);   /* once */
	assert_int_equal(siphon_my_select_sql(t, &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	                    "SELECT CONCAT('v', `id`), `valid_from`, `valid_to`, CONCAT('v', `qty`) FROM `stock` FOR SYSTEM_TIME ALL;\nSELECT 'end';\n");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_load_sql(t, "stg", &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	                    "SET SESSION system_versioning_insert_history = 1;\n"
	                    "LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE `stg`.`stock` CHARACTER SET binary"
	                    " FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'"
	                    " (`id`, `valid_from`, `valid_to`, `qty`)");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_prefixed_fields(t, &flags), 4);
	assert_int_equal(flags[0], 1);
	assert_int_equal(flags[1], 0);
	assert_int_equal(flags[2], 0);
	assert_int_equal(flags[3], 1);
	free(flags);

	/* Implicit period: ROW_START and ROW_END selected by name, at the end. */
	t = siphon_my_catalog_table(&c, "prices");
	assert_int_equal(siphon_my_history_columns(t), 0);
	assert_int_equal(siphon_my_select_sql(t, &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	                    "SELECT CONCAT('v', `id`), CONCAT('v', `price`), `ROW_START`, `ROW_END` FROM `prices` FOR SYSTEM_TIME ALL;\nSELECT 'end';\n");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_load_sql(t, "stg", &sb), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), " (`id`, `price`, `ROW_START`, `ROW_END`)"));
	siphon_strbuf_reset(&sb);

	/* Not versioned: refused. */
	assert_int_equal(siphon_my_history_columns(siphon_my_catalog_table(&c, "orders")), -2);
	assert_int_equal(siphon_my_load_sql(siphon_my_catalog_table(&c, "orders"), "stg", &sb), 0);
	assert_null(strstr(siphon_strbuf_str(&sb), "system_versioning"));
	siphon_strbuf_free(&sb);
	siphon_my_catalog_clear(&c);
}

static void
test_remove_table(void **state)
{
	struct siphon_my_catalog c;
	uint64_t before;

	(void)state;
	load(&c);
	before = c.total_bytes;
	siphon_my_catalog_remove_table(&c, 1);     /* order_seq */
	assert_int_equal(c.ntables, 4);
	assert_null(siphon_my_catalog_table(&c, "order_seq"));
	assert_non_null(siphon_my_catalog_table(&c, "orders"));
	assert_string_equal(siphon_my_catalog_table(&c, "stock")->row_start, "valid_from");
	assert_int_equal(c.total_bytes, before - 16384);
	siphon_my_catalog_remove_table(&c, 3);     /* the last one */
	assert_int_equal(c.ntables, 3);
	assert_null(siphon_my_catalog_table(&c, "merged"));
	siphon_my_catalog_clear(&c);
}

static int
collect(void *arg, const char *name, size_t len)
{
	struct siphon_strbuf *sb = arg;

	assert_int_equal(siphon_strbuf_append(sb, name, len), 0);
	assert_int_equal(siphon_strbuf_puts(sb, "|"), 0);
	return len == 4 && memcmp(name, "stop", 4) == 0 ? 7 : 0;
}

/* The names a view reads (left out with a table): not qualifiers, aliases, strings. */
static void
test_each_name(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_my_each_name("select `remote_part`.`id` AS `remote_part`, 'x`y`' from `remote_part`"
	                                     " join `a``b` on 1", collect, &sb), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "id|remote_part|a`b|");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_my_each_name("select 1 from `t`, `stop`, `u`", collect, &sb), 7);
	assert_string_equal(siphon_strbuf_str(&sb), "t|stop|");
	siphon_strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_rows),
		cmocka_unit_test(test_catalog_kinds),
		cmocka_unit_test(test_defs_sql_sequence),
		cmocka_unit_test(test_requalify),
		cmocka_unit_test(test_history_select_load),
		cmocka_unit_test(test_remove_table),
		cmocka_unit_test(test_each_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
