/*
 * progress_live.h - the live display's picture: what a run is doing, kept
 * from the library's events, and the frame that shows it, as plain text
 * for a given terminal size.  Pure: no terminal, no clock (times are the
 * events'), so that tests can feed events and read frames.  live_tty.c
 * puts the frames on the terminal.
 *
 * A frame is, one line each, never longer than the width less one column
 * (so that no terminal wraps it):
 *     public.orders      120.5 MB  1.2M rows  40.1 MB/s  42%  ETA 0:07
 *     ...one per table being copied (the oldest first)...
 *     transfer: table data; 12 tables done
 *     total 31.0 MB on the wire, 160.6 MB raw (5.2x), 0:04, ETA 0:09
 */
#ifndef SIPHON_CMD_PROGRESS_LIVE_H
#define SIPHON_CMD_PROGRESS_LIVE_H

#include "siphon.h"

#include <stddef.h>
#include <stdint.h>

/* Phases nest at most this deep (deeper ones are not shown). */
#define CLI_LIVE_DEPTH 8

struct cli_live_table {
	unsigned id;
	char label[160];          /* schema.name, safe for a terminal */
	uint64_t raw_bytes, wire_bytes;
	int64_t rows, expected_bytes, expected_rows;
	double started;           /* seconds since the run began */
};

struct cli_live {
	struct cli_live_table *tables;  /* being copied, by id; owned */
	int ntables, cap;
	enum siphon_phase phases[CLI_LIVE_DEPTH];
	int depth;
	char step[128];           /* the innermost phase's step; "" none */
	struct siphon_event_totals totals;
	double now;               /* seconds of the last event */
	int failed;               /* out of memory: some table is missing */
};

void cli_live_init(struct cli_live *lv);
void cli_live_free(struct cli_live *lv);

/* Takes one event.  Returns 1 when the frame may have changed, else 0. */
int cli_live_event(struct cli_live *lv, const struct siphon_event *ev);

/*
 * The frame for a terminal of width columns and at most height lines into
 * buf (lines ended by '\n', always terminated; cut at cap, at a line's
 * end).  Returns the number of lines (0 when width or height leave no room).
 */
int cli_live_render(const struct cli_live *lv, int width, int height, char *buf, size_t cap);

/* "0:07", "12:34", "1:02:03": a duration for the display. */
void cli_live_duration(char *buf, size_t cap, double seconds);

#endif
