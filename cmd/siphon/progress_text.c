/* progress_text.c - progress lines and the summary, from the library's events. */
#include "progress_text.h"

#include "args.h"
#include "summary.h"

void
cli_progress_text_init(struct cli_progress_text *pt, const struct siphon_opts *o,
                       int quiet, FILE *out, FILE *err)
{
	pt->opts = o;
	pt->quiet = quiet;
	pt->out = out;
	pt->err = err;
	pt->next = CLI_PROGRESS_PERIOD;
	pt->file_copy = 0;
	pt->lines = 1;
}

static void
progress_line(const struct cli_progress_text *pt, const struct siphon_event *ev,
              char *buf, size_t cap)
{
	const struct siphon_event_totals *t = &ev->totals;
	double raw = (double)t->raw_bytes / 1e6, wire = (double)t->wire_bytes / 1e6;
	double expected = t->expected_bytes > 0 ? (double)t->expected_bytes / 1e6 : 0;

	if (!pt->file_copy)
		snprintf(buf, cap,
		         "%.1f MB of table data loaded (%.1f MB on the wire), %.1f MB/s; the tables take %.1f MB on the server",
		         raw, wire, t->data_seconds > 0 ? raw / t->data_seconds : 0, expected);
	else if (t->raw_bytes == 0)
		/* SQLite: the server makes its consistent copy before a byte comes. */
		snprintf(buf, cap, "%s is still making the consistent copy (%.0f s)",
		         siphon_opts_str(pt->opts, "host"), t->data_seconds);
	else
		snprintf(buf, cap, "%.1f of about %.1f MB received (%.1f MB on the wire)",
		         raw, expected, wire);
	cli_sanitize(buf);
}

int
cli_progress_text_line(struct cli_progress_text *pt, const struct siphon_event *ev,
                       char *buf, size_t cap)
{
	if (cap > 0)
		buf[0] = '\0';
	switch (ev->kind) {
	case SIPHON_EVENT_PHASE_START:
		if (ev->phase == SIPHON_PHASE_TRANSFER)
			pt->next = CLI_PROGRESS_PERIOD;
		return 0;
	case SIPHON_EVENT_PHASE_END:
		/* One line per stage done: a log (cron) shows where time went. */
		if (ev->rc != 0 || ev->phase == SIPHON_PHASE_CLEANUP || cap == 0)
			return 0;
		snprintf(buf, cap, "%s done in %.1f s", siphon_phase_name(ev->phase), ev->phase_seconds);
		return 1;
	case SIPHON_EVENT_TABLE_START:
		pt->file_copy = ev->table.file != NULL;
		return 0;
	case SIPHON_EVENT_PROGRESS:
		if (ev->totals.data_seconds < pt->next || cap == 0)
			return 0;
		pt->next = ev->totals.data_seconds + CLI_PROGRESS_PERIOD;
		progress_line(pt, ev, buf, cap);
		return 1;
	default:
		return 0;
	}
}

void
cli_progress_text_event(void *arg, const struct siphon_event *ev)
{
	struct cli_progress_text *pt = arg;
	char line[1024];

	if (cli_progress_text_line(pt, ev, line, sizeof(line)) && !pt->quiet && pt->lines)
		fprintf(pt->err, "siphon: %s\n", line);
	if (ev->kind == SIPHON_EVENT_SUMMARY && ev->rc == 0 && ev->stats != NULL && !pt->quiet) {
		cli_format_summary(line, sizeof(line), pt->opts, ev->stats);
		fprintf(pt->out, "%s\n", line);
	}
}
