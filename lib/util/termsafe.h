/*
 * termsafe.h - text that came from a server, made safe to print on the
 * user's terminal.  A compromised server chooses its error messages, table
 * names and stderr: raw, they could move the cursor, rewrite what is on the
 * screen, set the window title or write the clipboard (OSC 52).
 */
#ifndef SIPHON_UTIL_TERMSAFE_H
#define SIPHON_UTIL_TERMSAFE_H

#include <stddef.h>

/*
 * Copies src into dst (cap > 0 bytes, always NUL-terminated) with every
 * C0 control byte and DEL written as "\xNN" (newline, carriage return and
 * tab as one space: the result is one line), every C1 control, in UTF-8
 * (U+0080..U+009F) or as a lone byte, written as "\xNN" / "\u00NN", and every
 * byte that is not part of valid UTF-8 as "\xNN".  Valid UTF-8 text passes
 * unchanged.  Truncates at a character boundary.  Returns strlen(dst).
 */
size_t siphon_term_safe(char *dst, size_t cap, const char *src);

#endif
