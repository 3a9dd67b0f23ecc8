/*
 * my_order.c - views in dependency order: the names each view's text
 * quotes are looked up in a hash table of the view names (edges), then
 * Kahn's algorithm takes, of the views whose dependencies are placed, the
 * one listed first (a binary heap), so the result is stable.
 */
#include "engine/mysql/my_order.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct edge {
	int from, to;       /* to names from: from is created first */
};

struct graph {
	const struct siphon_my_catalog *c;
	int *views;         /* view number -> index in c->objs */
	int nv;
	int *table;         /* hash slots: view number, or -1 */
	size_t mask;
	struct edge *edges;
	size_t nedges, capedges;
};

static uint32_t
hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The view whose name is name[0, len), or -1. */
static int
lookup(const struct graph *g, const char *name, size_t len)
{
	size_t slot = hash(name, len) & g->mask;

	for (; g->table[slot] >= 0; slot = (slot + 1) & g->mask) {
		const char *v = g->c->objs[g->views[g->table[slot]]].name;

		if (strlen(v) == len && memcmp(v, name, len) == 0)
			return g->table[slot];
	}
	return -1;
}

static int
add_edge(struct graph *g, int from, int to)
{
	if (g->nedges == g->capedges) {
		size_t nc = g->capedges > 0 ? g->capedges * 2 : 64;
		void *p = realloc(g->edges, nc * sizeof(*g->edges));

		if (p == NULL)
			return -1;
		g->edges = p;
		g->capedges = nc;
	}
	g->edges[g->nedges].from = from;
	g->edges[g->nedges].to = to;
	g->nedges++;
	return 0;
}

/* Is the word before position at (blanks skipped) AS? */
static int
after_as(const char *s, size_t at)
{
	while (at > 0 && isspace((unsigned char)s[at - 1]))
		at--;
	return at >= 2 && strncasecmp(s + at - 2, "AS", 2) == 0 &&
	       (at == 2 || !(isalnum((unsigned char)s[at - 3]) || s[at - 3] == '_'));
}

int
siphon_my_each_name(const char *s, int (*fn)(void *arg, const char *name, size_t len), void *arg)
{
	struct siphon_strbuf name = {0};
	size_t i = 0;
	int r = 0;

	while (s[i] != '\0' && r == 0) {
		char q = s[i];

		if (q == '\'' || q == '"') {
			for (i++; s[i] != '\0' && s[i] != q; i++)
				if (s[i] == '\\' && s[i + 1] != '\0')
					i++;
			if (s[i] != '\0')
				i++;
		} else if (q == '`') {
			size_t start = i, j;

			siphon_strbuf_reset(&name);
			for (i++; s[i] != '\0'; i++) {
				if (s[i] == '`' && s[i + 1] != '`')
					break;
				if (s[i] == '`')
					i++;
				if (siphon_strbuf_append(&name, s + i, 1) != 0) {
					r = -1;
					goto out;
				}
			}
			if (s[i] != '\0')
				i++;
			for (j = i; s[j] == ' '; j++)
				;
			if (s[j] == '.' || after_as(s, start))
				continue;
			r = fn(arg, name.buf != NULL ? name.buf : "", name.len);
		} else {
			i++;
		}
	}
out:
	siphon_strbuf_free(&name);
	return r;
}

struct scan_arg {
	struct graph *g;
	int v;
};

static int
scan_name(void *arg, const char *name, size_t len)
{
	struct scan_arg *a = arg;
	int dep = lookup(a->g, name, len);

	return dep >= 0 && dep != a->v && add_edge(a->g, dep, a->v) != 0 ? -1 : 0;
}

/* The edges from the views view v's text names. */
static int
scan(struct graph *g, int v)
{
	struct scan_arg a = {g, v};

	return siphon_my_each_name(g->c->objs[g->views[v]].create, scan_name, &a);
}

/* A min-heap of view numbers (the listing order). */
static void
heap_push(int *h, int *n, int v)
{
	int i = (*n)++;

	while (i > 0 && h[(i - 1) / 2] > v) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static int
heap_pop(int *h, int *n)
{
	int top = h[0], last = h[--(*n)], i = 0;

	for (;;) {
		int c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1] < h[c])
			c++;
		if (h[c] >= last)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = last;
	return top;
}

int
siphon_my_view_order(const struct siphon_my_catalog *c, int **order, int *n, int *cycle)
{
	struct graph g = {0};
	int *indeg = NULL, *start = NULL, *adj = NULL, *heap = NULL, nh = 0, placed = 0, i, r = -1;
	size_t size = 16, e;

	*n = 0;
	*order = NULL;
	*cycle = -1;
	g.c = c;
	if ((g.views = calloc((size_t)c->nobjs + 1, sizeof(int))) == NULL)
		goto out;
	for (i = 0; i < c->nobjs; i++)
		if (c->objs[i].kind == SIPHON_MY_VIEW && c->objs[i].create != NULL)
			g.views[g.nv++] = i;
	while (size < (size_t)g.nv * 2)
		size *= 2;
	g.mask = size - 1;
	if ((g.table = malloc(size * sizeof(int))) == NULL)
		goto out;
	memset(g.table, 0xff, size * sizeof(int));
	for (i = 0; i < g.nv; i++) {
		const char *v = c->objs[g.views[i]].name;
		size_t slot = hash(v, strlen(v)) & g.mask;

		while (g.table[slot] >= 0)
			slot = (slot + 1) & g.mask;
		g.table[slot] = i;
	}
	for (i = 0; i < g.nv; i++)
		if (scan(&g, i) != 0)
			goto out;

	/* Edges grouped by their first view (counting sort), in-degrees. */
	if ((indeg = calloc((size_t)g.nv + 1, sizeof(int))) == NULL ||
	    (start = calloc((size_t)g.nv + 2, sizeof(int))) == NULL ||
	    (adj = calloc(g.nedges + 1, sizeof(int))) == NULL ||
	    (heap = calloc((size_t)g.nv + 1, sizeof(int))) == NULL ||
	    (*order = calloc((size_t)g.nv + 1, sizeof(int))) == NULL)
		goto out;
	for (e = 0; e < g.nedges; e++) {
		start[g.edges[e].from + 2]++;
		indeg[g.edges[e].to]++;
	}
	for (i = 0; i < g.nv; i++)
		start[i + 2] += start[i + 1];
	for (e = 0; e < g.nedges; e++)
		adj[start[g.edges[e].from + 1]++] = g.edges[e].to;
	/* start[v] .. start[v + 1] are now v's edges. */
	for (i = 0; i < g.nv; i++)
		if (indeg[i] == 0)
			heap_push(heap, &nh, i);
	while (nh > 0) {
		int v = heap_pop(heap, &nh), k;

		(*order)[placed++] = g.views[v];
		for (k = start[v]; k < start[v + 1]; k++)
			if (--indeg[adj[k]] == 0)
				heap_push(heap, &nh, adj[k]);
	}
	if (placed < g.nv) {
		int x = 0, step;

		/* Walk back through unplaced views: after nv steps the walk is on a cycle. */
		while (indeg[x] == 0)
			x++;
		for (step = 0; step < g.nv; step++)
			for (e = 0; e < g.nedges; e++)
				if (g.edges[e].to == x && indeg[g.edges[e].from] > 0) {
					x = g.edges[e].from;
					break;
				}
		*cycle = g.views[x];
		free(*order);
		*order = NULL;
		r = -2;
		goto out;
	}
	*n = placed;
	r = 0;
out:
	if (r == -1) {
		free(*order);
		*order = NULL;
	}
	free(g.views);
	free(g.table);
	free(g.edges);
	free(indeg);
	free(start);
	free(adj);
	free(heap);
	return r;
}
