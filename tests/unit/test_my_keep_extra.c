/*
 * test_my_keep_extra.c - unit tests of siphon_my_extras_parse(): the
 * local server's rows about the foreign keys and AUTO_INCREMENT counters
 * of a database become ALTER TABLE statements on its copy.  Names arrive
 * in hex and leave quoted; a reference into the copied database points
 * into the copy; a key of several columns is one statement; rows not in
 * the query's form are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/mysql/my_keep_extra.h"

/* s in upper-case hex, as HEX() gives it (into a static buffer of its own per slot). */
static const char *
hx(int slot, const char *s)
{
	static char buf[8][256];
	char *p = buf[slot];

	for (; *s != '\0'; s++, p += 2)
		snprintf(p, 3, "%02X", (unsigned char)*s);
	*p = '\0';
	return buf[slot];
}

/* One F row: table, constraint, column, ref schema, ref table, ref column, update, delete. */
static void
add_f(char *out, size_t cap, const char *t, const char *k, const char *c, const char *rs, const char *rt,
      const char *rc, const char *upd, const char *del)
{
	size_t n = strlen(out);

	snprintf(out + n, cap - n, "F\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", hx(0, t), hx(1, k), hx(2, c),
	         hx(3, rs), hx(4, rt), hx(5, rc), upd, del);
}

static void
test_my_extras_fk_and_counter(void **state)
{
	struct siphon_strbuf sql = {0};
	char out[4096] = "";

	(void)state;
	add_f(out, sizeof(out), "child", "fk_p", "parent_id", "src", "parent", "id", "RESTRICT", "CASCADE");
	snprintf(out + strlen(out), sizeof(out) - strlen(out), "A\t%s\t42\n", hx(0, "odd `name`"));
	assert_int_equal(siphon_my_extras_parse(out, "src", "copy", &sql), 0);
	/* A key is written once it is whole: after the counter that followed it. */
	assert_string_equal(siphon_strbuf_str(&sql),
	                    "ALTER TABLE `copy`.`odd ``name``` AUTO_INCREMENT = 42;\n"
	                    "ALTER TABLE `copy`.`child` ADD CONSTRAINT `fk_p` FOREIGN KEY (`parent_id`)"
	                    " REFERENCES `copy`.`parent` (`id`) ON DELETE CASCADE;\n");
	siphon_strbuf_free(&sql);
}

static void
test_my_extras_multi_column_and_other_db(void **state)
{
	struct siphon_strbuf sql = {0};
	char out[4096] = "";

	(void)state;
	/* Two columns of one key, then a key into another database (kept as it is). */
	add_f(out, sizeof(out), "t", "k2", "a", "src", "p", "x", "SET NULL", "NO ACTION");
	add_f(out, sizeof(out), "t", "k2", "b", "src", "p", "y", "SET NULL", "NO ACTION");
	add_f(out, sizeof(out), "t", "k3", "c", "other db", "q", "z", "RESTRICT", "RESTRICT");
	assert_int_equal(siphon_my_extras_parse(out, "src", "copy", &sql), 0);
	assert_string_equal(siphon_strbuf_str(&sql),
	                    "ALTER TABLE `copy`.`t` ADD CONSTRAINT `k2` FOREIGN KEY (`a`, `b`)"
	                    " REFERENCES `copy`.`p` (`x`, `y`) ON DELETE NO ACTION ON UPDATE SET NULL;\n"
	                    "ALTER TABLE `copy`.`t` ADD CONSTRAINT `k3` FOREIGN KEY (`c`)"
	                    " REFERENCES `other db`.`q` (`z`);\n");
	siphon_strbuf_free(&sql);
}

static void
test_my_extras_empty(void **state)
{
	struct siphon_strbuf sql = {0};

	(void)state;
	assert_int_equal(siphon_my_extras_parse("", "a", "b", &sql), 0);
	assert_int_equal(siphon_my_extras_parse("\n\n", "a", "b", &sql), 0);
	assert_int_equal(sql.len, 0);
	siphon_strbuf_free(&sql);
}

static void
test_my_extras_refused(void **state)
{
	static const char *const bad[] = {
		"A\t41\t12x\n",                 /* a counter that is no number */
		"A\t41\t\n",                    /* no counter */
		"A\t4\t1\n",                    /* odd hex */
		"A\t41\t1\textra\n",            /* a field too many */
		"F\t41\t42\t43\t44\t45\t46\tCASCADE\tDROP TABLE x\n", /* not a rule */
		"F\t41\t42\t43\n",              /* too few fields */
		"X\t41\n",                      /* an unknown row */
		"ERROR 1146 (42S02): Table doesn't exist\n",
	};
	struct siphon_strbuf sql = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		siphon_strbuf_reset(&sql);
		assert_int_equal(siphon_my_extras_parse(bad[i], "a", "b", &sql), -2);
		/* Nothing of a refused row was written. */
		assert_null(strstr(siphon_strbuf_str(&sql), "DROP"));
	}
	siphon_strbuf_free(&sql);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_my_extras_fk_and_counter),
		cmocka_unit_test(test_my_extras_multi_column_and_other_db),
		cmocka_unit_test(test_my_extras_empty),
		cmocka_unit_test(test_my_extras_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
