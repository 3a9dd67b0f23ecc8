/* pg_options.c - the PostgreSQL engine's own options. */
#include "engine/postgres/pg_options.h"

const struct siphon_optdef siphon_pg_options[] = {
	[PG_OPT_REMOTE_OPTS] = {
		.name = "remote-pg-opts", .type = SIPHON_OPT_STRING, .metavar = "OPTS",
		.scope = "postgres", .flags = SIPHON_OPTDEF_TOOL_OPTS,
		.help = "extra connection options for pg_dump and psql on the "
		        "server, e.g. '-h /run/postgresql -p 5433'" },
	{ .name = NULL },
};
