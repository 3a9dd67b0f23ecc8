/*
 * fuzz_hops.c - ProxyCommand %-expansion (siphon_proxycmd_expand), of a
 * command from the command line today and from profiles next (the -J
 * value is ProxyJump's grammar: sshcfg's parser and harness).
 *
 * Input: the command.
 * Properties: the expansion fits its buffer, and a command without '%'
 * comes out as it went in; a refusal is SIPHON_EUSAGE with one printable
 * line.
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
	struct siphon_ctx *ctx = NULL;
	char *text = NULL, buf[256];
	int r;

	if (siphon_ctx_new(&ctx) != 0 || (text = fuzz_str(data, size)) == NULL)
		goto out;
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
out:
	free(text);
	siphon_ctx_free(ctx);
	return 0;
}
