/* cmd_pull.h - `siphon pull`. */
#ifndef SIPHON_CMD_PULL_H
#define SIPHON_CMD_PULL_H

/* Runs `pull ...` (argv[0] is "pull"); returns the exit status. */
int cli_cmd_pull(int argc, char **argv);

/*
 * Runs `plan ...` (argv[0] is "plan", the options are pull's): prints what
 * the pull would copy and how, having changed nothing; the exit status.
 */
int cli_cmd_plan(int argc, char **argv);

/*
 * Runs `doctor ...` (the options are pull's): checks every step of the pull
 * and prints a checklist; exit 0 when nothing failed, else the exit status
 * of the first failure.
 */
int cli_cmd_doctor(int argc, char **argv);

#endif
