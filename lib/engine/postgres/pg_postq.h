/*
 * pg_postq.h - which post-data entries may run while the rows still stream,
 * and when: each entry mapped to its table through the catalog, readiness
 * as tables finish loading, and a lock table so that no two local sessions
 * ever wait on each other.  Pure logic: pg_post.c runs what it hands out.
 *
 * Early entries: an index (INDEX) or a primary key, unique or exclusion
 * constraint (CONSTRAINT) of a copied table, ready once the table's rows are
 * all committed locally; a foreign key (FK CONSTRAINT) between two copied
 * tables, ready once both are loaded, every early index and constraint of
 * both is built, the referenced index among them.  Everything else (index
 * attachments, partitioned parents, materialized views, triggers, entries
 * whose header matches no catalog object or more than one) waits for the
 * final phase, in dump order, as before.
 */
#ifndef SIPHON_PG_POSTQ_H
#define SIPHON_PG_POSTQ_H

#include "engine/postgres/pg_catalog.h"
#include "engine/postgres/pg_script.h"

/* What the queue knows of one post-data entry. */
struct siphon_pg_postent {
	int early;          /* may run before the final phase */
	int table;          /* index in the catalog's tables of its table, or -1 */
	int ref;            /* a foreign key's referenced table, or -1 */
	int exclusive;      /* takes its table(s) whole (ALTER TABLE); else shares it (CREATE INDEX) */
	unsigned provides;  /* the index it builds (oid), or 0 */
	unsigned needs;     /* a foreign key's referenced index (oid), or 0 */
};

/*
 * Maps every entry of s to the catalog c: ents[i] for s->blocks[i] (the
 * caller's array of s->nblocks).  An entry is early only when its type,
 * schema and tag match exactly one catalog object, no other entry has the
 * same header, and its table (both tables) are copied by the lanes.
 * 0, or -1 when out of memory.
 */
int siphon_pg_postmap(const struct siphon_pg_script *s, const struct siphon_pg_catalog *c,
                       struct siphon_pg_postent *ents);

/*
 * Whether the object of entry b (its schema and tag) is among those of
 * have ('N' and 'K' lines of a local catalog): built before a resume.
 */
int siphon_pg_post_exists(const struct siphon_pg_block *b, const struct siphon_pg_catalog *have);

enum siphon_pg_postst { SIPHON_PG_POST_WAIT = 0, SIPHON_PG_POST_RUNNING, SIPHON_PG_POST_DONE };

struct siphon_pg_postq {
	struct siphon_pg_postent *ents;   /* owned */
	unsigned char *state;             /* enum siphon_pg_postst per entry */
	int n;
	int ntables;
	unsigned char *loaded;            /* per table */
	int *shared, *excl;               /* per table: running holders */
	int *pending;                     /* per table: early index/constraint entries not done */
	int *provider;                    /* per entry: the entry that builds what a foreign key needs */
	int dirty;                        /* something changed since next() found nothing */
	int nearly;                       /* early entries done */
};

/* 0, or -1 (no memory): the queue of n entries (ents copied) over ntables tables. */
int siphon_pg_postq_init(struct siphon_pg_postq *q, const struct siphon_pg_postent *ents, int n,
                         int ntables);
void siphon_pg_postq_clear(struct siphon_pg_postq *q);
/* Table t's rows are all committed locally. */
void siphon_pg_postq_loaded(struct siphon_pg_postq *q, int t);
/* The first waiting early entry (dump order) that is ready and whose locks are free, or -1. */
int siphon_pg_postq_next(struct siphon_pg_postq *q);
/* Entry i starts (takes its locks) / is done (releases them; counts as early). */
void siphon_pg_postq_start(struct siphon_pg_postq *q, int i);
void siphon_pg_postq_done(struct siphon_pg_postq *q, int i);
/* Entries running now. */
int siphon_pg_postq_running(const struct siphon_pg_postq *q);

#endif
