/* cmd_pull.h - `siphon pull`. */
#ifndef SIPHON_CMD_PULL_H
#define SIPHON_CMD_PULL_H

/*
 * Runs `pull ...` (argv[0] is "pull"); returns the exit status.
 * main_config: the --config given before the command, or NULL.
 */
int cli_cmd_pull(int argc, char **argv, const char *main_config);

/*
 * Runs `plan ...` (argv[0] is "plan", the options are pull's): prints what
 * the pull would copy and how, having changed nothing; the exit status.
 */
int cli_cmd_plan(int argc, char **argv, const char *main_config);

#endif
