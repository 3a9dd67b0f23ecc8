/* leftout.c - what a pull did not copy exactly, said once at the end. */
#include "engine/leftout.h"

#include "util/ctx.h"
#include "util/event.h"
#include "util/termsafe.h"

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

/* One entry: a warning line, and a warning event of its own kind. */
static void
report(struct siphon_ctx *ctx, const char *entry, size_t len)
{
	char raw[2048], text[2048];

	snprintf(raw, sizeof(raw), "%.*s", (int)len, entry);
	siphon_term_safe(text, sizeof(text), raw);
	siphon_event_warning(ctx, SIPHON_WARNING_LEFT_OUT, text);
	siphon_log_only(ctx, SIPHON_LOG_WARN, "not copied exactly: %s", text);
}

void
siphon_leftout_report(const struct siphon_leftout *lo, struct siphon_ctx *ctx)
{
	const char *p = siphon_strbuf_str(&lo->text);

	char more[48];

	for (unsigned i = 0; i < lo->kept && *p != '\0'; i++) {
		size_t len = strcspn(p, "\n");

		report(ctx, p, len);
		p += len + (p[len] == '\n');
	}
	if (lo->n > lo->kept) {
		snprintf(more, sizeof(more), "... and %u more", lo->n - lo->kept);
		report(ctx, more, strlen(more));
	}
}

int
siphon_leftout_move(struct siphon_leftout *dst, struct siphon_leftout *src)
{
	const char *p = siphon_strbuf_str(&src->text);
	unsigned extra = src->n - src->kept;
	int r = 0;

	for (unsigned i = 0; r == 0 && i < src->kept && *p != '\0'; i++) {
		size_t len = strcspn(p, "\n");

		r = siphon_leftout_add(dst, "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
	dst->n += extra;
	siphon_leftout_free(src);
	return r;
}

void
siphon_leftout_free(struct siphon_leftout *lo)
{
	siphon_strbuf_free(&lo->text);
	lo->n = lo->kept = 0;
}
