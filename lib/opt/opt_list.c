/*
 * opt_list.c - the whole option list of a pull: the core options, the SSH
 * ones, then every registered engine's own, in that order (the order of
 * --help).  --engine's choices are the engines' names and aliases.
 */
#include "opt/opt.h"

#include "engine/registry.h"

#include <stdlib.h>
#include <string.h>

static size_t
table_len(const struct siphon_optdef *t)
{
	size_t n = 0;

	while (t != NULL && t[n].name != NULL)
		n++;
	return n;
}

static void
add_table(const struct siphon_optdef **defs, size_t *n, const struct siphon_optdef *t)
{
	for (size_t i = 0; t != NULL && t[i].name != NULL; i++)
		defs[(*n)++] = &t[i];
}

/* Every engine's name and aliases, NULL-ended, in registry order. */
static const char **
engine_names(void)
{
	const char **names;
	size_t n = 0;

	for (const struct siphon_engine_ops *const *e = siphon_engines; *e != NULL; e++) {
		n++;
		for (const char *const *a = (*e)->aliases; a != NULL && *a != NULL; a++)
			n++;
	}
	if ((names = calloc(n + 1, sizeof(*names))) == NULL)
		return NULL;
	n = 0;
	for (const struct siphon_engine_ops *const *e = siphon_engines; *e != NULL; e++) {
		names[n++] = (*e)->name;
		for (const char *const *a = (*e)->aliases; a != NULL && *a != NULL; a++)
			names[n++] = *a;
	}
	return names;
}

int
siphon_opts_new(struct siphon_opts **out)
{
	const struct siphon_optdef **defs = NULL;
	struct siphon_opts *opts = NULL;
	size_t n = table_len(siphon_opt_core) + table_len(siphon_opt_ssh) + table_len(siphon_opt_run);
	int r = SIPHON_ENOMEM;

	*out = NULL;
	for (const struct siphon_engine_ops *const *e = siphon_engines; *e != NULL; e++)
		n += table_len((*e)->options);
	if ((defs = calloc(n, sizeof(*defs))) == NULL || (opts = calloc(1, sizeof(*opts))) == NULL)
		goto out;
	n = 0;
	add_table(defs, &n, siphon_opt_core);
	add_table(defs, &n, siphon_opt_ssh);
	add_table(defs, &n, siphon_opt_run);
	for (const struct siphon_engine_ops *const *e = siphon_engines; *e != NULL; e++)
		add_table(defs, &n, (*e)->options);
	if ((r = siphon_opts_init(opts, defs, n)) != 0)
		goto out;
	/*
	 * A choice without choices is --engine's: filled from the registry
	 * (after siphon_opts_init, so it cannot have a default).
	 */
	for (size_t i = 0; i < n; i++) {
		if (defs[i]->type != SIPHON_OPT_CHOICE || defs[i]->choices != NULL)
			continue;
		if ((opts->filled_choices = engine_names()) == NULL) {
			r = SIPHON_ENOMEM;
			goto out;
		}
		opts->filled = *defs[i];
		opts->filled.choices = opts->filled_choices;
		opts->defs[i] = &opts->filled;
		break;
	}
	*out = opts;
	opts = NULL;
out:
	free(defs);
	siphon_opts_free(opts);
	return r;
}

void
siphon_opts_free(struct siphon_opts *opts)
{
	if (opts == NULL)
		return;
	siphon_opts_clear(opts);
	free(opts);
}
