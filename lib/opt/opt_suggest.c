/*
 * opt_suggest.c - "did you mean": the option name nearest to a misspelt
 * one, by edit distance (a swap of two neighbours counts as one edit).
 */
#include "opt/opt.h"

#include <string.h>

#define WORD_MAX 64

/* Optimal string alignment distance of a and b (each under WORD_MAX). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[WORD_MAX + 1][WORD_MAX + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *
siphon_opts_suggest(const struct siphon_opts *opts, const char *word)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, limit, len = strlen(word);

	if (len == 0 || len >= WORD_MAX)
		return NULL;
	/* Far enough to catch typos, near enough not to guess wildly. */
	limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	for (size_t i = 0; i < opts->n; i++) {
		const char *name = opts->defs[i]->name;
		size_t dd;

		if (strlen(name) >= WORD_MAX)
			continue;
		dd = distance(word, name);
		if (dd <= limit && dd < best_d) {
			best = name;
			best_d = dd;
		}
	}
	return best;
}
