/*
 * catalog.h - what a run copies, in a shape every engine fills the same
 * way: tables (schema, name, size on the server, row estimate, columns),
 * the other objects, and the plan (which piece of which table goes to
 * which channel).  Engines keep their own richer catalogs; this view is
 * what plan mode shows, what events name, and what later table filters and
 * snapshot manifests will read.
 */
#ifndef SIPHON_ENGINE_CATALOG_H
#define SIPHON_ENGINE_CATALOG_H

#include <stdint.h>

struct siphon_cat_table {
	char *schema;          /* "" where the engine has no schemas */
	char *name;
	uint64_t bytes;        /* on the server */
	int64_t rows;          /* estimate; -1 when unknown */
	int ncols;
	char **cols;           /* column names, in the server's order */
};

struct siphon_cat_object {
	char *kind;            /* "view", "sequence", "trigger", ... */
	char *schema;
	char *name;
};

struct siphon_catalog {
	char server[128];      /* "PostgreSQL 15", "MariaDB 10.11.6-MariaDB-0+deb12u1" */
	char tools[384];       /* the server's tools the pull runs: "pg_dump 15.18 in DIR" */
	struct siphon_cat_table *tables;
	int ntables, captables;
	struct siphon_cat_object *objects;
	int nobjects, capobjects;
	uint64_t total_bytes;  /* of the tables */
};

/* One piece of work: a table, or part k of parts of one. */
struct siphon_plan_piece {
	int table;             /* index in the catalog; -1: not a table */
	const char *what;      /* for a piece that is not a table ("large objects") */
	int part, parts;       /* 1-based; 1 of 1 for a whole table */
	int channel;           /* 0-based */
	uint64_t bytes;        /* estimated */
};

struct siphon_plan {
	int channels;          /* data channels at most at once */
	char codec[16];        /* the compressor on the server */
	struct siphon_plan_piece *pieces;  /* in each channel's order */
	int npieces, cappieces;
};

/* Each returns 0, or -1 when out of memory; strings are copied. */
int siphon_catalog_add_table(struct siphon_catalog *c, const char *schema, const char *name,
                             uint64_t bytes, int64_t rows);
/* Adds a column to the last table added. */
int siphon_catalog_add_column(struct siphon_catalog *c, const char *name);
int siphon_catalog_add_object(struct siphon_catalog *c, const char *kind, const char *schema,
                              const char *name);
/* The table named schema.name, or -1. */
int siphon_catalog_find(const struct siphon_catalog *c, const char *schema, const char *name);
void siphon_catalog_clear(struct siphon_catalog *c);

int siphon_plan_add(struct siphon_plan *p, const struct siphon_plan_piece *piece);
void siphon_plan_clear(struct siphon_plan *p);

#endif
