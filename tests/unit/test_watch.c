/*
 * test_watch.c - unit tests of lib/remote/watch: the remote watchdog's
 * script and the registration lines, run by real shells.  A registered
 * command in its own session (as sshd starts each channel's command) is
 * ended by the watchdog when siphon says 'k', when its stdin reaches EOF,
 * and when the heartbeat stops; 'q' ends nothing.  The run directory is
 * gone afterwards in every case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote/watch.h"
#include "run_child.h"

#define KEY "0123456789abcdef0123456789abcdef"

static void
test_watch_refuses_bad_input(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_watch_script(&sb, "", 60), -2);
	assert_int_equal(siphon_watch_script(&sb, "0123X", 60), -2);
	assert_int_equal(siphon_watch_script(&sb, "abc'; rm -rf /", 60), -2);
	assert_int_equal(siphon_watch_script(&sb, "0123456789abcdef0123456789abcdef0123456789", 60), -2);
	assert_int_equal(siphon_watch_script(&sb, KEY, 4), -2);
	assert_int_equal(siphon_watch_script(&sb, KEY, 86401), -2);
	assert_int_equal(siphon_watch_register(&sb, "ABC"), -2);
	assert_int_equal(siphon_watch_unregister(&sb, "x"), -2);
	assert_int_equal(sb.len, 0);
	assert_int_equal(siphon_watch_script(&sb, KEY, 5), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "siphon-run-" KEY));
	assert_non_null(strstr(siphon_strbuf_str(&sb), "timeout 5 dd"));
	siphon_strbuf_free(&sb);
}

/*
 * Runs the watchdog with its stdin from a fifo, registers a command started
 * in a session of its own (setsid, like sshd), then does what `how` says to
 * the watchdog's stdin: "k", "q", "eof" (close it) or "silent" (nothing:
 * the watchdog's timeout).  Prints "alive" or "dead" for the command, then
 * "dir" when the run directory is still there, then the watchdog's stdout.
 */
static void
drive(const char *shell, const char *how, struct run *r)
{
	struct siphon_strbuf w = {0}, reg = {0}, drv = {0};

	assert_int_equal(siphon_watch_script(&w, KEY, 5), 0);
	assert_int_equal(siphon_watch_register(&reg, KEY), 0);
	assert_int_equal(siphon_strbuf_puts(&reg, "echo $$ >\"$TMPDIR/reg.tmp\" && mv \"$TMPDIR/reg.tmp\" \"$TMPDIR/reg\"\nexec sleep 30\n"), 0);
	assert_int_equal(siphon_strbuf_puts(&drv,
	    "set -u\n"
	    "TMPDIR=$(mktemp -d) && export TMPDIR\n"
	    "mkfifo \"$TMPDIR/in\"\n"
	    "sh -c \"$1\" <\"$TMPDIR/in\" >\"$TMPDIR/w.out\" 2>\"$TMPDIR/w.err\" &\n"
	    "wpid=$!\n"
	    "exec 9>\"$TMPDIR/in\"\n"
	    "n=0; while [ ! -s \"$TMPDIR/w.out\" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done\n"
	    "setsid sh -c \"$2\" </dev/null >/dev/null 2>&1 &\n"
	    "n=0; while [ ! -f \"$TMPDIR/reg\" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done\n"
	    "spid=$(cat \"$TMPDIR/reg\")\n"
	    "case $3 in k|q) printf %s \"$3\" >&9 ;; eof) exec 9>&- ;; esac\n"
	    "wait $wpid\n"
	    "sleep 0.2\n"
	    "if ps -o stat= -p \"$spid\" 2>/dev/null | grep -qv Z; then echo alive; kill \"$spid\"; else echo dead; fi\n"
	    "[ -d \"$TMPDIR/siphon-run-" KEY "\" ] && echo dir\n"
	    "cat \"$TMPDIR/w.out\"; echo\n"
	    "rm -rf \"$TMPDIR\"\n"), 0);
	{
		char *argv[] = {(char *)shell, "-c", drv.buf, "drive", w.buf, reg.buf, (char *)how, NULL};

		run_argv(argv, r);
	}
	siphon_strbuf_free(&w);
	siphon_strbuf_free(&reg);
	siphon_strbuf_free(&drv);
}

static void
expect(const char *how, const char *want_out)
{
	struct run r;

	drive("sh", how, &r);
	if (strcmp(siphon_strbuf_str(&r.out), want_out) != 0)
		fail_msg("%s: got [%s] want [%s] (stderr: %s)", how, siphon_strbuf_str(&r.out), want_out,
		         siphon_strbuf_str(&r.err));
	run_free(&r);
}

static void
test_watch_kill_now(void **state)
{
	(void)state;
	/* 'k': the pull failed; end everything at once, quietly. */
	expect("k", "dead\nr\n");
}

static void
test_watch_done(void **state)
{
	(void)state;
	/* 'q': done; the registered command is left alone (it unregisters itself normally). */
	expect("q", "alive\nr\n");
}

static void
test_watch_eof_and_silence(void **state)
{
	(void)state;
	/* The channel closed (siphon died): fire, and say so. */
	expect("eof", "dead\nrX\n");
	/* Nothing at all for its timeout (5 s): a sleeping laptop. */
	expect("silent", "dead\nrX\n");
}

/*
 * "l<level>;" writes the level file in the run directory (for remote/zsplit.h's
 * stage) and is answered with 'h'; a level that is not a number of at most three
 * characters changes nothing.
 */
static void
test_watch_level(void **state)
{
	struct siphon_strbuf w = {0}, drv = {0};
	struct run r;

	(void)state;
	assert_int_equal(siphon_watch_script(&w, KEY, 5), 0);
	assert_int_equal(siphon_strbuf_puts(&drv,
	    "set -u\n"
	    "TMPDIR=$(mktemp -d) && export TMPDIR\n"
	    "f=\"$TMPDIR/siphon-run-" KEY "/level\"\n"
	    "mkfifo \"$TMPDIR/in\"\n"
	    "sh -c \"$1\" <\"$TMPDIR/in\" >\"$TMPDIR/w.out\" 2>\"$TMPDIR/w.err\" &\n"
	    "wpid=$!\n"
	    "exec 9>\"$TMPDIR/in\"\n"
	    "seen() { n=0; while [ \"$(cat \"$f\" 2>/dev/null)\" != \"$1\" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done; cat \"$f\"; }\n"
	    "printf 'l3;' >&9; seen 3\n"
	    "printf 'l1x;l12345;' >&9; printf 'h' >&9\n"
	    "n=0; while [ \"$(cat \"$TMPDIR/w.out\")\" != rhhhh ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done\n"
	    "cat \"$f\"\n"
	    "printf 'l-5;' >&9; seen -5\n"
	    "printf q >&9\n"
	    "wait $wpid\n"
	    "[ -d \"$TMPDIR/siphon-run-" KEY "\" ] && echo dir\n"
	    "cat \"$TMPDIR/w.out\"; echo\n"
	    "rm -rf \"$TMPDIR\"\n"), 0);
	{
		char *argv[] = {"sh", "-c", drv.buf, "drive", w.buf, NULL};

		run_argv(argv, &r);
	}
	if (strcmp(siphon_strbuf_str(&r.out), "3\n3\n-5\nrhhhhh\n") != 0)
		fail_msg("got [%s] (stderr: %s)", siphon_strbuf_str(&r.out), siphon_strbuf_str(&r.err));
	run_free(&r);
	siphon_strbuf_free(&w);
	siphon_strbuf_free(&drv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_refuses_bad_input),
		cmocka_unit_test(test_watch_kill_now),
		cmocka_unit_test(test_watch_done),
		cmocka_unit_test(test_watch_eof_and_silence),
		cmocka_unit_test(test_watch_level),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
