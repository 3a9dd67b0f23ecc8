/*
 * fuzz_config.c - the profile file's parser (siphon_config_parse) on
 * arbitrary bytes, then an edit of what it took.
 *
 * Input: one control byte (strict or not, a mode others can read or not,
 * which key an edit sets), then the file.  Properties: a file that parses
 * renders back byte for byte; a refusal is SIPHON_EUSAGE with one line and
 * nothing else; after setting a key to a value (cut from the file), the
 * file parses again and the key reads back as that value, and every other
 * profile's keys are as they were.
 */
#include "fuzz.h"

#include "config/config.h"

static const char *const keys[] = {"jobs", "into", "ssh", "remote-pg-opts", "force",
                                   "database", "remote_sudo", "compress"};
static const char *const values[] = {"4", " a #b\\\" ", "u@h:22", "-h x", "yes", "shop", "x", "zstd"};

static void
check_line(const char *msg)
{
	FUZZ_CHECK(msg[0] != '\0');
	for (; *msg != '\0'; msg++)
		FUZZ_CHECK((unsigned char)*msg >= ' ' && *msg != 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned ctl = fuzz_byte(&in);
	struct siphon_ctx *ctx = NULL;
	struct siphon_config *cfg = NULL, *again = NULL;
	size_t k = (ctl >> 2) % (sizeof(keys) / sizeof(keys[0])), len, n0;
	char *out = NULL;
	const char *text = (const char *)in.p;
	int r;

	if (siphon_ctx_new(&ctx) != 0)
		return 0;
	r = siphon_config_parse(ctx, "/f/config", text, in.left, (ctl & 2) ? 0644 : 0600, ctl & 1,
	                        NULL, &cfg);
	if (r != 0) {
		FUZZ_CHECK(r == SIPHON_EUSAGE && cfg == NULL);
		check_line(siphon_ctx_errmsg(ctx));
		goto out;
	}
	out = siphon_cfg_render(cfg, &len);
	FUZZ_CHECK(out != NULL && len == in.left && memcmp(out, text, len) == 0);
	free(out);
	out = NULL;
	n0 = siphon_config_profile_count(cfg);
	if (siphon_config_set(ctx, cfg, "p", keys[k], values[k]) != 0) {
		check_line(siphon_ctx_errmsg(ctx));
		goto out;
	}
	FUZZ_CHECK(strcmp(siphon_config_get(cfg, "p", keys[k], NULL), values[k]) == 0);
	out = siphon_cfg_render(cfg, &len);
	FUZZ_CHECK(out != NULL);
	/* What an edit wrote reads back, the rest as it was. */
	FUZZ_CHECK(siphon_config_parse(ctx, "/f/config", out, len, 0600, 0, NULL, &again) == 0);
	FUZZ_CHECK(strcmp(siphon_config_get(again, "p", keys[k], NULL), values[k]) == 0);
	FUZZ_CHECK(siphon_config_profile_count(again) >= n0);
	for (size_t i = 0; i < n0; i++) {
		const char *name = siphon_config_profile_name(cfg, i);

		FUZZ_CHECK(strcmp(name, siphon_config_profile_name(again, i)) == 0);
		for (size_t j = 0; strcmp(name, "p") != 0 && j < sizeof(keys) / sizeof(keys[0]); j++) {
			const char *a = siphon_config_get(cfg, name, keys[j], NULL);
			const char *b = siphon_config_get(again, name, keys[j], NULL);

			FUZZ_CHECK((a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0));
		}
	}
out:
	free(out);
	siphon_config_free(again);
	siphon_config_free(cfg);
	siphon_ctx_free(ctx);
	return 0;
}
