/* pg_script.c - a quoting-aware splitter for pg_dump's plain scripts. */
#include "engine/postgres/pg_script.h"

#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum lexstate { TOP = 0, SQUOTE, ESQUOTE, DQUOTE, DOLLAR, BLOCKCOMMENT };
/* What the token being read at the top level is. */
enum tokkind { TOK_NONE = 0, TOK_IDENT, TOK_OTHER };

#define lexer siphon_pg_lexer

static int
is_alpha(unsigned char c)
{
	return ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '_' || c >= 0x80;
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Can c continue an identifier?  "$" can, as the server's and psql's lexers agree. */
static int
is_ident(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '$';
}

/* Length of a dollar-quote opener at p ("$$" or "$tag$"), 0 if none. */
static size_t
dollar_tag(const char *p, size_t avail)
{
	size_t i = 1;

	/* "$1" is a parameter, not a quote. */
	if (avail > 1 && is_digit((unsigned char)p[1]))
		return 0;
	while (i < avail && p[i] != '$') {
		if (!is_alpha((unsigned char)p[i]) && !is_digit((unsigned char)p[i]))
			return 0;
		i++;
	}
	return i < avail ? i + 1 : 0;
}

/*
 * Length of the numeric literal at p, as PostgreSQL 15's lexer reads it:
 * digits, an optional fraction (but "1..2" is 1 then ".."), an optional
 * exponent only when digits follow it ("1e" is 1 then the identifier e).
 */
static size_t
number_len(const char *p, size_t avail)
{
	size_t i = 0, j;

	while (i < avail && is_digit((unsigned char)p[i]))
		i++;
	/* ".5" starts with its dot; "1." and "1.5" have one after digits. */
	if (i < avail && p[i] == '.' && !(i + 1 < avail && p[i + 1] == '.')) {
		i++;
		while (i < avail && is_digit((unsigned char)p[i]))
			i++;
	}
	if (i < avail && (p[i] == 'e' || p[i] == 'E')) {
		j = i + 1;
		if (j < avail && (p[j] == '+' || p[j] == '-'))
			j++;
		if (j < avail && is_digit((unsigned char)p[j])) {
			while (j < avail && is_digit((unsigned char)p[j]))
				j++;
			i = j;
		}
	}
	return i;
}

/*
 * psql's own variables (and those it sets after every query): psql replaces
 * ":NAME", ":'NAME'", ":\"NAME\"" and ":{?NAME}" outside quotes by their
 * values and lexes the result again, so a script that names one means
 * something else to psql than to siphon.  Names that are all capitals,
 * digits and underscores are psql's (pg_dump quotes such identifiers).
 */
static int
is_psql_var_name(const char *p, size_t n)
{
	int letter = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= 'A' && p[i] <= 'Z')
			letter = 1;
		else if (!is_digit((unsigned char)p[i]) && p[i] != '_')
			return 0;
	}
	return letter;
}

/* 1 when p (a ':' at the top level, not part of "::") starts a psql variable. */
static int
var_ref(const char *p, size_t avail)
{
	size_t i = 1, s;
	char close = 0;

	if (i < avail && (p[i] == '\'' || p[i] == '"')) {
		close = p[i++];
	} else if (i + 1 < avail && p[i] == '{' && p[i + 1] == '?') {
		close = '}';
		i += 2;
	}
	s = i;
	while (i < avail && (is_alpha((unsigned char)p[i]) || is_digit((unsigned char)p[i])))
		i++;
	if (close != 0 && !(i < avail && p[i] == close))
		return 0;
	return is_psql_var_name(p + s, i - s);
}

/* Does the line mention name (any case), anywhere? */
static int
mentions(const char *s, size_t len, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, name, n) == 0)
			return 1;
	return 0;
}

/* Does a lexing setting's name (any case) start at p? */
static int
names_setting(const char *p, size_t avail)
{
	static const char *const names[] = {"standard_conforming_strings", "client_encoding", NULL};

	for (int i = 0; names[i] != NULL; i++) {
		size_t n = strlen(names[i]);

		if (avail >= n && strncasecmp(p, names[i], n) == 0)
			return 1;
	}
	return 0;
}

static int
starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/*
 * "'NAME';" names an encoding whose multibyte characters never hold an ASCII
 * byte (every server encoding), so that psql lexes it byte by byte as siphon
 * does.  The client-only encodings (SJIS, BIG5, GBK, UHC, GB18030, JOHAB and
 * their aliases) hide quotes' and backslashes' bytes inside characters.
 */
static int
ascii_safe_encoding(const char *v, size_t vl)
{
	static const char *const unsafe[] = {
		"sjis", "mskanji", "shiftjis", "win932", "windows932", "shiftjis2004", "big5",
		"win950", "windows950", "gbk", "win936", "windows936", "uhc", "win949",
		"windows949", "gb18030", "johab", NULL,
	};
	char norm[32];
	size_t n = 0;

	if (vl < 4 || v[0] != '\'' || memcmp(v + vl - 2, "';", 2) != 0)
		return 0;
	for (size_t i = 1; i < vl - 2; i++) {
		unsigned char c = (unsigned char)v[i];

		if (is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'z')) {
			if (n + 1 >= sizeof(norm))
				return 0;
			norm[n++] = (char)(c >= 'A' && c <= 'Z' ? c | 32 : c);
		} else if (c != '_' && c != '-') {
			return 0;
		}
	}
	norm[n] = '\0';
	if (n == 0)
		return 0;
	for (int i = 0; unsafe[i] != NULL; i++)
		if (strcmp(norm, unsafe[i]) == 0)
			return 0;
	return 1;
}

/*
 * The session settings that change how psql lexes what follows.  pg_dump
 * writes them once, at the top level, in one form; siphon follows that form
 * (1: the line was such a setting) and refuses any other way of changing
 * them (set_config(), a different spelling) outside a function body or a
 * comment, because it could not follow it.
 */
static int
lex_settings(struct lexer *lx, const char *s, size_t len)
{
	if (lx->st == TOP && starts(s, len, "SET standard_conforming_strings = ")) {
		const char *v = s + 34;
		size_t vl = len - 34;

		if (vl == 3 && memcmp(v, "on;", 3) == 0)
			lx->std_off = 0;
		else if (vl == 4 && memcmp(v, "off;", 4) == 0)
			lx->std_off = 1;
		else
			lx->unsafe = 1;
		return 1;
	}
	if (lx->st == TOP && starts(s, len, "SET client_encoding = ")) {
		if (!ascii_safe_encoding(s + 22, len - 22))
			lx->unsafe = 1;
		return 1;
	}
	if (lx->st == TOP) {
		/* SET [SESSION | LOCAL] name ..., SET NAMES ..., RESET name, RESET ALL */
		size_t i = 0, w;

		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (len - i >= 4 && strncasecmp(s + i, "SET ", 4) == 0)
			w = 4;
		else if (len - i >= 6 && strncasecmp(s + i, "RESET ", 6) == 0)
			w = 6;
		else
			return 0;
		i += w;
		while (i < len && s[i] == ' ')
			i++;
		if (len - i >= 8 && strncasecmp(s + i, "SESSION ", 8) == 0)
			i += 8;
		else if (len - i >= 6 && strncasecmp(s + i, "LOCAL ", 6) == 0)
			i += 6;
		while (i < len && s[i] == ' ')
			i++;
		if (names_setting(s + i, len - i) || (len - i >= 5 && strncasecmp(s + i, "NAMES", 5) == 0) ||
		    (w == 6 && len - i >= 3 && strncasecmp(s + i, "ALL", 3) == 0))
			lx->unsafe = 1;
	}
	return 0;
}

/* Advances the lexer over one line (without its newline). */
void
siphon_pg_lex_line(struct lexer *lx, const char *s, size_t len)
{
	size_t i = 0, t;
	enum tokkind tok = TOK_NONE;
	size_t toklen = 0;

	int setting = lex_settings(lx, s, len);
	/* set_config('client_encoding', ...) outside a body changes them too. */
	int set_config = !setting && mentions(s, len, "set_config");

	while (i < len) {
		const char *p = s + i;
		unsigned char c = (unsigned char)p[0];

		if (set_config && lx->st != DOLLAR && lx->st != BLOCKCOMMENT && names_setting(p, len - i))
			lx->unsafe = 1;

		switch (lx->st) {
		case TOP:
			if (c == '-' && i + 1 < len && p[1] == '-')
				return;         /* a line comment ends the line */
			if (c == '/' && i + 1 < len && p[1] == '*') {
				lx->st = BLOCKCOMMENT;
				lx->depth = 1;
				i += 2;
				tok = TOK_NONE;
				continue;
			}
			if (c == '\\') {
				/* psql runs a backslash command anywhere outside quotes. */
				lx->meta = 1;
				i++;
				tok = TOK_NONE;
				continue;
			}
			if (c == '\'') {
				/* E'...' only when E is the whole token so far: xe'..' is xe then '..'. */
				lx->st = (tok == TOK_IDENT && toklen == 1 && (p[-1] == 'E' || p[-1] == 'e')) ||
				         lx->std_off ? ESQUOTE : SQUOTE;
				i++;
				tok = TOK_NONE;
				continue;
			}
			if (c == '"') {
				lx->st = DQUOTE;
				i++;
				tok = TOK_NONE;
				continue;
			}
			if (tok == TOK_IDENT && is_ident(c)) {
				toklen++;
				i++;
				continue;
			}
			if (c == '$') {
				tok = TOK_NONE;
				if ((t = dollar_tag(p, len - i)) > 0 && t < sizeof(lx->tag)) {
					memcpy(lx->tag, p, t);
					lx->taglen = t;
					lx->st = DOLLAR;
					i += t;
					continue;
				}
				/* "$1": a parameter. */
				for (i++; i < len && is_digit((unsigned char)s[i]); i++)
					;
				continue;
			}
			if (is_digit(c) || (c == '.' && i + 1 < len && is_digit((unsigned char)p[1]))) {
				i += number_len(p, len - i);
				tok = TOK_NONE;
				continue;
			}
			if (is_alpha(c)) {
				tok = TOK_IDENT;
				toklen = 1;
				i++;
				continue;
			}
			if (c == ':') {
				if (i + 1 < len && p[1] == ':') {
					i += 2;         /* a cast, never a variable */
					tok = TOK_NONE;
					continue;
				}
				if (var_ref(p, len - i))
					lx->var = 1;
			}
			tok = TOK_NONE;
			i++;
			break;
		case SQUOTE:
		case ESQUOTE:
			if (lx->st == ESQUOTE && c == '\\') {
				i += 2;
				continue;
			}
			if (c == '\'') {
				if (i + 1 < len && p[1] == '\'') {
					i += 2;
					continue;
				}
				lx->st = TOP;
			}
			i++;
			break;
		case DQUOTE:
			if (c == '"')
				lx->st = TOP;   /* "" reopens at once: same result */
			i++;
			break;
		case DOLLAR:
			if (c == '$' && len - i >= lx->taglen &&
			    memcmp(p, lx->tag, lx->taglen) == 0) {
				lx->st = TOP;
				i += lx->taglen;
				continue;
			}
			i++;
			break;
		case BLOCKCOMMENT:
			if (c == '/' && i + 1 < len && p[1] == '*') {
				lx->depth++;
				i += 2;
				continue;
			}
			if (c == '*' && i + 1 < len && p[1] == '/') {
				if (--lx->depth == 0)
					lx->st = TOP;
				i += 2;
				continue;
			}
			i++;
			break;
		}
	}
}

int
siphon_pg_is_restrict_line(const char *line, size_t len)
{
	return starts(line, len, "\\restrict ") || starts(line, len, "\\unrestrict ");
}

const char *
siphon_pg_lex_refusal(const struct lexer *lx)
{
	if (lx->meta)
		return "holds a psql command";
	if (lx->var)
		return "names a psql variable, which psql would replace";
	if (lx->unsafe)
		return "changes how psql reads the rest of the script";
	return NULL;
}

/* The header being read: its type, tag and schema. */
struct header {
	char *type, *name, *schema;
};

static void
header_clear(struct header *h)
{
	free(h->type);
	free(h->name);
	free(h->schema);
	memset(h, 0, sizeof(*h));
}

/*
 * "-- Name: x; Type: INDEX; Schema: s; Owner: o" -> "INDEX", "x", "s".  A name
 * can hold "; Type: ", so the type is the last one that is followed by
 * "; Schema: "; the schema ends at the first "; Owner: " after it (a
 * schema that holds one is cut short: it then matches nothing).  0 when
 * the line is a header, 1 when not, -1 when out of memory.
 */
static int
header_parse(const char *s, size_t len, struct header *h)
{
	const char *t, *end, *best = NULL, *best_end = NULL, *sch, *sch_end;
	const char *lim = s + len;

	if (!starts(s, len, "-- Name: "))
		return 1;
	for (t = s; t + 8 <= lim; t++) {
		if (memcmp(t, "; Type: ", 8) != 0)
			continue;
		for (end = t + 8; end < lim && *end != ';'; end++)
			;
		if ((size_t)(lim - end) >= 10 && memcmp(end, "; Schema: ", 10) == 0) {
			best = t + 8;
			best_end = end;
		}
	}
	if (best == NULL)
		return 1;
	sch = best_end + 10;
	for (sch_end = sch; sch_end + 9 <= lim && memcmp(sch_end, "; Owner: ", 9) != 0; sch_end++)
		;
	if (sch_end + 9 > lim)
		sch_end = lim;
	h->type = strndup(best, (size_t)(best_end - best));
	h->name = strndup(s + 9, (size_t)(best - 8 - (s + 9)));
	h->schema = strndup(sch, (size_t)(sch_end - sch));
	if (h->type == NULL || h->name == NULL || h->schema == NULL) {
		header_clear(h);
		return -1;
	}
	return 0;
}

/* Adds the block h heads (its strings move into it, h is zeroed) with sql. */
static int
add_block(struct siphon_pg_script *s, struct header *h, struct siphon_strbuf *sql)
{
	struct siphon_pg_block *nb;

	nb = realloc(s->blocks, (size_t)(s->nblocks + 1) * sizeof(*nb));
	if (nb == NULL)
		return -1;
	s->blocks = nb;
	nb[s->nblocks] = (struct siphon_pg_block){.type = h->type, .name = h->name, .schema = h->schema};
	memset(h, 0, sizeof(*h));
	nb[s->nblocks].sql = siphon_strbuf_take(sql);
	s->nblocks++;
	return nb[s->nblocks - 1].sql == NULL ? -1 : 0;
}

int
siphon_pg_script_split(struct siphon_pg_script *s, const char *text,
                       char *err, size_t errcap)
{
	struct siphon_strbuf cur = {0};
	struct lexer lx = {0};
	const char *p = text;
	struct header cur_h = {0}, next_h;
	const char *why;
	int r = 0, lineno = 0, in_pre = 1, hr;

	memset(s, 0, sizeof(*s));
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");

		lineno++;
		if (lx.st == TOP) {
			if (p[0] == '\\') {
				if (siphon_pg_is_restrict_line(p, len))
					goto next;
				snprintf(err, errcap, "line %d of the dump is a psql command (%.*s); refusing to run it",
				         lineno, (int)(len > 40 ? 40 : len), p);
				r = -2;
				goto out;
			}
			memset(&next_h, 0, sizeof(next_h));
			if ((hr = header_parse(p, len, &next_h)) < 0)
				goto oom;
			if (hr == 0) {
				/* The entry before this header is complete. */
				if (in_pre) {
					if ((s->preamble = siphon_strbuf_take(&cur)) == NULL) {
						header_clear(&next_h);
						goto oom;
					}
					in_pre = 0;
				} else if (add_block(s, &cur_h, &cur) != 0) {
					header_clear(&next_h);
					goto oom;
				}
				cur_h = next_h;
				goto next;
			}
		}
		siphon_pg_lex_line(&lx, p, len);
		if ((why = siphon_pg_lex_refusal(&lx)) != NULL) {
			snprintf(err, errcap, "line %d of the dump %s (%.*s); refusing to run it", lineno, why,
			         (int)(len > 40 ? 40 : len), p);
			r = -2;
			goto out;
		}
		/* Keep comment-only lines out of blocks; statements keep all lines. */
		if (siphon_strbuf_append(&cur, p, len) != 0 ||
		    siphon_strbuf_append(&cur, "\n", 1) != 0)
			goto oom;
next:
		p += len;
		if (*p == '\n')
			p++;
	}
	if (lx.st != TOP) {
		snprintf(err, errcap, "the dump ends inside a quoted string or comment");
		r = -3;
		goto out;
	}
	if (in_pre) {
		if ((s->preamble = siphon_strbuf_take(&cur)) == NULL)
			goto oom;
	} else if (add_block(s, &cur_h, &cur) != 0) {
		goto oom;
	}
	goto out;
oom:
	snprintf(err, errcap, "out of memory");
	r = -1;
out:
	header_clear(&cur_h);
	siphon_strbuf_free(&cur);
	if (r != 0)
		siphon_pg_script_clear(s);
	return r;
}

void
siphon_pg_script_clear(struct siphon_pg_script *s)
{
	int i;

	for (i = 0; i < s->nblocks; i++)
		siphon_pg_block_clear(&s->blocks[i]);
	free(s->blocks);
	free(s->preamble);
	memset(s, 0, sizeof(*s));
}

void
siphon_pg_block_clear(struct siphon_pg_block *b)
{
	free(b->type);
	free(b->sql);
	free(b->name);
	free(b->schema);
	memset(b, 0, sizeof(*b));
}

int
siphon_pg_block_phase(const char *type)
{
	if (strcmp(type, "INDEX") == 0 || strcmp(type, "CONSTRAINT") == 0)
		return 0;
	if (strcmp(type, "INDEX ATTACH") == 0)
		return 1;
	if (strcmp(type, "FK CONSTRAINT") == 0)
		return 2;
	/* What pg_restore leaves until after the privileges. */
	if (strcmp(type, "MATERIALIZED VIEW DATA") == 0)
		return SIPHON_PG_PHASE_MATVIEW;
	if (strcmp(type, "EVENT TRIGGER") == 0)
		return SIPHON_PG_PHASE_LAST;
	return 3;
}
