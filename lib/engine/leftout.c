/* leftout.c - what a pull did not copy exactly, said once at the end. */
#include "engine/leftout.h"

#include "util/ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
siphon_leftout_add(struct siphon_leftout *lo, const char *fmt, ...)
{
	va_list ap;
	char *line = NULL;
	int len, r = 0;

	lo->n++;
	if (lo->kept >= SIPHON_LEFTOUT_MAX)
		return 0;
	va_start(ap, fmt);
	len = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	for (int i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	if (siphon_strbuf_append(&lo->text, line, (size_t)len) != 0 ||
	    siphon_strbuf_puts(&lo->text, "\n") != 0)
		r = -1;
	else
		lo->kept++;
	free(line);
	return r;
}

void
siphon_leftout_report(const struct siphon_leftout *lo, struct siphon_ctx *ctx)
{
	const char *p = siphon_strbuf_str(&lo->text);

	for (unsigned i = 0; i < lo->kept && *p != '\0'; i++) {
		size_t len = strcspn(p, "\n");

		siphon_log(ctx, SIPHON_LOG_WARN, "not copied exactly: %.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
	if (lo->n > lo->kept)
		siphon_log(ctx, SIPHON_LOG_WARN, "not copied exactly: ... and %u more",
		           lo->n - lo->kept);
}

void
siphon_leftout_free(struct siphon_leftout *lo)
{
	siphon_strbuf_free(&lo->text);
	lo->n = lo->kept = 0;
}
