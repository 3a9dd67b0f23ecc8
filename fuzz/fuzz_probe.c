/*
 * fuzz_probe.c - the tool probe's "key value" lines (siphon_probe_parse,
 * siphon_probe_tool; the boot id, the load and zstd's version line among
 * them, siphon_probe_zstd_version), then the PostgreSQL engine's reading of its "fact pg"
 * lines (siphon_pg_tools_find), its version parser (siphon_pg_major_parse)
 * and its choice of pg_dump for a server (siphon_pg_tools_pick).
 *
 * Properties: every name, path, key and value comes back NUL-terminated,
 * tools unique by name and at most SIPHON_PROBE_MAX_TOOLS, facts at most
 * SIPHON_PROBE_MAX_FACTS; cores at least 1; the boot id "" or lower-case
 * hex and dashes; the load -1 or a number below a million; zstd's version
 * 0 or a.b.c each below 100; at most SIPHON_PG_MAX_TOOLS
 * pg_dump entries, no two in one directory, each with a major that parses
 * from its version; the pick is an entry at least as new as the server, the
 * oldest such.
 */
#include "fuzz.h"

#include "engine/postgres/pg_tools.h"
#include "remote/probe.h"

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siphon_probe p;
	struct siphon_pg_toolset t;
	char *s, buf[32];
	int i, k, pick;

	if ((s = fuzz_str(data, size)) == NULL)
		return 0;
	siphon_probe_parse(&p, s);
	FUZZ_CHECK(p.cores >= 1);
	FUZZ_CHECK(TERMINATED(p.os));
	FUZZ_CHECK(p.ntools >= 0 && p.ntools <= SIPHON_PROBE_MAX_TOOLS);
	FUZZ_CHECK(p.nfacts >= 0 && p.nfacts <= SIPHON_PROBE_MAX_FACTS);
	for (i = 0; i < p.ntools; i++) {
		FUZZ_CHECK(TERMINATED(p.tools[i].name) && TERMINATED(p.tools[i].path));
		FUZZ_CHECK(siphon_probe_tool(&p, p.tools[i].name) == p.tools[i].path);
		for (k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(p.tools[k].name, p.tools[i].name) != 0);
	}
	for (i = 0; i < p.nfacts; i++)
		FUZZ_CHECK(TERMINATED(p.facts[i].key) && TERMINATED(p.facts[i].value));
	FUZZ_CHECK(TERMINATED(p.boot) && strspn(p.boot, "0123456789abcdef-") == strlen(p.boot));
	FUZZ_CHECK(p.load == -1 || (p.load >= 0 && p.load < 1e6));
	FUZZ_CHECK(p.zstd_version >= 0 && p.zstd_version <= 999999);
	k = siphon_probe_zstd_version(s);
	FUZZ_CHECK(k >= 0 && k <= 999999);

	siphon_pg_tools_find(&t, &p);
	FUZZ_CHECK(t.n >= 0 && t.n <= SIPHON_PG_MAX_TOOLS);
	for (i = 0; i < t.n; i++) {
		FUZZ_CHECK(TERMINATED(t.t[i].bindir) && TERMINATED(t.t[i].version));
		FUZZ_CHECK(t.t[i].major >= 0 && t.t[i].major == siphon_pg_major_parse(t.t[i].version));
		siphon_pg_major_text(t.t[i].major, buf, sizeof(buf));
		FUZZ_CHECK(TERMINATED(buf));
		for (k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(t.t[k].bindir, t.t[i].bindir) != 0);
	}
	for (i = 0; i < t.n; i++) {
		pick = siphon_pg_tools_pick(&t, t.t[i].major);
		FUZZ_CHECK(pick >= 0 && t.t[pick].major == t.t[i].major);
	}
	FUZZ_CHECK(t.n == 0 || t.t[siphon_pg_tools_newest(&t)].major >= t.t[0].major);
	siphon_pg_major_parse(s);
	free(s);
	return 0;
}
