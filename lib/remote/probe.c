/* probe.c - discover the server's tools with one remote script. */
#include "remote/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const siphon_probe_core_tools[] = {"zstd", "pigz", "gzip", "sudo", "perl", NULL};

/* A name that the shell takes as one word, unquoted. */
static int
plain_words(const char *s)
{
	return s == NULL || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                              "0123456789._- ") == strlen(s);
}

int
siphon_probe_script(struct siphon_strbuf *sb, const char *tools, const char *extra)
{
	int i;

	if (!plain_words(tools))
		return -2;
	if (siphon_strbuf_puts(sb,
	        "echo \"cores $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)\"\n"
	        "echo \"os $(uname -s 2>/dev/null)\"\n"
	        "echo \"boot $(cat /proc/sys/kernel/random/boot_id 2>/dev/null)\"\n"
	        "echo \"load $(cat /proc/loadavg 2>/dev/null)\"\n"
	        "for t in") != 0)
		return -1;
	for (i = 0; siphon_probe_core_tools[i] != NULL; i++)
		if (siphon_strbuf_printf(sb, " %s", siphon_probe_core_tools[i]) != 0)
			return -1;
	if ((tools != NULL && tools[0] != '\0' && siphon_strbuf_printf(sb, " %s", tools) != 0) ||
	    siphon_strbuf_puts(sb, "; do p=$(command -v $t 2>/dev/null) && echo \"tool $t $p\"; done\n") != 0 ||
	    siphon_strbuf_puts(sb, "p=$(command -v zstd 2>/dev/null) && echo \"zstdv $(\"$p\" -V 2>&1 | head -n 1)\"\n") != 0 ||
	    (extra != NULL && siphon_strbuf_puts(sb, extra) != 0) ||
	    siphon_strbuf_puts(sb, "echo end\n") != 0)
		return -1;
	return 0;
}

static void
copy_field(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* A boot id: a UUID's characters only, else "". */
static void
parse_boot(struct siphon_probe *p, const char *val, size_t vlen)
{
	if (vlen < 8 || vlen >= sizeof(p->boot))
		return;
	for (size_t i = 0; i < vlen; i++)
		if (strchr("0123456789abcdef-", val[i]) == NULL || val[i] == '\0')
			return;
	copy_field(p->boot, sizeof(p->boot), val, vlen);
}

/*
 * The first field of /proc/loadavg ("0.52 0.58 0.59 1/389 12345"), read
 * by hand: strtod would follow the locale's decimal point.
 */
static void
parse_load(struct siphon_probe *p, const char *val, size_t vlen)
{
	double v = 0, scale = 1;
	size_t i = 0;

	for (; i < vlen && val[i] >= '0' && val[i] <= '9' && i < 6; i++)
		v = v * 10 + (val[i] - '0');
	if (i == 0 || i >= vlen || val[i] != '.')
		return;
	for (i++; i < vlen && val[i] >= '0' && val[i] <= '9'; i++)
		if (scale > 1e-6)
			v += (val[i] - '0') * (scale /= 10);
	p->load = v;
}

int
siphon_probe_zstd_version(const char *line)
{
	int part[3] = {0, 0, 0}, k = 0;
	const char *s;

	for (s = line; *s != '\0'; s++)
		if (*s == 'v' && s[1] >= '0' && s[1] <= '9')
			break;
	if (*s == '\0')
		return 0;
	for (s++; k < 3; s++) {
		int digits = 0;

		for (; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
			part[k] = part[k] * 10 + (*s - '0');
		if (digits == 0 || digits == 3 || part[k] > 99)
			return 0;
		if (++k < 3 && *s != '.')
			return 0;
	}
	return part[0] * 10000 + part[1] * 100 + part[2];
}

int
siphon_probe_zstd_fast(const struct siphon_probe *p)
{
	return p->zstd_version >= 10304;
}

/* "NAME PATH" */
static void
parse_tool(struct siphon_probe *p, const char *val, size_t vlen)
{
	const char *sp = memchr(val, ' ', vlen);
	struct siphon_probe_tool *t = NULL;
	char name[sizeof(t->name)];
	int i;

	if (sp == NULL)
		return;
	copy_field(name, sizeof(name), val, (size_t)(sp - val));
	for (i = 0; i < p->ntools && t == NULL; i++)
		if (strcmp(p->tools[i].name, name) == 0)
			t = &p->tools[i];
	if (t == NULL) {
		if (p->ntools >= SIPHON_PROBE_MAX_TOOLS)
			return;
		t = &p->tools[p->ntools++];
		memcpy(t->name, name, sizeof(name));
	}
	copy_field(t->path, sizeof(t->path), sp + 1, vlen - (size_t)(sp - val) - 1);
}

/* "KEY VALUE" */
static void
parse_fact(struct siphon_probe *p, const char *val, size_t vlen)
{
	const char *sp = memchr(val, ' ', vlen);
	struct siphon_probe_fact *f;

	if (sp == NULL || p->nfacts >= SIPHON_PROBE_MAX_FACTS)
		return;
	f = &p->facts[p->nfacts++];
	copy_field(f->key, sizeof(f->key), val, (size_t)(sp - val));
	copy_field(f->value, sizeof(f->value), sp + 1, vlen - (size_t)(sp - val) - 1);
}

/* The zstd -V line, cut to a bounded copy first. */
static void
zstd_line(struct siphon_probe *p, const char *val, size_t vlen)
{
	char line[128];

	copy_field(line, sizeof(line), val, vlen);
	p->zstd_version = siphon_probe_zstd_version(line);
}

int
siphon_probe_parse(struct siphon_probe *p, const char *out)
{
	const char *line = out;

	memset(p, 0, sizeof(*p));
	p->cores = 1;
	p->load = -1;
	while (*line != '\0') {
		size_t len = strcspn(line, "\n");
		const char *sp = memchr(line, ' ', len);
		size_t klen = sp ? (size_t)(sp - line) : len;
		const char *val = sp ? sp + 1 : line + len;
		size_t vlen = len - (size_t)(val - line);

		if (klen == 3 && memcmp(line, "end", 3) == 0)
			p->ok = 1;
		else if (klen == 5 && memcmp(line, "cores", 5) == 0)
			p->cores = atoi(val) > 0 ? atoi(val) : 1;
		else if (klen == 2 && memcmp(line, "os", 2) == 0)
			copy_field(p->os, sizeof(p->os), val, vlen);
		else if (klen == 4 && memcmp(line, "boot", 4) == 0)
			parse_boot(p, val, vlen);
		else if (klen == 4 && memcmp(line, "load", 4) == 0)
			parse_load(p, val, vlen);
		else if (klen == 5 && memcmp(line, "zstdv", 5) == 0)
			zstd_line(p, val, vlen);
		else if (klen == 4 && memcmp(line, "tool", 4) == 0)
			parse_tool(p, val, vlen);
		else if (klen == 4 && memcmp(line, "fact", 4) == 0)
			parse_fact(p, val, vlen);
		line += len;
		if (*line == '\n')
			line++;
	}
	return p->ok ? 0 : -1;
}

const char *
siphon_probe_tool(const struct siphon_probe *p, const char *name)
{
	int i;

	for (i = 0; i < p->ntools; i++)
		if (strcmp(p->tools[i].name, name) == 0)
			return p->tools[i].path;
	return "";
}
