/* detect.c - the engine a name or a server's tools point to. */
#include "engine/detect.h"

#include "engine/registry.h"

#include <string.h>

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

enum siphon_engine_kind
siphon_engine_by_name(const char *name, int *sure)
{
	*sure = 1;
	if (name[0] == '/' || name[0] == '~' || strncmp(name, "./", 2) == 0 ||
	    strncmp(name, "../", 3) == 0 || ends_with(name, ".db") ||
	    ends_with(name, ".sqlite") || ends_with(name, ".sqlite3"))
		return SIPHON_ENGINE_SQLITE;
	/* "data/app" is a relative path, or a database whose name has a '/'. */
	if (strchr(name, '/') != NULL) {
		*sure = 0;
		return SIPHON_ENGINE_SQLITE;
	}
	return SIPHON_ENGINE_AUTO;
}

/* The probe is read by the engine itself: its bid says whether its tools are there. */
static int
has_tools(const char *engine, const struct siphon_probe *p)
{
	const struct siphon_engine_ops *eo = siphon_engine_find(siphon_engines, engine);

	return eo != NULL && eo->bid_probe != NULL && eo->bid_probe(p) >= SIPHON_BID_TOOLS;
}

int
siphon_probe_has_pg(const struct siphon_probe *p)
{
	return has_tools("postgres", p);
}

int
siphon_probe_has_mysql(const struct siphon_probe *p)
{
	/* siphon drives the client itself; the dump tools come in the same package. */
	return has_tools("mysql", p);
}

const char *
siphon_engine_name(enum siphon_engine_kind k)
{
	switch (k) {
	case SIPHON_ENGINE_POSTGRES:
		return "postgres";
	case SIPHON_ENGINE_MYSQL:
		return "mysql";
	case SIPHON_ENGINE_SQLITE:
		return "sqlite";
	default:
		return "auto";
	}
}
