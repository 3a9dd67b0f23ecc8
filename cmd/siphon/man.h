/*
 * man.h - the man page siphon(1), generated: its OPTIONS section from the
 * option definitions, its prose from the --help texts.  docs/siphon.1 is
 * this output, committed (`make man`); a unit test keeps them equal.
 */
#ifndef SIPHON_CMD_MAN_H
#define SIPHON_CMD_MAN_H

#include <stdio.h>

/* Writes the page in roff (man macros).  Returns 0, or -1 when out of memory. */
int cli_man_generate(FILE *out);

#endif
