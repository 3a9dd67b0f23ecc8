/* cmd_pull.c - `siphon pull`: options to library call to exit status. */
#include "cmd_pull.h"

#include "args.h"
#include "doctor_print.h"
#include "exitcodes.h"
#include "help.h"
#include "plan_print.h"
#include "progress_text.h"
#include "tty.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/*
 * Progress goes to stderr, one "siphon: ..." line per message, so stdout
 * carries nothing but the summary.
 */
static void
log_line(void *arg, enum siphon_log_level level, const char *msg)
{
	(void)arg;
	fputs(level == SIPHON_LOG_ERROR  ? "siphon: error: "
	      : level == SIPHON_LOG_WARN ? "siphon: warning: "
	                                 : "siphon: ", stderr);
	/* Remote output can hold newlines and escapes; keep to one line. */
	for (const char *p = msg; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		else if (c < 0x20 || c == 0x7f)
			c = '?';
		fputc(c, stderr);
	}
	fputc('\n', stderr);
}

static enum siphon_log_level
log_level(const struct cli_pull_args *pa)
{
	if (pa->quiet)
		return SIPHON_LOG_WARN;
	if (pa->verbose)
		return SIPHON_LOG_DEBUG;
	return SIPHON_LOG_INFO;
}

struct plan_out {
	char target[1024];   /* host:dbname, for the heading */
};

static void
print_plan(void *arg, const struct siphon_plan_info *plan)
{
	const struct plan_out *po = arg;

	cli_plan_print(stdout, po->target, plan);
}

enum mode { MODE_PULL, MODE_PLAN, MODE_DOCTOR };
static const char *const mode_name[] = {"pull", "plan", "doctor"};

/* pull, its plan, or its checks: options to library call to exit status. */
static int
run_command(int argc, char **argv, enum mode mode)
{
	const char *name = mode_name[mode];
	int plan = mode != MODE_PULL;
	struct cli_doctor_out doc = {.out = stdout};
	struct plan_out po;
	struct cli_pull_args pa;
	struct siphon_ctx *ctx = NULL;
	struct siphon_pull_stats stats;
	struct cli_progress_text text;
	char err[CLI_ERR_MAX];
	int cancel_fd, r, code;

	if (cli_pull_args_parse(&pa, argc, argv, err, sizeof(err)) != 0) {
		code = cli_usage_error(err, name);
		goto out;
	}
	if (pa.help) {
		code = CLI_EXIT_OK;
		if (cli_help_pull(stdout) != 0) {
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
	/* doctor's checklist says what the progress lines would. */
	siphon_ctx_set_log(ctx, log_line, NULL,
	                   mode == MODE_DOCTOR && !pa.verbose ? SIPHON_LOG_WARN : log_level(&pa));
	/* Progress lines and the summary are the text view of the events. */
	cli_progress_text_init(&text, pa.opts, pa.quiet, stdout, stderr);
	if (!plan)
		siphon_ctx_set_events(ctx, cli_progress_text_event, &text);
	if ((cancel_fd = cli_signals_install(pa.quiet)) < 0) {
		fprintf(stderr, "siphon: cannot set up signal handling: %s\n",
		        strerror(errno));
		code = CLI_EXIT_INTERNAL;
		goto out;
	}
	siphon_ctx_set_cancel_fd(ctx, cancel_fd);
	siphon_ctx_set_prompt(ctx, cli_tty_prompt, &cancel_fd);
	siphon_ctx_set_choose(ctx, cli_tty_choose, &cancel_fd);

	memset(&stats, 0, sizeof(stats));
	snprintf(po.target, sizeof(po.target), "%s:%s", siphon_opts_str(pa.opts, "host"),
	         siphon_opts_str(pa.opts, "dbname"));
	if (mode == MODE_DOCTOR) {
		fprintf(stdout, "checking a pull of %s\n", po.target);
		r = siphon_doctor(ctx, pa.opts, cli_doctor_line, &doc);
		cli_doctor_total(&doc);
		/* The checklist said it all; the exit status says which kind. */
		if (r != SIPHON_OK && cli_signals_caught() == 0) {
			code = cli_exit_code(r);
			goto out;
		}
	} else if (mode == MODE_PLAN) {
		r = siphon_plan(ctx, pa.opts, print_plan, &po);
	} else {
		r = siphon_pull(ctx, pa.opts, &stats);
	}
	if (r == SIPHON_OK) {
		code = CLI_EXIT_OK;
		goto out;
	}
	code = cli_exit_code(r);
	/*
	 * Ctrl-C reaches the local restore tools as well (they share our
	 * process group), so the failure reported may be one of theirs; what
	 * happened is that the user asked to stop.
	 */
	if (cli_signals_caught() != 0 && r != SIPHON_EINTR) {
		fputs("siphon: interrupted\n", stderr);
		code = CLI_EXIT_INTERRUPTED;
	} else if (siphon_ctx_errmsg(ctx)[0] != '\0') {
		fprintf(stderr, "siphon: %s\n", siphon_ctx_errmsg(ctx));
	} else {
		fprintf(stderr, "siphon: %s failed (error %d)\n", name, r);
	}
out:
	cli_signals_restore();
	siphon_ctx_free(ctx);
	cli_pull_args_free(&pa);
	return code;
}

int
cli_cmd_pull(int argc, char **argv)
{
	return run_command(argc, argv, MODE_PULL);
}

int
cli_cmd_plan(int argc, char **argv)
{
	return run_command(argc, argv, MODE_PLAN);
}

int
cli_cmd_doctor(int argc, char **argv)
{
	return run_command(argc, argv, MODE_DOCTOR);
}
