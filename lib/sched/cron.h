/*
 * cron.h - cron expressions as the cron of Debian (Vixie cron) reads them:
 * five fields (minute hour day-of-month month day-of-week) with lists,
 * ranges, steps and names, or @hourly, @daily, @weekly, @monthly, @yearly.
 * Parsed into bit sets, checked (one line saying what is wrong), their next
 * time in local time computed as cron runs them, and written as systemd
 * OnCalendar= values.  Pure: no I/O, nothing but the time zone.
 */
#ifndef SIPHON_SCHED_CRON_H
#define SIPHON_SCHED_CRON_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Longer is surely not a schedule. */
#define SIPHON_CRON_EXPR_MAX 256

struct siphon_cron {
	uint64_t min;            /* bit m: minute m, 0-59 */
	uint32_t hour;           /* bit h: hour h, 0-23 */
	uint32_t dom;            /* bit d: day of month d, 1-31 */
	uint16_t mon;            /* bit m: month m, 1-12 */
	uint8_t dow;             /* bit d: weekday d, 0 (Sunday) - 6; 7 is 0 */
	/*
	 * The field began with '*' (cron's own flags): a day matches when both
	 * day fields match if either began with '*', else when one does; a job
	 * whose minute or hour began with '*' is a "wildcard" one, which cron
	 * runs by the new clock when daylight saving time changes it.
	 */
	unsigned min_star : 1, hour_star : 1, dom_star : 1, dow_star : 1;
};

/*
 * Parses expr.  Returns 0, or -1 with one line in err saying which field
 * is wrong and how ("the minute field '5/10': a step needs a range or '*'
 * (write 5-59/10)").  An expression that can never fire (day 30 of
 * February) and @reboot are refused too.
 */
int siphon_cron_parse(const char *expr, struct siphon_cron *c, char *err, size_t errcap);

/*
 * The first time after `after` (seconds since 1970) at which cron runs c,
 * in the local time zone (TZ), into *next.  Daylight saving time as
 * Debian's cron handles it: a fixed-time job whose time is skipped when the
 * clock jumps forward runs at the jump; one whose time comes twice when the
 * clock goes back runs the first time only; a wildcard job follows the
 * clock.  Returns 0, or -1 when nothing fires within ten years.
 */
int siphon_cron_next(const struct siphon_cron *c, time_t after, time_t *next);

/*
 * c as systemd OnCalendar= values, one a line ('\n' after each): two when
 * the day of month and the weekday are both restricted (cron runs on
 * either; systemd wants both of one line).  0, or -1 when cap is too small.
 */
int siphon_cron_calendar(const struct siphon_cron *c, char *buf, size_t cap);

/*
 * The expression at the start of a crontab line (five fields, or one
 * word starting with '@') copied to buf, blanks between fields made one
 * space.  0, or -1 when the line has fewer fields or they do not fit.
 */
int siphon_cron_expr_of_line(const char *line, char *buf, size_t cap);

#endif
