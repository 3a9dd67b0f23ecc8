/* dispatch.c - the pool of pieces channels take from (dispatch.h). */
#include "engine/dispatch.h"

#include <stdlib.h>

enum { PENDING, TAKEN, DONE };

struct siphon_dispatch {
	int n, ngroups, nch, left;
	uint64_t *cost;
	int *group;
	unsigned char *state;
	int *taker;           /* per piece: the channel that took it */
	int *busy;            /* per group: pieces taken and not done */
	int *own;             /* per group, for one take: those of them the taking channel holds */
	int *last;            /* per channel: the group of its last piece, or -1 */
};

int
siphon_dispatch_new(struct siphon_dispatch **out, int n, const uint64_t *cost,
                    const int *group, int ngroups, int nchannels)
{
	struct siphon_dispatch *d;
	size_t m = n > 0 ? (size_t)n : 1;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -1;
	d->n = n > 0 ? n : 0;
	d->left = d->n;
	d->ngroups = ngroups > 0 ? ngroups : 1;
	d->nch = nchannels > 0 ? nchannels : 1;
	if ((d->cost = malloc(m * sizeof(*d->cost))) == NULL ||
	    (d->group = malloc(m * sizeof(*d->group))) == NULL ||
	    (d->state = calloc(m, sizeof(*d->state))) == NULL ||
	    (d->taker = calloc(m, sizeof(*d->taker))) == NULL ||
	    (d->busy = calloc((size_t)d->ngroups, sizeof(*d->busy))) == NULL ||
	    (d->own = calloc((size_t)d->ngroups, sizeof(*d->own))) == NULL ||
	    (d->last = malloc((size_t)d->nch * sizeof(*d->last))) == NULL) {
		siphon_dispatch_free(d);
		return -1;
	}
	for (int i = 0; i < d->n; i++) {
		d->cost[i] = cost[i];
		/* A group out of range is a caller's bug: count it as its own. */
		d->group[i] = group[i] >= 0 && group[i] < d->ngroups ? group[i] : -1;
	}
	for (int c = 0; c < d->nch; c++)
		d->last[c] = -1;
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
	free(d->taker);
	free(d->busy);
	free(d->own);
	free(d->last);
	free(d);
}

/* Piece i's table: how many other channels are busy with it. */
static int
others_on(const struct siphon_dispatch *d, int i)
{
	int g = d->group[i];

	return g >= 0 ? d->busy[g] - d->own[g] : 0;
}

/* Is piece i of the table channel ch is on, or was last on? */
static int
its_own(const struct siphon_dispatch *d, int ch, int i)
{
	int g = d->group[i];

	return g >= 0 && (d->own[g] > 0 || d->last[ch] == g);
}

/* Does piece i go before piece best for channel ch (dispatch.h's order)? */
static int
before(const struct siphon_dispatch *d, int ch, int i, int best)
{
	if (others_on(d, i) != others_on(d, best))
		return others_on(d, i) < others_on(d, best);
	if (its_own(d, ch, i) != its_own(d, ch, best))
		return its_own(d, ch, i);
	return d->cost[i] > d->cost[best];
}

int
siphon_dispatch_take(struct siphon_dispatch *d, int ch)
{
	int best = -1;

	if (ch < 0 || ch >= d->nch)
		ch = 0;
	for (int g = 0; g < d->ngroups; g++)
		d->own[g] = 0;
	for (int i = 0; i < d->n; i++)
		if (d->state[i] == TAKEN && d->taker[i] == ch && d->group[i] >= 0)
			d->own[d->group[i]]++;
	for (int i = 0; i < d->n; i++)
		if (d->state[i] == PENDING && (best < 0 || before(d, ch, i, best)))
			best = i;
	if (best < 0)
		return -1;
	d->state[best] = TAKEN;
	d->taker[best] = ch;
	d->left--;
	d->last[ch] = d->group[best];
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
