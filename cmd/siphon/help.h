/* help.h - --help texts, the options listed from their definitions. */
#ifndef SIPHON_CMD_HELP_H
#define SIPHON_CMD_HELP_H

#include <stdio.h>

/*
 * The prose of `siphon pull --help`: what pull does, the target syntax, and
 * where the tools find their servers (a two-column table).
 */
extern const char cli_pull_about[];
/* The prose of `siphon schedule --help` and of the man page's SCHEDULES. */
extern const char cli_schedule_about[];
extern const char cli_pull_target[];
extern const char cli_pull_where[];

/* `siphon --help`: the commands, the global options, the exit statuses. */
void cli_help_main(FILE *out);
/*
 * `siphon pull --help`: the target syntax, every option, the statuses.
 * Returns 0, or -1 when out of memory (nothing written).
 */
int cli_help_pull(FILE *out);
/* `siphon config --help`: the subcommands, the file's format in short. */
void cli_help_config(FILE *out);
/* `siphon profiles --help`. */
void cli_help_profiles(FILE *out);
/* `siphon schedule --help` (and unschedule's). */
void cli_help_schedule(FILE *out);
/* `siphon --version`. */
void cli_version(FILE *out);

/*
 * Prints "siphon: MSG" and a pointer to the help of command (NULL: the
 * top-level help) to stderr; returns the usage exit status.
 */
int cli_usage_error(const char *msg, const char *command);

#endif
