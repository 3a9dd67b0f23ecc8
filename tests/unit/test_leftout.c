/*
 * test_leftout.c - unit tests of lib/engine/leftout: what a pull did not copy
 * exactly is said once per thing, on one line each, and bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "engine/leftout.h"
#include "util/ctx.h"

struct seen {
	int n;
	char last[512];
	char first[512];
};

static void
record(void *arg, enum siphon_log_level level, const char *msg)
{
	struct seen *s = arg;

	assert_int_equal(level, SIPHON_LOG_WARN);
	if (s->n == 0)
		snprintf(s->first, sizeof(s->first), "%s", msg);
	snprintf(s->last, sizeof(s->last), "%s", msg);
	s->n++;
}

static void
test_leftout_one_warning_each(void **state)
{
	struct siphon_leftout lo = {0};
	struct siphon_ctx *ctx = NULL;
	struct seen seen = {0};

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	siphon_ctx_set_log(ctx, record, &seen, SIPHON_LOG_DEBUG);
	siphon_leftout_report(&lo, ctx);
	assert_int_equal(seen.n, 0);

	assert_int_equal(siphon_leftout_add(&lo, "table %s: rows live on another server", "m"), 0);
	assert_int_equal(siphon_leftout_add(&lo, "policy \"a\nb\": role %s", "x\ty"), 0);
	assert_int_equal(lo.n, 2);
	siphon_leftout_report(&lo, ctx);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.first, "not copied exactly: table m: rows live on another server");
	assert_string_equal(seen.last, "not copied exactly: policy \"a b\": role x y");
	siphon_leftout_free(&lo);
	siphon_ctx_free(ctx);
}

static void
test_leftout_bounded(void **state)
{
	struct siphon_leftout lo = {0};
	struct siphon_ctx *ctx = NULL;
	struct seen seen = {0};

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	siphon_ctx_set_log(ctx, record, &seen, SIPHON_LOG_DEBUG);
	for (int i = 0; i < SIPHON_LEFTOUT_MAX + 50; i++)
		assert_int_equal(siphon_leftout_add(&lo, "object %d", i), 0);
	assert_int_equal(lo.n, SIPHON_LEFTOUT_MAX + 50);
	assert_int_equal(lo.kept, SIPHON_LEFTOUT_MAX);
	siphon_leftout_report(&lo, ctx);
	assert_int_equal(seen.n, SIPHON_LEFTOUT_MAX + 1);
	assert_string_equal(seen.first, "not copied exactly: object 0");
	assert_string_equal(seen.last, "not copied exactly: ... and 50 more");
	siphon_leftout_free(&lo);
	siphon_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leftout_one_warning_each),
		cmocka_unit_test(test_leftout_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
