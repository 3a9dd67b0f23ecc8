/*
 * test_unattended.c - what surrounds a profile's pull: the run record
 * (written, read back, old records, hostile bytes), the log's rotation,
 * the per-profile lock (a second taker refused with the holder named;
 * released on unlock), the hooks (the outcome in the environment only,
 * output to the log, exit status, timeout and its process group), and the
 * run log's line format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "runlog.h"
#include "util/clock.h"
#include "util/ctx.h"

static struct siphon_ctx *
new_ctx(void)
{
	struct siphon_ctx *ctx = NULL;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	return ctx;
}

/* A fresh state directory: XDG_STATE_HOME points into a temporary directory. */
static char *
state_home(void)
{
	char tmpl[] = "/tmp/siphon-test-unatt.XXXXXX";
	char *dir = mkdtemp(tmpl);

	assert_non_null(dir);
	setenv("XDG_STATE_HOME", dir, 1);
	return strdup(dir);
}

static void
remove_tree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
test_record_round_trip(void **state)
{
	struct siphon_last_pull lp = {.time = 1764905401, .exit_code = 6, .seconds = 12.3,
	                              .bytes = 123456, .started = 1764905389, .raw_bytes = 654321,
	                              .tables = 12, .unattended = 1}, back;
	struct siphon_ctx *ctx = new_ctx();
	char *dir = state_home();

	(void)state;
	/* A message with a newline, an escape and quotes: one line, kept as data. */
	snprintf(lp.message, sizeof(lp.message), "relation \"x$(touch /tmp/x)\"\nmissing\x1b[31m");
	assert_int_equal(siphon_last_pull_write(ctx, "prod", &lp), 0);
	assert_int_equal(siphon_last_pull_read("prod", &back), 0);
	assert_int_equal(back.time, lp.time);
	assert_int_equal(back.exit_code, 6);
	assert_true(back.seconds > 12.25 && back.seconds < 12.35);
	assert_int_equal(back.bytes, 123456);
	assert_int_equal(back.started, lp.started);
	assert_int_equal(back.raw_bytes, 654321);
	assert_int_equal(back.tables, 12);
	assert_int_equal(back.unattended, 1);
	assert_string_equal(back.message, "relation \"x$(touch /tmp/x)\"?missing?[31m");
	assert_int_equal(siphon_last_pull_read("other", &back), -1);
	siphon_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
}

static void
test_record_old_and_hostile(void **state)
{
	static const char old[] = "time=1700000000\nexit=0\nseconds=3.5\nbytes=42\n";
	static const char crlf[] = "time=5\r\nexit=3\r\nmessage=cut\r\n";
	static const char junk[] = "=\n\n==x\ntime=12x\nexit=999\nbytes=-4\nseconds=nan\nseconds=1e400"
	                           "\ntables=-7\ntime=7\nunknown=1\nmessage";
	struct siphon_last_pull lp;
	char big[2048];
	size_t blen = 15;

	(void)state;
	/* Written before issue 11: the new fields read as unknown. */
	assert_int_equal(siphon_last_pull_parse(old, sizeof(old) - 1, &lp), 0);
	assert_int_equal(lp.time, 1700000000);
	assert_int_equal(lp.bytes, 42);
	assert_int_equal(lp.tables, -1);
	assert_int_equal(lp.started, 0);
	assert_string_equal(lp.message, "");
	assert_int_equal(siphon_last_pull_parse(crlf, sizeof(crlf) - 1, &lp), 0);
	assert_int_equal(lp.exit_code, 3);
	assert_string_equal(lp.message, "cut");
	/* Bad numbers are ignored, one by one. */
	assert_int_equal(siphon_last_pull_parse(junk, sizeof(junk) - 1, &lp), 0);
	assert_int_equal(lp.time, 7);
	assert_int_equal(lp.exit_code, 0);
	assert_int_equal(lp.bytes, 0);
	assert_true(lp.seconds == 0);
	assert_int_equal(lp.tables, -1);
	/* No time: no record. */
	assert_int_equal(siphon_last_pull_parse("exit=0\n", 7, &lp), -1);
	assert_int_equal(siphon_last_pull_parse("", 0, &lp), -1);
	/* A message longer than the field: cut, terminated, not a half character. */
	memcpy(big, "time=1\nmessage=", 15);
	for (; blen + 2 <= sizeof(big); blen += 2)
		memcpy(big + blen, "\xc3\xa9", 2);
	assert_int_equal(siphon_last_pull_parse(big, blen, &lp), 0);
	assert_true(strlen(lp.message) < sizeof(lp.message));
	assert_int_equal(strlen(lp.message) % 2, 0);
}

static long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void
test_log_rotate(void **state)
{
	struct siphon_ctx *ctx = new_ctx();
	char *dir = state_home(), path[512], p1[520], p3[520], p4[520];
	char *chunk = malloc(600);
	int fd;

	(void)state;
	assert_non_null(chunk);
	memset(chunk, 'x', 600);
	snprintf(path, sizeof(path), "%s/log", dir);
	snprintf(p1, sizeof(p1), "%s.1", path);
	snprintf(p3, sizeof(p3), "%s.3", path);
	snprintf(p4, sizeof(p4), "%s.4", path);
	/* Missing or small: nothing happens. */
	assert_int_equal(siphon_cfg_log_rotate(ctx, path, 1000, 3), 0);
	write_file(path, chunk, 600);
	assert_int_equal(siphon_cfg_log_rotate(ctx, path, 1000, 3), 0);
	assert_int_equal(file_size(p1), -1);
	/* Five rotations with 3 kept: .1 .2 .3, the oldest gone, no .4. */
	for (int i = 0; i < 5; i++) {
		char first[2] = {(char)('a' + i), 0};

		write_file(path, first, 1);
		fd = open(path, O_WRONLY | O_APPEND);
		assert_int_equal(write(fd, chunk, 600), 600);
		assert_int_equal(write(fd, chunk, 600), 600);
		close(fd);
		assert_int_equal(siphon_cfg_log_rotate(ctx, path, 1000, 3), 0);
		assert_int_equal(file_size(path), -1);
	}
	assert_int_equal(file_size(p1), 1201);
	assert_int_equal(file_size(p3), 1201);
	assert_int_equal(file_size(p4), -1);
	{
		char c = 0;

		fd = open(p3, O_RDONLY);
		assert_int_equal(read(fd, &c, 1), 1);
		close(fd);
		assert_int_equal(c, 'c');   /* the third of five: the two older dropped */
	}
	/* The profile's log: opened 0600, in a 0700 directory. */
	assert_int_equal(siphon_profile_log_open(ctx, "prod", 1, &fd), 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/siphon/prod.log", dir);
	{
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		snprintf(path, sizeof(path), "%s/siphon", dir);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0700);
	}
	free(chunk);
	siphon_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
}

static void
test_lock(void **state)
{
	struct siphon_ctx *ctx = new_ctx();
	struct siphon_profile_lock *a = NULL, *b = NULL;
	char *dir = state_home(), want[128];
	int pipefd[2], status;
	pid_t pid;

	(void)state;
	assert_int_equal(siphon_profile_lock(ctx, "prod", "siphon pull prod", &a), 0);
	/* Another process is refused, with this one named. */
	assert_int_equal(pipe(pipefd), 0);
	if ((pid = fork()) == 0) {
		struct siphon_ctx *cctx = NULL;
		int r;

		if (siphon_ctx_new(&cctx) != 0)
			_exit(90);
		r = siphon_profile_lock(cctx, "prod", "siphon pull prod", &b);
		if (write(pipefd[1], siphon_ctx_errmsg(cctx), strlen(siphon_ctx_errmsg(cctx)) + 1) < 0)
			_exit(91);
		_exit(r == SIPHON_ELOCKED ? 0 : 92);
	}
	close(pipefd[1]);
	{
		char msg[1024] = "";
		size_t len = 0;
		ssize_t n;

		while ((n = read(pipefd[0], msg + len, sizeof(msg) - 1 - len)) > 0)
			len += (size_t)n;
		msg[len] = '\0';
		snprintf(want, sizeof(want), "pid %ld, since ", (long)getpid());
		if (strstr(msg, want) == NULL || strstr(msg, "(siphon pull prod)") == NULL ||
		    strstr(msg, "another run of profile 'prod' is in progress") == NULL)
			fail_msg("refusal: %s", msg);
	}
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Another profile is free; once released, this one is too. */
	assert_int_equal(siphon_profile_lock(ctx, "other", "x", &b), 0);
	siphon_profile_unlock(b);
	siphon_profile_unlock(a);
	assert_int_equal(siphon_profile_lock(ctx, "prod", "again", &a), 0);
	siphon_profile_unlock(a);
	siphon_profile_unlock(NULL);
	/* No bad name reaches the file system. */
	assert_int_equal(siphon_profile_lock(ctx, "../x", "x", &a), SIPHON_EUSAGE);
	siphon_ctx_free(ctx);
	remove_tree(dir);
	free(dir);
}

/* The hook's lines as the log callback got them. */
struct lines {
	char text[8192];
};

static void
collect(void *arg, enum siphon_log_level level, const char *msg)
{
	struct lines *l = arg;
	size_t len = strlen(l->text);

	(void)level;
	snprintf(l->text + len, sizeof(l->text) - len, "%s\n", msg);
}

static int
run_hook(const char *command, const struct siphon_hook_outcome *o, int timeout, struct lines *l,
         char *err, size_t cap)
{
	struct siphon_ctx *ctx = new_ctx();
	int r;

	memset(l, 0, sizeof(*l));
	siphon_ctx_set_log(ctx, collect, l, SIPHON_LOG_INFO);
	r = siphon_hook_run(ctx, "on_failure", command, o, timeout);
	snprintf(err, cap, "%s", siphon_ctx_errmsg(ctx));
	siphon_ctx_free(ctx);
	return r;
}

static void
test_hook(void **state)
{
	static const char msg[] = "relation \"a'b\" $(touch /tmp/siphon-test-unatt-pwned) `id` $HOME";
	struct siphon_hook_outcome o = {.profile = "prod", .host = "db1", .database = "shop",
	                                .into = "shop_dev", .engine = "postgres", .exit_code = 6,
	                                .message = msg, .seconds = 1.25, .bytes = 10, .raw_bytes = 20,
	                                .tables = 3, .started = 100, .ended = 101, .log = NULL};
	struct lines l;
	char err[1024], want[512];
	double t0;

	(void)state;
	unlink("/tmp/siphon-test-unatt-pwned");
	setenv("SIPHON_MESSAGE", "stale", 1);
	assert_int_equal(run_hook("printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|[%s]\\n' \"$SIPHON_PROFILE\" "
	                          "\"$SIPHON_HOST\" \"$SIPHON_DATABASE\" \"$SIPHON_INTO\" \"$SIPHON_ENGINE\" "
	                          "\"$SIPHON_OUTCOME\" \"$SIPHON_EXIT\" \"$SIPHON_SECONDS\" \"$SIPHON_BYTES\" "
	                          "\"$SIPHON_RAW_BYTES\" \"$SIPHON_TABLES\" \"$SIPHON_STARTED\" \"$SIPHON_LOG\"; "
	                          "printf '%s\\n' \"$SIPHON_MESSAGE\"; read x; echo \"stdin=$x.\" >&2",
	                          &o, 10, &l, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "on_failure: prod|db1|shop|shop_dev|postgres|failure|6|1.2|10|20|3|100|[]\n"
	         "on_failure: %s\non_failure: stdin=.\n", msg);
	assert_string_equal(l.text, want);
	/* The message was data: nothing of it ran. */
	assert_int_equal(access("/tmp/siphon-test-unatt-pwned", F_OK), -1);
	unsetenv("SIPHON_MESSAGE");

	/* A failure: its exit status and last line, never the command (a secret URL). */
	assert_int_equal(run_hook("echo one; echo 'the end'; exit 4 # https://hooks/SECRET", &o, 10, &l,
	                          err, sizeof(err)), SIPHON_ELOCAL);
	assert_string_equal(err, "the on_failure command failed (exit status 4); its last line: the end");
	assert_int_equal(run_hook("nosuchcommand-siphon", &o, 10, &l, err, sizeof(err)), SIPHON_ELOCAL);
	assert_non_null(strstr(err, "exit status 127: command not found?"));

	/* Too slow: stopped after the timeout, with what it started. */
	unlink("/tmp/siphon-test-unatt-child");
	t0 = siphon_mono_s();
	assert_int_equal(run_hook("(sleep 3; touch /tmp/siphon-test-unatt-child) & echo waiting; sleep 30",
	                          &o, 1, &l, err, sizeof(err)), SIPHON_ELOCAL);
	assert_true(siphon_mono_s() - t0 < 5);
	assert_string_equal(err, "the on_failure command took more than 1 s and was stopped; its last "
	                         "line: waiting");
	sleep(3);
	assert_int_equal(access("/tmp/siphon-test-unatt-child", F_OK), -1);
}

static void
test_runlog_format(void **state)
{
	char buf[64];
	size_t len;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	len = cli_runlog_format(buf, sizeof(buf), 1764905401, "a\tb\x1b[2Jc\n");
	assert_string_equal(buf, "2025-12-05T03:30:01+0000 a b?[2Jc?\n");
	assert_int_equal(len, strlen(buf));
	/* Cut to fit, still one line. */
	len = cli_runlog_format(buf, 30, 0, "0123456789");
	assert_int_equal(len, 29);
	assert_int_equal(buf[28], '\n');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_record_old_and_hostile),
		cmocka_unit_test(test_log_rotate),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_hook),
		cmocka_unit_test(test_runlog_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
