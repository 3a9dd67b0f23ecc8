/* registry.c - the list of engines, and lookup by name. */
#include "engine/registry.h"

#include <string.h>

extern const struct siphon_engine_ops siphon_engine_postgres;
extern const struct siphon_engine_ops siphon_engine_mysql;
extern const struct siphon_engine_ops siphon_engine_sqlite;

const struct siphon_engine_ops *const siphon_engines[] = {
	&siphon_engine_postgres,
	&siphon_engine_mysql,
	&siphon_engine_sqlite,
	NULL,
};

const struct siphon_engine_ops *
siphon_engine_find(const struct siphon_engine_ops *const *list, const char *name)
{
	for (; *list != NULL; list++) {
		const char *const *a = (*list)->aliases;

		if (strcmp((*list)->name, name) == 0)
			return *list;
		for (; a != NULL && *a != NULL; a++)
			if (strcmp(*a, name) == 0)
				return *list;
	}
	return NULL;
}
