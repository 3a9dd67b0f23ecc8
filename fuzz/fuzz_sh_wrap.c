/*
 * fuzz_sh_wrap.c - the login-shell-proof wrapper (siphon_sh_wrap), the sh
 * quoting (siphon_sh_quote) and the option-string splitter
 * (siphon_sh_append_words) on arbitrary text.
 *
 * Property: the wrapper is exactly
 *   /bin/sh -c 'eval "$(printf %b "BODY")"'
 * where BODY holds only bytes that mean themselves in every login shell
 * (letters, digits and " _-./,:=+@#;&|<>(){}[]*?~^") and \0NNN escapes,
 * and printf %b's reading of BODY (reimplemented here) gives back the
 * script byte for byte.  sh_wrap_run.c runs the real shells on a few
 * inputs this harness found.  A quoted word is '...' with every ' written
 * '\'' and nothing else changed.
 */
#include "fuzz.h"

#include "remote/shell.h"

static const char head[] = "/bin/sh -c 'eval \"$(printf %b \"";
static const char tail[] = "\")\"'";

static int
body_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr(" _-./,:=+@#;&|<>(){}[]*?~^", c) != NULL);
}

/* printf %b's reading of body: \0NNN (up to three octal digits) is a byte. */
static char *
printf_b(const char *body, size_t len)
{
	char *out = malloc(len + 1);
	size_t i = 0, o = 0;

	if (out == NULL)
		return NULL;
	while (i < len) {
		if (body[i] == '\\') {
			unsigned v = 0;
			int k;

			FUZZ_CHECK(i + 1 < len && body[i + 1] == '0');
			i += 2;
			for (k = 0; k < 3 && i < len && body[i] >= '0' && body[i] <= '7'; k++)
				v = v * 8 + (unsigned)(body[i++] - '0');
			FUZZ_CHECK(k == 3 && v > 0 && v < 256);
			out[o++] = (char)v;
			continue;
		}
		FUZZ_CHECK(body_safe((unsigned char)body[i]));
		out[o++] = body[i++];
	}
	out[o] = '\0';
	return out;
}

static void
check_wrap(const char *script)
{
	struct siphon_strbuf sb = {0};
	size_t hl = strlen(head), tl = strlen(tail);
	char *back;

	if (siphon_sh_wrap(&sb, script) != 0)
		goto out;
	FUZZ_CHECK(sb.len >= hl + tl);
	FUZZ_CHECK(memcmp(sb.buf, head, hl) == 0);
	FUZZ_CHECK(memcmp(sb.buf + sb.len - tl, tail, tl) == 0);
	if ((back = printf_b(sb.buf + hl, sb.len - hl - tl)) == NULL)
		goto out;
	FUZZ_CHECK(strcmp(back, script) == 0);
	free(back);
out:
	siphon_strbuf_free(&sb);
}

static void
check_quote(const char *word)
{
	struct siphon_strbuf sb = {0};
	const char *p, *q;

	if (siphon_sh_quote(&sb, word) != 0)
		goto out;
	FUZZ_CHECK(sb.len >= 2 && sb.buf[0] == '\'' && sb.buf[sb.len - 1] == '\'');
	/* Undo: '\'' is a quote; everything else is itself. */
	for (p = word, q = sb.buf + 1; q < sb.buf + sb.len - 1;) {
		if (strncmp(q, "'\\''", 4) == 0) {
			FUZZ_CHECK(*p == '\'');
			p++;
			q += 4;
			continue;
		}
		FUZZ_CHECK(*q != '\'' && *q == *p);
		p++;
		q++;
	}
	FUZZ_CHECK(*p == '\0');
out:
	siphon_strbuf_free(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siphon_strbuf sb = {0};
	char *s;
	int r;

	if ((s = fuzz_str(data, size)) == NULL)
		return 0;
	check_wrap(s);
	check_quote(s);
	r = siphon_sh_append_words(&sb, s);
	FUZZ_CHECK(r == 0 || r == -1 || r == -2);
	/* The words come out quoted: the result wraps like any script. */
	if (r == 0)
		check_wrap(siphon_strbuf_str(&sb));
	siphon_strbuf_free(&sb);
	free(s);
	return 0;
}
