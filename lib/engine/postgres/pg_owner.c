/* pg_owner.c - leaving out ownership that the workstation cannot honour. */
#include "engine/postgres/pg_owner.h"

#include "engine/postgres/pg_local.h"
#include "util/sql.h"

#include <stdlib.h>
#include <string.h>

/* A line longer than this cannot be an OWNER TO statement worth keeping whole. */
#define LINE_MAX_BYTES ((size_t)64 * 1024 * 1024)
/* Stop taking input while this much waits for the local psql. */
#define QUEUE_MAX ((size_t)1024 * 1024)

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
siphon_pg_roles_sort(struct siphon_pg_roles *roles)
{
	if (roles->n > 1)
		qsort(roles->names, (size_t)roles->n, sizeof(*roles->names), cmp_str);
}

int
siphon_pg_roles_has(const struct siphon_pg_roles *roles, const char *name)
{
	return roles->n > 0 &&
	       bsearch(&name, roles->names, (size_t)roles->n, sizeof(*roles->names),
	               cmp_str) != NULL;
}

void
siphon_pg_roles_clear(struct siphon_pg_roles *roles)
{
	for (int i = 0; i < roles->n; i++)
		free(roles->names[i]);
	free(roles->names);
	roles->names = NULL;
	roles->n = 0;
}

int
siphon_pg_roles_load(struct siphon_ctx *ctx, struct siphon_pg_roles *roles)
{
	char *out = NULL, *p, **nn;
	int r;

	/* Roles the local user may give objects to: all of them for a superuser. */
	if ((r = siphon_pg_local_query(ctx, "postgres",
	        "SELECT encode(convert_to(rolname, 'UTF8'), 'hex') FROM pg_catalog.pg_roles "
	        "WHERE pg_catalog.pg_has_role(current_user, oid, 'MEMBER');", &out)) != 0)
		return r;
	for (p = out; *p != '\0';) {
		size_t len = strcspn(p, "\n");
		char *name = NULL;

		if (len > 0 && siphon_hex_decode(p, len, &name) == 0) {
			if ((nn = realloc(roles->names, (size_t)(roles->n + 1) * sizeof(*nn))) == NULL) {
				free(name);
				free(out);
				return siphon_err_oom(ctx);
			}
			roles->names = nn;
			roles->names[roles->n++] = name;
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	free(out);
	siphon_pg_roles_sort(roles);
	return 0;
}

/*
 * Reads one identifier at p (quoted, or bare up to a blank, ',' or ';') into
 * a new string; sets *next after it.  NULL when there is none.
 */
static char *
read_ident(const char *p, const char *end, const char **next)
{
	struct siphon_strbuf sb = {0};

	if (p >= end)
		return NULL;
	if (*p == '"') {
		for (p++; p < end; p++) {
			if (*p == '"') {
				if (p + 1 < end && p[1] == '"')
					p++;
				else
					break;
			}
			if (siphon_strbuf_append(&sb, p, 1) != 0)
				goto bad;
		}
		if (p >= end)
			goto bad;
		p++;
	} else {
		const char *s = p;

		while (p < end && *p != ' ' && *p != ',' && *p != ';')
			p++;
		if (p == s || siphon_strbuf_append(&sb, s, (size_t)(p - s)) != 0)
			goto bad;
	}
	*next = p;
	return siphon_strbuf_take(&sb);
bad:
	siphon_strbuf_free(&sb);
	return NULL;
}

/* 1 when the identifier at p names a role that is neither PUBLIC nor in roles. */
static int
missing_role_at(const char *p, const char *end, const struct siphon_pg_roles *roles)
{
	const char *next;
	char *name = read_ident(p, end, &next);
	int missing;

	if (name == NULL)
		return 0;
	/* Unquoted PUBLIC is the pseudo-role; a quoted "PUBLIC" would be a role. */
	missing = !(strcmp(name, "PUBLIC") == 0 && *p != '"') && !siphon_pg_roles_has(roles, name);
	free(name);
	return missing;
}

/* Does the line (len bytes, not NUL-terminated) start with prefix? */
static int
has_prefix(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(line, prefix, n) == 0;
}

static const char *
last_of(const char *s, const char *end, const char *key)
{
	size_t n = strlen(key);
	const char *hit = NULL;

	for (const char *p = s; p + n <= end; p++)
		if (memcmp(p, key, n) == 0)
			hit = p;
	return hit;
}

/* The role of "ALTER ... OWNER TO role;", unquoted, into a new string; NULL if none. */
static char *
owner_role(const char *line, size_t len)
{
	const char *end, *hit, *next;
	char *name;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
		len--;
	if (len < 7 || !has_prefix(line, len, "ALTER ") || line[len - 1] != ';')
		return NULL;
	end = line + len - 1;
	if ((hit = last_of(line, end, " OWNER TO ")) == NULL)
		return NULL;
	hit += strlen(" OWNER TO ");
	/* The role must end the statement; a bare name holds no quote. */
	name = read_ident(hit, end, &next);
	if (name != NULL && (next != end || (*hit != '"' && strchr(name, '"') != NULL))) {
		free(name);
		name = NULL;
	}
	return name;
}

int
siphon_pg_owner_drop(const char *line, size_t len, const struct siphon_pg_roles *roles)
{
	char *role = owner_role(line, len);
	int drop;

	if (role == NULL)
		return 0;
	drop = !siphon_pg_roles_has(roles, role);
	free(role);
	return drop;
}

int
siphon_pg_acl_drop(const char *line, size_t len, const struct siphon_pg_roles *roles)
{
	const char *end, *p, *to, *from;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
		len--;
	if (len < 2 || line[len - 1] != ';')
		return 0;
	end = line + len - 1;
	if (has_prefix(line, len, "SET SESSION AUTHORIZATION "))
		return missing_role_at(line + 26, end, roles);
	if (!has_prefix(line, len, "GRANT ") && !has_prefix(line, len, "REVOKE ") &&
	    !has_prefix(line, len, "ALTER DEFAULT PRIVILEGES "))
		return 0;
	if ((p = last_of(line, end, " FOR ROLE ")) != NULL &&
	    missing_role_at(p + 10, end, roles))
		return 1;
	/* The grantee: after the last " TO " or " FROM ", whichever comes later. */
	to = last_of(line, end, " TO ");
	from = last_of(line, end, " FROM ");
	if (to == NULL && from == NULL)
		return 0;
	if (from == NULL || (to != NULL && to > from))
		p = to + 4;
	else
		p = from + 6;
	while (p < end && *p == ' ')
		p++;
	return missing_role_at(p, end, roles);
}

typedef int (*drop_fn)(const char *, size_t, const struct siphon_pg_roles *);

/*
 * Advances the lexer over one line: 1 when the line is a whole statement at
 * the top level (never inside a literal or a body) that drop() rejects, 2
 * when it is one of pg_dump's \restrict lines, 0 to keep it.
 */
static int
drop_line(struct siphon_pg_lexer *lx, const char *line, size_t len, drop_fn drop,
          const struct siphon_pg_roles *roles)
{
	int top = lx->st == 0;

	/* pg_dump's own \restrict lines go: siphon writes its own. */
	if (top && siphon_pg_is_restrict_line(line, len))
		return 2;
	siphon_pg_lex_line(lx, line, len);
	return top && lx->st == 0 && drop(line, len, roles);
}

/* Filters the lines of text that drop() rejects, at the top level only. */
static char *
filter_text(const char *text, const struct siphon_pg_roles *roles, int *dropped,
            drop_fn drop)
{
	struct siphon_pg_lexer lx;
	struct siphon_strbuf out = {0};
	const char *p = text;

	memset(&lx, 0, sizeof(lx));
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");

		int d = drop_line(&lx, p, len, drop, roles);

		if (d != 0) {
			*dropped += d == 1;
		} else if (siphon_strbuf_append(&out, p, len) != 0 ||
		           (p[len] == '\n' && siphon_strbuf_append(&out, "\n", 1) != 0)) {
			siphon_strbuf_free(&out);
			return NULL;
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	return siphon_strbuf_take(&out);
}

char *
siphon_pg_acl_filter_text(const char *text, const struct siphon_pg_roles *roles,
                          int *dropped)
{
	return filter_text(text, roles, dropped, siphon_pg_acl_drop);
}

char *
siphon_pg_owner_filter_text(const char *text, const struct siphon_pg_roles *roles,
                            int *dropped)
{
	return filter_text(text, roles, dropped, siphon_pg_owner_drop);
}

static int
emit_line(struct siphon_pg_owner_sink *f, const char *line, size_t len, int nl)
{
	int d = drop_line(&f->lx, line, len, siphon_pg_owner_drop, f->roles);
	const char *why = siphon_pg_lex_refusal(&f->lx);

	f->lineno++;
	if (why != NULL)
		return siphon_err(f->ctx, SIPHON_EREMOTE, "line %lu of the schema dump %s (%.*s); refusing to run it",
		                  f->lineno, why, (int)(len > 40 ? 40 : len), line);
	if (d != 0) {
		f->dropped += d == 1;
		return 0;
	}
	if (siphon_proc_queue(f->proc, line, len) != 0 ||
	    (nl && siphon_proc_queue(f->proc, "\n", 1) != 0))
		return siphon_err_oom(f->ctx);
	return 0;
}

static ssize_t
owner_write(void *arg, const unsigned char *buf, size_t len)
{
	struct siphon_pg_owner_sink *f = arg;
	const unsigned char *nl;
	size_t used = 0, n;
	int r;

	if (f->proc->inq.len - f->proc->inq_off > QUEUE_MAX)
		return 0;       /* the local psql is behind: hold back */
	while (used < len) {
		nl = memchr(buf + used, '\n', len - used);
		n = nl != NULL ? (size_t)(nl - (buf + used)) : len - used;
		if (f->line.len + n > LINE_MAX_BYTES)
			return siphon_err(f->ctx, SIPHON_ELOCAL,
			                  "a line of the schema dump is longer than %zu MB; siphon cannot filter it",
			                  LINE_MAX_BYTES >> 20);
		if (nl == NULL) {
			if (siphon_strbuf_append(&f->line, buf + used, n) != 0)
				return siphon_err_oom(f->ctx);
			return (ssize_t)len;
		}
		if (f->line.len > 0) {
			if (siphon_strbuf_append(&f->line, buf + used, n) != 0)
				return siphon_err_oom(f->ctx);
			r = emit_line(f, f->line.buf, f->line.len, 1);
			siphon_strbuf_reset(&f->line);
		} else {
			r = emit_line(f, (const char *)buf + used, n, 1);
		}
		if (r != 0)
			return r;
		used += n + 1;
	}
	return (ssize_t)len;
}

static int
owner_finish(void *arg)
{
	struct siphon_pg_owner_sink *f = arg;
	int r = 0;

	if (f->line.len > 0)
		r = emit_line(f, f->line.buf, f->line.len, 0);
	siphon_strbuf_free(&f->line);
	siphon_proc_close_stdin(f->proc);
	return r;
}

void
siphon_pg_owner_sink(struct siphon_sink *s, struct siphon_pg_owner_sink *f)
{
	s->write = owner_write;
	s->finish = owner_finish;
	s->arg = f;
}
