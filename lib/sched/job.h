/*
 * job.h - what a scheduled pull runs, written for cron (one crontab line)
 * and for systemd (a service and a timer unit).  Pure: the environment is
 * collected into a struct first, so that tests and the fuzzer give theirs.
 */
#ifndef SIPHON_SCHED_JOB_H
#define SIPHON_SCHED_JOB_H

#include "sched/cron.h"

#include <stddef.h>

#define SIPHON_JOB_ENV_MAX 24
/* The longest command a crontab line may hold for Debian's cron (MAX_COMMAND 1000, its NUL). */
#define SIPHON_JOB_CRON_COMMAND_MAX 999

/*
 * The variables a job needs and cron does not give it: HOME, PATH, the
 * XDG base directories, where the local PostgreSQL and MySQL are
 * (PGHOST, PGPORT, PGUSER, PGSERVICE, PGSERVICEFILE, PGPASSFILE,
 * MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_UNIX_PORT), SIPHON_CONFIG.  Never a
 * password (PGPASSWORD, MYSQL_PWD) nor the ssh-agent's socket (it does not
 * outlive the session).  Values borrowed.
 */
struct siphon_job_env {
	const char *name[SIPHON_JOB_ENV_MAX];
	const char *value[SIPHON_JOB_ENV_MAX];
	size_t n;
};

/*
 * Fills e from getenv() (set, non-empty values only), SIPHON_CONFIG from
 * config when it is not NULL.
 */
void siphon_job_env_collect(struct siphon_job_env *e, const char *config);

/* What a job runs: program pull --unattended profile, with env. */
struct siphon_job {
	const char *profile;
	const char *program;     /* absolute */
	const char *cron;        /* the expression as given */
	const struct siphon_cron *when;
	const char *random_delay;/* systemd only; NULL */
	const struct siphon_job_env *env;
};

/*
 * The crontab line (caller frees): the expression, then
 * /usr/bin/env NAME=value... PROGRAM pull --unattended PROFILE, its output
 * to /dev/null (the run logs itself); words shell-quoted, '%' escaped as
 * cron wants.  NULL with err when a value holds a line break, the command
 * is longer than cron takes, or there is no memory.
 */
char *siphon_job_cron_line(const struct siphon_job *j, char *err, size_t errcap);

/* The two unit files' text (caller frees both), or -1 with err. */
int siphon_job_units(const struct siphon_job *j, char **service, char **timer, char *err,
                     size_t errcap);

/*
 * Whether text is a systemd time span siphon accepts for
 * RandomizedDelaySec: numbers each with an optional unit (s, sec, m, min,
 * h, hour, d, day, w, week and their plurals), blanks between ("1h 30min").
 */
int siphon_job_delay_ok(const char *text);

/* The line of a timer unit that holds the cron expression. */
#define SIPHON_JOB_CRON_TAG "# siphon-cron: "

#endif
