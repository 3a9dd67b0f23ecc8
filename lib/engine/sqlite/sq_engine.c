/* sq_engine.c - the SQLite engine's ops table. */
#include "engine/engine.h"
#include "engine/sqlite/sq_pull_int.h"

#include <string.h>

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/*
 * A path (/, ~, ./, ../) or a name ending in .db, .sqlite or .sqlite3 is a
 * file; a name that only holds a '/' is a relative path unless a database
 * server has a database of that name.
 */
static enum siphon_bid
sq_bid_name(const char *name)
{
	if (name[0] == '/' || name[0] == '~' || strncmp(name, "./", 2) == 0 ||
	    strncmp(name, "../", 3) == 0 || ends_with(name, ".db") ||
	    ends_with(name, ".sqlite") || ends_with(name, ".sqlite3"))
		return SIPHON_BID_SURE;
	return strchr(name, '/') != NULL ? SIPHON_BID_MAYBE : SIPHON_BID_NONE;
}

const struct siphon_engine_ops siphon_engine_sqlite = {
	.name = "sqlite",
	.title = "SQLite",
	.tools = "sqlite3",
	.bid_name = sq_bid_name,
	.state_size = sizeof(struct sq),
	.open = sq_open,
	.inspect = sq_inspect_phase,
	.check = sq_check,
	.transfer = sq_transfer,
	.finish = sq_finish,
	.stats = sq_stats,
	.cleanup = sq_cleanup,
	.lost = sq_lost,
	.resume = sq_resume,
	.resume_none = "a SQLite pull is one stream and keeps nothing partial",
	.explain = sq_explain,
	.doctor = sq_doctor,
	.describe = sq_describe,
	.local_op = sq_local_op,
	.probe_tools = "sqlite3",
};
