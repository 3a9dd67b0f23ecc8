/* dispatch.c - the pool of pieces channels take from (dispatch.h). */
#include "engine/dispatch.h"

#include <stdlib.h>

enum { PENDING, TAKEN, DONE };

struct siphon_dispatch {
	int n, ngroups, left;
	uint64_t *cost;
	int *group;
	unsigned char *state;
	int *busy;            /* per group: pieces taken and not done */
};

int
siphon_dispatch_new(struct siphon_dispatch **out, int n, const uint64_t *cost,
                    const int *group, int ngroups)
{
	struct siphon_dispatch *d;
	size_t m = n > 0 ? (size_t)n : 1;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -1;
	d->n = n > 0 ? n : 0;
	d->left = d->n;
	d->ngroups = ngroups > 0 ? ngroups : 1;
	if ((d->cost = malloc(m * sizeof(*d->cost))) == NULL ||
	    (d->group = malloc(m * sizeof(*d->group))) == NULL ||
	    (d->state = calloc(m, sizeof(*d->state))) == NULL ||
	    (d->busy = calloc((size_t)d->ngroups, sizeof(*d->busy))) == NULL) {
		siphon_dispatch_free(d);
		return -1;
	}
	for (int i = 0; i < d->n; i++) {
		d->cost[i] = cost[i];
		/* A group out of range is a caller's bug: count it as its own. */
		d->group[i] = group[i] >= 0 && group[i] < d->ngroups ? group[i] : -1;
	}
	*out = d;
	return 0;
}

void
siphon_dispatch_free(struct siphon_dispatch *d)
{
	if (d == NULL)
		return;
	free(d->cost);
	free(d->group);
	free(d->state);
	free(d->busy);
	free(d);
}

static int
busy_of(const struct siphon_dispatch *d, int i)
{
	return d->group[i] >= 0 ? d->busy[d->group[i]] : 0;
}

int
siphon_dispatch_take(struct siphon_dispatch *d)
{
	int best = -1;

	for (int i = 0; i < d->n; i++) {
		if (d->state[i] != PENDING)
			continue;
		if (best < 0 || busy_of(d, i) < busy_of(d, best) ||
		    (busy_of(d, i) == busy_of(d, best) && d->cost[i] > d->cost[best]))
			best = i;
	}
	if (best < 0)
		return -1;
	d->state[best] = TAKEN;
	d->left--;
	if (d->group[best] >= 0)
		d->busy[d->group[best]]++;
	return best;
}

void
siphon_dispatch_done(struct siphon_dispatch *d, int piece)
{
	if (piece < 0 || piece >= d->n || d->state[piece] != TAKEN)
		return;
	d->state[piece] = DONE;
	if (d->group[piece] >= 0)
		d->busy[d->group[piece]]--;
}

int
siphon_dispatch_left(const struct siphon_dispatch *d)
{
	return d->left;
}
