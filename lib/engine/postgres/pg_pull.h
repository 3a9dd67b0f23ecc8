/*
 * pg_pull.h - the PostgreSQL engine: a consistent, parallel pull of one
 * database into a temporary local database, swapped in only on success.
 */
#ifndef SIPHON_PG_PULL_H
#define SIPHON_PG_PULL_H

#include "loop/loop.h"
#include "siphon.h"

/*
 * Runs the whole pull on loop (whose session is connected).  host names the
 * server in messages.  On failure the local database is as it was and the
 * temporary one is gone.
 */
int siphon_pg_pull(struct siphon_loop *loop, const struct siphon_pull_opts *o,
                   struct siphon_pull_stats *stats);

#endif
