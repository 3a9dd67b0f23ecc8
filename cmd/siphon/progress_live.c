/* progress_live.c - the live display's state and its frames, as text. */
#include "progress_live.h"

#include "summary.h"
#include "termtext.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The name column is never wider than the most, and on a narrow terminal
 * gives way, down to the least, to the first figures (bytes, percent,
 * rate: FIGS_KEY_COLS); the others give way to the name.
 */
#define LABEL_MAX_COLS 32
#define LABEL_MIN_COLS 12
#define FIGS_KEY_COLS 28

void
cli_live_init(struct cli_live *lv)
{
	memset(lv, 0, sizeof(*lv));
	lv->totals.rows = -1;
	lv->totals.expected_bytes = -1;
}

void
cli_live_free(struct cli_live *lv)
{
	free(lv->tables);
	cli_live_init(lv);
}

static void
set_label(struct cli_live_table *t, const struct siphon_event_table *et)
{
	char piece[32] = "", name[sizeof(t->label)];

	if (et->file != NULL)
		snprintf(name, sizeof(name), "%s", et->file);
	else
		snprintf(name, sizeof(name), "%s%s%s", et->schema != NULL ? et->schema : "",
		         et->schema != NULL ? "." : "", et->name != NULL ? et->name : "?");
	if (et->pieces > 1)
		snprintf(piece, sizeof(piece), " [%d/%d]", et->piece, et->pieces);
	cli_safe_copy(t->label, sizeof(t->label) - sizeof(piece), name);
	strcat(t->label, piece);
}

static int
find(const struct cli_live *lv, unsigned id)
{
	for (int i = 0; i < lv->ntables; i++)
		if (lv->tables[i].id == id)
			return i;
	return -1;
}

static void
update_table(struct cli_live_table *t, const struct siphon_event_table *et)
{
	t->raw_bytes = et->raw_bytes;
	t->wire_bytes = et->wire_bytes;
	t->rows = et->rows;
	t->expected_bytes = et->expected_bytes;
	t->expected_rows = et->expected_rows;
	t->started = et->started;
}

static void
table_start(struct cli_live *lv, const struct siphon_event_table *et)
{
	struct cli_live_table *t;

	if (lv->ntables == lv->cap) {
		int cap = lv->cap > 0 ? lv->cap * 2 : 8;
		struct cli_live_table *p = realloc(lv->tables, (size_t)cap * sizeof(*p));

		if (p == NULL) {
			lv->failed = 1;
			return;
		}
		lv->tables = p;
		lv->cap = cap;
	}
	/* Ids grow: appending keeps the oldest first. */
	t = &lv->tables[lv->ntables++];
	memset(t, 0, sizeof(*t));
	t->id = et->id;
	set_label(t, et);
	update_table(t, et);
}

static void
table_end(struct cli_live *lv, unsigned id)
{
	int i = find(lv, id);

	if (i < 0)
		return;
	memmove(&lv->tables[i], &lv->tables[i + 1], (size_t)(lv->ntables - i - 1) * sizeof(lv->tables[0]));
	lv->ntables--;
}

int
cli_live_event(struct cli_live *lv, const struct siphon_event *ev)
{
	int i;

	lv->now = ev->seconds;
	lv->totals = ev->totals;
	switch (ev->kind) {
	case SIPHON_EVENT_PHASE_START:
		if (lv->depth < CLI_LIVE_DEPTH)
			lv->phases[lv->depth] = ev->phase;
		lv->depth++;
		lv->step[0] = '\0';
		return 1;
	case SIPHON_EVENT_PHASE_END:
		if (lv->depth > 0)
			lv->depth--;
		lv->step[0] = '\0';
		return 1;
	case SIPHON_EVENT_STEP:
		cli_safe_copy(lv->step, sizeof(lv->step), ev->text);
		return 1;
	case SIPHON_EVENT_TABLE_START:
		table_start(lv, &ev->table);
		return 1;
	case SIPHON_EVENT_TABLE_PROGRESS:
		if ((i = find(lv, ev->table.id)) >= 0)
			update_table(&lv->tables[i], &ev->table);
		return 0;   /* the PROGRESS after them is the time to draw */
	case SIPHON_EVENT_TABLE_END:
		table_end(lv, ev->table.id);
		return 1;
	case SIPHON_EVENT_PROGRESS:
		return 1;
	default:
		return 0;
	}
}

void
cli_live_duration(char *buf, size_t cap, double seconds)
{
	unsigned long s = seconds > 0 && seconds < 360000000.0 ? (unsigned long)(seconds + 0.5) : 0;

	if (s >= 3600)
		snprintf(buf, cap, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, cap, "%lu:%02lu", s / 60, s % 60);
}

/* "950", "12.3k", "1.2M", "3.4G" rows. */
static void
format_count(char *buf, size_t cap, int64_t n)
{
	if (n < 1000)
		snprintf(buf, cap, "%" PRId64, n);
	else if (n < 1000000)
		snprintf(buf, cap, "%.1fk", (double)n / 1e3);
	else if (n < 1000000000)
		snprintf(buf, cap, "%.1fM", (double)n / 1e6);
	else
		snprintf(buf, cap, "%.1fG", (double)n / 1e9);
}

/* The columns a UTF-8 text takes: one per character (no wide ones known). */
static int
columns(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The byte length of s's first cols columns, at a character's start. */
static size_t
cut_at(const char *s, int cols)
{
	size_t i = 0;

	for (; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && cols-- == 0)
			break;
	return i;
}

/* The frame being written. */
struct frame {
	char *buf;
	size_t cap, len;
	int lines, full;
};

/* Appends at most cols columns of s to the frame, and a newline. */
static void
add_line(struct frame *f, const char *s, int cols)
{
	size_t n = cut_at(s, cols);

	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (f->full || f->len + n + 2 > f->cap) {
		f->full = 1;
		return;
	}
	memcpy(f->buf + f->len, s, n);
	f->len += n;
	f->buf[f->len++] = '\n';
	f->buf[f->len] = '\0';
	f->lines++;
}

/*
 * The figures of a table: bytes, then percent, rate, ETA and rows when
 * known, as many whole ones as fit in max columns (a number without its
 * unit would mislead).
 */
static void
table_figures(const struct cli_live *lv, const struct cli_live_table *t, char *buf, size_t cap,
              size_t max)
{
	double secs = lv->now - t->started, rate = 0, done = -1;
	char bytes[32], rows[48] = "", speed[48] = "", pct[16] = "", eta[48] = "";

	cli_format_bytes(bytes, sizeof(bytes), t->raw_bytes);
	if (t->rows >= 0) {
		char n[24];

		format_count(n, sizeof(n), t->rows);
		snprintf(rows, sizeof(rows), "  %6s rows", n);
	}
	/* Below half a second a rate is noise. */
	if (secs >= 0.5) {
		char r[32];

		rate = (double)t->raw_bytes / secs;
		cli_format_bytes(r, sizeof(r), (uint64_t)rate);
		snprintf(speed, sizeof(speed), "%s/s", r);
	}
	if (t->expected_bytes > 0)
		done = (double)t->raw_bytes / (double)t->expected_bytes;
	else if (t->expected_rows > 0 && t->rows >= 0)
		done = (double)t->rows / (double)t->expected_rows;
	if (done >= 0) {
		/* Estimates are estimates: never claim 100% before the end. */
		snprintf(pct, sizeof(pct), "%d%%", done < 0.99 ? (int)(done * 100) : 99);
		if (rate > 0 && t->expected_bytes > (int64_t)t->raw_bytes) {
			char d[24];

			cli_live_duration(d, sizeof(d), (double)((uint64_t)t->expected_bytes - t->raw_bytes) / rate);
			snprintf(eta, sizeof(eta), "  ETA %s", d);
		}
	}
	/*
	 * Fixed columns, so that the tables' figures line up, the most useful
	 * first; no trailing blanks.
	 */
	{
		char field[5][48];
		size_t len = 0;

		snprintf(field[0], sizeof(field[0]), "%9s", bytes);
		snprintf(field[1], sizeof(field[1]), "%6s", pct);
		snprintf(field[2], sizeof(field[2]), "%13s", speed);
		snprintf(field[3], sizeof(field[3]), "%-10s", eta);
		snprintf(field[4], sizeof(field[4]), "%s", rows);
		if (cap > 0)
			buf[0] = '\0';
		for (int i = 0; i < 5; i++) {
			size_t n = strlen(field[i]);

			if (len + n > max || len + n >= cap)
				break;
			memcpy(buf + len, field[i], n + 1);
			len += n;
		}
		while (len > 0 && buf[len - 1] == ' ')
			buf[--len] = '\0';
	}
}

static void
phase_line(const struct cli_live *lv, char *buf, size_t cap)
{
	int d = lv->depth < CLI_LIVE_DEPTH ? lv->depth : CLI_LIVE_DEPTH;
	size_t len;

	if (d == 0) {
		snprintf(buf, cap, "starting");
		return;
	}
	snprintf(buf, cap, "%s%s%s", siphon_phase_name(lv->phases[d - 1]), lv->step[0] != '\0' ? ": " : "",
	         lv->step);
	len = strlen(buf);
	if (lv->phases[d - 1] == SIPHON_PHASE_TRANSFER && len < cap)
		snprintf(buf + len, cap - len, "; %u table%s done", lv->totals.tables_done,
		         lv->totals.tables_done == 1 ? "" : "s");
}

static void
total_line(const struct cli_live *lv, char *buf, size_t cap, int max)
{
	const struct siphon_event_totals *t = &lv->totals;
	char wire[32], raw[32], ratio[24] = "", el[24], eta[40] = "";

	cli_format_bytes(wire, sizeof(wire), t->wire_bytes);
	cli_format_bytes(raw, sizeof(raw), t->raw_bytes);
	if (t->wire_bytes > 0)
		snprintf(ratio, sizeof(ratio), " (%.1fx)", (double)t->raw_bytes / (double)t->wire_bytes);
	cli_live_duration(el, sizeof(el), lv->now);
	if (t->data_seconds >= 1 && t->raw_bytes > 0 && t->expected_bytes > (int64_t)t->raw_bytes) {
		char d[24];
		double rate = (double)t->raw_bytes / t->data_seconds;

		cli_live_duration(d, sizeof(d), (double)((uint64_t)t->expected_bytes - t->raw_bytes) / rate);
		snprintf(eta, sizeof(eta), ", ETA %s", d);
	}
	snprintf(buf, cap, "total %s on the wire, %s raw%s, %s%s", wire, raw, ratio, el, eta);
	/* What does not fit goes whole, the last part first: no number cut. */
	while (columns(buf) > max) {
		char *comma = strrchr(buf, ',');

		if (comma == NULL)
			break;
		*comma = '\0';
	}
}

int
cli_live_render(const struct cli_live *lv, int width, int height, char *buf, size_t cap)
{
	struct frame f = {.buf = buf, .cap = cap};
	/* One column spare: a line that fills the last column wraps on some terminals. */
	int cols = width - 1, room = height - 2, shown, more, label_w = 0, figs_w = 0;
	char line[512], figs[160];

	if (cap > 0)
		buf[0] = '\0';
	if (cols < 1 || height < 2 || cap == 0)
		return 0;
	/* Two lines for the phase and the total; tables get the rest. */
	shown = lv->ntables;
	more = 0;
	if (shown > room) {
		shown = room > 0 ? room - 1 : 0;
		more = room > 0;
	}
	for (int i = 0; i < shown; i++) {
		int w = columns(lv->tables[i].label);

		label_w = w > label_w ? w : label_w;
		table_figures(lv, &lv->tables[i], figs, sizeof(figs), sizeof(figs));
		figs_w = (int)strlen(figs) > figs_w ? (int)strlen(figs) : figs_w;
	}
	/* "  " name " " figures. */
	if (label_w > LABEL_MAX_COLS)
		label_w = LABEL_MAX_COLS;
	if (figs_w > FIGS_KEY_COLS)
		figs_w = FIGS_KEY_COLS;
	if (label_w > cols - 3 - figs_w)
		label_w = cols - 3 - figs_w > LABEL_MIN_COLS ? cols - 3 - figs_w : LABEL_MIN_COLS;
	for (int i = 0; i < shown; i++) {
		const struct cli_live_table *t = &lv->tables[i];
		int w = columns(t->label), cut = w > label_w;
		/* A name too long loses its end, marked by '~'. */
		size_t n = cut_at(t->label, cut ? label_w - 1 : label_w);
		int pad = label_w - (cut ? label_w : w);

		table_figures(lv, t, figs, sizeof(figs), cols - 3 - label_w > 0 ? (size_t)(cols - 3 - label_w) : 0);
		snprintf(line, sizeof(line), "  %.*s%s%*s %s", (int)n, t->label, cut ? "~" : "",
		         pad, "", figs);
		add_line(&f, line, cols);
	}
	if (more) {
		snprintf(line, sizeof(line), "  ... and %d more", lv->ntables - shown);
		add_line(&f, line, cols);
	}
	phase_line(lv, line, sizeof(line));
	add_line(&f, line, cols);
	total_line(lv, line, sizeof(line), cols);
	add_line(&f, line, cols);
	return f.lines;
}
