/*
 * test_shell.c - unit tests of lib/remote/shell: quoting, wrapping for any
 * login shell, option splitting, pipelines with status trailers, preamble.
 *
 * Nothing here trusts string comparison alone: every quoted word and every
 * wrapped script is run by real shells (sh, dash, bash, zsh, and fish, tcsh
 * and csh when installed) and the bytes they print are compared with the
 * bytes that went in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "remote/shell.h"


#include "run_child.h"

/* Runs `shell -c cmd`. */
static void
run_shell(const char *shell, const char *cmd, struct run *r)
{
	char *argv[] = { (char *)shell, (char *)"-c", (char *)cmd, NULL };

	run_argv(argv, r);
}

static int
have(const char *path)
{
	return access(path, X_OK) == 0;
}

/* The shells that run siphon's inner scripts (POSIX sh dialects). */
static const char *const posix_shells[] = {
	"/bin/sh", "/usr/bin/dash", "/bin/bash", NULL,
};

/* Every login shell the wrapper must survive. */
static const char *const login_shells[] = {
	"/bin/sh", "/usr/bin/dash", "/bin/bash", "/usr/bin/zsh",
	"/usr/bin/fish", "/usr/bin/tcsh", "/bin/csh", NULL,
};

/* Strings an attacker could choose for a database, schema or option. */
static const char *const hostile[] = {
	"",
	" ",
	"'",
	"''",
	"'''",
	"a'b",
	"'a'",
	"\"",
	"\\",
	"\\'",
	"'\\",
	"\\\\'\\\\",
	"$(touch /tmp/siphon-pwned)",
	"`touch /tmp/siphon-pwned`",
	"${IFS}x${HOME}",
	"$HOME",
	"$$",
	"$?",
	"!",
	"!!",
	"!-1",
	"#not a comment",
	"a # b",
	"*",
	"/*",
	"?",
	"[a-z]",
	"~",
	"~root",
	"{a,b}",
	"a;b",
	"a&&b||c",
	"a|b",
	"a>b",
	"<in",
	"(sub)",
	"-n",
	"-e",
	"--",
	"%s%n%d",
	"\\n\\t\\c",
	"\\0101",
	"'0'1\n2$3",
	"\n",
	"\n\n\n",
	"trailing newline\n",
	"line1\nline2\rline3\r\n",
	"\t tab \t",
	"\x01\x02\x1b[31mred\x1b[0m\x7f",
	"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89",
	"\xff\xfe\x80 invalid utf-8 \xc3",
	"name'; DROP DATABASE prod; --",
	"x' ; touch /tmp/siphon-pwned ; echo '",
	"\" ; touch /tmp/siphon-pwned ; echo \"",
	"\\\"'`$(echo)`'\"\\",
	NULL,
};

/* A command that prints word exactly, with word quoted by siphon_sh_quote. */
static char *
printf_cmd(const char *word)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_strbuf_puts(&sb, "printf %s "), 0);
	assert_int_equal(siphon_sh_quote(&sb, word), 0);
	return siphon_strbuf_take(&sb);
}

static void
expect_prints(const char *shell, const char *cmd, const char *word, size_t wlen)
{
	struct run r;

	run_shell(shell, cmd, &r);
	if (r.status != 0 || r.out.len != wlen || memcmp(siphon_strbuf_str(&r.out), word, wlen) != 0)
		fail_msg("%s -c printed %zu bytes (status %d, stderr '%s') instead of the %zu-byte word",
		         shell, r.out.len, r.status, siphon_strbuf_str(&r.err), wlen);
	run_free(&r);
}

static void
test_shell_quote_exact_forms(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_sh_quote(&sb, ""), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "''");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_sh_quote(&sb, "abc"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "'abc'");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_sh_quote(&sb, "a'b"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "'a'\\''b'");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_sh_quote(&sb, "$(x)`y`\n"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "'$(x)`y`\n'");
	/* Quoting appends: the earlier contents stay. */
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_strbuf_puts(&sb, "cmd "), 0);
	assert_int_equal(siphon_sh_quote(&sb, "'"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "cmd ''\\'''");
	siphon_strbuf_free(&sb);
}

/* Single quotes must hold everything but the quote itself: no byte escapes. */
static void
test_shell_quote_only_quote_is_special(void **state)
{
	struct siphon_strbuf sb = {0};
	char word[256];
	const char *s;
	size_t quotes = 0;

	(void)state;
	for (int i = 1; i < 256; i++)
		word[i - 1] = (char)i;
	word[255] = '\0';
	assert_int_equal(siphon_sh_quote(&sb, word), 0);
	s = siphon_strbuf_str(&sb);
	for (const char *p = s; *p != '\0'; p++)
		quotes += *p == '\'';
	/* The two outer quotes, and four characters '\'' for the one inside. */
	assert_int_equal(sb.len, 255 + 2 + 3);
	assert_int_equal(quotes, 2 + 3);
	siphon_strbuf_free(&sb);
}

static void
test_shell_quote_hostile_strings_run(void **state)
{
	(void)state;
	for (int s = 0; posix_shells[s] != NULL; s++) {
		if (!have(posix_shells[s]))
			continue;
		for (int i = 0; hostile[i] != NULL; i++) {
			char *cmd = printf_cmd(hostile[i]);

			expect_prints(posix_shells[s], cmd, hostile[i], strlen(hostile[i]));
			free(cmd);
		}
	}
	assert_int_equal(access("/tmp/siphon-pwned", F_OK), -1);
}

/* Every byte 1..255, alone and next to a quote and a digit. */
static void
test_shell_quote_every_byte_runs(void **state)
{
	struct siphon_strbuf cmd = {0};
	char word[8];

	(void)state;
	/* One script per byte would mean 255 shells: batch them, one per line. */
	for (int s = 0; posix_shells[s] != NULL; s++) {
		struct siphon_strbuf expect = {0};
		struct run r;

		if (!have(posix_shells[s]))
			continue;
		siphon_strbuf_reset(&cmd);
		for (int b = 1; b < 256; b++) {
			word[0] = (char)b;
			word[1] = '\'';
			word[2] = (char)b;
			word[3] = '7';
			word[4] = '\0';
			assert_int_equal(siphon_strbuf_puts(&cmd, "printf '%s|' "), 0);
			assert_int_equal(siphon_sh_quote(&cmd, word), 0);
			assert_int_equal(siphon_strbuf_puts(&cmd, "\n"), 0);
			assert_int_equal(siphon_strbuf_append(&expect, word, 4), 0);
			assert_int_equal(siphon_strbuf_append(&expect, "|", 1), 0);
		}
		run_shell(posix_shells[s], siphon_strbuf_str(&cmd), &r);
		assert_int_equal(r.status, 0);
		assert_int_equal(r.out.len, expect.len);
		assert_memory_equal(r.out.buf, expect.buf, expect.len);
		run_free(&r);
		siphon_strbuf_free(&expect);
	}
	siphon_strbuf_free(&cmd);
}

static void
test_shell_quote_all_bytes_in_one_word(void **state)
{
	char word[256];

	(void)state;
	for (int i = 1; i < 256; i++)
		word[i - 1] = (char)i;
	word[255] = '\0';
	for (int s = 0; posix_shells[s] != NULL; s++) {
		char *cmd;

		if (!have(posix_shells[s]))
			continue;
		cmd = printf_cmd(word);
		expect_prints(posix_shells[s], cmd, word, 255);
		free(cmd);
	}
}

/* The wrapper is plain ASCII made of bytes no login shell treats specially. */
static void
test_shell_wrap_form(void **state)
{
	struct siphon_strbuf sb = {0};
	char script[256];
	const char *s, *body;
	size_t blen;

	(void)state;
	for (int i = 1; i < 256; i++)
		script[i - 1] = (char)i;
	script[255] = '\0';
	assert_int_equal(siphon_sh_wrap(&sb, script), 0);
	s = siphon_strbuf_str(&sb);
	assert_true(strncmp(s, "/bin/sh -c 'eval \"$(printf %b \"", 31) == 0);
	assert_true(sb.len > 31 + 4);
	assert_string_equal(s + sb.len - 4, "\")\"'");
	body = s + 31;
	blen = sb.len - 31 - 4;
	for (size_t i = 0; i < blen; i++) {
		unsigned char c = (unsigned char)body[i];

		assert_true(c >= 0x20 && c < 0x7f);
		/* Quotes, $, `, !, % and newlines appear only as escapes. */
		assert_null(strchr("'\"$`!%\n\r\t", c));
		if (c == '\\') {
			/* Always \0NNN: four digits, so a digit after it stays a digit. */
			assert_true(i + 4 < blen);
			assert_int_equal(body[i + 1], '0');
			for (int k = 2; k <= 4; k++)
				assert_true(body[i + k] >= '0' && body[i + k] <= '7');
		}
	}
	siphon_strbuf_reset(&sb);
	/* Safe bytes pass unchanged. */
	assert_int_equal(siphon_sh_wrap(&sb, "echo a-b_c.d/e,f:g=h+i@j"), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	                    "/bin/sh -c 'eval \"$(printf %b \"echo a-b_c.d/e,f:g=h+i@j\")\"'");
	siphon_strbuf_reset(&sb);
	assert_int_equal(siphon_sh_wrap(&sb, "a'b\n$"), 0);
	assert_string_equal(siphon_strbuf_str(&sb),
	                    "/bin/sh -c 'eval \"$(printf %b \"a\\0047b\\0012\\0044\")\"'");
	siphon_strbuf_free(&sb);
}

static char *
wrapped(const char *script)
{
	struct siphon_strbuf sb = {0};

	assert_int_equal(siphon_sh_wrap(&sb, script), 0);
	return siphon_strbuf_take(&sb);
}

static void
test_shell_wrap_hostile_under_every_login_shell(void **state)
{
	int ran = 0;

	(void)state;
	for (int s = 0; login_shells[s] != NULL; s++) {
		if (!have(login_shells[s])) {
			print_message("skipping %s: not installed (apt-get install fish tcsh zsh)\n",
			              login_shells[s]);
			continue;
		}
		ran++;
		for (int i = 0; hostile[i] != NULL; i++) {
			char *inner = printf_cmd(hostile[i]);
			char *cmd = wrapped(inner);

			expect_prints(login_shells[s], cmd, hostile[i], strlen(hostile[i]));
			free(cmd);
			free(inner);
		}
	}
	assert_true(ran >= 4);
	assert_int_equal(access("/tmp/siphon-pwned", F_OK), -1);
}

static void
test_shell_wrap_all_bytes_under_every_login_shell(void **state)
{
	char word[256];

	(void)state;
	for (int i = 1; i < 256; i++)
		word[i - 1] = (char)i;
	word[255] = '\0';
	for (int s = 0; login_shells[s] != NULL; s++) {
		char *inner, *cmd;

		if (!have(login_shells[s]))
			continue;
		inner = printf_cmd(word);
		cmd = wrapped(inner);
		expect_prints(login_shells[s], cmd, word, 255);
		free(cmd);
		free(inner);
	}
}

/*
 * A realistic multi-line script: variables, command substitution, a here
 * document, a loop, comments, a pipeline, and stderr and an exit status
 * that must come back through the login shell.
 */
static void
test_shell_wrap_script_semantics(void **state)
{
	struct siphon_strbuf script = {0}, expect = {0};
	const char *name = "we'ird \"db\" $(x) `y` \\ !1 %s\nline2";

	(void)state;
	assert_int_equal(siphon_strbuf_puts(&script, "# a comment with 'quotes' and $x\n"
	                                    "set -u\nDB="), 0);
	assert_int_equal(siphon_sh_quote(&script, name), 0);
	assert_int_equal(siphon_strbuf_puts(&script,
	    "\nn=$(printf %s \"$DB\" | wc -c | tr -d ' ')\n"
	    "for w in one two; do printf '<%s>' \"$w\"; done\n"
	    "printf '[%s]\\n' \"$DB\"\n"
	    "cat <<'EOF'\n$NOT_EXPANDED `nor this`\nEOF\n"
	    "printf '%s\\n' \"$n\"\n"
	    "echo to-stderr >&2\n"
	    "exit 7\n"), 0);
	assert_int_equal(siphon_strbuf_printf(&expect, "<one><two>[%s]\n$NOT_EXPANDED `nor this`\n%zu\n",
	                                      name, strlen(name)), 0);
	for (int s = 0; login_shells[s] != NULL; s++) {
		char *cmd;
		struct run r;

		if (!have(login_shells[s]))
			continue;
		cmd = wrapped(siphon_strbuf_str(&script));
		run_shell(login_shells[s], cmd, &r);
		if (r.status != 7 || strcmp(siphon_strbuf_str(&r.out), siphon_strbuf_str(&expect)) != 0 ||
		    strcmp(siphon_strbuf_str(&r.err), "to-stderr\n") != 0)
			fail_msg("%s: status %d, stdout '%s', stderr '%s'", login_shells[s], r.status,
			         siphon_strbuf_str(&r.out), siphon_strbuf_str(&r.err));
		run_free(&r);
		free(cmd);
	}
	siphon_strbuf_free(&script);
	siphon_strbuf_free(&expect);
}

/*
 * Long scripts (the catalog query is several kilobytes) survive every shell.
 * The wrapped command is one argument of the login shell's exec, which Linux
 * caps at 128 KiB; this one stays just under it.
 */
static void
test_shell_wrap_long_script(void **state)
{
	struct siphon_strbuf word = {0};
	const char *pattern = "ab'\n$\"`\\!% ";

	(void)state;
	for (size_t i = 0; i < 20000; i++)
		assert_int_equal(siphon_strbuf_append(&word, pattern + i % strlen(pattern), 1), 0);
	for (int s = 0; login_shells[s] != NULL; s++) {
		char *inner, *cmd;

		if (!have(login_shells[s]))
			continue;
		inner = printf_cmd(siphon_strbuf_str(&word));
		cmd = wrapped(inner);
		assert_true(strlen(cmd) > 64 * 1024 && strlen(cmd) < 128 * 1024);
		expect_prints(login_shells[s], cmd, siphon_strbuf_str(&word), word.len);
		free(cmd);
		free(inner);
	}
	siphon_strbuf_free(&word);
}

static void
test_shell_wrap_empty_script(void **state)
{
	char *cmd = wrapped("");

	(void)state;
	assert_string_equal(cmd, "/bin/sh -c 'eval \"$(printf %b \"\")\"'");
	for (int s = 0; login_shells[s] != NULL; s++) {
		struct run r;

		if (!have(login_shells[s]))
			continue;
		run_shell(login_shells[s], cmd, &r);
		assert_int_equal(r.status, 0);
		assert_int_equal(r.out.len, 0);
		run_free(&r);
	}
	free(cmd);
}

/* The words opts splits into, as sh sees them after siphon quoted them. */
static void
expect_words(const char *opts, const char *expect_joined, int nwords)
{
	struct siphon_strbuf sb = {0}, cmd = {0};
	struct run r;

	assert_int_equal(siphon_sh_append_words(&sb, opts), 0);
	assert_int_equal(siphon_strbuf_printf(&cmd, "set --%s\nprintf '%%s\\n' \"$#\"\n"
	                                      "for a in \"$@\"; do printf '[%%s]' \"$a\"; done",
	                                      siphon_strbuf_str(&sb)), 0);
	run_shell("/bin/sh", siphon_strbuf_str(&cmd), &r);
	assert_int_equal(r.status, 0);
	{
		struct siphon_strbuf want = {0};

		assert_int_equal(siphon_strbuf_printf(&want, "%d\n%s", nwords, expect_joined), 0);
		if (strcmp(siphon_strbuf_str(&r.out), siphon_strbuf_str(&want)) != 0)
			fail_msg("opts <%s> quoted as <%s> gave <%s>, want <%s>", opts,
			         siphon_strbuf_str(&sb), siphon_strbuf_str(&r.out),
			         siphon_strbuf_str(&want));
		siphon_strbuf_free(&want);
	}
	run_free(&r);
	siphon_strbuf_free(&sb);
	siphon_strbuf_free(&cmd);
}

static void
test_shell_append_words_splitting(void **state)
{
	(void)state;
	expect_words("", "", 0);
	expect_words("   \t\n ", "", 0);
	expect_words("-h db1", "[-h][db1]", 2);
	expect_words("  -h   db1  ", "[-h][db1]", 2);
	expect_words("--host='my host' -p 5433", "[--host=my host][-p][5433]", 3);
	expect_words("\"a b\" 'c d'", "[a b][c d]", 2);
	expect_words("a'b c'd", "[ab cd]", 1);
	expect_words("''", "[]", 1);
	expect_words("\"\" x", "[][x]", 2);
	expect_words("a\\ b", "[a b]", 1);
	expect_words("\\'", "[']", 1);
	expect_words("\\\"", "[\"]", 1);
	expect_words("\\\\", "[\\]", 1);
	/* Inside double quotes a backslash escapes only " \ $ and `. */
	expect_words("\"a\\\"b\\\\c\\$d\\`e\\nf\"", "[a\"b\\c$d`e\\nf]", 1);
	/* Inside single quotes nothing is special. */
	expect_words("'a\\b\"c$d'", "[a\\b\"c$d]", 1);
	/* Nothing expands: the user's text is data. */
	expect_words("$HOME $(id) `id` * ~ ;ls |cat", "[$HOME][$(id)][`id`][*][~][;ls][|cat]", 7);
	expect_words("\"it's\"", "[it's]", 1);
	expect_words("'say \"hi\"'", "[say \"hi\"]", 1);
	expect_words("caf\xc3\xa9", "[caf\xc3\xa9]", 1);
	/* A trailing lone backslash stays a backslash. */
	expect_words("a\\", "[a\\]", 1);
}

static void
test_shell_append_words_exact_and_appends(void **state)
{
	struct siphon_strbuf sb = {0};

	(void)state;
	assert_int_equal(siphon_strbuf_puts(&sb, "psql"), 0);
	assert_int_equal(siphon_sh_append_words(&sb, "-X  --set=a=b 'x'\\''y'"), 0);
	assert_string_equal(siphon_strbuf_str(&sb), "psql '-X' '--set=a=b' 'x'\\''y'");
	siphon_strbuf_free(&sb);
}

static void
test_shell_append_words_unbalanced(void **state)
{
	static const char *const bad[] = {
		"'", "\"", "a 'b", "a \"b", "'a'\"", "\"a\\\"", "x 'it''s", "\"\\\"\"\"", NULL,
	};

	(void)state;
	for (int i = 0; bad[i] != NULL; i++) {
		struct siphon_strbuf sb = {0};

		assert_int_equal(siphon_strbuf_puts(&sb, "cmd"), 0);
		if (siphon_sh_append_words(&sb, bad[i]) != -2)
			fail_msg("<%s> was accepted", bad[i]);
		siphon_strbuf_free(&sb);
	}
}

/* The trailers on stderr, one status per name, -1 when absent. */
static int
trailer(const char *err, const char *name)
{
	char want[128];
	const char *p = err;
	int code = -1;

	snprintf(want, sizeof(want), "%s%s ", SIPHON_STATUS_TAG, name);
	while ((p = strstr(p, want)) != NULL) {
		if (p == err || p[-1] == '\n')
			code = atoi(p + strlen(want));
		p++;
	}
	return code;
}

static void
test_shell_pipeline_reports_every_stage(void **state)
{
	static const char *const stages[] = {
		"printf 'hello\\nworld\\n'; echo dump-warning >&2; sh -c 'exit 3'",
		"tr a-z A-Z",
	};
	static const char *const names[] = { "dump", "compress" };
	struct siphon_strbuf sb = {0};
	struct run r;

	(void)state;
	assert_int_equal(siphon_sh_pipeline(&sb, stages, names, 2), 0);
	assert_true(strncmp(siphon_strbuf_str(&sb), "exec 3>&2\n", 10) == 0);
	run_shell("/usr/bin/dash", siphon_strbuf_str(&sb), &r);
	assert_string_equal(siphon_strbuf_str(&r.out), "HELLO\nWORLD\n");
	assert_int_equal(trailer(siphon_strbuf_str(&r.err), "dump"), 3);
	assert_int_equal(trailer(siphon_strbuf_str(&r.err), "compress"), 0);
	assert_non_null(strstr(siphon_strbuf_str(&r.err), "dump-warning\n"));
	/* Without pipefail the shell's own status is the last stage's. */
	assert_int_equal(r.status, 0);
	run_free(&r);
	siphon_strbuf_free(&sb);
}

static void
test_shell_pipeline_second_stage_fails(void **state)
{
	static const char *const stages[] = { "printf abc", "cat >/dev/null; (exit 5)" };
	static const char *const names[] = { "dump", "compress" };
	struct siphon_strbuf sb = {0};
	struct run r;

	(void)state;
	assert_int_equal(siphon_sh_pipeline(&sb, stages, names, 2), 0);
	for (int s = 0; posix_shells[s] != NULL; s++) {
		if (!have(posix_shells[s]))
			continue;
		run_shell(posix_shells[s], siphon_strbuf_str(&sb), &r);
		assert_int_equal(trailer(siphon_strbuf_str(&r.err), "dump"), 0);
		assert_int_equal(trailer(siphon_strbuf_str(&r.err), "compress"), 5);
		assert_int_equal(r.out.len, 0);
		run_free(&r);
	}
	siphon_strbuf_free(&sb);
}

/* Multi-line stages, trailing blanks, newlines and semicolons, a missing tool. */
static void
test_shell_pipeline_multiline_and_missing_tool(void **state)
{
	static const char *const stages[] = {
		"if true; then\n  printf 'x y\\n'\nfi\n\n",
		"cat ;  \n",
		/* Reads everything first so that no earlier stage sees SIGPIPE. */
		"cat >/dev/null; siphon-no-such-tool-xyz --flag",
	};
	static const char *const names[] = { "gen", "pass", "missing" };
	struct siphon_strbuf sb = {0};
	struct run r;

	(void)state;
	assert_int_equal(siphon_sh_pipeline(&sb, stages, names, 3), 0);
	run_shell("/usr/bin/dash", siphon_strbuf_str(&sb), &r);
	assert_int_equal(trailer(siphon_strbuf_str(&r.err), "gen"), 0);
	assert_int_equal(trailer(siphon_strbuf_str(&r.err), "pass"), 0);
	assert_int_equal(trailer(siphon_strbuf_str(&r.err), "missing"), 127);
	run_free(&r);
	siphon_strbuf_free(&sb);
}

static void
test_shell_pipeline_single_stage_inside_wrap(void **state)
{
	static const char *const stages[] = { "printf '%s' \"it's\"; exit_code=4; (exit $exit_code)" };
	static const char *const names[] = { "only" };
	struct siphon_strbuf sb = {0};
	char *cmd;

	(void)state;
	assert_int_equal(siphon_sh_pipeline(&sb, stages, names, 1), 0);
	cmd = wrapped(siphon_strbuf_str(&sb));
	for (int s = 0; login_shells[s] != NULL; s++) {
		struct run r;

		if (!have(login_shells[s]))
			continue;
		run_shell(login_shells[s], cmd, &r);
		assert_string_equal(siphon_strbuf_str(&r.out), "it's");
		assert_int_equal(trailer(siphon_strbuf_str(&r.err), "only"), 4);
		run_free(&r);
	}
	free(cmd);
	siphon_strbuf_free(&sb);
}

static void
test_shell_preamble_plain(void **state)
{
	struct siphon_strbuf sb = {0};
	struct run r;

	(void)state;
	assert_int_equal(siphon_sh_preamble(&sb, 0), 0);
	assert_null(strstr(siphon_strbuf_str(&sb), "nice -n"));
	assert_int_equal(siphon_strbuf_puts(&sb,
	    "printf '[%s]\\n' \"$NICE\"\n"
	    "case \":$PATH:\" in *:/usr/bin:*) echo has-usr-bin;; esac\n"
	    "case \":$PATH:\" in *:/custom/keep:*) echo kept;; esac\n"
	    "command -v sh >/dev/null && echo found-sh\n"), 0);
	{
		char *argv[] = { (char *)"/usr/bin/env", (char *)"-i", (char *)"PATH=/custom/keep",
		                 (char *)"/bin/sh", (char *)"-c", (char *)siphon_strbuf_str(&sb), NULL };

		run_argv(argv, &r);
	}
	assert_int_equal(r.status, 0);
	assert_string_equal(siphon_strbuf_str(&r.out), "[]\nhas-usr-bin\nkept\nfound-sh\n");
	run_free(&r);
	siphon_strbuf_free(&sb);
}

static void
test_shell_preamble_nice(void **state)
{
	struct siphon_strbuf sb = {0};
	struct run r;
	const char *out;

	(void)state;
	assert_int_equal(siphon_sh_preamble(&sb, 1), 0);
	assert_non_null(strstr(siphon_strbuf_str(&sb), "nice -n 10"));
	assert_int_equal(siphon_strbuf_puts(&sb,
	    "printf '[%s]\\n' \"$NICE\"\n"
	    "$NICE sh -c 'echo niced'\n"), 0);
	{
		char *argv[] = { (char *)"/usr/bin/env", (char *)"-i", (char *)"PATH=/nowhere",
		                 (char *)"/bin/sh", (char *)"-c", (char *)siphon_strbuf_str(&sb), NULL };

		run_argv(argv, &r);
	}
	assert_int_equal(r.status, 0);
	out = siphon_strbuf_str(&r.out);
	/* ionice may be refused in a container; nice never is. */
	if (strcmp(out, "[nice -n 10]\nniced\n") != 0 &&
	    strcmp(out, "[nice -n 10 ionice -c 2 -n 7]\nniced\n") != 0)
		fail_msg("unexpected output '%s' (stderr '%s')", out, siphon_strbuf_str(&r.err));
	run_free(&r);
	siphon_strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_quote_exact_forms),
		cmocka_unit_test(test_shell_quote_only_quote_is_special),
		cmocka_unit_test(test_shell_quote_hostile_strings_run),
		cmocka_unit_test(test_shell_quote_every_byte_runs),
		cmocka_unit_test(test_shell_quote_all_bytes_in_one_word),
		cmocka_unit_test(test_shell_wrap_form),
		cmocka_unit_test(test_shell_wrap_hostile_under_every_login_shell),
		cmocka_unit_test(test_shell_wrap_all_bytes_under_every_login_shell),
		cmocka_unit_test(test_shell_wrap_script_semantics),
		cmocka_unit_test(test_shell_wrap_long_script),
		cmocka_unit_test(test_shell_wrap_empty_script),
		cmocka_unit_test(test_shell_append_words_splitting),
		cmocka_unit_test(test_shell_append_words_exact_and_appends),
		cmocka_unit_test(test_shell_append_words_unbalanced),
		cmocka_unit_test(test_shell_pipeline_reports_every_stage),
		cmocka_unit_test(test_shell_pipeline_second_stage_fails),
		cmocka_unit_test(test_shell_pipeline_multiline_and_missing_tool),
		cmocka_unit_test(test_shell_pipeline_single_stage_inside_wrap),
		cmocka_unit_test(test_shell_preamble_plain),
		cmocka_unit_test(test_shell_preamble_nice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
