/*
 * test_pg_post.c - unit tests of the early post-data entries: the catalog's
 * index and constraint lines ('N', 'K'), the headers' tags and schemas,
 * which entries may run during the copy (pg_postq.c), when they are ready,
 * the lock table, and the lanes' loaded markers (pg_lane.c).
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
#include "engine/postgres/pg_lane.h"
#include "engine/postgres/pg_postq.h"
#include "engine/postgres/pg_script.h"
#include "util/strbuf.h"

/* Hex of s, as the server's encode(convert_to(...), 'hex') prints it. */
static void
hex(struct siphon_strbuf *sb, const char *s)
{
	for (; *s != '\0'; s++)
		assert_int_equal(siphon_strbuf_printf(sb, "%02x", (unsigned char)*s), 0);
}

static void
table(struct siphon_strbuf *sb, const char *name, char kind, unsigned oid)
{
	siphon_strbuf_puts(sb, "T|");
	hex(sb, "public");
	siphon_strbuf_puts(sb, "|");
	hex(sb, name);
	siphon_strbuf_printf(sb, "|%c|8192|%u|1|10\n", kind, oid);
}

static void
index_line(struct siphon_strbuf *sb, const char *name, unsigned oid, unsigned rel)
{
	siphon_strbuf_puts(sb, "N|");
	hex(sb, "public");
	siphon_strbuf_puts(sb, "|");
	hex(sb, name);
	siphon_strbuf_printf(sb, "|%u|%u|", oid, rel);
	hex(sb, "CREATE INDEX ...");
	siphon_strbuf_puts(sb, "\n");
}

static void
con_line(struct siphon_strbuf *sb, const char *tab, const char *name, char type, unsigned rel,
         unsigned ref, unsigned idx)
{
	siphon_strbuf_puts(sb, "K|");
	hex(sb, "public");
	siphon_strbuf_puts(sb, "|");
	hex(sb, tab);
	siphon_strbuf_puts(sb, "|");
	hex(sb, name);
	siphon_strbuf_printf(sb, "|%c|%u|%u|%u|", type, rel, ref, idx);
	hex(sb, "PRIMARY KEY (id)");
	siphon_strbuf_puts(sb, "\n");
}

enum { T_USERS, T_ORDERS, T_P, T_P1, T_EMP, T_AB, T_A };

static void
make_catalog(struct siphon_pg_catalog *c)
{
	struct siphon_strbuf sb = {0};
	char err[256];

	table(&sb, "users", 'r', 10);
	table(&sb, "orders", 'r', 11);
	table(&sb, "p", 'p', 12);
	table(&sb, "p1", 'r', 13);
	table(&sb, "emp", 'r', 14);
	table(&sb, "a b", 'r', 15);
	table(&sb, "a", 'r', 17);
	index_line(&sb, "users_pkey", 100, 10);
	index_line(&sb, "orders_pkey", 101, 11);
	index_line(&sb, "p_idx", 102, 12);
	index_line(&sb, "p1_id_idx", 103, 13);
	index_line(&sb, "users_email_idx", 104, 10);
	index_line(&sb, "emp_pkey", 105, 14);
	index_line(&sb, "mv_idx", 106, 16);          /* a materialized view: not copied by the lanes */
	index_line(&sb, "x y", 107, 10);
	index_line(&sb, "x\ny", 108, 11);            /* pg_dump prints its header as "x y" */
	index_line(&sb, "it's \"odd\"", 109, 11);
	con_line(&sb, "users", "users_pkey", 'p', 10, 0, 100);
	con_line(&sb, "orders", "orders_pkey", 'p', 11, 0, 101);
	con_line(&sb, "orders", "orders_user_fk", 'f', 11, 10, 100);
	con_line(&sb, "users", "users_order_fk", 'f', 10, 11, 101);
	con_line(&sb, "emp", "emp_pkey", 'p', 14, 0, 105);
	con_line(&sb, "emp", "emp_boss_fk", 'f', 14, 14, 105);
	con_line(&sb, "a b", "c", 'u', 15, 0, 110);
	con_line(&sb, "a", "b c", 'u', 17, 0, 111);
	memset(c, 0, sizeof(*c));
	assert_int_equal(siphon_pg_catalog_parse_more(c, siphon_strbuf_str(&sb), err, sizeof(err)), 0);
	siphon_strbuf_free(&sb);
}

#define ENTRY(name, type, sql) \
	"--\n-- Name: " name "; Type: " type "; Schema: public; Owner: app\n--\n\n" sql "\n\n\n"

enum {
	B_ORDERS_PKEY, B_USERS_PKEY, B_P_IDX, B_P1_IDX, B_EMAIL_IDX, B_COMMENT, B_ATTACH, B_TRIGGER,
	B_ORDERS_FK, B_USERS_FK, B_EMP_PKEY, B_EMP_FK, B_MV_IDX, B_XY1, B_XY2, B_ABC, B_UNKNOWN, B_ODD,
	B_CLUSTER, NB
};

static const char script_text[] =
	"SET statement_timeout = 0;\n"
	ENTRY("orders orders_pkey", "CONSTRAINT", "ALTER TABLE ONLY public.orders\n    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);")
	ENTRY("users users_pkey", "CONSTRAINT", "ALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_pkey PRIMARY KEY (id);")
	ENTRY("p_idx", "INDEX", "CREATE INDEX p_idx ON ONLY public.p USING btree (id);")
	ENTRY("p1_id_idx", "INDEX", "CREATE INDEX p1_id_idx ON public.p1 USING btree (id);")
	ENTRY("users_email_idx", "INDEX", "CREATE INDEX users_email_idx ON public.users USING btree (email);")
	ENTRY("INDEX users_email_idx", "COMMENT", "COMMENT ON INDEX public.users_email_idx IS 'x';")
	ENTRY("p1_id_idx", "INDEX ATTACH", "ALTER INDEX public.p_idx ATTACH PARTITION public.p1_id_idx;")
	ENTRY("orders orders_trg", "TRIGGER", "CREATE TRIGGER orders_trg BEFORE INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION public.trg();")
	ENTRY("orders orders_user_fk", "FK CONSTRAINT", "ALTER TABLE ONLY public.orders\n    ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES public.users(id);")
	ENTRY("users users_order_fk", "FK CONSTRAINT", "ALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_order_fk FOREIGN KEY (last_order) REFERENCES public.orders(id) DEFERRABLE;")
	ENTRY("emp emp_pkey", "CONSTRAINT", "ALTER TABLE ONLY public.emp\n    ADD CONSTRAINT emp_pkey PRIMARY KEY (id);")
	ENTRY("emp emp_boss_fk", "FK CONSTRAINT", "ALTER TABLE ONLY public.emp\n    ADD CONSTRAINT emp_boss_fk FOREIGN KEY (boss) REFERENCES public.emp(id);")
	ENTRY("mv_idx", "INDEX", "CREATE INDEX mv_idx ON public.mv USING btree (id);")
	ENTRY("x y", "INDEX", "CREATE INDEX \"x y\" ON public.users USING btree (id);")
	ENTRY("x y", "INDEX", "CREATE INDEX \"x\ny\" ON public.orders USING btree (id);")
	ENTRY("a b c", "CONSTRAINT", "ALTER TABLE ONLY public.\"a b\"\n    ADD CONSTRAINT c UNIQUE (id);")
	ENTRY("unknown_idx", "INDEX", "CREATE INDEX unknown_idx ON public.users USING btree (id);")
	ENTRY("it's \"odd\"", "INDEX", "CREATE INDEX \"it's \"\"odd\"\"\" ON public.orders USING btree (id);")
	ENTRY("users_pkey", "INDEX", "CREATE INDEX users_pkey ON public.users USING btree (id);\n\nALTER TABLE public.users CLUSTER ON users_pkey;");

struct fixture {
	struct siphon_pg_catalog c;
	struct siphon_pg_script s;
	struct siphon_pg_postent ents[NB];
	struct siphon_pg_postq q;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	make_catalog(&f->c);
	assert_int_equal(siphon_pg_script_split(&f->s, script_text, err, sizeof(err)), 0);
	assert_int_equal(f->s.nblocks, NB);
	assert_int_equal(siphon_pg_postmap(&f->s, &f->c, f->ents), 0);
	assert_int_equal(siphon_pg_postq_init(&f->q, f->ents, NB, f->c.ntables), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	siphon_pg_postq_clear(&f->q);
	siphon_pg_script_clear(&f->s);
	siphon_pg_catalog_clear(&f->c);
	free(f);
	return 0;
}

static void
test_catalog_lines(void **state)
{
	struct fixture *f = *state;

	(void)state;
	assert_int_equal(f->c.nindexes, 10);
	assert_string_equal(f->c.indexes[8].name, "x\ny");
	assert_int_equal(f->c.indexes[8].table, 11);
	assert_string_equal(f->c.indexes[0].def, "CREATE INDEX ...");
	assert_int_equal(f->c.ncons, 8);
	assert_int_equal(f->c.cons[2].type, 'f');
	assert_int_equal(f->c.cons[2].ref, 10);
	assert_int_equal(f->c.cons[2].index, 100);
}

static void
test_catalog_bad_lines(void **state)
{
	static const char *const bad[] = {
		"N|70|61|1|2\n",                       /* a field short */
		"N|70|61|x|2|64\n",                     /* not a number */
		"N|7|61|1|2|64\n",                      /* not hex */
		"K|70|61|62|c|1|0|0|64\n",              /* a check constraint: never asked for */
		"K|70|61|62|pp|1|0|0|64\n",
		"K|70|61|62|p|1|0|99999999999|64\n",    /* past an oid */
		NULL,
	};
	char err[256];

	(void)state;
	for (int i = 0; bad[i] != NULL; i++) {
		struct siphon_pg_catalog c = {0};

		assert_int_equal(siphon_pg_catalog_parse_more(&c, bad[i], err, sizeof(err)), -1);
		assert_non_null(strstr(err, "unexpected catalog line"));
		siphon_pg_catalog_clear(&c);
	}
}

static void
test_headers(void **state)
{
	struct fixture *f = *state;
	struct siphon_pg_script s;
	char err[256];

	assert_string_equal(f->s.blocks[B_ABC].name, "a b c");
	assert_string_equal(f->s.blocks[B_ABC].schema, "public");
	assert_string_equal(f->s.blocks[B_ODD].name, "it's \"odd\"");
	/* A name with "; Type: " in it, a schema with spaces. */
	assert_int_equal(siphon_pg_script_split(&s,
	        "--\n-- Name: a; Type: X; Schema: b; Type: INDEX; Schema: my schema; Owner: o; Tablespace: \n--\n\nCREATE INDEX a ON t (x);\n",
	        err, sizeof(err)), 0);
	assert_int_equal(s.nblocks, 1);
	assert_string_equal(s.blocks[0].type, "INDEX");
	assert_string_equal(s.blocks[0].name, "a; Type: X; Schema: b");
	assert_string_equal(s.blocks[0].schema, "my schema");
	siphon_pg_script_clear(&s);
}

static void
test_map(void **state)
{
	struct fixture *f = *state;
	const struct siphon_pg_postent *e = f->ents;

	assert_true(e[B_ORDERS_PKEY].early);
	assert_int_equal(e[B_ORDERS_PKEY].table, T_ORDERS);
	assert_true(e[B_ORDERS_PKEY].exclusive);
	assert_int_equal(e[B_ORDERS_PKEY].provides, 101);
	assert_true(e[B_EMAIL_IDX].early);
	assert_false(e[B_EMAIL_IDX].exclusive);
	assert_int_equal(e[B_EMAIL_IDX].table, T_USERS);
	/* The partitioned parent's index waits for the end; its leaf's does not. */
	assert_false(e[B_P_IDX].early);
	assert_true(e[B_P1_IDX].early);
	assert_int_equal(e[B_P1_IDX].table, T_P1);
	assert_false(e[B_ATTACH].early);
	assert_false(e[B_COMMENT].early);
	assert_false(e[B_TRIGGER].early);
	assert_true(e[B_ORDERS_FK].early);
	assert_int_equal(e[B_ORDERS_FK].table, T_ORDERS);
	assert_int_equal(e[B_ORDERS_FK].ref, T_USERS);
	assert_int_equal(e[B_ORDERS_FK].needs, 100);
	assert_true(e[B_USERS_FK].early);
	assert_int_equal(e[B_EMP_FK].ref, T_EMP);
	/* Matview index, flattened twins, an ambiguous tag, no catalog object: the final phase. */
	assert_false(e[B_MV_IDX].early);
	assert_false(e[B_XY1].early);
	assert_false(e[B_XY2].early);
	assert_false(e[B_ABC].early);
	assert_false(e[B_UNKNOWN].early);
	assert_true(e[B_ODD].early);
	assert_int_equal(e[B_ODD].table, T_ORDERS);
}

static void
test_ready_when_loaded(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(siphon_pg_postq_next(&f->q), -1);
	siphon_pg_postq_loaded(&f->q, T_P1);
	assert_int_equal(siphon_pg_postq_next(&f->q), B_P1_IDX);
	siphon_pg_postq_start(&f->q, B_P1_IDX);
	assert_int_equal(siphon_pg_postq_next(&f->q), -1);
	siphon_pg_postq_done(&f->q, B_P1_IDX);
	assert_int_equal(siphon_pg_postq_next(&f->q), -1);
	assert_int_equal(f->q.nearly, 1);
}

static void
test_lock_table(void **state)
{
	struct fixture *f = *state;

	siphon_pg_postq_loaded(&f->q, T_USERS);
	/* The primary key takes users whole: nothing else on users meanwhile. */
	assert_int_equal(siphon_pg_postq_next(&f->q), B_USERS_PKEY);
	siphon_pg_postq_start(&f->q, B_USERS_PKEY);
	assert_int_equal(siphon_pg_postq_next(&f->q), -1);
	siphon_pg_postq_done(&f->q, B_USERS_PKEY);
	/* Two plain index builds share the table... */
	assert_int_equal(siphon_pg_postq_next(&f->q), B_EMAIL_IDX);
	siphon_pg_postq_start(&f->q, B_EMAIL_IDX);
	/* ...but the one with CLUSTER ON takes it whole: it waits. */
	assert_int_equal(siphon_pg_postq_next(&f->q), -1);
	assert_int_equal(siphon_pg_postq_running(&f->q), 1);
	siphon_pg_postq_done(&f->q, B_EMAIL_IDX);
	assert_int_equal(siphon_pg_postq_next(&f->q), B_CLUSTER);
}

/* Runs every ready entry to its end; returns how many. */
static int
drain(struct siphon_pg_postq *q)
{
	int i, n = 0;

	while ((i = siphon_pg_postq_next(q)) >= 0) {
		siphon_pg_postq_start(q, i);
		siphon_pg_postq_done(q, i);
		n++;
	}
	return n;
}

static void
test_fk_both_ways(void **state)
{
	struct fixture *f = *state;

	siphon_pg_postq_loaded(&f->q, T_ORDERS);
	drain(&f->q);
	/* users is not loaded: neither key may run. */
	assert_int_equal(f->q.state[B_ORDERS_FK], SIPHON_PG_POST_WAIT);
	assert_int_equal(f->q.state[B_USERS_FK], SIPHON_PG_POST_WAIT);
	siphon_pg_postq_loaded(&f->q, T_USERS);
	/* users' primary key first (the referenced index), then the keys, one at a time. */
	assert_int_equal(siphon_pg_postq_next(&f->q), B_USERS_PKEY);
	siphon_pg_postq_start(&f->q, B_USERS_PKEY);
	assert_int_equal(siphon_pg_postq_next(&f->q), -1);
	siphon_pg_postq_done(&f->q, B_USERS_PKEY);
	while (f->q.state[B_EMAIL_IDX] != SIPHON_PG_POST_DONE || f->q.state[B_CLUSTER] != SIPHON_PG_POST_DONE) {
		int i = siphon_pg_postq_next(&f->q);

		assert_true(i == B_EMAIL_IDX || i == B_CLUSTER);
		siphon_pg_postq_start(&f->q, i);
		siphon_pg_postq_done(&f->q, i);
	}
	assert_int_equal(siphon_pg_postq_next(&f->q), B_ORDERS_FK);
	siphon_pg_postq_start(&f->q, B_ORDERS_FK);
	/* Both tables held: the key the other way waits (no two sessions wait on each other). */
	assert_int_equal(siphon_pg_postq_next(&f->q), -1);
	siphon_pg_postq_done(&f->q, B_ORDERS_FK);
	assert_int_equal(siphon_pg_postq_next(&f->q), B_USERS_FK);
}

static void
test_fk_self(void **state)
{
	struct fixture *f = *state;

	siphon_pg_postq_loaded(&f->q, T_EMP);
	assert_int_equal(siphon_pg_postq_next(&f->q), B_EMP_PKEY);
	siphon_pg_postq_start(&f->q, B_EMP_PKEY);
	assert_int_equal(siphon_pg_postq_next(&f->q), -1);
	siphon_pg_postq_done(&f->q, B_EMP_PKEY);
	assert_int_equal(siphon_pg_postq_next(&f->q), B_EMP_FK);
	siphon_pg_postq_start(&f->q, B_EMP_FK);
	assert_int_equal(f->q.excl[T_EMP], 1);
	siphon_pg_postq_done(&f->q, B_EMP_FK);
	assert_int_equal(f->q.excl[T_EMP], 0);
}

static void
test_unmatched_stay_final(void **state)
{
	struct fixture *f = *state;

	for (int t = 0; t < f->c.ntables; t++)
		siphon_pg_postq_loaded(&f->q, t);
	drain(&f->q);
	for (int i = 0; i < NB; i++)
		assert_int_equal(f->q.state[i], f->ents[i].early ? SIPHON_PG_POST_DONE : SIPHON_PG_POST_WAIT);
	assert_int_equal(f->q.state[B_P_IDX], SIPHON_PG_POST_WAIT);
	assert_int_equal(f->q.state[B_ATTACH], SIPHON_PG_POST_WAIT);
	assert_int_equal(f->q.state[B_MV_IDX], SIPHON_PG_POST_WAIT);
}

static void
test_fk_without_its_index(void **state)
{
	struct siphon_pg_postent ents[2] = {
		{.early = 1, .table = 0, .ref = -1, .exclusive = 0, .provides = 7},
		{.early = 1, .table = 1, .ref = 0, .exclusive = 1, .needs = 8},
	};
	struct siphon_pg_postq q;

	(void)state;
	/* The referenced index is built by no early entry: the key waits for the end. */
	assert_int_equal(siphon_pg_postq_init(&q, ents, 2, 2), 0);
	assert_false(q.ents[1].early);
	siphon_pg_postq_loaded(&q, 0);
	siphon_pg_postq_loaded(&q, 1);
	assert_int_equal(drain(&q), 1);
	siphon_pg_postq_clear(&q);
}

static void
test_exists(void **state)
{
	struct fixture *f = *state;
	struct siphon_pg_catalog have = {0};
	struct siphon_strbuf sb = {0};
	char err[256];

	index_line(&sb, "users_email_idx", 1, 2);
	con_line(&sb, "orders", "orders_user_fk", 'f', 3, 4, 5);
	assert_int_equal(siphon_pg_catalog_parse_more(&have, siphon_strbuf_str(&sb), err, sizeof(err)), 0);
	assert_true(siphon_pg_post_exists(&f->s.blocks[B_EMAIL_IDX], &have));
	assert_true(siphon_pg_post_exists(&f->s.blocks[B_ORDERS_FK], &have));
	assert_false(siphon_pg_post_exists(&f->s.blocks[B_USERS_FK], &have));
	assert_false(siphon_pg_post_exists(&f->s.blocks[B_ORDERS_PKEY], &have));
	assert_false(siphon_pg_post_exists(&f->s.blocks[B_COMMENT], &have));
	siphon_pg_catalog_clear(&have);
	siphon_strbuf_free(&sb);
}

static void
test_markers(void **state)
{
	const char *in = "siphon-loaded 0\n3\n0\nsiphon-loaded 1\nsiphon-load";
	int next = 0;
	size_t used;

	(void)state;
	assert_int_equal(siphon_pg_lane_markers(in, strlen(in), &next, &used), 0);
	assert_int_equal(next, 2);
	/* The partial last line stays for the next read. */
	assert_int_equal(used, strlen(in) - strlen("siphon-load"));
	assert_int_equal(siphon_pg_lane_markers("siphon-loaded 2\n", 16, &next, &used), 0);
	assert_int_equal(next, 3);
	/* Out of order, or not a number: refused. */
	assert_int_equal(siphon_pg_lane_markers("siphon-loaded 5\n", 16, &next, &used), -1);
	assert_int_equal(siphon_pg_lane_markers("siphon-loaded 3x\n", 17, &next, &used), -1);
	assert_int_equal(siphon_pg_lane_markers("siphon-loaded 99999999999999999999\n", 35, &next, &used), -1);
	assert_int_equal(next, 3);
}

static void
test_postobj_sql(void **state)
{
	struct fixture *f = *state;
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_pg_postobj_sql(&sb, &f->c), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "i.indrelid IN (10, 11, 12, 13, 14, 15, 17)"));
	assert_non_null(strstr(siphon_strbuf_str(&sb), "k.conrelid IN (10, 11,"));
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_pg_postobj_sql(&sb, NULL), 0);
	assert_null(strstr(siphon_strbuf_str(&sb), " IN (1"));
	assert_non_null(strstr(siphon_strbuf_str(&sb), "'information_schema'"));
	siphon_strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_catalog_lines, setup, teardown),
		cmocka_unit_test(test_catalog_bad_lines),
		cmocka_unit_test_setup_teardown(test_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ready_when_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fk_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fk_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmatched_stay_final, setup, teardown),
		cmocka_unit_test(test_fk_without_its_index),
		cmocka_unit_test_setup_teardown(test_exists, setup, teardown),
		cmocka_unit_test(test_markers),
		cmocka_unit_test_setup_teardown(test_postobj_sql, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
