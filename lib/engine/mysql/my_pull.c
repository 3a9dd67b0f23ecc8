/* my_pull.c - the MySQL/MariaDB engine (being written). */
#include "engine/mysql/my_pull.h"

#include "util/ctx.h"

int
siphon_my_pull(struct siphon_eng *eng, struct siphon_pull_stats *stats)
{
	(void)stats;
	return siphon_err(eng->ctx, SIPHON_EINTERNAL, "the MySQL engine is not built yet");
}

int
siphon_my_has_db(struct siphon_eng *eng, int *found)
{
	(void)eng;
	*found = 0;
	return 0;
}
