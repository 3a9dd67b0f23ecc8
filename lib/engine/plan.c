/* plan.c - longest-processing-time-first assignment of tables to channels. */
#include "engine/plan.h"

#include <stdlib.h>

static int
by_cost_desc(const void *a, const void *b)
{
	const struct siphon_plan_item *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return x->index - y->index;
}

int
siphon_plan_lanes(const uint64_t *costs, int n, int lanes,
                  struct siphon_plan_item *out)
{
	uint64_t *load;
	int i, l, best;

	if (n <= 0)
		return 0;
	if (lanes > n)
		lanes = n;
	if (lanes < 1)
		lanes = 1;
	if ((load = calloc((size_t)lanes, sizeof(*load))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		out[i].index = i;
		/* Even an empty table costs a statement: count it as one byte. */
		out[i].cost = costs[i] > 0 ? costs[i] : 1;
	}
	qsort(out, (size_t)n, sizeof(*out), by_cost_desc);
	for (i = 0; i < n; i++) {
		best = 0;
		for (l = 1; l < lanes; l++)
			if (load[l] < load[best])
				best = l;
		out[i].lane = best;
		load[best] += out[i].cost;
	}
	free(load);
	return lanes;
}
