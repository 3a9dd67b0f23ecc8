/*
 * probe.h - what the server has: compressors, cores, PostgreSQL, MySQL/MariaDB
 * and SQLite client tools.
 * One short remote script prints "key value" lines; the parser is pure so
 * that unit tests cover it.
 */
#ifndef SIPHON_REMOTE_PROBE_H
#define SIPHON_REMOTE_PROBE_H

#include "util/strbuf.h"

#define SIPHON_PROBE_MAX_PG 16

struct siphon_pg_tools {
	char bindir[256];   /* directory holding pg_dump and psql */
	int major;          /* pg_dump's major version, comparable: 1500, 906 for 9.6 */
	char version[32];   /* as printed: "15.18" */
};

struct siphon_probe {
	int ok;             /* the end marker arrived */
	int cores;
	char zstd[256], pigz[256], gzip[256], sudo[256];
	/* MySQL/MariaDB clients (either name) and SQLite's shell. */
	char mariadb_dump[256], mysqldump[256], mariadb[256], mysql[256];
	char sqlite3[256];
	int npg;
	struct siphon_pg_tools pg[SIPHON_PROBE_MAX_PG];
	char os[64];
};

/* Appends the probe script (plain sh, to be wrapped). */
int siphon_probe_script(struct siphon_strbuf *sb);

/* Parses the probe's stdout.  Returns 0, or -1 when the output is unusable. */
int siphon_probe_parse(struct siphon_probe *p, const char *out);

/*
 * Comparable major version from "15.18", "9.6.24", "17beta1": 1500, 906,
 * 1700 (server_version_num / 100); -1 if none.
 */
int siphon_pg_major_parse(const char *version);
/* The major as people write it: 1500 -> "15", 906 -> "9.6". */
const char *siphon_pg_major_text(int major, char *buf, size_t cap);

/*
 * Chooses the pg tools for a server of major server_major: the same major if
 * present, else the oldest newer one.  Returns the index into p->pg, or -1
 * when every pg_dump found is older (or none was found).
 */
int siphon_probe_pick_pg(const struct siphon_probe *p, int server_major);

#endif
