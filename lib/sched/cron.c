/*
 * cron.c - cron expressions: the parser (Vixie cron's grammar, stricter
 * where cron would silently never run: backward ranges, impossible days),
 * the next time cron runs one, and systemd's calendar syntax for it.
 */
#include "sched/cron.h"
#include "sched/msg.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct field {
	const char *title;       /* for messages */
	int lo, hi;              /* the values cron accepts */
	const char *const *names;/* three-letter names, from lo; NULL: none */
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

static const struct field fields[5] = {
	{"minute", 0, 59, NULL},
	{"hour", 0, 23, NULL},
	{"day-of-month", 1, 31, NULL},
	{"month", 1, 12, month_names},
	/* 7 is Sunday too, as in cron. */
	{"day-of-week", 0, 7, day_names},
};

/* The longest each month can be (February in a leap year). */
static const int month_days_max[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static const struct {
	const char *word, *fields;
} macros[] = {
	{"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
	{"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
	{"@hourly", "0 * * * *"},
};

/* A number or a name of field f at *p (advanced); -1 when there is none. */
static int
value(const struct field *f, const char **p)
{
	const char *s = *p;
	long v = 0;

	if (isdigit((unsigned char)*s)) {
		while (isdigit((unsigned char)*s) && v < 1000)
			v = v * 10 + (*s++ - '0');
		if (isdigit((unsigned char)*s))
			return -1;
		*p = s;
		return (int)v;
	}
	if (f->names == NULL)
		return -1;
	for (int i = 0; f->names[i] != NULL; i++) {
		if (strncasecmp(s, f->names[i], 3) == 0 && !isalpha((unsigned char)s[3])) {
			*p = s + 3;
			return f->lo + i;
		}
	}
	return -1;
}

/* Sets bits lo..hi by step into *bits; 7 folds onto 0 for the weekday. */
static void
set_range(uint64_t *bits, int k, int from, int to, int step)
{
	for (int v = from; v <= to; v += step)
		*bits |= UINT64_C(1) << (k == 4 && v == 7 ? 0 : v);
}

/* One comma-separated item of field k: *, N, N-M, with /S after * or a range. */
static int
item(int k, const char *s, size_t len, uint64_t *bits, char *err, size_t errcap)
{
	const struct field *f = &fields[k];
	char text[64];
	const char *p = text;
	int from, to, step = 1, range = 0;

	if (len == 0)
		return siphon_sched_msg(err, errcap, "the %s field has an empty item (two commas, or one at an end)",
		            f->title);
	snprintf(text, sizeof(text), "%.*s", (int)(len < 63 ? len : 63), s);
	if (*p == '*') {
		from = f->lo;
		to = f->hi;
		p++;
		range = 1;
	} else {
		if ((from = value(f, &p)) < 0)
			return siphon_sched_msg(err, errcap, "the %s field: '%s' is not a number%s", f->title, text,
			            f->names != NULL ? " or a name" : "");
		to = from;
		if (*p == '-') {
			p++;
			if ((to = value(f, &p)) < 0)
				return siphon_sched_msg(err, errcap, "the %s field: '%s' has no end after '-'", f->title, text);
			range = 1;
		}
		if (from < f->lo || from > f->hi || to < f->lo || to > f->hi)
			return siphon_sched_msg(err, errcap, "the %s field: '%s' is out of range (%d to %d)", f->title, text,
			            f->lo, f->hi);
		if (to < from)
			return siphon_sched_msg(err, errcap, "the %s field: the range '%s' goes backwards", f->title, text);
	}
	if (*p == '/') {
		long v = 0;

		if (!range)
			return siphon_sched_msg(err, errcap, "the %s field '%s': a step needs a range or '*' (write %d-%d/%s)",
			            f->title, text, from, f->hi, p + 1);
		p++;
		if (!isdigit((unsigned char)*p))
			return siphon_sched_msg(err, errcap, "the %s field: '%s' has no step after '/'", f->title, text);
		while (isdigit((unsigned char)*p) && v < 1000)
			v = v * 10 + (*p++ - '0');
		/* A step beyond the range is cron's too: the first value alone. */
		if (v < 1 || v > 999)
			return siphon_sched_msg(err, errcap, "the %s field: the step of '%s' must be from 1 to 999", f->title,
			            text);
		step = (int)v;
	}
	if (*p != '\0')
		return siphon_sched_msg(err, errcap, "the %s field: '%s' is not a value, a range or a step", f->title,
		            text);
	set_range(bits, k, from, to, step);
	return 0;
}

static int
parse_field(int k, const char *s, size_t len, uint64_t *bits, char *err, size_t errcap)
{
	size_t i = 0;

	*bits = 0;
	for (;;) {
		size_t n = 0;

		while (i + n < len && s[i + n] != ',')
			n++;
		if (item(k, s + i, n, bits, err, errcap) != 0)
			return -1;
		i += n;
		if (i == len)
			return 0;
		i++;
		if (i == len)
			return item(k, s + i, 0, bits, err, errcap);
	}
}

/* Whether the day fields can ever agree (no 30th of February alone). */
static int
some_day(const struct siphon_cron *c)
{
	if (!c->dom_star && !c->dow_star)
		return 1;   /* either field is enough */
	for (int m = 1; m <= 12; m++)
		for (int d = 1; d <= month_days_max[m]; d++)
			if ((c->mon >> m & 1) && (c->dom >> d & 1))
				return 1;
	return 0;
}

int
siphon_cron_parse(const char *expr, struct siphon_cron *c, char *err, size_t errcap)
{
	const char *s = expr, *start[5];
	size_t len[5];
	uint64_t bits[5];
	int n = 0;

	memset(c, 0, sizeof(*c));
	err[0] = '\0';
	s += strspn(s, " \t");
	if (*s == '@') {
		size_t wl = strcspn(s, " \t");

		if (s[wl + strspn(s + wl, " \t")] != '\0')
			return siphon_sched_msg(err, errcap, "'%s': nothing may follow %.*s", expr, (int)wl, s);
		for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
			if (strlen(macros[i].word) == wl && strncasecmp(s, macros[i].word, wl) == 0)
				return siphon_cron_parse(macros[i].fields, c, err, errcap);
		if (wl == 7 && strncasecmp(s, "@reboot", 7) == 0)
			return siphon_sched_msg(err, errcap, "@reboot is not a time of day: a scheduled pull needs one "
			            "(@daily, or five fields)");
		return siphon_sched_msg(err, errcap, "'%.*s' is none of @hourly, @daily, @midnight, @weekly, @monthly, "
		            "@yearly, @annually", (int)wl, s);
	}
	while (*s != '\0') {
		size_t wl = strcspn(s, " \t");

		if (n == 5)
			return siphon_sched_msg(err, errcap, "'%s' has more than five fields (minute hour day-of-month month "
			            "day-of-week); the command is siphon's", expr);
		start[n] = s;
		len[n++] = wl;
		s += wl;
		s += strspn(s, " \t");
	}
	if (n < 5)
		return siphon_sched_msg(err, errcap, "'%s' has %d field%s: a cron schedule has five (minute hour "
		            "day-of-month month day-of-week), or is @daily, @hourly...", expr, n,
		            n == 1 ? "" : "s");
	for (int k = 0; k < 5; k++)
		if (parse_field(k, start[k], len[k], &bits[k], err, errcap) != 0)
			return -1;
	c->min = bits[0];
	c->hour = (uint32_t)bits[1];
	c->dom = (uint32_t)bits[2];
	c->mon = (uint16_t)bits[3];
	c->dow = (uint8_t)bits[4];
	c->min_star = start[0][0] == '*';
	c->hour_star = start[1][0] == '*';
	c->dom_star = start[2][0] == '*';
	c->dow_star = start[4][0] == '*';
	if (!some_day(c))
		return siphon_sched_msg(err, errcap, "'%s' never runs: none of its months has that day", expr);
	return 0;
}

/* ---- the next time ---- */

static int
day_matches(const struct siphon_cron *c, const struct tm *tm)
{
	int dom = c->dom >> tm->tm_mday & 1, dow = c->dow >> tm->tm_wday & 1;

	if (!(c->mon >> (tm->tm_mon + 1) & 1))
		return 0;
	return c->dom_star || c->dow_star ? dom && dow : dom || dow;
}

static int
time_matches(const struct siphon_cron *c, const struct tm *tm)
{
	return (c->hour >> tm->tm_hour & 1) && (c->min >> tm->tm_min & 1);
}

static long
offset_at(time_t t)
{
	struct tm tm;

	return localtime_r(&t, &tm) != NULL ? tm.tm_gmtoff : 0;
}

/*
 * t is the first minute after the clock jumped forward: whether a wall
 * clock minute it skipped would have matched (cron runs such a fixed-time
 * job at the jump).
 */
static int
skipped_match(const struct siphon_cron *c, time_t t)
{
	long now = offset_at(t), gap = now - offset_at(t - 60);

	for (long k = 0; gap > 0 && k < gap / 60; k++) {
		/* The skipped wall clock, read as if it were UTC. */
		time_t wall = t + now - gap + 60 * k;
		struct tm tm;

		if (gmtime_r(&wall, &tm) != NULL && day_matches(c, &tm) && time_matches(c, &tm))
			return 1;
	}
	return 0;
}

/* Whether t's wall clock already came once, before the clock went back. */
static int
repeated(time_t t)
{
	long before = offset_at(t - 3 * 3600), back = before - offset_at(t);

	return back > 0 && offset_at(t - back) == before;
}

/* The first second of the local day after tm's (t's), never t or earlier. */
static time_t
next_day(time_t t, const struct tm *tm)
{
	struct tm d = *tm;
	time_t n;

	d.tm_mday++;
	d.tm_hour = d.tm_min = d.tm_sec = 0;
	d.tm_isdst = -1;
	n = mktime(&d);
	/* A midnight that does not exist may give an earlier time: go on by the hour. */
	return n > t ? n : t + 60 * (60 - tm->tm_min);
}

int
siphon_cron_next(const struct siphon_cron *c, time_t after, time_t *next)
{
	int fixed = !c->min_star && !c->hour_star;
	time_t t, limit = after + (time_t)3700 * 86400;
	struct tm tm;

	if (localtime_r(&after, &tm) == NULL)
		return -1;
	t = after - tm.tm_sec + 60;
	while (t <= limit) {
		if (localtime_r(&t, &tm) == NULL)
			return -1;
		if (fixed && offset_at(t) > offset_at(t - 60) && skipped_match(c, t))
			break;
		if (!day_matches(c, &tm))
			t = next_day(t, &tm);
		else if (!(c->hour >> tm.tm_hour & 1))
			t += 60 * (60 - tm.tm_min) - tm.tm_sec;
		else if (!(c->min >> tm.tm_min & 1) || (fixed && repeated(t)))
			t += 60 - tm.tm_sec;
		else
			break;
	}
	if (t > limit)
		return -1;
	*next = t;
	return 0;
}

/* ---- systemd ---- */

struct out {
	char *buf;
	size_t cap, len;
	int full;
};

static void
put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (o->full)
		return;
	va_start(ap, fmt);
	w = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= o->cap - o->len)
		o->full = 1;
	else
		o->len += (size_t)w;
}

/* "*" for every value lo..hi, else "03,30" (two digits) or names. */
static void
put_list(struct out *o, uint64_t bits, int lo, int hi, const char *const *names)
{
	int all = 1, first = 1;

	for (int v = lo; v <= hi; v++)
		all &= (int)(bits >> v & 1);
	if (all) {
		put(o, "*");
		return;
	}
	for (int v = lo; v <= hi; v++) {
		if (!(bits >> v & 1))
			continue;
		if (names != NULL)
			put(o, "%s%c%s", first ? "" : ",", toupper((unsigned char)names[v][0]), names[v] + 1);
		else
			put(o, "%s%02d", first ? "" : ",", v);
		first = 0;
	}
}

/* One OnCalendar line: [weekdays ]*-months-days hours:minutes:00. */
static void
put_calendar(struct out *o, const struct siphon_cron *c, int with_dom, int with_dow)
{
	if (with_dow) {
		put_list(o, c->dow, 0, 6, day_names);
		put(o, " ");
	}
	put(o, "*-");
	put_list(o, c->mon, 1, 12, NULL);
	put(o, "-");
	put_list(o, with_dom ? c->dom : ~UINT64_C(0), 1, 31, NULL);
	put(o, " ");
	put_list(o, c->hour, 0, 23, NULL);
	put(o, ":");
	put_list(o, c->min, 0, 59, NULL);
	put(o, ":00\n");
}

int
siphon_cron_calendar(const struct siphon_cron *c, char *buf, size_t cap)
{
	struct out o = {buf, cap, 0, 0};
	int all_days = (c->dow & 0x7f) == 0x7f;

	if (cap == 0)
		return -1;
	buf[0] = '\0';
	if (c->dom_star || c->dow_star) {
		/* Both must match; a weekday field of every day says nothing. */
		put_calendar(&o, c, 1, !all_days);
	} else {
		put_calendar(&o, c, 1, 0);
		put_calendar(&o, c, 0, 1);
	}
	return o.full ? -1 : 0;
}

int
siphon_cron_expr_of_line(const char *line, char *buf, size_t cap)
{
	const char *s = line + strspn(line, " \t");
	size_t len = 0;
	int want = *s == '@' ? 1 : 5;

	for (int k = 0; k < want; k++) {
		size_t wl = strcspn(s, " \t\r\n");

		if (wl == 0 || len + wl + 2 > cap)
			return -1;
		if (k > 0)
			buf[len++] = ' ';
		memcpy(buf + len, s, wl);
		len += wl;
		s += wl;
		s += strspn(s, " \t");
	}
	buf[len] = '\0';
	return 0;
}
