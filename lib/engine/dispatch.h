/*
 * dispatch.h - hands pieces of work to channels as they come free.
 *
 * The plan (plan.h) fixes each channel's list before the first byte; when
 * the pieces of one table compress alike (a big table cut in pieces), a
 * fixed list can put every channel on that table at once, loading the
 * server's CPU while the link idles, or the reverse.  The dispatcher keeps
 * the pieces in one pool instead, and a channel that needs work takes the
 * piece of the table the fewest other channels are busy with; among equals,
 * a piece of the table the channel itself is on (or was last on); then the
 * largest.  So tables mix from the first second to the last, and a channel
 * keeps to one table while others are free: a big compressible table stays
 * on one channel, whose work is mostly the local load, while the others
 * carry the tables that fill the link, instead of every channel finishing
 * its pieces last, on an idle link.  A channel's own pieces do not count
 * against its table: with a piece queued behind the one it runs, it would
 * otherwise always turn to another table.  Engine-neutral and pure: it sees
 * costs and groups (a group is a table; its pieces share one).
 */
#ifndef SIPHON_ENGINE_DISPATCH_H
#define SIPHON_ENGINE_DISPATCH_H

#include <stdint.h>

struct siphon_dispatch;

/*
 * A pool of n pieces for nchannels channels (numbered from 0); cost[i]
 * (bytes) and group[i] (>= 0, below ngroups) are copied.  0, or -1 when out
 * of memory (*out NULL).
 */
int siphon_dispatch_new(struct siphon_dispatch **out, int n, const uint64_t *cost,
                        const int *group, int ngroups, int nchannels);
void siphon_dispatch_free(struct siphon_dispatch *d);

/*
 * The next piece for channel ch (below nchannels: it is now busy with it),
 * or -1 when none is left.
 */
int siphon_dispatch_take(struct siphon_dispatch *d, int ch);

/* A piece taken earlier has ended: its table is one channel less busy. */
void siphon_dispatch_done(struct siphon_dispatch *d, int piece);

/* Pieces not taken yet. */
int siphon_dispatch_left(const struct siphon_dispatch *d);

#endif
