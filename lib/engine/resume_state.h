/*
 * resume_state.h - the state file of an interrupted pull, for `pull --resume`
 * in a later run: $XDG_STATE_HOME/siphon/resume/ENGINE-HASH (HASH: of the
 * local target), 0600, "key=value" lines written atomically as the pull
 * goes (a crash leaves no chance to write at the end).
 *
 * It names the temporary target kept, what it was pulled from and with which
 * siphon, the catalog fingerprint of the first snapshot (SHA-256 of the
 * engine's fingerprint text) and the tables whose rows all reached the local
 * side, with their row counts (a later run checks them against the copy).
 * Text values are %-escaped (control bytes, '%'): any name fits on a line.
 */
#ifndef SIPHON_ENGINE_RESUME_STATE_H
#define SIPHON_ENGINE_RESUME_STATE_H

#include "util/ctx.h"
#include "util/strbuf.h"

#include <stdint.h>

/* A state file older than this is no reason to keep its temporary. */
#define SIPHON_RESUME_MAX_AGE_S (24 * 3600)

struct siphon_resume_table {
	char *name;     /* the engine's name for it (PostgreSQL: the quoted qname) */
	int64_t rows;   /* rows the lane passed to the local side */
};

struct siphon_resume_state {
	char *version;    /* the siphon that wrote it */
	char *engine;
	char *host;
	char *database;
	char *into;
	char *temp;       /* the temporary target kept */
	int64_t time;     /* last written, seconds since the epoch */
	char fingerprint[65]; /* hex SHA-256 of the engine's catalog fingerprint */
	struct siphon_resume_table *done;
	int ndone;
};

/* Frees what s holds and zeroes it; NULL-safe. */
void siphon_resume_clear(struct siphon_resume_state *s);
/* Replaces *field with a copy of value: 0, or -1 (no memory). */
int siphon_resume_set(char **field, const char *value);
/* Appends a finished table: 0, or -1 (no memory). */
int siphon_resume_add_done(struct siphon_resume_state *s, const char *name, int64_t rows);
/* The finished table of that name, or NULL. */
const struct siphon_resume_table *siphon_resume_find(const struct siphon_resume_state *s,
                                                     const char *name);
/* hex: the SHA-256 of text, for the fingerprint field.  0, or -1. */
int siphon_resume_fingerprint(const char *text, char hex[65]);

/* The file's bytes, into out (reset first): 0, or -1 (no memory). */
int siphon_resume_format(const struct siphon_resume_state *s, struct siphon_strbuf *out);
/*
 * Reads a state file's bytes (any bytes: it is read back from disk).
 * 0 with *out filled (the caller clears it), -1 when it is no state file
 * (no siphon-resume line, a required field missing or bad) or on no memory.
 */
int siphon_resume_parse(const char *data, size_t len, struct siphon_resume_state *out);

/*
 * Why the state cannot be used at time now, as a clause ("it is 30 hours
 * old"), into why; 0 when it can.  Only age and siphon's version are
 * judged here: the engine checks the rest (server, catalog, temporary).
 */
int siphon_resume_unusable(const struct siphon_resume_state *s, int64_t now, char *why,
                           size_t cap);

/* The state file's path for engine and into: 0, or -1 (no HOME). */
int siphon_resume_path(const char *engine, const char *into, char *buf, size_t cap);
/*
 * Loads the state file of engine and into: 1 with *out filled, 0 when there
 * is none, -1 when it cannot be used at all (why says why: not yours,
 * unreadable, not a state file).
 */
int siphon_resume_load(const char *engine, const char *into, struct siphon_resume_state *out,
                       char *why, size_t cap);
/*
 * Writes s (time set to now) atomically, 0600.  A failure is one warning
 * and returns -1; the pull goes on (the state only saves work later) and
 * the context's error is untouched.
 */
int siphon_resume_save(struct siphon_ctx *ctx, struct siphon_resume_state *s);
/* Removes the state file of engine and into, if any. */
void siphon_resume_remove(const char *engine, const char *into);
/*
 * Whether a state file that can still be used (this user's, younger than
 * SIPHON_RESUME_MAX_AGE_S) names temp: the stale sweep leaves it alone.
 */
int siphon_resume_keeps(const char *temp);

#endif
