/* pull.c - siphon_pull(): the options checked, then the run driver. */
#include "siphon.h"

#include "engine/registry.h"
#include "run/driver.h"
#include "util/ctx.h"
#include "util/event.h"

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

/* Until the option registry carries the engine's name. */
static const char *
engine_name(enum siphon_engine_kind k)
{
	static const char *const names[] = {NULL, "postgres", "mysql", "sqlite"};

	return names[k];
}

int
siphon_pull(struct siphon_ctx *ctx, const struct siphon_pull_opts *o,
            struct siphon_pull_stats *stats)
{
	struct siphon_run_request req;
	struct siphon_pull_stats mine;
	int r;

	/* The summary event carries the figures even when the caller wants none. */
	if (stats == NULL)
		stats = &mine;
	memset(stats, 0, sizeof(*stats));
	siphon_event_run_begin(ctx);
	if ((r = check_opts(ctx, o)) == 0) {
		memset(&req, 0, sizeof(req));
		req.o = o;
		req.engines = siphon_engines;
		req.engine = engine_name(o->engine);
		r = siphon_run_drive(ctx, &req, stats);
	}
	siphon_event_summary(ctx, r, stats);
	return r;
}
