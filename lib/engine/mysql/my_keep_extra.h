/*
 * my_keep_extra.h - what CREATE TABLE ... LIKE leaves out of a copy of a
 * MySQL/MariaDB database (foreign keys, AUTO_INCREMENT counters), read
 * from the local server's information_schema.  Pure, for the unit tests
 * and the fuzz harness; my_keep_extra.c runs the query.
 */
#ifndef SIPHON_MY_KEEP_EXTRA_H
#define SIPHON_MY_KEEP_EXTRA_H

#include "util/strbuf.h"

/*
 * Appends to sql the ALTER TABLE statements that add to the copy in
 * database to what out describes of database from: out is the answer of
 * my_keep_extra.c's query, one row a line, tab-separated, names in hex:
 *   F TABLE CONSTRAINT COLUMN REF_SCHEMA REF_TABLE REF_COLUMN UPDATE_RULE DELETE_RULE
 *     (one line per column, in the key's order; a reference into from
 *     becomes one into to)
 *   A TABLE AUTO_INCREMENT
 * Returns 0, -1 (no memory) or -2 (a line not of that form; sql may hold
 * the statements of the lines before it).
 */
int siphon_my_extras_parse(const char *out, const char *from, const char *to, struct siphon_strbuf *sql);

#endif
