/*
 * test_compress_cmd.c - unit tests of codec/compress_cmd: auto's order of
 * preference, the level bounds and defaults, and the exact command line of
 * each compressor's stage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "codec/compress_cmd.h"

static void
test_compress_cmd_table(void **state)
{
	const struct siphon_compressor *c;

	(void)state;
	assert_string_equal(siphon_compressors[0].name, "zstd");
	assert_string_equal(siphon_compressors[1].name, "pigz");
	assert_string_equal(siphon_compressors[2].name, "gzip");
	assert_null(siphon_compressors[3].name);
	assert_null(siphon_compressor_find(SIPHON_COMPRESS_AUTO));
	assert_null(siphon_compressor_find(SIPHON_COMPRESS_NONE));
	c = siphon_compressor_find(SIPHON_COMPRESS_PIGZ);
	assert_non_null(c);
	assert_string_equal(c->family, "gzip");
	assert_int_equal(c->codec, SIPHON_CODEC_GZIP);
	assert_int_equal(siphon_compressor_find(SIPHON_COMPRESS_ZSTD)->codec, SIPHON_CODEC_ZSTD);
}

#define BAD 1000

/* The level siphon_compressor_level picks, BAD when it refuses. */
static int
level_of(const struct siphon_compressor *c, int asked)
{
	int level;

	return siphon_compressor_level(c, asked, &level) == 0 ? level : BAD;
}

static void
test_compress_cmd_levels(void **state)
{
	const struct siphon_compressor *z = siphon_compressor_find(SIPHON_COMPRESS_ZSTD);
	const struct siphon_compressor *g = siphon_compressor_find(SIPHON_COMPRESS_GZIP);

	(void)state;
	assert_int_equal(level_of(z, 0), 3);
	assert_int_equal(level_of(z, 1), 1);
	assert_int_equal(level_of(z, 22), 22);
	assert_int_equal(level_of(z, 23), BAD);
	/* zstd's fast levels: --fast=1 to --fast=20. */
	assert_int_equal(level_of(z, -1), -1);
	assert_int_equal(level_of(z, -20), -20);
	assert_int_equal(level_of(z, -21), BAD);
	assert_int_equal(level_of(g, 0), 1);
	assert_int_equal(level_of(g, 9), 9);
	assert_int_equal(level_of(g, 10), BAD);
	assert_int_equal(level_of(g, -1), BAD);
	assert_int_equal(level_of(siphon_compressor_find(SIPHON_COMPRESS_PIGZ), 0), 1);
}

static void
check_stage(enum siphon_compress which, int level, int threads, const char *want)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_compressor_stage(&sb, siphon_compressor_find(which), "SIPHON_Z",
	                                         level, threads), 0);
	assert_string_equal(siphon_strbuf_str(&sb), want);
	siphon_strbuf_free(&sb);
}

static void
test_compress_cmd_stage(void **state)
{
	(void)state;
	check_stage(SIPHON_COMPRESS_ZSTD, 3, 0, "$NICE \"$SIPHON_Z\" -q -c -T0 -3 --zstd=wlog=19");
	check_stage(SIPHON_COMPRESS_ZSTD, 19, 2, "$NICE \"$SIPHON_Z\" -q -c -T2 -19 --zstd=wlog=19");
	check_stage(SIPHON_COMPRESS_ZSTD, 20, 0, "$NICE \"$SIPHON_Z\" -q -c -T0 --ultra -20 --zstd=wlog=19");
	check_stage(SIPHON_COMPRESS_ZSTD, -3, 1, "$NICE \"$SIPHON_Z\" -q -c -T1 --fast=3 --zstd=wlog=19");
	check_stage(SIPHON_COMPRESS_PIGZ, 1, 0, "$NICE \"$SIPHON_Z\" -c -1");
	check_stage(SIPHON_COMPRESS_PIGZ, 6, 4, "$NICE \"$SIPHON_Z\" -c -p 4 -6");
	check_stage(SIPHON_COMPRESS_GZIP, 9, 4, "$NICE \"$SIPHON_Z\" -c -9");
}

/* The arguments alone (psql's \o names the program itself). */
static void
test_compress_cmd_args(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_compressor_args(&sb, siphon_compressor_find(SIPHON_COMPRESS_ZSTD), 6, 1), 0);
	assert_string_equal(siphon_strbuf_str(&sb), " -q -c -T1 -6 --zstd=wlog=19");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_compressor_args(&sb, siphon_compressor_find(SIPHON_COMPRESS_PIGZ), 1, 2), 0);
	assert_string_equal(siphon_strbuf_str(&sb), " -c -p 2 -1");
	siphon_strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compress_cmd_table),
		cmocka_unit_test(test_compress_cmd_levels),
		cmocka_unit_test(test_compress_cmd_stage),
		cmocka_unit_test(test_compress_cmd_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
