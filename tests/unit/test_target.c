/* test_target.c - unit tests of the local target service (engine/target.c): one policy for all engines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dead_pid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/target.h"
#include "util/tmpname.h"

/* A fake engine: its temporaries are listed from a string; drops are recorded. */
struct fake {
	struct siphon_ctx *ctx;
	const char *names;
	char dropped[1024];
	int fail_list;
};

static int
fake_list(void *arg, char **names)
{
	struct fake *f = arg;

	if (f->fail_list)
		return siphon_err(f->ctx, SIPHON_ELOCAL, "cannot list");
	*names = strdup(f->names);
	return *names == NULL ? -1 : 0;
}

static int
fake_drop(void *arg, const char *name)
{
	struct fake *f = arg;

	strncat(f->dropped, name, sizeof(f->dropped) - strlen(f->dropped) - 2);
	strcat(f->dropped, ";");
	return 0;
}

static const struct siphon_target_ops fake_ops = {.list_temps = fake_list, .drop_temp = fake_drop};

/* Only this machine's temporaries of dead runs go, behind the engine's prefix, suffix or not. */
static void
test_target_sweep(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_target t;
	struct fake f = {0};
	unsigned me = siphon_host_id();
	long dead = dead_pid();
	char names[1024], want[512];

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	f.ctx = ctx;
	snprintf(names, sizeof(names),
	         ".app.db.siphon_tmp_%08x_%ld_17-AbC123\n"          /* stale: goes */
	         ".app.db.siphon_tmp_%08x_%ld_17-AbC123-journal\n"  /* its journal: goes */
	         ".app.db.siphon_tmp_%08x_%ld_17-XyZ789\n"          /* this live run's: stays */
	         ".app.db.siphon_tmp_%08x_%ld_17-Qq\n"              /* another machine's: stays */
	         ".other.db.siphon_tmp_%08x_%ld_17-Rr\n"            /* another target's: stays */
	         "app.db\n\n",
	         me, dead, me, dead, me, (long)getpid(), me ^ 1u, dead, me, dead);
	f.names = names;
	siphon_target_init(&t, ctx, &fake_ops, &f);
	t.prefix = ".app.db.";
	siphon_target_sweep(&t);
	snprintf(want, sizeof(want), ".app.db.siphon_tmp_%08x_%ld_17-AbC123;.app.db.siphon_tmp_%08x_%ld_17-AbC123-journal;",
	         me, dead, me, dead);
	assert_string_equal(f.dropped, want);
	/* A listing that fails skips the sweep and leaves no error behind. */
	f.dropped[0] = '\0';
	f.fail_list = 1;
	siphon_target_sweep(&t);
	assert_string_equal(f.dropped, "");
	assert_int_equal(siphon_ctx_errcode(ctx), 0);
	siphon_target_clear(&t);
	siphon_ctx_free(ctx);
}

/* need + 10 % + the reserve must be free; an unknown place is not checked. */
static void
test_target_disk(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_target t;
	struct siphon_loop loop;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	siphon_target_init(&t, ctx, NULL, NULL);
	assert_int_equal(siphon_target_check_disk(&t, UINT64_C(1) << 60), 0);   /* no dir yet */
	assert_int_equal(siphon_target_set_dir(&t, "/nonexistent/siphon", "nowhere"), 0);
	assert_null(t.dir);
	assert_int_equal(siphon_target_check_disk(&t, UINT64_C(1) << 60), 0);
	assert_int_equal(siphon_target_set_dir(&t, "/tmp", "in the test's directory"), 0);
	assert_string_equal(t.where, "in the test's directory (/tmp)");
	assert_int_equal(siphon_target_check_disk(&t, 0), 0);
	assert_int_equal(siphon_target_check_disk(&t, UINT64_C(1) << 60), SIPHON_ELOCAL);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "not enough local disk space"));
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "in the test's directory (/tmp)"));
	/* The watchdog hooks into the loop and leaves only its own hook. */
	memset(&loop, 0, sizeof(loop));
	siphon_target_watch(&t, &loop);
	assert_non_null(loop.tick);
	siphon_err_clear(ctx);
	assert_int_equal(loop.tick(loop.tick_arg), 0);   /* /tmp is not full */
	siphon_target_unwatch(&t, &loop);
	assert_null(loop.tick);
	siphon_target_clear(&t);
	siphon_ctx_free(ctx);
}

static void
test_target_busy(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_target t;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	siphon_target_init(&t, ctx, NULL, NULL);
	assert_int_equal(siphon_target_check_busy(&t, "shop", 0, 0), 0);
	assert_int_equal(siphon_target_check_busy(&t, "shop", 2, 1), 0);
	assert_int_equal(siphon_target_check_busy(&t, "shop", 2, 0), SIPHON_EBUSY);
	assert_string_equal(siphon_ctx_errmsg(ctx),
	                    "the local database \"shop\" has 2 open connection(s); close them, or use --force to end them when the copy is ready");
	siphon_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_sweep),
		cmocka_unit_test(test_target_disk),
		cmocka_unit_test(test_target_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
