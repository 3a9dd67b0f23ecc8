/* detect.c - the engine a name or a server's tools point to. */
#include "engine/detect.h"

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

int
siphon_probe_has_pg(const struct siphon_probe *p)
{
	return p->npg > 0;
}

int
siphon_probe_has_mysql(const struct siphon_probe *p)
{
	/* siphon drives the client itself; the dump tools come in the same package. */
	return p->mariadb[0] || p->mysql[0];
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
