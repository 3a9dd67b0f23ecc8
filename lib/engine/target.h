/*
 * target.h - the local target service: what every engine does to the
 * workstation around its copy, with one policy.
 *
 *   names     temporaries are siphon_tmp_<host>_<pid>_<time> (old copies
 *             siphon_old_...; util/tmpname.h), maybe behind an engine's
 *             prefix and before a '-' suffix (SQLite's files)
 *   sweep     this machine's temporaries whose siphon is gone are dropped,
 *             at the start of a transfer (never in a check)
 *   disk      before: the copy's size plus 10 % plus the reserve
 *             (max(1 %, 64 MiB)) must be free where it grows; during: the
 *             loop's watchdog stops the pull, every 0.1 s, when less than
 *             the reserve is left
 *   busy      sessions on the target refuse the pull unless --force
 * Engines supply only what differs: where the copy grows, how to list and
 * drop their temporaries, and how many sessions the target has.
 */
#ifndef SIPHON_ENGINE_TARGET_H
#define SIPHON_ENGINE_TARGET_H

#include "loop/loop.h"
#include "util/ctx.h"

#include <stdint.h>

struct siphon_target_ops {
	/*
	 * The local names that may be siphon's temporaries (any machine's), one
	 * per line, into *names (malloc'd).  0, or a negative code: the sweep
	 * is skipped, the error cleared.
	 */
	int (*list_temps)(void *arg, char **names);
	/* Drops one stale temporary; 0 or a negative code (cleared, logged). */
	int (*drop_temp)(void *arg, const char *name);
};

struct siphon_target {
	struct siphon_ctx *ctx;
	const struct siphon_target_ops *ops;
	void *arg;
	const char *prefix;        /* before the temporary token in a name ("" ) */
	char *dir;                 /* where the copy grows; NULL: unknown (owned) */
	char *where;               /* dir for messages: "in \"/home/x\"" (owned) */
	double next_check;
	/*
	 * doctor: a busy target is recorded in busy_sessions instead of
	 * failing the check, so the later checks still run.
	 */
	int busy_is_finding;
	int busy_sessions;
	/*
	 * pull --save: the snapshot's directory, whose disk must also hold
	 * the snapshot (at most the copy's size: it is what came over the
	 * wire); NULL: no snapshot.  Borrowed.
	 */
	const char *snap_dir;
};

void siphon_target_init(struct siphon_target *t, struct siphon_ctx *ctx,
                        const struct siphon_target_ops *ops, void *arg);
/*
 * The copy grows on dir's file system; where says what dir is, for
 * messages ("where the local server keeps its data": "... (DIR)").  A dir whose free space cannot be read (another machine's
 * server) is forgotten: the disk checks are skipped.  0 or ENOMEM.
 */
int siphon_target_set_dir(struct siphon_target *t, const char *dir, const char *where);
void siphon_target_clear(struct siphon_target *t);

/* A new temporary's name (kind "tmp" or "old"), in buf. */
void siphon_target_tmpname(char *buf, size_t cap, const char *kind);

/* Enough free space for a copy of need bytes?  0, or SIPHON_ELOCAL. */
int siphon_target_check_disk(struct siphon_target *t, uint64_t need);
/*
 * sessions connected to the target (into): SIPHON_EBUSY unless force.
 */
int siphon_target_check_busy(struct siphon_target *t, const char *into, int sessions, int force);

/* Drops this machine's temporaries of siphons that are gone. */
void siphon_target_sweep(struct siphon_target *t);

/* Starts and stops the disk watchdog on the loop. */
void siphon_target_watch(struct siphon_target *t, struct siphon_loop *loop);
void siphon_target_unwatch(struct siphon_target *t, struct siphon_loop *loop);

#endif
