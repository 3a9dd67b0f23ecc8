/* plan_print.h - what `siphon plan` prints: the copy a pull would make, table by table. */
#ifndef SIPHON_CMD_PLAN_PRINT_H
#define SIPHON_CMD_PLAN_PRINT_H

#include "siphon.h"

#include <stdio.h>

/*
 * Writes the plan to out: one heading line (server, engine, compressor,
 * channels), one line of totals, then a table line for every table
 * (largest first, as planned), names made safe for a terminal.
 */
void cli_plan_print(FILE *out, const char *target, const struct siphon_plan_info *plan);

#endif
