/* pg_script.c - a quoting-aware splitter for pg_dump's plain scripts. */
#include "engine/postgres/pg_script.h"

#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum lexstate { TOP = 0, SQUOTE, ESQUOTE, DQUOTE, DOLLAR, BLOCKCOMMENT };

#define lexer siphon_pg_lexer

/* Can c continue an identifier?  "$" can, as psql's lexer agrees. */
static int
is_ident(char c)
{
	return ((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* Length of a dollar-quote opener at p ("$$" or "$tag$"), 0 if none. */
static size_t
dollar_tag(const char *p, const char *prev)
{
	size_t i = 1;

	/* "$1" is a parameter, and "a$b$" is an identifier: not quotes. */
	if (prev != NULL && is_ident(*prev))
		return 0;
	if (p[1] >= '0' && p[1] <= '9')
		return 0;
	while (p[i] != '\0' && p[i] != '$') {
		char c = p[i];

		if (!(((c | 32) >= 'a' && (c | 32) <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || (unsigned char)c >= 0x80))
			return 0;
		i++;
	}
	return p[i] == '$' ? i + 1 : 0;
}

/* Advances the lexer over one line (without its newline). */
void
siphon_pg_lex_line(struct lexer *lx, const char *s, size_t len)
{
	size_t i = 0, t;

	while (i < len) {
		const char *p = s + i;

		switch (lx->st) {
		case TOP:
			if (p[0] == '-' && i + 1 < len && p[1] == '-')
				return;         /* a line comment ends the line */
			if (p[0] == '/' && i + 1 < len && p[1] == '*') {
				lx->st = BLOCKCOMMENT;
				lx->depth = 1;
				i += 2;
				continue;
			}
			if (p[0] == '\\') {
				/* psql runs a backslash command anywhere outside quotes. */
				lx->meta = 1;
				i++;
				continue;
			}
			if (p[0] == '\'') {
				/* E'...' only when the E starts a token: xe'..' is xe then '..'. */
				lx->st = (i > 0 && (p[-1] == 'E' || p[-1] == 'e') &&
				          !(i > 1 && is_ident(p[-2]))) ? ESQUOTE : SQUOTE;
				i++;
				continue;
			}
			if (p[0] == '"') {
				lx->st = DQUOTE;
				i++;
				continue;
			}
			if (p[0] == '$' && (t = dollar_tag(p, i > 0 ? p - 1 : NULL)) > 0 &&
			    t < sizeof(lx->tag) && i + t <= len) {
				memcpy(lx->tag, p, t);
				lx->taglen = t;
				lx->st = DOLLAR;
				i += t;
				continue;
			}
			i++;
			break;
		case SQUOTE:
		case ESQUOTE:
			if (lx->st == ESQUOTE && p[0] == '\\') {
				i += 2;
				continue;
			}
			if (p[0] == '\'') {
				if (i + 1 < len && p[1] == '\'') {
					i += 2;
					continue;
				}
				lx->st = TOP;
			}
			i++;
			break;
		case DQUOTE:
			if (p[0] == '"')
				lx->st = TOP;   /* "" reopens at once: same result */
			i++;
			break;
		case DOLLAR:
			if (p[0] == '$' && len - i >= lx->taglen &&
			    memcmp(p, lx->tag, lx->taglen) == 0) {
				lx->st = TOP;
				i += lx->taglen;
				continue;
			}
			i++;
			break;
		case BLOCKCOMMENT:
			if (p[0] == '/' && i + 1 < len && p[1] == '*') {
				lx->depth++;
				i += 2;
				continue;
			}
			if (p[0] == '*' && i + 1 < len && p[1] == '/') {
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

static int
starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/*
 * "-- Name: x; Type: INDEX; Schema: s; Owner: o" -> "INDEX".  A name can hold
 * "; Type: ", so the type is the last one that is followed by "; Schema: ".
 */
static char *
header_type(const char *s, size_t len)
{
	const char *t, *end, *best = NULL, *best_end = NULL;
	const char *lim = s + len;

	if (!starts(s, len, "-- Name: "))
		return NULL;
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
		return NULL;
	return strndup(best, (size_t)(best_end - best));
}

static int
add_block(struct siphon_pg_script *s, char *type, struct siphon_strbuf *sql)
{
	struct siphon_pg_block *nb;

	nb = realloc(s->blocks, (size_t)(s->nblocks + 1) * sizeof(*nb));
	if (nb == NULL)
		return -1;
	s->blocks = nb;
	nb[s->nblocks].type = type;
	nb[s->nblocks].sql = siphon_strbuf_take(sql);
	if (nb[s->nblocks].sql == NULL)
		return -1;
	s->nblocks++;
	return 0;
}

int
siphon_pg_script_split(struct siphon_pg_script *s, const char *text,
                       char *err, size_t errcap)
{
	struct siphon_strbuf cur = {0};
	struct lexer lx = {0};
	const char *p = text;
	char *type = NULL, *t;
	int r = 0, lineno = 0, in_pre = 1;

	memset(s, 0, sizeof(*s));
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");

		lineno++;
		if (lx.st == TOP) {
			if (p[0] == '\\') {
				if (starts(p, len, "\\restrict ") || starts(p, len, "\\unrestrict "))
					goto next;
				snprintf(err, errcap, "line %d of the dump is a psql command (%.*s); refusing to run it",
				         lineno, (int)(len > 40 ? 40 : len), p);
				r = -2;
				goto out;
			}
			if ((t = header_type(p, len)) != NULL) {
				/* The entry before this header is complete. */
				if (in_pre) {
					if ((s->preamble = siphon_strbuf_take(&cur)) == NULL)
						goto oom;
					in_pre = 0;
				} else if (add_block(s, type, &cur) != 0) {
					free(t);
					goto oom;
				}
				type = t;
				goto next;
			}
		}
		siphon_pg_lex_line(&lx, p, len);
		if (lx.meta) {
			snprintf(err, errcap, "line %d of the dump holds a psql command (%.*s); refusing to run it",
			         lineno, (int)(len > 40 ? 40 : len), p);
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
	} else {
		if (add_block(s, type, &cur) != 0)
			goto oom;
		type = NULL;
	}
	goto out;
oom:
	snprintf(err, errcap, "out of memory");
	r = -1;
out:
	if (r != 0 && type != NULL)
		free(type);
	siphon_strbuf_free(&cur);
	if (r != 0)
		siphon_pg_script_clear(s);
	return r;
}

void
siphon_pg_script_clear(struct siphon_pg_script *s)
{
	int i;

	for (i = 0; i < s->nblocks; i++) {
		free(s->blocks[i].type);
		free(s->blocks[i].sql);
	}
	free(s->blocks);
	free(s->preamble);
	memset(s, 0, sizeof(*s));
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
	return 3;
}
