/*
 * snap.h - saved snapshots: what came over the wire during a pull, kept as
 * one tar archive, and replayed later as a source without a server.
 *
 * The design (issue 11).  Tar wants each entry's size before its data, the
 * pull must not make a second pass nor recompress, and memory stays
 * bounded.  So a snapshot records each remote stream's WIRE bytes (still
 * compressed as the server sent them, before the decoder: the rstream's
 * tap) in chunk members of at most SIPHON_SNAP_CHUNK bytes, buffered per
 * stream and written as one ustar entry when full or when the stream ends:
 *
 *   streams/000003/000017.out     stdout bytes of stream 3, chunk 17
 *   streams/000003/000000.err     its stderr (status trailers included)
 *   manifest                      last: what the archive is (manifest.c)
 *
 * Several streams' chunks interleave in one archive written with
 * libarchive (ustar: every header is exactly 512 bytes, so a member's data
 * lies at its header's offset + 512).  Every stream the run opens after the
 * connect is recorded (the probe, control sessions, dumps, lanes) under a
 * stable label: the stream's "what" (engine + role + lane, never the
 * command text, which carries random keys) and how many streams of that
 * "what" came before it in the run.  The manifest lists each stream (id,
 * label, whether its stdout ended only after siphon closed its stdin) and
 * each member (path, size, SHA-256), with the profile, host, engine,
 * database, server version, the instant, the codec, the options the pull
 * ran with and the catalog's tables (rows, bytes).
 *
 * Reading: one pass over the archive with libarchive (verify.c) checks
 * that it is a ustar archive of siphon's members only, each hashed against
 * the manifest, the manifest last; it yields the index (each member's data
 * offset, checked against the bytes libarchive read).  The replay source
 * (replay.c) then serves each stream's chunks by offset with pread, so
 * every lane reads its own stream and the restore stays parallel.  The
 * restore is the same driver and the same engine as a pull, over a source
 * whose channels replay the recorded stdout and stderr of the stream with
 * the same label (stdin is dropped), with the options of the pull that made
 * it (same jobs: the same plan, the same lanes) and the codec it used.
 *
 * The file is written as ".tmp-*" in the profile's directory (0700, the
 * file 0600), fsync'd, verified, and renamed only after the pull
 * succeeded; a failed pull leaves no file.
 */
#ifndef SIPHON_SNAP_SNAP_H
#define SIPHON_SNAP_SNAP_H

#include "loop/rstream.h"
#include "source/source.h"
#include "util/ctx.h"

#include <stddef.h>
#include <stdint.h>

#define SIPHON_SNAP_CHUNK (1024 * 1024)
#define SIPHON_SNAP_MAGIC "siphon-snapshot 1"
/* Bounds on what a manifest may describe: outside bytes, read into memory. */
#define SIPHON_SNAP_MANIFEST_MAX (64 * 1024 * 1024)
#define SIPHON_SNAP_MAX_STREAMS 4096
#define SIPHON_SNAP_LABEL_MAX 256

/* One stream of a snapshot, as the manifest lists it. */
struct siphon_snap_stream {
	int id;
	char *label;
	int eof_after_stdin;  /* its stdout ended only after siphon closed stdin */
};

/* One member (a chunk): where it is, how big, its SHA-256. */
struct siphon_snap_member {
	int stream;           /* its stream's id */
	int seq;              /* chunk number within the stream and kind */
	int err;              /* 1: stderr, 0: stdout */
	uint64_t size;
	unsigned char sha[32];
	int64_t offset;       /* of its data in the file; -1 until indexed */
};

/*
 * A gate: the bytes of a stream's stdout (or stderr) from offset on arrived
 * only after siphon had written stdin bytes to it; the replay holds them
 * until the engine has written as many again.  An engine that waits for an
 * answer before it asks the next question (PostgreSQL's and MySQL's control
 * sessions, MySQL's workers) meets each answer where it did at the pull.
 */
struct siphon_snap_gate {
	int stream;
	int err;
	uint64_t offset;
	uint64_t stdin;
};

struct siphon_snap_table {
	char *schema, *name;
	int64_t rows;
	uint64_t bytes;
};

struct siphon_snap_opt {
	char *name, *value;
};

/*
 * Facts: what the engine decided from the workstation (or, with
 * --snapshot-only, without one) that changed what it asked the server for,
 * e.g. "mysql-history" "yes".  A restore takes the same decisions, so that
 * it reads the recorded streams as they were asked for, and checks that the
 * local server can take them.  Same shape as an option: name and value.
 */

/* What a snapshot is (the manifest member). */
struct siphon_snap_manifest {
	char *siphon_version, *profile, *host, *engine, *database, *into, *server, *codec;
	int64_t instant;      /* seconds since the epoch, UTC */
	int jobs;
	struct siphon_snap_opt *opts;
	int nopts;
	struct siphon_snap_opt *facts;
	int nfacts;
	struct siphon_snap_table *tables;
	int ntables;
	uint64_t table_bytes;
	struct siphon_snap_stream *streams;
	int nstreams;
	struct siphon_snap_member *members;
	int nmembers;
	struct siphon_snap_gate *gates;   /* in the order recorded (offsets rising per stream and kind) */
	int ngates;
};

void siphon_snap_manifest_clear(struct siphon_snap_manifest *m);

/* Appends one of each (copies the strings).  0 or -1 (no memory). */
int siphon_snap_manifest_add_opt(struct siphon_snap_manifest *m, const char *name, const char *value);
/* A fact (see above); one of that name already there is replaced. */
int siphon_snap_manifest_set_fact(struct siphon_snap_manifest *m, const char *name, const char *value);
/* The fact's value, or NULL when the manifest has none of that name. */
const char *siphon_snap_manifest_fact(const struct siphon_snap_manifest *m, const char *name);
int siphon_snap_manifest_add_table(struct siphon_snap_manifest *m, const char *schema,
                                   const char *name, int64_t rows, uint64_t bytes);
int siphon_snap_manifest_add_stream(struct siphon_snap_manifest *m, int id, const char *label,
                                    int eof_after_stdin);
int siphon_snap_manifest_add_member(struct siphon_snap_manifest *m, const struct siphon_snap_member *mb);
int siphon_snap_manifest_add_gate(struct siphon_snap_manifest *m, const struct siphon_snap_gate *g);

/* The manifest as text, into *out (malloc'd, *len bytes).  0 or -1. */
int siphon_snap_manifest_format(const struct siphon_snap_manifest *m, char **out, size_t *len);
/*
 * Parses a manifest (outside bytes: every field checked, bounded).  0, or
 * -1 with why (cap bytes) saying where and what; m is cleared first and
 * holds nothing on failure.
 */
int siphon_snap_manifest_parse(struct siphon_snap_manifest *m, const char *text, size_t len,
                               char *why, size_t cap);

/* A member's path in the archive ("streams/000003/000017.out"); 0 or -1. */
int siphon_snap_member_path(char *buf, size_t cap, int stream, int seq, int err);
/* The reverse: 0 and the fields, or -1 when path is no chunk's name. */
int siphon_snap_member_parse(const char *path, int *stream, int *seq, int *err);

/*
 * Labels: the n-th stream of a "what" in a run is "what#n".  Both the
 * writer and the replay count the same way.
 */
struct siphon_snap_labels {
	char **whats;
	int *counts;
	int n;
};
int siphon_snap_label(struct siphon_snap_labels *l, const char *what, char *buf, size_t cap);
void siphon_snap_labels_clear(struct siphon_snap_labels *l);

/* The writer: a pull's recorder.  In write.c. */
struct siphon_snapw;

/*
 * Creates "dir/.tmp-PID-RANDOM.siphon.tar" (dir made 0700 if missing, the
 * file 0600) and starts the archive.  SIPHON_ELOCAL when it cannot.
 */
int siphon_snapw_open(struct siphon_snapw **out, struct siphon_ctx *ctx, const char *dir);
/* Records rs from now on under the next label of what (sets its tap). */
int siphon_snapw_attach(struct siphon_snapw *w, struct siphon_rstream *rs, const char *what);
/* The manifest the writer completes (streams, members) and writes last. */
struct siphon_snap_manifest *siphon_snapw_manifest(struct siphon_snapw *w);
/*
 * Flushes every stream, writes the manifest, closes the archive, fsyncs
 * the file and verifies it; then renames it to dir/NAME and fsyncs the
 * directory.  The path is left in final (cap bytes).
 */
int siphon_snapw_commit(struct siphon_snapw *w, const char *name, char *final, size_t cap);
/* The directory the snapshot goes to (for the disk check). */
const char *siphon_snapw_dir(const struct siphon_snapw *w);
/* Bytes written so far. */
uint64_t siphon_snapw_bytes(const struct siphon_snapw *w);
/*
 * Gives the snapshot up before its pull ends (a resumed pull: its streams
 * came over two sessions, which a restore cannot replay): the temporary
 * file is removed now, later bytes of attached streams are ignored, and
 * siphon_snapw_commit refuses.  Idempotent.
 */
void siphon_snapw_drop(struct siphon_snapw *w);
/* Was it given up? */
int siphon_snapw_dropped(const struct siphon_snapw *w);
/* Removes the temporary file unless committed, and frees.  NULL-safe. */
void siphon_snapw_free(struct siphon_snapw *w);

/*
 * Reads and checks a snapshot file (verify.c): a ustar archive whose
 * members are siphon's chunks, each with the manifest's size and SHA-256,
 * the manifest last, nothing missing or extra.  hash: 0 reads only the
 * headers and the manifest (a listing), 1 hashes every member and fills
 * their offsets (verify, restore).  SIPHON_ESNAPSHOT with one line when the
 * file is truncated, corrupt or foreign; SIPHON_ELOCAL when it cannot be
 * read.
 */
int siphon_snap_read(struct siphon_ctx *ctx, const char *path, int hash,
                     struct siphon_snap_manifest *m);

/*
 * The replay source over a verified snapshot (replay.c): takes m (moved;
 * cleared in the caller).  Its streams are named by label; each serves the
 * recorded stdout and stderr by offset.
 */
int siphon_source_snap_new(struct siphon_source **out, struct siphon_ctx *ctx,
                           const char *path, struct siphon_snap_manifest *m);

#endif
