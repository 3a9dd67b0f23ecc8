/*
 * test_tmpdir_sweep.c - unit tests of lib/util/tmpdir_sweep: a dead
 * siphon's private directories go, a live one's, another machine's, links
 * and directories holding more than files stay.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/ctx.h"
#include "util/tmpdir_sweep.h"
#include "util/tmpname.h"

static long
dead_pid(void)
{
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0)
		_exit(0);
	assert_int_equal(waitpid(p, NULL, 0), p);
	return (long)p;
}

static void
put_file(const char *dir, const char *name)
{
	char path[2200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs("rows\n", f);
	fclose(f);
}

static int
exists(const char *base, const char *name)
{
	char path[2200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", base, name);
	return lstat(path, &st) == 0;
}

static void
test_tmpdir_sweep(void **state)
{
	char base[] = "/tmp/siphon-test-sweep-XXXXXX", path[1024], live[1024], *live_name;
	char stale[128], nested[128], other[128], nodash[128], link[128], target[1024];
	long dead = dead_pid();
	unsigned host = siphon_host_id();
	struct siphon_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_non_null(mkdtemp(base));
	/* A dead siphon's directory with its rows: removed. */
	snprintf(stale, sizeof(stale), "siphon_tmp_%08x_%ld_1700000000-abc123", host, dead);
	snprintf(path, sizeof(path), "%s/%s", base, stale);
	assert_int_equal(mkdir(path, 0700), 0);
	put_file(path, "t0");
	put_file(path, "t1");
	/* The same, holding a directory: its files go, it stays. */
	snprintf(nested, sizeof(nested), "siphon_tmp_%08x_%ld_1700000000-def456", host, dead);
	snprintf(path, sizeof(path), "%s/%s", base, nested);
	assert_int_equal(mkdir(path, 0700), 0);
	put_file(path, "t0");
	snprintf(path, sizeof(path), "%s/%s/sub", base, nested);
	assert_int_equal(mkdir(path, 0700), 0);
	/* Another machine's, and a name without the directory's suffix: left alone. */
	snprintf(other, sizeof(other), "siphon_tmp_%08x_%ld_1700000000-aaaaaa", host ^ 1u, dead);
	snprintf(path, sizeof(path), "%s/%s", base, other);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(nodash, sizeof(nodash), "siphon_tmp_%08x_%ld_1700000000", host, dead);
	snprintf(path, sizeof(path), "%s/%s", base, nodash);
	assert_int_equal(mkdir(path, 0700), 0);
	/* A link named as a dead siphon's directory: not followed, its target's file stays. */
	snprintf(target, sizeof(target), "%s/target", base);
	assert_int_equal(mkdir(target, 0700), 0);
	put_file(target, "keep");
	snprintf(link, sizeof(link), "siphon_tmp_%08x_%ld_1700000000-bbbbbb", host, dead);
	snprintf(path, sizeof(path), "%s/%s", base, link);
	assert_int_equal(symlink(target, path), 0);
	/* This (live) process's own, made from the template as my_lane.c does: left alone. */
	assert_int_equal(siphon_tmpdir_template(live, sizeof(live), base), 0);
	assert_non_null(mkdtemp(live));
	put_file(live, "t0");
	live_name = strrchr(live, '/') + 1;

	assert_int_equal(siphon_tmpdir_sweep(ctx, base), 1);
	assert_false(exists(base, stale));
	assert_true(exists(base, nested));
	snprintf(path, sizeof(path), "%s/t0", nested);
	assert_false(exists(base, path));
	assert_true(exists(base, other));
	assert_true(exists(base, nodash));
	assert_true(exists(base, link));
	assert_true(exists(base, "target/keep"));
	assert_true(exists(base, live_name));
	/* Relative or missing directories: nothing. */
	assert_int_equal(siphon_tmpdir_sweep(ctx, "relative"), 0);
	assert_int_equal(siphon_tmpdir_sweep(ctx, "/nonexistent-siphon-dir"), 0);
	assert_int_equal(siphon_tmpdir_template(path, 16, base), -1);

	snprintf(path, sizeof(path), "rm -rf '%s'", base);
	assert_int_equal(system(path), 0);
	siphon_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tmpdir_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
