/*
 * sq_pull_int.h - what the files of the SQLite engine share: the state of
 * one pull (struct sq, owned by siphon_sq_pull) and the steps.
 *   sq_script.c   pure: the remote scripts, parsers, local names
 *   sq_remote.c   the server: tool, inspection, the copy stream
 *   sq_explain.c  what a failure on the server's file means (rules for loop/explain.h)
 *   sq_local.c    the local file: target checks, disk, temporary file,
 *                 the local sqlite3 check
 *   sq_swap.c     is the local file in use; replacing it
 *   sq_pull.c     the order of the steps, and cleanup
 */
#ifndef SIPHON_SQ_PULL_INT_H
#define SIPHON_SQ_PULL_INT_H

#include "engine/eng.h"
#include "engine/sqlite/sq_pull.h"
#include "engine/sqlite/sq_script.h"
#include "loop/loop.h"
#include "util/strbuf.h"

#include <stdint.h>

struct sq {
	struct siphon_ctx *ctx;
	struct siphon_loop *loop;
	const struct siphon_pull_opts *o;
	struct siphon_run *eng;      /* probe, compressor, streams: borrowed */
	const char *src;             /* the remote path the scripts get */

	/* The local side. */
	struct siphon_strbuf into;   /* the file to replace (symbolic links resolved) */
	struct siphon_strbuf dir;    /* its directory ("." for a bare name) */
	struct siphon_strbuf base;   /* its name in dir */
	int target_exists;
	int local_vnum;              /* the local sqlite3's version, 3040001 */
	char local_version[32];
	struct siphon_strbuf tmp_prefix; /* ".BASE.": its temporaries' names start so */
	struct siphon_strbuf tmp;    /* the temporary file beside it */
	int tmp_fd;                  /* -1 once closed */
	int tmp_made;                /* tmp exists and is ours to remove */
	int renamed;                 /* tmp became into */
	/* sq_keep.c: the previous and the pristine copy beside the target. */
	int keeping;                 /* this swap keeps them (a pull's, not a reset's) */
	int no_pristine;             /* keep-pristine, but no room for it */
	struct siphon_strbuf old_link; /* a second name of the old file, until it is prev */
	struct siphon_strbuf pristine_tmp; /* the pristine copy, until it gets its name */
	int old_linked;
	int pristine_made;
	uint64_t written;
	long long need;              /* expected size of the copy, bytes */

	/* The remote side. */
	struct siphon_sq_facts facts;
	struct siphon_sq_meta meta;
	struct siphon_sq_check check;
	struct siphon_rstream *inspect;
	struct siphon_strbuf inspect_out;
	struct siphon_rstream *copy;
};

/* sq_explain.c */
/* The rstream explain hook (siphon_sq_explain). */
int sq_explain(void *arg, struct siphon_rstream *rs);
/*
 * What sqlite3 (or the script, or sudo) said about the server's file, as
 * one line: what failed, where, how to fix it.  Always sets the error.
 */
int sq_failed(struct sq *sq, const char *err, const char *what);

/* sq_pull.c: the phases (engine/engine.h), for the ops table in sq_engine.c */
int sq_open(struct siphon_run *eng, void *st);
int sq_inspect_phase(struct siphon_run *eng, void *st);
int sq_check(struct siphon_run *eng, void *st);
int sq_transfer(struct siphon_run *eng, void *st);
int sq_finish(struct siphon_run *eng, void *st);
void sq_stats(struct siphon_run *eng, void *st, struct siphon_pull_stats *stats);
void sq_cleanup(struct siphon_run *eng, void *st);
/* After a lost connection: the copy again, whole (engine.h's lost and resume). */
int sq_lost(struct siphon_run *eng, void *st);
int sq_resume(struct siphon_run *eng, void *st);

/* sq_remote.c */
/* Who reads the file on the server, for messages. */
const char *sq_reader(const struct sq *sq);
/* "--remote-sudo OWNER", or a hint to find the owner when it is unknown. */
const char *sq_owner_hint(const struct sq *sq, char *buf, size_t cap);
/* The line of sqlite3's (or the script's, or sudo's) stderr that says most, into buf. */
const char *sq_key_line(const char *err, char *buf, size_t cap);
/* The server has a sqlite3 (the probe found one). */
int sq_remote_tool(struct sq *sq);
/* Runs the inspection and turns what it found into verdicts. */
int sq_inspect(struct sq *sq);
/* Streams the server's consistent copy into the temporary file. */
int sq_copy(struct sq *sq);

/* sq_local.c */
/* into, dir, base from --into or the remote name. */
int sq_paths(struct sq *sq);
/* The local sqlite3 runs and is new enough. */
int sq_local_tool(struct sq *sq);
/* An existing target is a regular SQLite file (or empty). */
int sq_target_check(struct sq *sq);
/* How the target service lists and drops this engine's temporary files. */
extern const struct siphon_target_ops sq_target_ops;
/* Is there room for the copy beside the target? */
int sq_check_disk(struct sq *sq);
/* Creates the temporary file (O_EXCL, 0600). */
int sq_tmp_open(struct sq *sq);
/* A sink writing into the temporary file. */
void sq_tmp_sink(struct sq *sq, struct siphon_sink *s);
/* Checks the size, fsyncs and closes the temporary file. */
int sq_tmp_finish(struct sq *sq);
/* The local sqlite3 checks the copy (integrity, user_version...). */
int sq_verify(struct sq *sq);
/* Removes the temporary file and its companions if still ours. */
void sq_tmp_remove(struct sq *sq);
/*
 * Removes PATH-wal, PATH-journal and PATH-shm (only_nonempty: only a -wal
 * or -journal that holds something).  0, or -1 when one could not go.
 */
int sq_companions_remove(const char *path, int only_nonempty);
/*
 * Runs the local sqlite3 (no ~/.sqliterc) on file with sql: 0 and its exit
 * status in *status, its stdout and stderr in *out and *err (caller frees);
 * or a negative code (could not run, interrupted).
 */
int sq_local_sqlite(struct sq *sq, const char *file, const char *sql, char **out,
                    char **err, int *status);
/* fsyncs path, opened with flags (O_RDONLY, or O_DIRECTORY for a directory). */
int sq_sync_path(struct sq *sq, const char *path, int flags);

/* sq_swap.c */
/* EBUSY when another process has the target open (unless --force). */
int sq_check_busy(struct sq *sq, const char *when);
/* The same for the database at path. */
int sq_path_busy(struct sq *sq, const char *path, const char *when);
/* Steps 2 and 3 of the swap: the old target whole in its main file, no stale -wal/-journal. */
int sq_settle(struct sq *sq);
/* Steps 5 and 6: the old companions gone, the directory fsync'd (warnings only). */
void sq_settled_done(struct sq *sq);
/* Puts the checked copy in place of the target. */
int sq_swap(struct sq *sq);

/* sq_keep.c: keep-previous and keep-pristine, `rollback` and `reset`. */
/* Appends to plan's target line what the pull keeps; 0 or -1 (no memory). */
int sq_keep_describe(struct sq *sq, struct siphon_strbuf *line);
/* Before the swap's rename: a second name for the old file, the pristine copy of tmp. */
int sq_keep_before(struct sq *sq);
/* After it: they get their names (.BASE.siphon-prev, .BASE.siphon-pristine). */
void sq_keep_after(struct sq *sq);
/* The swap failed: what sq_keep_before made goes. */
void sq_keep_abort(struct sq *sq);
/* ops->local_op. */
int sq_local_op(struct siphon_run *run, void *st, enum siphon_local_action act, int check_only);

/* `doctor`: the local create finding (ops->doctor). */
void sq_doctor(struct siphon_run *run, void *st, siphon_check_fn fn, void *arg);

/* `plan`: the target and the remote commands (ops->describe). */
int sq_describe(struct siphon_run *run, void *st, void (*fn)(void *arg, const char *key, const char *text),
                void *arg);

#endif
