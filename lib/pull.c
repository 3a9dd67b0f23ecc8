/* pull.c - siphon_pull(): the options resolved and checked, then the run driver. */
#include "siphon.h"

#include "engine/registry.h"
#include "engine/eng.h"
#include "opt/opt.h"
#include "run/driver.h"
#include "util/ctx.h"
#include "util/event.h"

#include <stdlib.h>
#include <string.h>

/*
 * Resolves the options once for the whole run.  Types and bounds were
 * checked as each value was set (opt/); what is left is what a pull cannot
 * do without, and options that contradict each other.
 */
static int
check_opts(struct siphon_ctx *ctx, const struct siphon_opts *opts, struct siphon_pull_opts *o)
{
	char err[SIPHON_OPT_ERR_MAX];

	if (siphon_opts_resolve(opts, o, err, sizeof(err)) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "%s", err);
	if (o->host == NULL || o->host[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "no host given");
	if (o->dbname == NULL || o->dbname[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "no database name given");
	if (o->engine != NULL) {
		const struct siphon_engine_ops *e = siphon_engine_find(siphon_engines, o->engine);

		if (e == NULL)
			return siphon_err(ctx, SIPHON_EUSAGE, "unknown engine");
		/* An alias ("mariadb") names its engine: the driver gets the name. */
		o->engine = e->name;
	}
	return 0;
}

int
siphon_pull_run(struct siphon_ctx *ctx, const struct siphon_opts *opts,
                struct siphon_run_request *req, struct siphon_pull_stats *stats)
{
	struct siphon_pull_stats mine;
	struct siphon_pull_opts po;
	int r;

	/* The summary event carries the figures even when the caller wants none. */
	if (stats == NULL)
		stats = &mine;
	memset(stats, 0, sizeof(*stats));
	siphon_event_run_begin(ctx);
	if ((r = check_opts(ctx, opts, &po)) == 0 && po.snapshot_only && req->snap == NULL &&
	    !req->plan_only)
		r = siphon_err(ctx, SIPHON_EUSAGE, "--snapshot-only keeps nothing but a snapshot, and this run saves none");
	if (r == 0) {
		req->o = &po;
		req->opts = opts;
		req->engines = siphon_engines;
		req->engine = po.engine;
		r = siphon_run_drive(ctx, req, stats);
		req->o = NULL;
	}
	siphon_event_summary(ctx, r, stats);
	return r;
}

int
siphon_pull(struct siphon_ctx *ctx, const struct siphon_opts *opts,
            struct siphon_pull_stats *stats)
{
	struct siphon_run_request req;

	memset(&req, 0, sizeof(req));
	return siphon_pull_run(ctx, opts, &req, stats);
}

struct plan_view {
	siphon_plan_fn fn;
	void *arg;
	int rc;
	char *target;
	char **commands;
	int ncommands;
	int oom;
};

/* The engine's account of itself (ops->describe), copied. */
static void
collect(void *arg, const char *key, const char *text)
{
	struct plan_view *v = arg;
	char *t = strdup(text), **c;

	if (t == NULL) {
		v->oom = 1;
		return;
	}
	if (strcmp(key, "target") == 0) {
		free(v->target);
		v->target = t;
		return;
	}
	if ((c = realloc(v->commands, (size_t)(v->ncommands + 1) * sizeof(*c))) == NULL) {
		free(t);
		v->oom = 1;
		return;
	}
	v->commands = c;
	v->commands[v->ncommands++] = t;
}

static void
plan_view_clear(struct plan_view *v)
{
	for (int i = 0; i < v->ncommands; i++)
		free(v->commands[i]);
	free(v->commands);
	free(v->target);
}

/* The run's engine-neutral catalog and plan, as the public view. */
static void
report_plan(void *arg, struct siphon_run *run)
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
	info.tune = run->tune_text;
	if (run->engine->describe != NULL &&
	    (v->rc = run->engine->describe(run, run->engine_state, collect, v)) != 0)
		goto out;
	if (v->oom) {
		v->rc = siphon_err_oom(run->ctx);
		goto out;
	}
	info.target = v->target != NULL ? v->target : "";
	info.ncommands = v->ncommands;
	info.commands = (const char *const *)v->commands;
	v->fn(v->arg, &info);
out:
	free(tables);
	free(per_channel);
}

int
siphon_plan(struct siphon_ctx *ctx, const struct siphon_opts *opts, siphon_plan_fn fn, void *arg)
{
	struct plan_view view = {.fn = fn, .arg = arg};
	struct siphon_run_request req;
	int r;

	memset(&req, 0, sizeof(req));
	req.plan_only = 1;
	req.report = report_plan;
	req.report_arg = &view;
	r = siphon_pull_run(ctx, opts, &req, NULL);
	plan_view_clear(&view);

	return r != 0 ? r : view.rc;
}
