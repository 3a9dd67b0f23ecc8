/*
 * my_keys.h - the secondary indexes of a table that are built after its
 * rows are in (pure: the SHOW CREATE TABLE text in, SQL text out).
 *
 * LOAD DATA into a table that has its secondary indexes inserts into each
 * of them row by row; ALTER TABLE ... ADD KEY after the load builds them by
 * sorting, which InnoDB does in a fraction of the time.  So a table is
 * created without the keys that can wait, and one ALTER TABLE adds them
 * back once its loader has ended (my_index.c).
 *
 * A key waits when it is KEY/INDEX, UNIQUE KEY or SPATIAL KEY, and it is
 * not needed while the table is created or loaded:
 *   - the PRIMARY KEY stays (the clustered index), and without one every
 *     UNIQUE key stays (InnoDB clusters on the first UNIQUE NOT NULL key:
 *     added later it would rebuild the table);
 *   - a key whose first column is the first column of one of the table's
 *     foreign keys, or of the columns a foreign key of any table of the
 *     database references, stays (InnoDB wants an index at both ends);
 *   - a key whose first column is the AUTO_INCREMENT column stays (the
 *     column must lead a key);
 *   - FULLTEXT stays (InnoDB rebuilds the table for the first one, and
 *     adds one per statement), and so do UNIQUE ... USING HASH and
 *     WITHOUT OVERLAPS keys (MariaDB keeps them in hidden columns: a
 *     rebuild);
 *   - a key that must stay but comes after one that waits in SHOW CREATE
 *     TABLE's order (unique keys first, then the others, FULLTEXT last;
 *     within each, the order they were made in) is made again by the same
 *     ALTER (DROP KEY, then ADD in its place among the others): the server
 *     lists the keys an ALTER adds after those of their kind already
 *     there, and the copy lists its keys in the source's order.  A kind
 *     that has a special key (above) keeps all its keys: those have places
 *     of their own in that order.  When more keys would be made again than
 *     wait, nothing waits.
 * Names are compared without regard to case (the server folds column
 * names; keeping a key too many costs only time).
 */
#ifndef SIPHON_MY_KEYS_H
#define SIPHON_MY_KEYS_H

#include "util/strbuf.h"

/* One end of a foreign key: a table and the first of its columns there. */
struct siphon_my_fkend {
	char *table;
	char *column;
};

/* The ends of foreign keys found so far. */
struct siphon_my_fkends {
	struct siphon_my_fkend *v;
	int n, cap;
};

void siphon_my_fkends_clear(struct siphon_my_fkends *e);

/*
 * Adds the referenced end of every FOREIGN KEY of create (a SHOW CREATE
 * TABLE text) that names a table of its own database (no qualifier, or
 * the qualifier db).  0, or -1 (no memory).
 */
int siphon_my_fk_referenced(const char *create, const char *db, struct siphon_my_fkends *ends);

/*
 * Splits create, the SHOW CREATE TABLE text of table, into the statement
 * that makes it without the keys that can wait (appended to create_out)
 * and the clauses of the ALTER TABLE that adds them ("DROP KEY `f`, ADD KEY
 * `k` (`c`), ADD KEY `f` (...)", appended to add_out, nothing when none
 * waits).
 * referenced: the ends of the database's foreign keys (other tables' keys
 * name this table there).  *n is how many keys wait.  A text it does not
 * understand is left whole (*n = 0).  0, or -1 (no memory).
 */
int siphon_my_defer_keys(const char *create, const char *table, const struct siphon_my_fkends *referenced,
                         struct siphon_strbuf *create_out, struct siphon_strbuf *add_out, int *n);

#endif
