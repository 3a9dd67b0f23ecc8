/*
 * leftout.h - what a pull did not copy exactly, said once at the end.
 *
 * The rule: where siphon cannot copy something exactly (an object the local
 * server cannot hold, a role it lacks, rows that live on another server), it
 * copies everything else and names each such thing here: what (table,
 * column or object) and why.  A successful pull then logs one warning per
 * entry and counts them in its stats, so that a copy that differs from
 * production never looks like one that does not.
 */
#ifndef SIPHON_ENGINE_LEFTOUT_H
#define SIPHON_ENGINE_LEFTOUT_H

#include "util/strbuf.h"

struct siphon_ctx;

struct siphon_leftout {
	struct siphon_strbuf text; /* entries, each ended by '\n' */
	unsigned n;                /* entries recorded (kept or not) */
	unsigned kept;             /* entries in text */
};

/* The text keeps at most this many entries; the rest are only counted. */
#define SIPHON_LEFTOUT_MAX 200

/*
 * Records one entry (one line: newlines and control characters in the
 * formatted text are made spaces).  0, or -1 when out of memory.
 */
int siphon_leftout_add(struct siphon_leftout *lo, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Logs every entry as a warning (and how many were not kept). */
void siphon_leftout_report(const struct siphon_leftout *lo, struct siphon_ctx *ctx);

/* Appends src's entries (and its count) to dst; src is emptied.  0, or -1 when out of memory. */
int siphon_leftout_move(struct siphon_leftout *dst, struct siphon_leftout *src);

void siphon_leftout_free(struct siphon_leftout *lo);

#endif
