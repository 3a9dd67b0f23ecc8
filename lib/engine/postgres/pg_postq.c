/* pg_postq.c - the early post-data entries: their tables, readiness and locks. */
#include "engine/postgres/pg_postq.h"

#include "engine/postgres/pg_post.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is tag "TABLE NAME", pg_dump's tag of a constraint? */
static int
is_con_tag(const char *tag, const char *table, const char *name)
{
	size_t tl = strlen(table);

	return strncmp(tag, table, tl) == 0 && tag[tl] == ' ' && strcmp(tag + tl + 1, name) == 0;
}

/* The index of the copied table (relkind 'r') of that oid, or -1. */
static int
copied_table(const struct siphon_pg_catalog *c, unsigned oid)
{
	for (int i = 0; oid != 0 && i < c->ntables; i++)
		if (c->tables[i].oid == oid)
			return c->tables[i].relkind == 'r' ? i : -1;
	return -1;
}

enum kind { K_NONE, K_INDEX, K_CON, K_FK };

static enum kind
entry_kind(const struct siphon_pg_block *b)
{
	int phase = siphon_pg_entry_phase(b);

	if (b->name == NULL || b->schema == NULL)
		return K_NONE;
	if (phase == 0 && strcmp(b->type, "INDEX") == 0)
		return K_INDEX;
	if (phase == 0 && strcmp(b->type, "CONSTRAINT") == 0)
		return K_CON;
	if (phase == 2 && strcmp(b->type, "FK CONSTRAINT") == 0)
		return K_FK;
	return K_NONE;
}

/* A name to look entries up by: (schema, tag) and what it stands for. */
struct key {
	const char *schema;
	const char *tag;
	int fam;            /* for headers: tag_family */
	int idx;            /* the catalog row, or the entry */
};

static int
key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = x->fam - y->fam;

	if (c == 0)
		c = strcmp(x->schema, y->schema);
	return c != 0 ? c : strcmp(x->tag, y->tag);
}

/* The namespace a header's tag lives in: 1 index names, 2 "TABLE CONSTRAINT" tags, 0 other. */
static int
tag_family(const char *type)
{
	if (strcmp(type, "INDEX") == 0)
		return 1;
	return strcmp(type, "CONSTRAINT") == 0 || strcmp(type, "FK CONSTRAINT") == 0 ? 2 : 0;
}

/* The row of keys (sorted, n) named (fam, schema, tag) when exactly one is, else -1. */
static int
find_one(const struct key *keys, int n, int fam, const char *schema, const char *tag)
{
	struct key want = {.schema = schema, .tag = tag, .fam = fam};
	const struct key *k = bsearch(&want, keys, (size_t)n, sizeof(*keys), key_cmp);

	if (k == NULL || (k > keys && key_cmp(k - 1, k) == 0) || (k + 1 < keys + n && key_cmp(k + 1, k) == 0))
		return -1;
	return k->idx;
}

/* Is the key at i (of n, sorted) shared by a neighbour? */
static int
shared_key(const struct key *keys, int n, int i)
{
	return (i > 0 && key_cmp(&keys[i - 1], &keys[i]) == 0) || (i + 1 < n && key_cmp(&keys[i + 1], &keys[i]) == 0);
}

static void
map_one(const struct siphon_pg_block *b, const struct siphon_pg_catalog *c, const struct key *ix, int nix,
        const struct key *cx, int ncx, struct siphon_pg_postent *e)
{
	enum kind k = entry_kind(b);
	int x;

	if (k == K_INDEX) {
		if ((x = find_one(ix, nix, 0, b->schema, b->name)) < 0 ||
		    (e->table = copied_table(c, c->indexes[x].table)) < 0)
			return;
		e->provides = c->indexes[x].oid;
		/* CLUSTER ON, REPLICA IDENTITY: ALTER TABLE in the same entry. */
		e->exclusive = strstr(b->sql, "ALTER ") != NULL;
	} else if (k == K_CON || k == K_FK) {
		const struct siphon_pg_constraint *con;

		if ((x = find_one(cx, ncx, 0, b->schema, b->name)) < 0)
			return;
		con = &c->cons[x];
		if ((k == K_FK) != (con->type == 'f') || (e->table = copied_table(c, con->rel)) < 0)
			return;
		e->exclusive = 1;
		if (k == K_CON) {
			e->provides = con->index;
		} else {
			if ((e->ref = copied_table(c, con->ref)) < 0 || con->index == 0)
				return;
			e->needs = con->index;
		}
	} else {
		return;
	}
	e->early = 1;
}

int
siphon_pg_postmap(const struct siphon_pg_script *s, const struct siphon_pg_catalog *c,
                  struct siphon_pg_postent *ents)
{
	struct key *ix = calloc((size_t)c->nindexes + 1, sizeof(*ix));
	struct key *cx = calloc((size_t)c->ncons + 1, sizeof(*cx));
	struct key *hx = calloc((size_t)s->nblocks + 1, sizeof(*hx));
	char **tags = calloc((size_t)c->ncons + 1, sizeof(*tags));
	int r = -1, nh = 0;

	if (ix == NULL || cx == NULL || hx == NULL || tags == NULL)
		goto out;
	for (int i = 0; i < c->nindexes; i++)
		ix[i] = (struct key){.schema = c->indexes[i].schema, .tag = c->indexes[i].name, .idx = i};
	for (int i = 0; i < c->ncons; i++) {
		/* pg_dump's tag of a constraint: "TABLE NAME". */
		if (asprintf(&tags[i], "%s %s", c->cons[i].table, c->cons[i].name) < 0) {
			tags[i] = NULL;
			goto out;
		}
		cx[i] = (struct key){.schema = c->cons[i].schema, .tag = tags[i], .idx = i};
	}
	qsort(ix, (size_t)c->nindexes, sizeof(*ix), key_cmp);
	qsort(cx, (size_t)c->ncons, sizeof(*cx), key_cmp);
	/* Two headers alike (names pg_dump flattened alike): neither is trusted. */
	for (int i = 0; i < s->nblocks; i++) {
		const struct siphon_pg_block *b = &s->blocks[i];

		ents[i] = (struct siphon_pg_postent){.table = -1, .ref = -1};
		if (b->name != NULL && b->schema != NULL && tag_family(b->type) != 0)
			hx[nh++] = (struct key){.schema = b->schema, .tag = b->name, .fam = tag_family(b->type), .idx = i};
	}
	qsort(hx, (size_t)nh, sizeof(*hx), key_cmp);
	for (int i = 0; i < nh; i++)
		if (!shared_key(hx, nh, i))
			map_one(&s->blocks[hx[i].idx], c, ix, c->nindexes, cx, c->ncons, &ents[hx[i].idx]);
	r = 0;
out:
	for (int i = 0; tags != NULL && i < c->ncons; i++)
		free(tags[i]);
	free(tags);
	free(ix);
	free(cx);
	free(hx);
	return r;
}

int
siphon_pg_post_exists(const struct siphon_pg_block *b, const struct siphon_pg_catalog *have)
{
	switch (entry_kind(b)) {
	case K_INDEX:
		for (int i = 0; i < have->nindexes; i++)
			if (strcmp(have->indexes[i].name, b->name) == 0 && strcmp(have->indexes[i].schema, b->schema) == 0)
				return 1;
		return 0;
	case K_CON:
	case K_FK:
		for (int i = 0; i < have->ncons; i++)
			if (is_con_tag(b->name, have->cons[i].table, have->cons[i].name) &&
			    strcmp(have->cons[i].schema, b->schema) == 0)
				return 1;
		return 0;
	default:
		return 0;
	}
}

int
siphon_pg_postq_init(struct siphon_pg_postq *q, const struct siphon_pg_postent *ents, int n,
                     int ntables)
{
	size_t nt = (size_t)ntables + 1, ne = (size_t)n + 1;

	memset(q, 0, sizeof(*q));
	q->n = n;
	q->ntables = ntables;
	q->ents = calloc(ne, sizeof(*q->ents));
	q->state = calloc(ne, 1);
	q->provider = calloc(ne, sizeof(*q->provider));
	q->loaded = calloc(nt, 1);
	q->shared = calloc(nt, sizeof(*q->shared));
	q->excl = calloc(nt, sizeof(*q->excl));
	q->pending = calloc(nt, sizeof(*q->pending));
	if (q->ents == NULL || q->state == NULL || q->provider == NULL || q->loaded == NULL ||
	    q->shared == NULL || q->excl == NULL || q->pending == NULL) {
		siphon_pg_postq_clear(q);
		return -1;
	}
	if (n > 0)
		memcpy(q->ents, ents, (size_t)n * sizeof(*ents));
	for (int i = 0; i < n; i++) {
		struct siphon_pg_postent *e = &q->ents[i];

		if (e->early && (e->table < 0 || e->table >= ntables || e->ref >= ntables))
			e->early = 0;
		if (e->early && e->ref < 0)
			q->pending[e->table]++;
	}
	/* A foreign key waits for the entry that builds the index it references, on that table. */
	for (int i = 0; i < n; i++) {
		struct siphon_pg_postent *e = &q->ents[i];

		q->provider[i] = -1;
		if (!e->early || e->ref < 0)
			continue;
		for (int j = 0; j < n && q->provider[i] < 0; j++)
			if (q->ents[j].early && q->ents[j].ref < 0 && q->ents[j].provides == e->needs &&
			    q->ents[j].table == e->ref)
				q->provider[i] = j;
		if (q->provider[i] < 0)
			e->early = 0;
	}
	q->dirty = 1;
	return 0;
}

void
siphon_pg_postq_clear(struct siphon_pg_postq *q)
{
	free(q->ents);
	free(q->state);
	free(q->provider);
	free(q->loaded);
	free(q->shared);
	free(q->excl);
	free(q->pending);
	memset(q, 0, sizeof(*q));
}

void
siphon_pg_postq_loaded(struct siphon_pg_postq *q, int t)
{
	if (t >= 0 && t < q->ntables && !q->loaded[t]) {
		q->loaded[t] = 1;
		q->dirty = 1;
	}
}

/* Can entry e take its locks now? */
static int
grantable(const struct siphon_pg_postq *q, const struct siphon_pg_postent *e)
{
	if (q->excl[e->table] > 0 || (e->exclusive && q->shared[e->table] > 0))
		return 0;
	return e->ref < 0 || (q->excl[e->ref] == 0 && q->shared[e->ref] == 0);
}

static int
ready(const struct siphon_pg_postq *q, int i)
{
	const struct siphon_pg_postent *e = &q->ents[i];

	if (!e->early || q->state[i] != SIPHON_PG_POST_WAIT || !q->loaded[e->table])
		return 0;
	if (e->ref >= 0 && (!q->loaded[e->ref] || q->pending[e->table] > 0 || q->pending[e->ref] > 0 ||
	                    q->state[q->provider[i]] != SIPHON_PG_POST_DONE))
		return 0;
	return grantable(q, e);
}

int
siphon_pg_postq_next(struct siphon_pg_postq *q)
{
	if (!q->dirty)
		return -1;
	for (int i = 0; i < q->n; i++)
		if (ready(q, i))
			return i;
	q->dirty = 0;
	return -1;
}

void
siphon_pg_postq_start(struct siphon_pg_postq *q, int i)
{
	const struct siphon_pg_postent *e = &q->ents[i];

	q->state[i] = SIPHON_PG_POST_RUNNING;
	if (e->exclusive)
		q->excl[e->table]++;
	else
		q->shared[e->table]++;
	/* A self-referencing key holds its one table once. */
	if (e->ref >= 0 && e->ref != e->table)
		q->excl[e->ref]++;
}

void
siphon_pg_postq_done(struct siphon_pg_postq *q, int i)
{
	const struct siphon_pg_postent *e = &q->ents[i];

	if (q->state[i] == SIPHON_PG_POST_RUNNING) {
		if (e->exclusive)
			q->excl[e->table]--;
		else
			q->shared[e->table]--;
		if (e->ref >= 0 && e->ref != e->table)
			q->excl[e->ref]--;
	}
	if (q->state[i] != SIPHON_PG_POST_DONE && e->early) {
		if (e->ref < 0)
			q->pending[e->table]--;
		q->nearly++;
	}
	q->state[i] = SIPHON_PG_POST_DONE;
	q->dirty = 1;
}

int
siphon_pg_postq_running(const struct siphon_pg_postq *q)
{
	int n = 0;

	for (int i = 0; i < q->n; i++)
		n += q->state[i] == SIPHON_PG_POST_RUNNING;
	return n;
}
