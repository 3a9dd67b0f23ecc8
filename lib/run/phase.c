/* phase.c - the names of the run's phases. */
#include "siphon.h"

const char *
siphon_phase_name(enum siphon_phase p)
{
	static const char *const names[SIPHON_PHASE_COUNT] = {
		"connect", "probe", "choose", "inspect", "check",
		"plan", "transfer", "finish", "cleanup",
	};

	return (unsigned)p < SIPHON_PHASE_COUNT ? names[p] : "?";
}
