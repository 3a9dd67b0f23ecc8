/* strbuf.c - growable byte strings with a cap. */
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
reserve(struct siphon_strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	size_t ncap;
	char *nb;

	if (need <= sb->cap)
		return 0;
	ncap = sb->cap ? sb->cap : 64;
	while (ncap < need)
		ncap *= 2;
	if ((nb = realloc(sb->buf, ncap)) == NULL)
		return -1;
	sb->buf = nb;
	sb->cap = ncap;
	return 0;
}

int
siphon_strbuf_append(struct siphon_strbuf *sb, const void *data, size_t len)
{
	if (sb->max != 0 && sb->len + len > sb->max) {
		sb->truncated = 1;
		len = sb->max > sb->len ? sb->max - sb->len : 0;
	}
	if (reserve(sb, len) != 0)
		return -1;
	if (len > 0)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int
siphon_strbuf_puts(struct siphon_strbuf *sb, const char *s)
{
	return siphon_strbuf_append(sb, s, strlen(s));
}

int
siphon_strbuf_printf(struct siphon_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *big = NULL;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return siphon_strbuf_append(sb, small, (size_t)n);
	if ((big = malloc((size_t)n + 1)) == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	r = siphon_strbuf_append(sb, big, (size_t)n);
	free(big);
	return r;
}

void
siphon_strbuf_reset(struct siphon_strbuf *sb)
{
	sb->len = 0;
	sb->truncated = 0;
	if (sb->buf != NULL)
		sb->buf[0] = '\0';
}

void
siphon_strbuf_free(struct siphon_strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->truncated = 0;
}

const char *
siphon_strbuf_str(const struct siphon_strbuf *sb)
{
	return sb->buf != NULL ? sb->buf : "";
}

char *
siphon_strbuf_take(struct siphon_strbuf *sb)
{
	char *s = sb->buf;

	if (s == NULL)
		s = calloc(1, 1);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return s;
}
