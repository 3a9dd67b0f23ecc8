/*
 * man.h - the man pages, generated: siphon(1) (its SYNOPSIS and COMMANDS
 * from the command table, OPTIONS from the option definitions, prose from
 * the --help texts and its own sections) and siphon.conf(5) (its KEYS from
 * the definitions).  docs/siphon.1 and docs/siphon.conf.5 are this output,
 * committed (`make man`); a unit test keeps them equal.
 */
#ifndef SIPHON_CMD_MAN_H
#define SIPHON_CMD_MAN_H

#include <stdio.h>

/* Writes the page in roff (man macros).  Returns 0, or -1 when out of memory. */
int cli_man_generate(FILE *out);
/* Writes siphon.conf(5).  Returns 0, or -1 when out of memory. */
int cli_man_conf_generate(FILE *out);

#endif
