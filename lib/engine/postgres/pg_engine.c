/* pg_engine.c - the PostgreSQL engine's ops table. */
#include "engine/engine.h"
#include "engine/postgres/pg_options.h"
#include "engine/postgres/pg_pull.h"
#include "engine/postgres/pg_pull_int.h"
#include "engine/postgres/pg_tools.h"
#include "remote/probe.h"

static enum siphon_bid
pg_bid_probe(const struct siphon_probe *p)
{
	struct siphon_pg_toolset s;

	siphon_pg_tools_find(&s, p);
	return s.n > 0 ? SIPHON_BID_TOOLS : SIPHON_BID_NONE;
}

const struct siphon_engine_ops siphon_engine_postgres = {
	.name = "postgres",
	.title = "PostgreSQL",
	.tools = "PostgreSQL client (pg_dump, psql)",
	.list_hint = "psql -l",
	.options = siphon_pg_options,
	.bid_probe = pg_bid_probe,
	.has_db = siphon_pg_has_db,
	.state_size = sizeof(struct pg),
	.open = pg_open,
	.inspect = pg_inspect,
	.check = pg_check,
	.plan = pg_plan,
	.transfer = pg_transfer,
	.finish = pg_finish,
	.stats = pg_stats,
	.cleanup = pg_cleanup,
	.lost = pg_lost,
	.resume = pg_resume,
	.explain = pg_explain,
	.doctor = pg_doctor,
	.describe = pg_describe,
	.local_op = pg_local_op,
	.probe_script = siphon_pg_probe_script,
};
