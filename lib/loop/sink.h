/*
 * sink.h - where the decoded bytes of a remote stream go: a local process's
 * stdin, a memory buffer, a lane that frames several tables.  A sink that is
 * full takes nothing, and the stream stops reading its channel: that is the
 * backpressure that keeps memory bounded whatever the database size.
 */
#ifndef SIPHON_LOOP_SINK_H
#define SIPHON_LOOP_SINK_H

#include <stddef.h>
#include <sys/types.h>

struct siphon_sink {
	/*
	 * Takes up to len bytes; returns how many it took (0: full, try again
	 * when fd() is writable or on the next pass), or a negative SIPHON_E*
	 * code after recording the message.
	 */
	ssize_t (*write)(void *arg, const unsigned char *buf, size_t len);
	/* The stream ended cleanly: 0 or a negative code. */
	int (*finish)(void *arg);
	void *arg;
};

struct siphon_strbuf;
/* A sink that appends to a strbuf (which bounds itself with its max). */
void siphon_sink_strbuf(struct siphon_sink *s, struct siphon_strbuf *sb);
/*
 * A sink that takes every byte and keeps none (pull --snapshot-only: the
 * stream is read to its end at the wire's pace, recorded, and decoded, so a
 * corrupt one still fails, but nothing local is fed).
 */
void siphon_sink_discard(struct siphon_sink *s);

#endif
