/* driver.c - the phases of a run, in one order for every engine. */
#include "run/driver.h"

#include "engine/eng.h"
#include "engine/heartbeat.h"
#include "loop/loop.h"
#include "run/hops.h"
#include "snap/snap.h"
#include "source/source.h"
#include "source/ssh_setup.h"
#include "util/clock.h"
#include "util/ctx.h"
#include "util/event.h"
#include "util/strbuf.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENGINES 16

struct drv {
	struct siphon_ctx *ctx;
	const struct siphon_run_request *req;
	const struct siphon_pull_opts *o;
	struct siphon_source *src;  /* the server: transport, session, channels */
	int own_src;                /* made here (else the caller's) */
	int loop_ready;             /* the loop exists (from before the connect) */
	struct siphon_loop loop;
	struct siphon_run run;
	struct siphon_heartbeat hb;
	int connected;             /* loop and run are set up */
	int hb_started;
	const struct siphon_engine_ops *ops;
	void *st;                  /* the engine's state (ops->state_size) */
	int opened;                /* ops->open succeeded: cleanup is due */
	int dead_after_s;          /* ssh_config's ServerAlive*: 0 when unset */
};

static int
source_step(void *arg, struct siphon_pollwant *w)
{
	return siphon_source_step(arg, w);
}

/*
 * The SSH source of the target, as siphon's options and ssh_config say:
 * directly, through jump hosts (-J, ProxyJump) and/or through a
 * ProxyCommand that reaches the first hop; each hop resolved in ssh_config
 * as OpenSSH does (source/ssh_setup.c), chained by run/hops.c.
 */
static int
open_ssh_source(struct drv *d)
{
	struct siphon_ssh_route rt;
	int r;

	if ((r = siphon_ssh_route_resolve(&rt, d->ctx, d->req->opts, d->o->jump,
	                                  d->o->proxy_command)) != 0)
		goto out;
	d->dead_after_s = rt.hops[rt.n - 1].dead_after_s;
	if ((r = siphon_hops_source_new(&d->src, d->ctx, &rt)) != 0)
		goto out;
	d->own_src = 1;
out:
	siphon_ssh_route_clear(&rt);
	return r;
}

/*
 * The heartbeat's timeout: --heartbeat-timeout when given, else ssh_config's
 * ServerAliveInterval x ServerAliveCountMax (within the option's bounds),
 * else the default: one liveness check, not two.
 */
static int
heartbeat_secs(const struct drv *d)
{
	const struct siphon_optdef *def = siphon_opts_find(d->req->opts, "heartbeat-timeout");

	if (d->dead_after_s <= 0 || def == NULL ||
	    siphon_opts_origin(d->req->opts, "heartbeat-timeout", NULL) > SIPHON_ORIGIN_DEFAULT)
		return d->o->heartbeat_timeout;
	if (d->dead_after_s < def->min)
		return def->min;
	return d->dead_after_s > def->max ? def->max : d->dead_after_s;
}

/*
 * The session, stepped by the loop: the source is a state machine the loop
 * steps beside everything else (a later hop's session steps while the
 * first hop's channel is pumped), then the loop takes its channels.
 */
static int
step_connect(struct drv *d)
{
	struct siphon_stepper stepper;
	int r;

	stepper.step = source_step;
	stepper.arg = d->src;
	if ((r = siphon_loop_add_stepper(&d->loop, &stepper)) != 0)
		return r;
	while (r == 0 && !stepper.done)
		r = siphon_loop_step(&d->loop, 1000);
	siphon_loop_remove_stepper(&d->loop, &stepper);
	if (r != 0)
		return r;
	siphon_source_loop_attach(&d->loop, d->src);
	return 0;
}

/* Before any other remote command: each of them registers with it. */
static int
start_heartbeat(struct drv *d)
{
	/* A replay (a saved snapshot) has no server to watch over. */
	if (!d->src->has_shell || d->src->ops->stream_name != NULL)
		return 0;
	d->hb_started = 1;
	return siphon_heartbeat_start(&d->hb, &d->run, heartbeat_secs(d));
}

static int
connect_server(struct drv *d)
{
	const struct siphon_pull_opts *o = d->o;
	int r;

	if (d->req->source != NULL)
		d->src = d->req->source;
	else if ((r = open_ssh_source(d)) != 0)
		return r;
	siphon_loop_init(&d->loop, d->ctx, NULL, NULL, -1, o->stall_timeout, d->src->desc);
	d->loop_ready = 1;
	if ((r = step_connect(d)) != 0)
		return r;
	siphon_eng_init(&d->run, &d->loop, o, d->req->opts);
	d->run.source = d->src;
	d->connected = 1;
	return start_heartbeat(d);
}

/*
 * What the server has, and how fast the link is (the test runs beside the
 * probe); a source without a shell has nothing to probe, and a replay no
 * link to measure.
 */
static int
probe(struct drv *d)
{
	int r;

	if (!d->src->has_shell)
		return 0;
	if (d->src->ops->stream_name == NULL && (r = siphon_eng_link_start(&d->run)) != 0)
		return r;
	if ((r = siphon_eng_probe(&d->run)) != 0)
		return r;
	return siphon_eng_link_finish(&d->run);
}

/* "A, B and C" of the engines' field, into sb. */
static int
join_titles(struct siphon_strbuf *sb, const struct siphon_engine_ops *const *list, int n,
            int tools)
{
	for (int i = 0; i < n; i++) {
		if (i > 0 && siphon_strbuf_puts(sb, i == n - 1 ? " and " : ", ") != 0)
			return -1;
		if (siphon_strbuf_puts(sb, tools ? list[i]->tools : list[i]->title) != 0)
			return -1;
	}
	return 0;
}

/*
 * Several engines' tools are on the server: the engine whose server has
 * the database wins; when more than one has it, the user chooses; when
 * none does, that is the error.
 */
static int
choose_between(struct drv *d, const struct siphon_engine_ops *const *cand, int n)
{
	struct siphon_ctx *ctx = d->ctx;
	struct siphon_strbuf msg = {0}, titles = {0};
	const struct siphon_engine_ops *found[MAX_ENGINES];
	const char *names[MAX_ENGINES];
	char why[MAX_ENGINES][256];
	int r = 0, nfound = 0, pick;

	for (int i = 0; i < n; i++) {
		int in = 0;

		why[i][0] = '\0';
		if (cand[i]->has_db == NULL)
			continue;
		if ((r = cand[i]->has_db(&d->run, &in, why[i], sizeof(why[i]))) != 0)
			return r;
		if (in)
			found[nfound++] = cand[i];
	}
	if (nfound == 1) {
		d->ops = found[0];
		siphon_log(ctx, SIPHON_LOG_INFO, "%s: the database is in %s (--engine to choose)",
		           d->o->host, found[0]->title);
		return 0;
	}
	if (nfound == 0) {
		if (siphon_strbuf_printf(&msg, "no database named \"%s\" on %s (looked in ",
		                         d->o->dbname, d->o->host) != 0)
			goto oom;
		for (int i = 0; i < n; i++) {
			if (siphon_strbuf_printf(&msg, "%s%s%s%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ",
			                         cand[i]->title, why[i][0] ? ", which said \"" : "", why[i],
			                         why[i][0] ? "\"" : "") != 0)
				goto oom;
		}
		if (siphon_strbuf_puts(&msg, "); check the name with: ") != 0)
			goto oom;
		for (int i = 0; i < n; i++)
			if (cand[i]->list_hint != NULL &&
			    siphon_strbuf_printf(&msg, "%sssh %s %s", i == 0 ? "" : ", or: ", d->o->host,
			                         cand[i]->list_hint) != 0)
				goto oom;
		if (siphon_strbuf_puts(&msg, " (or give --engine to see that engine's own error)") != 0)
			goto oom;
		r = siphon_err(ctx, SIPHON_EREMOTE, "%s", siphon_strbuf_str(&msg));
		goto out;
	}
	if (join_titles(&titles, found, nfound, 0) != 0 ||
	    siphon_strbuf_printf(&msg, "%s has a database named \"%s\" in %s; which one?", d->o->host,
	                         d->o->dbname, siphon_strbuf_str(&titles)) != 0)
		goto oom;
	for (int i = 0; i < nfound; i++)
		names[i] = found[i]->name;
	pick = ctx->choose_fn != NULL ? ctx->choose_fn(ctx->choose_arg, siphon_strbuf_str(&msg), names, nfound) : -1;
	if (pick < 0 || pick >= nfound) {
		siphon_strbuf_reset(&msg);
		for (int i = 0; i < nfound; i++)
			if (siphon_strbuf_printf(&msg, "%s--engine %s", i == 0 ? "" : " or ", names[i]) != 0)
				goto oom;
		r = siphon_err(ctx, SIPHON_EUSAGE, "%s has a database named \"%s\" in %s; choose with %s",
		               d->o->host, d->o->dbname, siphon_strbuf_str(&titles), siphon_strbuf_str(&msg));
		goto out;
	}
	d->ops = found[pick];
	goto out;
oom:
	r = siphon_err_oom(ctx);
out:
	siphon_strbuf_free(&msg);
	siphon_strbuf_free(&titles);
	return r;
}

/* No name claims the pull: the engines whose tools the server has. */
static int
choose_by_tools(struct drv *d)
{
	const struct siphon_engine_ops *const *e;
	const struct siphon_engine_ops *tooled[MAX_ENGINES], *lacking[MAX_ENGINES];
	struct siphon_strbuf sb = {0};
	int n = 0, nlack = 0, r;

	for (e = d->req->engines; *e != NULL && n < MAX_ENGINES && nlack < MAX_ENGINES; e++) {
		if ((*e)->bid_probe == NULL)
			continue;
		if ((*e)->bid_probe(&d->run.probe) >= SIPHON_BID_TOOLS)
			tooled[n++] = *e;
		else
			lacking[nlack++] = *e;
	}
	if (n > 1)
		return choose_between(d, tooled, n);
	if (n == 1) {
		d->ops = tooled[0];
		d->run.other_missing = nlack > 0 ? lacking[0]->tools : "";
		return 0;
	}
	if (join_titles(&sb, lacking, nlack, 1) != 0)
		return siphon_err_oom(d->ctx);
	r = siphon_err(d->ctx, SIPHON_EREMOTE,
	               "found no database client tools on %s (looked for %s); install the database's client tools there, or name the engine with --engine",
	               d->o->host, siphon_strbuf_str(&sb));
	siphon_strbuf_free(&sb);
	return r;
}

/*
 * The engine: named by --engine, else claimed by the name (a file path),
 * else the one whose tools and database the server has.
 */
static int
choose(struct drv *d)
{
	const struct siphon_engine_ops *const *e, *by_name = NULL;
	enum siphon_bid best = SIPHON_BID_NONE;
	int r;

	if (d->req->engine != NULL) {
		for (e = d->req->engines; *e != NULL && d->ops == NULL; e++)
			if (strcmp((*e)->name, d->req->engine) == 0)
				d->ops = *e;
		if (d->ops == NULL)
			return siphon_err(d->ctx, SIPHON_EUSAGE, "unknown engine \"%s\"", d->req->engine);
		return 0;
	}
	for (e = d->req->engines; *e != NULL; e++) {
		enum siphon_bid b = (*e)->bid_name != NULL ? (*e)->bid_name(d->o->dbname) : SIPHON_BID_NONE;

		if (b > best) {
			best = b;
			by_name = *e;
		}
	}
	if (best == SIPHON_BID_SURE) {
		d->ops = by_name;
		return 0;
	}
	if (best == SIPHON_BID_MAYBE) {
		/* "data/app": a database of that name on a server wins over the path. */
		for (e = d->req->engines; *e != NULL && d->ops == NULL; e++) {
			int found = 0;

			if (*e == by_name || (*e)->has_db == NULL || (*e)->bid_probe == NULL ||
			    (*e)->bid_probe(&d->run.probe) < SIPHON_BID_TOOLS)
				continue;
			if ((r = (*e)->has_db(&d->run, &found, NULL, 0)) != 0)
				return r;
			if (found)
				d->ops = *e;
		}
		if (d->ops == NULL)
			d->ops = by_name;
		return 0;
	}
	return choose_by_tools(d);
}

/* The engine's state, and its explanations on every stream it creates. */
static int
open_engine(struct drv *d)
{
	d->run.engine = d->ops;
	d->run.target.busy_is_finding = d->req->doctor;
	if ((d->st = calloc(1, d->ops->state_size > 0 ? d->ops->state_size : 1)) == NULL)
		return siphon_err_oom(d->ctx);
	d->run.explain = d->ops->explain;
	d->run.explain_arg = d->st;
	d->opened = 1;
	d->run.engine_state = d->st;
	return d->ops->open != NULL ? d->ops->open(&d->run, d->st) : 0;
}

typedef int (*phase_fn)(struct siphon_run *run, void *st);

/* The caller's phase hook (doctor), up to the plan. */
static void
phase_done(struct drv *d, enum siphon_phase ph, int rc)
{
	if (d->req->phase_done != NULL && ph <= SIPHON_PHASE_PLAN)
		d->req->phase_done(d->req->phase_arg, d->connected ? &d->run : NULL, ph, rc);
}

static int
engine_phase(struct drv *d, enum siphon_phase ph, phase_fn fn)
{
	int r;

	if (fn == NULL)
		return 0;
	siphon_log(d->ctx, SIPHON_LOG_DEBUG, "%s: %s", d->ops->name, siphon_phase_name(ph));
	siphon_event_phase(d->ctx, ph, 1, 0);
	r = fn(&d->run, d->st);
	siphon_event_phase(d->ctx, ph, 0, r);
	phase_done(d, ph, r);
	return r;
}

/* A phase of the driver's own, with its events. */
static int
own_phase(struct drv *d, enum siphon_phase ph, int (*fn)(struct drv *d))
{
	int r;

	siphon_event_phase(d->ctx, ph, 1, 0);
	r = fn(d);
	siphon_event_phase(d->ctx, ph, 0, r);
	phase_done(d, ph, r);
	return r;
}

/* The engine, the channels and the compressor for its streams, then its state. */
static int
choose_all(struct drv *d)
{
	int r;

	if ((r = choose(d)) != 0 || (r = siphon_eng_tune(&d->run, d->ops)) != 0)
		return r;
	return open_engine(d);
}

/* Waits secs seconds unless the user interrupts. */
static int
backoff(struct drv *d, int secs)
{
	double end = siphon_mono_s() + secs;
	struct pollfd pfd = { .fd = d->ctx->cancel_fd, .events = POLLIN };

	for (double left = secs; left > 0; left = end - siphon_mono_s()) {
		if (poll(&pfd, 1, (int)(left * 1000) + 1) > 0)
			return siphon_err(d->ctx, SIPHON_EINTR, "interrupted; the local database was left as it was");
	}
	return 0;
}

/*
 * The old session is gone: the engine keeps what finished and drops its
 * streams, the watchdog and the source go, and after a pause a new
 * session (with its own watchdog) takes their place in the same loop.
 * The watchdog of the old session ended its processes on the server when
 * its channel died (remote/watch.h).
 */
static int
reconnect(struct drv *d, int attempt)
{
	char why[SIPHON_ERRMSG_MAX];
	int secs = 1 << (attempt - 1 < 5 ? attempt - 1 : 5), r;

	snprintf(why, sizeof(why), "%s", d->ctx->errmsg);
	siphon_err_clear(d->ctx);
	if (d->hb_started)
		siphon_heartbeat_stop(&d->hb, 0);
	d->hb_started = 0;
	/* The loop goes on with the local side alone while the engine settles it. */
	siphon_loop_attach(&d->loop, NULL, NULL, -1, d->o->host);
	if ((r = d->ops->lost(&d->run, d->st)) != 0)
		return r;
	siphon_source_free(d->src);
	d->src = NULL;
	d->run.source = NULL;
	/* What failed while the dead session was let go is no news. */
	siphon_err_clear(d->ctx);
	/* A new session: no channel of the old one is open or owed. */
	memset(&d->loop.arb, 0, sizeof(d->loop.arb));
	siphon_log(d->ctx, SIPHON_LOG_WARN, "%s; reconnecting in %d s (attempt %d of %d)", why, secs,
	           attempt, d->o->retries);
	if ((r = backoff(d, secs)) != 0 || (r = open_ssh_source(d)) != 0)
		return r;
	d->run.source = d->src;
	if ((r = step_connect(d)) != 0 || (r = start_heartbeat(d)) != 0)
		return r;
	siphon_log(d->ctx, SIPHON_LOG_INFO, "reconnected to %s; fetching what was not finished", d->o->host);
	return d->ops->resume(&d->run, d->st);
}

/*
 * The transfer; when the connection is lost (not refused: auth and host
 * keys fail before this) and the engine can resume, connect again up to
 * --retries times and fetch the rest.  A failed reconnect counts as an
 * attempt too: the server may be rebooting.
 */
static int
transfer_resuming(struct drv *d, struct siphon_pull_stats *stats)
{
	int r = engine_phase(d, SIPHON_PHASE_TRANSFER, d->ops->transfer);

	/* --snapshot-only: the snapshot is all the run makes, and it cannot span two sessions (below). */
	for (int attempt = 1; r == SIPHON_ECONNECT && d->own_src && d->ops->resume != NULL &&
	                      !d->o->snapshot_only && attempt <= d->o->retries; attempt++) {
		/*
		 * A snapshot being saved (--save) replays as one session: the
		 * streams of a resumed pull (tables kept from the first instant,
		 * the rest and the post-data from a second) would not restore to
		 * what the pull made.  It goes, the pull resumes.
		 */
		if (d->run.snap != NULL) {
			siphon_log(d->ctx, SIPHON_LOG_WARN,
			           "the snapshot being saved (--save) is dropped: a restore replays one session, and this pull resumes over a second; pull --save again for a snapshot");
			siphon_snapw_drop(d->run.snap);
			d->run.snap = NULL;
		}
		siphon_event_phase(d->ctx, SIPHON_PHASE_TRANSFER, 1, 0);
		r = reconnect(d, attempt);
		siphon_event_phase(d->ctx, SIPHON_PHASE_TRANSFER, 0, r);
		if (stats != NULL)
			stats->reconnects = (unsigned)attempt;
	}
	return r;
}

static int
drive(struct drv *d, struct siphon_pull_stats *stats)
{
	const struct siphon_engine_ops *ops;
	int r;

	if ((r = own_phase(d, SIPHON_PHASE_CONNECT, connect_server)) != 0 || d->req->login_only)
		return r;
	/* --save: every stream from the probe on is recorded (not the watchdog's). */
	d->run.snap = d->req->snap;
	if (d->req->snap != NULL)
		d->run.target.snap_dir = siphon_snapw_dir(d->req->snap);
	if ((r = own_phase(d, SIPHON_PHASE_PROBE, probe)) != 0 ||
	    (r = own_phase(d, SIPHON_PHASE_CHOOSE, choose_all)) != 0)
		return r;
	ops = d->ops;
	if ((r = engine_phase(d, SIPHON_PHASE_INSPECT, ops->inspect)) != 0 ||
	    (r = engine_phase(d, SIPHON_PHASE_CHECK, ops->check)) != 0 ||
	    (r = engine_phase(d, SIPHON_PHASE_PLAN, ops->plan)) != 0)
		return r;
	snprintf(d->run.plan.codec, sizeof(d->run.plan.codec), "%s", d->run.codec_name);
	if (d->req->plan_only) {
		/* --snapshot-only creates nothing local: no "create" finding to ask for. */
		if (d->req->doctor && ops->doctor != NULL && d->req->check_fn != NULL && !d->o->snapshot_only)
			ops->doctor(&d->run, d->st, d->req->check_fn, d->req->check_arg);
		if (d->req->report != NULL)
			d->req->report(d->req->report_arg, &d->run);
		return 0;
	}
	if (d->o->resume && ops->resume_none != NULL)
		siphon_log(d->ctx, SIPHON_LOG_WARN, "--resume: starting over because %s", ops->resume_none);
	/* The workstation is changed from here on: old leftovers go first. */
	if (!d->o->snapshot_only)
		siphon_target_sweep(&d->run.target);
	siphon_target_watch(&d->run.target, &d->loop);
	if ((r = transfer_resuming(d, stats)) != 0 ||
	    (r = engine_phase(d, SIPHON_PHASE_FINISH, ops->finish)) != 0)
		return r;
	if (stats != NULL && ops->stats != NULL)
		ops->stats(&d->run, d->st, stats);
	/* Nothing local was made: the summary says where the copy went. */
	if (stats != NULL && d->o->snapshot_only)
		snprintf(stats->into, sizeof(stats->into), "a snapshot only");
	if (d->req->report != NULL)
		d->req->report(d->req->report_arg, &d->run);
	return 0;
}

static void
cleanup(struct drv *d, int r)
{
	if (d->opened) {
		if (d->ops->cleanup != NULL)
			d->ops->cleanup(&d->run, d->st);
		d->run.explain = NULL;
		d->run.explain_arg = NULL;
	}
	if (d->connected)
		siphon_target_unwatch(&d->run.target, &d->loop);
	free(d->st);
	d->st = NULL;
	if (d->hb_started)
		siphon_heartbeat_stop(&d->hb, r == 0);
	if (d->connected)
		siphon_eng_clear(&d->run);
	if (d->loop_ready)
		siphon_loop_clear(&d->loop);
	if (d->own_src)
		siphon_source_free(d->src);
	d->src = NULL;
}

int
siphon_run_drive(struct siphon_ctx *ctx, const struct siphon_run_request *req,
                 struct siphon_pull_stats *stats)
{
	struct drv d;
	double t0 = siphon_mono_s();
	int r;

	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.req = req;
	d.o = req->o;
	if (stats != NULL)
		memset(stats, 0, sizeof(*stats));
	r = drive(&d, stats);
	/* Which engine ran: the run record and the hooks say it, failed or not. */
	if (stats != NULL && d.ops != NULL)
		snprintf(stats->engine, sizeof(stats->engine), "%s", d.ops->name);
	if (r == 0 && d.connected) {
		siphon_leftout_report(&d.run.left_out, ctx);
		if (stats != NULL)
			stats->left_out = d.run.left_out.n;
	}
	siphon_event_phase(ctx, SIPHON_PHASE_CLEANUP, 1, 0);
	cleanup(&d, r);
	siphon_event_phase(ctx, SIPHON_PHASE_CLEANUP, 0, r);
	if (stats != NULL)
		stats->seconds = siphon_mono_s() - t0;
	return r;
}
