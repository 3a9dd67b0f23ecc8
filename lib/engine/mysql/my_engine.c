/* my_engine.c - the MySQL/MariaDB engine's ops table. */
#include "engine/engine.h"
#include "engine/mysql/my_options.h"
#include "engine/mysql/my_pull_int.h"
#include "remote/probe.h"

static enum siphon_bid
my_bid_probe(const struct siphon_probe *p)
{
	/* siphon drives the client itself; the dump tools come in the same package. */
	return siphon_my_remote_client(p)[0] ? SIPHON_BID_TOOLS : SIPHON_BID_NONE;
}

static const char *const my_aliases[] = {"mariadb", NULL};

const struct siphon_engine_ops siphon_engine_mysql = {
	.name = "mysql",
	.aliases = my_aliases,
	.title = "MySQL/MariaDB",
	.tools = "mysql/mariadb client",
	.list_hint = "mysql -e 'SHOW DATABASES'",
	.options = siphon_my_options,
	.bid_probe = my_bid_probe,
	.has_db = siphon_my_has_db,
	.state_size = sizeof(struct my),
	.open = my_open,
	.inspect = my_inspect,
	.check = my_check,
	.plan = my_plan,
	.transfer = my_transfer,
	.finish = my_finish,
	.lost = my_lost,
	.resume = my_resume,
	.stats = my_stats,
	.cleanup = my_cleanup,
	.resume_none = "a MySQL/MariaDB pull keeps no partial copy between runs",
	.explain = my_explain,
	.doctor = my_doctor,
	.describe = my_describe,
	.local_op = my_local_op,
	.probe_tools = "mariadb mysql",
	/*
	 * One LOAD DATA per table, each waiting on InnoDB as much as on a
	 * core: on the bench's 2 shared cores -j 8 beat -j 4 (issue 12), and a
	 * row costs about twice PostgreSQL's COPY.
	 */
	.tune_load_ns = 50.0,
	.tune_lanes_per_core = 4.0,
};
