/*
 * cmd_config.c - `siphon config`: show what a pull would use and where
 * each value comes from; set, unset and add profiles in the file, which
 * the library edits in place (comments and order kept).
 */
#include "cmd_config.h"

#include "args.h"
#include "exitcodes.h"
#include "help.h"
#include "profile.h"

#include <stdio.h>
#include <string.h>

extern char **environ;

/* At most this many words after the subcommand. */
#define WORDS_MAX 3

/* The words of `config SUB ...` and the options any subcommand takes. */
struct config_args {
	const char *config;        /* --config FILE */
	int help;
	const char *words[WORDS_MAX];
	int n;
};

/*
 * Reads the words after the subcommand: --config FILE and --help
 * anywhere; with verbatim > 0, the word after that many is a word whatever
 * it looks like (the VALUE of `config set prod remote-pg-opts '-h db'`).
 * Returns 0 or -1 with err.
 */
static int
config_args_parse(struct config_args *ca, int argc, char **argv, int verbatim, char *err,
                  size_t errcap)
{
	memset(ca, 0, sizeof(*ca));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || (verbatim > 0 && ca->n == verbatim)) {
			if (ca->n == WORDS_MAX) {
				snprintf(err, errcap, "unexpected argument '%s'", a);
				return -1;
			}
			ca->words[ca->n++] = a;
		} else if (strcmp(a, "--config") == 0 && i + 1 < argc) {
			ca->config = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			ca->config = a + 9;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			ca->help = 1;
		} else {
			snprintf(err, errcap, "unknown option '%s'", a);
			return -1;
		}
	}
	cli_sanitize(err);
	return 0;
}

/* A library failure: its line, its exit status. */
static int
failed(struct siphon_ctx *ctx, int r)
{
	fprintf(stderr, "siphon: %s\n", siphon_ctx_errmsg(ctx));
	return cli_exit_code(r);
}

/* Whether key is one of the CLI's own options: said so, as the loader does. */
static int
front_end_key(const char *key)
{
	for (size_t i = 0; cli_front_end_keys[i] != NULL; i++) {
		if (strcmp(cli_front_end_keys[i], key) == 0) {
			fprintf(stderr, "siphon: '%s' is a command-line option, not a profile key "
			        "(give --%s when running siphon)\n", key, key);
			return 1;
		}
	}
	return 0;
}

/* "(SIPHON_JOBS)", "(~/.config/siphon/config:5)", "(default)". */
static void
print_setting(FILE *out, const struct siphon_opts *opts, const struct siphon_optdef *d, int width)
{
	const char *text = siphon_opts_str(opts, d->name), *where = NULL;
	enum siphon_opt_origin o = siphon_opts_origin(opts, d->name, &where);
	char value[600];

	if (text == NULL)
		snprintf(value, sizeof(value), "(none)");
	else if (siphon_opt_is_secret(d, text))
		snprintf(value, sizeof(value), "******** (hidden: it holds a password)");
	else
		snprintf(value, sizeof(value), "%s", text);
	cli_sanitize(value);
	fprintf(out, "%-*s = %s   (%s)\n", width, d->name, value,
	        o == SIPHON_ORIGIN_DEFAULT ? "default" : where != NULL ? where : siphon_opt_origin_name(o));
}

static int
config_show(struct siphon_ctx *ctx, const struct config_args *ca)
{
	struct siphon_config *cfg = NULL;
	struct siphon_opts *opts = NULL;
	const char *profile = ca->n > 0 ? ca->words[0] : NULL;
	int width = 0, r, code = CLI_EXIT_OK;

	if ((r = cli_config_load(ctx, ca->config, 1, &cfg)) != 0)
		return failed(ctx, r);
	if (siphon_opts_new(&opts) != 0) {
		code = failed(ctx, SIPHON_ENOMEM);
		goto out;
	}
	if ((r = siphon_opts_apply_env(opts, environ)) != 0) {
		fprintf(stderr, "siphon: %s\n", siphon_opts_errmsg(opts));
		code = cli_exit_code(r);
		goto out;
	}
	if ((r = siphon_config_apply(ctx, cfg, profile, opts)) != 0) {
		code = failed(ctx, r);
		goto out;
	}
	for (size_t i = 0; i < siphon_opts_count(opts); i++) {
		int len = (int)strlen(siphon_opts_def(opts, i)->name);

		width = len > width ? len : width;
	}
	printf("# %s%s, from %s%s\n", profile != NULL ? "profile " : "", profile != NULL ? profile : "[defaults]",
	       siphon_config_display(cfg), siphon_config_exists(cfg) ? "" : " (not there: no profiles)");
	for (size_t i = 0; i < siphon_opts_count(opts); i++)
		print_setting(stdout, opts, siphon_opts_def(opts, i), width);
out:
	siphon_opts_free(opts);
	siphon_config_free(cfg);
	return code;
}

/* set, unset: load, edit, write. */
static int
config_edit(struct siphon_ctx *ctx, const struct config_args *ca, int set)
{
	struct siphon_config *cfg = NULL;
	int r;

	if (ca->n != (set ? 3 : 2))
		return cli_usage_error(set ? "config set needs PROFILE KEY VALUE"
		                           : "config unset needs PROFILE KEY", "config");
	if (front_end_key(ca->words[1]))
		return CLI_EXIT_USAGE;
	/* Not strict: the edit may be what fixes a bad value. */
	if ((r = cli_config_load(ctx, ca->config, 0, &cfg)) != 0)
		return failed(ctx, r);
	if (set)
		r = siphon_config_set(ctx, cfg, ca->words[0], ca->words[1], ca->words[2]);
	else
		r = siphon_config_unset(ctx, cfg, ca->words[0], ca->words[1]);
	if (r == 0)
		r = siphon_config_write(ctx, cfg);
	siphon_config_free(cfg);
	return r != 0 ? failed(ctx, r) : CLI_EXIT_OK;
}

/*
 * The options given to `config add`, in the order a reader wants them:
 * the server and the database first, then the rest as --help lists them.
 * The parts of the server (host, user, port) come with ssh.
 */
static int
add_keys(struct siphon_ctx *ctx, struct siphon_config *cfg, const char *name,
         const struct siphon_opts *opts)
{
	static const char *const first[] = {"ssh", "database", NULL};
	int r;

	for (size_t i = 0; first[i] != NULL; i++)
		if ((r = siphon_config_set(ctx, cfg, name, first[i], siphon_opts_str(opts, first[i]))) != 0)
			return r;
	for (size_t i = 0; i < siphon_opts_count(opts); i++) {
		const struct siphon_optdef *d = siphon_opts_def(opts, i);

		if (!siphon_opts_is_set(opts, d->name) || (d->flags & SIPHON_OPTDEF_TARGET) ||
		    strcmp(d->name, "ssh") == 0 || strcmp(d->name, "database") == 0)
			continue;
		if ((r = siphon_config_set(ctx, cfg, name, d->name, siphon_opts_str(opts, d->name))) != 0)
			return r;
	}
	return 0;
}

static int
config_add(struct siphon_ctx *ctx, int argc, char **argv, const char *main_config)
{
	struct cli_pull_args pa;
	struct siphon_config *cfg = NULL;
	char err[CLI_ERR_MAX];
	int r, code = CLI_EXIT_OK;

	if (cli_pull_args_parse(&pa, argc, argv, err, sizeof(err)) != 0) {
		code = cli_usage_error(err, "config");
		goto out;
	}
	if (pa.help) {
		cli_help_config(stdout);
		goto out;
	}
	if (pa.word == NULL || !siphon_config_name_ok(pa.word)) {
		code = cli_usage_error("config add needs a profile name: letters, digits, '.', '_' "
		                       "or '-'", "config");
		goto out;
	}
	if (!siphon_opts_is_set(pa.opts, "ssh") || !siphon_opts_is_set(pa.opts, "database")) {
		code = cli_usage_error("config add needs --ssh HOST and --database DB", "config");
		goto out;
	}
	if ((r = cli_config_load(ctx, pa.config != NULL ? pa.config : main_config, 0, &cfg)) != 0 ||
	    (r = siphon_config_add(ctx, cfg, pa.word)) != 0 ||
	    (r = add_keys(ctx, cfg, pa.word, pa.opts)) != 0 ||
	    (r = siphon_config_write(ctx, cfg)) != 0) {
		code = failed(ctx, r);
		goto out;
	}
	printf("added profile '%s' to %s: pull it with: siphon pull %s\n", pa.word,
	       siphon_config_display(cfg), pa.word);
out:
	siphon_config_free(cfg);
	cli_pull_args_free(&pa);
	return code;
}

static int
config_path(struct siphon_ctx *ctx, const struct config_args *ca)
{
	char buf[4096];
	int r;

	if (ca->n != 0)
		return cli_usage_error("config path takes no argument", "config");
	if ((r = siphon_config_path(ctx, ca->config, buf, sizeof(buf), NULL)) != 0)
		return failed(ctx, r);
	printf("%s\n", buf);
	return CLI_EXIT_OK;
}

int
cli_cmd_config(int argc, char **argv, const char *main_config)
{
	struct siphon_ctx *ctx = NULL;
	struct config_args ca;
	char err[CLI_ERR_MAX] = "";
	const char *sub = argc > 1 ? argv[1] : NULL;
	int verbatim = sub != NULL && strcmp(sub, "set") == 0 ? 2 : 0, code;

	if (sub == NULL)
		return cli_usage_error("config needs show, set, unset, add or path", "config");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		cli_help_config(stdout);
		return CLI_EXIT_OK;
	}
	if (siphon_ctx_new(&ctx) != 0) {
		fputs("siphon: out of memory\n", stderr);
		return CLI_EXIT_INTERNAL;
	}
	if (strcmp(sub, "add") == 0) {
		code = config_add(ctx, argc - 1, argv + 1, main_config);
		goto out;
	}
	if (config_args_parse(&ca, argc - 1, argv + 1, verbatim, err, sizeof(err)) != 0) {
		code = cli_usage_error(err, "config");
		goto out;
	}
	if (ca.config == NULL)
		ca.config = main_config;
	if (ca.help) {
		cli_help_config(stdout);
		code = CLI_EXIT_OK;
	} else if (strcmp(sub, "show") == 0) {
		code = ca.n > 1 ? cli_usage_error("config show takes at most one PROFILE", "config")
		                : config_show(ctx, &ca);
	} else if (strcmp(sub, "set") == 0) {
		code = config_edit(ctx, &ca, 1);
	} else if (strcmp(sub, "unset") == 0) {
		code = config_edit(ctx, &ca, 0);
	} else if (strcmp(sub, "path") == 0) {
		code = config_path(ctx, &ca);
	} else {
		snprintf(err, sizeof(err), "unknown config command '%s' (show, set, unset, add, path)", sub);
		cli_sanitize(err);
		code = cli_usage_error(err, "config");
	}
out:
	siphon_ctx_free(ctx);
	return code;
}
