/* profile_run.c - a profile's pull: its lock, its log, its record and its hooks. */
#include "profile_run.h"

#include "args.h"
#include "exitcodes.h"
#include "summary.h"
#include "tty.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* argv as one line, for the lock ("siphon pull --unattended prod"). */
static void
join_argv(char *buf, size_t cap, int argc, char **argv)
{
	size_t len = (size_t)snprintf(buf, cap, "siphon");

	for (int i = 0; i < argc && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, " %s", argv[i]);
	cli_sanitize(buf);
}

int
cli_profile_run_begin(struct cli_profile_run *pr, struct cli_runlog *rl,
                      struct siphon_ctx *ctx, const char *profile, int unattended, int argc,
                      char **argv)
{
	char command[512];
	int r, fd;

	memset(pr, 0, sizeof(*pr));
	pr->profile = profile;
	pr->unattended = unattended;
	pr->started = (int64_t)time(NULL);
	join_argv(command, sizeof(command), argc, argv);
	r = siphon_profile_lock(ctx, profile, command, &pr->lock);
	if (r == SIPHON_ELOCKED && unattended &&
	    siphon_profile_log_open(ctx, profile, 0, &rl->fd) == 0) {
		/* Not rotated: the holder owns the file; one appended line is safe. */
		cli_runlog_line(rl, "not run (exit %d): %s", cli_exit_code(r), siphon_ctx_errmsg(ctx));
		cli_runlog_close(rl);
	}
	if (r != 0 || !unattended)
		return r;
	if ((r = siphon_profile_log_open(ctx, profile, 1, &fd)) != 0) {
		siphon_profile_unlock(pr->lock);
		pr->lock = NULL;
		return r;
	}
	rl->fd = fd;
	(void)siphon_profile_log_path(profile, pr->log_path, sizeof(pr->log_path));
	cli_runlog_line(rl, "start: %s (pid %ld)", command, (long)getpid());
	return 0;
}

/* The profile's hook for this outcome, when it has one; its failure is a warning. */
static void
run_hook(struct cli_runlog *rl, struct siphon_ctx *ctx, const struct siphon_opts *opts,
         const struct siphon_hook_outcome *oc)
{
	const char *key = oc->exit_code == 0 ? "on-success" : "on-failure";
	const char *command = siphon_opts_str(opts, key);

	if (command == NULL || command[0] == '\0')
		return;
	if (siphon_hook_run(ctx, oc->exit_code == 0 ? "on_success" : "on_failure", command, oc,
	                    siphon_opts_int(opts, "hook-timeout")) != 0)
		cli_runlog_log(rl, SIPHON_LOG_WARN, siphon_ctx_errmsg(ctx));
}

void
cli_profile_run_end(struct cli_profile_run *pr, struct cli_runlog *rl,
                    const struct siphon_opts *opts, int code, const char *message,
                    const struct siphon_pull_stats *stats, int cancel_fd)
{
	struct siphon_last_pull lp;
	struct siphon_hook_outcome oc;
	struct siphon_ctx *ctx = NULL;
	int ok = code == CLI_EXIT_OK;

	memset(&lp, 0, sizeof(lp));
	lp.time = (int64_t)time(NULL);
	lp.started = pr->started;
	lp.exit_code = code;
	lp.seconds = stats->seconds;
	/* A failed run has no final figures: what had come by its last event. */
	lp.bytes = ok ? stats->wire_bytes : rl->totals.wire_bytes;
	lp.raw_bytes = ok ? stats->raw_bytes : rl->totals.raw_bytes;
	lp.tables = ok ? (int64_t)stats->tables : (int64_t)rl->totals.tables_done;
	lp.unattended = pr->unattended;
	snprintf(lp.message, sizeof(lp.message), "%s", message);
	if (!ok)
		cli_runlog_line(rl, "failed (exit %d): %s", code, message);
	/*
	 * A context of their own for the record and the hook: the pull's holds
	 * the pull's error, which its first-error-wins rule would keep.
	 */
	if (siphon_ctx_new(&ctx) != 0) {
		cli_runlog_log(rl, SIPHON_LOG_WARN, "out of memory: no record written, no hook run");
		goto out;
	}
	siphon_ctx_set_log(ctx, cli_runlog_log, rl, cli_runlog_level(rl));
	/*
	 * Ctrl-C stops a hook, but one that ended the pull must not stop the
	 * hook that reports it before it starts: the pipe is still readable.
	 */
	siphon_ctx_set_cancel_fd(ctx, cli_signals_caught() != 0 ? -1 : cancel_fd);
	if (siphon_last_pull_write(ctx, pr->profile, &lp) != 0)
		cli_runlog_log(rl, SIPHON_LOG_WARN, siphon_ctx_errmsg(ctx));

	memset(&oc, 0, sizeof(oc));
	oc.profile = pr->profile;
	oc.host = siphon_opts_str(opts, "host");
	oc.database = siphon_opts_str(opts, "database");
	oc.into = stats->into[0] != '\0' ? stats->into : siphon_opts_str(opts, "into");
	oc.engine = stats->engine[0] != '\0' ? stats->engine : siphon_opts_str(opts, "engine");
	oc.exit_code = code;
	oc.message = message;
	oc.seconds = lp.seconds;
	oc.bytes = lp.bytes;
	oc.raw_bytes = lp.raw_bytes;
	oc.tables = lp.tables;
	oc.started = lp.started;
	oc.ended = lp.time;
	oc.log = pr->log_path[0] != '\0' ? pr->log_path : NULL;
	run_hook(rl, ctx, opts, &oc);
out:
	siphon_ctx_free(ctx);
	cli_runlog_line(rl, "end: exit %d", code);
	cli_runlog_close(rl);
	siphon_profile_unlock(pr->lock);
	pr->lock = NULL;
}

static void
ago_text(char *buf, size_t cap, double secs)
{
	if (secs < 90)
		snprintf(buf, cap, "%.0f seconds ago", secs < 0 ? 0 : secs);
	else if (secs < 90 * 60)
		snprintf(buf, cap, "%.0f minutes ago", secs / 60);
	else if (secs < 48 * 3600)
		snprintf(buf, cap, "%.0f hours ago", secs / 3600);
	else
		snprintf(buf, cap, "%.0f days ago", secs / 86400);
}

void
cli_last_pull_text(const char *profile, char *buf, size_t cap)
{
	struct siphon_last_pull lp;
	char when[32] = "?", bytes[32];
	time_t t;
	struct tm tm;

	if (siphon_last_pull_read(profile, &lp) != 0) {
		snprintf(buf, cap, "never");
		return;
	}
	t = (time_t)lp.time;
	if (localtime_r(&t, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	cli_format_bytes(bytes, sizeof(bytes), lp.bytes);
	if (lp.exit_code == CLI_EXIT_OK)
		snprintf(buf, cap, "%s ok, %.1f s, %s", when, lp.seconds, bytes);
	else
		snprintf(buf, cap, "%s failed (exit %d)%s%s", when, lp.exit_code,
		         lp.message[0] != '\0' ? ": " : "", lp.message);
	cli_sanitize(buf);
}

int
cli_last_pull_check(const char *profile, struct siphon_check *c, char *buf, size_t cap)
{
	struct siphon_last_pull lp;
	char ago[48];

	if (siphon_last_pull_read(profile, &lp) != 0)
		return 0;
	ago_text(ago, sizeof(ago), difftime(time(NULL), (time_t)lp.time));
	memset(c, 0, sizeof(*c));
	c->name = "last-run";
	c->title = "the profile's last pull";
	c->detail = buf;
	if (lp.exit_code == CLI_EXIT_OK) {
		c->status = SIPHON_CHECK_PASS;
		snprintf(buf, cap, "succeeded %s%s", ago, lp.unattended ? " (unattended)" : "");
	} else {
		c->status = SIPHON_CHECK_WARN;
		snprintf(buf, cap, "failed %s%s (exit %d): %s", ago, lp.unattended ? " (unattended)" : "",
		         lp.exit_code, lp.message[0] != '\0' ? lp.message : "no message recorded");
	}
	cli_sanitize(buf);
	return 1;
}
