/* my_lane.c - a data channel's rows into one LOAD DATA per table. */
#include "engine/mysql/my_lane.h"

#include "engine/mysql/my_batch.h"
#include "loop/loop.h"
#include "util/tmpdir_sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The first tab or newline in in[i..len), or len.  Eight bytes at a time:
 * a word holds one of them when it has a zero byte once xored with it
 * (the exact "has a zero byte" test); the byte loop then finds which.  A
 * byte at a time, this search was most of what a MySQL lane costs.
 */
static size_t
field_end(const unsigned char *in, size_t i, size_t len)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;

	for (; len - i >= 8; i += 8) {
		uint64_t w, t, n;

		memcpy(&w, in + i, 8);
		t = w ^ (ones * '\t');
		n = w ^ (ones * '\n');
		if ((((t - ones) & ~t) | ((n - ones) & ~n)) & highs)
			break;
	}
	while (i < len && in[i] != '\t' && in[i] != '\n')
		i++;
	return i;
}

/* Remembers why the stream is not what was expected. */
static enum siphon_my_scan_result
bad(struct siphon_my_scan *s, const char *expected, int found)
{
	s->expected = expected;
	s->found = found;
	return SIPHON_MY_SCAN_BAD;
}

enum siphon_my_scan_result
siphon_my_scan(struct siphon_my_scan *s, const unsigned char *in, size_t len,
               unsigned char *out, size_t *took, size_t *made)
{
	size_t i = 0, o = 0;
	enum siphon_my_scan_result res = SIPHON_MY_SCAN_MORE;

	while (i < len) {
		unsigned char c = in[i];

		switch (s->state) {
		case SIPHON_MY_SOL:
			if (c == 'e') {
				s->state = SIPHON_MY_MARKER;
				s->left = 3;
				i++;
				break;
			}
			s->field = 0;
			s->state = SIPHON_MY_FSTART;
			break;
		case SIPHON_MY_MARKER:
			if (c != "nd\n"[3 - s->left]) {
				res = bad(s, "a row, or the line \"end\" after the last row", c);
				goto out;
			}
			i++;
			if (--s->left == 0) {
				s->state = SIPHON_MY_SOL;
				res = SIPHON_MY_SCAN_END;
				goto out;
			}
			break;
		case SIPHON_MY_FSTART:
			if (s->field >= s->nfields) {
				res = bad(s, "the end of the row (more fields than columns)", -1);
				goto out;
			}
			if (!s->prefixed[s->field]) {
				s->state = SIPHON_MY_INFIELD;
				break;
			}
			if (c == 'v') {
				i++;
				s->state = SIPHON_MY_INFIELD;
			} else if (c == 'W' && s->field == 0) {
				/* The rows are followed by SHOW WARNINGS: "Warning\t1301\t...". */
				res = bad(s, "a row or the end of the table", c);
				s->warning = 1;
				goto out;
			} else if (c == 'N') {
				/* \N is written when the word is complete: never more out than in. */
				i++;
				s->state = SIPHON_MY_NULLWORD;
				s->left = 3;
			} else {
				res = bad(s, "'v' (a value) or the word NULL at the start of the field", c);
				goto out;
			}
			break;
		case SIPHON_MY_NULLWORD:
			if (c != "ULL"[3 - s->left]) {
				res = bad(s, "'v' (a value) or the word NULL at the start of the field", c);
				goto out;
			}
			i++;
			if (--s->left == 0) {
				out[o++] = '\\';
				out[o++] = 'N';
				s->state = SIPHON_MY_INFIELD;
			}
			break;
		case SIPHON_MY_INFIELD: {
			/* Copy up to the next tab or newline in one go. */
			size_t j = field_end(in, i, len);

			memcpy(out + o, in + i, j - i);
			o += j - i;
			i = j;
			if (i == len)
				break;
			out[o++] = in[i++];
			if (in[i - 1] == '\t') {
				s->field++;
				s->state = SIPHON_MY_FSTART;
			} else {
				if (s->field != s->nfields - 1) {
					res = bad(s, "more fields (the row ended early)", '\n');
					goto out;
				}
				s->rows++;
				s->state = SIPHON_MY_SOL;
			}
			break;
		}
		}
	}
out:
	*took = i;
	*made = o;
	return res;
}

/*
 * Says where the framing broke and what was there instead (at: the bytes
 * from there on that arrived with it).  Under a snapshot a table cannot
 * change; a column whose form siphon misjudged is as likely, so the
 * message names both.
 */
static int
bad_stream(struct siphon_my_lane *lane, const unsigned char *at, size_t len)
{
	const struct siphon_my_lane_item *it = lane->cur < lane->nitems ? &lane->items[lane->cur] : NULL;
	const struct siphon_my_scan *s = &lane->scan;
	char found[48] = "", where[224];

	if (s->warning) {
		/* at: the warning's line ("Warning\tCODE\tTEXT"), as much of it as arrived. */
		char line[256];
		size_t n = 0;

		while (n < len && n < sizeof(line) - 1 && at[n] != '\n') {
			line[n] = at[n] == '\t' ? ' ' : (char)at[n];
			n++;
		}
		line[n] = '\0';
		return siphon_err(lane->ctx, SIPHON_EREMOTE,
		                  "%s: the server warned while it sent the rows of table \"%s\", so a value it sent may differ from the stored one (\"%s\"); nothing was copied. A value longer than the server's max_allowed_packet comes as NULL: raise max_allowed_packet on the server (SET GLOBAL max_allowed_packet = 1073741824) and pull again",
		                  lane->what, it != NULL ? it->table : "?", line);
	}

	if (s->found == '\n')
		snprintf(found, sizeof(found), ", found the end of the line");
	else if (s->found >= 0x21 && s->found < 0x7f)
		snprintf(found, sizeof(found), ", found '%c' (byte 0x%02x)", s->found, s->found);
	else if (s->found >= 0)
		snprintf(found, sizeof(found), ", found byte 0x%02x", s->found);
	if (s->state == SIPHON_MY_SOL || s->state == SIPHON_MY_MARKER)
		snprintf(where, sizeof(where), "at the start of row %llu", (unsigned long long)s->rows + 1);
	else if (it != NULL && it->names != NULL && s->field < it->nfields)
		snprintf(where, sizeof(where), "row %llu, field %d of %d (column `%.120s`)",
		         (unsigned long long)s->rows + 1, s->field + 1, s->nfields, it->names[s->field]);
	else
		snprintf(where, sizeof(where), "row %llu, field %d of %d", (unsigned long long)s->rows + 1,
		         s->field + 1, s->nfields);
	return siphon_err(lane->ctx, SIPHON_EREMOTE,
	                  "%s: the rows of table \"%s\" are not in the form siphon selected them in: %s: expected %s%s; the table's columns may have changed during the copy (try again), or siphon misread a column's type (please report it with the table's SHOW CREATE TABLE)",
	                  lane->what, it != NULL ? it->table : "?", where,
	                  s->expected != NULL ? s->expected : "another byte", found);
}

/*
 * Loaders of one lane that may run at once: one finishing its table while
 * the next one's rows stream.  A loader ends only after its rows are
 * committed, so without a bound small tables that fit in the pipes start a
 * loader (a local session) each: 500 tables of 1,000 rows ran into the
 * local server's max_connections (200; MariaDB's default is 151).
 */
#define LOADERS_PER_LANE 2

/* May the current item's loader start now? */
static int
loader_slot(struct siphon_my_lane *lane)
{
	int running = 0;

	while (lane->oldest < lane->cur &&
	       (lane->items[lane->oldest].proc == NULL || lane->items[lane->oldest].proc->exited))
		lane->oldest++;
	for (int i = lane->oldest; i < lane->cur; i++)
		running += lane->items[i].proc != NULL && !lane->items[i].proc->exited;
	for (int b = 0; b < lane->nbatches; b++)
		running += lane->batches[b].proc != NULL && !lane->batches[b].proc->exited;
	return running < LOADERS_PER_LANE;
}

int
siphon_my_lane_file(const struct siphon_my_lane *lane, int i, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/t%d", lane->dir != NULL ? lane->dir : "", i);

	return lane->dir == NULL || n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Starts the sealed batch when a loader slot is free (or force). */
static int
start_ready(struct siphon_my_lane *lane, int force)
{
	int r, b = lane->ready_b - 1;

	if (b < 0 || (!force && !loader_slot(lane)))
		return 0;
	lane->ready_b = 0;
	if ((r = lane->spawn_batch(lane->spawn_arg, lane, b)) != 0)
		return r;
	return 0;
}

/* The current small table's file, made (with the lane's directory) on its first rows. */
static int
open_file(struct siphon_my_lane *lane)
{
	char path[4096];
	const char *tmp = getenv("TMPDIR");

	if (lane->file_open)
		return 0;
	if (lane->dir == NULL) {
		char tmpl[4096];

		/* Named as a temporary database is: a siphon killed here leaves it to the stale sweep. */
		if (siphon_tmpdir_template(tmpl, sizeof(tmpl), tmp != NULL && siphon_my_batch_dir_ok(tmp) ? tmp : "/tmp") != 0) {
			errno = ENAMETOOLONG;
		} else if (mkdtemp(tmpl) != NULL && (lane->dir = strdup(tmpl)) == NULL) {
			(void)rmdir(tmpl);
			errno = ENOMEM;
		}
		if (lane->dir == NULL)
			return siphon_err(lane->ctx, SIPHON_ELOCAL, "making a directory for small tables' rows failed: %s",
			                  strerror(errno));
	}
	if (siphon_my_lane_file(lane, lane->cur, path, sizeof(path)) != 0 ||
	    (lane->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return siphon_err(lane->ctx, SIPHON_ELOCAL, "creating %s failed: %s", path, strerror(errno));
	lane->file_open = 1;
	return 0;
}

static int
write_file(struct siphon_my_lane *lane, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(lane->fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return siphon_err(lane->ctx, SIPHON_ELOCAL, "writing a small table's rows to %s failed: %s",
			                  lane->dir, strerror(errno));
		buf += n;
		len -= (size_t)n;
		lane->items[lane->cur].file_bytes += (uint64_t)n;
	}
	return 0;
}

/* Does the batch end with item i (it is full, or the next table is not a small one)? */
static int
seals_after(const struct siphon_my_lane *lane, int i)
{
	const struct siphon_my_batch *b = lane->open_b > 0 ? &lane->batches[lane->open_b - 1] : NULL;
	uint64_t bytes = (b != NULL ? b->bytes : 0) + lane->items[i].file_bytes;
	int n = (b != NULL ? b->n : 0) + 1;

	return n >= SIPHON_MY_BATCH_TABLES || bytes >= SIPHON_MY_BATCH_BYTES || i + 1 >= lane->nitems ||
	       !lane->items[i + 1].small;
}

/* The current small table's rows are all in its file: into the open batch, sealed when it ends. */
static int
close_small(struct siphon_my_lane *lane)
{
	struct siphon_my_lane_item *it = &lane->items[lane->cur];
	struct siphon_my_batch *b;

	if (lane->file_open) {
		lane->file_open = 0;
		if (close(lane->fd) != 0)
			return siphon_err(lane->ctx, SIPHON_ELOCAL, "writing a small table's rows to %s failed: %s",
			                  lane->dir, strerror(errno));
		if (lane->open_b == 0) {
			void *p = realloc(lane->batches, (size_t)(lane->nbatches + 1) * sizeof(*lane->batches));

			if (p == NULL)
				return siphon_err_oom(lane->ctx);
			lane->batches = p;
			lane->batches[lane->nbatches] = (struct siphon_my_batch){.first = lane->cur};
			lane->open_b = ++lane->nbatches;
		}
		b = &lane->batches[lane->open_b - 1];
		b->end = lane->cur + 1;
		b->n++;
		b->bytes += it->file_bytes;
		it->batch = lane->open_b;
	}
	/* A table without rows needs no loader, but it may end the batch before it. */
	if (lane->open_b > 0 && seals_after(lane, lane->cur)) {
		lane->ready_b = lane->open_b;
		lane->open_b = 0;
	}
	return start_ready(lane, 0);
}

/* Writes what is converted into the current loader: 1 when all went. */
static int
flush(struct siphon_my_lane *lane, int *drained)
{
	struct siphon_my_lane_item *it = &lane->items[lane->cur];
	int r;

	*drained = 0;
	if ((r = start_ready(lane, 0)) != 0)
		return r;
	if (lane->discard)
		lane->out_off = lane->out_len;
	if (it->small && lane->out_off < lane->out_len) {
		if ((r = open_file(lane)) != 0 || (r = write_file(lane, lane->out + lane->out_off,
		                                                  lane->out_len - lane->out_off)) != 0)
			return r;
		lane->out_off = lane->out_len;
	}
	/* A sealed batch still waits for a slot: the next one may not seal yet (the rows wait). */
	if (lane->closing && it->small && lane->ready_b > 0 && (lane->file_open || lane->open_b > 0) &&
	    seals_after(lane, lane->cur))
		return 0;
	if (lane->out_off < lane->out_len) {
		ssize_t n;

		/* No slot: the rows wait in the channel (backpressure) until a loader ends. */
		if (it->proc == NULL && !loader_slot(lane))
			return 0;
		if (it->proc == NULL && (r = lane->spawn(lane->spawn_arg, lane, lane->cur)) != 0)
			return r;
		n = siphon_proc_write(it->proc, lane->out + lane->out_off,
		                      lane->out_len - lane->out_off);
		if (n < 0)
			return siphon_err(lane->ctx, SIPHON_ELOCAL,
			                  "the local loader of table \"%s\" stopped reading (%s)", it->table,
			                  siphon_strbuf_str(&it->proc->err)[0] ? siphon_strbuf_str(&it->proc->err) : "it exited");
		lane->out_off += (size_t)n;
		if (lane->out_off < lane->out_len)
			return 0;
	}
	lane->out_off = lane->out_len = 0;
	if (lane->closing) {
		if (it->small && (r = close_small(lane)) != 0)
			return r;
		if (it->proc != NULL)
			siphon_proc_close_stdin(it->proc);
		it->done = 1;
		siphon_event_table_end(lane->ctx, it->ev, 0);
		lane->closing = 0;
		lane->cur++;
		lane->scan.state = SIPHON_MY_SOL;
		lane->scan.rows = 0;
		if (lane->cur < lane->nitems) {
			lane->scan.prefixed = lane->items[lane->cur].prefixed;
			lane->scan.nfields = lane->items[lane->cur].nfields;
		}
	}
	*drained = 1;
	return 0;
}

static uint64_t
wire_now(const struct siphon_my_lane *lane)
{
	return lane->wire != NULL ? *lane->wire : 0;
}

static ssize_t
lane_write(void *arg, const unsigned char *buf, size_t len)
{
	struct siphon_my_lane *lane = arg;
	struct siphon_my_lane_item *it;
	size_t total = 0;
	int r, drained;

	while (total < len) {
		size_t took, made, chunk;
		enum siphon_my_scan_result res;

		if (lane->cur < lane->nitems && (r = flush(lane, &drained)) != 0)
			return r;
		if (lane->cur < lane->nitems && !drained)
			break;
		if (lane->cur >= lane->nitems)
			return siphon_err(lane->ctx, SIPHON_EREMOTE,
			                  "%s: more data arrived after the last table", lane->what);
		it = &lane->items[lane->cur];
		if (!it->started) {
			it->started = 1;
			it->ev = siphon_event_table_start(lane->ctx, &it->who, wire_now(lane));
		}
		chunk = len - total < lane->out_cap ? len - total : lane->out_cap;
		res = siphon_my_scan(&lane->scan, buf + total, chunk, lane->out, &took, &made);
		if (res == SIPHON_MY_SCAN_BAD)
			return bad_stream(lane, buf + total + took, chunk - took);
		siphon_event_table_data(lane->ctx, it->ev, took, (int64_t)lane->scan.rows, wire_now(lane));
		if (lane->feed != NULL)
			lane->feed(lane->feed_arg, buf + total, took);
		total += took;
		lane->out_len = made;
		lane->out_off = 0;
		if (res == SIPHON_MY_SCAN_END)
			lane->closing = 1;
	}
	/* Push out what this call converted; the rest waits for the pipe. */
	if (lane->cur < lane->nitems && (r = flush(lane, &drained)) != 0)
		return r;
	return (ssize_t)total;
}

int
siphon_my_lane_pump(struct siphon_my_lane *lane, int *complete)
{
	int r, drained = 1;

	*complete = 0;
	if (lane->cur < lane->nitems && (r = flush(lane, &drained)) != 0)
		return r;
	if ((r = start_ready(lane, 0)) != 0)
		return r;
	if (!lane->ended || !drained || lane->ready_b > 0)
		return 0;
	if (lane->cur < lane->nitems)
		return siphon_err(lane->ctx, SIPHON_EREMOTE,
		                  "%s ended before the rows of table \"%s\" were complete; the remote session stopped",
		                  lane->what, lane->items[lane->cur].table);
	*complete = 1;
	return 0;
}

/* The stream ended: what is still converted goes out from siphon_my_lane_pump. */
static int
lane_finish(void *arg)
{
	struct siphon_my_lane *lane = arg;
	int complete;

	lane->ended = 1;
	return siphon_my_lane_pump(lane, &complete);
}

void
siphon_my_lane_sink(struct siphon_sink *sink, struct siphon_my_lane *lane)
{
	if (lane->nitems > 0) {
		lane->scan.prefixed = lane->items[0].prefixed;
		lane->scan.nfields = lane->items[0].nfields;
	}
	sink->write = lane_write;
	sink->finish = lane_finish;
	sink->arg = lane;
}

int
siphon_my_lane_batch_culprit(const struct siphon_my_lane *lane, int b, int markers)
{
	const struct siphon_my_batch *ba = &lane->batches[b];
	int want = markers < ba->n ? markers : 0, seen = 0, last = ba->first;

	for (int i = ba->first; i < ba->end; i++) {
		if (lane->items[i].file_bytes == 0)
			continue;
		if (seen++ == want)
			return i;
		last = i;
	}
	return last;
}

int
siphon_my_lane_seal(struct siphon_my_lane *lane)
{
	int r;

	/* The table being written is not complete: its file stays out of any batch. */
	if (lane->ready_b > 0 && (r = start_ready(lane, 1)) != 0)
		return r;
	if (lane->open_b > 0) {
		lane->ready_b = lane->open_b;
		lane->open_b = 0;
	}
	return start_ready(lane, 1);
}

void
siphon_my_lane_batch_reaped(struct siphon_my_lane *lane, int b)
{
	struct siphon_my_batch *ba = &lane->batches[b];
	char path[4096];

	if (ba->reaped)
		return;
	ba->reaped = 1;
	for (int i = ba->first; i < ba->end; i++)
		if (lane->items[i].file_bytes > 0 && siphon_my_lane_file(lane, i, path, sizeof(path)) == 0)
			(void)unlink(path);
}

void
siphon_my_lane_clear(struct siphon_my_lane *lane)
{
	char path[4096];
	int i;

	if (lane->file_open)
		(void)close(lane->fd);
	for (i = 0; i < lane->nbatches; i++)
		siphon_proc_free(lane->batches[i].proc);
	free(lane->batches);
	/* Whatever files are left (a table cut, a batch never loaded), then the directory. */
	for (i = 0; lane->dir != NULL && i < lane->nitems; i++)
		if (lane->items[i].small && siphon_my_lane_file(lane, i, path, sizeof(path)) == 0)
			(void)unlink(path);
	if (lane->dir != NULL)
		(void)rmdir(lane->dir);
	free(lane->dir);

	for (i = 0; i < lane->nitems; i++) {
		free(lane->items[i].table);
		free(lane->items[i].load_sql);
		free(lane->items[i].prefixed);
		for (int k = 0; lane->items[i].names != NULL && k < lane->items[i].nfields; k++)
			free(lane->items[i].names[k]);
		free(lane->items[i].names);
		siphon_proc_free(lane->items[i].proc);
	}
	free(lane->items);
	free(lane->out);
	memset(lane, 0, sizeof(*lane));
}
