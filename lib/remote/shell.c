/* shell.c - quoting and wrapping of remote sh scripts. */
#include "remote/shell.h"

#include "util/words.h"

#include <stdio.h>
#include <string.h>

int
siphon_sh_quote(struct siphon_strbuf *sb, const char *word)
{
	const char *p;

	if (siphon_strbuf_append(sb, "'", 1) != 0)
		return -1;
	for (p = word; *p != '\0'; p++) {
		/* A quote ends the quoted run, adds an escaped quote, reopens. */
		if (*p == '\'') {
			if (siphon_strbuf_puts(sb, "'\\''") != 0)
				return -1;
		} else if (siphon_strbuf_append(sb, p, 1) != 0) {
			return -1;
		}
	}
	return siphon_strbuf_append(sb, "'", 1);
}

/*
 * Bytes that may appear literally inside the wrapper: they mean themselves
 * inside single quotes in sh, fish and csh, and inside double quotes in sh.
 */
static int
wrap_safe(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return strchr(" _-./,:=+@#;&|<>(){}[]*?~^", c) != NULL && c != '\0';
}

int
siphon_sh_wrap(struct siphon_strbuf *sb, const char *script)
{
	const unsigned char *p;
	char esc[8];

	if (siphon_strbuf_puts(sb, "/bin/sh -c 'eval \"$(printf %b \"") != 0)
		return -1;
	for (p = (const unsigned char *)script; *p != '\0'; p++) {
		if (wrap_safe(*p)) {
			if (siphon_strbuf_append(sb, p, 1) != 0)
				return -1;
			continue;
		}
		snprintf(esc, sizeof(esc), "\\0%03o", *p);
		if (siphon_strbuf_puts(sb, esc) != 0)
			return -1;
	}
	return siphon_strbuf_puts(sb, "\")\"'");
}

static int
emit_quoted(void *arg, const char *word)
{
	struct siphon_strbuf *sb = arg;

	if (siphon_strbuf_append(sb, " ", 1) != 0 || siphon_sh_quote(sb, word) != 0)
		return -1;
	return 0;
}

int
siphon_sh_append_words(struct siphon_strbuf *sb, const char *opts)
{
	return siphon_words_split(opts, emit_quoted, sb);
}

int
siphon_sh_pipeline(struct siphon_strbuf *sb, const char *const *stages,
                   const char *const *names, int n)
{
	int i;

	if (siphon_strbuf_puts(sb, "exec 3>&2\n") != 0)
		return -1;
	for (i = 0; i < n; i++) {
		size_t len = strlen(stages[i]);

		/* A stage may be a multi-line script: end it with a newline. */
		while (len > 0 && (stages[i][len - 1] == '\n' || stages[i][len - 1] == ' '))
			len--;
		if (siphon_strbuf_printf(sb, "%s{ %.*s\necho \"%s%s $?\" >&3; }",
		                         i > 0 ? " | " : "", (int)len, stages[i],
		                         SIPHON_STATUS_TAG, names[i]) != 0)
			return -1;
	}
	return siphon_strbuf_puts(sb, "\n");
}

int
siphon_sh_preamble(struct siphon_strbuf *sb, int nice)
{
	if (siphon_strbuf_puts(sb,
	    "PATH=\"$PATH:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin\"; export PATH\n"
	    "NICE=\n") != 0)
		return -1;
	if (!nice)
		return 0;
	return siphon_strbuf_puts(sb,
	    "command -v nice >/dev/null 2>&1 && NICE=\"nice -n 10\"\n"
	    "command -v ionice >/dev/null 2>&1 && ionice -c 2 -n 7 true 2>/dev/null && NICE=\"$NICE ionice -c 2 -n 7\"\n");
}
