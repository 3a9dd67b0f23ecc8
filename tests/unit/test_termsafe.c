/*
 * test_termsafe.c - unit tests of lib/util/termsafe and of the context's
 * messages: text from a server never reaches the terminal as a control
 * sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/ctx.h"
#include "util/termsafe.h"

static void
expect_safe(const char *in, const char *want)
{
	char out[256];

	siphon_term_safe(out, sizeof(out), in);
	assert_string_equal(out, want);
}

static void
test_termsafe_escapes(void **state)
{
	(void)state;
	expect_safe("plain text, 'quotes' and \\backslashes", "plain text, 'quotes' and \\backslashes");
	/* CSI, OSC (title, clipboard), BEL, backspace, DEL. */
	expect_safe("a\033[2Jb", "a\\x1b[2Jb");
	expect_safe("\033]0;owned\007", "\\x1b]0;owned\\x07");
	expect_safe("\033]52;c;ZWNobyBoaQ==\033\\", "\\x1b]52;c;ZWNobyBoaQ==\\x1b\\");
	expect_safe("x\by\177", "x\\x08y\\x7f");
	/* One line. */
	expect_safe("line 1\nline 2\r\tend", "line 1 line 2  end");
	/* C1 controls: as UTF-8 (U+009B, CSI) and as lone bytes. */
	expect_safe("a\xc2\x9b" "31mb", "a\\u009b31mb");
	expect_safe("a\x9b" "31mb", "a\\x9b31mb");
	/* Valid UTF-8 passes; invalid bytes, overlongs and surrogates do not. */
	expect_safe("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0");
	expect_safe("\xc0\xaf", "\\xc0\\xaf");
	expect_safe("\xe0\x80\x80", "\\xe0\\x80\\x80");
	expect_safe("\xed\xa0\x80", "\\xed\\xa0\\x80");
	expect_safe("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	expect_safe("end\xe2\x82", "end\\xe2\\x82");
}

static void
test_termsafe_truncates_whole(void **state)
{
	char out[8];

	(void)state;
	/* Never half an escape or half a character. */
	assert_int_equal(siphon_term_safe(out, sizeof(out), "abcd\033"), 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(siphon_term_safe(out, sizeof(out), "abcde\xe2\x82\xac"), 5);
	assert_string_equal(out, "abcde");
	assert_int_equal(siphon_term_safe(out, 1, "abc"), 0);
	assert_string_equal(out, "");
}

static void
test_termsafe_context_messages(void **state)
{
	struct siphon_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(siphon_err(ctx, SIPHON_EREMOTE, "remote said: %s", "ERROR: \033]0;x\007boom\n"),
	                 SIPHON_EREMOTE);
	assert_string_equal(siphon_ctx_errmsg(ctx), "remote said: ERROR: \\x1b]0;x\\x07boom");
	siphon_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_termsafe_escapes),
		cmocka_unit_test(test_termsafe_truncates_whole),
		cmocka_unit_test(test_termsafe_context_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
