/*
 * test_sched.c - unit tests of lib/sched: cron expressions (checks, the
 * next run in local time across daylight saving changes and leap days,
 * systemd's calendar form) and the crontab block editor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched/cron.h"
#include "sched/crontab.h"
#include "sched/job.h"

static void
use_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Seconds since 1970 of a local time "YYYY-MM-DD HH:MM" (isdst as given). */
static time_t
local(const char *s, int isdst)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	assert_int_equal(sscanf(s, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	                        &tm.tm_min), 5);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = isdst;
	return mktime(&tm);
}

static time_t
next_of(const char *expr, time_t after)
{
	struct siphon_cron c;
	char err[256];
	time_t t = 0;

	if (siphon_cron_parse(expr, &c, err, sizeof(err)) != 0)
		fail_msg("%s: %s", expr, err);
	assert_int_equal(siphon_cron_next(&c, after, &t), 0);
	return t;
}

static void
refused(const char *expr, const char *want)
{
	struct siphon_cron c;
	char err[256];

	assert_int_equal(siphon_cron_parse(expr, &c, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("%s: '%s' lacks '%s'", expr, err, want);
	assert_null(strchr(err, '\n'));
}

static void
test_sched_cron_accepts(void **state)
{
	static const char *const good[] = {
		"30 3 * * *", "*/15 9-17 * * mon-fri", "0 0 * * 7", "0 0 * JAN-mar *", "1-5/2,7 * * * *",
		"0 0 * * sun-7", "0 0 1-31/40 * *", "@daily", "@hourly", "@weekly", "@monthly", "@yearly",
		"@annually", "@midnight", "0 0 29 2 *", "  5\t4 * * *  ", "0 0 30 2 1",
	};
	struct siphon_cron c;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (siphon_cron_parse(good[i], &c, err, sizeof(err)) != 0)
			fail_msg("%s: %s", good[i], err);
	assert_int_equal(siphon_cron_parse("0 0 * * 7", &c, err, sizeof(err)), 0);
	assert_int_equal(c.dow, 1);
	assert_int_equal(siphon_cron_parse("*/20 * * * *", &c, err, sizeof(err)), 0);
	assert_true(c.min == ((UINT64_C(1) << 0) | (UINT64_C(1) << 20) | (UINT64_C(1) << 40)));
}

static void
test_sched_cron_refuses(void **state)
{
	(void)state;
	refused("5/10 * * * *", "write 5-59/10");
	refused("*/0 * * * *", "step");
	refused("0 24 * * *", "hour field: '24' is out of range (0 to 23)");
	refused("60 * * * *", "minute");
	refused("0 0 ? * *", "day-of-month");
	refused("0,,1 * * * *", "empty item");
	refused("0, * * * *", "empty item");
	refused("0 0 * * 5-2", "goes backwards");
	refused("0 0 30 2 *", "never runs");
	refused("0 0 31 4,6,9,11 *", "never runs");
	refused("@reboot", "@reboot is not a time of day");
	refused("@every", "none of @hourly");
	refused("@daily 3", "nothing may follow");
	refused("1 2 3", "has 3 fields");
	refused("", "has 0 fields");
	refused("1 2 3 4 5 /bin/true", "more than five fields");
	refused("x * * * *", "not a number");
	refused("0 0 * foo *", "not a number or a name");
	refused("0 0 * * mond", "not a number or a name");
	refused("0 0 1- * *", "no end after '-'");
	refused("0 0 * * 1\n", "day-of-week");
}

/* Fixed-time jobs around the spring and autumn changes, as Debian's cron. */
static void
test_sched_cron_next_dst(void **state)
{
	(void)state;
	use_tz("Europe/Berlin");
	/* 02:30 does not exist on 2026-03-29: cron runs the job at the jump (03:00 CEST). */
	assert_true(next_of("30 2 * * *", local("2026-03-29 00:00", 0)) == local("2026-03-29 03:00", 1));
	assert_true(next_of("30 2 * * *", local("2026-03-29 03:00", 1)) == local("2026-03-30 02:30", 1));
	/* A wildcard job follows the clock: no 02:30 that day. */
	assert_true(next_of("30 * * * *", local("2026-03-29 01:30", 0)) == local("2026-03-29 03:30", 1));
	/* 02:30 comes twice on 2026-10-25: a fixed-time job runs the first time only. */
	assert_true(next_of("30 2 * * *", local("2026-10-25 00:00", 1)) == local("2026-10-25 02:30", 1));
	assert_true(next_of("30 2 * * *", local("2026-10-25 02:30", 1)) == local("2026-10-26 02:30", 0));
	/* ... a wildcard one both times. */
	assert_true(next_of("30 * * * *", local("2026-10-25 02:30", 1)) == local("2026-10-25 02:30", 0));
	/* The US change at 02:00 too. */
	use_tz("America/New_York");
	assert_true(next_of("15 2 * * *", local("2026-03-08 01:59", 0)) == local("2026-03-08 03:00", 1));
	use_tz("UTC");
}

static void
test_sched_cron_next_calendar(void **state)
{
	(void)state;
	use_tz("UTC");
	/* Strictly after: a time that matches itself is not the next. */
	assert_true(next_of("30 3 * * *", local("2026-12-05 03:30", 0)) == local("2026-12-06 03:30", 0));
	assert_true(next_of("30 3 * * *", local("2026-12-05 03:29", 0)) == local("2026-12-05 03:30", 0));
	/* Feb 29: the next leap year, and 2100 is none. */
	assert_true(next_of("0 0 29 2 *", local("2026-12-05 10:00", 0)) == local("2028-02-29 00:00", 0));
	assert_true(next_of("0 12 29 2 *", local("2096-03-01 00:00", 0)) == local("2104-02-29 12:00", 0));
	/* Day of month or weekday when both are given; both when one is '*'. */
	assert_true(next_of("0 0 13 * 5", local("2026-12-05 00:00", 0)) == local("2026-12-11 00:00", 0));
	assert_true(next_of("0 0 13 * 5", local("2026-12-11 00:00", 0)) == local("2026-12-13 00:00", 0));
	/* A day field beginning with a star: odd days that are Fridays, as cron reads it. */
	assert_true(next_of("0 0 */2 * 5", local("2026-12-05 00:00", 0)) == local("2026-12-11 00:00", 0));
	assert_true(next_of("0 0 */2 * 5", local("2026-12-11 00:00", 0)) == local("2026-12-25 00:00", 0));
	/* Month ends and year ends. */
	assert_true(next_of("0 0 31 * *", local("2026-04-01 00:00", 0)) == local("2026-05-31 00:00", 0));
	assert_true(next_of("@yearly", local("2026-12-31 23:59", 0)) == local("2027-01-01 00:00", 0));
	assert_true(next_of("*/15 9-17 * * mon-fri", local("2026-12-05 12:00", 0)) ==
	            local("2026-12-07 09:00", 0));
	/* Half-hour zones. */
	use_tz("Asia/Kolkata");
	assert_true(next_of("0 * * * *", local("2026-12-05 10:10", 0)) == local("2026-12-05 11:00", 0));
	use_tz("UTC");
}

static void
calendar_is(const char *expr, const char *want)
{
	struct siphon_cron c;
	char err[256], cal[1024];

	assert_int_equal(siphon_cron_parse(expr, &c, err, sizeof(err)), 0);
	assert_int_equal(siphon_cron_calendar(&c, cal, sizeof(cal)), 0);
	assert_string_equal(cal, want);
}

static void
test_sched_cron_calendar(void **state)
{
	(void)state;
	calendar_is("30 3 * * *", "*-*-* 03:30:00\n");
	calendar_is("@hourly", "*-*-* *:00:00\n");
	calendar_is("*/15 9-17 * * mon-fri",
	            "Mon,Tue,Wed,Thu,Fri *-*-* 09,10,11,12,13,14,15,16,17:00,15,30,45:00\n");
	calendar_is("0 0 29 2 *", "*-02-29 00:00:00\n");
	calendar_is("0 0 13 * 5", "*-*-13 00:00:00\nFri *-*-* 00:00:00\n");
	calendar_is("0 0 * * 0-7", "*-*-* 00:00:00\n");
	calendar_is("5 4 * jan,jul sun", "Sun *-01,07-* 04:05:00\n");
}

static void
test_sched_cron_expr_of_line(void **state)
{
	char buf[SIPHON_CRON_EXPR_MAX];

	(void)state;
	assert_int_equal(siphon_cron_expr_of_line("30  3 *\t* * /usr/bin/env X=1 siphon", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "30 3 * * *");
	assert_int_equal(siphon_cron_expr_of_line("@daily siphon", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "@daily");
	assert_int_equal(siphon_cron_expr_of_line("1 2 3", buf, sizeof(buf)), -1);
}

/* ---- the crontab block editor ---- */

static const char foreign[] =
	"# my jobs\n"
	"MAILTO=ann@example.com\n"
	"*/5 * * * * /usr/local/bin/backup --quiet\n"
	"\n"
	"@reboot /home/ann/start.sh";   /* no line end at the end */

static char *
edit(const char *text, const char *profile, const char *job, int want)
{
	char err[256], *out = NULL;
	size_t len = 0;
	int r = siphon_crontab_edit(text, strlen(text), profile, job, &out, &len, err, sizeof(err));

	if (r != want)
		fail_msg("edit %s: %d (%s)", profile, r, err);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

static void
test_sched_crontab_add_replace_remove(void **state)
{
	struct siphon_crontab_block b;
	char err[256], *one, *two, *three, *back, *other;

	(void)state;
	one = edit(foreign, "prod", "30 3 * * * siphon pull prod", 0);
	/* Every foreign byte first, then a line end for the last line, then the block. */
	assert_memory_equal(one, foreign, strlen(foreign));
	assert_string_equal(one + strlen(foreign),
	                    "\n# BEGIN siphon schedule prod: managed by siphon, edit with siphon "
	                    "schedule/unschedule\n30 3 * * * siphon pull prod\n# END siphon schedule prod\n");
	assert_int_equal(siphon_crontab_find(one, strlen(one), "prod", &b, err, sizeof(err)), 1);
	assert_int_equal(b.line, 6);
	assert_memory_equal(one + b.job, "30 3 * * * siphon pull prod", b.job_len);
	assert_int_equal(siphon_crontab_find(one, strlen(one), "stage", &b, err, sizeof(err)), 0);

	/* A second profile, then the first replaced in place. */
	two = edit(one, "stage", "0 * * * * siphon pull stage", 0);
	three = edit(two, "prod", "0 4 * * * siphon pull prod", 1);
	assert_non_null(strstr(three, "prod: managed by siphon, edit with siphon schedule/unschedule\n"
	                       "0 4 * * * siphon pull prod\n# END siphon schedule prod\n# BEGIN siphon "
	                       "schedule stage"));
	assert_null(strstr(three, "30 3"));

	/* Removing both gives back the foreign lines (with the line end added). */
	other = edit(three, "prod", NULL, 1);
	back = edit(other, "stage", NULL, 1);
	assert_memory_equal(back, foreign, strlen(foreign));
	assert_string_equal(back + strlen(foreign), "\n");
	free(back);
	back = edit(other, "nothere", NULL, 0);
	assert_string_equal(back, other);
	free(back);
	free(other);
	free(one);
	free(two);
	free(three);

	/* An empty table. */
	one = edit("", "p", "@daily x", 0);
	back = edit(one, "p", NULL, 1);
	assert_string_equal(back, "");
	free(one);
	free(back);
}

static void
bad_table(const char *text, const char *want)
{
	char err[256], *out = NULL;
	size_t len;

	assert_int_equal(siphon_crontab_edit(text, strlen(text), "p", "x", &out, &len, err, sizeof(err)), -1);
	assert_null(out);
	if (strstr(err, want) == NULL)
		fail_msg("'%s' lacks '%s'", err, want);
}

static void
test_sched_crontab_malformed(void **state)
{
	(void)state;
	bad_table("# BEGIN siphon schedule p: managed\nx\n", "line 1: the siphon block of 'p' never ends");
	bad_table("a\n# END siphon schedule p\n", "line 2: a siphon END line without its BEGIN");
	bad_table("# BEGIN siphon schedule p: m\n# BEGIN siphon schedule q: m\n# END siphon schedule q\n",
	          "line 2: a siphon block begins inside the block of 'p'");
	bad_table("# BEGIN siphon schedule p: m\n# END siphon schedule q\n", "does not close the block of 'p'");
	bad_table("# BEGIN siphon schedule p: m\n# END siphon schedule p\n"
	          "# BEGIN siphon schedule p: m\n# END siphon schedule p\n", "a second block of profile 'p'");
	bad_table("# BEGIN siphon schedule : m\n", "without a profile name");
	bad_table("# BEGIN siphon schedule a/b: m\n", "without a profile name");
}

/* Markers of a CRLF table, blanks after END, comments inside a block. */
static void
test_sched_crontab_tolerant(void **state)
{
	static const char t[] = "x\r\n# BEGIN siphon schedule p: m\r\n# a note\r\n\r\n  1 2 * * * job\r\n"
	                        "# END siphon schedule p \r\ny\r\n";
	struct siphon_crontab_block b;
	char err[256], *out;

	(void)state;
	assert_int_equal(siphon_crontab_find(t, strlen(t), "p", &b, err, sizeof(err)), 1);
	assert_memory_equal(t + b.job, "  1 2 * * * job\r", b.job_len);
	out = edit(t, "p", NULL, 1);
	assert_string_equal(out, "x\r\ny\r\n");
	free(out);
}

/* ---- the job ---- */

static void
test_sched_job_cron_line(void **state)
{
	struct siphon_job_env env = {{"HOME", "PATH", "SIPHON_CONFIG"},
	                             {"/home/ann", "/usr/bin:/bin", "/etc/my 100% siphon's.conf"}, 3};
	struct siphon_cron c;
	struct siphon_job j = {"prod", "/opt/siphon bin/siphon", "30 3 * * *", &c, NULL, &env};
	char err[256], *line;

	(void)state;
	assert_int_equal(siphon_cron_parse(j.cron, &c, err, sizeof(err)), 0);
	line = siphon_job_cron_line(&j, err, sizeof(err));
	assert_non_null(line);
	/* sh quoting only where needed; cron's '%' escaped inside it. */
	assert_string_equal(line, "30 3 * * * /usr/bin/env HOME=/home/ann PATH=/usr/bin:/bin "
	                          "SIPHON_CONFIG='/etc/my 100\\% siphon'\\''s.conf' '/opt/siphon bin/siphon' "
	                          "pull --unattended prod >/dev/null 2>&1");
	free(line);
	{
		char path[1100];

		memset(path, 'p', sizeof(path) - 1);
		path[sizeof(path) - 1] = '\0';
		env.value[1] = path;
		assert_null(siphon_job_cron_line(&j, err, sizeof(err)));
		assert_non_null(strstr(err, "more than cron takes (999): shorten PATH"));
	}
	env.value[1] = "/bin\n* * * * * evil";
	assert_null(siphon_job_cron_line(&j, err, sizeof(err)));
	assert_non_null(strstr(err, "PATH holds a line break"));
}

static void
test_sched_job_units(void **state)
{
	struct siphon_job_env env = {{"PATH"}, {"/a\"b$c%d"}, 1};
	struct siphon_cron c;
	struct siphon_job j = {"prod", "/x/$iphon", "0 0 13 * 5", &c, "1h 30min", &env};
	char err[256], *service = NULL, *timer = NULL;

	(void)state;
	assert_int_equal(siphon_cron_parse(j.cron, &c, err, sizeof(err)), 0);
	assert_int_equal(siphon_job_units(&j, &service, &timer, err, sizeof(err)), 0);
	assert_non_null(strstr(service, "\nType=oneshot\n"));
	assert_non_null(strstr(service, "\nEnvironment=\"PATH=/a\\\"b$c%%d\"\n"));
	assert_non_null(strstr(service, "\nExecStart=\"/x/$$iphon\" pull --unattended prod\n"));
	assert_non_null(strstr(timer, "\n" SIPHON_JOB_CRON_TAG "0 0 13 * 5\n"));
	assert_non_null(strstr(timer, "\nOnCalendar=*-*-13 00:00:00\nOnCalendar=Fri *-*-* 00:00:00\n"
	                              "Persistent=true\nRandomizedDelaySec=1h 30min\n"));
	assert_non_null(strstr(timer, "\nWantedBy=timers.target\n"));
	free(service);
	free(timer);
	assert_true(siphon_job_delay_ok("30min"));
	assert_true(siphon_job_delay_ok("90"));
	assert_true(siphon_job_delay_ok("1h 30min"));
	assert_false(siphon_job_delay_ok(""));
	assert_false(siphon_job_delay_ok("soon"));
	assert_false(siphon_job_delay_ok("5 fortnights"));
	assert_false(siphon_job_delay_ok("-5s"));
}

static void
test_sched_job_env(void **state)
{
	struct siphon_job_env e;

	(void)state;
	setenv("PGPASSWORD", "hunter2", 1);
	setenv("MYSQL_PWD", "hunter2", 1);
	setenv("PGHOST", "/run/postgresql", 1);
	setenv("XDG_STATE_HOME", "", 1);
	siphon_job_env_collect(&e, "/etc/siphon.conf");
	for (size_t i = 0; i < e.n; i++) {
		assert_string_not_equal(e.value[i], "hunter2");
		assert_string_not_equal(e.value[i], "");
	}
	assert_string_equal(e.name[e.n - 1], "SIPHON_CONFIG");
	assert_string_equal(e.value[e.n - 1], "/etc/siphon.conf");
	unsetenv("PGPASSWORD");
	unsetenv("MYSQL_PWD");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched_cron_accepts),
		cmocka_unit_test(test_sched_cron_refuses),
		cmocka_unit_test(test_sched_cron_next_dst),
		cmocka_unit_test(test_sched_cron_next_calendar),
		cmocka_unit_test(test_sched_cron_calendar),
		cmocka_unit_test(test_sched_cron_expr_of_line),
		cmocka_unit_test(test_sched_crontab_add_replace_remove),
		cmocka_unit_test(test_sched_crontab_malformed),
		cmocka_unit_test(test_sched_crontab_tolerant),
		cmocka_unit_test(test_sched_job_cron_line),
		cmocka_unit_test(test_sched_job_units),
		cmocka_unit_test(test_sched_job_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
