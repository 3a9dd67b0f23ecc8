/*
 * fuzz_hops.c - the -J value (siphon_jumps_parse) and ProxyCommand
 * %-expansion (siphon_proxycmd_expand), both from the command line today
 * and from profiles next.
 *
 * Input: one byte picks the parser, the rest is the text.
 * Properties: the jump parser yields as many hops as the text has commas
 * plus one, each with a non-empty host free of spaces, slashes and commas,
 * a port of 0 or 1-65535 and a user that is NULL or non-empty; a refusal is
 * SIPHON_EUSAGE with one printable line and no hops.  The expansion fits
 * its buffer, and a command without '%' comes out as it went in; a refusal
 * is SIPHON_EUSAGE with one printable line.
 */
#include "fuzz.h"

#include "run/hops.h"

static void
check_line(const char *m)
{
	FUZZ_CHECK(m[0] != '\0');
	for (; *m != '\0'; m++)
		FUZZ_CHECK((unsigned char)*m >= 0x20 && *m != 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct siphon_ctx *ctx = NULL;
	struct siphon_jump *j = NULL;
	unsigned which = fuzz_byte(&in);
	char *text = NULL, buf[256];
	size_t n = 0, commas = 0;
	int r;

	if (siphon_ctx_new(&ctx) != 0 || (text = fuzz_rest_str(&in)) == NULL)
		goto out;
	if (which & 1) {
		r = siphon_proxycmd_expand(ctx, buf, sizeof(buf), text, "host", 22, "user");
		if (r == 0) {
			FUZZ_CHECK(strlen(buf) < sizeof(buf));
			/* Without a token the command is taken as it is. */
			if (strchr(text, '%') == NULL)
				FUZZ_CHECK(strcmp(buf, text) == 0);
		} else {
			FUZZ_CHECK(r == SIPHON_EUSAGE);
			check_line(siphon_ctx_errmsg(ctx));
		}
		goto out;
	}
	for (const char *c = text; *c != '\0'; c++)
		commas += *c == ',';
	r = siphon_jumps_parse(ctx, text, &j, &n);
	if (r == 0) {
		FUZZ_CHECK(n == commas + 1);
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(j[i].host != NULL && j[i].host[0] != '\0');
			FUZZ_CHECK(strpbrk(j[i].host, ", /\t;$`\x27\"") == NULL);
			FUZZ_CHECK(j[i].port >= 0 && j[i].port <= 65535);
			FUZZ_CHECK(j[i].user == NULL || j[i].user[0] != '\0');
		}
	} else {
		FUZZ_CHECK(r == SIPHON_EUSAGE || r == SIPHON_ENOMEM);
		FUZZ_CHECK(j == NULL && n == 0);
		if (r == SIPHON_EUSAGE)
			check_line(siphon_ctx_errmsg(ctx));
	}
out:
	free(j);
	free(text);
	siphon_ctx_free(ctx);
	return 0;
}
