/* help.h - --help texts, built from the option tables of args.c. */
#ifndef SIPHON_CMD_HELP_H
#define SIPHON_CMD_HELP_H

#include <stdio.h>

/* `siphon --help`: the commands, the global options, the exit statuses. */
void cli_help_main(FILE *out);
/* `siphon pull --help`: the target syntax, every option, the statuses. */
void cli_help_pull(FILE *out);
/* `siphon --version`. */
void cli_version(FILE *out);

/*
 * Prints "siphon: MSG" and a pointer to the help of command (NULL: the
 * top-level help) to stderr; returns the usage exit status.
 */
int cli_usage_error(const char *msg, const char *command);

#endif
