/*
 * pg_pull_int.h - what the files of the PostgreSQL engine share: the state
 * of one pull (struct pg, owned by the run driver) and the steps.
 *   pg_remote.c   remote commands, probe, compressor choice
 *   pg_explain.c  what the tools' failures mean (rules for loop/explain.h)
 *   pg_control.c  the snapshot holder and the version checks
 *   pg_lanes.c    the data channels
 *   pg_target.c   the local database: disk, temporary copy, swap
 *   pg_finish.c   the steps after the rows, and what was not copied exactly
 *   pg_resume.c   after a lost connection: what finished, and the rest
 *   pg_pull.c     the order of the steps, and cleanup
 */
#ifndef SIPHON_PG_PULL_INT_H
#define SIPHON_PG_PULL_INT_H

#include "engine/dispatch.h"
#include "engine/eng.h"
#include "engine/plan.h"
#include "engine/postgres/pg_catalog.h"
#include "engine/postgres/pg_lane.h"
#include "engine/postgres/pg_owner.h"
#include "engine/postgres/pg_post.h"
#include "engine/postgres/pg_script.h"
#include "engine/postgres/pg_pull.h"
#include "engine/postgres/pg_tools.h"
#include "engine/resume_state.h"
#include "loop/loop.h"
#include "remote/probe.h"
#include "util/strbuf.h"

#define CTL_SYNC1 "siphon-sync-1\n"
#define CTL_SYNC2 "siphon-sync-2\n"

/* A piece of work for a lane: a table, a ctid range of one, or the large objects. */
struct pg_work {
	const struct siphon_pg_table *t;   /* NULL: large objects */
	int pieces;                         /* how many pieces its table is cut in */
	int part;                           /* which one, from 1 */
	uint64_t first, last;              /* block range [first, last); last 0: open */
	uint64_t cost;                      /* its expected bytes: the plan's, the dispatch's, the events' */
};

struct pg {
	struct siphon_ctx *ctx;
	struct siphon_loop *loop;
	const struct siphon_pull_opts *o;
	const char *into;
	int jobs;
	struct siphon_run *eng;      /* probe, compressor, streams: borrowed */
	struct siphon_pg_toolset tools; /* the server's client tools (pg_probe) */
	int pgi;                     /* the ones that dump, in tools */
	struct siphon_pg_catalog cat;
	int local_num;
	int lenient;           /* --allow-older-local with an older local server */
	int local_super;       /* the local role is a superuser */
	int target_exists;     /* the local database to replace exists */
	int target_sessions;   /* sessions connected to it */
	char tmpdb[64];
	int tmp_created;
	char pristine_tmp[80];  /* the untouched copy, until it gets its name */
	int pristine_made;
	int no_pristine;        /* keep-pristine, but no room for it */

	struct siphon_rstream *ctl;
	struct siphon_strbuf ctl_out;
	struct siphon_rstream *pre;
	struct siphon_proc *pre_proc;
	struct siphon_rstream *post;
	struct siphon_strbuf post_out;
	struct siphon_rstream *acl;           /* the schema again, for its GRANTs */
	struct siphon_strbuf acl_out;
	struct pg_work *work;      /* the plan: pieces, and which lane copies each */
	struct siphon_plan_item *wplan;
	struct siphon_dispatch *disp;   /* pieces handed out as lanes come free; NULL: wplan's order */
	int adaptive;                   /* the lanes start their compressor per level (psql's \o) */
	double wire_t0, wire_rate;      /* the lanes' wire bytes a second, over windows of 0.5 s */
	uint64_t wire0;
	int nwork;
	int nlanes;
	struct siphon_rstream **lane_rs;
	struct siphon_pg_lane *lanes;
	struct siphon_pg_roles roles;         /* local roles objects may go to */
	struct siphon_pg_roles all_roles;     /* every local role (grantees) */
	struct siphon_pg_owner_sink owner;    /* the schema's filter */
	unsigned ntables_copied;

	/* Resuming after a lost connection (pg_resume.c). */
	int schema_done;           /* the schema is restored in tmpdb */
	struct siphon_strbuf fp;   /* the catalog fingerprint tmpdb was made from */
	char **done;               /* qnames of the tables fully loaded */
	int ndone;
	int lobs_done;             /* the large objects are loaded */
	int snapshots;             /* server snapshots the copy's rows come from */
	int tables_first;          /* tables from the first of them; -1: all */
	uint64_t wire_lost, raw_lost; /* bytes of the streams of lost sessions */

	/* Across runs, for pull --resume (pg_resume_runs.c). */
	struct siphon_resume_state runs; /* what the state file says */
	int runs_on;               /* the state file is this pull's, kept up to date */
	int runs_begun;            /* a kept copy was looked for */
	int runs_passed;           /* lane items passed when it was last written */
	double runs_next;          /* not written again before (monotonic s) */
	int resumed_run;           /* went on with an interrupted pull's copy */
	int runs_closed;           /* the final phase began: nothing to go on with */

	/* Indexes and constraints while the rows stream (pg_early.c). */
	struct siphon_pg_script post_script; /* the post-data entries, once split (pg_post_prepare) */
	struct siphon_pg_dropped post_dropped; /* what their filter left out, merged at the end */
	struct siphon_leftout post_lo;
	int post_ready;            /* post_script is this snapshot's */
	struct siphon_pg_post *post_sched;
	int *left;                 /* per table: pieces not yet committed locally */
	unsigned char *tloaded;    /* per table: every row committed locally */
	int post_built;            /* the temporary may hold entries built before a resume */
};

/* pg_pull.c: the phases (engine/engine.h), for the ops table in pg_engine.c */
int pg_open(struct siphon_run *eng, void *st);
int pg_inspect(struct siphon_run *eng, void *st);
int pg_check(struct siphon_run *eng, void *st);
int pg_plan(struct siphon_run *eng, void *st);
int pg_transfer(struct siphon_run *eng, void *st);
/* The rows and the post-data dump streamed until all are in (after the dumps started). */
int pg_transfer_loop(struct pg *pg);
/* The engine-neutral view of the catalog (run->cat). */
int pg_publish_catalog(struct pg *pg);
int pg_finish(struct siphon_run *eng, void *st);
void pg_stats(struct siphon_run *eng, void *st, struct siphon_pull_stats *stats);
void pg_cleanup(struct siphon_run *eng, void *st);

/* pg_remote.c */
/* The most telling line (FATAL/ERROR) of a tool's message, into buf. */
const char *pg_key_line(const char *err, char *buf, size_t cap);
/* Appends "$NICE sudo -n -u USER -- 'BINDIR/TOOL'" as the options ask. */
int pg_tool_prefix(struct pg *pg, struct siphon_strbuf *sb, const char *bindir,
                   const char *tool, int nice);
/* Appends the --remote-pg-opts words and -d 'dbname=...'. */
int pg_conn_args(struct pg *pg, struct siphon_strbuf *sb);
/* Reads the client tools the probe found into pg->tools; fails when there are none. */
int pg_probe(struct pg *pg);
int pg_psql_stage(struct pg *pg, struct siphon_strbuf *st, const char *bindir,
                  int nice);
/* Starts the three dumps: post-data and privileges into memory; the pre-data waits for pg_restore_schema. */
int pg_start_dumps(struct pg *pg, int with_schema);
/* The schema dump's reader: a local psql into the temporary database (made before). */
int pg_restore_schema(struct pg *pg);
/* The three schema dumps (pg_remote.c): the command of one, and what it is for. */
#define PG_NDUMPS 3
int pg_dump_stage(struct pg *pg, int which, struct siphon_strbuf *st);
const char *pg_dump_what(int which);

/* pg_explain.c */
/* The rstream explain hook: remote failures as what/where/how-to-fix (siphon_pg_explain). */
int pg_explain(void *arg, struct siphon_rstream *rs);

/* pg_control.c */
int pg_start_control(struct pg *pg);
int pg_lock_tables(struct pg *pg);
int pg_check_versions(struct pg *pg);
int pg_release_snapshot(struct pg *pg);

/* pg_lanes.c */
/* The pieces of work and the lane of each (pg->work, pg->wplan, pg->nlanes). */
int pg_plan_lanes(struct pg *pg);
int pg_start_lanes(struct pg *pg);
/* Hands each lane that has ended a piece its next one (or ends its session). */
int pg_lanes_dispatch(struct pg *pg);
int pg_open_local_lanes(struct pg *pg);
/* Ends the lanes' streams and local sessions and frees them. */
void pg_free_lanes(struct pg *pg);

/* pg_pull.c: the bytes of every stream of the pull so far, into *wire and *raw. */
void pg_count_bytes(const struct pg *pg, uint64_t *wire, uint64_t *raw);

/* pg_resume.c */
/* Whether the table was fully loaded before a lost connection. */
int pg_table_done(const struct pg *pg, const struct siphon_pg_table *t);
/* The text that changes when what the copy is made of changes (into sb). */
int pg_catalog_fingerprint(const struct pg *pg, struct siphon_strbuf *sb);
/*
 * Calls fn for each table (NULL: the large objects) whose every piece has
 * passed to a local session (the lanes' items before cur), with its rows;
 * stops at fn's first non-zero return, which it returns.
 */
int pg_passed_tables(struct pg *pg, int (*fn)(struct pg *pg, const struct siphon_pg_table *t, int64_t rows));
/* Notes a table as fully loaded: 0, or -1 (no memory). */
int pg_add_done(struct pg *pg, const char *qname);
/* The rest after the finished tables: emptied, copied in the new snapshot; then post-data. */
int pg_fetch_rest(struct pg *pg, const char *since);
/* The engine's lost and resume ops (engine/engine.h). */
int pg_lost(struct siphon_run *eng, void *st);
int pg_resume(struct siphon_run *eng, void *st);

/* pg_resume_runs.c */
/* At the transfer's start: drops a kept copy, or (--resume) takes it (*resumed). */
int pg_runs_begin(struct pg *pg, int *resumed);
/* Writes the state file when the schema is in and as tables finish (force: now). */
int pg_runs_note(struct pg *pg, int force);
/* Before the local post-data: the copy is no longer one to go on with (the state file goes). */
void pg_runs_close(struct pg *pg);
/* At cleanup: an interruption keeps the copy and its state, anything else removes them. */
void pg_runs_end(struct pg *pg);

/* pg_early.c */
/* After each loop step of the transfer: loaded markers read, ready entries started. */
int pg_early_step(struct pg *pg, int lanes_open);
/* Local sessions for early entries while the lanes run. */
int pg_early_budget(const struct pg *pg);
/* Before a resume: the running entries end, the scheduler goes. */
int pg_early_settle(struct pg *pg);
/* The scheduler and its state go (sessions killed). */
void pg_early_free(struct pg *pg);
/* Before the unfinished tables are emptied: the foreign keys built early that touch them go. */
int pg_early_unbind(struct pg *pg);

/* pg_target.c */
/* How the target service lists and drops this engine's temporaries. */
extern const struct siphon_target_ops pg_target_ops;
int pg_create_tmpdb(struct pg *pg);
void pg_drop_tmpdb(struct pg *pg);
int pg_local_failed(struct pg *pg, struct siphon_proc *p);

/* pg_finish.c */
/* The post-data entries into pg->post_script, filtered and adapted to this server (once). */
int pg_post_prepare(struct pg *pg);
/* Post-data, privileges, sequences, event triggers, settings; what was left out. */
int pg_finish_local(struct pg *pg);
int pg_swap(struct pg *pg);

/* pg_target.c: the pieces of a swap, for pg_keep.c too. */
int pg_add_rename(struct siphon_strbuf *q, const char *from, const char *to);
int pg_add_terminate(struct siphon_strbuf *q, const char *db);
int pg_run_renames(struct pg *pg, const char *sql);
/* tmpdb takes into's place in one transaction; into (*exists) is now old. */
int pg_swap_names(struct pg *pg, char *old, size_t cap, int *exists);

/* pg_keep.c: the previous and the pristine copy (keep-previous, keep-pristine). */
/* Appends to plan's target line what the pull keeps; 0 or -1 (no memory). */
int pg_keep_describe(const struct pg *pg, struct siphon_strbuf *line);
/* Before the swap: the pristine copy of the temporary database. */
int pg_keep_prepare(struct pg *pg);
/* The swap failed: the pristine copy goes. */
void pg_keep_abort(struct pg *pg);
/* After the swap: old (NULL: none) becomes the previous copy, the pristine one gets its name. */
void pg_keep_after(struct pg *pg, const char *old);
/* `rollback`, `reset` (ops->local_op). */
int pg_local_op(struct siphon_run *run, void *st, enum siphon_local_action act, int check_only);

/* `doctor`: the local create finding (ops->doctor). */
void pg_doctor(struct siphon_run *run, void *st, siphon_check_fn fn, void *arg);

/* `plan`: the target and the remote commands (ops->describe). */
int pg_describe(struct siphon_run *run, void *st, void (*fn)(void *arg, const char *key, const char *text),
                void *arg);

#endif
