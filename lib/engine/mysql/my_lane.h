/*
 * my_lane.h - one data channel of the MySQL engine.
 *
 * The remote worker prints, for each of its tables in turn, the rows of a
 * SELECT in the mysql client's batch format (fields split by tabs, rows by
 * newlines, \0 \t \n \\ escaped, NULL as the bare word NULL) and then a line
 * "end".  The first field and every nullable one are selected as
 * CONCAT('v', column) (a character string as CONCAT('v', CAST(column AS
 * BINARY)): the 'v' one byte whatever its character set): a value starts
 * with 'v', NULL stays the word NULL, so no data line starts with 'e' and
 * NULL differs from the text 'NULL'.
 *
 * The scanner turns that into what LOAD DATA reads (the 'v' dropped, NULL
 * written \N, everything else as it is) and reports each table's end; the
 * lane sink starts one local loader per table and streams the rows into it,
 * or, for a small table, writes them to a file that a loader shared by a
 * batch of small tables reads (my_batch.h).
 */
#ifndef SIPHON_MY_LANE_H
#define SIPHON_MY_LANE_H

#include "loop/proc.h"
#include "loop/sink.h"
#include "util/ctx.h"
#include "util/event.h"

#include <stddef.h>
#include <stdint.h>

enum siphon_my_scan_state {
	SIPHON_MY_SOL = 0,     /* at the start of a line */
	SIPHON_MY_FSTART,      /* at the start of field .field */
	SIPHON_MY_INFIELD,
	SIPHON_MY_NULLWORD,    /* inside the word NULL (.left bytes to go) */
	SIPHON_MY_MARKER,      /* inside "end\n" (.left bytes to go) */
};

struct siphon_my_scan {
	enum siphon_my_scan_state state;
	int field;
	int left;
	const unsigned char *prefixed;   /* per field: carries the 'v' */
	int nfields;
	uint64_t rows;
	/* Why it said SIPHON_MY_SCAN_BAD: what it expected, and the byte it found (-1: none). */
	const char *expected;
	int found;
	int warning;                     /* what it found is a line of SHOW WARNINGS */
};

enum siphon_my_scan_result {
	SIPHON_MY_SCAN_MORE = 0,   /* all input taken, the table goes on */
	SIPHON_MY_SCAN_END,        /* the table's "end" line was taken */
	SIPHON_MY_SCAN_BAD,        /* the stream is not what was expected */
};

/*
 * Scans up to len bytes of in, appending the converted bytes to out (at
 * most two more than it took: a NULL split across calls is written whole at
 * its end, so out needs len + 2 bytes).  *took and *made say how many.
 * Stops right after a table's end line.
 */
enum siphon_my_scan_result siphon_my_scan(struct siphon_my_scan *s,
                                          const unsigned char *in, size_t len,
                                          unsigned char *out, size_t *took,
                                          size_t *made);

struct siphon_my_lane_item {
	char *table;
	char *load_sql;                 /* the loader's statement */
	unsigned char *prefixed;
	int nfields;
	char **names;                   /* the field's columns (nfields), for messages */
	struct siphon_proc *proc;       /* its loader, once data arrived */
	int done;                       /* its end line arrived */
	int loaded;                     /* its loader ended well (my_pull.c saw it) */
	struct siphon_event_table who;  /* for events: names borrowed */
	int started;                    /* its data began (its start event went) */
	unsigned ev;                    /* its event id */
	int small;                      /* its rows go to a file, loaded in a batch */
	int batch;                      /* its batch (1-based in lane->batches), 0: none */
	uint64_t file_bytes;            /* what its file holds */
};

/*
 * Small tables' files loaded by one loader: the n lane items in [first,
 * end) that have a file (file_bytes > 0; a table without rows has none and
 * needs no loader), in order.
 */
struct siphon_my_batch {
	int first, end, n;
	uint64_t bytes;
	struct siphon_proc *proc;       /* its loader, once started */
	int reaped;                     /* its exit was read (my_pull.c), its files removed */
};

struct siphon_my_lane {
	struct siphon_ctx *ctx;
	struct siphon_my_lane_item *items;
	int nitems;
	int cur;
	int oldest;                     /* the first item whose loader may still run */
	struct siphon_my_scan scan;
	unsigned char *out;             /* converted, not yet written */
	size_t out_len, out_off, out_cap;
	int closing;                    /* the current table ended once out drains */
	int ended;                      /* the stream ended (its sink finished) */
	/* Starts the loader of item i (registered in the loop). */
	int (*spawn)(void *arg, struct siphon_my_lane *lane, int i);
	void *spawn_arg;
	char what[96];
	const uint64_t *wire;           /* its stream's compressed count, or NULL */
	/* Every byte of the stream as it came, or NULL (the level's samples, engine/eng.h). */
	void (*feed)(void *arg, const unsigned char *buf, size_t len);
	void *feed_arg;
	int discard;                    /* --snapshot-only: framed, counted, no loader */
	/* Small tables (my_batch.h): the lane's private directory, the file being written. */
	char *dir;                      /* mkdtemp'd on the first small table's rows */
	int fd;                         /* the current small table's file, while file_open */
	int file_open;
	struct siphon_my_batch *batches;
	int nbatches;
	int open_b;                     /* the batch taking tables (1-based), 0: none */
	int ready_b;                    /* a sealed batch waiting for a loader slot, 0: none */
	/* Starts the loader of batch b (0-based; registered in the loop). */
	int (*spawn_batch)(void *arg, struct siphon_my_lane *lane, int b);
};

/* The file of item i under lane->dir into buf ("DIR/tI"); 0, or -1 when it does not fit. */
int siphon_my_lane_file(const struct siphon_my_lane *lane, int i, char *buf, size_t cap);

/*
 * Seals the open batch and starts every sealed one now, whatever the
 * slots (a lost connection: the tables whose files are complete still
 * load).  0 or the spawn's error.
 */
int siphon_my_lane_seal(struct siphon_my_lane *lane);

/*
 * The item of batch b whose load failed, from the markers its loader printed
 * (siphon_my_batch_read): the table with a file after the last marker, or
 * the batch's first such table when every marker came (the loader failed
 * after them, at its COMMIT).
 */
int siphon_my_lane_batch_culprit(const struct siphon_my_lane *lane, int b, int markers);

/* Removes batch b's files once its loader has exited (sets reaped). */
void siphon_my_lane_batch_reaped(struct siphon_my_lane *lane, int b);

/* Makes a sink of the lane (write/finish). */
void siphon_my_lane_sink(struct siphon_sink *sink, struct siphon_my_lane *lane);

/*
 * Writes what is still converted into the loaders (the loop calls it after
 * every wait: a sink may hold converted bytes when its stream ends).  Sets
 * *complete once the stream ended and every table went out; an error when
 * the stream ended in the middle of a table.
 */
int siphon_my_lane_pump(struct siphon_my_lane *lane, int *complete);

void siphon_my_lane_clear(struct siphon_my_lane *lane);

#endif
