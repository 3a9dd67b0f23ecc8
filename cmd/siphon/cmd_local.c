/* cmd_local.c - `siphon rollback`, `siphon reset`: options to library call to exit status. */
#include "cmd_local.h"

#include "args.h"
#include "exitcodes.h"
#include "help.h"
#include "profile.h"
#include "progress.h"
#include "tty.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Keep each line within 79 columns. */
static const char local_help[] =
	"usage: siphon rollback [--force] [-q|-v] PROFILE|TARGET\n"
	"       siphon reset [--force] [-q|-v] PROFILE|TARGET\n"
	"\n"
	"Both work on the local copy alone: no server, no network.\n"
	"\n"
	"rollback  puts back the copy the last pull replaced (keep_previous, on by\n"
	"          default), atomically; the copy it replaces becomes the previous\n"
	"          one, so a second rollback returns to it.\n"
	"reset     makes the local copy again exactly what the last pull brought,\n"
	"          from the untouched copy the pull kept (keep_pristine, on by\n"
	"          default; MySQL/MariaDB: only when set); the previous copy is\n"
	"          left as it is.\n"
	"\n"
	"The kept copies sit beside the local database: PostgreSQL and MySQL/MariaDB\n"
	"databases siphon_prev_LOCALNAME and siphon_pristine_LOCALNAME (a long\n"
	"LOCALNAME is cut and ends in 8 hex digits of its hash; MySQL/MariaDB: views,\n"
	"routines, triggers and events are made again around the one RENAME TABLE of\n"
	"the tables, the events of a kept copy disabled), SQLite files\n"
	".NAME.siphon-prev and .NAME.siphon-pristine.  The engine is the\n"
	"profile's (or --engine), else the one a file path names, else the local\n"
	"server that keeps such a copy.\n"
	"Sessions on the local database refuse it (exit 9) unless --force ends them.\n"
	"Nothing kept to do it with: one line, exit 7, nothing changed.\n"
	"Pull's other options are accepted (--into, --engine, --config).\n";

void
cli_help_local(FILE *out)
{
	fputs(local_help, out);
	fputc('\n', out);
	fputs(cli_exit_codes_text, out);
}

int
cli_cmd_local(int argc, char **argv, const char *main_config)
{
	enum siphon_local_action act = strcmp(argv[0], "reset") == 0 ? SIPHON_LOCAL_RESET
	                                                              : SIPHON_LOCAL_ROLLBACK;
	struct siphon_ctx *ctx = NULL;
	struct siphon_config *cfg = NULL;
	const char *profile = NULL;
	struct cli_pull_args pa;
	struct cli_progress view;
	struct siphon_profile_lock *lock = NULL;
	char err[CLI_ERR_MAX];
	int view_open = 0, cancel_fd, r, code;

	if (cli_pull_args_parse(&pa, argc, argv, err, sizeof(err)) != 0) {
		code = cli_usage_error(err, argv[0]);
		goto out;
	}
	if (pa.help) {
		cli_help_local(stdout);
		code = fflush(stdout) == 0 && !ferror(stdout) ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
		goto out;
	}
	if ((r = siphon_ctx_new(&ctx)) != 0) {
		fputs("siphon: out of memory\n", stderr);
		code = cli_exit_code(r);
		goto out;
	}
	if ((r = cli_pull_resolve(ctx, &pa, main_config, &cfg, &profile, err, sizeof(err))) != 0) {
		fprintf(stderr, "siphon: %s\n", err);
		code = cli_exit_code(r);
		goto out;
	}
	/* A few lines, no transfer: text lines, never a live display. */
	if (pa.progress == CLI_PROGRESS_AUTO || pa.progress == CLI_PROGRESS_LIVE)
		pa.progress = CLI_PROGRESS_TEXT;
	if (cli_progress_open(&view, &pa) != 0) {
		cli_progress_close(&view);
		fputs("siphon: out of memory\n", stderr);
		code = CLI_EXIT_INTERNAL;
		goto out;
	}
	view_open = 1;
	siphon_ctx_set_log(ctx, cli_progress_log, &view, cli_pull_log_level(&pa));
	if ((cancel_fd = cli_signals_install(pa.quiet)) < 0) {
		fprintf(stderr, "siphon: cannot set up signal handling: %s\n", strerror(errno));
		code = CLI_EXIT_INTERNAL;
		goto out;
	}
	siphon_ctx_set_cancel_fd(ctx, cancel_fd);
	/* A profile's copy changes hands: never while its pull (or another rollback) runs. */
	if (profile != NULL && (r = siphon_profile_lock(ctx, profile, argv[0], &lock)) != 0) {
		fprintf(stderr, "siphon: %s\n", siphon_ctx_errmsg(ctx));
		code = cli_exit_code(r);
		goto out;
	}
	if ((r = siphon_local_op(ctx, pa.opts, act)) == SIPHON_OK) {
		code = CLI_EXIT_OK;
		goto out;
	}
	code = cli_exit_code(r);
	if (siphon_ctx_errmsg(ctx)[0] != '\0')
		fprintf(stderr, "siphon: %s\n", siphon_ctx_errmsg(ctx));
	else
		fprintf(stderr, "siphon: %s failed (error %d)\n", argv[0], r);
out:
	siphon_profile_unlock(lock);
	if (view_open)
		cli_progress_close(&view);
	cli_signals_restore();
	siphon_ctx_free(ctx);
	siphon_config_free(cfg);
	cli_pull_args_free(&pa);
	return code;
}
