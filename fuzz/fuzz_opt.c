/*
 * fuzz_opt.c - option values set from text (siphon_opts_set: the command
 * line today, the environment and a profile file next).
 *
 * Input: one byte picks the option, one the origin, the rest is the text.
 * Properties: a value that is taken reads back within its definition (an
 * INT within its bounds, a flag 0 or 1, a choice one of its choices, text
 * as given and never empty), with the origin it was set at unless a
 * stronger one was there; a refusal is SIPHON_EUSAGE with one line that
 * holds no control character, and leaves the value as it was; resolving
 * never fails but for contradicting flags.
 */
#include "fuzz.h"

#include "opt/opt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct siphon_opts *opts = NULL;
	struct siphon_pull_opts po;
	const struct siphon_optdef *d;
	enum siphon_opt_origin origin, before;
	char err[SIPHON_OPT_ERR_MAX], *text = NULL, *old = NULL;
	const char *msg, *had;
	int r, oldnum;

	if (siphon_opts_new(&opts) != 0)
		return 0;
	d = siphon_opts_def(opts, fuzz_byte(&in) % siphon_opts_count(opts));
	origin = (enum siphon_opt_origin)(1 + fuzz_byte(&in) % 3);
	/* Sometimes a value is there already, from the profile. */
	if (fuzz_byte(&in) & 1)
		siphon_opts_set(opts, d->name, d->def != NULL ? d->def : "1", SIPHON_ORIGIN_PROFILE, "p:1");
	if ((text = fuzz_rest_str(&in)) == NULL)
		goto out;
	before = siphon_opts_origin(opts, d->name, NULL);
	oldnum = siphon_opts_int(opts, d->name);
	had = siphon_opts_str(opts, d->name);
	if (had != NULL && (old = strdup(had)) == NULL)
		goto out;
	r = siphon_opts_set(opts, d->name, text, origin, origin == SIPHON_ORIGIN_ENV ? "SIPHON_X" : "--x");
	if (r == 0) {
		int v = siphon_opts_int(opts, d->name);
		const char *s = siphon_opts_str(opts, d->name);

		FUZZ_CHECK(siphon_opts_origin(opts, d->name, NULL) == (before > origin ? before : origin));
		if (before <= origin) {
			FUZZ_CHECK(s != NULL && strcmp(s, text) == 0 && s[0] != '\0');
			switch (d->type) {
			case SIPHON_OPT_INT:
				FUZZ_CHECK(v >= d->min && v <= d->max);
				break;
			case SIPHON_OPT_FLAG:
				FUZZ_CHECK(v == 0 || v == 1);
				break;
			case SIPHON_OPT_CHOICE:
				FUZZ_CHECK(v >= 0 && strcmp(d->choices[v], text) == 0);
				break;
			default:
				break;
			}
		}
	} else {
		FUZZ_CHECK(r == SIPHON_EUSAGE);
		msg = siphon_opts_errmsg(opts);
		FUZZ_CHECK(msg[0] != '\0');
		for (; *msg != '\0'; msg++)
			FUZZ_CHECK((unsigned char)*msg >= ' ' && *msg != 0x7f);
		FUZZ_CHECK(siphon_opts_int(opts, d->name) == oldnum);
		had = siphon_opts_str(opts, d->name);
		FUZZ_CHECK((had == NULL) == (old == NULL) && (old == NULL || strcmp(had, old) == 0));
	}
	r = siphon_opts_resolve(opts, &po, err, sizeof(err));
	FUZZ_CHECK(r == 0 || (r == SIPHON_EUSAGE && strstr(err, "contradict") != NULL));
	/* jobs 0: not given, chosen at run time (engine/tune.c). */
	FUZZ_CHECK(po.jobs >= 0 && po.port >= 1 && po.connect_timeout >= 1 && po.stall_timeout >= 1);
out:
	free(old);
	free(text);
	siphon_opts_free(opts);
	return 0;
}
