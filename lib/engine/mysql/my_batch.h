/*
 * my_batch.h - many small tables through one local loader (issue 12).
 *
 * A local `mariadb` client per table costs a process, a connection and its
 * settings: with 2,000 tables of 1,000 rows that start-up was most of the
 * pull.  So the rows of a small table (its catalog size at most
 * SIPHON_MY_SMALL_BYTES) go to a file of their own in a private directory
 * (mkdtemp, 0700), and one loader loads a batch of such files in turn, one
 * LOAD DATA each, each followed by its SHOW WARNINGS and a marker line:
 *
 *     siphon-loaded<TAB>K
 *
 * K counts the batch's tables from 0.  The marker says table K committed
 * (every LOAD DATA is its own transaction) and ends that table's warnings.
 * The text is built and read here (pure); my_lane.c writes the files and
 * decides when a batch is full, my_local.c starts its loader.
 */
#ifndef SIPHON_MY_BATCH_H
#define SIPHON_MY_BATCH_H

#include "util/strbuf.h"

#include <stddef.h>
#include <stdint.h>

/* A table of at most this catalog size is loaded with others. */
#define SIPHON_MY_SMALL_BYTES (4u << 20)
/* A batch is sealed at this many tables or bytes of files, whichever comes first. */
#define SIPHON_MY_BATCH_TABLES 128
#define SIPHON_MY_BATCH_BYTES (16u << 20)

/*
 * May files under dir be named in SQL as they are?  Only [A-Za-z0-9/._-]
 * (no quote, backslash or space to escape): otherwise siphon loads every
 * table by itself, as before.
 */
int siphon_my_batch_dir_ok(const char *dir);

/*
 * Appends to sb table k's part of a batch: load_sql (one table's
 * statement, which reads '/dev/stdin', as siphon_my_load_sql writes it)
 * reading path instead, its SHOW WARNINGS and its marker.  0, or -1 (out of
 * memory, or load_sql without '/dev/stdin').
 */
int siphon_my_batch_sql(struct siphon_strbuf *sb, const char *load_sql, const char *path, int k);

/*
 * Reads a batch loader's output (out, NUL-terminated): how many tables'
 * markers came, in order from 0 (a marker out of order ends the count).
 * For each of them, when seg is not NULL, seg[k] and len[k] give the lines
 * before its marker (its warnings; len 0 when none).  n bounds the tables.
 */
int siphon_my_batch_read(const char *out, int n, const char **seg, size_t *len);

#endif
