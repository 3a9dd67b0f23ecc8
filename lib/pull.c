/* pull.c - siphon_pull(): connect, probe, pick the engine, run it. */
#include "siphon.h"

#include "engine/detect.h"
#include "engine/eng.h"
#include "engine/heartbeat.h"
#include "engine/mysql/my_pull.h"
#include "engine/postgres/pg_pull.h"
#include "engine/sqlite/sq_pull.h"
#include "loop/loop.h"
#include "ssh/chan_libssh2.h"
#include "ssh/session.h"
#include "util/clock.h"
#include "util/ctx.h"
#include "util/event.h"

#include <stdio.h>
#include <string.h>

static int
check_opts(struct siphon_ctx *ctx, const struct siphon_pull_opts *o)
{
	if (o->host == NULL || o->host[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "no host given");
	if (o->dbname == NULL || o->dbname[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "no database name given");
	if (o->into != NULL && o->into[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "--into needs a database name");
	if (o->jobs < 0 || o->jobs > 64)
		return siphon_err(ctx, SIPHON_EUSAGE, "-j must be between 1 and 64");
	if (o->engine < SIPHON_ENGINE_AUTO || o->engine > SIPHON_ENGINE_SQLITE)
		return siphon_err(ctx, SIPHON_EUSAGE, "unknown engine");
	if (o->no_lock && o->lock_all)
		return siphon_err(ctx, SIPHON_EUSAGE, "--no-lock and --lock-all contradict each other");
	return 0;
}

/*
 * Both PostgreSQL and MySQL tools are on the server: the engine whose server
 * has the database wins; when both have it, the user chooses; when neither
 * does, that is the error.
 */
static int
choose_between(struct siphon_run *eng, enum siphon_engine_kind *kind)
{
	struct siphon_ctx *ctx = eng->ctx;
	static const char *const choices[] = {"postgres", "mysql"};
	char question[512], why_pg[256], why_my[256];
	int r, in_pg = 0, in_my = 0, pick;

	if ((r = siphon_pg_has_db(eng, &in_pg, why_pg, sizeof(why_pg))) != 0 ||
	    (r = siphon_my_has_db(eng, &in_my, why_my, sizeof(why_my))) != 0)
		return r;
	if (in_pg != in_my) {
		*kind = in_pg ? SIPHON_ENGINE_POSTGRES : SIPHON_ENGINE_MYSQL;
		siphon_log(ctx, SIPHON_LOG_INFO, "%s: the database is in %s (--engine to choose)",
		           eng->o->host, in_pg ? "PostgreSQL" : "MySQL/MariaDB");
		return 0;
	}
	if (!in_pg)
		return siphon_err(ctx, SIPHON_EREMOTE,
		                  "no database named \"%s\" on %s (looked in PostgreSQL%s%s%s and MySQL/MariaDB%s%s%s); check the name with: ssh %s psql -l, or: ssh %s mysql -e 'SHOW DATABASES' (or give --engine to see that engine's own error)",
		                  eng->o->dbname, eng->o->host,
		                  why_pg[0] ? ", which said \"" : "", why_pg, why_pg[0] ? "\"" : "",
		                  why_my[0] ? ", which said \"" : "", why_my, why_my[0] ? "\"" : "",
		                  eng->o->host, eng->o->host);
	snprintf(question, sizeof(question),
	         "%s has a database named \"%s\" in both PostgreSQL and MySQL/MariaDB; which one?",
	         eng->o->host, eng->o->dbname);
	pick = ctx->choose_fn != NULL ? ctx->choose_fn(ctx->choose_arg, question, choices, 2) : -1;
	if (pick < 0 || pick > 1)
		return siphon_err(ctx, SIPHON_EUSAGE,
		                  "%s has a database named \"%s\" in both PostgreSQL and MySQL/MariaDB; choose with --engine postgres or --engine mysql",
		                  eng->o->host, eng->o->dbname);
	*kind = pick == 0 ? SIPHON_ENGINE_POSTGRES : SIPHON_ENGINE_MYSQL;
	return 0;
}

static int
pick_engine(struct siphon_run *eng, enum siphon_engine_kind *kind)
{
	const struct siphon_probe *p = &eng->probe;
	int pg = siphon_probe_has_pg(p), my = siphon_probe_has_mysql(p);

	if (pg && my)
		return choose_between(eng, kind);
	if (!pg && !my)
		return siphon_err(eng->ctx, SIPHON_EREMOTE,
		                  "found neither pg_dump nor a mysql/mariadb client on %s; install the database's client tools there, or name the engine with --engine",
		                  eng->o->host);
	eng->other_missing = pg ? "mysql/mariadb client" : "PostgreSQL client (pg_dump, psql)";
	*kind = pg ? SIPHON_ENGINE_POSTGRES : SIPHON_ENGINE_MYSQL;
	return 0;
}

/* A name with a '/' inside: a database of that name wins over a file path. */
static int
server_has_it(struct siphon_run *eng, enum siphon_engine_kind *kind)
{
	int r, found = 0;

	if (siphon_probe_has_pg(&eng->probe) && (r = siphon_pg_has_db(eng, &found, NULL, 0)) != 0)
		return r;
	if (found) {
		*kind = SIPHON_ENGINE_POSTGRES;
		return 0;
	}
	if (siphon_probe_has_mysql(&eng->probe) && (r = siphon_my_has_db(eng, &found, NULL, 0)) != 0)
		return r;
	if (found)
		*kind = SIPHON_ENGINE_MYSQL;
	return 0;
}

static int
run_engine(struct siphon_run *eng, struct siphon_pull_stats *stats)
{
	enum siphon_engine_kind kind = eng->o->engine;
	int r, sure = 1;

	if (kind == SIPHON_ENGINE_AUTO)
		kind = siphon_engine_by_name(eng->o->dbname, &sure);
	siphon_event_phase(eng->ctx, SIPHON_PHASE_PROBE, 1, 0);
	r = siphon_eng_probe(eng);
	siphon_event_phase(eng->ctx, SIPHON_PHASE_PROBE, 0, r);
	if (r != 0)
		return r;
	siphon_event_phase(eng->ctx, SIPHON_PHASE_CHOOSE, 1, 0);
	if (!sure)
		r = server_has_it(eng, &kind);
	if (r == 0 && kind == SIPHON_ENGINE_AUTO)
		r = pick_engine(eng, &kind);
	siphon_event_phase(eng->ctx, SIPHON_PHASE_CHOOSE, 0, r);
	if (r != 0)
		return r;
	switch (kind) {
	case SIPHON_ENGINE_MYSQL:
		return siphon_my_pull(eng, stats);
	case SIPHON_ENGINE_SQLITE:
		return siphon_sq_pull(eng, stats);
	default:
		return siphon_pg_pull(eng, stats);
	}
}

static int
pull(struct siphon_ctx *ctx, const struct siphon_pull_opts *o,
     struct siphon_pull_stats *stats)
{
	struct siphon_ssh_opts so;
	struct siphon_ssh *ssh = NULL;
	struct siphon_loop loop;
	struct siphon_run eng;
	struct siphon_heartbeat hb;
	double t0 = siphon_mono_s();
	int r;

	if (stats != NULL)
		memset(stats, 0, sizeof(*stats));
	if ((r = check_opts(ctx, o)) != 0)
		return r;
	memset(&so, 0, sizeof(so));
	so.user = o->user;
	so.host = o->host;
	so.port = o->port;
	so.identity = o->identity;
	so.known_hosts = o->known_hosts;
	so.accept_new_host_key = o->accept_new_host_key;
	so.connect_timeout = o->connect_timeout;
	siphon_event_phase(ctx, SIPHON_PHASE_CONNECT, 1, 0);
	r = siphon_ssh_connect(&ssh, ctx, &so);
	siphon_event_phase(ctx, SIPHON_PHASE_CONNECT, 0, r);
	if (r != 0)
		return r;
	siphon_loop_init(&loop, ctx, &siphon_chan_libssh2, siphon_ssh_session(ssh),
	                 siphon_ssh_socket(ssh), o->stall_timeout, o->host);
	siphon_eng_init(&eng, &loop, o);
	/* Before any other remote command: each of them registers with it. */
	if ((r = siphon_heartbeat_start(&hb, &eng, o->heartbeat_timeout > 0 ? o->heartbeat_timeout : 60)) == 0)
		r = run_engine(&eng, stats);
	siphon_heartbeat_stop(&hb, r == 0);
	if (r == 0) {
		siphon_leftout_report(&eng.left_out, ctx);
		if (stats != NULL)
			stats->left_out = eng.left_out.n;
	}
	siphon_eng_clear(&eng);
	siphon_loop_clear(&loop);
	siphon_ssh_free(ssh);
	if (stats != NULL)
		stats->seconds = siphon_mono_s() - t0;
	return r;
}

int
siphon_pull(struct siphon_ctx *ctx, const struct siphon_pull_opts *o,
            struct siphon_pull_stats *stats)
{
	struct siphon_pull_stats mine;
	int r;

	/* The summary event carries the figures even when the caller wants none. */
	if (stats == NULL)
		stats = &mine;
	siphon_event_run_begin(ctx);
	r = pull(ctx, o, stats);
	siphon_event_summary(ctx, r, stats);
	return r;
}
