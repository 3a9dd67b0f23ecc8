/*
 * eng.h - what every engine shares: the connected loop, the options, what the
 * server has (the probe), the compressor chosen for it, and the way a remote
 * command becomes a stream of the loop.
 *
 * siphon_pull() fills one struct siphon_run (probe included), picks the
 * engine, and hands it over; the engine borrows it for the whole pull.
 */
#ifndef SIPHON_ENGINE_ENG_H
#define SIPHON_ENGINE_ENG_H

#include "codec/codec.h"
#include "engine/adapt.h"
#include "engine/catalog.h"
#include "engine/engine.h"
#include "engine/leftout.h"
#include "engine/target.h"
#include "engine/tune.h"
#include "loop/loop.h"
#include "opt/opt.h"
#include "remote/probe.h"
#include "siphon.h"
#include "util/strbuf.h"

struct siphon_run {
	struct siphon_ctx *ctx;
	struct siphon_loop *loop;
	const struct siphon_pull_opts *o; /* the core options, resolved */
	const struct siphon_opts *opts;  /* every option (engines read their own) */
	int jobs;                        /* data channels: -j, else siphon_eng_tune's */
	size_t window;                   /* channel window of a data stream */
	struct siphon_probe probe;
	struct siphon_link link;         /* the link test's figures */
	struct siphon_linktest *linktest; /* the test while it runs */
	/* The settings chosen and why ("channels 2, zstd --fast=3: link ..."), "" before. */
	char tune_text[256];
	enum siphon_codec_kind codec;
	char codec_name[16];
	struct siphon_strbuf compress;   /* the compressor stage, "" for none */
	/*
	 * The level while the pull runs (engine/adapt.h), on when siphon chose
	 * zstd's level for a measured link; an engine that can change it per
	 * piece asks siphon_eng_adaptive().  zpath and zthreads: the
	 * compressor's path and threads, for the commands it builds.
	 */
	struct siphon_adapt adapt;
	struct siphon_strbuf zpath;
	int zthreads;
	/* The sample being gathered for the controller (siphon_eng_adapt_feed), and the bytes to skip first. */
	unsigned char *zs_buf;
	size_t zs_len;
	uint64_t zs_skip;
	int zs_said;                     /* the rung (+1) whose "stays" line -v has shown */
	int zsplit;                      /* streams run siphon_eng_zsplit_stage: moves go to the server */
	/*
	 * Set when the engine was picked because only its tools are on the
	 * server: what the other engine lacks, for "database does not exist"
	 * ("PostgreSQL client tools (pg_dump, psql)"), else "".
	 */
	const char *other_missing;
	/* The engine's explain hook, set on every stream it creates. */
	int (*explain)(void *arg, struct siphon_rstream *rs);
	void *explain_arg;
	/* The remote watchdog, when it runs: every new stream registers with it. */
	struct siphon_heartbeat *hb;
	/* What the engine did not copy exactly: warned and counted at the end. */
	struct siphon_leftout left_out;
	/* The engine chosen, and what it found and planned (engine-neutral). */
	const struct siphon_engine_ops *engine;
	void *engine_state;              /* its state (ops->state_size), once open */
	struct siphon_catalog cat;
	struct siphon_plan plan;
	/* The local target service (the engine sets its ops in open). */
	struct siphon_target target;
	/* What the streams read from (the server, or a directory of members). */
	struct siphon_source *source;
	/* --save: the snapshot every new stream is recorded into (snap/snap.h). */
	struct siphon_snapw *snap;
};

void siphon_eng_init(struct siphon_run *e, struct siphon_loop *loop,
                     const struct siphon_pull_opts *o, const struct siphon_opts *opts);
void siphon_eng_clear(struct siphon_run *e);

/* Appends the probe script: the core's and every registered engine's part. */
int siphon_eng_probe_script(struct siphon_strbuf *sb);

/* Runs the probe script on the server and parses it into e->probe. */
int siphon_eng_probe(struct siphon_run *e);

/*
 * The link test (engine/linktest.c), around the probe: start opens its
 * channel (a round trip) and leaves its remote side starting; finish
 * steps the loop until it is done (at most about 0.35 s after the probe)
 * and fills e->link.  A test that cannot run leaves the link unmeasured;
 * only a lost connection (or the like) is an error.  drop: the test gone,
 * whatever its state (NULL-safe: siphon_eng_clear calls it).
 */
int siphon_eng_link_start(struct siphon_run *e);
int siphon_eng_link_finish(struct siphon_run *e);
void siphon_eng_link_drop(struct siphon_run *e);

/*
 * The starting settings (engine/tune.h) from the options, the probe, the
 * link test and ops's hints (may be NULL): e->jobs, the data channels'
 * window, the compressor stage e->compress and its codec; logged and sent
 * as a tune event.  A replay keeps the recorded codec and -j.  0, or
 * SIPHON_EUSAGE / SIPHON_EREMOTE for a compressor or level that cannot be.
 */
int siphon_eng_tune(struct siphon_run *e, const struct siphon_engine_ops *ops);

/*
 * May the engine change the level per piece (e->adapt on)?  Then its
 * streams run without the compressor stage (siphon_eng_new_pipeline with
 * compressed set) and start a compressor per level themselves:
 * siphon_eng_zstd_cmd appends the command for one level, its path quoted
 * (no variable: a shell behind sudo has none; the niceness comes from
 * the process that starts it).
 */
int siphon_eng_adaptive(const struct siphon_run *e);
int siphon_eng_zstd_cmd(const struct siphon_run *e, struct siphon_strbuf *sb, int level);
/*
 * One sample of the data channels (engine/adapt.h); a move is logged
 * (-v).  An engine that starts a compressor per piece reports each
 * channel's switch with siphon_eng_adapt_switched (a tune event for that
 * channel); under siphon_eng_zsplit_stage the move itself is sent to the
 * server and reported here, once for every channel.
 */
void siphon_eng_adapt_sample(struct siphon_run *e, double now, uint64_t wire, int busy, int held);
void siphon_eng_adapt_switched(struct siphon_run *e, int channel, int level);
/*
 * For an engine whose data comes as one long stream per channel (MySQL,
 * SQLite), which cannot start a compressor per piece: when the level may
 * move (siphon_eng_adaptive), the server has perl and the watchdog runs
 * (it carries each new level to the server), appends the compressor stage
 * that follows the level while it runs (remote/zsplit.h) and returns 1;
 * from then on each move is sent to the server, and a tune event for every
 * channel says so.  Else 0, nothing appended: the fixed stage e->compress.
 */
int siphon_eng_zsplit_stage(struct siphon_run *e, struct siphon_strbuf *sb);
/*
 * For `plan`: appends to a command's line that its compressor's level will
 * follow the controller (siphon_eng_zsplit_stage), when it will.  0 or -1.
 */
int siphon_eng_zsplit_describe(const struct siphon_run *e, struct siphon_strbuf *line);
/*
 * The decoded bytes of a data channel, as they come: now and then (a
 * sample of SIPHON_ENG_ZSAMPLE bytes every SIPHON_ENG_ZSAMPLE_EVERY) they
 * are compressed here at the level and the next rung's, for the controller
 * (siphon_adapt_gain).  The sample is as long as the window the server's
 * zstd is given (--zstd=wlog=19): a shorter one misses the repeats a
 * higher level finds further back (a table whose text repeats every 200
 * KB: 7 % fewer bytes at zstd 3 on 256 KiB, 28 % on 512 KiB, 21 % on the
 * stream).  Nothing while the level may not move.
 */
#define SIPHON_ENG_ZSAMPLE ((size_t)512 * 1024)
#define SIPHON_ENG_ZSAMPLE_EVERY ((uint64_t)16 * 1024 * 1024)
void siphon_eng_adapt_feed(struct siphon_run *e, const unsigned char *buf, size_t len);
/* The same as a lane's feed callback: arg is the struct siphon_run. */
void siphon_eng_adapt_feed_cb(void *arg, const unsigned char *buf, size_t len);

/* Is the SSH peer this very machine (127.0.0.0/8, ::1)? */
int siphon_eng_peer_is_loopback(int sock);

/*
 * A stream running stage1 (then the compressor unless raw) under the
 * portable wrapper, registered in the loop, with the engine's explain hook.
 */
int siphon_eng_new_stream(struct siphon_run *e, struct siphon_rstream **out,
                          const char *what, const char *stage1, int raw);
/*
 * The same for a pipeline the engine writes itself: n stages named by
 * names (their status trailers must all arrive with 0); compressed: the
 * output went through e->compress, which the stages include themselves.
 */
int siphon_eng_new_pipeline(struct siphon_run *e, struct siphon_rstream **out,
                            const char *what, const char *const *stages,
                            const char *const *names, int n, int compressed);
/*
 * A stream of one member of a source without a shell (a file of a
 * directory, later of a snapshot): its bytes as they were stored, decoded
 * with codec.
 */
int siphon_eng_new_member(struct siphon_run *e, struct siphon_rstream **out,
                          const char *what, const char *member, enum siphon_codec_kind codec);
/*
 * Facts (snap/snap.h): a decision the engine took from the workstation
 * (or without one) that changes what it asks the server for.  put records
 * it in the snapshot being saved (none: nothing to do); 0 or
 * SIPHON_ENOMEM.  get: 1 when the run replays a snapshot (*value then the
 * recorded value, NULL when the snapshot has none: an older siphon's),
 * else 0 and *value NULL.
 */
int siphon_eng_fact_put(struct siphon_run *e, const char *name, const char *value);
int siphon_eng_fact_get(const struct siphon_run *e, const char *name, const char **value);

/*
 * Must each channel's list of pieces be fixed before the first byte?  Yes
 * when the streams are recorded (--save) or replayed: a snapshot serves
 * each channel's bytes as they came, so a restore must ask for the same
 * pieces in the same order.  Otherwise pieces can go to channels as they
 * come free (dispatch.h).
 */
int siphon_eng_order_fixed(const struct siphon_run *e);

/* Unregisters and frees *rs; sets it NULL.  NULL-safe. */
void siphon_eng_drop_stream(struct siphon_run *e, struct siphon_rstream **rs);
/* Steps the loop until rs is done. */
int siphon_eng_wait_stream(struct siphon_run *e, struct siphon_rstream *rs);

/*
 * Appends "$NICE sudo -n -u 'USER' -- 'PATH'" as the options ask (nice:
 * prefix $NICE; --remote-sudo: run as that user).  0 or -1 (no memory).
 */
int siphon_eng_tool_prefix(const struct siphon_run *e, struct siphon_strbuf *sb,
                           const char *path, int nice);

/*
 * The line of a tool's stderr that says most (the first holding one of
 * keys, else the first line), into buf.
 */
const char *siphon_eng_key_line(const char *err, const char *const *keys,
                                char *buf, size_t cap);

/*
 * Runs stage (raw, on its own channel) with input on its stdin; *found says
 * whether it succeeded and printed marker.  A failing command is an answer
 * (no), not an error; its telling stderr line (one holding a key) goes to
 * why (cap bytes; "" when it did not fail).  For the engines' "is the
 * database there" questions.
 */
int siphon_eng_check(struct siphon_run *e, const char *what, const char *stage,
                     const char *input, const char *marker, const char *const *keys,
                     char *why, size_t cap, int *found);

/*
 * The period of the progress ticks, in milliseconds: four a second, so that
 * a live display moves smoothly; the transfer loops wait in poll() no
 * longer than this, so that a tick is not late when nothing arrives.
 */
#define SIPHON_ENG_TICK_MS 250

/*
 * A progress tick of a table-data transfer, every SIPHON_ENG_TICK_MS at
 * most (a long pull must not look hung; the CLI prints a line every 5 s of
 * them, a live display redraws on them): the
 * bytes of the n data streams so far (streams NULL or NULL entries: not
 * there yet), t0 when the data began, and total_bytes, what the tables take
 * on the server, go out as progress events.  *next: when the next tick is
 * due (start it at t0).
 */
void siphon_eng_progress(struct siphon_run *e, struct siphon_rstream *const *streams, int n,
                         uint64_t total_bytes, double t0, double *next);

/* Free bytes for unprivileged use on the file system holding dir; -1 if unknown. */
long long siphon_eng_free_bytes(const char *dir);
/*
 * What must stay free there (1 %, at least 64 MiB): a database server
 * cannot even drop a database on a full disk.
 */
long long siphon_eng_disk_reserve(const char *dir);

/*
 * "what: stage | compressor" (the run's compressor, if any) into sb, for
 * an engine's describe hook.  0 or -1 (out of memory).
 */
int siphon_eng_describe_cmd(const struct siphon_run *e, struct siphon_strbuf *sb, const char *what,
                            const char *stage, int compressed);

#endif
