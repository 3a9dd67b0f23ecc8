/* adapt.c - the compression level while a pull runs (adapt.h has the rule). */
#include "engine/adapt.h"

#include <stdio.h>
#include <string.h>

#define ADAPT_WINDOW_S 1.0
#define ADAPT_HOLD_S 2.0
#define ADAPT_FULL 0.85
#define ADAPT_SLOW 0.60
#define ADAPT_VOTES 2
/* The share of the bytes the next level must save on the samples to be worth its CPU. */
#define ADAPT_MIN_GAIN 0.05

/*
 * zstd's levels worth a step: each about doubles the compressor's CPU
 * for a few percent of ratio (tune.c's ladder); --fast=3 where the server
 * can, for a server with no CPU to spare.
 */
static const int fast_rungs[] = {-3, 1, 3, 6, 9};
static const int plain_rungs[] = {1, 3, 6, 9};

void
siphon_adapt_init(struct siphon_adapt *a, int level, int fast, double link_bytes_per_s, int link_exact,
                  int same_host)
{
	const int *r = fast ? fast_rungs : plain_rungs;
	int n = fast ? (int)(sizeof(fast_rungs) / sizeof(*r)) : (int)(sizeof(plain_rungs) / sizeof(*r));

	memset(a, 0, sizeof(*a));
	a->on = 1;
	a->nrungs = n;
	memcpy(a->rungs, r, (size_t)n * sizeof(*r));
	/* The highest rung at or below the level it starts with. */
	for (int i = 0; i < n; i++)
		if (r[i] <= level)
			a->rung = i;
	a->start = a->rung;
	a->link_bytes_per_s = link_bytes_per_s;
	a->link_exact = link_exact && link_bytes_per_s > 0;
	a->same_host = same_host;
}

int
siphon_adapt_level(const struct siphon_adapt *a)
{
	return a->rungs[a->rung];
}

int
siphon_adapt_next_level(const struct siphon_adapt *a)
{
	return a->on && a->rung + 1 < a->nrungs ? a->rungs[a->rung + 1] : 0;
}

void
siphon_adapt_gain(struct siphon_adapt *a, int level, uint64_t at_level, uint64_t at_next)
{
	if (!a->on || level != siphon_adapt_level(a) || siphon_adapt_next_level(a) == 0 || at_level == 0)
		return;
	/* Halved at each sample: the data of the last few samples counts. */
	a->at_rung = a->at_rung / 2 + (double)at_level;
	a->at_next = a->at_next / 2 + (double)at_next;
	a->samples++;
}

/* The vote of one window: +1 up, -1 down, 0 none; why says what limits. */
static int
judge(struct siphon_adapt *a, int busy, int held, char *why, size_t cap)
{
	double capacity = a->link_bytes_per_s > a->peak ? a->link_bytes_per_s : a->peak;

	a->nogain = 0;
	if (2 * held >= busy) {
		snprintf(why, cap, "the local load is the limit (%d of %d channels wait on it)", held, busy);
		return a->same_host ? -1 : 0;
	}
	if (capacity <= 0)
		return 0;
	if (a->rate >= ADAPT_FULL * capacity) {
		if (a->samples > 0 && a->at_next > (1 - ADAPT_MIN_GAIN) * a->at_rung) {
			a->nogain = 1;
			snprintf(a->why_stay, sizeof(a->why_stay),
			         "the link is the limit, but zstd %d would save %.1f%% of the bytes (samples of the rows)",
			         siphon_adapt_next_level(a), 100 * (1 - a->at_next / a->at_rung));
			snprintf(why, cap, "%s", a->why_stay);
			return 0;
		}
		snprintf(why, cap, "the link is the limit (%.1f MB/s of %.1f)", a->rate / 1e6, capacity / 1e6);
		return 1;
	}
	if (a->rate <= ADAPT_SLOW * capacity) {
		snprintf(why, cap, "the server is the limit (the link carries %.1f MB/s of %.1f)", a->rate / 1e6,
		         capacity / 1e6);
		return -1;
	}
	return 0;
}

int
siphon_adapt_sample(struct siphon_adapt *a, double now, uint64_t wire, int busy, int held)
{
	char why[sizeof(a->why)];
	int vote, to, dir;

	if (!a->on)
		return 0;
	/* Nothing flows (the schema, the indexes): no window counts. */
	if (!a->started || busy <= 0 || wire < a->wire0) {
		a->started = busy > 0;
		a->t0 = now;
		a->wire0 = wire;
		a->votes = 0;
		return 0;
	}
	if (now - a->t0 < ADAPT_WINDOW_S)
		return 0;
	a->rate = (double)(wire - a->wire0) / (now - a->t0);
	a->t0 = now;
	a->wire0 = wire;
	/* A held window still counts for the capacity: the link carried that much. */
	vote = judge(a, busy, held, why, sizeof(why));
	if (a->rate > a->peak)
		a->peak = a->rate;
	if (now < a->hold_until)
		return 0;
	if (vote == 0 || (vote > 0) != (a->votes > 0))
		a->votes = 0;
	a->votes += vote;
	if (a->votes < ADAPT_VOTES && a->votes > -ADAPT_VOTES)
		return 0;
	dir = a->votes > 0 ? 1 : -1;
	a->votes = 0;
	to = a->rung + dir;
	/*
	 * Never below the start (tune.c's cost model chose it for the CPU; a
	 * lighter level saves little CPU and loses ratio, measured on the
	 * bench), and up past it only when the link's rate is known, not a
	 * floor.
	 */
	if (to < a->start || to >= a->nrungs || (dir > 0 && !a->link_exact))
		return 0;
	a->rung = to;
	a->changes++;
	/* The samples compared the old rung with its next. */
	a->at_rung = a->at_next = 0;
	a->samples = 0;
	a->hold_until = now + ADAPT_HOLD_S;
	snprintf(a->why, sizeof(a->why), "%s", why);
	return dir;
}
