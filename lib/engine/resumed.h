/*
 * resumed.h - what a copy is consistent to once its transfer resumed after
 * a lost connection, in the words the summary line and the JSON summary
 * give for every engine.
 *
 * A new session cannot join the old snapshot: an engine that keeps what
 * finished copies the rest at a later instant, so its copy is consistent
 * per table.  The engine says how many tables came later, out of how many,
 * what else came from the later instant (its own words: "the sequences and
 * the indexes"), and from how many snapshots the rows came.
 */
#ifndef SIPHON_ENGINE_RESUMED_H
#define SIPHON_ENGINE_RESUMED_H

#include "siphon.h"

struct siphon_ctx;

/*
 * The line that says what a resume keeps: kept of tables, loaded before
 * since ("the cut", "the interruption"), the rest copied in the new snapshot.
 */
void siphon_resumed_log(struct siphon_ctx *ctx, unsigned kept, unsigned tables, const char *since);

/*
 * Fills stats' tables_later and consistency: "one snapshot" when every row
 * came from one (snapshots <= 1), else "per table: LATER of TABLES tables,
 * ALSO from a later snapshot than the rest (N snapshots)".
 */
void siphon_resumed_stats(struct siphon_pull_stats *stats, unsigned later, unsigned tables,
                          int snapshots, const char *also);

#endif
