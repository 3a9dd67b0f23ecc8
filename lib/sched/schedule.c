/*
 * schedule.c - siphon_schedule_install/remove/list: the user's crontab
 * through the crontab command (`crontab -l` to read, no table being an
 * empty one; `crontab FILE` from a private temporary file to write), and
 * the systemd user units in $XDG_CONFIG_HOME/systemd/user (default
 * ~/.config/systemd/user), started through `systemctl --user` when a user
 * manager runs in this session.
 */
#include "siphon.h"

#include "config/config.h"
#include "loop/proc.h"
#include "sched/cron.h"
#include "sched/crontab.h"
#include "sched/job.h"
#include "util/ctx.h"
#include "util/path.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_CAP 4096

int
siphon_cron_check(struct siphon_ctx *ctx, const char *expr)
{
	struct siphon_cron c;
	char err[512];

	if (strlen(expr) >= SIPHON_CRON_EXPR_MAX)
		return siphon_err(ctx, SIPHON_EUSAGE, "bad schedule: longer than %d characters",
		                  SIPHON_CRON_EXPR_MAX - 1);
	if (siphon_cron_parse(expr, &c, err, sizeof(err)) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "bad schedule: %s", err);
	return 0;
}

int
siphon_cron_next_run(const char *expr, int64_t after, int64_t *next)
{
	struct siphon_cron c;
	char err[512];
	time_t t;

	if (siphon_cron_parse(expr, &c, err, sizeof(err)) != 0 || siphon_cron_next(&c, (time_t)after, &t) != 0)
		return -1;
	*next = (int64_t)t;
	return 0;
}

/* ---- the crontab ---- */

/* The crontab command's path; -1 when it is not installed. */
static int
crontab_cmd(char *buf, size_t cap)
{
	return siphon_path_find(getenv("PATH"), "crontab", buf, cap);
}

static int
no_crontab(struct siphon_ctx *ctx)
{
	return siphon_err(ctx, SIPHON_ELOCAL, "no crontab command here: install cron (Debian: apt install "
	                  "cron), or schedule with --systemd");
}

/* The first line of a command's stderr, for a message. */
static const char *
first_line(char *text)
{
	if (text == NULL)
		return "";
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* The user's table into *out (caller frees): "" when there is none. */
static int
crontab_read(struct siphon_ctx *ctx, const char *cmd, char **out)
{
	char *argv[] = {(char *)cmd, "-l", NULL}, *err = NULL;
	int st;

	*out = NULL;
	if ((st = siphon_proc_run(ctx, argv, NULL, out, &err)) < 0)
		return st;
	if (st == 0) {
		free(err);
		return 0;
	}
	if (st == 1 && err != NULL && strstr(err, "no crontab for") != NULL) {
		free(err);
		(*out)[0] = '\0';
		return 0;
	}
	st = siphon_err(ctx, SIPHON_ELOCAL, "crontab -l failed (exit %d): %s", st, first_line(err));
	free(err);
	free(*out);
	*out = NULL;
	return st;
}

/* Installs text as the user's table, through a 0600 temporary file. */
static int
crontab_write(struct siphon_ctx *ctx, const char *cmd, const char *text, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	char path[PATH_CAP], *out = NULL, *err = NULL;
	char *argv[] = {(char *)cmd, path, NULL};
	size_t off = 0;
	int fd, st, r = 0;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	snprintf(path, sizeof(path), "%s/siphon-crontab-XXXXXX", tmp);
	if ((fd = mkstemp(path)) < 0)
		return siphon_err(ctx, SIPHON_ELOCAL, "cannot make a temporary file in %s: %s", tmp,
		                  strerror(errno));
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = siphon_err(ctx, SIPHON_ELOCAL, "cannot write %s: %s", path, strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0 && r == 0)
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot write %s: %s", path, strerror(errno));
	if (r == 0 && (st = siphon_proc_run(ctx, argv, NULL, &out, &err)) != 0)
		r = st < 0 ? st : siphon_err(ctx, SIPHON_ELOCAL, "crontab refused the new table (exit %d): "
		                             "%s; it was left as it was", st, first_line(err));
	unlink(path);
	free(out);
	free(err);
	return r;
}

/*
 * Puts job (NULL: none) as profile's block.  *had says whether there was
 * one.  A table that did not change is not written again.
 */
static int
crontab_edit(struct siphon_ctx *ctx, const char *profile, const char *job, int *had)
{
	char cmd[PATH_CAP], err[512], *text = NULL, *next = NULL;
	size_t len;
	int r;

	*had = 0;
	if (crontab_cmd(cmd, sizeof(cmd)) != 0)
		return no_crontab(ctx);
	if ((r = crontab_read(ctx, cmd, &text)) != 0)
		return r;
	if ((r = siphon_crontab_edit(text, strlen(text), profile, job, &next, &len, err, sizeof(err))) < 0) {
		r = siphon_err(ctx, SIPHON_EUSAGE, "%s", err);
		goto out;
	}
	*had = r;
	r = 0;
	if (job != NULL || *had)
		r = crontab_write(ctx, cmd, next, len);
out:
	free(text);
	free(next);
	return r;
}

/* ---- systemd ---- */

/* $XDG_CONFIG_HOME/systemd/user, else ~/.config/systemd/user. */
static int
unit_dir(struct siphon_ctx *ctx, char *buf, size_t cap)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int w;

	if (xdg != NULL && xdg[0] == '/')
		w = snprintf(buf, cap, "%s/systemd/user", xdg);
	else if (home != NULL && home[0] == '/')
		w = snprintf(buf, cap, "%s/.config/systemd/user", home);
	else
		return siphon_err(ctx, SIPHON_EUSAGE, "no place for systemd user units: set HOME");
	if (w < 0 || (size_t)w >= cap)
		return siphon_err(ctx, SIPHON_EUSAGE, "the systemd user unit directory's path is too long");
	return 0;
}

/* Whether a systemd user manager serves this session (its private socket). */
static int
user_manager(void)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char sock[PATH_CAP];

	if (rt == NULL || rt[0] != '/')
		return 0;
	snprintf(sock, sizeof(sock), "%s/systemd/private", rt);
	return access(sock, F_OK) == 0;
}

/* systemctl --user VERB [ARG...]: 0, or SIPHON_ELOCAL with its first stderr line. */
static int
systemctl(struct siphon_ctx *ctx, const char *verb, const char *a1, const char *a2)
{
	char *argv[] = {"systemctl", "--user", (char *)verb, (char *)a1, (char *)a2, NULL};
	char *out = NULL, *err = NULL;
	int st;

	if ((st = siphon_proc_run(ctx, argv, NULL, &out, &err)) > 0)
		st = siphon_err(ctx, SIPHON_ELOCAL, "systemctl --user %s%s%s failed (exit %d): %s", verb,
		                a1 != NULL ? " " : "", a1 != NULL ? a1 : "", st, first_line(err));
	free(out);
	free(err);
	return st;
}

struct units {
	char dir[PATH_CAP];
	char service[PATH_CAP], timer[PATH_CAP], wants[PATH_CAP];
	char timer_name[128];
};

static int
units_of(struct siphon_ctx *ctx, const char *profile, struct units *u)
{
	int r;

	if ((r = unit_dir(ctx, u->dir, sizeof(u->dir))) != 0)
		return r;
	snprintf(u->timer_name, sizeof(u->timer_name), "siphon-%s.timer", profile);
	if (snprintf(u->service, sizeof(u->service), "%s/siphon-%s.service", u->dir, profile) >= PATH_CAP - 1 ||
	    snprintf(u->timer, sizeof(u->timer), "%s/%s", u->dir, u->timer_name) >= PATH_CAP - 1 ||
	    snprintf(u->wants, sizeof(u->wants), "%s/timers.target.wants/%s", u->dir, u->timer_name) >=
	            PATH_CAP - 1)
		return siphon_err(ctx, SIPHON_EUSAGE, "the systemd user unit directory's path is too long");
	return 0;
}

static int
write_unit(struct siphon_ctx *ctx, const char *path, const char *text)
{
	char *display = siphon_cfg_display_path(path);
	int r;

	if (display == NULL)
		return siphon_err_oom(ctx);
	r = siphon_cfg_write_file(ctx, path, display, text, strlen(text), 0644);
	free(display);
	return r;
}

static int
remove_file(struct siphon_ctx *ctx, const char *path)
{
	if (unlink(path) != 0 && errno != ENOENT)
		return siphon_err(ctx, SIPHON_ELOCAL, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

/* Enables the timer the way `systemctl --user enable` does, for the manager's next start. */
static int
link_wants(struct siphon_ctx *ctx, const struct units *u)
{
	char dir[PATH_CAP], target[256];

	if (snprintf(dir, sizeof(dir), "%s/timers.target.wants", u->dir) >= (int)sizeof(dir))
		return siphon_err(ctx, SIPHON_EUSAGE, "the systemd user unit directory's path is too long");
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return siphon_err(ctx, SIPHON_ELOCAL, "cannot make %s: %s", dir, strerror(errno));
	snprintf(target, sizeof(target), "../%s", u->timer_name);
	(void)unlink(u->wants);
	if (symlink(target, u->wants) != 0)
		return siphon_err(ctx, SIPHON_ELOCAL, "cannot link %s: %s", u->wants, strerror(errno));
	return 0;
}

static int
systemd_install(struct siphon_ctx *ctx, const struct siphon_job *j)
{
	struct units u;
	char err[512], *service = NULL, *timer = NULL;
	int r;

	if ((r = units_of(ctx, j->profile, &u)) != 0)
		return r;
	if (siphon_job_units(j, &service, &timer, err, sizeof(err)) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "%s", err);
	if ((r = write_unit(ctx, u.service, service)) != 0 || (r = write_unit(ctx, u.timer, timer)) != 0)
		goto out;
	if (user_manager()) {
		if ((r = systemctl(ctx, "daemon-reload", NULL, NULL)) != 0 ||
		    (r = systemctl(ctx, "enable", "--now", u.timer_name)) != 0)
			goto out;
		siphon_log(ctx, SIPHON_LOG_INFO, "timer %s enabled and started", u.timer_name);
		if (access("/var/lib/systemd/linger", F_OK) == 0 && getenv("USER") != NULL) {
			char linger[PATH_CAP];

			snprintf(linger, sizeof(linger), "/var/lib/systemd/linger/%s", getenv("USER"));
			if (access(linger, F_OK) != 0)
				siphon_log(ctx, SIPHON_LOG_INFO, "the timer runs while you are logged in; "
				           "`loginctl enable-linger` runs it when you are not");
		}
	} else {
		if ((r = link_wants(ctx, &u)) != 0)
			goto out;
		siphon_log(ctx, SIPHON_LOG_INFO, "no systemd user manager serves this session: the timer is "
		           "enabled for its next start; to start it now where one runs: systemctl --user "
		           "daemon-reload && systemctl --user start %s", u.timer_name);
	}
out:
	free(service);
	free(timer);
	return r;
}

/* Removes profile's units; *had says whether there were any. */
static int
systemd_remove(struct siphon_ctx *ctx, const char *profile, int *had)
{
	struct units u;
	struct stat st;
	int r;

	*had = 0;
	if ((r = units_of(ctx, profile, &u)) != 0)
		return r;
	*had = stat(u.timer, &st) == 0 || stat(u.service, &st) == 0 || lstat(u.wants, &st) == 0;
	if (!*had)
		return 0;
	if (user_manager() && stat(u.timer, &st) == 0 &&
	    (r = systemctl(ctx, "disable", "--now", u.timer_name)) != 0)
		return r;
	if ((r = remove_file(ctx, u.wants)) != 0 || (r = remove_file(ctx, u.timer)) != 0 ||
	    (r = remove_file(ctx, u.service)) != 0)
		return r;
	if (user_manager())
		return systemctl(ctx, "daemon-reload", NULL, NULL);
	return 0;
}

/* ---- the API ---- */

int
siphon_schedule_install(struct siphon_ctx *ctx, const struct siphon_schedule_request *req)
{
	struct siphon_job_env env;
	struct siphon_cron when;
	struct siphon_job j;
	char err[512], cmd[PATH_CAP], expr[SIPHON_CRON_EXPR_MAX], *line = NULL;
	int r, had = 0;

	if (!siphon_config_name_ok(req->profile))
		return siphon_err(ctx, SIPHON_EUSAGE, "bad profile name '%s'", req->profile);
	if ((r = siphon_cron_check(ctx, req->cron)) != 0)
		return r;
	(void)siphon_cron_parse(req->cron, &when, err, sizeof(err));
	/* Written with single spaces, as cron and --list read it back. */
	if (siphon_cron_expr_of_line(req->cron, expr, sizeof(expr)) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "bad schedule '%s'", req->cron);
	if (req->program == NULL || req->program[0] != '/')
		return siphon_err(ctx, SIPHON_EUSAGE, "the program to schedule needs an absolute path");
	if (req->random_delay != NULL && !req->systemd)
		return siphon_err(ctx, SIPHON_EUSAGE, "a random delay needs --systemd (cron has none)");
	if (req->random_delay != NULL && !siphon_job_delay_ok(req->random_delay))
		return siphon_err(ctx, SIPHON_EUSAGE, "bad random delay '%s': expected a duration such as "
		                  "30min, 1h or 90s", req->random_delay);
	siphon_job_env_collect(&env, req->config);
	j = (struct siphon_job){req->profile, req->program, expr, &when, req->random_delay, &env};
	if (req->systemd) {
		if ((r = systemd_install(ctx, &j)) != 0)
			return r;
		/* One schedule a profile: a crontab entry of it goes (when cron is here at all). */
		if (crontab_cmd(cmd, sizeof(cmd)) == 0 && (r = crontab_edit(ctx, req->profile, NULL, &had)) == 0 &&
		    had)
			siphon_log(ctx, SIPHON_LOG_INFO, "its crontab entry was removed");
		return r;
	}
	if ((line = siphon_job_cron_line(&j, err, sizeof(err))) == NULL)
		return siphon_err(ctx, SIPHON_EUSAGE, "%s", err);
	r = crontab_edit(ctx, req->profile, line, &had);
	free(line);
	if (r != 0)
		return r;
	if (access("/run/crond.pid", F_OK) != 0)
		siphon_log(ctx, SIPHON_LOG_INFO, "no cron daemon seems to run here (no /run/crond.pid): the "
		           "entry runs once one does");
	if ((r = systemd_remove(ctx, req->profile, &had)) == 0 && had)
		siphon_log(ctx, SIPHON_LOG_INFO, "its systemd timer was removed");
	return r;
}

int
siphon_schedule_remove(struct siphon_ctx *ctx, const char *profile)
{
	char cmd[PATH_CAP];
	int r, in_cron = 0, in_systemd = 0;

	if (!siphon_config_name_ok(profile))
		return siphon_err(ctx, SIPHON_EUSAGE, "bad profile name '%s'", profile);
	if (crontab_cmd(cmd, sizeof(cmd)) == 0 && (r = crontab_edit(ctx, profile, NULL, &in_cron)) != 0)
		return r;
	if ((r = systemd_remove(ctx, profile, &in_systemd)) != 0)
		return r;
	if (!in_cron && !in_systemd)
		return siphon_err(ctx, SIPHON_EUSAGE, "profile '%s' has no schedule (siphon schedule --list "
		                  "shows them)", profile);
	siphon_log(ctx, SIPHON_LOG_INFO, "removed the %s of profile %s",
	           in_cron && in_systemd ? "crontab entry and the systemd timer"
	           : in_cron ? "crontab entry" : "systemd timer", profile);
	return 0;
}

static void
report(siphon_schedule_fn fn, void *arg, const char *profile, const char *kind, const char *expr,
       const char *where)
{
	struct siphon_schedule s = {profile, kind, expr, -1, where};

	if (siphon_cron_next_run(expr, (int64_t)time(NULL), &s.next) != 0)
		s.next = -1;
	fn(arg, &s);
}

struct lister {
	const char *text;
	siphon_schedule_fn fn;
	void *arg;
};

static int
list_block(void *arg, const struct siphon_crontab_block *b)
{
	struct lister *l = arg;
	char job[1024], expr[SIPHON_CRON_EXPR_MAX];

	snprintf(job, sizeof(job), "%.*s", (int)b->job_len, l->text + b->job);
	if (b->job_len == 0 || siphon_cron_expr_of_line(job, expr, sizeof(expr)) != 0)
		snprintf(expr, sizeof(expr), "?");
	report(l->fn, l->arg, b->profile, "cron", expr, "crontab");
	return 0;
}

static int
list_crontab(struct siphon_ctx *ctx, siphon_schedule_fn fn, void *arg)
{
	char cmd[PATH_CAP], err[512], *text = NULL;
	struct lister l = {NULL, fn, arg};
	int r;

	if (crontab_cmd(cmd, sizeof(cmd)) != 0) {
		siphon_log(ctx, SIPHON_LOG_INFO, "no crontab command here (cron is not installed)");
		return 0;
	}
	if ((r = crontab_read(ctx, cmd, &text)) != 0)
		return r;
	l.text = text;
	if (siphon_crontab_scan(text, strlen(text), list_block, &l, err, sizeof(err)) != 0)
		r = siphon_err(ctx, SIPHON_EUSAGE, "%s", err);
	free(text);
	return r;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The expression a timer of siphon's holds ("?" when none). */
static void
timer_expr(const char *path, char *expr, size_t cap)
{
	char line[512];
	FILE *f = fopen(path, "re");

	snprintf(expr, cap, "?");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, SIPHON_JOB_CRON_TAG, strlen(SIPHON_JOB_CRON_TAG)) == 0) {
			line[strcspn(line, "\r\n")] = '\0';
			if (strlen(line) - strlen(SIPHON_JOB_CRON_TAG) < cap)
				memcpy(expr, line + strlen(SIPHON_JOB_CRON_TAG),
				       strlen(line) - strlen(SIPHON_JOB_CRON_TAG) + 1);
			break;
		}
	}
	fclose(f);
}

static int
list_systemd(struct siphon_ctx *ctx, siphon_schedule_fn fn, void *arg)
{
	char dir[PATH_CAP], path[PATH_CAP], expr[SIPHON_CRON_EXPR_MAX], profile[80], *display;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (unit_dir(ctx, dir, sizeof(dir)) != 0 || (d = opendir(dir)) == NULL) {
		siphon_err_clear(ctx);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len <= 13 || strncmp(de->d_name, "siphon-", 7) != 0 ||
		    strcmp(de->d_name + len - 6, ".timer") != 0 || len - 13 >= sizeof(profile))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap == 0 ? 8 : cap * 2) * sizeof(*nn));

			if (nn == NULL) {
				r = siphon_err_oom(ctx);
				goto out;
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			r = siphon_err_oom(ctx);
			goto out;
		}
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);

		snprintf(profile, sizeof(profile), "%.*s", (int)(len - 13), names[i] + 7);
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path))
			continue;
		timer_expr(path, expr, sizeof(expr));
		if ((display = siphon_cfg_display_path(path)) == NULL) {
			r = siphon_err_oom(ctx);
			goto out;
		}
		report(fn, arg, profile, "systemd", expr, display);
		free(display);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return r;
}

int
siphon_schedule_list(struct siphon_ctx *ctx, siphon_schedule_fn fn, void *arg)
{
	int r;

	if ((r = list_crontab(ctx, fn, arg)) != 0)
		return r;
	return list_systemd(ctx, fn, arg);
}
