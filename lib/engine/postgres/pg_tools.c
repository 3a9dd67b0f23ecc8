/* pg_tools.c - the server's PostgreSQL client tools, from the probe's lines. */
#include "engine/postgres/pg_tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Debian's /usr/bin/pg_dump is pg_wrapper, which picks a default version
 * when PGHOST is set; the versioned directories are listed first so that
 * the engine can choose the right major itself.
 */
const char siphon_pg_probe_script[] =
	"for d in /usr/lib/postgresql/*/bin /usr/pgsql-*/bin /usr/local/pgsql/bin /opt/homebrew/opt/postgresql*/bin /usr/local/opt/postgresql*/bin; do\n"
	"  [ -x \"$d/pg_dump\" ] && [ -x \"$d/psql\" ] && echo \"fact pg $d $(\"$d/pg_dump\" --version 2>/dev/null)\"\n"
	"done\n"
	"p=$(command -v pg_dump 2>/dev/null) && q=$(command -v psql 2>/dev/null) && [ \"${p%/*}\" = \"${q%/*}\" ] && echo \"fact pg ${p%/*} $(pg_dump --version 2>/dev/null)\"\n";

int
siphon_pg_major_parse(const char *v)
{
	char *end;
	long a, b;

	while (*v == ' ')
		v++;
	a = strtol(v, &end, 10);
	if (end == v || a <= 0 || a > 9999)
		return -1;
	if (a >= 10)
		return (int)a * 100;
	if (*end != '.')
		return -1;
	b = strtol(end + 1, &end, 10);
	if (b < 0 || b > 99)
		return -1;
	return (int)(a * 100 + b);
}

const char *
siphon_pg_major_text(int major, char *buf, size_t cap)
{
	if (major >= 1000)
		snprintf(buf, cap, "%d", major / 100);
	else
		snprintf(buf, cap, "%d.%d", major / 100, major % 100);
	return buf;
}

/* "DIR pg_dump (PostgreSQL) 15.18 (Debian ...)" */
static void
add(struct siphon_pg_toolset *s, const char *rest)
{
	struct siphon_pg_tools *t;
	const char *sp = strchr(rest, ' '), *ver;
	int i;

	if (sp == NULL || s->n >= SIPHON_PG_MAX_TOOLS)
		return;
	if ((ver = strstr(sp, ") ")) == NULL)
		return;
	t = &s->t[s->n];
	/* Cut to the buffers: "%.*s" copies at most the field, snprintf at most the buffer. */
	snprintf(t->bindir, sizeof(t->bindir), "%.*s", (int)(sp - rest), rest);
	ver += 2;
	snprintf(t->version, sizeof(t->version), "%.*s", (int)strcspn(ver, " \n"), ver);
	if ((t->major = siphon_pg_major_parse(t->version)) < 0)
		return;
	/* The PATH entry often repeats a versioned directory: keep one. */
	for (i = 0; i < s->n; i++)
		if (strcmp(s->t[i].bindir, t->bindir) == 0)
			return;
	s->n++;
}

void
siphon_pg_tools_find(struct siphon_pg_toolset *s, const struct siphon_probe *p)
{
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < p->nfacts; i++)
		if (strcmp(p->facts[i].key, "pg") == 0)
			add(s, p->facts[i].value);
}

int
siphon_pg_tools_pick(const struct siphon_pg_toolset *s, int server_major)
{
	int i, best = -1;

	for (i = 0; i < s->n; i++) {
		if (s->t[i].major < server_major)
			continue;
		if (best < 0 || s->t[i].major < s->t[best].major)
			best = i;
	}
	return best;
}

int
siphon_pg_tools_newest(const struct siphon_pg_toolset *s)
{
	int i, best = 0;

	for (i = 1; i < s->n; i++)
		if (s->t[i].major > s->t[best].major)
			best = i;
	return best;
}
