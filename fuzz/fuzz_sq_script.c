/*
 * fuzz_sq_script.c - the SQLite engine's parsers of what the server and
 * sqlite3 print: the inspection's "key value" lines
 * (siphon_sq_inspect_parse), the copy script's stderr
 * (siphon_sq_meta_parse), the local check's rows (siphon_sq_check_parse),
 * sqlite3's version line (siphon_sq_version_parse), and the message tidier
 * that puts the path back where sqlite3 printed its URI
 * (siphon_sq_tidy_line).
 *
 * Input: one byte choosing the parser, then its text.  Properties: every
 * fixed-size text field comes back NUL-terminated; a parsed version is
 * 3.x.y and prints back as the number says.
 */
#include "fuzz.h"

#include "engine/sqlite/sq_script.h"

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static void
inspect(const char *s)
{
	struct siphon_sq_facts f;

	siphon_sq_inspect_parse(&f, s);
	FUZZ_CHECK(TERMINATED(f.version) && TERMINATED(f.owner) &&
	           TERMINATED(f.tmpdir) && TERMINATED(f.open_err));
}

static void
meta(const char *s)
{
	struct siphon_sq_meta m;
	long long uv, aid;

	FUZZ_CHECK(siphon_sq_meta_parse(&m, s) == 0);
	FUZZ_CHECK(m.nsrc >= 0 && m.nsrc <= 2);
	siphon_sq_need_carry(&m, &uv, &aid);
}

static void
check(const char *s)
{
	struct siphon_sq_check c;

	FUZZ_CHECK(siphon_sq_check_parse(&c, s) == 0);
	FUZZ_CHECK(TERMINATED(c.journal_mode) && TERMINATED(c.problem));
	FUZZ_CHECK(!c.integrity_ok || c.nproblems == 0);
}

static void
version(const char *s)
{
	char buf[32], again[32];
	int v = siphon_sq_version_parse(s, buf, sizeof(buf));

	if (v < 0)
		return;
	FUZZ_CHECK(v >= 3000000 && v < 4000000);
	snprintf(again, sizeof(again), "3.%d.%d", v / 1000 % 1000, v % 1000);
	FUZZ_CHECK(strcmp(buf, again) == 0);
}

static void
tidy(const char *s)
{
	char line[512];
	size_t n = strlen(s);

	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, s, n);
	line[n] = '\0';
	siphon_sq_tidy_line(line, sizeof(line), "/srv/app/db.sqlite3");
	FUZZ_CHECK(TERMINATED(line));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned which = fuzz_byte(&in);
	char *s = fuzz_rest_str(&in);

	if (s == NULL)
		return 0;
	switch (which % 5) {
	case 0: inspect(s); break;
	case 1: meta(s); break;
	case 2: check(s); break;
	case 3: version(s); break;
	default: tidy(s); break;
	}
	free(s);
	return 0;
}
