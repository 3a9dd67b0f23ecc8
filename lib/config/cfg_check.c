/*
 * cfg_check.c - the profile file against the option definitions: every
 * key an option (or a did-you-mean), every value one the option takes,
 * and no secret in a file that others can read.
 */
#include "config/config.h"

#include "opt/opt.h"
#include "util/ctx.h"

#include <stdio.h>
#include <string.h>

/* Whether key is one of the front end's own options (not a profile key). */
static int
front_end_key(const char *const *keys, const char *key)
{
	for (; keys != NULL && *keys != NULL; keys++)
		if (strcmp(*keys, key) == 0)
			return 1;
	return 0;
}

static int
unknown_key(struct siphon_ctx *ctx, const struct siphon_config *cfg, const struct siphon_opts *opts,
            size_t i, const char *const *front_end_keys)
{
	const struct cfg_line *l = &cfg->lines[i];
	const char *near;

	if (front_end_key(front_end_keys, l->name))
		return siphon_err(ctx, SIPHON_EUSAGE,
		                  "%s:%zu: '%s' is a command-line option, not a profile key: remove "
		                  "the line (give --%s when running siphon)", cfg->display, i + 1,
		                  l->name, l->name);
	if ((near = siphon_opts_suggest(opts, l->name)) != NULL)
		return siphon_err(ctx, SIPHON_EUSAGE, "%s:%zu: unknown key '%s' in [%s]; did you mean '%s'?",
		                  cfg->display, i + 1, l->name, cfg->lines[l->section].name, near);
	return siphon_err(ctx, SIPHON_EUSAGE,
	                  "%s:%zu: unknown key '%s' in [%s]: the keys are pull's options "
	                  "(siphon pull --help)", cfg->display, i + 1, l->name,
	                  cfg->lines[l->section].name);
}

int
siphon_cfg_check_secrets(struct siphon_ctx *ctx, const struct siphon_config *cfg)
{
	struct siphon_opts *opts = NULL;
	int r = 0;

	/* Others cannot read it: nothing to check. */
	if ((cfg->mode & 044) == 0)
		return 0;
	if (siphon_opts_new(&opts) != 0)
		return siphon_err_oom(ctx);
	for (size_t i = 0; i < cfg->n; i++) {
		const struct cfg_line *l = &cfg->lines[i];

		if (l->kind != CFG_ENTRY || !siphon_opt_is_secret(siphon_opts_find(opts, l->name), l->value))
			continue;
		r = siphon_err(ctx, SIPHON_EUSAGE, "%s holds a password and others can read it; run: "
		               "chmod 600 %s", cfg->display, cfg->display);
		break;
	}
	siphon_opts_free(opts);
	return r;
}

int
siphon_cfg_check(struct siphon_ctx *ctx, const struct siphon_config *cfg,
                 const char *const *front_end_keys)
{
	struct siphon_opts *opts = NULL;
	char where[600];
	int r = 0;

	if (siphon_opts_new(&opts) != 0)
		return siphon_err_oom(ctx);
	for (size_t i = 0; i < cfg->n && r == 0; i++) {
		const struct cfg_line *l = &cfg->lines[i];
		const struct siphon_optdef *d;

		if (l->kind != CFG_ENTRY)
			continue;
		if ((d = siphon_opts_find(opts, l->name)) == NULL) {
			r = unknown_key(ctx, cfg, opts, i, front_end_keys);
			break;
		}
		snprintf(where, sizeof(where), "%s:%zu", cfg->display, i + 1);
		/* The registry's own check and message ("...: bad value 'x' for jobs ..."). */
		if ((r = siphon_opts_set(opts, d->name, l->value, SIPHON_ORIGIN_PROFILE, where)) != 0)
			r = siphon_err(ctx, r, "%s", siphon_opts_errmsg(opts));
	}
	siphon_opts_free(opts);
	if (r == 0)
		r = siphon_cfg_check_secrets(ctx, cfg);
	return r;
}
