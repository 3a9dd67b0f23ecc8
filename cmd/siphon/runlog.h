/*
 * runlog.h - what a profile's pull leaves behind: the log of an unattended
 * run ($XDG_STATE_HOME/siphon/PROFILE.log, one timestamped line each: the
 * notes and warnings, the text progress lines, the hooks' output, the
 * summary or the error), and the figures of the run for its record and its
 * hooks.  It sits between the library and the view --progress chose: every
 * event and log line passes through it on its way there.
 */
#ifndef SIPHON_CMD_RUNLOG_H
#define SIPHON_CMD_RUNLOG_H

#include "progress.h"

#include "siphon.h"

struct cli_runlog {
	int fd;                          /* the log file; -1: none (attended) */
	struct cli_progress *view;       /* where it all goes on; borrowed */
	enum siphon_log_level view_max;  /* the lines the view wants */
	struct cli_progress_text text;   /* the log's own progress lines */
	struct siphon_event_totals totals; /* the last event's: what a failed
	                                    run moved */
};

/*
 * Sets rl up in front of view (opts names the pull in the lines; both
 * borrowed), with no log file.
 */
void cli_runlog_init(struct cli_runlog *rl, struct cli_progress *view,
                     enum siphon_log_level view_max, const struct siphon_opts *opts);

/*
 * The level the library's log must be set to: the view's, or INFO at
 * least while a log file wants the notes the view (-q) may not.
 */
enum siphon_log_level cli_runlog_level(const struct cli_runlog *rl);

/* One line into the log file (when there is one), with the time in front. */
void cli_runlog_line(struct cli_runlog *rl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * "2026-12-05T03:30:01+0100 text\n" into buf: the line as the log holds it
 * (control characters replaced).  Returns its length (cut to cap-1).
 */
size_t cli_runlog_format(char *buf, size_t cap, long long when, const char *text);

/* A siphon_event_fn and a siphon_log_fn, arg a struct cli_runlog. */
void cli_runlog_event(void *arg, const struct siphon_event *ev);
void cli_runlog_log(void *arg, enum siphon_log_level level, const char *msg);

/* Closes the log file. */
void cli_runlog_close(struct cli_runlog *rl);

#endif
