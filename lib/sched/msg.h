/* msg.h - the one-line messages of lib/sched's pure parts (into a caller's buffer). */
#ifndef SIPHON_SCHED_MSG_H
#define SIPHON_SCHED_MSG_H

#include <stddef.h>

/*
 * Formats into err (cut at errcap), control characters of the quoted
 * user text replaced by '?' so that it stays one line; returns -1.
 */
int siphon_sched_msg(char *err, size_t errcap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
