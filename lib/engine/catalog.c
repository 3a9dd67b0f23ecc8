/* catalog.c - the engine-neutral catalog and plan of a run. */
#include "engine/catalog.h"

#include <stdlib.h>
#include <string.h>

/* Grows *arr (of size elements) to hold one more; 0 or -1. */
static int
grow(void **arr, int *cap, int n, size_t size)
{
	void *p;
	int ncap;

	if (n < *cap)
		return 0;
	ncap = *cap > 0 ? *cap * 2 : 16;
	if ((p = realloc(*arr, (size_t)ncap * size)) == NULL)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

int
siphon_catalog_add_table(struct siphon_catalog *c, const char *schema, const char *name,
                         uint64_t bytes, int64_t rows)
{
	struct siphon_cat_table *t;

	if (grow((void **)&c->tables, &c->captables, c->ntables, sizeof(*c->tables)) != 0)
		return -1;
	t = &c->tables[c->ntables];
	memset(t, 0, sizeof(*t));
	t->bytes = bytes;
	t->rows = rows;
	if ((t->schema = strdup(schema != NULL ? schema : "")) == NULL ||
	    (t->name = strdup(name)) == NULL) {
		free(t->schema);
		return -1;
	}
	c->ntables++;
	c->total_bytes += bytes;
	return 0;
}

int
siphon_catalog_add_column(struct siphon_catalog *c, const char *name)
{
	struct siphon_cat_table *t;
	char **cols, *s;

	if (c->ntables == 0)
		return -1;
	t = &c->tables[c->ntables - 1];
	if ((cols = realloc(t->cols, (size_t)(t->ncols + 1) * sizeof(*cols))) == NULL)
		return -1;
	t->cols = cols;
	if ((s = strdup(name)) == NULL)
		return -1;
	t->cols[t->ncols++] = s;
	return 0;
}

int
siphon_catalog_add_object(struct siphon_catalog *c, const char *kind, const char *schema,
                          const char *name)
{
	struct siphon_cat_object *o;

	if (grow((void **)&c->objects, &c->capobjects, c->nobjects, sizeof(*c->objects)) != 0)
		return -1;
	o = &c->objects[c->nobjects];
	o->kind = strdup(kind);
	o->schema = strdup(schema != NULL ? schema : "");
	o->name = strdup(name);
	if (o->kind == NULL || o->schema == NULL || o->name == NULL) {
		free(o->kind);
		free(o->schema);
		free(o->name);
		return -1;
	}
	c->nobjects++;
	return 0;
}

int
siphon_catalog_find(const struct siphon_catalog *c, const char *schema, const char *name)
{
	for (int i = 0; i < c->ntables; i++)
		if (strcmp(c->tables[i].schema, schema != NULL ? schema : "") == 0 &&
		    strcmp(c->tables[i].name, name) == 0)
			return i;
	return -1;
}

void
siphon_catalog_clear(struct siphon_catalog *c)
{
	for (int i = 0; i < c->ntables; i++) {
		for (int k = 0; k < c->tables[i].ncols; k++)
			free(c->tables[i].cols[k]);
		free(c->tables[i].cols);
		free(c->tables[i].schema);
		free(c->tables[i].name);
	}
	for (int i = 0; i < c->nobjects; i++) {
		free(c->objects[i].kind);
		free(c->objects[i].schema);
		free(c->objects[i].name);
	}
	free(c->tables);
	free(c->objects);
	memset(c, 0, sizeof(*c));
}

int
siphon_plan_add(struct siphon_plan *p, const struct siphon_plan_piece *piece)
{
	if (grow((void **)&p->pieces, &p->cappieces, p->npieces, sizeof(*p->pieces)) != 0)
		return -1;
	p->pieces[p->npieces++] = *piece;
	return 0;
}

void
siphon_plan_clear(struct siphon_plan *p)
{
	free(p->pieces);
	memset(p, 0, sizeof(*p));
}
