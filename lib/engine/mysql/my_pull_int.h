/*
 * my_pull_int.h - what the files of the MySQL/MariaDB engine share: the
 * state of one pull (struct my, owned by the run driver) and the steps.
 *   my_remote.c   remote client commands, the control session, messages
 *   my_explain.c  what the client's failures mean (rules for loop/explain.h)
 *   my_workers.c  the data sessions and how they get one snapshot
 *   my_local.c    the local client: checks, staging database, loaders
 *   my_swap.c     views, routines, triggers, events; the swap
 *   my_keep.c     the copies kept for rollback and reset; those commands
 *   my_resume.c   after a lost connection: what finished is kept, the rest
 *                 copied again at a new instant
 *   my_index.c    secondary indexes built after each table's load
 *   my_pull.c     the order of the steps, and cleanup
 */
#ifndef SIPHON_MY_PULL_INT_H
#define SIPHON_MY_PULL_INT_H

#include "engine/eng.h"
#include "engine/mysql/my_catalog.h"
#include "engine/mysql/my_keys.h"
#include "engine/mysql/my_lane.h"
#include "engine/mysql/my_pull.h"
#include "util/strbuf.h"

/* How the data sessions came to see one instant. */
enum my_consistency {
	MY_LOCK = 0,      /* a global read lock held while they started */
	MY_LOCK_ALL,      /* the lock held for the whole dump (--lock-all) */
	MY_BINLOG,        /* MariaDB: the same binlog position at their start */
	MY_SINGLE,        /* one session, one transaction */
	MY_NOLOCK,        /* --no-lock: nothing */
};

struct my_local {
	char client[256];          /* mariadb or mysql */
	char **argv;               /* client + connection options, NULL-ended */
	int nargv;
	char version[96];
	int version_num;
	int mariadb;
	int lctn;
	int local_infile;
	char *datadir;
	char (*collations)[64];
	int ncollations;
	char (*engines)[64];       /* the engines it can create tables with */
	int nengines;
	char default_engine[64];
};

struct my {
	struct siphon_run *eng;
	struct siphon_ctx *ctx;
	struct siphon_loop *loop;
	const struct siphon_pull_opts *o;
	const char *into;
	const char *client;           /* the remote mysql/mariadb client */
	struct siphon_my_catalog cat;
	struct my_local local;
	const char **colmap;          /* collation renames, pairs (strings owned), NULL-ended */
	int ncolmap;
	char staging[64];
	int staging_created;
	char old[64];
	int no_pristine;              /* keep-pristine, but no room for it */
	char pristine_tmp[72];        /* the pristine copy until the swap succeeded */
	int pristine_made;

	struct siphon_rstream *ctl;
	struct siphon_strbuf ctl_out;
	int ctl_sync;                 /* last sync number sent */
	enum my_consistency how;
	double lock_s;                /* how long the lock was held */

	int nworkers;
	struct siphon_rstream **wrs;
	struct siphon_my_lane *lanes;
	unsigned ntables_copied;

	/* After a lost connection (my_resume.c). */
	struct siphon_strbuf fp;      /* the catalog's fingerprint at the latest instant */
	char **done;                  /* tables whose rows are in the staging database */
	int ndone;
	int ndone_last;               /* of them, kept before the latest instant */
	int snapshots;                /* instants the copy's rows come from */
	int tables_first;             /* tables of the first of them; -1: one instant */
	uint64_t wire_lost, raw_lost; /* what came over lost sessions */

	/* my_index.c: the tables whose keys wait for their load. */
	struct my_index *idx;
	int nidx;
};

/* my_explain.c: the rstream explain hook (siphon_my_explain) */
int my_explain(void *arg, struct siphon_rstream *rs);

/* my_remote.c */
/* The remote client stage: "$NICE sudo... 'client' OPTS -N -B -n ...". */
int my_client_stage(struct my *my, struct siphon_strbuf *st, int nice);
/* Starts the control session and reads the catalog. */
int my_start_control(struct my *my);
/* The SQL listing db's tables, columns and objects (my_catalog.h rows). */
int my_listing_sql(const char *db, struct siphon_strbuf *q);
/* Sends sql, then a sync marker, and waits for it (or the session's end). */
int my_ctl_query(struct my *my, const char *sql, int *ended);

/* my_pull.c: the phases (engine/engine.h), for the ops table in my_engine.c */
int my_open(struct siphon_run *eng, void *st);
int my_inspect(struct siphon_run *eng, void *st);
int my_check(struct siphon_run *eng, void *st);
int my_plan(struct siphon_run *eng, void *st);
int my_transfer(struct siphon_run *eng, void *st);
int my_finish(struct siphon_run *eng, void *st);
int my_lost(struct siphon_run *eng, void *st);
int my_resume(struct siphon_run *eng, void *st);
void my_stats(struct siphon_run *eng, void *st, struct siphon_pull_stats *stats);
void my_cleanup(struct siphon_run *eng, void *st);
/* The engine-neutral view of the catalog (run->cat). */
int my_publish_catalog(struct my *my);
/* The ledger's entry for the objects of kinds siphon does not copy (packages). */
int my_note_skipped(struct my *my);
/* The rows of every table not loaded yet, at one instant, then the control session's end. */
int my_fill(struct my *my);
/* The data sessions, their lanes and loaders (a loader still running is killed). */
void my_drop_workers(struct my *my);
/* A loader that failed, or a table that loaded with warnings; *all_exited when every loader ended. */
int my_check_loaders(struct my *my, int *all_exited);

/* my_resume.c */
/* What the staging tables were made from, in words: every table, column and definition. */
int my_catalog_fingerprint(struct my *my, struct siphon_strbuf *sb);

/* my_workers.c */
/* The run's engine-neutral plan: the tables with rows over the channels. */
int my_plan_publish(struct my *my);
int my_start_workers(struct my *my);
/*
 * While the level follows the controller (siphon_eng_zsplit_stage): the
 * channels' figures, sampled from the transfer loop.
 */
void my_adapt_sample(struct my *my);
/* Takes the snapshot the best available way and starts the data. */
int my_snapshot(struct my *my);
/* Ends the lock (if still held) once every session has its snapshot. */
int my_workers_done(struct my *my, int *done);

/* my_local.c */
int my_local_open(struct my *my);
void my_local_clear(struct my_local *l);
/* Runs sql on the local server; its stdout into *out if out != NULL. */
int my_local_sql(struct my *my, const char *sql, char **out, const char *what);
/* The same, going on past errors (--force) and whatever the exit status: for reads. */
int my_local_read(struct my *my, const char *sql, char **out, const char *what);
int my_local_checks(struct my *my);
/* How the target service lists and drops this engine's temporaries. */
extern const struct siphon_target_ops my_target_ops;
/* Other sessions whose current database is the target: *n of them, their ids one a line in *ids. */
int my_target_sessions(struct my *my, int *n, char **ids);
int my_create_staging(struct my *my);
/* The tables with rows that are not loaded, dropped and made again in the staging database (empty). */
int my_recreate_unloaded(struct my *my);
/* Is name one of list[0, n) (nocase: without regard to case)? */
int my_name_in(const char (*list)[64], int n, const char *name, int nocase);
/* Appends a copy of name to the list *names of *n.  0, or -1 (no memory). */
int my_names_add(char ***names, int *n, const char *name);
/* Appends stmt with the source's collations the workstation lacks replaced. */
int my_append_mapped(struct my *my, struct siphon_strbuf *sql, const char *stmt);
void my_drop_staging(struct my *my);
/* The lane's loader for item i (a sink spawn hook). */
int my_spawn_loader(void *arg, struct siphon_my_lane *lane, int i);
/* The loader of the lane's batch b of small tables (my_batch.h; a sink spawn hook). */
int my_spawn_batch(void *arg, struct siphon_my_lane *lane, int b);
/*
 * A local client running sql (read from its stdin) under the loaders'
 * settings, in the loop; out_max bounds its kept stdout (0: none).
 */
int my_spawn_script(struct my *my, const char *what, const char *sql, size_t out_max, struct siphon_proc **out);
/* KILL QUERY id on the local server, whatever the run's state (cleanup); nothing said if it fails. */
void my_local_kill_query(struct my *my, unsigned long id);

/* my_tables.c */
/* Which tables are copied how (engines, sequences, history); the ledger says what is not. */
int my_tables_decide(struct my *my);
/* The tables whose rows are still to copy (not loaded): how many, their indexes into rows if not NULL. */
int my_tables_with_rows(const struct my *my, int *rows);
/* Does the local server have the engine? */
int my_local_has_engine(const struct my_local *l, const char *engine);
/* Table t's CREATE statement for the staging database (collations mapped, sequences found there). */
int my_table_create_sql(struct my *my, const struct siphon_my_table *t, struct siphon_strbuf *out);
/* After the RENAME: the column defaults naming the staging database's sequences, made to name the target's. */
int my_sequence_defaults_sql(struct my *my, struct siphon_strbuf *sql);

/* my_index.c */
/* The ends of the catalog's foreign keys that name its own tables (my_keys.h). */
int my_index_refs(struct my *my, struct siphon_my_fkends *refs);
/*
 * Appends table tb's CREATE statement create to out, without the keys that
 * wait for its load when tb is one whose keys may (noted to be built then).
 */
int my_index_defer(struct my *my, const struct siphon_my_table *tb, const char *create,
                   const struct siphon_my_fkends *refs, struct siphon_strbuf *out);
/* The table's loader ended well: its keys may be built. */
void my_index_loaded(struct my *my, const char *table);
/* Reaps the builds that ended, starts those that may (at most max at once); *pending: not done yet. */
int my_index_step(struct my *my, int max, int *pending);
/* How many builds may run at once: while rows still load (loading), or after. */
int my_index_sessions(const struct my *my, int loading);
/* Every build started and waited for (after the last row). */
int my_index_finish(struct my *my, int max);
/* The builds ended (killed if running) and forgotten. */
void my_index_clear(struct my *my);

/* my_swap.c */
int my_swap(struct my *my);
/*
 * May the object's definition stmt be replayed into the local server?
 * Always on MariaDB (EXECUTE IMMEDIATE) and for views (PREPARE); on MySQL
 * only what siphon_my_check_replay() accepts.  0 or EVERSION (error set).
 */
int my_replay_check(struct my *my, const struct siphon_my_object *o, const char *stmt);
/* my_replay_check() of every object of the catalog. */
int my_replay_check_all(struct my *my);

/* Kinds of objects, for the functions below. */
#define MY_OBJ_ROUTINES 1
#define MY_OBJ_VIEWS 2
#define MY_OBJ_TRIGGERS 4
#define MY_OBJ_EVENTS 8
#define MY_OBJ_ALL 15
/* How an object's definition is made again. */
enum my_obj_mode {
	MY_OBJ_AS_IS = 0,       /* a local object put back as it was */
	MY_OBJ_FROM_SOURCE,     /* the source's: DEFINER = CURRENT_USER, events DISABLEd, collations mapped */
	MY_OBJ_KEPT,            /* a local object into a kept copy: as it was, but events DISABLEd */
};
/*
 * The statements that make c's objects of the given kinds (with their
 * definitions) in db: routines first (views and triggers may call them),
 * views in dependency order, then triggers and events.  Returns how many
 * named a DEFINER, or a negative code (the error is set).
 */
int my_objects_sql(struct my *my, const struct siphon_my_catalog *c, const char *db, int kinds,
                   enum my_obj_mode mode, struct siphon_strbuf *sql);
/* Appends "DROP KIND IF EXISTS `db`.`name`;" for c's objects of the given kinds.  0 or -1. */
int my_drop_objects_sql(const struct siphon_my_catalog *c, const char *db, int kinds, struct siphon_strbuf *sql);
/*
 * What db holds (my_list_db), its comment (MariaDB), and the definitions
 * of its objects of the given kinds (SHOW CREATE in db: references to db itself are left
 * unqualified, so a definition can be made in another database).  One that
 * could not be read keeps a NULL create.
 */
int my_read_objects(struct my *my, const char *db, struct siphon_my_catalog *c, int *exists, int kinds);
/* What db holds on the local server (tables, objects by name); *exists when it is there. */
int my_list_db(struct my *my, const char *db, struct siphon_my_catalog *c, int *exists);
/* Ends the other sessions on the target (--force). */
int my_kill_sessions(struct my *my);

/* my_keep.c */
/*
 * Appends ", from.t TO to.t" for c's tables (the first after "RENAME TABLE "),
 * counting them in *n.  0, or -1 (out of memory).
 */
int my_add_renames(struct siphon_strbuf *sql, const struct siphon_my_catalog *c, const char *from,
                   const char *to, int *n);
/*
 * my_keep_extra.c: the statements adding to the copy in database to what
 * CREATE TABLE ... LIKE did not copy from the tables of from (foreign keys,
 * AUTO_INCREMENT counters).  0, or a negative code (the error is set).
 */
int my_keep_extras_sql(struct my *my, const char *from, const char *to, struct siphon_strbuf *sql);
/*
 * Is a pristine copy to be kept?  Only when keep_pristine was set (a
 * profile, the environment, the command line), not by its default: MySQL's
 * copy is row by row (INSERT ... SELECT) and cost a 27 s pull of 665 MiB
 * another 49 s, and a reset from it 62 s (bench/reset_my.sh).
 */
int my_keep_pristine_wanted(const struct my *my);

/*
 * Appends the settings of a session that moves tables (the swap, rollback,
 * reset): it waits --lock-timeout seconds for another session's lock, then
 * fails with ERROR 1205; no foreign key checks; copies: also no unique
 * checks (a session that copies rows).  0, or -1 when out of memory.
 */
int my_move_settings(const struct my *my, struct siphon_strbuf *sql, int copies);
/* The pristine copy of the staging database, before the swap; a failure is a warning. */
void my_keep_prepare(struct my *my);
/* Are the target's old tables (old; exists: is there a target) to be kept as the previous copy? */
int my_keep_old(struct my *my, const struct siphon_my_catalog *old, int exists);
/* After a swap that succeeded: the older kept copies go, the new ones get their names. */
void my_keep_after(struct my *my, const struct siphon_my_catalog *old, int exists, int keep_old);
/* A pristine copy not yet named (the swap failed) is dropped. */
void my_keep_abort(struct my *my);
/* The plan's words on what the pull keeps (exists: the target is there). */
int my_keep_describe(const struct my *my, int exists, struct siphon_strbuf *line);
/* `rollback`, `reset` (ops->local_op). */
int my_local_op(struct siphon_run *run, void *st, enum siphon_local_action act, int check_only);

/* `doctor`: the local create finding (ops->doctor). */
void my_doctor(struct siphon_run *run, void *st, siphon_check_fn fn, void *arg);

/* `plan`: the target and the remote commands (ops->describe). */
int my_describe(struct siphon_run *run, void *st, void (*fn)(void *arg, const char *key, const char *text),
                void *arg);

#endif
