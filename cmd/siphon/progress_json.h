/*
 * progress_json.h - the JSON consumer of the library's events
 * (--progress=json): one object per event, on one line, versioned ("v":1),
 * with every field of the event.  The format is documented in
 * docs/progress-json.md; fields are only ever added.
 *
 * Strings are escaped for JSON: '"' and '\\', control characters as \n,
 * \t... or \u00XX, DEL as \u007f, U+2028 and U+2029 as \u2028 and \u2029 (so
 * that a line is also a JavaScript literal); bytes that are not UTF-8 (a
 * table named in Latin-1) become U+FFFD, the replacement character, one per
 * bad byte.
 */
#ifndef SIPHON_CMD_PROGRESS_JSON_H
#define SIPHON_CMD_PROGRESS_JSON_H

#include "siphon.h"

#include <stddef.h>

/* The version of the objects ("v"). */
#define CLI_PROGRESS_JSON_VERSION 1

/* A growing text buffer, NUL-terminated while not failed. */
struct cli_jbuf {
	char *p;
	size_t len, cap;
	int failed;       /* out of memory: the text is cut short */
};

void cli_jbuf_free(struct cli_jbuf *b);

/*
 * The object for ev, followed by '\n', into b (emptied first).  exit_code:
 * the process exit status the run maps to (SUMMARY only).  Returns 0, or -1
 * when out of memory.
 */
int cli_progress_json_event(struct cli_jbuf *b, const struct siphon_event *ev, int exit_code);

/*
 * An object of the CLI's own, not an event: a log line (level "info",
 * "debug", "error"), {"v":1,"event":"log","level":...,"text":...}.
 */
int cli_progress_json_log(struct cli_jbuf *b, const char *level, const char *text, double wall);

/* Appends s as a JSON string literal (quotes included) to b. */
int cli_json_string(struct cli_jbuf *b, const char *s);

#endif
