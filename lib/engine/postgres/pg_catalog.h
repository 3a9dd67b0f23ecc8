/*
 * pg_catalog.h - what the snapshot holder learns about the source database:
 * the exported snapshot, versions, encoding and locale, the tables to copy,
 * sequences, large objects, database settings and extensions.
 *
 * The control session prints one line per fact, '|'-separated, with every
 * name hex-encoded by the server so that no name (newlines, '|', anything)
 * can break the format; the parser here is pure and unit-tested.
 */
#ifndef SIPHON_PG_CATALOG_H
#define SIPHON_PG_CATALOG_H

#include "util/strbuf.h"

#include <stdint.h>

struct siphon_pg_table {
	char *schema, *name;   /* raw names */
	char *qname;           /* "schema"."name", quoted */
	char relkind;          /* 'r' table, 'p' partitioned parent */
	uint64_t bytes;        /* size on disk, for planning */
	unsigned oid;
	uint64_t blocks;       /* pages of the main fork */
	int64_t rows;          /* the planner's estimate; -1 unknown */
	char *columns;         /* quoted non-generated columns, or NULL */
	char **colnames;       /* the same, raw, in the server's order */
	int ncols;
};

struct siphon_pg_seq {
	char *qname;
	char *last;            /* last_value as the sequence holds it */
	int called;            /* is_called */
};

/*
 * An index of a copied table ('N' lines): which table a post-data INDEX
 * entry belongs to, and (its definition) part of the fingerprint.
 */
struct siphon_pg_index {
	char *schema, *name;   /* the index's, raw */
	unsigned oid;          /* indexrelid */
	unsigned table;        /* indrelid */
	char *def;             /* pg_get_indexdef */
};

/*
 * A primary key, unique, exclusion or foreign key constraint of a copied
 * table ('K' lines): the table a CONSTRAINT or FK CONSTRAINT entry belongs
 * to, the table a foreign key references, and the index each stands on.
 */
struct siphon_pg_constraint {
	char *schema;          /* its table's, raw */
	char *table, *name;    /* raw */
	char type;             /* 'p', 'u', 'x' or 'f' */
	unsigned rel;          /* conrelid */
	unsigned ref;          /* confrelid: 0 unless a foreign key */
	unsigned index;        /* conindid: its index; a foreign key's, the referenced one */
	char *def;             /* pg_get_constraintdef */
};

struct siphon_pg_catalog {
	char snapshot[128];
	int server_num;        /* server_version_num: 150018 */
	int in_recovery;
	int can_bypass_rls;
	uint64_t db_bytes;     /* pg_database_size */
	char *encoding, *collate, *ctype;
	struct siphon_pg_table *tables;
	int ntables;
	struct siphon_pg_seq *seqs;
	int nseqs;
	long nlobs;
	char **dbsettings;     /* "name=value" as in pg_db_role_setting */
	int ndbsettings;
	char **extensions;
	int nextensions;
	char **subs;           /* subscriptions: named, never copied */
	int nsubs;
	struct siphon_pg_index *indexes;
	int nindexes;
	struct siphon_pg_constraint *cons;
	int ncons;
	uint64_t total_bytes;
};

/* The statements that make the control session print the catalog. */
int siphon_pg_catalog_sql(struct siphon_strbuf *sb);

/*
 * Parses the control session's output.  Returns 0, or -1 with a reason in
 * err (bad line, no snapshot, out of memory).
 */
int siphon_pg_catalog_parse(struct siphon_pg_catalog *c, const char *out,
                            char *err, size_t errcap);
/* Parses further lines (the 'C' column lists) into an existing catalog. */
int siphon_pg_catalog_parse_more(struct siphon_pg_catalog *c, const char *out,
                                 char *err, size_t errcap);
void siphon_pg_catalog_clear(struct siphon_pg_catalog *c);

/*
 * How many pieces (ctid ranges) to copy a table in, so that one big table
 * does not leave the other channels idle: 1 for most tables.  Needs TID
 * range scans on the server (PostgreSQL 14).  max_piece (0: none): no
 * piece above it, however many pieces that makes (the compression level
 * changes between pieces, engine/adapt.h).
 */
int siphon_pg_chunks(const struct siphon_pg_catalog *c,
                     const struct siphon_pg_table *t, int jobs, uint64_t max_piece);

/* The statements that print every sequence's state ('Q' lines). */
int siphon_pg_sequences_sql(struct siphon_strbuf *sb,
                            const struct siphon_pg_catalog *c);

/*
 * The statements that print the column lists ('C' lines) of the tables that
 * will be copied in pieces; "" when none.
 */
int siphon_pg_columns_sql(struct siphon_strbuf *sb,
                          const struct siphon_pg_catalog *c, int jobs);

/*
 * The statements that print the indexes ('N' lines) and the primary key,
 * unique, exclusion and foreign key constraints ('K' lines) of the tables
 * of c, ordered by name; c NULL: of every table outside the system schemas
 * (asked of the local copy after a resume).  "" when c has no table.
 */
int siphon_pg_postobj_sql(struct siphon_strbuf *sb, const struct siphon_pg_catalog *c);

/*
 * The comparable major version of a server_version_num: 150018 -> 1500,
 * 90624 -> 906 (the same scale as siphon_pg_major_parse).
 */
int siphon_pg_num_major(int num);

enum siphon_pg_versions {
	SIPHON_PG_VERSIONS_OK = 0,      /* the local server is as new or newer */
	SIPHON_PG_VERSIONS_REFUSE,      /* older, and not allowed */
	SIPHON_PG_VERSIONS_LENIENT,     /* older, allowed: skip and name rejects */
};

/* What to do with a server of server_num and a local server of local_num. */
enum siphon_pg_versions siphon_pg_version_verdict(int server_num, int local_num,
                                                  int allow_older_local);

/*
 * Appends the statements every remote session starts with (what pg_dump
 * sets): no statement, idle or transaction timeouts, exact floats, ISO
 * dates, UTC, row security off.  server_num 0: version unknown.
 */
int siphon_pg_session_sql(struct siphon_strbuf *sb, int server_num);

/*
 * The same settings as SET LOCAL, for right after BEGIN: behind a
 * connection pooler in transaction mode, session settings may land on
 * another server connection than the transaction's.
 */
int siphon_pg_txn_sql(struct siphon_strbuf *sb, int server_num);

/*
 * Appends a libpq connection string naming dbname, quoted so that no
 * database name can be read as other connection options.
 */
int siphon_pg_conninfo(struct siphon_strbuf *sb, const char *dbname);

/*
 * Appends the assignment for one database setting "name=value" as
 * ALTER DATABASE ... SET name TO value, with the value quoted as a literal
 * except for list settings (search_path and the like), whose stored form is
 * already a list of quoted elements.  Returns 0, -1 (memory), -2 (bad).
 */
int siphon_pg_dbsetting_sql(struct siphon_strbuf *sb, const char *qdbname,
                            const char *setting);

#endif
