/* pull.c - siphon_pull(): connect, pick the engine, run it. */
#include "siphon.h"

#include "engine/postgres/pg_pull.h"
#include "loop/loop.h"
#include "ssh/chan_libssh2.h"
#include "ssh/session.h"
#include "util/clock.h"
#include "util/ctx.h"

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
	if (o->engine != SIPHON_ENGINE_AUTO && o->engine != SIPHON_ENGINE_POSTGRES)
		return siphon_err(ctx, SIPHON_EUSAGE, "unknown engine");
	return 0;
}

int
siphon_pull(struct siphon_ctx *ctx, const struct siphon_pull_opts *o,
            struct siphon_pull_stats *stats)
{
	struct siphon_ssh_opts so;
	struct siphon_ssh *ssh = NULL;
	struct siphon_loop loop;
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
	if ((r = siphon_ssh_connect(&ssh, ctx, &so)) != 0)
		return r;
	siphon_loop_init(&loop, ctx, &siphon_chan_libssh2, siphon_ssh_session(ssh),
	                 siphon_ssh_socket(ssh), o->stall_timeout, o->host);
	r = siphon_pg_pull(&loop, o, stats);
	siphon_loop_clear(&loop);
	siphon_ssh_free(ssh);
	if (stats != NULL)
		stats->seconds = siphon_mono_s() - t0;
	return r;
}
