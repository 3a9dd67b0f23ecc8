/* pg_lane.c - framing of many tables on one data channel. */
#include "engine/postgres/pg_lane.h"

#include "siphon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOADED_MARKER "siphon-loaded "

/*
 * Lines are found by their backslashes, not one newline at a time: the
 * only line that matters is one that starts with "\", and a memchr for
 * backslashes skips whole rows (most have none) at the speed of the
 * library's vector code, where a memchr per row paid its call for every
 * row.
 */
long
siphon_pg_lane_find(struct siphon_pg_lane_scan *s, const unsigned char *buf, size_t len)
{
	const unsigned char *bs;
	size_t i = 0, k;

	while (i < len) {
		if (s->m == 1) {
			if (buf[i] != '.') {
				/* "\N", "\\": a line of data; its byte i is read below. */
				s->m = 0;
				s->sol = 0;
				continue;
			}
			s->m = 2;
			i++;
			continue;
		}
		if (s->m == 2) {
			/*
			 * Text COPY never starts a data line with "\." (a backslash
			 * is always escaped), and psql also ends the data at
			 * "\.\r\n": any such line is a stream psql could read
			 * differently from siphon.
			 */
			if (buf[i] != '\n')
				return SIPHON_PG_LANE_BAD;
			s->m = 0;
			s->sol = 1;
			return (long)(i + 1);
		}
		if (s->sol) {
			if (buf[i] == '\\') {
				s->m = 1;
				i++;
				continue;
			}
			s->sol = 0;
		}
		/* Byte i is no backslash at a line start: find the next backslash. */
		if ((bs = memchr(buf + i, '\\', len - i)) == NULL) {
			s->sol = buf[len - 1] == '\n';
			return -1;
		}
		k = (size_t)(bs - buf);
		if (k > i && buf[k - 1] == '\n')
			s->sol = 1;     /* it starts a line: the states above read it */
		else
			k++;            /* inside a line: an escape */
		i = k;
	}
	return -1;
}

uint64_t
siphon_pg_lane_lines(const unsigned char *buf, size_t len)
{
	uint64_t n = 0;
	size_t i = 0;

	/*
	 * Blocks of a fixed size, with a byte-wide count (at most 64), which
	 * the compiler turns into vector compares at -O2.
	 */
	for (; i + 64 <= len; i += 64) {
		unsigned char k = 0;

		for (size_t j = 0; j < 64; j++)
			k += buf[i + j] == '\n';
		n += k;
	}
	for (; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

long
siphon_pg_lane_scan(struct siphon_pg_lane_scan *s, const unsigned char *buf,
                    size_t len)
{
	long t = siphon_pg_lane_find(s, buf, len);

	if (t != SIPHON_PG_LANE_BAD)
		s->lines += siphon_pg_lane_lines(buf, t >= 0 ? (size_t)t : len);
	return t;
}

/* A lane's local SQL: into its psql, or nowhere (--snapshot-only). */
static int
lane_queue(struct siphon_pg_lane *l, const char *sql)
{
	return l->discard ? 0 : siphon_proc_queue(l->proc, sql, strlen(sql));
}

static ssize_t
lane_put(struct siphon_pg_lane *l, const unsigned char *buf, size_t len)
{
	return l->discard ? (ssize_t)len : siphon_proc_write(l->proc, buf, len);
}

static ssize_t
lane_write(void *arg, const unsigned char *buf, size_t len)
{
	struct siphon_pg_lane *l = arg;
	struct siphon_pg_lane_scan probe;
	struct siphon_pg_lane_item *it;
	ssize_t n;
	long t;
	size_t lim;
	int r;

	if (l->proc == NULL && !l->discard)
		return 0;       /* the schema is not restored yet: hold back */
	if (!l->in_item) {
		if (l->cur >= l->nitems)
			return siphon_err(l->ctx, SIPHON_EREMOTE,
			                  "%s: unexpected data after the last table", l->what);
		it = &l->items[l->cur];
		if ((r = lane_queue(l, it->header)) != 0)
			return r;
		l->in_item = 1;
		l->scan.sol = 1;
		l->scan.m = 0;
		l->scan.lines = 0;
		l->ev = siphon_event_table_start(l->ctx, &it->who, l->wire != NULL ? *l->wire : 0);
	}
	/*
	 * Where the item ends first (the local session may take less); lines
	 * are counted in what it took only: a full pipe takes a little at a
	 * time, and the rest is offered again.
	 */
	probe = l->scan;
	t = siphon_pg_lane_find(&probe, buf, len);
	if (t == SIPHON_PG_LANE_BAD)
		return siphon_err(l->ctx, SIPHON_EREMOTE,
		                  "%s: a line of table data starts with \\. but is not the end-of-data line; "
		                  "the server's stream is corrupt or hostile, refusing it",
		                  l->what);
	lim = t >= 0 ? (size_t)t : len;
	n = lane_put(l, buf, lim);
	if (n <= 0)
		return n;
	if ((size_t)n == lim) {
		l->scan = probe;
	} else {
		siphon_pg_lane_find(&l->scan, buf, (size_t)n);
		t = -1;
	}
	l->scan.lines += siphon_pg_lane_lines(buf, (size_t)n);
	if (l->feed != NULL)
		l->feed(l->feed_arg, buf, (size_t)n);
	/* Every line is a row (text COPY escapes newlines), but the "\." line. */
	siphon_event_table_data(l->ctx, l->ev, (uint64_t)n,
	                        (int64_t)(l->scan.lines - (t >= 0)), l->wire != NULL ? *l->wire : 0);
	if (t >= 0) {
		it = &l->items[l->cur];
		it->rows = (int64_t)l->scan.lines - 1;
		if (it->trailer != NULL && (r = lane_queue(l, it->trailer)) != 0)
			return r;
		/* Answered once the COPY (and its trailer) is committed: the table's indexes may start. */
		{
			char q[64];

			snprintf(q, sizeof(q), "SELECT '" LOADED_MARKER "%d';\n", l->cur);
			if ((r = lane_queue(l, q)) != 0)
				return r;
		}
		siphon_event_table_end(l->ctx, l->ev, 0);
		l->ev = 0;
		l->cur++;
		l->in_item = 0;
	}
	return n;
}

int
siphon_pg_lane_markers(const char *buf, size_t len, int *next, size_t *used)
{
	const char *p = buf, *end = buf + len, *nl;
	size_t ml = strlen(LOADED_MARKER);

	*used = 0;
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		size_t ll = (size_t)(nl - p);

		if (ll > ml && memcmp(p, LOADED_MARKER, ml) == 0) {
			long long k = 0;
			size_t i;

			for (i = ml; i < ll && p[i] >= '0' && p[i] <= '9' && k <= 1000000000; i++)
				k = k * 10 + (p[i] - '0');
			if (i != ll || k != *next)
				return -1;
			(*next)++;
		}
		p = nl + 1;
		*used = (size_t)(p - buf);
	}
	return 0;
}

static int
lane_finish(void *arg)
{
	struct siphon_pg_lane *l = arg;

	if (l->cur != l->nitems || l->in_item)
		return siphon_err(l->ctx, SIPHON_ECONNECT,
		                  "%s ended after %d of %d tables: the data stream was cut short",
		                  l->what, l->cur, l->nitems);
	if (l->proc != NULL)
		siphon_proc_close_stdin(l->proc);
	return 0;
}

void
siphon_pg_lane_sink(struct siphon_sink *sink, struct siphon_pg_lane *lane)
{
	sink->write = lane_write;
	sink->finish = lane_finish;
	sink->arg = lane;
}

int
siphon_pg_copy_sql(struct siphon_pg_lane_item *it, struct siphon_strbuf *remote,
                   const struct siphon_pg_table *t, int pieces, uint64_t first, uint64_t last)
{
	struct siphon_strbuf h = {0};
	const char *qname = t != NULL ? t->qname : NULL;

	if (t != NULL && pieces > 1) {
		/* A TID range scan reads just these pages (PostgreSQL 14+). */
		if (siphon_strbuf_printf(remote, "COPY (SELECT %s FROM ONLY %s WHERE ctid >= '(%llu,0)'::tid",
		                         t->columns, qname, (unsigned long long)first) != 0 ||
		    (last > 0 && siphon_strbuf_printf(remote, " AND ctid < '(%llu,0)'::tid",
		                                         (unsigned long long)last) != 0) ||
		    siphon_strbuf_puts(remote, ") TO STDOUT;\n") != 0 ||
		    siphon_strbuf_printf(&h, "COPY %s (%s) FROM STDIN;\n", qname, t->columns) != 0)
			goto oom;
	} else if (qname == NULL) {
		/* Large objects: loaded through a temporary table, then written. */
		if (siphon_strbuf_puts(remote,
		        "COPY (SELECT oid, pg_catalog.lo_get(oid) FROM pg_catalog.pg_largeobject_metadata ORDER BY 1) TO STDOUT;\n") != 0 ||
		    siphon_strbuf_puts(&h, "CREATE TEMP TABLE siphon_lo (loid oid, data bytea);\nCOPY siphon_lo FROM STDIN;\n") != 0)
			goto oom;
		it->trailer = strdup(
		    "SELECT count(pg_catalog.lo_create(loid)) FROM siphon_lo WHERE loid NOT IN (SELECT oid FROM pg_catalog.pg_largeobject_metadata);\n"
		    "SELECT count(pg_catalog.lo_put(loid, 0, data)) FROM siphon_lo;\n"
		    "DROP TABLE siphon_lo;\n");
		if (it->trailer == NULL)
			goto oom;
	} else if (t->columns != NULL) {
		/* Named columns on both sides: the local order may differ from the server's. */
		if (siphon_strbuf_printf(remote, "COPY %s (%s) TO STDOUT;\n", qname, t->columns) != 0 ||
		    siphon_strbuf_printf(&h, "COPY %s (%s) FROM STDIN;\n", qname, t->columns) != 0)
			goto oom;
	} else if (siphon_strbuf_printf(remote, "COPY %s TO STDOUT;\n", qname) != 0 ||
	           siphon_strbuf_printf(&h, "COPY %s FROM STDIN;\n", qname) != 0) {
		/* No column to name (CREATE TABLE t ()): nothing to put in the wrong place. */
		goto oom;
	}
	/* To the query output: through the compressor psql runs when the level may change (\o). */
	if (siphon_strbuf_puts(remote, "\\qecho '\\\\.'\n") != 0)
		goto oom;
	it->header = siphon_strbuf_take(&h);
	return it->header != NULL ? 0 : -1;
oom:
	siphon_strbuf_free(&h);
	return -1;
}
