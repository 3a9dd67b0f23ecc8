/*
 * driver.h - the run driver: one order of phases for every engine.
 *
 *   connect   the SSH session (transport, handshake, host key, login) and
 *             the one event loop over it; then the remote watchdog
 *   probe     one channel: the server's tools and cores
 *   choose    the engine, by bids (engine/engine.h), and the compressor
 *   inspect   the engine reads both sides' facts and the catalog
 *   check     the engine refuses what cannot work; no side effects
 *   plan      the engine decides which piece goes to which channel
 *   transfer  the engine streams the data into a temporary target
 *   finish    the engine completes the copy and swaps it in
 *   cleanup   the engine undoes what it started; then the watchdog, the
 *             loop and the session go, in that order
 * A plan-only run stops after plan: nothing was created or changed on
 * either machine.
 */
#ifndef SIPHON_RUN_DRIVER_H
#define SIPHON_RUN_DRIVER_H

#include "engine/engine.h"
#include "siphon.h"

struct siphon_run;
struct siphon_snapw;

/* What a run is asked to do. */
struct siphon_run_request {
	const struct siphon_pull_opts *o;    /* the core options, resolved */
	const struct siphon_opts *opts;      /* every option (engines read their own) */
	/* The engines to choose from (siphon_engines; tests pass their own). */
	const struct siphon_engine_ops *const *engines;
	/* The engine named by --engine, or NULL to choose. */
	const char *engine;
	/*
	 * What to copy from: NULL connects to the SSH server the options name;
	 * else a source the caller made (a local directory, later a snapshot),
	 * borrowed.  A source without a shell gets no watchdog and no probe: the
	 * engine is chosen by the name or --engine.
	 */
	struct siphon_source *source;
	/* --save: the snapshot the run's streams are recorded into (snap/snap.h), borrowed. */
	struct siphon_snapw *snap;
	int plan_only;
	/* doctor: a busy local target is a finding (run->target.busy_sessions), not a failure. */
	int doctor;
	/*
	 * Optional: called after plan (plan-only runs) or after finish, with
	 * the run's catalog and plan, before cleanup.
	 */
	void (*report)(void *arg, struct siphon_run *run);
	void *report_arg;
	/*
	 * Optional: after each phase from connect to plan, with its result
	 * (the message on the context when it failed); run is NULL until the
	 * connect succeeded.  For `doctor`.
	 */
	void (*phase_done)(void *arg, const struct siphon_run *run, enum siphon_phase ph, int rc);
	void *phase_arg;
	/* doctor: the engine's own findings (ops->doctor) after plan, before report. */
	siphon_check_fn check_fn;
	void *check_arg;
};

/* Runs the phases; stats (may be NULL) is filled on success. */
int siphon_run_drive(struct siphon_ctx *ctx, const struct siphon_run_request *req,
                     struct siphon_pull_stats *stats);

/*
 * The options resolved and checked (the target is required), then req
 * driven with every registered engine, between the run's first event and
 * its summary.  req's o, opts, engines and engine are filled here; the
 * caller sets the rest (zeroed).  In lib/pull.c.
 */
int siphon_pull_run(struct siphon_ctx *ctx, const struct siphon_opts *opts,
                    struct siphon_run_request *req, struct siphon_pull_stats *stats);

#endif
