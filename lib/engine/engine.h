/*
 * engine.h - the interface every engine fills: one const ops table per
 * engine, in lib/engine/<name>/, listed once in engine/registry.c.
 *
 * The run driver (run/driver.c) owns the order of the phases and calls the
 * engine's ops in it:
 *
 *   connect -> probe -> choose -> inspect -> check -> plan -> transfer
 *           -> finish -> cleanup
 *
 * Choosing is by bids, as libarchive picks a format: every engine says how
 * strongly a pull is its own, from the database name alone (before
 * connecting) and from what the probe found on the server; the highest bid
 * wins, and a tie between engines that each have the database is the
 * user's choice.
 *
 * Contracts for the phases (st is the engine's own state, state_size bytes,
 * zeroed and owned by the driver; run is the shared context):
 *   open      sets st up from the options; no I/O
 *   inspect   reads the server's catalog (and the local side's facts) and
 *             fills run->cat, the engine-neutral view; no side effect on
 *             either machine beyond read-only sessions
 *   check     refuses what cannot work (versions, disk, busy target,
 *             permissions): local and remote, no side effects
 *   plan      decides which piece goes to which channel and fills run->plan
 *   transfer  creates the temporary target and streams the data into it
 *   finish    completes the copy (indexes, objects, verification) and swaps
 *             it in place of the old target
 *   cleanup   undoes what the engine started and frees st; runs always,
 *             after failure too, and must be safe after any earlier phase
 * Every phase but cleanup returns 0 or a negative SIPHON_E* code with the
 * message on the context.  A NULL phase is skipped.
 */
#ifndef SIPHON_ENGINE_ENGINE_H
#define SIPHON_ENGINE_ENGINE_H

#include "siphon.h"

#include <stddef.h>

struct siphon_run;
struct siphon_probe;
struct siphon_rstream;
struct siphon_pull_stats;
struct siphon_optdef;

/* Bids, weakest first. */
enum siphon_bid {
	SIPHON_BID_NONE = 0,     /* not this engine's */
	SIPHON_BID_TOOLS = 1,    /* the server has this engine's tools */
	SIPHON_BID_MAYBE = 2,    /* the name may be this engine's (a '/' inside) */
	SIPHON_BID_SURE = 3,     /* the name is this engine's (a file path) */
};

struct siphon_engine_ops {
	const char *name;              /* the --engine value: "postgres" */
	const char *const *aliases;    /* other --engine values; NULL-ended, may be NULL */
	const char *title;             /* for messages: "PostgreSQL" */
	const char *tools;             /* what its server needs, for messages:
	                                  "PostgreSQL client (pg_dump, psql)" */
	const char *list_hint;         /* the server command that lists its
	                                  databases: "psql -l" */
	const struct siphon_optdef *options; /* its own options, ending with name NULL
	                                        (opt/: the full list is core + ssh +
	                                        every engine's), or NULL */

	/* From the name alone, before connecting. */
	enum siphon_bid (*bid_name)(const char *dbname);
	/* From the probe: SIPHON_BID_TOOLS when the server has its tools. */
	enum siphon_bid (*bid_probe)(const struct siphon_probe *p);
	/*
	 * Optional: whether the server holds the database (*found); when the
	 * tool failed for another reason, its telling line goes to why.
	 */
	int (*has_db)(struct siphon_run *run, int *found, char *why, size_t cap);

	size_t state_size;
	int (*open)(struct siphon_run *run, void *st);
	int (*inspect)(struct siphon_run *run, void *st);
	int (*check)(struct siphon_run *run, void *st);
	int (*plan)(struct siphon_run *run, void *st);
	int (*transfer)(struct siphon_run *run, void *st);
	int (*finish)(struct siphon_run *run, void *st);
	/* Fills the figures of a successful pull. */
	void (*stats)(struct siphon_run *run, void *st, struct siphon_pull_stats *stats);
	void (*cleanup)(struct siphon_run *run, void *st);
	/*
	 * Optional, both or neither: resuming a transfer whose connection was
	 * lost (SIPHON_ECONNECT).  lost drops every remote stream of the old
	 * session and settles the local side, keeping what finished; after
	 * the driver has connected again, resume fetches the rest on the new
	 * session and returns when the transfer is complete (as transfer
	 * does).  An engine without them fails on a lost connection.
	 */
	int (*lost)(struct siphon_run *run, void *st);
	int (*resume)(struct siphon_run *run, void *st);
	/*
	 * Why `pull --resume` starts over with this engine, for its one line
	 * ("a SQLite pull is one stream"); NULL when the engine itself looks
	 * for an interrupted pull's partial copy.
	 */
	const char *resume_none;
	/*
	 * Turns a remote stream's failure into one line (its own rules; the
	 * shared ones come first): set on every stream the engine creates.
	 */
	int (*explain)(void *st, struct siphon_rstream *rs);
	/*
	 * Optional, for `doctor`, after plan: the engine's local checks that a
	 * pull makes only when it gets there (may the local role create the
	 * copy: the finding named "create"), each handed to fn.  No side
	 * effects.
	 */
	void (*doctor)(struct siphon_run *run, void *st, siphon_check_fn fn, void *arg);
	/*
	 * Optional, for `plan`, after plan: what the pull would do, as text
	 * handed to fn: ("target", the local target and what becomes of it),
	 * then ("command", "what: the command line") for each remote command
	 * the transfer would start (before siphon's wrapper, with the
	 * compressor).  No side effects.  0, or a negative code.
	 */
	int (*describe)(struct siphon_run *run, void *st,
	                void (*fn)(void *arg, const char *key, const char *text), void *arg);

	/*
	 * Optional, for `rollback` and `reset` (siphon_local_op): on the local
	 * copy alone, after open and nothing else (run->loop is NULL: no
	 * server).  check_only: 1 when what the action needs is kept, 0 when
	 * not, changing nothing (to choose the engine); else does it: 0, or a
	 * negative code.
	 */
	int (*local_op)(struct siphon_run *run, void *st, enum siphon_local_action action,
	                int check_only);

	/*
	 * What the probe looks for on the server for this engine (remote/probe.h):
	 * programs to find in PATH (space-separated names; their "tool" lines),
	 * and a plain sh fragment whose "fact KEY VALUE" lines the engine reads
	 * itself (bid_probe and its phases).  Either may be NULL.
	 */
	const char *probe_tools;
	const char *probe_script;

	/*
	 * The starting policy's view of this engine (engine/tune.h), 0 for
	 * the defaults: the CPU nanoseconds a raw byte costs the local client
	 * and database (PostgreSQL's COPY: 26), and channels per local core
	 * when its local load waits on storage more than on the CPU (then
	 * 2 to 6 of them whatever the machines share).
	 */
	double tune_load_ns;
	double tune_lanes_per_core;
};

#endif
