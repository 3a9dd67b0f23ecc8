/*
 * completion.h - shell completions generated from the option definitions, so
 * they offer exactly what the parser accepts.  completions/siphon.bash and
 * completions/_siphon are this output, committed; a unit test keeps them
 * equal.
 */
#ifndef SIPHON_CMD_COMPLETION_H
#define SIPHON_CMD_COMPLETION_H

#include <stdio.h>

/* Writes the completion script for shell ("bash" or "zsh"); -1: unknown. */
int cli_completion_generate(FILE *out, const char *shell);

/*
 * Writes every spelling of the options of command ("pull", or "" for those
 * before the command), one a line, --no-NAME after --NAME for a flag whose
 * default is yes; -1: unknown command.
 */
int cli_complete_options(FILE *out, const char *command);

#endif
