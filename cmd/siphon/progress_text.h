/*
 * progress_text.h - the text consumer of the library's events: a progress
 * line on stderr every 5 s while table data flows, one line per stage
 * done ("transfer done in 12.3 s"), and the summary line on stdout after a
 * successful pull.  (Other lines come from the log callback;
 * a live display or JSON would be other consumers of the same events.)
 */
#ifndef SIPHON_CMD_PROGRESS_TEXT_H
#define SIPHON_CMD_PROGRESS_TEXT_H

#include "siphon.h"

#include <stddef.h>
#include <stdio.h>

struct cli_progress_text {
	const struct siphon_opts *opts;  /* names for the lines; borrowed */
	int quiet;        /* -q: neither progress lines nor the summary */
	FILE *out;        /* the summary */
	FILE *err;        /* progress lines */
	double next;      /* data_seconds of the next progress line */
	int file_copy;    /* a file (SQLite) is being copied: its own wording */
	int lines;        /* 1 (the default): progress lines; 0: only the
	                     summary (another view shows the progress) */
};

/* The period of the progress lines, in seconds. */
#define CLI_PROGRESS_PERIOD 5.0

void cli_progress_text_init(struct cli_progress_text *pt, const struct siphon_opts *o,
                            int quiet, FILE *out, FILE *err);

/*
 * Takes one event: the state moves on, and the line due (a stage done, or
 * a PROGRESS event CLI_PROGRESS_PERIOD or more after the last line) goes into
 * buf (always terminated, control characters replaced).  Returns 1 when
 * buf holds a line, else 0.
 */
int cli_progress_text_line(struct cli_progress_text *pt, const struct siphon_event *ev,
                           char *buf, size_t cap);

/* A siphon_event_fn (arg: a struct cli_progress_text): prints what is due. */
void cli_progress_text_event(void *arg, const struct siphon_event *ev);

#endif
