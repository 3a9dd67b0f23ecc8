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

/*
 * Runs `doctor ...` (the options are pull's): checks every step of the pull
 * and prints a checklist; exit 0 when nothing failed, else the exit status
 * of the first failure.
 */
int cli_cmd_doctor(int argc, char **argv, const char *main_config);

/*
 * Runs `restore TARGET [options]` (argv[0] is "restore"; TARGET a
 * PROFILE[@TIME|@latest] or a snapshot FILE; pull's options, of which the
 * local ones count): the saved snapshot restored with no network; the exit
 * status.
 */
int cli_cmd_restore(int argc, char **argv, const char *main_config);

#endif
