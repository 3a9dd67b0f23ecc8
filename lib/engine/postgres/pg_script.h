/*
 * pg_script.h - splitting a plain-format pg_dump script (the post-data
 * section) into its TOC entries, so that index builds can run in parallel
 * sessions.  A small SQL lexer finds the "-- Name: ...; Type: ...;" headers
 * only outside string literals, quoted identifiers, dollar quotes and
 * comments, so that no text in the dump (a hostile COMMENT, say) can start
 * a block of its own.  psql meta-commands are refused except pg_dump's own
 * \restrict and \unrestrict lines, which are dropped.
 */
#ifndef SIPHON_PG_SCRIPT_H
#define SIPHON_PG_SCRIPT_H

#include <stddef.h>

/*
 * The lexer's state between lines: at the top level (st == 0), in a
 * literal, a quoted identifier, a dollar quote or a block comment.
 */
struct siphon_pg_lexer {
	int st;                /* 0: top level */
	int meta;              /* saw a backslash outside quotes: a psql command */
	int var;               /* saw a psql variable (":NAME") outside quotes */
	int unsafe;            /* a setting that changes lexing, changed in a way not followed */
	int std_off;           /* standard_conforming_strings is off: '...' takes backslashes */
	int depth;             /* nesting of block comments */
	char tag[64];          /* the current dollar-quote tag, "$tag$" */
	size_t taglen;
};

/* Advances the lexer over one line of SQL (without its newline). */
void siphon_pg_lex_line(struct siphon_pg_lexer *lx, const char *line, size_t len);
/*
 * Why a script the lexer has read so far must not be run ("holds a psql
 * command", ...), or NULL when it may.
 */
const char *siphon_pg_lex_refusal(const struct siphon_pg_lexer *lx);
/* Is the line (len bytes) one of pg_dump's "\restrict KEY" / "\unrestrict KEY"? */
int siphon_pg_is_restrict_line(const char *line, size_t len);

struct siphon_pg_block {
	char *type;   /* "INDEX", "FK CONSTRAINT", ...; "" for the preamble */
	char *sql;    /* the statements of the entry */
	/*
	 * The header's tag and schema as pg_dump printed them (newlines in
	 * names flattened to spaces): an index's name; "TABLE CONSTRAINT" for
	 * constraints.  Matched against the catalog, never trusted alone.
	 */
	char *name;
	char *schema;
};

struct siphon_pg_script {
	char *preamble;                  /* SET lines before the first entry */
	struct siphon_pg_block *blocks;
	int nblocks;
};

/*
 * Splits text.  Returns 0, -1 when out of memory, -2 when the script holds
 * a psql meta-command other than \restrict / \unrestrict, a psql variable
 * (":NAME") or a change of standard_conforming_strings or client_encoding
 * that the lexer cannot follow (err says which line), -3 when it ends inside a literal or comment.
 */
int siphon_pg_script_split(struct siphon_pg_script *s, const char *text,
                           char *err, size_t errcap);
void siphon_pg_script_clear(struct siphon_pg_script *s);
/* Frees what one block holds. */
void siphon_pg_block_clear(struct siphon_pg_block *b);

/*
 * Scheduling phase of a TOC entry type: 0 parallel index builds, 1 index
 * attachments, 2 foreign keys, 3 everything else (in dump order); after the
 * privileges and the sequences, as pg_restore does, SIPHON_PG_PHASE_MATVIEW
 * (materialized view data, whose queries may need the privileges) and last
 * of all SIPHON_PG_PHASE_LAST: event triggers, which would otherwise fire
 * on siphon's own statements (a refresh is DDL to them too).
 */
#define SIPHON_PG_PHASE_MATVIEW 4
#define SIPHON_PG_PHASE_LAST 5
int siphon_pg_block_phase(const char *type);

#endif
