/* keepname.c - siphon_prev_<into>, siphon_pristine_<into>: bounded, stable names. */
#include "engine/keepname.h"

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
