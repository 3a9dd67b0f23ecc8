/* progress.c - the chosen view of a pull: events and log lines to it. */
#include "progress.h"

#include "exitcodes.h"
#include "tty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A terminal that understands cursor movement: not TERM=dumb (Emacs' shell). */
static int
live_capable(void)
{
	const char *term = getenv("TERM");

	return isatty(STDERR_FILENO) && term != NULL && term[0] != '\0' && strcmp(term, "dumb") != 0;
}

int
cli_progress_open(struct cli_progress *p, const struct cli_pull_args *pa)
{
	memset(p, 0, sizeof(*p));
	p->json_fd = pa->progress_fd >= 0 ? pa->progress_fd : STDERR_FILENO;
	p->mode = pa->progress;
	if (p->mode == CLI_PROGRESS_AUTO)
		p->mode = live_capable() ? CLI_PROGRESS_LIVE : CLI_PROGRESS_TEXT;
	/* -q: errors and warnings only, whatever view was asked for but JSON. */
	if (pa->quiet && p->mode != CLI_PROGRESS_JSON)
		p->mode = CLI_PROGRESS_NONE;
	/* Asked for a live display where none can be: text, not garbage. */
	if (p->mode == CLI_PROGRESS_LIVE && !isatty(STDERR_FILENO))
		p->mode = CLI_PROGRESS_TEXT;
	cli_progress_text_init(&p->text, pa->opts, pa->quiet, stdout, stderr);
	p->text.lines = p->mode == CLI_PROGRESS_TEXT;
	if (p->mode == CLI_PROGRESS_LIVE) {
		if (cli_live_tty_open(&p->live, STDERR_FILENO) != 0)
			return -1;
		/* No resize handling is no reason to fail: lines are then cut to the old width. */
		(void)cli_winch_install();
	}
	return 0;
}

void
cli_progress_close(struct cli_progress *p)
{
	if (p->mode == CLI_PROGRESS_LIVE)
		cli_live_tty_close(&p->live);
	cli_jbuf_free(&p->json);
}

int
cli_progress_stderr_is_text(const struct cli_progress *p)
{
	return !(p->mode == CLI_PROGRESS_JSON && p->json_fd == STDERR_FILENO);
}

int
cli_progress_signals_quiet(const struct cli_progress *p, int quiet)
{
	return quiet || !cli_progress_stderr_is_text(p) || p->mode == CLI_PROGRESS_LIVE;
}

int
cli_progress_exit_code(int r)
{
	if (r == SIPHON_OK)
		return CLI_EXIT_OK;
	/*
	 * Ctrl-C reaches the local restore tools as well (they share our
	 * process group), so the failure reported may be one of theirs; what
	 * happened is that the user asked to stop.
	 */
	if (cli_signals_caught() != 0)
		return CLI_EXIT_INTERRUPTED;
	return cli_exit_code(r);
}

int
cli_progress_prompt(void *arg, const char *prompt, char *buf, size_t cap)
{
	struct cli_progress *p = arg;

	if (p->mode == CLI_PROGRESS_LIVE)
		cli_live_tty_erase(&p->live);
	return cli_tty_prompt(p->cancel_fd, prompt, buf, cap);
}

int
cli_progress_choose(void *arg, const char *question, const char *const *choices, int n)
{
	struct cli_progress *p = arg;

	if (p->mode == CLI_PROGRESS_LIVE)
		cli_live_tty_erase(&p->live);
	return cli_tty_choose(p->cancel_fd, question, choices, n);
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
cli_progress_event(void *arg, const struct siphon_event *ev)
{
	struct cli_progress *p = arg;

	switch (p->mode) {
	case CLI_PROGRESS_LIVE:
		/* The signal handler kept quiet not to break the block: say it here. */
		if (!p->stop_said && cli_signals_caught() != 0) {
			p->stop_said = 1;
			cli_live_tty_print(&p->live, "siphon: stopping and cleaning up; press Ctrl-C "
			                             "again to quit at once");
		}
		cli_live_tty_event(&p->live, ev);
		break;
	case CLI_PROGRESS_JSON:
		/* One write per object: a reader never sees half a line. */
		if (cli_progress_json_event(&p->json, ev, ev->kind == SIPHON_EVENT_SUMMARY
		                                              ? cli_progress_exit_code(ev->rc) : 0) == 0)
			cli_write_all(p->json_fd, p->json.p, p->json.len);
		break;
	default:
		break;
	}
	/* The summary line (and, in text, the progress lines). */
	cli_progress_text_event(&p->text, ev);
	if (ev->kind == SIPHON_EVENT_SUMMARY)
		fflush(stdout);
}

static const char *
level_prefix(enum siphon_log_level level)
{
	return level == SIPHON_LOG_ERROR  ? "siphon: error: "
	       : level == SIPHON_LOG_WARN ? "siphon: warning: "
	                                  : "siphon: ";
}

static const char *
level_name(enum siphon_log_level level)
{
	return level == SIPHON_LOG_ERROR  ? "error"
	       : level == SIPHON_LOG_WARN ? "warning"
	       : level == SIPHON_LOG_INFO ? "info"
	                                  : "debug";
}

void
cli_progress_log(void *arg, enum siphon_log_level level, const char *msg)
{
	struct cli_progress *p = arg;
	char line[2048];
	size_t len;

	if (!cli_progress_stderr_is_text(p)) {
		/* The warning events carry the warnings; the rest become objects. */
		if (level != SIPHON_LOG_WARN && cli_progress_json_log(&p->json, level_name(level), msg,
		                                                      wall_now()) == 0)
			cli_write_all(p->json_fd, p->json.p, p->json.len);
		return;
	}
	len = (size_t)snprintf(line, sizeof(line), "%s", level_prefix(level));
	/* Remote output can hold newlines and escapes; keep to one line. */
	for (const char *s = msg; *s != '\0' && len + 1 < sizeof(line); s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		else if (c < 0x20 || c == 0x7f)
			c = '?';
		line[len++] = (char)c;
	}
	line[len] = '\0';
	if (p->mode == CLI_PROGRESS_LIVE) {
		cli_live_tty_print(&p->live, line);
		return;
	}
	fputs(line, stderr);
	fputc('\n', stderr);
}
