/*
 * plan.h - the planner: which channel copies which table, in what order.
 * Engine-neutral: it sees only sizes.
 */
#ifndef SIPHON_ENGINE_PLAN_H
#define SIPHON_ENGINE_PLAN_H

#include <stdint.h>

struct siphon_plan_item {
	int index;          /* the caller's item (a table) */
	int lane;           /* the channel it goes to */
	uint64_t cost;
};

/*
 * Orders n items largest first (ties: by index, so plans are repeatable)
 * and gives each to the lane with the least work so far (longest
 * processing time first).  out receives n items in the order each lane
 * copies them.  lanes is clamped to [1, n]; the number of lanes used is
 * returned (0 when n is 0), or -1 when out of memory.
 */
int siphon_plan_lanes(const uint64_t *costs, int n, int lanes,
                      struct siphon_plan_item *out);

#endif
