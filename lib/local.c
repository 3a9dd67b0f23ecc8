/*
 * local.c - siphon_local_op(): `rollback` and `reset`, on the local copy
 * alone.  No source, no loop: the engine is opened over a bare run and
 * asked for its local_op, then cleaned up as after any pull.
 */
#include "siphon.h"

#include "engine/eng.h"
#include "engine/registry.h"
#include "opt/opt.h"
#include "util/ctx.h"

#include <stdlib.h>
#include <string.h>

static const char *const action_name[] = {"roll back", "reset"};
static const char *const action_kept[] = {"previous copy (keep_previous)",
                                          "pristine copy (keep_pristine)"};

/* The engine's state over a run with no server; 0 or a negative code. */
static int
open_engine(struct siphon_run *run, const struct siphon_engine_ops *e, void **st)
{
	*st = calloc(1, e->state_size > 0 ? e->state_size : 1);
	if (*st == NULL)
		return siphon_err_oom(run->ctx);
	run->engine = e;
	run->engine_state = *st;
	return e->open != NULL ? e->open(run, *st) : 0;
}

static void
close_engine(struct siphon_run *run, const struct siphon_engine_ops *e, void *st)
{
	if (st != NULL && e->cleanup != NULL)
		e->cleanup(run, st);
	free(st);
	siphon_eng_clear(run);
	siphon_target_init(&run->target, run->ctx, NULL, NULL);
}

/*
 * No engine named and the name is no file path: the first engine whose
 * local server keeps the copy the action needs.  A local server that is
 * not there is no error here (it keeps nothing).
 */
static int
find_engine(struct siphon_run *run, enum siphon_local_action act,
            const struct siphon_engine_ops **out)
{
	const struct siphon_engine_ops *const *e;
	void *st = NULL;
	int r;

	*out = NULL;
	for (e = siphon_engines; *e != NULL && *out == NULL; e++) {
		if ((*e)->local_op == NULL)
			continue;
		r = open_engine(run, *e, &st);
		if (r == 0)
			r = (*e)->local_op(run, st, act, 1);
		close_engine(run, *e, st);
		st = NULL;
		if (r == 1)
			*out = *e;
		siphon_err_clear(run->ctx);
	}
	if (*out == NULL)
		return siphon_err(run->ctx, SIPHON_ELOCAL,
		                  "cannot %s \"%s\": no local server keeps a %s of it (a pull keeps one "
		                  "when that is on; name the engine with --engine to see why)",
		                  action_name[act],
		                  run->o->into != NULL ? run->o->into : run->o->dbname, action_kept[act]);
	return 0;
}

/* The engine: named, by the name (a file path), else by what is kept. */
static int
choose(struct siphon_run *run, enum siphon_local_action act, const struct siphon_engine_ops **out)
{
	const struct siphon_engine_ops *const *e;

	*out = NULL;
	if (run->o->engine != NULL &&
	    (*out = siphon_engine_find(siphon_engines, run->o->engine)) == NULL)
		return siphon_err(run->ctx, SIPHON_EUSAGE, "unknown engine");
	for (e = siphon_engines; *out == NULL && *e != NULL; e++)
		if ((*e)->bid_name != NULL && (*e)->bid_name(run->o->dbname) == SIPHON_BID_SURE)
			*out = *e;
	if (*out == NULL)
		return find_engine(run, act, out);
	if ((*out)->local_op == NULL)
		return siphon_err(run->ctx, SIPHON_EUSAGE, "%s keeps no copies to %s yet",
		                  (*out)->title, action_name[act]);
	return 0;
}

int
siphon_local_op(struct siphon_ctx *ctx, const struct siphon_opts *opts,
                enum siphon_local_action act)
{
	const struct siphon_engine_ops *e = NULL;
	struct siphon_pull_opts o;
	struct siphon_run run;
	char err[SIPHON_OPT_ERR_MAX];
	void *st = NULL;
	int r;

	if (act != SIPHON_LOCAL_ROLLBACK && act != SIPHON_LOCAL_RESET)
		return siphon_err(ctx, SIPHON_EUSAGE, "unknown local action %d", (int)act);
	if (siphon_opts_resolve(opts, &o, err, sizeof(err)) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "%s", err);
	if (o.dbname == NULL || o.dbname[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "no database name given");
	/* A bare run: the options and the target service, no loop, no server. */
	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.o = &o;
	run.opts = opts;
	run.jobs = o.jobs;
	run.other_missing = "";
	siphon_target_init(&run.target, ctx, NULL, NULL);
	if ((r = choose(&run, act, &e)) != 0)
		goto out;
	if ((r = open_engine(&run, e, &st)) == 0)
		r = e->local_op(&run, st, act, 0);
	close_engine(&run, e, st);
	return r;
out:
	siphon_eng_clear(&run);
	return r;
}
