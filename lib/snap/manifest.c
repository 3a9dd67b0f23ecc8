/*
 * manifest.c - a snapshot's manifest as text, and back.  One fact a line,
 * a keyword then fields separated by one space; every string the server or
 * the user chose is hex, so no field holds a space or a newline:
 *
 *   siphon-snapshot 1
 *   siphon-version 0.1
 *   profile 70726f64          host ...  engine postgres  database ...
 *   into ...  server ...  codec zstd  instant 1796000000  jobs 4
 *   opt NAMEHEX VALUEHEX      an option the pull ran with
 *   fact NAMEHEX VALUEHEX     an engine's decision the restore repeats
 *   table SCHEMAHEX NAMEHEX ROWS BYTES
 *   stream ID LABELHEX EOF_AFTER_STDIN
 *   member ID SEQ out|err SIZE SHA256HEX
 *   gate ID out|err OFFSET STDIN_BYTES
 *   end
 *
 * The parser reads outside bytes (a snapshot file is the user's, or a
 * copy from anywhere): every number is range-checked, every count bounded,
 * the first and last lines required.
 */
#include "snap/snap.h"

#include "util/hex.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

void
siphon_snap_manifest_clear(struct siphon_snap_manifest *m)
{
	char **strs[] = {&m->siphon_version, &m->profile, &m->host, &m->engine, &m->database,
	                 &m->into, &m->server, &m->codec};

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	for (int i = 0; i < m->nopts; i++) {
		free(m->opts[i].name);
		free(m->opts[i].value);
	}
	for (int i = 0; i < m->nfacts; i++) {
		free(m->facts[i].name);
		free(m->facts[i].value);
	}
	free(m->facts);
	for (int i = 0; i < m->ntables; i++) {
		free(m->tables[i].schema);
		free(m->tables[i].name);
	}
	for (int i = 0; i < m->nstreams; i++)
		free(m->streams[i].label);
	free(m->opts);
	free(m->tables);
	free(m->streams);
	free(m->members);
	free(m->gates);
	memset(m, 0, sizeof(*m));
}

/* Grows *arr of n elements of size sz by one; the new one zeroed.  NULL on no memory. */
static void *
grow(void **arr, int n, size_t sz)
{
	char *p = realloc(*arr, ((size_t)n + 1) * sz);

	if (p == NULL)
		return NULL;
	*arr = p;
	memset(p + (size_t)n * sz, 0, sz);
	return p + (size_t)n * sz;
}

/* Appends name = value to the pairs *arr (*n of them). */
static int
add_pair(struct siphon_snap_opt **arr, int *n, const char *name, const char *value)
{
	struct siphon_snap_opt *o = grow((void **)arr, *n, sizeof(*o));

	if (o == NULL || (o->name = strdup(name)) == NULL)
		return -1;
	if ((o->value = strdup(value)) == NULL) {
		free(o->name);
		return -1;
	}
	(*n)++;
	return 0;
}

int
siphon_snap_manifest_add_opt(struct siphon_snap_manifest *m, const char *name, const char *value)
{
	return add_pair(&m->opts, &m->nopts, name, value);
}

const char *
siphon_snap_manifest_fact(const struct siphon_snap_manifest *m, const char *name)
{
	for (int i = 0; i < m->nfacts; i++)
		if (strcmp(m->facts[i].name, name) == 0)
			return m->facts[i].value;
	return NULL;
}

int
siphon_snap_manifest_set_fact(struct siphon_snap_manifest *m, const char *name, const char *value)
{
	for (int i = 0; i < m->nfacts; i++)
		if (strcmp(m->facts[i].name, name) == 0) {
			char *v = strdup(value);

			if (v == NULL)
				return -1;
			free(m->facts[i].value);
			m->facts[i].value = v;
			return 0;
		}
	return add_pair(&m->facts, &m->nfacts, name, value);
}

int
siphon_snap_manifest_add_table(struct siphon_snap_manifest *m, const char *schema,
                               const char *name, int64_t rows, uint64_t bytes)
{
	struct siphon_snap_table *t = grow((void **)&m->tables, m->ntables, sizeof(*t));

	if (t == NULL || (t->schema = strdup(schema)) == NULL)
		return -1;
	if ((t->name = strdup(name)) == NULL) {
		free(t->schema);
		return -1;
	}
	t->rows = rows;
	t->bytes = bytes;
	m->table_bytes += bytes;
	m->ntables++;
	return 0;
}

int
siphon_snap_manifest_add_stream(struct siphon_snap_manifest *m, int id, const char *label,
                                int eof_after_stdin)
{
	struct siphon_snap_stream *s = grow((void **)&m->streams, m->nstreams, sizeof(*s));

	if (s == NULL || (s->label = strdup(label)) == NULL)
		return -1;
	s->id = id;
	s->eof_after_stdin = eof_after_stdin;
	m->nstreams++;
	return 0;
}

int
siphon_snap_manifest_add_member(struct siphon_snap_manifest *m, const struct siphon_snap_member *mb)
{
	struct siphon_snap_member *p = grow((void **)&m->members, m->nmembers, sizeof(*p));

	if (p == NULL)
		return -1;
	*p = *mb;
	m->nmembers++;
	return 0;
}

int
siphon_snap_manifest_add_gate(struct siphon_snap_manifest *m, const struct siphon_snap_gate *g)
{
	struct siphon_snap_gate *p = grow((void **)&m->gates, m->ngates, sizeof(*p));

	if (p == NULL)
		return -1;
	*p = *g;
	m->ngates++;
	return 0;
}

int
siphon_snap_member_path(char *buf, size_t cap, int stream, int seq, int err)
{
	int w = snprintf(buf, cap, "streams/%06d/%06d.%s", stream, seq, err ? "err" : "out");

	return w > 0 && (size_t)w < cap ? 0 : -1;
}

/* Exactly six digits at p; -1 else. */
static int
six_digits(const char *p)
{
	int v = 0;

	for (int i = 0; i < 6; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int
siphon_snap_member_parse(const char *path, int *stream, int *seq, int *err)
{
	/* "streams/" 6 "/" 6 ".out" */
	if (strlen(path) != 8 + 6 + 1 + 6 + 4 || strncmp(path, "streams/", 8) != 0 || path[14] != '/' ||
	    path[21] != '.')
		return -1;
	if ((*stream = six_digits(path + 8)) < 0 || (*seq = six_digits(path + 15)) < 0)
		return -1;
	if (strcmp(path + 22, "out") == 0)
		*err = 0;
	else if (strcmp(path + 22, "err") == 0)
		*err = 1;
	else
		return -1;
	return 0;
}

int
siphon_snap_label(struct siphon_snap_labels *l, const char *what, char *buf, size_t cap)
{
	int i, w;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->whats[i], what) == 0)
			break;
	if (i == l->n) {
		char **nw = realloc(l->whats, ((size_t)l->n + 1) * sizeof(*nw));
		int *nc;

		if (nw == NULL)
			return -1;
		l->whats = nw;
		if ((nc = realloc(l->counts, ((size_t)l->n + 1) * sizeof(*nc))) == NULL)
			return -1;
		l->counts = nc;
		if ((l->whats[i] = strdup(what)) == NULL)
			return -1;
		l->counts[i] = 0;
		l->n++;
	}
	w = snprintf(buf, cap, "%.*s#%d", SIPHON_SNAP_LABEL_MAX - 12, what, l->counts[i]++);
	return w > 0 && (size_t)w < cap ? 0 : -1;
}

void
siphon_snap_labels_clear(struct siphon_snap_labels *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->whats[i]);
	free(l->whats);
	free(l->counts);
	memset(l, 0, sizeof(*l));
}

static int
put_hex(struct siphon_strbuf *sb, const char *s)
{
	static const char digits[] = "0123456789abcdef";

	if (s == NULL || *s == '\0')
		return siphon_strbuf_puts(sb, "-");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char two[2] = {digits[c >> 4], digits[c & 15]};

		if (siphon_strbuf_append(sb, two, 2) != 0)
			return -1;
	}
	return 0;
}

static int
put_kv(struct siphon_strbuf *sb, const char *key, const char *val)
{
	return siphon_strbuf_printf(sb, "%s ", key) != 0 || put_hex(sb, val) != 0 ||
	       siphon_strbuf_puts(sb, "\n") != 0 ? -1 : 0;
}

/* "KEY NAMEHEX VALUEHEX" a pair. */
static int
put_pairs(struct siphon_strbuf *sb, const char *key, const struct siphon_snap_opt *o, int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		bad |= siphon_strbuf_printf(sb, "%s ", key);
		bad |= put_hex(sb, o[i].name);
		bad |= siphon_strbuf_puts(sb, " ");
		bad |= put_hex(sb, o[i].value);
		bad |= siphon_strbuf_puts(sb, "\n");
	}
	return bad;
}

int
siphon_snap_manifest_format(const struct siphon_snap_manifest *m, char **out, size_t *len)
{
	struct siphon_strbuf sb = {0};
	int bad = 0;

	*out = NULL;
	bad |= siphon_strbuf_printf(&sb, "%s\n", SIPHON_SNAP_MAGIC);
	bad |= put_kv(&sb, "siphon-version", m->siphon_version);
	bad |= put_kv(&sb, "profile", m->profile);
	bad |= put_kv(&sb, "host", m->host);
	bad |= siphon_strbuf_printf(&sb, "engine %s\n", m->engine != NULL ? m->engine : "-");
	bad |= put_kv(&sb, "database", m->database);
	bad |= put_kv(&sb, "into", m->into);
	bad |= put_kv(&sb, "server", m->server);
	bad |= siphon_strbuf_printf(&sb, "codec %s\ninstant %" PRId64 "\njobs %d\n",
	                            m->codec != NULL ? m->codec : "none", m->instant, m->jobs);
	bad |= put_pairs(&sb, "opt", m->opts, m->nopts);
	bad |= put_pairs(&sb, "fact", m->facts, m->nfacts);
	for (int i = 0; i < m->ntables; i++) {
		const struct siphon_snap_table *t = &m->tables[i];

		bad |= siphon_strbuf_puts(&sb, "table ");
		bad |= put_hex(&sb, t->schema);
		bad |= siphon_strbuf_puts(&sb, " ");
		bad |= put_hex(&sb, t->name);
		bad |= siphon_strbuf_printf(&sb, " %" PRId64 " %" PRIu64 "\n", t->rows, t->bytes);
	}
	for (int i = 0; i < m->nstreams; i++) {
		bad |= siphon_strbuf_printf(&sb, "stream %d ", m->streams[i].id);
		bad |= put_hex(&sb, m->streams[i].label);
		bad |= siphon_strbuf_printf(&sb, " %d\n", m->streams[i].eof_after_stdin);
	}
	for (int i = 0; i < m->nmembers; i++) {
		const struct siphon_snap_member *mb = &m->members[i];

		bad |= siphon_strbuf_printf(&sb, "member %d %d %s %" PRIu64 " ", mb->stream, mb->seq,
		                            mb->err ? "err" : "out", mb->size);
		for (int k = 0; k < 32; k++)
			bad |= siphon_strbuf_printf(&sb, "%02x", mb->sha[k]);
		bad |= siphon_strbuf_puts(&sb, "\n");
	}
	for (int i = 0; i < m->ngates; i++) {
		const struct siphon_snap_gate *g = &m->gates[i];

		bad |= siphon_strbuf_printf(&sb, "gate %d %s %" PRIu64 " %" PRIu64 "\n", g->stream,
		                            g->err ? "err" : "out", g->offset, g->stdin);
	}
	bad |= siphon_strbuf_puts(&sb, "end\n");
	if (bad) {
		siphon_strbuf_free(&sb);
		return -1;
	}
	*len = sb.len;
	*out = sb.buf;
	return 0;
}

/* The parser's state: the line being read, for messages. */
struct mp {
	struct siphon_snap_manifest *m;
	int line;
	char *why;
	size_t cap;
};

static int
fail(struct mp *p, const char *what)
{
	snprintf(p->why, p->cap, "manifest line %d: %s", p->line, what);
	return -1;
}

/* A hex field ("-" is empty) into a new string without NUL bytes. */
static int
field_str(struct mp *p, const char *f, char **out)
{
	size_t n = strlen(f);

	free(*out);
	*out = NULL;
	if (strcmp(f, "-") == 0)
		return (*out = strdup("")) != NULL ? 0 : fail(p, "out of memory");
	if (n == 0 || n % 2 != 0 || siphon_hex_decode(f, n, out) != 0 || strlen(*out) != n / 2) {
		free(*out);
		*out = NULL;
		return fail(p, "a field is not hex");
	}
	return 0;
}

/* A decimal integer in [lo, hi]. */
static int
field_num(struct mp *p, const char *f, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long v;

	if (*f == '\0' || (*f != '-' && (*f < '0' || *f > '9')))
		return fail(p, "a number is expected");
	errno = 0;
	v = strtoll(f, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return fail(p, "a number is out of range");
	*out = v;
	return 0;
}

static int
field_u64(struct mp *p, const char *f, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*f < '0' || *f > '9')
		return fail(p, "a size is expected");
	errno = 0;
	v = strtoull(f, &end, 10);
	if (errno != 0 || *end != '\0')
		return fail(p, "a size is out of range");
	*out = v;
	return 0;
}

/* A plain word: engine and codec names. */
static int
field_word(struct mp *p, const char *f, char **out)
{
	for (const char *c = f; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return fail(p, "a name holds a character no name has");
	free(*out);
	return (*out = strdup(f)) != NULL ? 0 : fail(p, "out of memory");
}

/* 64 lowercase hex digits into 32 bytes (any byte: a digest may hold a 0). */
static int
sha_decode(const char *f, unsigned char *out)
{
	static const char digits[] = "0123456789abcdef";

	if (strlen(f) != 64)
		return -1;
	for (int i = 0; i < 32; i++) {
		const char *hi = memchr(digits, f[2 * i], 16), *lo = memchr(digits, f[2 * i + 1], 16);

		if (f[2 * i] == '\0' || f[2 * i + 1] == '\0' || hi == NULL || lo == NULL)
			return -1;
		out[i] = (unsigned char)((hi - digits) << 4 | (lo - digits));
	}
	return 0;
}

#define MAX_FIELDS 6

static int
parse_line(struct mp *p, char **f, int nf)
{
	struct siphon_snap_manifest *m = p->m;
	int64_t a, b;
	uint64_t u;
	char *s1 = NULL, *s2 = NULL;
	int r = -1;
	struct {
		const char *key;
		char **dst;
	} strs[] = {{"siphon-version", &m->siphon_version}, {"profile", &m->profile}, {"host", &m->host},
	            {"database", &m->database}, {"into", &m->into}, {"server", &m->server}};

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strcmp(f[0], strs[i].key) == 0)
			return nf == 2 ? field_str(p, f[1], strs[i].dst) : fail(p, "one field expected");
	if (strcmp(f[0], "engine") == 0 || strcmp(f[0], "codec") == 0)
		return nf == 2 ? field_word(p, f[1], f[0][0] == 'e' ? &m->engine : &m->codec)
		               : fail(p, "one field expected");
	if (strcmp(f[0], "instant") == 0)
		return nf == 2 ? field_num(p, f[1], 0, INT64_MAX, &m->instant) : fail(p, "one field expected");
	if (strcmp(f[0], "jobs") == 0) {
		if (nf != 2 || field_num(p, f[1], 1, 1024, &a) != 0)
			return nf != 2 ? fail(p, "one field expected") : -1;
		m->jobs = (int)a;
		return 0;
	}
	if (strcmp(f[0], "opt") == 0 || strcmp(f[0], "fact") == 0) {
		int fact = f[0][0] == 'f';

		if (nf != 3)
			return fail(p, "two fields expected");
		if ((fact ? m->nfacts : m->nopts) >= 1024)
			return fail(p, fact ? "too many facts" : "too many options");
		if (field_str(p, f[1], &s1) != 0 || field_str(p, f[2], &s2) != 0)
			goto out;
		if (fact && siphon_snap_manifest_fact(m, s1) != NULL)
			r = fail(p, "a fact twice");
		else
			r = (fact ? add_pair(&m->facts, &m->nfacts, s1, s2) : add_pair(&m->opts, &m->nopts, s1, s2)) == 0
			        ? 0 : fail(p, "out of memory");
		goto out;
	}
	if (strcmp(f[0], "table") == 0) {
		if (nf != 5)
			return fail(p, "four fields expected");
		if (m->ntables >= 1000000)
			return fail(p, "too many tables");
		if (field_str(p, f[1], &s1) == 0 && field_str(p, f[2], &s2) == 0 &&
		    field_num(p, f[3], -1, INT64_MAX, &a) == 0 && field_u64(p, f[4], &u) == 0)
			r = siphon_snap_manifest_add_table(m, s1, s2, a, u) == 0 ? 0 : fail(p, "out of memory");
		goto out;
	}
	if (strcmp(f[0], "stream") == 0) {
		if (nf != 4)
			return fail(p, "three fields expected");
		if (m->nstreams >= SIPHON_SNAP_MAX_STREAMS)
			return fail(p, "too many streams");
		if (field_num(p, f[1], 0, 999999, &a) != 0 || field_str(p, f[2], &s1) != 0 ||
		    field_num(p, f[3], 0, 1, &b) != 0)
			goto out;
		if (a != m->nstreams) {
			r = fail(p, "streams are not numbered in order");
			goto out;
		}
		if (strlen(s1) > SIPHON_SNAP_LABEL_MAX) {
			r = fail(p, "a stream's label is too long");
			goto out;
		}
		r = siphon_snap_manifest_add_stream(m, (int)a, s1, (int)b) == 0 ? 0 : fail(p, "out of memory");
		goto out;
	}
	if (strcmp(f[0], "member") == 0) {
		struct siphon_snap_member mb = {.offset = -1};

		if (nf != 6)
			return fail(p, "five fields expected");
		if (m->nmembers >= 16 * 1024 * 1024)
			return fail(p, "too many members");
		if (field_num(p, f[1], 0, m->nstreams - 1, &a) != 0 ||
		    field_num(p, f[2], 0, 999999, &b) != 0)
			return fail(p, "a member names no stream of the manifest");
		if (strcmp(f[3], "out") != 0 && strcmp(f[3], "err") != 0)
			return fail(p, "a member is neither out nor err");
		if (field_u64(p, f[4], &mb.size) != 0)
			return -1;
		if (mb.size > SIPHON_SNAP_CHUNK)
			return fail(p, "a member is larger than a chunk");
		if (sha_decode(f[5], mb.sha) != 0)
			return fail(p, "a checksum is not 64 hex digits");
		mb.stream = (int)a;
		mb.seq = (int)b;
		mb.err = f[3][0] == 'e';
		return siphon_snap_manifest_add_member(m, &mb) == 0 ? 0 : fail(p, "out of memory");
	}
	if (strcmp(f[0], "gate") == 0) {
		struct siphon_snap_gate g;
		const struct siphon_snap_gate *last = NULL;

		if (nf != 5)
			return fail(p, "four fields expected");
		if (m->ngates >= 16 * 1024 * 1024)
			return fail(p, "too many gates");
		if (field_num(p, f[1], 0, m->nstreams - 1, &a) != 0)
			return fail(p, "a gate names no stream of the manifest");
		if (strcmp(f[2], "out") != 0 && strcmp(f[2], "err") != 0)
			return fail(p, "a gate is neither out nor err");
		if (field_u64(p, f[3], &g.offset) != 0 || field_u64(p, f[4], &g.stdin) != 0)
			return -1;
		g.stream = (int)a;
		g.err = f[2][0] == 'e';
		for (int i = m->ngates - 1; i >= 0 && last == NULL; i--)
			if (m->gates[i].stream == g.stream && m->gates[i].err == g.err)
				last = &m->gates[i];
		if (last != NULL && (g.offset < last->offset || g.stdin <= last->stdin))
			return fail(p, "a stream's gates are not in order");
		return siphon_snap_manifest_add_gate(m, &g) == 0 ? 0 : fail(p, "out of memory");
	}
	return fail(p, "unknown keyword");
out:
	free(s1);
	free(s2);
	return r;
}

int
siphon_snap_manifest_parse(struct siphon_snap_manifest *m, const char *text, size_t len,
                           char *why, size_t cap)
{
	struct mp p = {.m = m, .line = 0, .why = why, .cap = cap};
	char *copy, *line, *next, *f[MAX_FIELDS + 1];
	int r = -1, ended = 0;

	memset(m, 0, sizeof(*m));
	if (cap > 0)
		why[0] = '\0';
	if (len > SIPHON_SNAP_MANIFEST_MAX)
		return fail(&p, "the manifest is too large");
	if (memchr(text, '\0', len) != NULL)
		return fail(&p, "the manifest holds a NUL byte");
	if ((copy = malloc(len + 1)) == NULL)
		return fail(&p, "out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (line = copy; *line != '\0'; line = next) {
		int nf = 0;
		char *c;

		p.line++;
		if ((next = strchr(line, '\n')) == NULL) {
			fail(&p, "the last line has no end (truncated?)");
			goto out;
		}
		*next++ = '\0';
		if (ended) {
			fail(&p, "text after \"end\"");
			goto out;
		}
		if (p.line == 1) {
			if (strcmp(line, SIPHON_SNAP_MAGIC) != 0) {
				fail(&p, "not a siphon snapshot manifest (or of a later version)");
				goto out;
			}
			continue;
		}
		if (strcmp(line, "end") == 0) {
			ended = 1;
			continue;
		}
		for (c = line; nf <= MAX_FIELDS;) {
			f[nf++] = c;
			if ((c = strchr(c, ' ')) == NULL)
				break;
			*c++ = '\0';
		}
		if (nf > MAX_FIELDS) {
			fail(&p, "too many fields");
			goto out;
		}
		if (parse_line(&p, f, nf) != 0)
			goto out;
	}
	if (p.line == 0 || !ended) {
		p.line++;
		fail(&p, "no \"end\" line (truncated?)");
		goto out;
	}
	if (m->engine == NULL || m->host == NULL || m->database == NULL || m->codec == NULL ||
	    m->jobs == 0) {
		fail(&p, "engine, host, database, codec or jobs missing");
		goto out;
	}
	r = 0;
out:
	free(copy);
	if (r != 0)
		siphon_snap_manifest_clear(m);
	return r;
}
