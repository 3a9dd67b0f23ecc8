/*
 * my_sql.h - MySQL/MariaDB text: quoting, the mysql client's batch escapes,
 * and the rewrites a statement from SHOW CREATE needs before it runs on the
 * workstation (definer, event status, collations).  Pure functions.
 */
#ifndef SIPHON_MY_SQL_H
#define SIPHON_MY_SQL_H

#include "util/strbuf.h"

#include <stddef.h>
#include <stdint.h>

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
 * A character set or collation name as the server may send it, to be put
 * in SQL unquoted: 1 to 64 bytes of [A-Za-z0-9_].  1 or 0.
 */
int siphon_my_plain_name(const char *s);

/*
 * A decimal number from the server (len bytes, digits only, no sign) that
 * is at most max: 0 and *out, or -1 (empty, not a number, out of range).
 */
int siphon_my_uint(const char *s, size_t len, uint64_t max, uint64_t *out);

/* Appends text as X'...': a binary string, its bytes kept as they are. */
int siphon_my_hex(struct siphon_strbuf *sb, const char *text);

/*
 * How a statement from the server (a SHOW CREATE) is run by the local
 * client, so that neither the client nor the server can take it for more
 * than one statement:
 *   IMMEDIATE  EXECUTE IMMEDIATE X'...' (MariaDB): the client sees hex
 *              digits only, and the server prepares exactly one statement
 *   PREPARE    SET @v = X'...', PREPARE, EXECUTE (MySQL: tables and views)
 *   DELIMITER  the text between DELIMITER lines of a delimiter it does not
 *              contain (MySQL cannot prepare routines, triggers or events):
 *              only for a text that siphon_my_check_replay() accepted
 */
enum siphon_my_replay { SIPHON_MY_IMMEDIATE, SIPHON_MY_PREPARE, SIPHON_MY_DELIMITER };

/* Appends the lines that run stmt that way.  0 or -1 (no memory). */
int siphon_my_replay_sql(struct siphon_strbuf *sb, const char *stmt, enum siphon_my_replay how);

/*
 * May stmt (run under sql_mode) go to the local client between DELIMITER
 * lines?  Only when the client and the server read it alike and as one
 * statement: quotes and comments closed, no backslash outside quotes (a
 * client command), no executable comment, no control byte outside quotes,
 * no line starting with "delimiter", no ';' outside quotes (a second
 * statement: a compound body cannot be told from one without a parser).
 * 0, or -1 with the reason in why.
 */
int siphon_my_check_replay(const char *stmt, const char *sql_mode, char *why, size_t cap);

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

/*
 * The qualifier `from_db`. (a backquoted name right before a '.', outside
 * strings and comments) replaced by `to_db`. everywhere in stmt: MariaDB
 * writes a sequence in a column DEFAULT as `db`.`seq` even for one in the
 * table's own database.  *changed counts.  0 or -1 (no memory).
 */
int siphon_my_requalify(struct siphon_strbuf *out, const char *stmt, const char *from_db,
                        const char *to_db, int *changed);

/*
 * A SHOW CREATE TABLE without its table option AUTO_INCREMENT=N (outside
 * parentheses, strings and comments), which moves with every insert: what
 * the table is, for comparing a table's definition at two instants.
 * *cut is 1 when it was there.  0 or -1 (no memory).
 */
int siphon_my_table_shape(struct siphon_strbuf *out, const char *create, int *cut);

/*
 * The lexer of the rewrites above, for the other readers of server text
 * (my_keys.c): a word ([A-Za-z0-9_$] and bytes >= 0x80), a quoted name or
 * string (`...`, '...', "...", doubled quotes and backslash escapes kept
 * inside), or one punctuation byte.  Blanks and comments are skipped,
 * except executable comments (slash-star-bang, slash-star-M-bang): the
 * server runs those, so their bytes are tokens.
 */
enum siphon_my_tok_kind { SIPHON_MY_TOK_END, SIPHON_MY_TOK_WORD, SIPHON_MY_TOK_QUOTED, SIPHON_MY_TOK_PUNCT };

struct siphon_my_tok {
	enum siphon_my_tok_kind kind;
	size_t start, end;             /* [start, end) of the text */
};

/* The token at or after *pos, which moves past it; SIPHON_MY_TOK_END at the text's end. */
struct siphon_my_tok siphon_my_next_tok(const char *s, size_t *pos);
/* Is t the word (without regard to case)? */
int siphon_my_tok_is(const char *s, struct siphon_my_tok t, const char *word);

#endif
