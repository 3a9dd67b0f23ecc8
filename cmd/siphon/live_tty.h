/*
 * live_tty.h - the live display on a terminal: the frames of
 * progress_live.c redrawn in place on stderr.
 *
 * Each frame goes out in one write(2): the cursor back up to the block's
 * first line, each line followed by clear-to-end-of-line, then
 * clear-to-end-of-screen for what a longer frame left; nothing is ever
 * blanked first, so nothing flickers.  A frame goes out only when its text
 * changed, and at most every CLI_LIVE_PERIOD seconds for figures (a phase
 * or a step shows at once).  The width follows the terminal (TIOCGWINSZ,
 * read again after SIGWINCH); lines are cut to fit, never wrapped.  Lines
 * of the log go above the block (cli_live_tty_print), and the block is
 * erased when the run ends, so that the screen holds the summary and the
 * warnings and no trace of the display.
 */
#ifndef SIPHON_CMD_LIVE_TTY_H
#define SIPHON_CMD_LIVE_TTY_H

#include "progress_live.h"

#include <stddef.h>

/* Ten frames a second at most. */
#define CLI_LIVE_PERIOD 0.1

struct cli_live_tty {
	int fd;                 /* the terminal (stderr); not owned */
	int width, height;
	int lines;              /* lines of the block now on the screen */
	int drawn_width;        /* the width they were drawn for */
	int pending;            /* the picture changed since the last frame */
	double last;            /* CLOCK_MONOTONIC of the last frame */
	struct cli_live lv;
	char *frame, *prev;     /* this frame's text and the last one's */
	char *out;              /* the bytes of one write */
	size_t cap;
};

/* Returns 0, or -1 when out of memory. */
int cli_live_tty_open(struct cli_live_tty *lt, int fd);
/* Erases the block and frees lt; safe on a zeroed lt. */
void cli_live_tty_close(struct cli_live_tty *lt);

/* Takes one event and redraws when due.  SUMMARY erases the block. */
void cli_live_tty_event(struct cli_live_tty *lt, const struct siphon_event *ev);

/* Prints line (one line, no newline) above the block. */
void cli_live_tty_print(struct cli_live_tty *lt, const char *line);

/* Erases the block (it comes back with the next frame). */
void cli_live_tty_erase(struct cli_live_tty *lt);

#endif
