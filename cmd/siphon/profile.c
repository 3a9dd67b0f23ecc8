/* profile.c - the profile file for the commands; what a pull's target is. */
#include "profile.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

extern char **environ;

int
cli_config_load(struct siphon_ctx *ctx, const char *path, int strict, struct siphon_config **out)
{
	char buf[4096];
	int required, r;

	*out = NULL;
	if ((r = siphon_config_path(ctx, path, buf, sizeof(buf), &required)) != 0)
		return r;
	/* The usual file may be missing (no profiles); one that was named may not. */
	return siphon_config_load(ctx, buf, !required, strict, cli_front_end_keys, out);
}

static int fail(char *err, size_t errcap, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One line into err; returns code. */
static int
fail(char *err, size_t errcap, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errcap, fmt, ap);
	va_end(ap);
	cli_sanitize(err);
	return code;
}

/* A library failure r: its message from the context. */
static int
lib_failed(const struct siphon_ctx *ctx, int r, char *err, size_t errcap)
{
	return fail(err, errcap, r, "%s", siphon_ctx_errmsg(ctx));
}

static int
resolve_word(struct siphon_ctx *ctx, struct cli_pull_args *pa, const struct siphon_config *cfg,
             const char **profile, char *err, size_t errcap)
{
	const char *w = pa->word;
	int r;

	if (strcmp(w, SIPHON_CONFIG_DEFAULTS) != 0 && siphon_config_has(cfg, w, NULL)) {
		*profile = w;
		if ((r = siphon_config_apply(ctx, cfg, w, pa->opts)) != 0)
			return lib_failed(ctx, r, err, errcap);
		return 0;
	}
	if ((r = siphon_config_apply(ctx, cfg, NULL, pa->opts)) != 0)
		return lib_failed(ctx, r, err, errcap);
	/* Not a profile: with a database given, the word is the server. */
	if (!siphon_opts_is_set(pa->opts, "database") && !siphon_config_name_ok(w)) {
		struct cli_target t;

		/* No profile could be named so (bob@db1): a target lacking its database. */
		if (cli_target_parse(w, &t, err, errcap) == 0) {
			cli_target_free(&t);
			return fail(err, errcap, SIPHON_EINTERNAL, "target '%s' parsed", w);
		}
		return SIPHON_EUSAGE;
	}
	if (!siphon_opts_is_set(pa->opts, "database"))
		return fail(err, errcap, SIPHON_EUSAGE, "no profile '%s' in %s; for a server's database write "
		               "HOST:DATABASE, or add a profile: siphon config add %s --ssh HOST "
		               "--database DB", w, siphon_config_display(cfg), w);
	if ((r = siphon_opts_set(pa->opts, "ssh", w, SIPHON_ORIGIN_CLI, "target")) != 0)
		return fail(err, errcap, r, "%s", siphon_opts_errmsg(pa->opts));
	return 0;
}

int
cli_pull_resolve(struct siphon_ctx *ctx, struct cli_pull_args *pa, const char *main_config,
                 struct siphon_config **cfg_out, const char **profile, char *err, size_t errcap)
{
	struct siphon_config *cfg = NULL;
	int r;

	*profile = NULL;
	*cfg_out = NULL;
	if ((r = cli_config_load(ctx, pa->config != NULL ? pa->config : main_config, 1, &cfg)) != 0)
		return lib_failed(ctx, r, err, errcap);
	*cfg_out = cfg;
	if ((r = siphon_opts_apply_env(pa->opts, environ)) != 0)
		return fail(err, errcap, r, "%s", siphon_opts_errmsg(pa->opts));
	if (pa->word != NULL) {
		if ((r = resolve_word(ctx, pa, cfg, profile, err, errcap)) != 0)
			return r;
	} else if ((r = siphon_config_apply(ctx, cfg, NULL, pa->opts)) != 0) {
		return lib_failed(ctx, r, err, errcap);
	}
	if (!siphon_opts_is_set(pa->opts, "host")) {
		if (*profile != NULL)
			return fail(err, errcap, SIPHON_EUSAGE, "profile '%s' in %s names no server: siphon config set %s "
			               "ssh HOST", *profile, siphon_config_display(cfg), *profile);
		return fail(err, errcap, SIPHON_EUSAGE, "missing target: a PROFILE, " CLI_TARGET_SYNOPSIS ", or --ssh HOST "
		               "--database DB");
	}
	if (!siphon_opts_is_set(pa->opts, "database")) {
		if (*profile != NULL)
			return fail(err, errcap, SIPHON_EUSAGE, "profile '%s' in %s names no database: siphon config set %s "
			               "database DB", *profile, siphon_config_display(cfg), *profile);
		return fail(err, errcap, SIPHON_EUSAGE, "missing database: give --database DB, or write HOST:DATABASE");
	}
	return 0;
}
