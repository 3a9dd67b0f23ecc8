/*
 * my_sql.h - MySQL/MariaDB text: quoting, the mysql client's batch escapes,
 * and the rewrites a statement from SHOW CREATE needs before it runs on the
 * workstation (definer, event status, collations).  Pure functions.
 */
#ifndef SIPHON_MY_SQL_H
#define SIPHON_MY_SQL_H

#include "util/strbuf.h"

#include <stddef.h>

/* Appends `name`, backticks doubled.  0 or -1 (no memory). */
int siphon_my_ident(struct siphon_strbuf *sb, const char *name);
/* Appends `a`.`b`. */
int siphon_my_qualified(struct siphon_strbuf *sb, const char *a, const char *b);
/*
 * Appends text as _utf8mb4 X'...': means the same whatever the session's
 * sql_mode (NO_BACKSLASH_ESCAPES, ANSI_QUOTES) and needs no escaping.
 */
int siphon_my_literal(struct siphon_strbuf *sb, const char *text);

/*
 * Appends text as '...' with quotes and backslashes doubled: for places that
 * take only a plain string (COMMENT); needs a sql_mode without
 * NO_BACKSLASH_ESCAPES, which siphon's local sessions set.
 */
int siphon_my_string(struct siphon_strbuf *sb, const char *text);

/*
 * Undoes the mysql client's batch-mode escapes (\0 \t \n \\) of one field
 * of len bytes, appending the value to out.  Returns 0 or -1.
 */
int siphon_my_unescape(struct siphon_strbuf *out, const char *field, size_t len);

/*
 * Rewrites "DEFINER=`user`@`host`" at the head of a CREATE VIEW, TRIGGER,
 * PROCEDURE, FUNCTION or EVENT statement to "DEFINER=CURRENT_USER", so the
 * object belongs to whoever restores it.  *changed says whether there was
 * one.  Returns 0 or -1 (no memory).
 */
int siphon_my_rewrite_definer(struct siphon_strbuf *out, const char *stmt,
                              int *changed);

/*
 * Makes a CREATE EVENT statement create the event DISABLEd: the status
 * clause (ENABLE, DISABLE, DISABLE ON SLAVE/REPLICA) before DO becomes
 * DISABLE, or DISABLE is added.  Returns 0, -1 (no memory) or -2 (no DO).
 */
int siphon_my_event_disable(struct siphon_strbuf *out, const char *stmt);

/*
 * Collation names the workstation lacks, replaced word by word outside
 * quotes: map[2k] -> map[2k+1], map ends with NULL.  *changed counts.
 */
int siphon_my_replace_words(struct siphon_strbuf *out, const char *stmt,
                            const char *const *map, int *changed);

/*
 * The collation a workstation of the other flavour knows for name, or NULL
 * when it needs none or there is none.  to_mariadb: the local server is
 * MariaDB (else MySQL); mariadb_uca1400: it has the uca1400 collations
 * (10.10+).
 */
const char *siphon_my_collation_map(const char *name, int to_mariadb,
                                    int mariadb_uca1400);

#endif
