/* cmd_config.h - `siphon config` and `siphon profiles`: the profile file. */
#ifndef SIPHON_CMD_CONFIG_H
#define SIPHON_CMD_CONFIG_H

/*
 * Runs `config show|set|unset|add|path ...` (argv[0] is "config");
 * main_config is the --config given before the command, or NULL.  Returns
 * the exit status.
 */
int cli_cmd_config(int argc, char **argv, const char *main_config);

/* Runs `profiles` (argv[0]): the table of profiles; the exit status. */
int cli_cmd_profiles(int argc, char **argv, const char *main_config);

/*
 * The hidden `__complete-targets` (with_hosts) and `__complete-profiles`:
 * the profile names, one a line, then with_hosts the plain Host names of
 * ssh_config as "HOST:", for the completion scripts.  Quiet whatever
 * happens (a broken file: no names).
 */
int cli_cmd_complete_targets(const char *main_config, int with_hosts);

#endif
