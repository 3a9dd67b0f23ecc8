/*
 * pg_tools.h - the PostgreSQL client tools a server has, from the probe:
 * the engine's probe fragment prints one "fact pg DIR VERSION" line for each
 * directory holding pg_dump and psql, and these functions read those lines,
 * parse the versions and pick the pg_dump for a server.  Pure, for unit tests
 * and fuzz/fuzz_probe.c.
 */
#ifndef SIPHON_PG_TOOLS_H
#define SIPHON_PG_TOOLS_H

#include "remote/probe.h"

#include <stddef.h>

#define SIPHON_PG_MAX_TOOLS 16

struct siphon_pg_tools {
	char bindir[256];   /* directory holding pg_dump and psql */
	int major;          /* pg_dump's major version, comparable: 1500, 906 for 9.6 */
	char version[32];   /* as printed: "15.18" */
};

struct siphon_pg_toolset {
	int n;
	struct siphon_pg_tools t[SIPHON_PG_MAX_TOOLS];
};

/* The engine's probe script fragment (plain sh). */
extern const char siphon_pg_probe_script[];

/*
 * Reads the probe's "pg" facts into s: one entry a directory, in the order
 * printed, at most SIPHON_PG_MAX_TOOLS, only those whose version parses.
 */
void siphon_pg_tools_find(struct siphon_pg_toolset *s, const struct siphon_probe *p);

/*
 * Comparable major version from "15.18", "9.6.24", "17beta1": 1500, 906,
 * 1700 (server_version_num / 100); -1 if none.
 */
int siphon_pg_major_parse(const char *version);
/* The major as people write it: 1500 -> "15", 906 -> "9.6". */
const char *siphon_pg_major_text(int major, char *buf, size_t cap);

/*
 * Chooses the tools for a server of major server_major: the same major if
 * present, else the oldest newer one.  Returns the index into s->t, or -1
 * when every pg_dump found is older (or none was found).
 */
int siphon_pg_tools_pick(const struct siphon_pg_toolset *s, int server_major);

/* The newest tools (they run the control session); 0 when there are none. */
int siphon_pg_tools_newest(const struct siphon_pg_toolset *s);

#endif
