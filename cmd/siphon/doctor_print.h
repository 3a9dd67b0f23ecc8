/* doctor_print.h - `siphon doctor`'s checklist as text. */
#ifndef SIPHON_CMD_DOCTOR_PRINT_H
#define SIPHON_CMD_DOCTOR_PRINT_H

#include "siphon.h"

#include <stdio.h>

struct cli_doctor_out {
	FILE *out;
	int pass, warn, fail, skip;
};

/* A siphon_check_fn: one line per finding, on d->out. */
void cli_doctor_line(void *arg, const struct siphon_check *c);

/* The closing line: what the findings add up to. */
void cli_doctor_total(const struct cli_doctor_out *d);

#endif
