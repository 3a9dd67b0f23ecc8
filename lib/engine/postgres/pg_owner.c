/* pg_owner.c - leaving out ownership that the workstation cannot honour. */
#include "engine/postgres/pg_owner.h"

#include "engine/postgres/pg_local.h"
#include "util/hex.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* Appends name (taken) to roles.  0 or -1 (no memory; name freed). */
static int
roles_push(struct siphon_pg_roles *roles, char *name)
{
	char **nn = realloc(roles->names, (size_t)(roles->n + 1) * sizeof(*nn));

	if (nn == NULL) {
		free(name);
		return -1;
	}
	roles->names = nn;
	roles->names[roles->n++] = name;
	return 0;
}

int
siphon_pg_roles_load(struct siphon_ctx *ctx, struct siphon_pg_roles *member,
                     struct siphon_pg_roles *all)
{
	char *out = NULL, *p;
	int r;

	/*
	 * Every role, and whether the local user may give objects to it (a
	 * member of it: all of them for a superuser).  One session for both.
	 */
	if ((r = siphon_pg_local_query(ctx, "postgres",
	        "SELECT encode(convert_to(rolname, 'UTF8'), 'hex'), "
	        "pg_catalog.pg_has_role(current_user, oid, 'MEMBER') FROM pg_catalog.pg_roles;", &out)) != 0)
		return r;
	for (p = out; *p != '\0';) {
		size_t len = strcspn(p, "\n"), hexlen = strcspn(p, "|\n");
		char *name = NULL, *copy = NULL;

		if (hexlen > 0 && hexlen < len && siphon_hex_decode(p, hexlen, &name) == 0) {
			if (p[hexlen + 1] == 't' && (copy = strdup(name)) == NULL) {
				free(name);
				goto oom;
			}
			if (roles_push(all, name) != 0) {
				free(copy);
				goto oom;
			}
			if (copy != NULL && roles_push(member, copy) != 0)
				goto oom;
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	free(out);
	siphon_pg_roles_sort(member);
	siphon_pg_roles_sort(all);
	return 0;
oom:
	free(out);
	return siphon_err_oom(ctx);
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

/* The roles that exist here, for grantees: roles->existing, else roles itself. */
static const struct siphon_pg_roles *
existing(const struct siphon_pg_roles *roles)
{
	return roles->existing != NULL ? roles->existing : roles;
}

/*
 * The role named by the identifier at p when it is neither PUBLIC nor in
 * roles (a new string), else NULL.  Bare PUBLIC in any case is the
 * pseudo-role (pg_dump writes "TO PUBLIC" in privileges, "FOR public" in
 * user mappings); a quoted "PUBLIC" would be a role.
 */
static char *
missing_role_at(const char *p, const char *end, const struct siphon_pg_roles *roles)
{
	const char *next;
	char *name = read_ident(p, end, &next);

	if (name == NULL)
		return NULL;
	if ((*p != '"' && strcasecmp(name, "public") == 0) || siphon_pg_roles_has(roles, name)) {
		free(name);
		return NULL;
	}
	return name;
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

/* 1 when a role was found (and frees it), else 0. */
static int
took(char *role)
{
	int found = role != NULL;

	free(role);
	return found;
}

/* The role of an OWNER TO line when the local server lacks it, else NULL. */
static char *
owner_missing(const char *line, size_t len, const struct siphon_pg_roles *roles)
{
	char *role = owner_role(line, len);

	if (role != NULL && siphon_pg_roles_has(roles, role)) {
		free(role);
		role = NULL;
	}
	return role;
}

int
siphon_pg_owner_drop(const char *line, size_t len, const struct siphon_pg_roles *roles)
{
	return took(owner_missing(line, len, roles));
}

/* The missing role a privilege statement names, else NULL. */
static char *
acl_missing(const char *line, size_t len, const struct siphon_pg_roles *roles)
{
	const char *end, *p, *to, *from;
	char *who;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
		len--;
	if (len < 2 || line[len - 1] != ';')
		return NULL;
	end = line + len - 1;
	if (has_prefix(line, len, "SET SESSION AUTHORIZATION "))
		return missing_role_at(line + 26, end, roles);
	if (!has_prefix(line, len, "GRANT ") && !has_prefix(line, len, "REVOKE ") &&
	    !has_prefix(line, len, "ALTER DEFAULT PRIVILEGES "))
		return NULL;
	if ((p = last_of(line, end, " FOR ROLE ")) != NULL &&
	    (who = missing_role_at(p + 10, end, roles)) != NULL)
		return who;
	/* The grantee (any role that exists): after the last " TO " or " FROM ", whichever comes later. */
	to = last_of(line, end, " TO ");
	from = last_of(line, end, " FROM ");
	if (to == NULL && from == NULL)
		return NULL;
	if (from == NULL || (to != NULL && to > from))
		p = to + 4;
	else
		p = from + 6;
	while (p < end && *p == ' ')
		p++;
	return missing_role_at(p, end, existing(roles));
}

int
siphon_pg_acl_drop(const char *line, size_t len, const struct siphon_pg_roles *roles)
{
	return took(acl_missing(line, len, roles));
}

/*
 * The missing role of pg_dump's "CREATE USER MAPPING FOR role SERVER s ..."
 * (its OPTIONS may go on over several lines), else NULL.
 */
static char *
mapping_missing(const char *line, size_t len, const struct siphon_pg_roles *roles)
{
	static const char prefix[] = "CREATE USER MAPPING FOR ";
	const char *end = line + len;

	if (!has_prefix(line, len, prefix))
		return NULL;
	return missing_role_at(line + sizeof(prefix) - 1, end, existing(roles));
}

int
siphon_pg_mapping_drop(const char *line, size_t len, const struct siphon_pg_roles *roles)
{
	return took(mapping_missing(line, len, roles));
}

int
siphon_pg_roles_add(struct siphon_pg_roles *roles, const char *name)
{
	char **nn, *copy;
	int i;

	if (siphon_pg_roles_has(roles, name))
		return 0;
	if ((copy = strdup(name)) == NULL ||
	    (nn = realloc(roles->names, (size_t)(roles->n + 1) * sizeof(*nn))) == NULL) {
		free(copy);
		return -1;
	}
	roles->names = nn;
	/* Kept sorted: insert in place. */
	for (i = roles->n; i > 0 && strcmp(roles->names[i - 1], copy) > 0; i--)
		roles->names[i] = roles->names[i - 1];
	roles->names[i] = copy;
	roles->n++;
	return 0;
}

void
siphon_pg_dropped_clear(struct siphon_pg_dropped *d)
{
	siphon_pg_roles_clear(&d->missing);
	memset(d, 0, sizeof(*d));
}

/* Counts one left-out statement naming who (taken). 0 or -1 (memory). */
static int
note_drop(struct siphon_pg_dropped *d, int *count, char *who)
{
	int r = siphon_pg_roles_add(&d->missing, who);

	free(who);
	(*count)++;
	return r;
}

enum filter_kind { FILTER_OWNER, FILTER_ACL };

/* Does the line end a statement (its last byte, blanks aside, a ';')? */
static int
ends_statement(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
		len--;
	return len > 0 && line[len - 1] == ';';
}

/*
 * Advances the lexer over one line: 1 when the line is left out (a whole
 * statement at the top level, never inside a literal or a body, that names
 * a role the local server lacks, or a line of such a user mapping), 2 when
 * it is one of pg_dump's \restrict lines, 0 to keep it, -1 out of memory.
 */
static int
drop_line(struct siphon_pg_filter *f, const char *line, size_t len, enum filter_kind kind,
          const struct siphon_pg_roles *roles, struct siphon_pg_dropped *d)
{
	int top = f->lx.st == 0;
	char *who;

	if (f->in_mapping) {
		/* The rest of a user mapping being left out. */
		siphon_pg_lex_line(&f->lx, line, len);
		if (f->lx.st == 0 && ends_statement(line, len))
			f->in_mapping = 0;
		return 1;
	}
	/* pg_dump's own \restrict lines go: siphon writes its own. */
	if (top && siphon_pg_is_restrict_line(line, len))
		return 2;
	siphon_pg_lex_line(&f->lx, line, len);
	if (!top)
		return 0;
	if (kind == FILTER_OWNER && (who = mapping_missing(line, len, roles)) != NULL) {
		f->in_mapping = !(f->lx.st == 0 && ends_statement(line, len));
		return note_drop(d, &d->mappings, who) == 0 ? 1 : -1;
	}
	if (f->lx.st != 0)
		return 0;
	if (kind == FILTER_OWNER && (who = owner_missing(line, len, roles)) != NULL)
		return note_drop(d, &d->owners, who) == 0 ? 1 : -1;
	if (kind == FILTER_ACL && (who = acl_missing(line, len, roles)) != NULL)
		return note_drop(d, &d->acls, who) == 0 ? 1 : -1;
	return 0;
}

/* Filters the lines of text that drop_line() rejects. */
static char *
filter_text(const char *text, const struct siphon_pg_roles *roles,
            struct siphon_pg_dropped *dropped, enum filter_kind kind)
{
	struct siphon_pg_filter f;
	struct siphon_strbuf out = {0};
	const char *p = text;

	memset(&f, 0, sizeof(f));
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		int d = drop_line(&f, p, len, kind, roles, dropped);

		if (d < 0 ||
		    (d == 0 && (siphon_strbuf_append(&out, p, len) != 0 ||
		                (p[len] == '\n' && siphon_strbuf_append(&out, "\n", 1) != 0)))) {
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
                          struct siphon_pg_dropped *dropped)
{
	return filter_text(text, roles, dropped, FILTER_ACL);
}

char *
siphon_pg_owner_filter_text(const char *text, const struct siphon_pg_roles *roles,
                            struct siphon_pg_dropped *dropped)
{
	return filter_text(text, roles, dropped, FILTER_OWNER);
}

/*
 * Skips one name at p, quoted parts and dots included ("s"."t", s.t,
 * "a b".c); returns where it ends (p when there is none).
 */
static const char *
skip_name(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != ',' && *p != ';') {
		if (*p == '"') {
			for (p++; p < end; p++) {
				if (*p == '"' && !(p + 1 < end && p[1] == '"'))
					break;
				if (*p == '"')
					p++;
			}
			if (p >= end)
				return end;
		}
		p++;
	}
	return p;
}

/* If p starts with word, the position after it; else NULL. */
static const char *
eat(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) >= n && memcmp(p, word, n) == 0 ? p + n : NULL;
}

/*
 * Rewrites one "CREATE POLICY name ON table [AS RESTRICTIVE] [FOR cmd] TO
 * roles ..." line (pg_dump's form) into out without the missing roles.
 * 0 nothing to change, 1 rewritten, 2 no role left, -1 memory, -2 not that
 * form.
 */
static int
policy_line(const char *line, size_t len, const struct siphon_pg_roles *roles,
            struct siphon_strbuf *out, struct siphon_strbuf *what, struct siphon_strbuf *gone)
{
	const char *end = line + len, *p, *q, *list;
	int kept = 0, dropped = 0;

	if ((p = eat(line, end, "CREATE POLICY ")) == NULL)
		return -2;
	if ((q = skip_name(p, end)) == p || (q = eat(q, end, " ON ")) == NULL)
		return -2;
	if ((p = skip_name(q, end)) == q)
		return -2;
	if (siphon_strbuf_append(what, line + 14, (size_t)(p - (line + 14))) != 0)
		return -1;
	if ((q = eat(p, end, " AS RESTRICTIVE")) != NULL)
		p = q;
	if ((q = eat(p, end, " FOR ")) != NULL && (p = skip_name(q, end)) == q)
		return -2;
	if ((list = eat(p, end, " TO ")) == NULL)
		return -2;
	if (siphon_strbuf_append(out, line, (size_t)(list - line)) != 0)
		return -1;
	for (p = list;;) {
		char *who = missing_role_at(p, end, existing(roles));

		if ((q = skip_name(p, end)) == p)
			return -2;
		if (who != NULL) {
			int r = (gone->len > 0 && siphon_strbuf_puts(gone, ", ") != 0) ||
			        siphon_strbuf_puts(gone, who) != 0;

			free(who);
			if (r)
				return -1;
			dropped++;
		} else if ((kept++ > 0 && siphon_strbuf_puts(out, ", ") != 0) ||
		           siphon_strbuf_append(out, p, (size_t)(q - p)) != 0) {
			return -1;
		}
		if ((p = eat(q, end, ", ")) == NULL)
			break;
	}
	if (dropped == 0)
		return 0;
	if (kept == 0)
		return 2;
	return siphon_strbuf_append(out, q, (size_t)(end - q)) == 0 ? 1 : -1;
}

int
siphon_pg_policy_filter(const char *sql, const struct siphon_pg_roles *roles,
                        char **out, char **note)
{
	struct siphon_pg_lexer lx;
	struct siphon_strbuf nb = {0}, line = {0}, what = {0}, gone = {0};
	const char *p = sql;
	int r = 0, found = 0;

	*out = *note = NULL;
	memset(&lx, 0, sizeof(lx));
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		int top = lx.st == 0, pr = -3;     /* -3: not a candidate */

		siphon_pg_lex_line(&lx, p, len);
		if (top && !found) {
			siphon_strbuf_reset(&line);
			pr = policy_line(p, len, roles, &line, &what, &gone);
		}
		if (pr == -1) {
			r = -1;
			goto out;
		}
		if (pr == -2) {
			siphon_strbuf_reset(&what);
			siphon_strbuf_reset(&gone);
		} else if (pr >= 0) {
			found = 1;
		}
		if (pr == 2) {
			r = 2;
			break;
		}
		if (pr == 1) {
			r = 1;
			if (siphon_strbuf_append(&nb, line.buf, line.len) != 0)
				goto oom;
		} else if (siphon_strbuf_append(&nb, p, len) != 0) {
			goto oom;
		}
		p += len;
		if (*p == '\n') {
			p++;
			if (siphon_strbuf_puts(&nb, "\n") != 0)
				goto oom;
		}
	}
	if (r > 0 && siphon_strbuf_printf(&what, r == 2 ? ": its only roles (%s) are missing here, left out" :
	                                                  ": roles missing here (%s) taken out of its TO list",
	                                  siphon_strbuf_str(&gone)) != 0)
		goto oom;
	if (r > 0)
		*note = siphon_strbuf_take(&what);
	if (r == 1)
		*out = siphon_strbuf_take(&nb);
	if (r > 0 && (*note == NULL || (r == 1 && *out == NULL))) {
		free(*note);
		free(*out);
		*out = *note = NULL;
		goto oom;
	}
	goto out;
oom:
	r = -1;
out:
	siphon_strbuf_free(&nb);
	siphon_strbuf_free(&line);
	siphon_strbuf_free(&what);
	siphon_strbuf_free(&gone);
	return r;
}

static int
emit_line(struct siphon_pg_owner_sink *f, const char *line, size_t len, int nl)
{
	int d = drop_line(&f->filter, line, len, FILTER_OWNER, f->roles, &f->dropped);
	const char *why = siphon_pg_lex_refusal(&f->filter.lx);

	f->lineno++;
	if (why != NULL)
		return siphon_err(f->ctx, SIPHON_EREMOTE, "line %lu of the schema dump %s (%.*s); refusing to run it",
		                  f->lineno, why, (int)(len > 40 ? 40 : len), line);
	if (d < 0)
		return siphon_err_oom(f->ctx);
	if (d != 0)
		return 0;
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
