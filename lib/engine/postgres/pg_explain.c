/* pg_explain.c - what pg_dump's and psql's failures mean, as rules. */
#include "engine/postgres/pg_explain.h"

#include "engine/eng_explain.h"
#include "engine/postgres/pg_pull_int.h"

#include <stdio.h>
#include <string.h>

static const char *const keys[] = {"FATAL:", "ERROR:", "error:", NULL};

static const char *const does_not_exist[] = {"does not exist", NULL};
static const char *const database[] = {"database", NULL};
static const char *const rls[] = {"row-level security", NULL};
static const char *const snapshot[] = {"invalid snapshot identifier", NULL};
static const char *const recovery[] = {"conflict with recovery", NULL};
static const char *const lock_timeout[] = {"lock timeout", NULL};
static const char *const denied[] = {"permission denied", "must be owner", NULL};
static const char *const pooler[] = {
	"query_wait_timeout", "pooling mode", "no more connections allowed", NULL,
};
static const char *const no_connection[] = {
	"could not connect", "connection to server", "authentication failed",
	"no password supplied", NULL,
};

static const struct siphon_explain_rule rules[] = {
	{.any = does_not_exist, .also = database, .err = SIPHON_EREMOTE,
	 .msg = "database \"{db}\" does not exist on {host} ({line}); check the name with: ssh {host} psql -l{elsewhere}"},
	{.any = rls, .err = SIPHON_EREMOTE,
	 .msg = "the remote role cannot bypass row-level security on {host}, so only some rows would be copied ({line}); use a role with BYPASSRLS or a superuser (--remote-pg-opts '-U ...')"},
	{.any = snapshot, .err = SIPHON_EREMOTE,
	 .msg = "the dump sessions on {host} could not share one snapshot ({line}): a connection pooler in transaction mode (pgbouncer) sits in front of the server; connect to PostgreSQL directly with --remote-pg-opts '-h HOST -p PORT'"},
	{.any = recovery, .err = SIPHON_EREMOTE,
	 .msg = "the hot standby {host} cancelled the copy because of a recovery conflict ({line}); set hot_standby_feedback = on or raise max_standby_streaming_delay there, or pull from the primary"},
	{.any = lock_timeout, .err = SIPHON_EREMOTE,
	 .msg = "could not lock the tables on {host} within 10 s: a schema change (DDL) or maintenance holds a conflicting lock ({line}); try again when it is done"},
	{.any = denied, .err = SIPHON_EREMOTE,
	 .msg = "permission denied on {host} ({line}); the remote role needs to read every table: use --remote-pg-opts '-U OWNER' or --remote-sudo postgres"},
	{.any = pooler, .err = SIPHON_EREMOTE,
	 .msg = "a connection pooler in front of PostgreSQL on {host} could not serve siphon's {sessions} sessions ({line}); connect to PostgreSQL directly with --remote-pg-opts '-h HOST -p PORT', or use fewer channels (-j)"},
	{.any = no_connection, .err = SIPHON_EREMOTE,
	 .msg = "cannot connect to PostgreSQL on {host} ({line}); set the remote user's PGHOST/PGUSER/~/.pgpass, or pass --remote-pg-opts '-h ... -U ...'"},
	{.msg = NULL},
};

static const char *
var(const void *st, const char *name, char *buf, size_t cap)
{
	const struct pg *pg = st;

	if (strcmp(name, "sessions") == 0 && pg != NULL) {
		snprintf(buf, cap, "%d", pg->jobs + 3);
		return buf;
	}
	return NULL;
}

const struct siphon_explain_engine siphon_pg_explain = {
	.keys = keys,
	.tool = "the dump",
	.missing = "a tool",
	.missing_fix = "",
	.rules = rules,
	.var = var,
};

int
pg_explain(void *arg, struct siphon_rstream *rs)
{
	struct pg *pg = arg;

	return siphon_eng_explain(pg->eng, rs, &siphon_pg_explain, pg);
}
