/*
 * profile_run.h - what surrounds the pull of a profile: its lock (taken
 * before anything is done, held to the end), the log of an unattended run,
 * the record of how it went (for profiles, doctor, schedule --list) and
 * its on_success/on_failure command.
 */
#ifndef SIPHON_CMD_PROFILE_RUN_H
#define SIPHON_CMD_PROFILE_RUN_H

#include "runlog.h"

#include "siphon.h"

#include <stdint.h>

struct cli_profile_run {
	const char *profile;               /* borrowed */
	int unattended;
	struct siphon_profile_lock *lock;
	int64_t started;                   /* seconds since 1970 */
	char log_path[4096];               /* "" without a log */
};

/*
 * Takes profile's lock (command is argv joined, for the refusal a second
 * run prints), then for an unattended run opens its log (rotated) into
 * rl.  Returns 0, or the library's code with its line on ctx: a refusal
 * (SIPHON_ELOCKED) is also one line in the log of an unattended run, which
 * is left as the holder keeps it.
 */
int cli_profile_run_begin(struct cli_profile_run *pr, struct cli_runlog *rl,
                          struct siphon_ctx *ctx, const char *profile, int unattended, int argc,
                          char **argv);

/*
 * After the pull: its last line into the log, the record written, the
 * hook of the outcome run (its failure a warning, never the exit status),
 * then the log closed and the lock released.  code is the exit status,
 * message the summary line or the failure's one line; cancel_fd stops the
 * hook (Ctrl-C), -1 for none.
 */
void cli_profile_run_end(struct cli_profile_run *pr, struct cli_runlog *rl,
                         const struct siphon_opts *opts, int code, const char *message,
                         const struct siphon_pull_stats *stats, int cancel_fd);

/*
 * "2026-12-05 03:30 ok, 12.3 s, 1.2 GB" or "... failed (exit 6): why";
 * "never".  For profiles' LAST PULL column.
 */
void cli_last_pull_text(const char *profile, char *buf, size_t cap);

/*
 * doctor's finding on the profile's last pull: a warning when it failed
 * ("failed 5 hours ago (exit 3): ..."), else passed; none when there is no
 * record.  Returns 1 with *c filled (its text in buf), else 0.
 */
int cli_last_pull_check(const char *profile, struct siphon_check *c, char *buf, size_t cap);

#endif
