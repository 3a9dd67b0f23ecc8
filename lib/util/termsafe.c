/* termsafe.c - escaping server text for the terminal. */
#include "util/termsafe.h"

#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), 0 when it is not one. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

size_t
siphon_term_safe(char *dst, size_t cap, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, n;
	char esc[8];
	const char *piece;

	if (cap == 0)
		return 0;
	while (*s != '\0') {
		n = utf8_len(s);
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			piece = " ";
			n = 1;
		} else if (n == 1 && (*s < 0x20 || *s == 0x7f)) {
			snprintf(esc, sizeof(esc), "\\x%02x", *s);
			piece = esc;
		} else if (n == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", *s);
			piece = esc;
			n = 1;
		} else if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0) {
			snprintf(esc, sizeof(esc), "\\u%04x", s[1]);
			piece = esc;
		} else {
			piece = NULL;
		}
		if (piece != NULL) {
			size_t pl = strlen(piece);

			if (o + pl >= cap)
				break;
			memcpy(dst + o, piece, pl);
			o += pl;
		} else {
			if (o + n >= cap)
				break;
			memcpy(dst + o, s, n);
			o += n;
		}
		s += n;
	}
	dst[o] = '\0';
	return o;
}
