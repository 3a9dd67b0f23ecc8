/* my_keys.c - which keys of a SHOW CREATE TABLE wait for the load (my_keys.h says why). */
#include "engine/mysql/my_keys.h"

#include "engine/mysql/my_sql.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What an element of the definition list is. */
enum elem_kind {
	E_OTHER = 0,        /* a CHECK, a PERIOD, anything else: stays */
	E_COLUMN,
	E_PRIMARY,
	E_UNIQUE,
	E_PLAIN,            /* KEY, INDEX, SPATIAL KEY */
	E_FULLTEXT,
	E_FOREIGN,          /* CONSTRAINT ... FOREIGN KEY */
};

/* The order SHOW CREATE TABLE lists keys in: by this class first. */
enum key_class { C_UNIQUE = 0, C_PLAIN, C_FULLTEXT, C_NONE };

struct elem {
	enum elem_kind kind;
	size_t start, end;  /* its text */
	size_t cut;         /* where its removal starts: the comma before it */
	char *first;        /* a key's first column, a column's name, a foreign key's first column */
	struct siphon_my_tok name;  /* a key's name, as written (SIPHON_MY_TOK_END: none) */
	int autoinc;        /* a column: AUTO_INCREMENT */
	int special;        /* a key: USING HASH or WITHOUT OVERLAPS */
	enum { KEEP = 0, DEFER, REBUILD } fate;
};

struct elems {
	struct elem *v;
	int n;
};

static void
elems_free(struct elems *e)
{
	for (int i = 0; i < e->n; i++)
		free(e->v[i].first);
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

static int
is_punct(const char *s, struct siphon_my_tok t, char c)
{
	return t.kind == SIPHON_MY_TOK_PUNCT && s[t.start] == c;
}

/* A backquoted name without its quotes (doubled quotes undone), or NULL (not one; no memory: *oom). */
static char *
unquote(const char *s, struct siphon_my_tok t, int *oom)
{
	char *v;
	size_t i, k = 0;

	if (t.kind != SIPHON_MY_TOK_QUOTED || s[t.start] != '`' || t.end - t.start < 2 || s[t.end - 1] != '`')
		return NULL;
	if ((v = malloc(t.end - t.start)) == NULL) {
		*oom = 1;
		return NULL;
	}
	for (i = t.start + 1; i < t.end - 1; i++) {
		v[k++] = s[i];
		if (s[i] == '`' && s[i + 1] == '`')
			i++;
	}
	v[k] = '\0';
	return v;
}

/*
 * The first name inside the first parenthesis at or after *pos within
 * [.., end), or NULL; *name (if not NULL) the last quoted token before
 * that parenthesis (a key's name).
 */
static char *
first_in_parens(const char *s, size_t *pos, size_t end, struct siphon_my_tok *name, int *oom)
{
	struct siphon_my_tok t;

	for (t = siphon_my_next_tok(s, pos); t.kind != SIPHON_MY_TOK_END && t.start < end;
	     t = siphon_my_next_tok(s, pos)) {
		if (is_punct(s, t, '('))
			return unquote(s, siphon_my_next_tok(s, pos), oom);
		if (name != NULL && t.kind == SIPHON_MY_TOK_QUOTED)
			*name = t;
	}
	return NULL;
}

/* Reads element e (its text [e->start, e->end)): kind, first column, flags. */
static int
classify(const char *s, struct elem *e)
{
	size_t pos = e->start;
	struct siphon_my_tok t = siphon_my_next_tok(s, &pos), u;
	int oom = 0;

	if (t.kind == SIPHON_MY_TOK_QUOTED) {
		e->kind = E_COLUMN;
		e->first = unquote(s, t, &oom);
		for (u = siphon_my_next_tok(s, &pos); u.kind != SIPHON_MY_TOK_END && u.start < e->end;
		     u = siphon_my_next_tok(s, &pos))
			if (siphon_my_tok_is(s, u, "AUTO_INCREMENT"))
				e->autoinc = 1;
		return oom ? -1 : 0;
	}
	if (siphon_my_tok_is(s, t, "PRIMARY"))
		e->kind = E_PRIMARY;
	else if (siphon_my_tok_is(s, t, "UNIQUE"))
		e->kind = E_UNIQUE;
	else if (siphon_my_tok_is(s, t, "KEY") || siphon_my_tok_is(s, t, "INDEX") || siphon_my_tok_is(s, t, "SPATIAL"))
		e->kind = E_PLAIN;
	else if (siphon_my_tok_is(s, t, "FULLTEXT"))
		e->kind = E_FULLTEXT;
	else if (siphon_my_tok_is(s, t, "CONSTRAINT")) {
		/* CONSTRAINT `name` FOREIGN KEY (`c`, ...) REFERENCES ... */
		u = siphon_my_next_tok(s, &pos);
		if (u.kind == SIPHON_MY_TOK_QUOTED)
			u = siphon_my_next_tok(s, &pos);
		if (!siphon_my_tok_is(s, u, "FOREIGN"))
			return 0;
		e->kind = E_FOREIGN;
	} else
		return 0;
	e->first = first_in_parens(s, &pos, e->end, &e->name, &oom);
	if (e->kind == E_UNIQUE || e->kind == E_PLAIN) {
		pos = e->start;
		for (u = siphon_my_next_tok(s, &pos); u.kind != SIPHON_MY_TOK_END && u.start < e->end;
		     u = siphon_my_next_tok(s, &pos))
			if (siphon_my_tok_is(s, u, "HASH") || siphon_my_tok_is(s, u, "OVERLAPS"))
				e->special = 1;
	}
	return oom ? -1 : 0;
}

/*
 * The elements of the definition list (between the first parenthesis and
 * its match).  0; 1 when the text is not one siphon understands (nothing
 * read); -1 (no memory).
 */
static int
read_elems(const char *s, struct elems *out)
{
	struct siphon_my_tok t;
	size_t pos = 0, cut = 0;
	int depth = 0, cap = 0, r;
	struct elem *cur = NULL;

	memset(out, 0, sizeof(*out));
	for (t = siphon_my_next_tok(s, &pos); t.kind != SIPHON_MY_TOK_END; t = siphon_my_next_tok(s, &pos)) {
		if (is_punct(s, t, ')') && depth == 1)
			break;
		if (is_punct(s, t, '(') && depth++ == 0) {
			cut = t.end;
			continue;
		}
		if (is_punct(s, t, ')') && depth-- == 0)
			break;          /* a ')' before any '(': not a CREATE TABLE */
		if (depth == 0)
			continue;
		if (depth == 1 && is_punct(s, t, ',')) {
			cur = NULL;
			cut = t.start;
			continue;
		}
		if (cur == NULL) {
			if (out->n == cap) {
				struct elem *v = realloc(out->v, (size_t)(cap = cap * 2 + 8) * sizeof(*v));

				if (v == NULL)
					goto oom;
				out->v = v;
			}
			cur = &out->v[out->n++];
			memset(cur, 0, sizeof(*cur));
			cur->start = t.start;
			cur->cut = cut;
		}
		cur->end = t.end;
	}
	/* No list, or no end to it. */
	if (t.kind == SIPHON_MY_TOK_END || depth != 1 || out->n == 0) {
		elems_free(out);
		return 1;
	}
	for (int i = 0; i < out->n; i++)
		if ((r = classify(s, &out->v[i])) != 0) {
			elems_free(out);
			return r;
		}
	return 0;
oom:
	elems_free(out);
	return -1;
}

void
siphon_my_fkends_clear(struct siphon_my_fkends *e)
{
	for (int i = 0; i < e->n; i++) {
		free(e->v[i].table);
		free(e->v[i].column);
	}
	free(e->v);
	memset(e, 0, sizeof(*e));
}

/* Takes table and column (either may be NULL: then both are freed, nothing added). */
static int
fkends_add(struct siphon_my_fkends *e, char *table, char *column)
{
	if (table == NULL || column == NULL) {
		free(table);
		free(column);
		return 0;
	}
	if (e->n == e->cap) {
		struct siphon_my_fkend *v = realloc(e->v, (size_t)(e->cap * 2 + 8) * sizeof(*v));

		if (v == NULL) {
			free(table);
			free(column);
			return -1;
		}
		e->v = v;
		e->cap = e->cap * 2 + 8;
	}
	e->v[e->n].table = table;
	e->v[e->n++].column = column;
	return 0;
}

/* The referenced end of the foreign key e: REFERENCES [`db`.]`table` (`column`, ...). */
static int
add_referenced(const char *s, const struct elem *e, const char *db, struct siphon_my_fkends *ends)
{
	size_t pos = e->start, p2;
	struct siphon_my_tok t, dot;
	char *a = NULL, *b = NULL;
	int oom = 0;

	for (t = siphon_my_next_tok(s, &pos); t.kind != SIPHON_MY_TOK_END && t.start < e->end;
	     t = siphon_my_next_tok(s, &pos))
		if (siphon_my_tok_is(s, t, "REFERENCES"))
			break;
	if (!siphon_my_tok_is(s, t, "REFERENCES"))
		return 0;
	if ((a = unquote(s, siphon_my_next_tok(s, &pos), &oom)) == NULL)
		return oom ? -1 : 0;
	p2 = pos;
	dot = siphon_my_next_tok(s, &p2);
	if (is_punct(s, dot, '.')) {
		/* Qualified: another database's table is none of this copy's. */
		pos = p2;
		if ((b = unquote(s, siphon_my_next_tok(s, &pos), &oom)) == NULL || strcmp(a, db) != 0) {
			free(a);
			free(b);
			return oom ? -1 : 0;
		}
		free(a);
		a = b;
	}
	return fkends_add(ends, a, first_in_parens(s, &pos, e->end, NULL, &oom)) != 0 || oom ? -1 : 0;
}

int
siphon_my_fk_referenced(const char *create, const char *db, struct siphon_my_fkends *ends)
{
	struct elems el;
	int r;

	if ((r = read_elems(create, &el)) != 0)
		return r < 0 ? -1 : 0;
	for (int i = 0; r == 0 && i < el.n; i++)
		if (el.v[i].kind == E_FOREIGN)
			r = add_referenced(create, &el.v[i], db, ends);
	elems_free(&el);
	return r;
}

static enum key_class
class_of(enum elem_kind k)
{
	switch (k) {
	case E_PRIMARY:
	case E_UNIQUE: return C_UNIQUE;
	case E_PLAIN: return C_PLAIN;
	case E_FULLTEXT: return C_FULLTEXT;
	default: return C_NONE;
	}
}

static int
same_name(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

/* Must key e stay in the CREATE whatever its place? */
static int
needed(const struct elems *el, const struct elem *e, int has_pk, const char *table,
       const struct siphon_my_fkends *referenced)
{
	if ((e->kind != E_UNIQUE && e->kind != E_PLAIN) || e->special || (e->kind == E_UNIQUE && !has_pk))
		return 1;
	/* A functional key part leads: no column of a foreign key or of AUTO_INCREMENT. */
	if (e->first == NULL)
		return 0;
	for (int i = 0; i < el->n; i++)
		if ((el->v[i].kind == E_FOREIGN || (el->v[i].kind == E_COLUMN && el->v[i].autoinc)) &&
		    same_name(el->v[i].first, e->first))
			return 1;
	for (int i = 0; referenced != NULL && i < referenced->n; i++)
		if (same_name(referenced->v[i].table, table) && same_name(referenced->v[i].column, e->first))
			return 1;
	return 0;
}

/*
 * Decides each key's fate.  A key that may wait waits; one that must be
 * there for the load but comes after a waiting key of its class is made
 * again by the same ALTER (dropped and added), so that the keys are
 * listed in their first order.  0, or 1 when that cannot be done (a key
 * without a name to drop it by) or costs more than it saves (more keys
 * made again than wait): then nothing waits.
 */
static int
decide(struct elems *el, const char *table, const struct siphon_my_fkends *referenced)
{
	int has_pk = 0, blocked[C_NONE] = {0}, waiting[C_NONE] = {0}, defer = 0, rebuild = 0;

	for (int i = 0; i < el->n; i++) {
		has_pk |= el->v[i].kind == E_PRIMARY;
		/* Special keys have places of their own in the order: their class keeps everything. */
		if (el->v[i].special)
			blocked[class_of(el->v[i].kind)] = 1;
	}
	for (int i = 1; i < el->n; i++) {
		struct elem *e = &el->v[i];
		enum key_class c = class_of(e->kind);

		if ((e->kind != E_UNIQUE && e->kind != E_PLAIN) || blocked[c])
			continue;
		if (!needed(el, e, has_pk, table, referenced)) {
			e->fate = DEFER;
			waiting[c] = 1;
			defer++;
		} else if (waiting[c]) {
			if (e->name.kind != SIPHON_MY_TOK_QUOTED)
				return 1;
			e->fate = REBUILD;
			rebuild++;
		}
	}
	return rebuild > defer;
}

int
siphon_my_defer_keys(const char *create, const char *table, const struct siphon_my_fkends *referenced,
                     struct siphon_strbuf *create_out, struct siphon_strbuf *add_out, int *n)
{
	struct elems el;
	int r, clauses = 0;
	size_t done = 0;

	*n = 0;
	if ((r = read_elems(create, &el)) != 0)
		return r < 0 ? -1 : siphon_strbuf_puts(create_out, create);
	if (decide(&el, table, referenced) != 0) {
		elems_free(&el);
		return siphon_strbuf_puts(create_out, create);
	}
	/* DROP first: the ADD of the same name comes after, in the keys' order. */
	for (int i = 0; r == 0 && i < el.n; i++) {
		const struct elem *e = &el.v[i];

		if (e->fate == REBUILD)
			r = siphon_strbuf_puts(add_out, clauses++ > 0 ? ", DROP KEY " : "DROP KEY ") != 0 ||
			    siphon_strbuf_append(add_out, create + e->name.start, e->name.end - e->name.start) != 0 ? -1 : 0;
	}
	for (int i = 0; r == 0 && i < el.n; i++) {
		const struct elem *e = &el.v[i];

		if (e->fate == KEEP)
			continue;
		r = siphon_strbuf_puts(add_out, clauses++ > 0 ? ", ADD " : "ADD ") != 0 ||
		    siphon_strbuf_append(add_out, create + e->start, e->end - e->start) != 0 ? -1 : 0;
		if (e->fate == DEFER) {
			r = r != 0 || siphon_strbuf_append(create_out, create + done, e->cut - done) != 0 ? -1 : 0;
			done = e->end;
			(*n)++;
		}
	}
	if (r == 0)
		r = siphon_strbuf_puts(create_out, create + done);
	elems_free(&el);
	return r;
}
