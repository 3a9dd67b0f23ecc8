/*
 * fuzz_probe.c - the tool probe's "key value" lines (siphon_probe_parse),
 * the pg_dump version parser (siphon_pg_major_parse) and the choice of
 * pg_dump for a server (siphon_probe_pick_pg).
 *
 * Properties: every path and version field comes back NUL-terminated, at
 * most SIPHON_PROBE_MAX_PG pg_dump entries, no two in one directory, each
 * with a major that parses from its version; cores at least 1; the pick is
 * an entry at least as new as the server, the oldest such.
 */
#include "fuzz.h"

#include "remote/probe.h"

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siphon_probe p;
	char *s, buf[32];
	int i, k, pick;

	if ((s = fuzz_str(data, size)) == NULL)
		return 0;
	siphon_probe_parse(&p, s);
	FUZZ_CHECK(p.cores >= 1);
	FUZZ_CHECK(TERMINATED(p.zstd) && TERMINATED(p.pigz) && TERMINATED(p.gzip) &&
	           TERMINATED(p.sudo) && TERMINATED(p.mariadb_dump) &&
	           TERMINATED(p.mysqldump) && TERMINATED(p.mariadb) &&
	           TERMINATED(p.mysql) && TERMINATED(p.sqlite3) && TERMINATED(p.os));
	FUZZ_CHECK(p.npg >= 0 && p.npg <= SIPHON_PROBE_MAX_PG);
	for (i = 0; i < p.npg; i++) {
		FUZZ_CHECK(TERMINATED(p.pg[i].bindir) && TERMINATED(p.pg[i].version));
		FUZZ_CHECK(p.pg[i].major >= 0 &&
		           p.pg[i].major == siphon_pg_major_parse(p.pg[i].version));
		siphon_pg_major_text(p.pg[i].major, buf, sizeof(buf));
		FUZZ_CHECK(TERMINATED(buf));
		for (k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(p.pg[k].bindir, p.pg[i].bindir) != 0);
	}
	for (i = 0; i < p.npg; i++) {
		pick = siphon_probe_pick_pg(&p, p.pg[i].major);
		FUZZ_CHECK(pick >= 0 && p.pg[pick].major == p.pg[i].major);
	}
	siphon_pg_major_parse(s);
	free(s);
	return 0;
}
