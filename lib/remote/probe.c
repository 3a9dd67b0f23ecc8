/* probe.c - discover the server's tools with one remote script. */
#include "remote/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
siphon_probe_script(struct siphon_strbuf *sb)
{
	/*
	 * Debian's /usr/bin/pg_dump is pg_wrapper, which picks a default
	 * version when PGHOST is set; the versioned directories are listed first
	 * so that the engine can choose the right major itself.
	 */
	return siphon_strbuf_puts(sb,
	    "echo \"cores $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)\"\n"
	    "echo \"os $(uname -s 2>/dev/null)\"\n"
	    "for t in zstd pigz gzip sudo mariadb-dump mysqldump mariadb mysql sqlite3; do p=$(command -v $t 2>/dev/null) && echo \"tool $t $p\"; done\n"
	    "for d in /usr/lib/postgresql/*/bin /usr/pgsql-*/bin /usr/local/pgsql/bin /opt/homebrew/opt/postgresql*/bin /usr/local/opt/postgresql*/bin; do\n"
	    "  [ -x \"$d/pg_dump\" ] && [ -x \"$d/psql\" ] && echo \"pg $d $(\"$d/pg_dump\" --version 2>/dev/null)\"\n"
	    "done\n"
	    "p=$(command -v pg_dump 2>/dev/null) && q=$(command -v psql 2>/dev/null) && [ \"${p%/*}\" = \"${q%/*}\" ] && echo \"pg ${p%/*} $(pg_dump --version 2>/dev/null)\"\n"
	    "echo end\n");
}

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

static void
copy_field(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* "pg DIR pg_dump (PostgreSQL) 15.18 (Debian ...)" */
static void
parse_pg(struct siphon_probe *p, const char *rest, size_t len)
{
	struct siphon_pg_tools *t;
	const char *sp = memchr(rest, ' ', len), *ver;
	int i;

	if (sp == NULL || p->npg >= SIPHON_PROBE_MAX_PG)
		return;
	ver = memmem(sp, len - (size_t)(sp - rest), ") ", 2);
	if (ver == NULL)
		return;
	t = &p->pg[p->npg];
	copy_field(t->bindir, sizeof(t->bindir), rest, (size_t)(sp - rest));
	ver += 2;
	copy_field(t->version, sizeof(t->version), ver,
	           strcspn(ver, " \n"));
	if ((t->major = siphon_pg_major_parse(t->version)) < 0)
		return;
	/* The PATH entry often repeats a versioned directory: keep one. */
	for (i = 0; i < p->npg; i++)
		if (strcmp(p->pg[i].bindir, t->bindir) == 0)
			return;
	p->npg++;
}

int
siphon_probe_parse(struct siphon_probe *p, const char *out)
{
	const char *line = out;

	memset(p, 0, sizeof(*p));
	p->cores = 1;
	while (*line != '\0') {
		size_t len = strcspn(line, "\n");
		const char *sp = memchr(line, ' ', len);
		size_t klen = sp ? (size_t)(sp - line) : len;
		const char *val = sp ? sp + 1 : line + len;
		size_t vlen = len - (size_t)(val - line);

		if (klen == 3 && memcmp(line, "end", 3) == 0) {
			p->ok = 1;
		} else if (klen == 5 && memcmp(line, "cores", 5) == 0) {
			p->cores = atoi(val) > 0 ? atoi(val) : 1;
		} else if (klen == 2 && memcmp(line, "os", 2) == 0) {
			copy_field(p->os, sizeof(p->os), val, vlen);
		} else if (klen == 4 && memcmp(line, "tool", 4) == 0) {
			const char *sp2 = memchr(val, ' ', vlen);
			char *dst = NULL;
			size_t nlen;

			if (sp2 == NULL)
				goto next;
			nlen = (size_t)(sp2 - val);
			if (nlen == 4 && memcmp(val, "zstd", 4) == 0)
				dst = p->zstd;
			else if (nlen == 4 && memcmp(val, "pigz", 4) == 0)
				dst = p->pigz;
			else if (nlen == 4 && memcmp(val, "gzip", 4) == 0)
				dst = p->gzip;
			else if (nlen == 4 && memcmp(val, "sudo", 4) == 0)
				dst = p->sudo;
			else if (nlen == 12 && memcmp(val, "mariadb-dump", 12) == 0)
				dst = p->mariadb_dump;
			else if (nlen == 9 && memcmp(val, "mysqldump", 9) == 0)
				dst = p->mysqldump;
			else if (nlen == 7 && memcmp(val, "mariadb", 7) == 0)
				dst = p->mariadb;
			else if (nlen == 5 && memcmp(val, "mysql", 5) == 0)
				dst = p->mysql;
			else if (nlen == 7 && memcmp(val, "sqlite3", 7) == 0)
				dst = p->sqlite3;
			if (dst != NULL)
				copy_field(dst, 256, sp2 + 1, vlen - nlen - 1);
		} else if (klen == 2 && memcmp(line, "pg", 2) == 0) {
			parse_pg(p, val, vlen);
		}
next:
		line += len;
		if (*line == '\n')
			line++;
	}
	return p->ok ? 0 : -1;
}

int
siphon_probe_pick_pg(const struct siphon_probe *p, int server_major)
{
	int i, best = -1;

	for (i = 0; i < p->npg; i++) {
		if (p->pg[i].major < server_major)
			continue;
		if (best < 0 || p->pg[i].major < p->pg[best].major)
			best = i;
	}
	return best;
}
