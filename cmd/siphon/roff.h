/*
 * roff.h - text for the man pages (man.c, man_conf.c): user text escaped
 * for roff, so that nothing in it reads as a request or an escape.
 */
#ifndef SIPHON_CMD_ROFF_H
#define SIPHON_CMD_ROFF_H

#include <stddef.h>
#include <stdio.h>

/* len bytes of s: a backslash and a minus sign said so. */
void roff_text(FILE *out, const char *s, size_t len);
void roff_str(FILE *out, const char *s);

/*
 * Each line of text as a roff line.  fill: the leading blanks go (roff
 * refills the paragraph, and a line starting with a blank would break it);
 * otherwise the lines are kept as they are, in a no-fill block.
 */
void roff_lines(FILE *out, const char *text, int fill);

#endif
