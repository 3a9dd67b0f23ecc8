/* pull.c - siphon_pull(): the options checked, then the run driver. */
#include "siphon.h"

#include "engine/registry.h"
#include "engine/eng.h"
#include "run/driver.h"
#include "util/ctx.h"
#include "util/event.h"

#include <stdlib.h>
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

/* The options checked, then the driver with every engine; plan_only: up to the plan. */
static int
run(struct siphon_ctx *ctx, const struct siphon_pull_opts *o, int plan_only,
    void (*report)(void *, const struct siphon_run *), void *report_arg,
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
		req.plan_only = plan_only;
		req.report = report;
		req.report_arg = report_arg;
		r = siphon_run_drive(ctx, &req, stats);
	}
	siphon_event_summary(ctx, r, stats);
	return r;
}

int
siphon_pull(struct siphon_ctx *ctx, const struct siphon_pull_opts *o,
            struct siphon_pull_stats *stats)
{
	return run(ctx, o, 0, NULL, NULL, stats);
}

struct plan_view {
	siphon_plan_fn fn;
	void *arg;
	int rc;
};

/* The run's engine-neutral catalog and plan, as the public view. */
static void
report_plan(void *arg, const struct siphon_run *run)
{
	struct plan_view *v = arg;
	struct siphon_plan_info info;
	struct siphon_plan_table *tables;
	uint64_t *per_channel = NULL;
	int i;

	memset(&info, 0, sizeof(info));
	tables = calloc((size_t)run->cat.ntables + 1, sizeof(*tables));
	per_channel = calloc((size_t)run->plan.channels + 1, sizeof(*per_channel));
	if (tables == NULL || per_channel == NULL) {
		v->rc = siphon_err_oom(run->ctx);
		goto out;
	}
	for (i = 0; i < run->cat.ntables; i++) {
		const struct siphon_cat_table *t = &run->cat.tables[i];

		tables[i] = (struct siphon_plan_table){
			.schema = t->schema, .name = t->name, .bytes = t->bytes, .rows = t->rows,
			.ncols = t->ncols, .channel = -1,
		};
	}
	for (i = 0; i < run->plan.npieces; i++) {
		const struct siphon_plan_piece *p = &run->plan.pieces[i];

		if (p->table >= 0 && p->table < run->cat.ntables) {
			if (tables[p->table].channel < 0)
				tables[p->table].channel = p->channel;
			tables[p->table].parts = p->parts;
		}
		if (p->channel >= 0 && p->channel < run->plan.channels)
			per_channel[p->channel] += p->bytes;
	}
	for (i = 0; i < run->plan.channels; i++)
		if (per_channel[i] > info.channel_bytes_max)
			info.channel_bytes_max = per_channel[i];
	info.engine = run->engine->name;
	info.server = run->cat.server;
	info.codec = run->plan.codec;
	info.channels = run->plan.channels;
	info.total_bytes = run->cat.total_bytes;
	info.ntables = run->cat.ntables;
	info.tables = tables;
	info.nobjects = run->cat.nobjects;
	info.npieces = run->plan.npieces;
	v->fn(v->arg, &info);
out:
	free(tables);
	free(per_channel);
}

int
siphon_plan(struct siphon_ctx *ctx, const struct siphon_pull_opts *o, siphon_plan_fn fn, void *arg)
{
	struct plan_view view = {.fn = fn, .arg = arg};
	int r = run(ctx, o, 1, report_plan, &view, NULL);

	return r != 0 ? r : view.rc;
}
