/*
 * pg_sql.h - PostgreSQL quoting.  Every identifier that siphon puts into
 * PostgreSQL's SQL goes through siphon_pg_ident(), every value through
 * siphon_pg_literal(): names come from production catalogs and may contain
 * anything.  (MySQL's quoting is in engine/mysql/my_sql.h; the SQLite
 * engine puts no name into SQL.)
 */
#ifndef SIPHON_PG_SQL_H
#define SIPHON_PG_SQL_H

#include "util/strbuf.h"

#include <stddef.h>

/* Appends "name" with embedded double quotes doubled.  0 or -1 (no memory). */
int siphon_pg_ident(struct siphon_strbuf *sb, const char *name);
/* Appends "schema"."name". */
int siphon_pg_qualified(struct siphon_strbuf *sb, const char *schema,
                        const char *name);
/*
 * Appends a string literal: 'text' with quotes doubled, or E'...' with
 * backslashes doubled when the text holds a backslash, so the result means
 * the same whatever standard_conforming_strings is.
 */
/* PostgreSQL syntax ('...' or E'...'): not for MySQL (my_sql.h) nor SQLite. */
int siphon_pg_literal(struct siphon_strbuf *sb, const char *text);

#endif
