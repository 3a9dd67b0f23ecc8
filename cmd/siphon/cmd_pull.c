/* cmd_pull.c - `siphon pull`: options to library call to exit status. */
#include "cmd_pull.h"

#include "cmd_snap.h"

#include "args.h"
#include "doctor_print.h"
#include "exitcodes.h"
#include "help.h"
#include "plan_print.h"
#include "profile.h"
#include "profile_run.h"
#include "progress.h"
#include "runlog.h"
#include "summary.h"
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct plan_out {
	char target[1024];   /* host:dbname, for the heading */
};

static void
print_plan(void *arg, const struct siphon_plan_info *plan)
{
	const struct plan_out *po = arg;

	cli_plan_print(stdout, po->target, plan);
}

/*
 * pull --save: the snapshot goes under the profile's name; a pull of
 * HOST:DATABASE saves under "HOST_DATABASE" (each other character '_').
 */
static int
pull_save(struct siphon_ctx *ctx, const struct siphon_opts *opts, const char *profile,
          struct siphon_pull_stats *stats)
{
	char name[128], saved[4400];

	if (profile != NULL) {
		snprintf(name, sizeof(name), "%s", profile);
	} else {
		snprintf(name, sizeof(name), "%s_%s", siphon_opts_str(opts, "host"),
		         siphon_opts_str(opts, "database"));
		for (char *p = name; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
				*p = '_';
	}
	return siphon_pull_save(ctx, opts, name, stats, saved, sizeof(saved));
}

enum mode { MODE_PULL, MODE_PLAN, MODE_DOCTOR, MODE_RESTORE };
static const char *const mode_name[] = {"pull", "plan", "doctor", "restore"};

/* pull, its plan, or its checks: options to library call to exit status. */
static int
run_command(int argc, char **argv, enum mode mode, const char *main_config)
{
	const char *name = mode_name[mode];
	int plan = mode != MODE_PULL;
	struct cli_doctor_out doc = {.out = stdout};
	struct plan_out po;
	struct cli_pull_args pa;
	struct siphon_ctx *ctx = NULL;
	struct siphon_config *cfg = NULL;
	const char *profile = NULL;
	int view_open = 0, run_open = 0, say_error = 0;
	struct siphon_pull_stats stats;
	struct cli_progress view;
	struct cli_runlog rl;
	struct cli_profile_run pr;
	enum siphon_log_level level;
	char err[CLI_ERR_MAX], message[SIPHON_LAST_MESSAGE_MAX] = "";
	int cancel_fd = -1, r, code;
	const char *restore_target = NULL;
	struct siphon_profile_lock *restore_lock = NULL;
	char snapshot[4400];

	memset(&stats, 0, sizeof(stats));
	/* restore TARGET [options]: the snapshot first, pull's options after it. */
	if (mode == MODE_RESTORE && argc >= 2 && argv[1][0] != '-') {
		restore_target = argv[1];
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if (cli_pull_args_parse(&pa, argc, argv, err, sizeof(err)) != 0) {
		code = cli_usage_error(err, name);
		goto out;
	}
	if (pa.help) {
		code = CLI_EXIT_OK;
		if (mode == MODE_RESTORE)
			cli_help_snap(stdout, "restore");
		else if (cli_help_pull(stdout) != 0) {
			fputs("siphon: out of memory\n", stderr);
			code = CLI_EXIT_INTERNAL;
		}
		goto out;
	}
	if (pa.dry_run && mode == MODE_PULL) {
		/* --dry-run: the plan, under pull's name. */
		mode = MODE_PLAN;
		plan = 1;
	}
	if ((r = siphon_ctx_new(&ctx)) != 0) {
		fputs("siphon: out of memory\n", stderr);
		code = cli_exit_code(r);
		goto out;
	}
	if (mode == MODE_RESTORE)
		r = cli_restore_resolve(ctx, restore_target, &pa, main_config, &cfg, &profile,
		                        snapshot, sizeof(snapshot), err, sizeof(err));
	else
		r = cli_pull_resolve(ctx, &pa, main_config, &cfg, &profile, err, sizeof(err));
	if (r != 0) {
		if (mode == MODE_DOCTOR) {
			/* The profile file or the target: doctor's first finding. */
			struct siphon_check c = {.name = "config", .title = "the options are complete",
			                         .status = SIPHON_CHECK_FAIL, .detail = err, .rc = r};

			cli_doctor_line(&doc, &c);
			cli_doctor_total(&doc);
		} else {
			/* The line says what to do: no pointer to --help. */
			fprintf(stderr, "siphon: %s\n", err);
		}
		code = cli_exit_code(r);
		goto out;
	}
	if (pa.progress_fd >= 0 && fcntl(pa.progress_fd, F_GETFD) < 0) {
		snprintf(err, sizeof(err), "--progress-fd %d: not an open file descriptor "
		         "(open it in the shell: %d>FILE)", pa.progress_fd, pa.progress_fd);
		code = cli_usage_error(err, name);
		goto out;
	}
	/* plan and doctor print on stdout, with no events: no live display. */
	if (plan && (pa.progress == CLI_PROGRESS_AUTO || pa.progress == CLI_PROGRESS_LIVE))
		pa.progress = CLI_PROGRESS_TEXT;
	/* Log lines, progress and the summary go to the view --progress chose. */
	if (cli_progress_open(&view, &pa) != 0) {
		cli_progress_close(&view);
		fputs("siphon: out of memory\n", stderr);
		code = CLI_EXIT_INTERNAL;
		goto out;
	}
	view_open = 1;
	/* doctor's checklist says what the progress lines would. */
	level = mode == MODE_DOCTOR && !pa.verbose ? SIPHON_LOG_WARN : cli_pull_log_level(&pa);
	cli_runlog_init(&rl, &view, level, pa.opts);
	if ((cancel_fd = cli_signals_install(cli_progress_signals_quiet(&view, pa.quiet))) < 0) {
		fprintf(stderr, "siphon: cannot set up signal handling: %s\n",
		        strerror(errno));
		code = CLI_EXIT_INTERNAL;
		goto out;
	}
	/* A profile's pull: its lock first (a second run stops here), its log. */
	if (mode == MODE_PULL && profile != NULL) {
		if ((r = cli_profile_run_begin(&pr, &rl, ctx, profile, pa.unattended, argc, argv)) != 0) {
			fprintf(stderr, "siphon: %s\n", siphon_ctx_errmsg(ctx));
			code = cli_exit_code(r);
			goto out;
		}
		run_open = 1;
	}
	/* A restore replaces the profile's copy too: the same lock (no record, no hook: no pull ran). */
	if (mode == MODE_RESTORE && profile != NULL &&
	    (r = siphon_profile_lock(ctx, profile, "restore", &restore_lock)) != 0) {
		fprintf(stderr, "siphon: %s\n", siphon_ctx_errmsg(ctx));
		code = cli_exit_code(r);
		goto out;
	}
	/* Everything passes the run log on its way to the view. */
	siphon_ctx_set_log(ctx, cli_runlog_log, &rl, cli_runlog_level(&rl));
	if (!plan)
		siphon_ctx_set_events(ctx, cli_runlog_event, &rl);
	siphon_ctx_set_cancel_fd(ctx, cancel_fd);
	view.cancel_fd = &cancel_fd;
	/* Unattended: no question is ever asked; each fails at once, saying why. */
	if (!pa.unattended) {
		siphon_ctx_set_prompt(ctx, cli_progress_prompt, &view);
		siphon_ctx_set_choose(ctx, cli_progress_choose, &view);
	}

	snprintf(po.target, sizeof(po.target), "%s:%s", siphon_opts_str(pa.opts, "host"),
	         siphon_opts_str(pa.opts, "database"));
	if (mode == MODE_DOCTOR) {
		if (profile != NULL) {
			struct siphon_check last;
			char detail[SIPHON_LAST_MESSAGE_MAX + 64];

			fprintf(stdout, "checking a pull of profile %s (%s)\n", profile, po.target);
			/* How its last pull went: what the checks below may explain. */
			if (cli_last_pull_check(profile, &last, detail, sizeof(detail)))
				cli_doctor_line(&doc, &last);
		} else {
			fprintf(stdout, "checking a pull of %s\n", po.target);
		}
		r = siphon_doctor(ctx, pa.opts, cli_doctor_line, &doc);
		cli_doctor_total(&doc);
		/* The checklist said it all; the exit status says which kind. */
		if (r != SIPHON_OK && cli_signals_caught() == 0) {
			code = cli_exit_code(r);
			goto out;
		}
	} else if (mode == MODE_PLAN) {
		r = siphon_plan(ctx, pa.opts, print_plan, &po);
	} else if (mode == MODE_RESTORE) {
		r = siphon_restore(ctx, pa.opts, snapshot, &stats);
	} else if (siphon_opts_int(pa.opts, "save") || siphon_opts_int(pa.opts, "snapshot-only")) {
		r = pull_save(ctx, pa.opts, profile, &stats);
	} else {
		r = siphon_pull(ctx, pa.opts, &stats);
	}
	if (r == SIPHON_OK) {
		code = CLI_EXIT_OK;
		cli_format_summary(message, sizeof(message), pa.opts, &stats);
		goto out;
	}
	code = cli_progress_exit_code(r);
	if (cli_signals_caught() != 0 && r != SIPHON_EINTR)
		snprintf(message, sizeof(message), "interrupted");
	else if (siphon_ctx_errmsg(ctx)[0] != '\0')
		snprintf(message, sizeof(message), "%s", siphon_ctx_errmsg(ctx));
	else
		snprintf(message, sizeof(message), "%s failed (error %d)", name, r);
	/* JSON on stderr: the summary object said it all, lines would not parse. */
	say_error = plan || cli_progress_stderr_is_text(&view);
out:
	siphon_profile_unlock(restore_lock);
	if (run_open)
		cli_profile_run_end(&pr, &rl, pa.opts, code, message, &stats, cancel_fd);
	/* After the hook's lines: the error stays the last line on stderr. */
	if (say_error)
		fprintf(stderr, "siphon: %s\n", message);
	if (view_open)
		cli_progress_close(&view);
	cli_signals_restore();
	siphon_ctx_free(ctx);
	siphon_config_free(cfg);
	cli_pull_args_free(&pa);
	return code;
}

int
cli_cmd_pull(int argc, char **argv, const char *main_config)
{
	return run_command(argc, argv, MODE_PULL, main_config);
}

int
cli_cmd_plan(int argc, char **argv, const char *main_config)
{
	return run_command(argc, argv, MODE_PLAN, main_config);
}

int
cli_cmd_restore(int argc, char **argv, const char *main_config)
{
	return run_command(argc, argv, MODE_RESTORE, main_config);
}

int
cli_cmd_doctor(int argc, char **argv, const char *main_config)
{
	return run_command(argc, argv, MODE_DOCTOR, main_config);
}
