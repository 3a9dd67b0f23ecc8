/*
 * strbuf.h - a growable byte string, NUL-terminated, with an optional cap so
 * that text from outside (remote stderr, query output) can never grow
 * without bound.
 */
#ifndef SIPHON_UTIL_STRBUF_H
#define SIPHON_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct siphon_strbuf {
	char *buf;      /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;     /* allocated bytes */
	size_t max;     /* 0: unbounded; else appends beyond max are dropped */
	int truncated;  /* set when an append was cut at max */
};

/* All return 0, or -1 when out of memory. */
int siphon_strbuf_append(struct siphon_strbuf *sb, const void *data, size_t len);
int siphon_strbuf_puts(struct siphon_strbuf *sb, const char *s);
int siphon_strbuf_printf(struct siphon_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void siphon_strbuf_reset(struct siphon_strbuf *sb);
void siphon_strbuf_free(struct siphon_strbuf *sb);
/* The contents, "" when empty; never NULL. */
const char *siphon_strbuf_str(const struct siphon_strbuf *sb);
/* Moves the contents out (caller frees); the buffer becomes empty. */
char *siphon_strbuf_take(struct siphon_strbuf *sb);

#endif
