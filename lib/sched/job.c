/*
 * job.c - the crontab line and the systemd units of a scheduled pull.
 * Two quoting rules: sh's (cron hands the line to /bin/sh, after turning
 * an unescaped '%' into a line break) and systemd's (double quotes with
 * backslash escapes, '%' specifiers as "%%", '$' as "$$" in ExecStart=).
 */
#include "sched/job.h"

#include "util/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const carried[] = {
	"HOME", "PATH", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
	"PGHOST", "PGPORT", "PGUSER", "PGSERVICE", "PGSERVICEFILE", "PGPASSFILE",
	"MYSQL_HOST", "MYSQL_TCP_PORT", "MYSQL_UNIX_PORT", NULL,
};

void
siphon_job_env_collect(struct siphon_job_env *e, const char *config)
{
	memset(e, 0, sizeof(*e));
	for (size_t i = 0; carried[i] != NULL && e->n < SIPHON_JOB_ENV_MAX; i++) {
		const char *v = getenv(carried[i]);

		if (v != NULL && v[0] != '\0') {
			e->name[e->n] = carried[i];
			e->value[e->n++] = v;
		}
	}
	if (config != NULL && e->n < SIPHON_JOB_ENV_MAX) {
		e->name[e->n] = "SIPHON_CONFIG";
		e->value[e->n++] = config;
	}
}

static int
has_break(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

static int
job_check(const struct siphon_job *j, char *err, size_t errcap)
{
	for (size_t i = 0; i < j->env->n; i++) {
		if (has_break(j->env->value[i])) {
			snprintf(err, errcap, "%s holds a line break: a scheduled job cannot carry it; "
			         "unset it or change it", j->env->name[i]);
			return -1;
		}
	}
	if (has_break(j->program) || has_break(j->profile)) {
		snprintf(err, errcap, "the path of siphon holds a line break: install siphon elsewhere");
		return -1;
	}
	return 0;
}

/* s for sh, quoted only when it needs to be; '%' as cron wants it. */
static void
sh_word(struct siphon_strbuf *sb, const char *s)
{
	int plain = *s != '\0';

	for (const char *p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("/._+,:@=-", *p) == NULL)
			plain = 0;
	if (plain) {
		siphon_strbuf_puts(sb, s);
		return;
	}
	siphon_strbuf_puts(sb, "'");
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\'')
			siphon_strbuf_puts(sb, "'\\''");
		else if (*p == '%')
			siphon_strbuf_puts(sb, "\\%");
		else
			siphon_strbuf_append(sb, p, 1);
	}
	siphon_strbuf_puts(sb, "'");
}

char *
siphon_job_cron_line(const struct siphon_job *j, char *err, size_t errcap)
{
	struct siphon_strbuf sb = {0};
	char *line;

	if (job_check(j, err, errcap) != 0)
		return NULL;
	siphon_strbuf_puts(&sb, j->cron);
	/* env by its full path: a PATH= line above ours must not change what runs. */
	siphon_strbuf_puts(&sb, " /usr/bin/env");
	for (size_t i = 0; i < j->env->n; i++) {
		siphon_strbuf_printf(&sb, " %s=", j->env->name[i]);
		sh_word(&sb, j->env->value[i]);
	}
	siphon_strbuf_puts(&sb, " ");
	sh_word(&sb, j->program);
	siphon_strbuf_printf(&sb, " pull --unattended %s >/dev/null 2>&1", j->profile);
	if (sb.buf == NULL || (line = siphon_strbuf_take(&sb)) == NULL) {
		siphon_strbuf_free(&sb);
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	/* Debian's cron refuses a longer command ("command too long"). */
	if (strlen(line) - strlen(j->cron) - 1 > SIPHON_JOB_CRON_COMMAND_MAX) {
		snprintf(err, errcap, "the job would be %zu characters, more than cron takes (%d): shorten "
		         "PATH (it is carried as it is) or schedule with --systemd",
		         strlen(line) - strlen(j->cron) - 1, SIPHON_JOB_CRON_COMMAND_MAX);
		free(line);
		return NULL;
	}
	return line;
}

/* s in systemd's double quotes; dollar: '$' as "$$" (ExecStart= expands it). */
static void
sd_word(struct siphon_strbuf *sb, const char *s, int dollar)
{
	siphon_strbuf_puts(sb, "\"");
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			siphon_strbuf_printf(sb, "\\%c", *p);
		else if (*p == '%')
			siphon_strbuf_puts(sb, "%%");
		else if (*p == '$' && dollar)
			siphon_strbuf_puts(sb, "$$");
		else
			siphon_strbuf_append(sb, p, 1);
	}
	siphon_strbuf_puts(sb, "\"");
}

static const char unit_head[] =
	"# Managed by siphon: change it with siphon schedule/unschedule, not by hand.\n";

int
siphon_job_units(const struct siphon_job *j, char **service, char **timer, char *err, size_t errcap)
{
	struct siphon_strbuf s = {0}, t = {0};
	char cal[1024], *line, *nl;

	*service = *timer = NULL;
	if (job_check(j, err, errcap) != 0)
		return -1;
	if (siphon_cron_calendar(j->when, cal, sizeof(cal)) != 0) {
		snprintf(err, errcap, "'%s' is too long a schedule for systemd", j->cron);
		return -1;
	}
	/* No Documentation=man:siphon(1): systemd-analyze verify fails where it is not installed. */
	siphon_strbuf_printf(&s, "%s[Unit]\nDescription=siphon: pull profile %s (scheduled)\n"
	                     "\n[Service]\nType=oneshot\n",
	                     unit_head, j->profile);
	for (size_t i = 0; i < j->env->n; i++) {
		char pair[4096];

		snprintf(pair, sizeof(pair), "%s=%s", j->env->name[i], j->env->value[i]);
		siphon_strbuf_puts(&s, "Environment=");
		sd_word(&s, pair, 0);
		siphon_strbuf_puts(&s, "\n");
	}
	siphon_strbuf_puts(&s, "ExecStart=");
	sd_word(&s, j->program, 1);
	siphon_strbuf_printf(&s, " pull --unattended %s\n", j->profile);

	siphon_strbuf_printf(&t, "%s" SIPHON_JOB_CRON_TAG "%s\n[Unit]\nDescription=siphon: pull profile "
	                     "%s at %s\n\n[Timer]\n", unit_head, j->cron,
	                     j->profile, j->cron);
	for (line = cal; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		siphon_strbuf_printf(&t, "OnCalendar=%.*s\n", (int)(nl - line), line);
	/* A run missed while the machine was off or asleep comes at the next start. */
	siphon_strbuf_puts(&t, "Persistent=true\n");
	if (j->random_delay != NULL)
		siphon_strbuf_printf(&t, "RandomizedDelaySec=%s\n", j->random_delay);
	siphon_strbuf_printf(&t, "Unit=siphon-%s.service\n\n[Install]\nWantedBy=timers.target\n",
	                     j->profile);
	if (s.buf == NULL || t.buf == NULL || s.truncated || t.truncated) {
		siphon_strbuf_free(&s);
		siphon_strbuf_free(&t);
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	*service = siphon_strbuf_take(&s);
	*timer = siphon_strbuf_take(&t);
	return 0;
}

int
siphon_job_delay_ok(const char *text)
{
	static const char *const units[] = {
		"s", "sec", "second", "seconds", "m", "min", "minute", "minutes", "h", "hr", "hour",
		"hours", "d", "day", "days", "w", "week", "weeks", NULL,
	};
	const char *p = text;
	int parts = 0;

	for (;;) {
		size_t n = 0, ul;
		int known = 0;

		p += strspn(p, " ");
		if (*p == '\0')
			return parts > 0 && strlen(text) < 64;
		while (isdigit((unsigned char)p[n]))
			n++;
		if (n == 0 || n > 9)
			return 0;
		p += n;
		p += strspn(p, " ");
		ul = 0;
		while (isalpha((unsigned char)p[ul]))
			ul++;
		for (size_t i = 0; ul > 0 && units[i] != NULL; i++)
			if (strlen(units[i]) == ul && strncmp(p, units[i], ul) == 0)
				known = 1;
		if (ul > 0 && !known)
			return 0;
		p += ul;
		parts++;
	}
}
