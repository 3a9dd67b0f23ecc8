/* runlog.c - the log of a profile's unattended run, between the library and the view. */
#include "runlog.h"

#include "args.h"
#include "summary.h"
#include "tty.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void
cli_runlog_init(struct cli_runlog *rl, struct cli_progress *view,
                enum siphon_log_level view_max, const struct siphon_opts *opts)
{
	memset(rl, 0, sizeof(*rl));
	rl->fd = -1;
	rl->view = view;
	rl->view_max = view_max;
	/* Only its line function is used: it prints nothing itself. */
	cli_progress_text_init(&rl->text, opts, 0, NULL, NULL);
}

enum siphon_log_level
cli_runlog_level(const struct cli_runlog *rl)
{
	if (rl->fd >= 0 && rl->view_max < SIPHON_LOG_INFO)
		return SIPHON_LOG_INFO;
	return rl->view_max;
}

size_t
cli_runlog_format(char *buf, size_t cap, long long when, const char *text)
{
	time_t t = (time_t)when;
	struct tm tm;
	size_t len = 0;

	if (cap < 2)
		return 0;
	/* Local time with its offset: readable, and still exact across DST. */
	if (localtime_r(&t, &tm) != NULL)
		len = strftime(buf, cap - 1, "%Y-%m-%dT%H:%M:%S%z ", &tm);
	for (const char *s = text; *s != '\0' && len + 2 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		buf[len++] = c == '\t' ? ' ' : c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

static void
put_line(struct cli_runlog *rl, const char *text)
{
	char line[2048];
	size_t len;

	if (rl->fd < 0)
		return;
	len = cli_runlog_format(line, sizeof(line), (long long)time(NULL), text);
	/* One write per line on an O_APPEND file: lines never interleave. */
	cli_write_all(rl->fd, line, len);
}

void
cli_runlog_line(struct cli_runlog *rl, const char *fmt, ...)
{
	char text[2048];
	va_list ap;

	if (rl->fd < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	put_line(rl, text);
}

void
cli_runlog_event(void *arg, const struct siphon_event *ev)
{
	struct cli_runlog *rl = arg;
	char line[1024];

	rl->totals = ev->totals;
	if (rl->fd >= 0) {
		if (cli_progress_text_line(&rl->text, ev, line, sizeof(line)))
			put_line(rl, line);
		if (ev->kind == SIPHON_EVENT_SUMMARY && ev->rc == 0 && ev->stats != NULL) {
			cli_format_summary(line, sizeof(line), rl->text.opts, ev->stats);
			put_line(rl, line);
		}
	}
	cli_progress_event(rl->view, ev);
}

void
cli_runlog_log(void *arg, enum siphon_log_level level, const char *msg)
{
	struct cli_runlog *rl = arg;

	if (rl->fd >= 0)
		cli_runlog_line(rl, "%s%s", level == SIPHON_LOG_ERROR ? "error: "
		                            : level == SIPHON_LOG_WARN ? "warning: " : "", msg);
	if (level <= rl->view_max)
		cli_progress_log(rl->view, level, msg);
}

void
cli_runlog_close(struct cli_runlog *rl)
{
	if (rl->fd >= 0)
		close(rl->fd);
	rl->fd = -1;
}
