/*
 * dispatch.h - hands pieces of work to channels as they come free.
 *
 * The plan (plan.h) fixes each channel's list before the first byte; when
 * the pieces of one table compress alike (a big table cut in pieces), a
 * fixed list can put every channel on that table at once, loading the
 * server's CPU while the link idles, or the reverse.  The dispatcher keeps
 * the pieces in one pool instead, and a channel that needs work takes the
 * piece of the table the fewest channels are busy with, the largest first
 * among equals: tables mix from the first second to the last, and channels
 * finish together.  Engine-neutral and pure: it sees costs and groups (a
 * group is a table; its pieces share one).
 */
#ifndef SIPHON_ENGINE_DISPATCH_H
#define SIPHON_ENGINE_DISPATCH_H

#include <stdint.h>

struct siphon_dispatch;

/*
 * A pool of n pieces; cost[i] (bytes) and group[i] (>= 0, below ngroups)
 * are copied.  0, or -1 when out of memory (*out NULL).
 */
int siphon_dispatch_new(struct siphon_dispatch **out, int n, const uint64_t *cost,
                        const int *group, int ngroups);
void siphon_dispatch_free(struct siphon_dispatch *d);

/* The next piece for a channel (now busy), or -1 when none is left. */
int siphon_dispatch_take(struct siphon_dispatch *d);

/* A piece taken earlier has ended: its table is one channel less busy. */
void siphon_dispatch_done(struct siphon_dispatch *d, int piece);

/* Pieces not taken yet. */
int siphon_dispatch_left(const struct siphon_dispatch *d);

#endif
