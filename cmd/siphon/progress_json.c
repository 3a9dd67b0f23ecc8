/* progress_json.c - one JSON object per event, for scripts and editors. */
#include "progress_json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
cli_jbuf_free(struct cli_jbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static int
grow(struct cli_jbuf *b, size_t add)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (b->len + add + 1 <= b->cap)
		return 0;
	cap = b->cap > 0 ? b->cap : 256;
	while (cap < b->len + add + 1)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static int
put(struct cli_jbuf *b, const char *s, size_t n)
{
	if (grow(b, n) != 0)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int
puts_(struct cli_jbuf *b, const char *s)
{
	return put(b, s, strlen(s));
}

static int putf(struct cli_jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
putf(struct cli_jbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	/* Only numbers and names go through here: they fit. */
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -1;
	return put(b, tmp, (size_t)n);
}

/*
 * The length of the UTF-8 sequence at s (1 to 4), or 0 when the bytes there
 * are not one: a stray continuation byte, a sequence cut short, an overlong
 * form, a surrogate, or beyond U+10FFFF.  *cp: the code point.
 */
static size_t
utf8_seq(const unsigned char *s, unsigned long *cp)
{
	unsigned long c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;      /* also stops at the NUL */
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int
cli_json_string(struct cli_jbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return puts_(b, "null");
	if (put(b, "\"", 1) != 0)
		return -1;
	while (*p != '\0') {
		unsigned long cp;
		size_t n = utf8_seq(p, &cp);
		int r;

		if (n == 0) {
			r = puts_(b, "\\ufffd");
			n = 1;
		} else if (cp == '"') {
			r = puts_(b, "\\\"");
		} else if (cp == '\\') {
			r = puts_(b, "\\\\");
		} else if (cp == '\n') {
			r = puts_(b, "\\n");
		} else if (cp == '\r') {
			r = puts_(b, "\\r");
		} else if (cp == '\t') {
			r = puts_(b, "\\t");
		} else if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029) {
			r = putf(b, "\\u%04lx", cp);
		} else {
			r = put(b, (const char *)p, n);
		}
		if (r != 0)
			return -1;
		p += n;
	}
	return put(b, "\"", 1);
}

/* ,"key": */
static int
key(struct cli_jbuf *b, const char *k)
{
	return putf(b, ",\"%s\":", k);
}

static int
key_str(struct cli_jbuf *b, const char *k, const char *v)
{
	return key(b, k) != 0 ? -1 : cli_json_string(b, v);
}

static int
key_u64(struct cli_jbuf *b, const char *k, uint64_t v)
{
	return putf(b, ",\"%s\":%" PRIu64, k, v);
}

/* -1 ("not known") is null. */
static int
key_i64(struct cli_jbuf *b, const char *k, int64_t v)
{
	if (v < 0)
		return putf(b, ",\"%s\":null", k);
	return putf(b, ",\"%s\":%" PRId64, k, v);
}

static int
key_int(struct cli_jbuf *b, const char *k, long v)
{
	return putf(b, ",\"%s\":%ld", k, v);
}

/* Seconds to the millisecond: enough for progress, no float noise. */
static int
key_sec(struct cli_jbuf *b, const char *k, double v)
{
	return putf(b, ",\"%s\":%.3f", k, v);
}

/* "2026-12-05T01:02:03.456Z" */
static int
key_wall(struct cli_jbuf *b, double wall)
{
	time_t t = (time_t)wall;
	int ms = (int)((wall - (double)t) * 1000);
	struct tm tm;
	char when[32];

	if (ms < 0 || ms > 999)
		ms = 0;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return putf(b, ",\"wall\":null");
	return putf(b, ",\"wall\":\"%s.%03dZ\"", when, ms);
}

/* The first field after "{": makes every field after it start with ','. */
static int
head(struct cli_jbuf *b, const char *event, double wall)
{
	b->len = 0;
	b->failed = 0;
	if (putf(b, "{\"v\":%d", CLI_PROGRESS_JSON_VERSION) != 0 || key_str(b, "event", event) != 0)
		return -1;
	return key_wall(b, wall);
}

static int
table(struct cli_jbuf *b, const struct siphon_event_table *t, int with_rc)
{
	if (key(b, "table") != 0 || putf(b, "{\"id\":%u", t->id) != 0 ||
	    key_str(b, "schema", t->schema) != 0 || key_str(b, "name", t->name) != 0 ||
	    key_str(b, "file", t->file) != 0 || key_int(b, "channel", t->channel) != 0 ||
	    key_int(b, "piece", t->piece) != 0 || key_int(b, "pieces", t->pieces) != 0 ||
	    key_u64(b, "wire_bytes", t->wire_bytes) != 0 || key_u64(b, "raw_bytes", t->raw_bytes) != 0 ||
	    key_i64(b, "rows", t->rows) != 0 || key_i64(b, "expected_bytes", t->expected_bytes) != 0 ||
	    key_i64(b, "expected_rows", t->expected_rows) != 0 || key_sec(b, "started", t->started) != 0)
		return -1;
	if (with_rc && key_int(b, "rc", t->rc) != 0)
		return -1;
	return put(b, "}", 1);
}

static int
totals(struct cli_jbuf *b, const struct siphon_event_totals *t)
{
	if (key(b, "totals") != 0 || putf(b, "{\"wire_bytes\":%" PRIu64, t->wire_bytes) != 0 ||
	    key_u64(b, "raw_bytes", t->raw_bytes) != 0 || key_i64(b, "rows", t->rows) != 0 ||
	    key_i64(b, "expected_bytes", t->expected_bytes) != 0 ||
	    key_int(b, "tables_started", (long)t->tables_started) != 0 ||
	    key_int(b, "tables_done", (long)t->tables_done) != 0 ||
	    key_sec(b, "data_seconds", t->data_seconds) != 0)
		return -1;
	return put(b, "}", 1);
}

static int
stats(struct cli_jbuf *b, const struct siphon_pull_stats *st)
{
	char codec[sizeof(st->codec) + 1], into[sizeof(st->into) + 1];
	char consistency[sizeof(st->consistency) + 1];

	if (st == NULL)
		return key(b, "stats") != 0 ? -1 : puts_(b, "null");
	/* The library fills these; do not trust them to be terminated. */
	snprintf(codec, sizeof(codec), "%.*s", (int)sizeof(st->codec), st->codec);
	snprintf(into, sizeof(into), "%.*s", (int)sizeof(st->into), st->into);
	snprintf(consistency, sizeof(consistency), "%.*s", (int)sizeof(st->consistency), st->consistency);
	if (key(b, "stats") != 0 || putf(b, "{\"wire_bytes\":%" PRIu64, st->wire_bytes) != 0 ||
	    key_u64(b, "raw_bytes", st->raw_bytes) != 0 || key_int(b, "tables", (long)st->tables) != 0 ||
	    key_int(b, "channels", (long)st->channels) != 0 ||
	    key_int(b, "left_out", (long)st->left_out) != 0 || key_sec(b, "seconds", st->seconds) != 0 ||
	    key_str(b, "codec", codec) != 0 || key_str(b, "into", into) != 0 ||
	    key_int(b, "reconnects", (long)st->reconnects) != 0 ||
	    key_int(b, "tables_later", (long)st->tables_later) != 0 ||
	    key_int(b, "resumed_run", (long)st->resumed_run) != 0 ||
	    key_str(b, "consistency", consistency) != 0)
		return -1;
	return put(b, "}", 1);
}

/* The settings chosen: "channel" null for every channel (the start). */
static int
tune(struct cli_jbuf *b, const struct siphon_event_tune *t)
{
	if (t == NULL)
		return 0;
	if ((t->channel > 0 ? key_int(b, "channel", t->channel) : putf(b, ",\"channel\":null")) != 0 ||
	    key_int(b, "jobs", t->jobs) != 0 || key_str(b, "codec", t->codec) != 0 ||
	    key_int(b, "level", t->level) != 0 || key_int(b, "threads", t->threads) != 0 ||
	    key_u64(b, "window_bytes", t->window_bytes) != 0 ||
	    key_i64(b, "link_bytes_per_s", t->link_bytes_per_s > 0 ? (int64_t)t->link_bytes_per_s : -1) != 0 ||
	    (t->rtt_seconds >= 0 ? putf(b, ",\"rtt_seconds\":%.6f", t->rtt_seconds)
	                         : putf(b, ",\"rtt_seconds\":null")) != 0 ||
	    putf(b, ",\"same_host\":%s", t->same_host ? "true" : "false") != 0)
		return -1;
	return key_str(b, "reason", t->reason);
}

static const char *
warning_name(enum siphon_warning_kind k)
{
	return k == SIPHON_WARNING_LEFT_OUT ? "left_out" : "general";
}

/* The fields of one kind of event, after the common ones. */
static int
kind_fields(struct cli_jbuf *b, const struct siphon_event *ev, int exit_code)
{
	switch (ev->kind) {
	case SIPHON_EVENT_PHASE_END:
		return key_sec(b, "phase_seconds", ev->phase_seconds) != 0 ? -1 : key_int(b, "rc", ev->rc);
	case SIPHON_EVENT_TABLE_START:
	case SIPHON_EVENT_TABLE_PROGRESS:
		return table(b, &ev->table, 0);
	case SIPHON_EVENT_TABLE_END:
		return table(b, &ev->table, 1);
	case SIPHON_EVENT_WARNING:
		return key_str(b, "warning", warning_name(ev->warning)) != 0 ? -1 : key_str(b, "text", ev->text);
	case SIPHON_EVENT_STEP:
		return key_str(b, "text", ev->text);
	case SIPHON_EVENT_TUNE:
		return tune(b, ev->tune);
	case SIPHON_EVENT_SUMMARY:
		if (key_int(b, "rc", ev->rc) != 0 || key_int(b, "exit", exit_code) != 0 ||
		    key_str(b, "error", ev->text) != 0)
			return -1;
		return stats(b, ev->stats);
	default:
		return 0;
	}
}

int
cli_progress_json_event(struct cli_jbuf *b, const struct siphon_event *ev, int exit_code)
{
	const char *phase = (unsigned)ev->phase < SIPHON_PHASE_COUNT ? siphon_phase_name(ev->phase) : NULL;

	if (head(b, siphon_event_kind_name(ev->kind), ev->wall) != 0 ||
	    key_sec(b, "seconds", ev->seconds) != 0 || key_str(b, "phase", phase) != 0 ||
	    kind_fields(b, ev, exit_code) != 0 || totals(b, &ev->totals) != 0)
		return -1;
	return puts_(b, "}\n");
}

int
cli_progress_json_log(struct cli_jbuf *b, const char *level, const char *text, double wall)
{
	if (head(b, "log", wall) != 0 || key_str(b, "level", level) != 0 || key_str(b, "text", text) != 0)
		return -1;
	return puts_(b, "}\n");
}
