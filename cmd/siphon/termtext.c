/* termtext.c - outside text made safe for the terminal (see termtext.h). */
#include "termtext.h"

static char
safe_char(char c)
{
	unsigned char u = (unsigned char)c;

	return u < 0x20 || u == 0x7f ? '?' : c;
}

void
cli_sanitize(char *s)
{
	for (; *s != '\0'; s++)
		*s = safe_char(*s);
}

const char *
cli_safe_copy(char *dst, size_t cap, const char *src)
{
	size_t i = 0;

	if (cap == 0)
		return dst;
	for (; src != NULL && src[i] != '\0' && i + 1 < cap; i++)
		dst[i] = safe_char(src[i]);
	dst[i] = '\0';
	return dst;
}

void
cli_put_safe(FILE *out, const char *text)
{
	for (; *text != '\0'; text++)
		fputc(safe_char(*text), out);
}
