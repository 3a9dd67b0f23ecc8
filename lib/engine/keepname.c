/* keepname.c - siphon_prev_<into>, siphon_pristine_<into>: bounded, stable names. */
#include "engine/keepname.h"

#include "engine/target.h"

#include <stdio.h>
#include <string.h>

static unsigned
fnv1a(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void
siphon_keepname(char *buf, size_t cap, const char *kind, const char *into, size_t max)
{
	size_t head, keep;
	int n;

	if (max >= cap)
		max = cap - 1;
	n = snprintf(buf, cap, "siphon_%s_%s", kind, into);
	if (n >= 0 && (size_t)n <= max)
		return;
	/* siphon_<kind>_ + a cut of into + _ + 8 hex digits. */
	head = strlen("siphon_") + strlen(kind) + 1;
	keep = max > head + 9 ? max - head - 9 : 0;
	if (keep > strlen(into))
		keep = strlen(into);
	/* Not inside a UTF-8 character: back up over its continuation bytes. */
	while (keep > 0 && ((unsigned char)into[keep] & 0xc0) == 0x80)
		keep--;
	snprintf(buf, cap, "siphon_%s_%.*s_%08x", kind, (int)keep, into, fnv1a(into));
}

int
siphon_keep_check_disk(struct siphon_target *t, unsigned long long need, int keep, int *skip)
{
	int r;

	*skip = 0;
	if (keep && siphon_target_check_disk(t, 2 * (uint64_t)need) == 0)
		return 0;
	if (keep)
		siphon_err_clear(t->ctx);
	if ((r = siphon_target_check_disk(t, need)) != 0)
		return r;
	if (keep) {
		*skip = 1;
		siphon_log(t->ctx, SIPHON_LOG_WARN,
		           "no room for the pristine copy beside the new one %s: pulling without it "
		           "(siphon reset will not be possible until a pull keeps one; free space, or set keep_pristine = no)",
		           t->where);
	}
	return 0;
}
