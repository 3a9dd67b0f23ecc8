/*
 * test_my_batch.c - unit tests of a batch loader's text and answers
 * (my_batch.h): which directories may be named in SQL, one table's part of
 * the script, the markers read back with each table's warnings, and which
 * table a failed batch names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/mysql/my_batch.h"
#include "engine/mysql/my_lane.h"

static void
test_dir_ok(void **state)
{
	(void)state;
	assert_true(siphon_my_batch_dir_ok("/tmp/siphon-load-Ab3_x.Y"));
	assert_false(siphon_my_batch_dir_ok("tmp/relative"));
	assert_false(siphon_my_batch_dir_ok("/tmp/it's"));
	assert_false(siphon_my_batch_dir_ok("/tmp/a b"));
	assert_false(siphon_my_batch_dir_ok("/tmp/back\\slash"));
	assert_false(siphon_my_batch_dir_ok(""));
	assert_false(siphon_my_batch_dir_ok(NULL));
}

static void
test_sql(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_my_batch_sql(&sb, "LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE `s`.`t` (a, b)",
	                                     "/tmp/d/t7", 3), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	                    "LOAD DATA LOCAL INFILE '/tmp/d/t7' INTO TABLE `s`.`t` (a, b);\n"
	                    "SHOW WARNINGS LIMIT 3;\nSELECT 'siphon-loaded', 3;\n");
	/* No '/dev/stdin' to replace, or a path that would need quoting: refused. */
	assert_int_equal(siphon_my_batch_sql(&sb, "LOAD DATA LOCAL INFILE 'x' INTO TABLE t", "/tmp/d/t1", 0), -1);
	assert_int_equal(siphon_my_batch_sql(&sb, "LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE t", "/tmp/'/t1", 0), -1);
	siphon_strbuf_free(&sb);
}

static void
test_read(void **state)
{
	const char *seg[4];
	size_t len[4];
	const char *out = "siphon-loaded\t0\n"
	                  "Warning\t1265\tData truncated for column 'e' at row 1\n"
	                  "siphon-loaded\t1\n"
	                  "siphon-loaded\t2\n";

	(void)state;
	assert_int_equal(siphon_my_batch_read(out, 4, seg, len), 3);
	assert_int_equal(len[0], 0);
	assert_int_equal(len[1], strlen("Warning\t1265\tData truncated for column 'e' at row 1\n"));
	assert_memory_equal(seg[1], "Warning\t1265", 12);
	assert_int_equal(len[2], 0);
	/* n bounds the count; NULL segments are fine. */
	assert_int_equal(siphon_my_batch_read(out, 2, NULL, NULL), 2);
	/* Out of order, or not a whole number: the count stops there. */
	assert_int_equal(siphon_my_batch_read("siphon-loaded\t0\nsiphon-loaded\t2\nsiphon-loaded\t1\n", 4, seg, len), 1);
	assert_int_equal(siphon_my_batch_read("siphon-loaded\t0x\n", 4, seg, len), 0);
	assert_int_equal(siphon_my_batch_read("siphon-loaded\t\n", 4, seg, len), 0);
	/* A cut last line without its newline still counts; nothing is nothing. */
	assert_int_equal(siphon_my_batch_read("siphon-loaded\t0", 4, seg, len), 1);
	assert_int_equal(siphon_my_batch_read("", 4, seg, len), 0);
	assert_int_equal(siphon_my_batch_read("ERROR 1062\n", 4, seg, len), 0);
}

/* Which table a failed batch names: the one after the last marker, or its first when all came. */
static void
test_culprit(void **state)
{
	/* Items 2..7 in the batch; 3 and 6 had no rows (no file, no marker). */
	struct siphon_my_lane_item items[9] = {0};
	struct siphon_my_batch batches[2] = {{.first = 0, .end = 2, .n = 2}, {.first = 2, .end = 8, .n = 4}};
	struct siphon_my_lane lane = {.items = items, .nitems = 9, .batches = batches, .nbatches = 2};

	(void)state;
	for (int i = 0; i < 9; i++)
		items[i].file_bytes = i == 3 || i == 6 ? 0 : 100;
	assert_int_equal(siphon_my_lane_batch_culprit(&lane, 1, 0), 2);
	assert_int_equal(siphon_my_lane_batch_culprit(&lane, 1, 1), 4);
	assert_int_equal(siphon_my_lane_batch_culprit(&lane, 1, 2), 5);
	assert_int_equal(siphon_my_lane_batch_culprit(&lane, 1, 3), 7);
	/* Every marker came, the loader still failed: its first table. */
	assert_int_equal(siphon_my_lane_batch_culprit(&lane, 1, 4), 2);
	assert_int_equal(siphon_my_lane_batch_culprit(&lane, 0, 1), 1);
	assert_int_equal(siphon_my_lane_batch_culprit(&lane, 0, 2), 0);
	/* A first item without a file is never named. */
	items[2].file_bytes = 0;
	batches[1].n = 3;
	assert_int_equal(siphon_my_lane_batch_culprit(&lane, 1, 0), 4);
	assert_int_equal(siphon_my_lane_batch_culprit(&lane, 1, 3), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_ok),
		cmocka_unit_test(test_sql),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_culprit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
