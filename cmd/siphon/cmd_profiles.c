/*
 * cmd_profiles.c - `siphon profiles`: one line per profile of the file
 * (its server, engine, database, local name) and how its last pull went;
 * and the profile names for the completion scripts.
 */
#include "cmd_config.h"

#include "args.h"
#include "exitcodes.h"
#include "help.h"
#include "profile.h"
#include "profile_run.h"
#include "summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COLS 6

/* One row: the cells' text. */
struct row {
	char cell[COLS][160];
};

/* The profile's own settings ([defaults] under them; no environment). */
static int
fill_row(struct siphon_ctx *ctx, const struct siphon_config *cfg, const char *name,
         struct row *row)
{
	static const char *const keys[] = {"engine", "database", "into"};
	struct siphon_opts *opts = NULL;
	const char *ssh, *user;
	int r;

	if (siphon_opts_new(&opts) != 0)
		return SIPHON_ENOMEM;
	if ((r = siphon_config_apply(ctx, cfg, name, opts)) != 0) {
		siphon_opts_free(opts);
		return r;
	}
	snprintf(row->cell[0], sizeof(row->cell[0]), "%s", name);
	/* The server as written, else its parts. */
	if ((ssh = siphon_opts_str(opts, "ssh")) != NULL) {
		snprintf(row->cell[1], sizeof(row->cell[1]), "%s", ssh);
	} else if (siphon_opts_str(opts, "host") != NULL) {
		user = siphon_opts_str(opts, "user");
		snprintf(row->cell[1], sizeof(row->cell[1]), "%s%s%s", user != NULL ? user : "",
		         user != NULL ? "@" : "", siphon_opts_str(opts, "host"));
	} else {
		snprintf(row->cell[1], sizeof(row->cell[1]), "-");
	}
	for (size_t i = 0; i < 3; i++) {
		const char *v = siphon_opts_str(opts, keys[i]);

		snprintf(row->cell[2 + i], sizeof(row->cell[0]), "%s", v != NULL ? v : "-");
	}
	cli_last_pull_text(name, row->cell[5], sizeof(row->cell[5]));
	for (size_t i = 0; i < COLS; i++)
		cli_sanitize(row->cell[i]);
	siphon_opts_free(opts);
	return 0;
}

static void
print_row(const struct row *row, const int *width)
{
	for (size_t c = 0; c + 1 < COLS; c++)
		printf("%-*s  ", width[c], row->cell[c]);
	printf("%s\n", row->cell[COLS - 1]);
}

int
cli_cmd_profiles(int argc, char **argv, const char *main_config)
{
	static const struct row head = {{"NAME", "SSH", "ENGINE", "DATABASE", "INTO", "LAST PULL"}};
	struct siphon_ctx *ctx = NULL;
	struct siphon_config *cfg = NULL;
	struct row *rows = NULL;
	const char *config = main_config;
	int width[COLS] = {0}, r, code = CLI_EXIT_OK;
	size_t n;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_help_profiles(stdout);
			return CLI_EXIT_OK;
		}
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			config = argv[i] + 9;
		else
			return cli_usage_error("profiles takes no argument but --config FILE", "profiles");
	}
	if (siphon_ctx_new(&ctx) != 0) {
		fputs("siphon: out of memory\n", stderr);
		return CLI_EXIT_INTERNAL;
	}
	if ((r = cli_config_load(ctx, config, 1, &cfg)) != 0)
		goto failed;
	if ((n = siphon_config_profile_count(cfg)) == 0) {
		fprintf(stderr, "siphon: no profiles in %s; add one: siphon config add NAME --ssh HOST "
		        "--database DB\n", siphon_config_display(cfg));
		goto out;
	}
	if ((rows = calloc(n, sizeof(*rows))) == NULL) {
		r = SIPHON_ENOMEM;
		goto failed;
	}
	for (size_t c = 0; c < COLS; c++)
		width[c] = (int)strlen(head.cell[c]);
	for (size_t i = 0; i < n; i++) {
		if ((r = fill_row(ctx, cfg, siphon_config_profile_name(cfg, i), &rows[i])) != 0)
			goto failed;
		for (size_t c = 0; c < COLS; c++)
			if ((int)strlen(rows[i].cell[c]) > width[c])
				width[c] = (int)strlen(rows[i].cell[c]);
	}
	print_row(&head, width);
	for (size_t i = 0; i < n; i++)
		print_row(&rows[i], width);
	goto out;
failed:
	fprintf(stderr, "siphon: %s\n", r == SIPHON_ENOMEM ? "out of memory" : siphon_ctx_errmsg(ctx));
	code = cli_exit_code(r);
out:
	free(rows);
	siphon_config_free(cfg);
	siphon_ctx_free(ctx);
	return code;
}

/* A Host of ssh_config as a target: the database name follows its ':'. */
static void
print_host_target(void *arg, const char *host)
{
	(void)arg;
	printf("%s:\n", host);
}

int
cli_cmd_complete_targets(const char *main_config, int with_hosts)
{
	struct siphon_ctx *ctx = NULL;
	struct siphon_config *cfg = NULL;

	if (siphon_ctx_new(&ctx) != 0)
		return CLI_EXIT_INTERNAL;
	/* Not strict: a bad value elsewhere should not hide the names. */
	if (cli_config_load(ctx, main_config, 0, &cfg) == 0) {
		for (size_t i = 0; i < siphon_config_profile_count(cfg); i++)
			printf("%s\n", siphon_config_profile_name(cfg, i));
	}
	if (with_hosts)
		(void)siphon_ssh_config_hosts(ctx, NULL, print_host_target, NULL);
	siphon_config_free(cfg);
	siphon_ctx_free(ctx);
	return CLI_EXIT_OK;
}
