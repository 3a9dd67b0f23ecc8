/* cmd_local.h - `siphon rollback` and `siphon reset`: the local copy alone. */
#ifndef SIPHON_CMD_LOCAL_H
#define SIPHON_CMD_LOCAL_H

#include <stdio.h>

/*
 * Runs `rollback ...` or `reset ...` (argv[0] names which; the options are
 * pull's, of which the target, --into, --engine and --force matter);
 * returns the exit status.  main_config: the --config before the command.
 */
int cli_cmd_local(int argc, char **argv, const char *main_config);

/* `siphon rollback --help`, `siphon reset --help`. */
void cli_help_local(FILE *out);

#endif
