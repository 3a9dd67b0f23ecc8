/* main.c - siphon: dispatch to the subcommand, decide the exit status. */
#include "args.h"
#include "cmd_config.h"
#include "cmd_local.h"
#include "cmd_pull.h"
#include "cmd_snap.h"
#include "completion.h"
#include "exitcodes.h"
#include "help.h"
#include "man.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Help piped into a full disk or a closed pager must not look like success. */
static int
flushed(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "siphon: write error: %s\n", strerror(errno));
		return CLI_EXIT_INTERNAL;
	}
	return CLI_EXIT_OK;
}

static int
out_of_memory(void)
{
	fputs("siphon: out of memory\n", stderr);
	return CLI_EXIT_INTERNAL;
}

static int
unexpected(const char *arg, const char *command)
{
	char err[CLI_ERR_MAX];

	snprintf(err, sizeof(err), "unexpected argument '%s'", arg);
	cli_sanitize(err);
	return cli_usage_error(err, command);
}

static int
unknown_command(const char *name)
{
	char err[CLI_ERR_MAX];

	snprintf(err, sizeof(err), "unknown command '%s'", name);
	cli_sanitize(err);
	return cli_usage_error(err, NULL);
}

int
main(int argc, char **argv)
{
	struct cli_main_args ma;
	char err[CLI_ERR_MAX];
	const char *cmd;
	int i;

	if ((i = cli_main_args_parse(&ma, argc, argv, err, sizeof(err))) < 0)
		return cli_usage_error(err, NULL);
	if (ma.help) {
		cli_help_main(stdout);
		return flushed();
	}
	if (ma.version) {
		cli_version(stdout);
		return flushed();
	}
	if (i >= argc)
		return cli_usage_error("missing command", NULL);
	cmd = argv[i];
	if (strcmp(cmd, "pull") == 0)
		return cli_cmd_pull(argc - i, argv + i, ma.config);
	if (strcmp(cmd, "plan") == 0)
		return cli_cmd_plan(argc - i, argv + i, ma.config);
	if (strcmp(cmd, "doctor") == 0)
		return cli_cmd_doctor(argc - i, argv + i, ma.config);
	if (strcmp(cmd, "rollback") == 0 || strcmp(cmd, "reset") == 0)
		return cli_cmd_local(argc - i, argv + i, ma.config);
	if (strcmp(cmd, "config") == 0)
		return cli_cmd_config(argc - i, argv + i, ma.config);
	if (strcmp(cmd, "profiles") == 0)
		return cli_cmd_profiles(argc - i, argv + i, ma.config);
	if (strcmp(cmd, "restore") == 0)
		return cli_cmd_restore(argc - i, argv + i, ma.config);
	if (strcmp(cmd, "snapshots") == 0)
		return cli_cmd_snapshots(argc - i, argv + i, ma.config);
	if (strcmp(cmd, "verify") == 0)
		return cli_cmd_verify(argc - i, argv + i);
	if (strcmp(cmd, "help") == 0) {
		if (argc - i > 2)
			return unexpected(argv[i + 2], NULL);
		if (argc - i == 2 && (strcmp(argv[i + 1], "pull") == 0 || strcmp(argv[i + 1], "plan") == 0 ||
		                      strcmp(argv[i + 1], "doctor") == 0)) {
			if (cli_help_pull(stdout) != 0)
				return out_of_memory();
		} else if (argc - i == 2 && strcmp(argv[i + 1], "config") == 0) {
			cli_help_config(stdout);
		} else if (argc - i == 2 && (strcmp(argv[i + 1], "rollback") == 0 ||
		                             strcmp(argv[i + 1], "reset") == 0)) {
			cli_help_local(stdout);
		} else if (argc - i == 2 && strcmp(argv[i + 1], "profiles") == 0) {
			cli_help_profiles(stdout);
		} else if (argc - i == 2 && cli_help_snap(stdout, argv[i + 1]) == 0) {
			/* snapshots, restore, verify */
		} else if (argc - i == 1 || strcmp(argv[i + 1], "help") == 0 ||
		         strcmp(argv[i + 1], "version") == 0)
			cli_help_main(stdout);
		else
			return unknown_command(argv[i + 1]);
		return flushed();
	}
	if (strcmp(cmd, "version") == 0) {
		if (argc - i > 1)
			return unexpected(argv[i + 1], NULL);
		cli_version(stdout);
		return flushed();
	}
	/* Hidden: for the completion scripts and for checking them. */
	if (strcmp(cmd, "__complete-options") == 0) {
		if (argc - i > 2 ||
		    cli_complete_options(stdout, argc - i == 2 ? argv[i + 1] : "") != 0)
			return cli_usage_error("__complete-options [pull]", NULL);
		return flushed();
	}
	if (strcmp(cmd, "__gen-completion") == 0) {
		if (argc - i != 2 || cli_completion_generate(stdout, argv[i + 1]) != 0)
			return cli_usage_error("__gen-completion bash|zsh|fish", NULL);
		return flushed();
	}
	/*
	 * Hidden, for the completion scripts: the targets of pull and the
	 * profile names, one a line.  Targets are the profile names for now;
	 * the Hosts of ~/.ssh/config are to follow them.
	 */
	if (strcmp(cmd, "__complete-targets") == 0 || strcmp(cmd, "__complete-profiles") == 0) {
		if (argc - i != 1)
			return unexpected(argv[i + 1], NULL);
		/* Targets are also ssh_config's Hosts ("prod:" then the database). */
		cli_cmd_complete_targets(ma.config, strcmp(cmd, "__complete-targets") == 0);
		return flushed();
	}
	/* Hidden: docs/siphon.1 and docs/siphon.conf.5 are its output (make man). */
	if (strcmp(cmd, "__gen-man") == 0) {
		int conf = argc - i == 2 && strcmp(argv[i + 1], "conf") == 0;

		if (argc - i > 2 || (argc - i == 2 && !conf))
			return cli_usage_error("__gen-man [conf]", NULL);
		if ((conf ? cli_man_conf_generate(stdout) : cli_man_generate(stdout)) != 0)
			return out_of_memory();
		return flushed();
	}
	return unknown_command(cmd);
}
