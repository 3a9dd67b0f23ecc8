/* sq_pull.c - the SQLite engine (being written). */
#include "engine/sqlite/sq_pull.h"

#include "util/ctx.h"

int
siphon_sq_pull(struct siphon_eng *eng, struct siphon_pull_stats *stats)
{
	(void)stats;
	return siphon_err(eng->ctx, SIPHON_EINTERNAL, "the SQLite engine is not built yet");
}
