/*
 * my_catalog.h - what the control session learns about the source database,
 * and the SQL built from it.  Pure: parsing the mysql client's batch output
 * and writing statements, so that unit tests cover it.
 *
 * The control session prints one row per fact, its first field saying what
 * the row is (names come hex-encoded by the server, so they need no
 * unescaping and cannot be mistaken for anything):
 *   S  VERSION-HEX  COMMENT-HEX  LOWER_CASE_TABLE_NAMES  LOG_BIN
 *   D  NAME-HEX  CHARSET  COLLATION
 *   T  NAME-HEX  TYPE  ENGINE  TRANSACTIONAL  BYTES  ROWS
 *   C  TABLE-HEX  COLUMN-HEX  NULLABLE  DATA_TYPE  GENERATED
 *   V  NAME-HEX            (views)
 *   R  NAME-HEX  TABLE-HEX (triggers, in firing order)
 *   P  TYPE  NAME-HEX      (routines: PROCEDURE or FUNCTION)
 *   E  NAME-HEX            (events)
 *   L  COLLATION           (collations the tables and columns use)
 *   Y  TABLE-HEX  START-HEX  END-HEX  TYPE
 *                          (system-versioned tables: the row start and end
 *                           columns, ROW_START and ROW_END when implicit)
 *   G  N  ROLE  USER-HEX   (N: the session's SELECT grants on all databases or
 *                           on this one; ROLE: its current role or NONE)
 * Then, for each object, a marker row "@ KIND NAME-HEX" and the row of its
 * SHOW CREATE (batch-escaped), and on MariaDB "DC COMMENT-HEX", the
 * database's comment.
 */
#ifndef SIPHON_MY_CATALOG_H
#define SIPHON_MY_CATALOG_H

#include "util/strbuf.h"

#include <stddef.h>
#include <stdint.h>

enum siphon_my_colkind {
	SIPHON_MY_COL_PLAIN = 0,
	SIPHON_MY_COL_BIT,        /* selected as a number, loaded through CAST */
	SIPHON_MY_COL_GEOMETRY,   /* loaded through a variable */
	SIPHON_MY_COL_FLOAT,      /* selected as DOUBLE: FLOAT's text has 6 digits */
	/*
	 * A character string (CHAR, VARCHAR, TEXT, ENUM, SET): prefixed, its
	 * bytes go through CAST(c AS BINARY), or CONCAT('v', c) would be in the
	 * column's character set ('v' is 2 or 4 bytes in utf16/utf32/ucs2).
	 */
	SIPHON_MY_COL_TEXT,
	/*
	 * Selected in its text form, loaded through a variable converted to
	 * text (UUID, INET4, INET6, MySQL's JSON): from a binary string these
	 * types take their binary form, so the text would load as garbage.
	 */
	SIPHON_MY_COL_TEXTFORM,
};

struct siphon_my_column {
	char *name;
	int nullable;
	int generated;                 /* computed by the server: never loaded */
	int is_enum;                   /* ENUM or SET */
	enum siphon_my_colkind kind;
	int unknown;                   /* a type siphon_my_type_kind() does not know */
	char type[65];                 /* DATA_TYPE, as the server wrote it */
};

struct siphon_my_table {
	char *name;
	char engine[64];
	int transactional;
	uint64_t bytes, rows;
	int ncols;
	struct siphon_my_column *cols;
	char *create;                  /* SHOW CREATE TABLE (SEQUENCE) */
	/* my_objects.h */
	int sequence;                  /* a MariaDB sequence: its one row is its state */
	int no_rows;                   /* rows live elsewhere (MERGE) or nowhere (BLACKHOLE) */
	int any_engine;                /* created with the local default engine */
	int versioned;                 /* WITH SYSTEM VERSIONING */
	int history;                   /* ... copied with its history rows */
	char *row_start, *row_end;     /* versioned: the period's columns (ROW_START, ROW_END if implicit) */
	char period_type[16];          /* versioned: their DATA_TYPE (timestamp; bigint: transaction ids) */
	int loaded;                    /* its rows are in the staging database (kept after a lost connection) */
};

enum siphon_my_objkind {
	SIPHON_MY_VIEW = 0, SIPHON_MY_TRIGGER, SIPHON_MY_PROCEDURE, SIPHON_MY_FUNCTION,
	SIPHON_MY_EVENT,
};

struct siphon_my_object {
	enum siphon_my_objkind kind;
	char *name;
	char *table;                   /* triggers: the table */
	char *create;                  /* SHOW CREATE ..., NULL if it failed */
	char *sql_mode;                /* "" for views */
	char *time_zone;               /* events */
	char *charset_client;
	char *collation_connection;
};

struct siphon_my_catalog {
	char version[96];              /* VERSION() */
	int mariadb;
	int version_num;               /* 101119, 80034 */
	int lctn;                      /* lower_case_table_names */
	int log_bin;
	int have_db;
	char db_charset[64], db_collation[64];
	char *db_comment;              /* MariaDB's schema comment, or NULL */
	struct siphon_my_table *tables;
	int ntables, captables;
	struct siphon_my_object *objs;
	int nobjs, capobjs;
	int select_grants;             /* G: -1 when not reported */
	int has_role;
	char user[160];                /* CURRENT_USER() */
	char (*collations)[64];        /* collations the tables use */
	int ncollations;
	uint64_t total_bytes;
	unsigned skipped;              /* objects of kinds not copied (packages) */
	struct siphon_strbuf skipped_list; /* "PACKAGE `p`, ..." (bounded), for the warning */
	char bad[96];                  /* the first number out of range, or "" */
};

/* Sizes and row counts above this (2^60) are not believed. */
#define SIPHON_MY_MAX_BYTES ((uint64_t)1 << 60)

void siphon_my_catalog_clear(struct siphon_my_catalog *c);

/* "VIEW", "TRIGGER", "PROCEDURE", "FUNCTION", "EVENT": as SHOW CREATE and DROP write them. */
const char *siphon_my_kind_word(enum siphon_my_objkind k);

/* "10.11.19-MariaDB-0+deb12u1-log" -> 101119; "8.0.34" -> 80034; -1. */
int siphon_my_version_num(const char *v);

/* Parses the listing rows (S D T C V R P E L G Y).  0, -1 (no memory), -2 (bad). */
int siphon_my_catalog_parse_list(struct siphon_my_catalog *c, const char *out);

/*
 * What parse_list read that must not reach local SQL or arithmetic: a
 * number out of range, a character set or collation name that is not
 * [A-Za-z0-9_]{1,64}.  0, or -1 and what was wrong in why.
 */
int siphon_my_catalog_check(const struct siphon_my_catalog *c, char *why, size_t cap);

/* The SQL that prints every table's and object's definition (marker rows). */
int siphon_my_catalog_defs_sql(const struct siphon_my_catalog *c, const char *db,
                               struct siphon_strbuf *sb);

/* Parses the definitions.  0, -1 (no memory), -2 (bad output). */
int siphon_my_catalog_parse_defs(struct siphon_my_catalog *c, const char *out);

/*
 * The kind of an information_schema.COLUMNS.DATA_TYPE (any case) that
 * the lane copies exactly: 0, or -1 for a type not on its list (MySQL 9's
 * VECTOR, a type a plugin adds), which refuses the pull.
 */
int siphon_my_type_kind(const char *data_type, enum siphon_my_colkind *kind);

/*
 * Stored columns whose type siphon_my_type_kind() does not know (a
 * generated one is computed locally, not copied): writes one
 * line naming the first (table, column, type) and how many more into why;
 * returns how many (0: every type is known).
 */
int siphon_my_catalog_unknown_types(const struct siphon_my_catalog *c, char *why, size_t cap);

/* The table the name designates, or NULL. */
struct siphon_my_table *siphon_my_catalog_table(struct siphon_my_catalog *c,
                                                const char *name);

/*
 * The worker's statement for one table: SELECT of every stored column,
 * the first one and the nullable ones as CONCAT('v', c) so that NULL (the
 * bare word NULL in batch output) cannot be confused with the text 'NULL'
 * (a character string as CONCAT('v', CAST(c AS BINARY)), so that the 'v'
 * is one byte in every character set), then "SELECT 'end'" (no data line
 * starts with 'e').
 */
int siphon_my_select_sql(const struct siphon_my_table *t, struct siphon_strbuf *sb);

/*
 * What a worker sends for one table: siphon_my_select_sql() with "SHOW
 * WARNINGS" between the rows and the end marker.  The server warns where
 * it gave a value other than the stored one (CONCAT or CAST of a value
 * longer than its max_allowed_packet is NULL, with warning 1301); the
 * warning's line ("Warning\t...") breaks the framing, so the pull stops
 * rather than copying a NULL in its place.
 */
int siphon_my_worker_sql(const struct siphon_my_table *t, struct siphon_strbuf *sb);

/*
 * Which output fields of t carry the 'v' prefix: flags[i] for the i-th
 * stored column.  Returns the number of fields, or -1 (no memory).
 */
int siphon_my_prefixed_fields(const struct siphon_my_table *t, unsigned char **flags);

/* LOAD DATA LOCAL INFILE '/dev/stdin' into db.t (binary, batch escapes). */
int siphon_my_load_sql(const struct siphon_my_table *t, const char *db,
                       struct siphon_strbuf *sb);

/*
 * Pairs of table names that are equal once lower-cased (they would
 * collide on a workstation with lower_case_table_names 1 or 2): appends
 * "a / b, ..." to sb; returns how many.
 */
int siphon_my_case_collisions(const struct siphon_my_catalog *c, struct siphon_strbuf *sb);

#endif
