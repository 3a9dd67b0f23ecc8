/* pg_lane.c - framing of many tables on one data channel. */
#include "engine/postgres/pg_lane.h"

#include "siphon.h"

#include <string.h>

long
siphon_pg_lane_scan(struct siphon_pg_lane_scan *s, const unsigned char *buf,
                    size_t len)
{
	size_t i = 0;
	const unsigned char *nl;

	while (i < len) {
		if (s->m == 1) {
			if (buf[i] == '.') {
				s->m = 2;
				i++;
				continue;
			}
			s->m = 0;
			s->sol = 0;
		} else if (s->m == 2) {
			if (buf[i] == '\n') {
				s->m = 0;
				s->sol = 1;
				return (long)(i + 1);
			}
			/*
			 * Text COPY never starts a data line with "\." (a backslash
			 * is always escaped), and psql also ends the data at
			 * "\.\r\n": any such line is a stream psql could read
			 * differently from siphon.
			 */
			return SIPHON_PG_LANE_BAD;
		} else if (s->sol) {
			if (buf[i] == '\\') {
				s->m = 1;
				i++;
				continue;
			}
			s->sol = 0;
		}
		if (buf[i] == '\n') {
			s->sol = 1;
			i++;
			continue;
		}
		nl = memchr(buf + i, '\n', len - i);
		if (nl == NULL)
			return -1;
		i = (size_t)(nl - buf) + 1;
		s->sol = 1;
	}
	return -1;
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

	if (l->proc == NULL)
		return 0;       /* the schema is not restored yet: hold back */
	if (!l->in_item) {
		if (l->cur >= l->nitems)
			return siphon_err(l->ctx, SIPHON_EREMOTE,
			                  "%s: unexpected data after the last table", l->what);
		it = &l->items[l->cur];
		if ((r = siphon_proc_queue(l->proc, it->header, strlen(it->header))) != 0)
			return r;
		l->in_item = 1;
		l->scan.sol = 1;
		l->scan.m = 0;
	}
	probe = l->scan;
	t = siphon_pg_lane_scan(&probe, buf, len);
	if (t == SIPHON_PG_LANE_BAD)
		return siphon_err(l->ctx, SIPHON_EREMOTE,
		                  "%s: a line of table data starts with \\. but is not the end-of-data line; "
		                  "the server's stream is corrupt or hostile, refusing it",
		                  l->what);
	lim = t >= 0 ? (size_t)t : len;
	n = siphon_proc_write(l->proc, buf, lim);
	if (n <= 0)
		return n;
	if ((size_t)n == lim) {
		l->scan = probe;
	} else {
		siphon_pg_lane_scan(&l->scan, buf, (size_t)n);
		return n;
	}
	if (t >= 0) {
		it = &l->items[l->cur];
		if (it->trailer != NULL &&
		    (r = siphon_proc_queue(l->proc, it->trailer, strlen(it->trailer))) != 0)
			return r;
		l->cur++;
		l->in_item = 0;
	}
	return n;
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
