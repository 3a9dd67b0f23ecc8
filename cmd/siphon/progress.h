/*
 * progress.h - what `siphon pull` shows while it runs (--progress): the
 * view chosen, and the one place where the library's events and log lines
 * reach it.
 *
 *  live  a display redrawn in place on the terminal (live_tty.c), the log
 *        lines printed above it;
 *  text  the log lines, a progress line every 5 s and one per stage done
 *        (progress_text.c): for cron and pipes;
 *  json  one JSON object per event (progress_json.c) on stderr, or on
 *        --progress-fd; on stderr the log lines become objects too (warnings
 *        only as their events), so that every line of it parses;
 *  none  the log lines only.
 * Whatever the view, a successful pull prints its summary line on stdout
 * (not with --quiet), and --quiet leaves out every view but json.
 */
#ifndef SIPHON_CMD_PROGRESS_H
#define SIPHON_CMD_PROGRESS_H

#include "args.h"
#include "live_tty.h"
#include "progress_json.h"
#include "progress_text.h"

struct cli_progress {
	enum cli_progress_mode mode;   /* resolved: never AUTO */
	struct cli_progress_text text; /* the summary, and the text view */
	struct cli_live_tty live;
	struct cli_jbuf json;
	int json_fd;
	int stop_said;                 /* the live view showed the stop note */
	int *cancel_fd;                /* for the questions, below; borrowed */
};

/*
 * Chooses the view of pa (auto: live when stderr is a terminal that can
 * move its cursor, else text) and sets it up.  Returns 0, or -1 when out
 * of memory.
 */
int cli_progress_open(struct cli_progress *p, const struct cli_pull_args *pa);
/* Erases what is left of a live display; frees p. */
void cli_progress_close(struct cli_progress *p);

/*
 * Whether stderr is for people (not JSON objects): the CLI's own failure
 * and interruption lines go there only then.  Signals then also say that
 * siphon is stopping, except under a live display, which says it itself.
 */
int cli_progress_stderr_is_text(const struct cli_progress *p);
int cli_progress_signals_quiet(const struct cli_progress *p, int quiet);

/* A siphon_event_fn and a siphon_log_fn, arg a struct cli_progress. */
void cli_progress_event(void *arg, const struct siphon_event *ev);
void cli_progress_log(void *arg, enum siphon_log_level level, const char *msg);

/*
 * A siphon_prompt_fn and a siphon_choose_fn (arg a struct cli_progress
 * whose cancel_fd is set): the terminal's questions (tty.h), asked below
 * the live display's block erased first, so that the next frame does not
 * draw over the question.
 */
int cli_progress_prompt(void *arg, const char *prompt, char *buf, size_t cap);
int cli_progress_choose(void *arg, const char *question, const char *const *choices, int n);

/*
 * The exit status of a run that returned r: 0, the code of r, or 130 when
 * the user interrupted it (a tool of ours may have failed of the signal).
 */
int cli_progress_exit_code(int r);

#endif
