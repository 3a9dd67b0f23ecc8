/* cmd_pull.h - `siphon pull`. */
#ifndef SIPHON_CMD_PULL_H
#define SIPHON_CMD_PULL_H

/* Runs `pull ...` (argv[0] is "pull"); returns the exit status. */
int cli_cmd_pull(int argc, char **argv);

#endif
