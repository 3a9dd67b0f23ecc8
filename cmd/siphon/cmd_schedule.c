/*
 * cmd_schedule.c - `siphon schedule PROFILE --daily HH:MM|--hourly|--cron
 * EXPR [--systemd]`, `siphon schedule --list` and `siphon unschedule
 * PROFILE`: the front end of the library's schedules.  The job runs this
 * very binary (/proc/self/exe); before installing it, the profile's login
 * is checked as an unattended run would do it (doctor's "unattended").
 */
#include "cmd_schedule.h"

#include "args.h"
#include "exitcodes.h"
#include "help.h"
#include "profile.h"
#include "profile_run.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
log_line(void *arg, enum siphon_log_level level, const char *msg)
{
	(void)arg;
	fprintf(stderr, "siphon: %s%s\n", level == SIPHON_LOG_WARN ? "warning: " : "", msg);
}

static int
failed(struct siphon_ctx *ctx, int r)
{
	fprintf(stderr, "siphon: %s\n", r == SIPHON_ENOMEM ? "out of memory" : siphon_ctx_errmsg(ctx));
	return cli_exit_code(r);
}

/* "2026-12-06 03:30" in local time; "-" for none. */
static void
when_text(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t < 0 || localtime_r(&tt, &tm) == NULL || strftime(buf, cap, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, cap, "-");
}

/* ---- --list ---- */

#define COLS 5

struct row {
	char cell[COLS][256];
};

struct table {
	struct row *rows;
	size_t n, cap;
	int oom;
};

static void
add_row(void *arg, const struct siphon_schedule *s)
{
	struct table *t = arg;
	struct row *r;

	if (t->n == t->cap) {
		size_t cap = t->cap == 0 ? 8 : t->cap * 2;
		struct row *nr = realloc(t->rows, cap * sizeof(*nr));

		if (nr == NULL) {
			t->oom = 1;
			return;
		}
		t->rows = nr;
		t->cap = cap;
	}
	r = &t->rows[t->n++];
	snprintf(r->cell[0], sizeof(r->cell[0]), "%s", s->profile);
	snprintf(r->cell[1], sizeof(r->cell[1]), "%s", s->kind);
	snprintf(r->cell[2], sizeof(r->cell[2]), "%s", s->cron);
	when_text(s->next, r->cell[3], sizeof(r->cell[3]));
	/* When it ended and how, as `profiles` says it. */
	cli_last_pull_text(s->profile, r->cell[4], sizeof(r->cell[4]));
	for (size_t c = 0; c < COLS; c++)
		cli_sanitize(r->cell[c]);
}

static void
print_row(const struct row *row, const int *width)
{
	for (size_t c = 0; c + 1 < COLS; c++)
		printf("%-*s  ", width[c], row->cell[c]);
	printf("%s\n", row->cell[COLS - 1]);
}

static int
list(struct siphon_ctx *ctx)
{
	static const struct row head = {{"PROFILE", "BY", "WHEN", "NEXT RUN", "LAST RUN"}};
	struct table t = {NULL, 0, 0, 0};
	int width[COLS], r;

	if ((r = siphon_schedule_list(ctx, add_row, &t)) != 0 || t.oom) {
		free(t.rows);
		return failed(ctx, t.oom ? SIPHON_ENOMEM : r);
	}
	if (t.n == 0) {
		fprintf(stderr, "siphon: no schedules; make one: siphon schedule PROFILE --daily 03:30\n");
		free(t.rows);
		return CLI_EXIT_OK;
	}
	for (size_t c = 0; c < COLS; c++)
		width[c] = (int)strlen(head.cell[c]);
	for (size_t i = 0; i < t.n; i++)
		for (size_t c = 0; c < COLS; c++)
			if ((int)strlen(t.rows[i].cell[c]) > width[c])
				width[c] = (int)strlen(t.rows[i].cell[c]);
	print_row(&head, width);
	for (size_t i = 0; i < t.n; i++)
		print_row(&t.rows[i], width);
	free(t.rows);
	return CLI_EXIT_OK;
}

/* ---- the unattended check ---- */

struct login_check {
	int warned;
};

static void
login_finding(void *arg, const struct siphon_check *c)
{
	struct login_check *lc = arg;

	if (lc->warned)
		return;
	if (c->status == SIPHON_CHECK_FAIL) {
		fprintf(stderr, "siphon: warning: a scheduled run of this profile could not log in now "
		        "(%s): %s\n", c->name, c->detail);
		lc->warned = 1;
	} else if (c->status == SIPHON_CHECK_WARN && strcmp(c->name, "unattended") == 0) {
		fprintf(stderr, "siphon: warning: a scheduled run may not log in: %s\n", c->detail);
		lc->warned = 1;
	}
}

/*
 * Logs in as the scheduled pull will (the profile alone, no prompt) and
 * warns when that needs someone at the keyboard.  Never fails the command:
 * the server may be down just now.
 */
static void
check_login(const char *profile, const char *config)
{
	char *argv[] = {"pull", "--config", (char *)config, (char *)profile, NULL};
	char *argv_default[] = {"pull", (char *)profile, NULL};
	struct login_check lc = {0};
	struct cli_pull_args pa;
	struct siphon_ctx *ctx = NULL;
	struct siphon_config *cfg = NULL;
	const char *name = NULL;
	char err[CLI_ERR_MAX];

	if (siphon_ctx_new(&ctx) != 0)
		return;
	fprintf(stderr, "siphon: logging in as the scheduled run of %s will (--no-check skips this)\n",
	        profile);
	if ((config != NULL ? cli_pull_args_parse(&pa, 4, argv, err, sizeof(err))
	                    : cli_pull_args_parse(&pa, 2, argv_default, err, sizeof(err))) == 0 &&
	    cli_pull_resolve(ctx, &pa, NULL, &cfg, &name, err, sizeof(err)) == 0)
		(void)siphon_doctor_login(ctx, pa.opts, login_finding, &lc);
	else
		fprintf(stderr, "siphon: warning: could not check the profile's login: %s\n",
		        err[0] != '\0' ? err : siphon_ctx_errmsg(ctx));
	cli_pull_args_free(&pa);
	siphon_config_free(cfg);
	siphon_ctx_free(ctx);
}

/* ---- schedule PROFILE ---- */

/*
 * The profile file a job must name: none (NULL) when it is the default
 * one, else its absolute path in buf.  0, or -1 having said why.
 */
static int
job_config(struct siphon_ctx *ctx, const char *config, char *buf, const char **out)
{
	const char *env = getenv("SIPHON_CONFIG");
	char path[PATH_MAX];

	*out = NULL;
	if (config == NULL && (env == NULL || env[0] == '\0'))
		return 0;
	if (siphon_config_path(ctx, config, path, sizeof(path), NULL) != 0) {
		fprintf(stderr, "siphon: %s\n", siphon_ctx_errmsg(ctx));
		return -1;
	}
	if (realpath(path, buf) == NULL) {
		fprintf(stderr, "siphon: cannot find the profile file %s: %s\n", path, strerror(errno));
		return -1;
	}
	*out = buf;
	return 0;
}

static int
schedule(struct siphon_ctx *ctx, const struct cli_schedule_args *sa, const char *main_config)
{
	const char *config = sa->config != NULL ? sa->config : main_config, *job_cfg;
	struct siphon_schedule_request req;
	struct siphon_config *cfg = NULL;
	char self[PATH_MAX], cfgbuf[PATH_MAX], next[32];
	ssize_t n;
	int64_t at;
	int r;

	if ((r = siphon_cron_check(ctx, sa->when)) != 0)
		return failed(ctx, r);
	/* The profile must exist now; the job reads it each time it runs. */
	if ((r = cli_config_load(ctx, config, 1, &cfg)) != 0)
		return failed(ctx, r);
	if (!siphon_config_has(cfg, sa->profile, NULL) ||
	    strcmp(sa->profile, SIPHON_CONFIG_DEFAULTS) == 0) {
		fprintf(stderr, "siphon: no profile '%s' in %s; add one: siphon config add %s --ssh HOST "
		        "--database DB\n", sa->profile, siphon_config_display(cfg), sa->profile);
		siphon_config_free(cfg);
		return CLI_EXIT_USAGE;
	}
	siphon_config_free(cfg);
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0) {
		fprintf(stderr, "siphon: cannot find this program's path (/proc/self/exe): %s\n",
		        strerror(errno));
		return CLI_EXIT_LOCAL;
	}
	self[n] = '\0';
	if (job_config(ctx, config, cfgbuf, &job_cfg) != 0)
		return CLI_EXIT_LOCAL;
	if (!sa->no_check)
		check_login(sa->profile, job_cfg);
	memset(&req, 0, sizeof(req));
	req.profile = sa->profile;
	req.cron = sa->when;
	req.systemd = sa->systemd;
	req.random_delay = sa->random_delay;
	req.program = self;
	req.config = job_cfg;
	if ((r = siphon_schedule_install(ctx, &req)) != 0)
		return failed(ctx, r);
	if (siphon_cron_next_run(sa->when, (int64_t)time(NULL), &at) != 0)
		at = -1;
	when_text(at, next, sizeof(next));
	printf("%s scheduled: %s, by %s; next run %s\n", sa->profile, sa->when,
	       sa->systemd ? "a systemd user timer" : "your crontab", next);
	return CLI_EXIT_OK;
}

int
cli_cmd_schedule(int argc, char **argv, const char *main_config)
{
	struct cli_schedule_args sa;
	struct siphon_ctx *ctx = NULL;
	char err[CLI_ERR_MAX];
	int code;

	if (cli_schedule_args_parse(&sa, argc, argv, err, sizeof(err)) != 0)
		return cli_usage_error(err, "schedule");
	if (sa.help) {
		cli_help_schedule(stdout);
		return CLI_EXIT_OK;
	}
	if (siphon_ctx_new(&ctx) != 0) {
		fputs("siphon: out of memory\n", stderr);
		return CLI_EXIT_INTERNAL;
	}
	siphon_ctx_set_log(ctx, log_line, NULL, SIPHON_LOG_INFO);
	code = sa.list ? list(ctx) : schedule(ctx, &sa, main_config);
	siphon_ctx_free(ctx);
	return code;
}

int
cli_cmd_unschedule(int argc, char **argv, const char *main_config)
{
	struct siphon_ctx *ctx = NULL;
	const char *profile = NULL;
	int r, code = CLI_EXIT_OK;

	(void)main_config;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_help_schedule(stdout);
			return CLI_EXIT_OK;
		}
		if (argv[i][0] == '-' || profile != NULL)
			return cli_usage_error("unschedule takes one PROFILE", "unschedule");
		profile = argv[i];
	}
	if (profile == NULL)
		return cli_usage_error("missing PROFILE", "unschedule");
	if (siphon_ctx_new(&ctx) != 0) {
		fputs("siphon: out of memory\n", stderr);
		return CLI_EXIT_INTERNAL;
	}
	siphon_ctx_set_log(ctx, log_line, NULL, SIPHON_LOG_INFO);
	if ((r = siphon_schedule_remove(ctx, profile)) != 0)
		code = failed(ctx, r);
	siphon_ctx_free(ctx);
	return code;
}
