/*
 * pg_lane.h - one data channel's stream of tables.
 *
 * The remote psql of a lane prints, for each table in turn, its text COPY
 * data and then a line "\." (which text COPY never produces for data: a
 * backslash in a value is always escaped).  The lane sink writes, for each
 * table, "COPY ... FROM STDIN;" into the local psql, passes the data and its
 * "\." through, and moves on to the next table, so one remote and one local
 * session carry many tables.
 */
#ifndef SIPHON_PG_LANE_H
#define SIPHON_PG_LANE_H

#include "engine/postgres/pg_catalog.h"
#include "loop/proc.h"
#include "loop/sink.h"
#include "util/ctx.h"
#include "util/event.h"
#include "util/strbuf.h"

struct siphon_pg_lane_item {
	char *header;    /* local SQL before the data: "COPY t FROM STDIN;\n" */
	char *trailer;   /* local SQL after it, or NULL */
	struct siphon_event_table who;  /* for events: names borrowed from the catalog */
	int64_t rows;    /* rows passed to the local session, once its "\." has */
	int work;        /* the piece of the plan it is (pg->work) */
};

struct siphon_pg_lane_scan {
	int sol;         /* at the start of a line */
	int m;           /* 1: saw "\" at line start, 2: saw "\." */
	uint64_t lines;  /* lines ended so far: the rows, then the "\." line */
};

struct siphon_pg_lane {
	struct siphon_ctx *ctx;
	struct siphon_proc *proc;          /* NULL until the schema is in */
	int discard;                       /* --snapshot-only: framed, counted, not loaded */
	struct siphon_pg_lane_item *items;
	int nitems;
	int cur;                           /* item being received */
	int in_item;
	struct siphon_pg_lane_scan scan;
	char what[96];
	unsigned ev;                       /* the current item's event id */
	const uint64_t *wire;              /* its stream's compressed count, or NULL */
	int loaded;                        /* items committed locally (their markers came back) */
	int told;                          /* items whose end the dispatcher knows */
	int open;                          /* its remote stdin takes more pieces */
	uint64_t seen_wire;                /* *wire when it last moved ... */
	double seen_at;                    /* ... and when (siphon_mono_s) */
	int zset, zlevel;                  /* the level its compressor runs at, once started */
	/* Given the rows it takes (the compression level's samples), when set. */
	void (*feed)(void *arg, const unsigned char *buf, size_t len);
	void *feed_arg;
};

/*
 * Feeds bytes to the scanner; returns the offset just past the first
 * terminator line ("\.\n") found, -1 when none ends in this chunk, or
 * SIPHON_PG_LANE_BAD when a line starts with "\." and is anything else
 * ("\.\r\n" included, which psql would take as the end).  The state
 * carries over between chunks.
 */
#define SIPHON_PG_LANE_BAD (-2L)
long siphon_pg_lane_scan(struct siphon_pg_lane_scan *s, const unsigned char *buf,
                         size_t len);
/* The same without counting lines (s->lines is left alone). */
long siphon_pg_lane_find(struct siphon_pg_lane_scan *s, const unsigned char *buf,
                         size_t len);
/* The lines that end in buf: its newlines. */
uint64_t siphon_pg_lane_lines(const unsigned char *buf, size_t len);

/*
 * One piece of work of a lane: appends to remote the COPY ... TO STDOUT
 * that prints it (and the "\." line), and sets it->header (and trailer) to
 * the local SQL that loads it.  The columns are named on both sides, in the
 * server's order: a table's columns can stand in another order locally (an
 * inheritance child, an attached partition).  t NULL: the large objects.
 * pieces > 1: the ctid range [first, last) of t (last 0: to the end).
 * 0, or -1 when out of memory.
 */
int siphon_pg_copy_sql(struct siphon_pg_lane_item *it, struct siphon_strbuf *remote,
                       const struct siphon_pg_table *t, int pieces, uint64_t first, uint64_t last);

/*
 * After each item's end-of-data line the lane's local psql is asked
 * "SELECT 'siphon-loaded K';" (K the item's index in the lane): its answer
 * comes once the COPY is committed.  Reads the complete lines of buf (len
 * bytes; psql's output, the answers in order, other lines ignored): each
 * "siphon-loaded K" with K == *next advances *next; *used is the bytes of
 * the complete lines.  0, or -1 when a marker is out of order.
 */
int siphon_pg_lane_markers(const char *buf, size_t len, int *next, size_t *used);

/* Makes a sink of the lane (write/finish). */
void siphon_pg_lane_sink(struct siphon_sink *sink, struct siphon_pg_lane *lane);

#endif
