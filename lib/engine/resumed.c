/* resumed.c - the consistency of a resumed copy, in one wording for every engine. */
#include "engine/resumed.h"

#include "util/ctx.h"

#include <stdio.h>

void
siphon_resumed_log(struct siphon_ctx *ctx, unsigned kept, unsigned tables, const char *since)
{
	siphon_log(ctx, SIPHON_LOG_INFO,
	           "%u of %u tables were loaded before %s and are kept; copying %u in the new snapshot",
	           kept, tables, since, tables - kept);
}

void
siphon_resumed_stats(struct siphon_pull_stats *stats, unsigned later, unsigned tables,
                     int snapshots, const char *also)
{
	stats->tables_later = snapshots <= 1 ? 0 : later;
	if (snapshots <= 1)
		snprintf(stats->consistency, sizeof(stats->consistency), "one snapshot");
	else
		snprintf(stats->consistency, sizeof(stats->consistency),
		         "per table: %u of %u tables, %s from a later snapshot than the rest (%d snapshots)",
		         later, tables, also, snapshots);
}
