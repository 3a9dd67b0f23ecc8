/*
 * termtext.h - text from outside (server names, user input, messages) made
 * safe for the terminal: every control character and DEL becomes '?', so
 * that nothing printed can move the cursor, clear the screen or set the
 * title.  The one rule for every place the CLI prints such text.
 */
#ifndef SIPHON_CLI_TERMTEXT_H
#define SIPHON_CLI_TERMTEXT_H
#include <stddef.h>
#include <stdio.h>

/* In place. */
void cli_sanitize(char *s);

/* src (NULL: empty) made safe into dst of cap bytes (cut to fit); returns dst. */
const char *cli_safe_copy(char *dst, size_t cap, const char *src);

/* text made safe, written to out. */
void cli_put_safe(FILE *out, const char *text);
#endif
