/* roff.c - user text escaped for the man pages. */
#include "roff.h"

#include <string.h>

void
roff_text(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\')
			fputs("\\e", out);
		else if (s[i] == '-')
			fputs("\\-", out);
		else
			fputc(s[i], out);
	}
}

void
roff_lines(FILE *out, const char *text, int fill)
{
	const char *p = text;

	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		const char *line = p;

		if (fill)
			while (*line == ' ' && line < p + len)
				line++;
		/* A line starting with '.' or '\'' would be a request. */
		if (*line == '.' || *line == '\'')
			fputs("\\&", out);
		roff_text(out, line, len - (size_t)(line - p));
		fputc('\n', out);
		p += len + (p[len] == '\n');
	}
}

void
roff_str(FILE *out, const char *s)
{
	roff_text(out, s, strlen(s));
}
