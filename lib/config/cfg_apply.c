/*
 * cfg_apply.c - reading a loaded profile file: its profiles, a key's
 * value, and a profile applied to an options object ([defaults] first,
 * then the profile's own keys over them).
 */
#include "config/config.h"

#include "util/ctx.h"

#include <stdio.h>
#include <string.h>

const char *
siphon_config_file(const struct siphon_config *cfg)
{
	return cfg->path;
}

const char *
siphon_config_display(const struct siphon_config *cfg)
{
	return cfg->display;
}

int
siphon_config_exists(const struct siphon_config *cfg)
{
	return cfg->exists;
}

/* The line index of the i-th profile (defaults left out), or -1. */
static long
profile_line(const struct siphon_config *cfg, size_t i)
{
	for (size_t k = 0; k < cfg->n; k++) {
		const struct cfg_line *l = &cfg->lines[k];

		if (l->kind != CFG_SECTION || strcmp(l->name, SIPHON_CONFIG_DEFAULTS) == 0)
			continue;
		if (i-- == 0)
			return (long)k;
	}
	return -1;
}

size_t
siphon_config_profile_count(const struct siphon_config *cfg)
{
	size_t n = 0;

	while (profile_line(cfg, n) >= 0)
		n++;
	return n;
}

const char *
siphon_config_profile_name(const struct siphon_config *cfg, size_t i)
{
	long k = profile_line(cfg, i);

	return k >= 0 ? cfg->lines[k].name : NULL;
}

int
siphon_config_has(const struct siphon_config *cfg, const char *name, int *line)
{
	long k = siphon_cfg_find_section(cfg, name);

	if (line != NULL)
		*line = (int)k + 1;
	return k >= 0;
}

const char *
siphon_config_get(const struct siphon_config *cfg, const char *name, const char *key, int *line)
{
	char norm[SIPHON_CONFIG_NAME_MAX + 1];
	long sec = siphon_cfg_find_section(cfg, name), k;

	if (sec < 0 || siphon_cfg_norm_key(key, norm, sizeof(norm)) != 0 ||
	    (k = siphon_cfg_find_key(cfg, (size_t)sec, norm)) < 0)
		return NULL;
	if (line != NULL)
		*line = (int)k + 1;
	return cfg->lines[k].value;
}

/* Every key of the section at line sec, at origin profile. */
static int
apply_section(struct siphon_ctx *ctx, const struct siphon_config *cfg, long sec,
              struct siphon_opts *opts)
{
	char where[600];
	int r;

	for (size_t i = (size_t)sec + 1; sec >= 0 && i < cfg->n; i++) {
		const struct cfg_line *l = &cfg->lines[i];

		if (l->kind == CFG_SECTION)
			break;
		if (l->kind != CFG_ENTRY)
			continue;
		snprintf(where, sizeof(where), "%s:%zu", cfg->display, i + 1);
		if ((r = siphon_opts_set(opts, l->name, l->value, SIPHON_ORIGIN_PROFILE, where)) != 0)
			return siphon_err(ctx, r, "%s", siphon_opts_errmsg(opts));
	}
	return 0;
}

int
siphon_config_apply(struct siphon_ctx *ctx, const struct siphon_config *cfg, const char *profile,
                    struct siphon_opts *opts)
{
	long sec = -1;
	int r;

	if (profile != NULL && (sec = siphon_cfg_find_section(cfg, profile)) < 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "no profile '%s' in %s", profile, cfg->display);
	/* At one origin the later value wins: the profile's over [defaults]'. */
	if ((r = apply_section(ctx, cfg, siphon_cfg_find_section(cfg, SIPHON_CONFIG_DEFAULTS), opts)) != 0)
		return r;
	if (profile != NULL && strcmp(profile, SIPHON_CONFIG_DEFAULTS) != 0)
		return apply_section(ctx, cfg, sec, opts);
	return 0;
}
