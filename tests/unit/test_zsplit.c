/*
 * test_zsplit.c - unit tests of lib/remote/zsplit: the remote compressor
 * whose level follows a file.  The stage's words (quoted, one argument
 * list per level), what it refuses, and a real run with perl and zstd: the
 * output decodes to the input, in one frame while the file names the
 * current level or nothing usable, in two once it names another.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote/zsplit.h"
#include "run_child.h"

static const int levels[] = {1, 3, 6};
static const char *const args[] = {" -q -c -T1 -1 --zstd=wlog=19", " -q -c -T1 -3 --zstd=wlog=19",
                                   " -q -c -T1 -6 --zstd=wlog=19"};

static void
test_zsplit_words(void **state)
{
	struct siphon_strbuf sb = {0};
	const char *s;

	(void)state;
	assert_int_equal(siphon_zsplit_stage(&sb, "/usr/bin/perl", "/usr/bin/zstd", "\"$siphon_w/level\"", 3,
	                                     levels, args, 3), 0);
	s = siphon_strbuf_str(&sb);
	assert_true(strncmp(s, "$NICE '/usr/bin/perl' -e 'use strict;", 36) == 0);
	assert_non_null(strstr(s, "' -- \"$siphon_w/level\" '/usr/bin/zstd' 3 '1: -q -c -T1 -1 --zstd=wlog=19' "
	                          "'3: -q -c -T1 -3 --zstd=wlog=19' '6: -q -c -T1 -6 --zstd=wlog=19'"));
	/* One sh word: the program holds no single quote. */
	assert_ptr_equal(strchr(strstr(s, "-e '") + 4, '\''), strstr(s, "' -- "));
	siphon_strbuf_free(&sb);
}

static void
test_zsplit_refuses(void **state)
{
	struct siphon_strbuf sb = {0};
	const char *bad[] = {" -q 'x'", " -q -3"};
	const char *semi[] = {" -q; rm -rf /", " -q -3"};

	(void)state;
	/* A start that is none of the levels. */
	assert_int_equal(siphon_zsplit_stage(&sb, "perl", "zstd", "f", 9, levels, args, 3), -2);
	/* Arguments a sh word could not hold as they are. */
	assert_int_equal(siphon_zsplit_stage(&sb, "perl", "zstd", "f", 1, levels, bad, 2), -2);
	assert_int_equal(siphon_zsplit_stage(&sb, "perl", "zstd", "f", 1, levels, semi, 2), -2);
	assert_int_equal(sb.len, 0);
	siphon_strbuf_free(&sb);
}

/* Runs the stage on 20 MiB of text with the level file holding content (NULL: no file); the frames. */
static int
run_stage(const char *content)
{
	struct siphon_strbuf stage = {0}, drv = {0};
	struct run r;
	int frames = -1;

	assert_int_equal(siphon_zsplit_stage(&stage, "perl", "zstd", "\"$siphon_w/level\"", 1, levels, args, 3), 0);
	assert_int_equal(siphon_strbuf_puts(&drv,
	    "set -u\n"
	    "d=$(mktemp -d) || exit 1\n"
	    "awk 'BEGIN { for (i = 0; i < 200000; i++) print \"row \" i \" of the test, \" (i * 7919 % 3000) \" text text\" }' >\"$d/in\"\n"
	    "while [ $(wc -c <\"$d/in\") -lt 20971520 ]; do cat \"$d/in\" \"$d/in\" >\"$d/in2\"; mv \"$d/in2\" \"$d/in\"; done\n"
	    "[ \"$2\" = none ] || printf '%s\\n' \"$2\" >\"$d/level\"\n"
	    "NICE= siphon_w=$d\n"
	    "eval \"$1\" <\"$d/in\" >\"$d/out\" || echo \"stage failed: $?\"\n"
	    "zstd -q -d -c \"$d/out\" | cmp - \"$d/in\" && echo same\n"
	    "zstd -lv \"$d/out\" 2>&1 | sed -n 's/^# Zstandard Frames: //p'\n"
	    "rm -rf \"$d\"\n"), 0);
	{
		char *argv[] = {"sh", "-c", drv.buf, "drive", stage.buf, (char *)(content != NULL ? content : "none"), NULL};

		run_argv(argv, &r);
	}
	if (strncmp(siphon_strbuf_str(&r.out), "same\n", 5) != 0 || sscanf(r.out.buf + 5, "%d", &frames) != 1)
		fail_msg("level file [%s]: got [%s] (stderr: %s)", content != NULL ? content : "none",
		         siphon_strbuf_str(&r.out), siphon_strbuf_str(&r.err));
	run_free(&r);
	siphon_strbuf_free(&stage);
	siphon_strbuf_free(&drv);
	return frames;
}

static void
test_zsplit_real(void **state)
{
	struct run r;
	char *which[] = {"sh", "-c", "command -v perl && command -v zstd", NULL};

	(void)state;
	run_argv(which, &r);
	if (r.status != 0) {
		run_free(&r);
		skip();
	}
	run_free(&r);
	assert_int_equal(run_stage(NULL), 1);
	assert_int_equal(run_stage("1"), 1);
	assert_int_equal(run_stage("9"), 1);   /* not one of its levels */
	assert_int_equal(run_stage("3x"), 1);
	/* Another level: a new frame after the first 8 MiB, none more after the next. */
	assert_int_equal(run_stage("3"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zsplit_words),
		cmocka_unit_test(test_zsplit_refuses),
		cmocka_unit_test(test_zsplit_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
