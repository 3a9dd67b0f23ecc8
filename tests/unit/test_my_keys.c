/*
 * test_my_keys.c - unit tests of the keys a MySQL/MariaDB table is created
 * without and gets back after its load (my_keys.h): which wait, which stay
 * and why, the CREATE left behind, the ADD clauses, and the referenced ends
 * of foreign keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/mysql/my_keys.h"

/* Splits create as table t; returns how many keys wait, the two texts in c and a. */
static int
split(const char *create, const char *t, const struct siphon_my_fkends *refs, struct siphon_strbuf *c,
      struct siphon_strbuf *a)
{
	int n = -1;

	siphon_strbuf_reset(c);
	siphon_strbuf_reset(a);
	assert_int_equal(siphon_my_defer_keys(create, t, refs, c, a, &n), 0);
	return n;
}

static void
test_sysbench(void **state)
{
	struct siphon_strbuf c = {0}, a = {0};

	(void)state;
	assert_int_equal(split("CREATE TABLE `sbtest1` (\n"
	                       "  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
	                       "  `k` int(11) NOT NULL DEFAULT 0,\n"
	                       "  `c` char(120) NOT NULL DEFAULT '',\n"
	                       "  PRIMARY KEY (`id`),\n"
	                       "  KEY `k_1` (`k`)\n"
	                       ") ENGINE=InnoDB AUTO_INCREMENT=200001 DEFAULT CHARSET=utf8mb4",
	                       "sbtest1", NULL, &c, &a), 1);
	assert_string_equal(siphon_strbuf_str(&c), "CREATE TABLE `sbtest1` (\n"
	                    "  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
	                    "  `k` int(11) NOT NULL DEFAULT 0,\n"
	                    "  `c` char(120) NOT NULL DEFAULT '',\n"
	                    "  PRIMARY KEY (`id`)\n"
	                    ") ENGINE=InnoDB AUTO_INCREMENT=200001 DEFAULT CHARSET=utf8mb4");
	assert_string_equal(siphon_strbuf_str(&a), "ADD KEY `k_1` (`k`)");
	siphon_strbuf_free(&c);
	siphon_strbuf_free(&a);
}

/* Unique, prefix, descending, composite, spatial, comments and options: all wait, in order. */
static void
test_kinds(void **state)
{
	struct siphon_strbuf c = {0}, a = {0};

	(void)state;
	assert_int_equal(split("CREATE TABLE `t` (\n"
	                       "  `id` bigint NOT NULL,\n"
	                       "  `e` varchar(200) DEFAULT NULL COMMENT 'KEY `x` (`y`), ADD',\n"
	                       "  `g` point NOT NULL,\n"
	                       "  PRIMARY KEY (`id`),\n"
	                       "  UNIQUE KEY `u,1` (`e`,`id`),\n"
	                       "  KEY `p` (`e`(10)) COMMENT 'a ( b',\n"
	                       "  KEY `d` (`id` DESC,`e`) USING BTREE,\n"
	                       "  SPATIAL KEY `s` (`g`),\n"
	                       "  FULLTEXT KEY `f` (`e`)\n"
	                       ") ENGINE=InnoDB",
	                       "t", NULL, &c, &a), 4);
	assert_string_equal(siphon_strbuf_str(&c), "CREATE TABLE `t` (\n"
	                    "  `id` bigint NOT NULL,\n"
	                    "  `e` varchar(200) DEFAULT NULL COMMENT 'KEY `x` (`y`), ADD',\n"
	                    "  `g` point NOT NULL,\n"
	                    "  PRIMARY KEY (`id`),\n"
	                    "  FULLTEXT KEY `f` (`e`)\n"
	                    ") ENGINE=InnoDB");
	assert_string_equal(siphon_strbuf_str(&a), "ADD UNIQUE KEY `u,1` (`e`,`id`), "
	                    "ADD KEY `p` (`e`(10)) COMMENT 'a ( b', ADD KEY `d` (`id` DESC,`e`) USING BTREE, "
	                    "ADD SPATIAL KEY `s` (`g`)");
	siphon_strbuf_free(&c);
	siphon_strbuf_free(&a);
}

/* The keys a foreign key needs stay, made again after the ones that wait before them. */
static void
test_foreign_keys(void **state)
{
	struct siphon_strbuf c = {0}, a = {0};
	struct siphon_my_fkends refs = {0};
	const char *child = "CREATE TABLE `child` (\n"
	                    "  `id` int NOT NULL,\n"
	                    "  `pid` int DEFAULT NULL,\n"
	                    "  `x` int DEFAULT NULL,\n"
	                    "  `y` int DEFAULT NULL,\n"
	                    "  PRIMARY KEY (`id`),\n"
	                    "  KEY `a` (`y`),\n"
	                    "  KEY `fk_p` (`pid`,`x`),\n"
	                    "  KEY `c` (`y`,`x`),\n"
	                    "  CONSTRAINT `fk_p` FOREIGN KEY (`pid`) REFERENCES `parent` (`code`) ON DELETE CASCADE,\n"
	                    "  CONSTRAINT `fk_o` FOREIGN KEY (`x`) REFERENCES `other`.`t` (`n`),\n"
	                    "  CONSTRAINT `chk` CHECK (`x` > 0)\n"
	                    ") ENGINE=InnoDB";

	(void)state;
	assert_int_equal(siphon_my_fk_referenced(child, "shop", &refs), 0);
	assert_int_equal(refs.n, 1);
	assert_string_equal(refs.v[0].table, "parent");
	assert_string_equal(refs.v[0].column, "code");
	/* a and c wait; fk_p stays for its foreign key, and is made again between them. */
	assert_int_equal(split(child, "child", &refs, &c, &a), 2);
	assert_string_equal(siphon_strbuf_str(&c), "CREATE TABLE `child` (\n"
	                    "  `id` int NOT NULL,\n"
	                    "  `pid` int DEFAULT NULL,\n"
	                    "  `x` int DEFAULT NULL,\n"
	                    "  `y` int DEFAULT NULL,\n"
	                    "  PRIMARY KEY (`id`),\n"
	                    "  KEY `fk_p` (`pid`,`x`),\n"
	                    "  CONSTRAINT `fk_p` FOREIGN KEY (`pid`) REFERENCES `parent` (`code`) ON DELETE CASCADE,\n"
	                    "  CONSTRAINT `fk_o` FOREIGN KEY (`x`) REFERENCES `other`.`t` (`n`),\n"
	                    "  CONSTRAINT `chk` CHECK (`x` > 0)\n"
	                    ") ENGINE=InnoDB");
	assert_string_equal(siphon_strbuf_str(&a), "DROP KEY `fk_p`, ADD KEY `a` (`y`), ADD KEY `fk_p` (`pid`,`x`), "
	                    "ADD KEY `c` (`y`,`x`)");
	/* One waits, two would be made again: nothing waits. */
	assert_int_equal(split("CREATE TABLE `c3` (`a` int, `b` int, `p` int, PRIMARY KEY (`a`), KEY `kb` (`b`),"
	                       " KEY `kp` (`p`), KEY `ka` (`a`,`b`), CONSTRAINT `f` FOREIGN KEY (`p`) REFERENCES `x` (`i`),"
	                       " CONSTRAINT `g` FOREIGN KEY (`a`) REFERENCES `x` (`j`))", "c3", &refs, &c, &a), 0);
	assert_string_equal(siphon_strbuf_str(&a), "");
	/* The parent: the referenced column's key stays, the one after it waits. */
	assert_int_equal(split("CREATE TABLE `Parent` (\n"
	                       "  `id` int NOT NULL,\n"
	                       "  `code` int NOT NULL,\n"
	                       "  `n` int NOT NULL,\n"
	                       "  PRIMARY KEY (`id`),\n"
	                       "  UNIQUE KEY `uc` (`code`),\n"
	                       "  UNIQUE KEY `un` (`n`),\n"
	                       "  KEY `kn` (`n`)\n"
	                       ") ENGINE=InnoDB",
	                       "Parent", &refs, &c, &a), 2);
	assert_string_equal(siphon_strbuf_str(&a), "ADD UNIQUE KEY `un` (`n`), ADD KEY `kn` (`n`)");
	/* The qualified reference to this database counts. */
	assert_int_equal(siphon_my_fk_referenced("CREATE TABLE `c2` (`a` int,"
	                                         " CONSTRAINT `f` FOREIGN KEY (`a`) REFERENCES `shop`.`p``q` (`z`))",
	                                         "shop", &refs), 0);
	assert_int_equal(refs.n, 2);
	assert_string_equal(refs.v[1].table, "p`q");
	assert_string_equal(refs.v[1].column, "z");
	siphon_my_fkends_clear(&refs);
	siphon_strbuf_free(&c);
	siphon_strbuf_free(&a);
}

/* What stays whatever its place: AUTO_INCREMENT's key, keys of a table without a primary key, hashes. */
static void
test_stays(void **state)
{
	struct siphon_strbuf c = {0}, a = {0};
	const char *autoinc = "CREATE TABLE `t` (\n"
	                      "  `a` int NOT NULL,\n"
	                      "  `n` int NOT NULL AUTO_INCREMENT,\n"
	                      "  PRIMARY KEY (`a`),\n"
	                      "  KEY `kn` (`n`),\n"
	                      "  KEY `ka` (`a`)\n"
	                      ") ENGINE=InnoDB";
	const char *nopk = "CREATE TABLE `t` (\n"
	                   "  `a` int NOT NULL,\n"
	                   "  `b` int,\n"
	                   "  UNIQUE KEY `ua` (`a`),\n"
	                   "  KEY `kb` (`b`)\n"
	                   ") ENGINE=InnoDB";
	const char *hash = "CREATE TABLE `t` (\n"
	                   "  `a` int NOT NULL,\n"
	                   "  `b` blob,\n"
	                   "  PRIMARY KEY (`a`),\n"
	                   "  UNIQUE KEY `ub` (`b`) USING HASH,\n"
	                   "  KEY `kb` (`b`(4))\n"
	                   ") ENGINE=InnoDB";

	(void)state;
	assert_int_equal(split(autoinc, "t", NULL, &c, &a), 1);
	assert_string_equal(siphon_strbuf_str(&a), "ADD KEY `ka` (`a`)");
	assert_int_equal(split(nopk, "t", NULL, &c, &a), 1);
	assert_string_equal(siphon_strbuf_str(&a), "ADD KEY `kb` (`b`)");
	assert_int_equal(split(hash, "t", NULL, &c, &a), 1);
	assert_string_equal(siphon_strbuf_str(&a), "ADD KEY `kb` (`b`(4))");
	/* A functional key part (MySQL 8) leads with no column: it waits. */
	assert_int_equal(split("CREATE TABLE `t` (`a` int NOT NULL, PRIMARY KEY (`a`), KEY `f` ((`a` + 1)))",
	                       "t", NULL, &c, &a), 1);
	assert_string_equal(siphon_strbuf_str(&c), "CREATE TABLE `t` (`a` int NOT NULL, PRIMARY KEY (`a`))");
	assert_string_equal(siphon_strbuf_str(&a), "ADD KEY `f` ((`a` + 1))");
	siphon_strbuf_free(&c);
	siphon_strbuf_free(&a);
}

/* A text it does not understand is left whole. */
static void
test_odd(void **state)
{
	struct siphon_strbuf c = {0}, a = {0};
	const char *odd[] = {"", "CREATE TABLE `t`", "CREATE TABLE `t` (`a` int, KEY `k` (`a`)",
	                     "CREATE TABLE `t` ()", "CREATE TABLE `t` (`a` int) -- KEY `k` (`a`)",
	                     "CREATE TABLE `t` ) (`a` int, PRIMARY KEY (`a`), KEY `k` (`a`))",
	                     "CREATE TABLE `t` (KEY `k` (`a`), `a` int, PRIMARY KEY (`a`))"};

	(void)state;
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		assert_int_equal(split(odd[i], "t", NULL, &c, &a), 0);
		assert_string_equal(siphon_strbuf_str(&c), odd[i]);
		assert_string_equal(siphon_strbuf_str(&a), "");
	}
	siphon_strbuf_free(&c);
	siphon_strbuf_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sysbench),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_foreign_keys),
		cmocka_unit_test(test_stays),
		cmocka_unit_test(test_odd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
