/*
 * test_lane.c - unit tests of lib/engine/postgres/pg_lane: finding the end
 * of each table's COPY data ("\.\n" alone on a line) in a stream that
 * arrives in arbitrary pieces, and the lane sink that frames several tables
 * into one local psql (here `cat`, whose output shows what psql would read).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/postgres/pg_lane.h"

/*
 * Three tables as text COPY prints them: values with escaped backslashes,
 * NULLs, a lone ".", rows that hold "\." in the middle, an empty table,
 * and a table of empty strings.
 */
static const char stream3[] =
	/* table 1 */
	"1\tfoo\tbar\n"
	"2\t\\N\t\\\\.\n"
	"\\N\n"
	"\\\\.\n"
	"\\\\\\\\.\n"
	".\n"
	"..\n"
	"3\ta\\.b\n"
	"a\\.\n"
	"\\n.\n"
	"\\t\\.\n"
	"\\\\\n"
	"\\.\n"
	/* table 2: empty */
	"\\.\n"
	/* table 3: empty strings and a backslash-dot inside a value */
	"\n"
	"\n"
	"x\\\\.\n"
	"\\.\n";

/*
 * Where each table's terminator line ends, found line by line; *bad is set
 * when a line after the last of them starts with "\." and is anything else
 * (the scanner must refuse the stream there).
 */
static int
reference_ends(const char *s, size_t len, size_t *ends, int max, int *bad)
{
	int n = 0;
	size_t i = 0;

	*bad = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t l = nl != NULL ? (size_t)(nl - (s + i)) : len - i;

		if (l >= 2 && s[i] == '\\' && s[i + 1] == '.' && (l > 2 || nl != NULL)) {
			if (l > 2) {
				*bad = 1;
				break;
			}
			assert_true(n < max);
			ends[n++] = i + 3;
		}
		if (nl == NULL)
			break;
		i += l + 1;
	}
	return n;
}

/*
 * Feeds s cut at the given points, as the lane does: after a terminator the
 * rest of the same chunk is fed again from a fresh start of line.  *bad is
 * set when the scanner refused the stream.
 */
static int
scan_chunks(const char *s, size_t len, const size_t *cuts, int ncuts,
            size_t *ends, int max, int *bad)
{
	struct siphon_pg_lane_scan sc = { .sol = 1 };
	size_t start = 0;
	int n = 0;

	*bad = 0;
	for (int c = 0; c <= ncuts; c++) {
		size_t end = c < ncuts ? cuts[c] : len;
		size_t pos = start;

		while (pos < end) {
			long t = siphon_pg_lane_scan(&sc, (const unsigned char *)s + pos, end - pos);

			if (t == SIPHON_PG_LANE_BAD) {
				*bad = 1;
				return n;
			}
			if (t < 0)
				break;
			assert_true(t > 0 && (size_t)t <= end - pos);
			assert_true(n < max);
			ends[n++] = pos + (size_t)t;
			pos += (size_t)t;
			/* The scanner is ready for the next table. */
			assert_int_equal(sc.sol, 1);
			assert_int_equal(sc.m, 0);
		}
		start = end;
	}
	return n;
}

static void
expect_ends(const char *s, size_t len, const size_t *cuts, int ncuts)
{
	size_t want[64], got[64];
	int wbad, gbad;
	int nw = reference_ends(s, len, want, 64, &wbad);
	int ng = scan_chunks(s, len, cuts, ncuts, got, 64, &gbad);

	/* A refusal is found as soon as the line's third byte arrives: a
	 * stream cut right after "\." at its end is not refused yet. */
	if (wbad != gbad)
		fail_msg("refused: %d, expected %d (first cut %zu of %d)", gbad, wbad,
		         ncuts > 0 ? cuts[0] : 0, ncuts);
	if (ng != nw)
		fail_msg("%d terminators found instead of %d (first cut %zu of %d)", ng, nw,
		         ncuts > 0 ? cuts[0] : 0, ncuts);
	for (int i = 0; i < nw; i++)
		if (got[i] != want[i])
			fail_msg("terminator %d at %zu instead of %zu (first cut %zu of %d)", i,
			         got[i], want[i], ncuts > 0 ? cuts[0] : 0, ncuts);
}

static long
scan_once(const char *s)
{
	struct siphon_pg_lane_scan sc = { .sol = 1 };

	return siphon_pg_lane_scan(&sc, (const unsigned char *)s, strlen(s));
}

static void
test_lane_scan_basics(void **state)
{
	(void)state;
	/* At the very start of the stream: an empty table. */
	assert_int_equal(scan_once("\\.\n"), 3);
	assert_int_equal(scan_once("\\.\nmore"), 3);
	/* After rows. */
	assert_int_equal(scan_once("1\ta\n2\tb\n\\.\n"), 11);
	assert_int_equal(scan_once("\n\\.\n"), 4);
	/* Not terminators. */
	assert_int_equal(scan_once(""), -1);
	assert_int_equal(scan_once("\\."), -1);
	assert_int_equal(scan_once("\\\\.\n"), -1);
	assert_int_equal(scan_once("\\N\n"), -1);
	assert_int_equal(scan_once("a\\.b\n"), -1);
	assert_int_equal(scan_once("a\\.\n"), -1);
	assert_int_equal(scan_once(".\n"), -1);
	assert_int_equal(scan_once(" \\.\n"), -1);
	/* "\." that is not the end line: refused (psql ends at "\.\r\n" too). */
	assert_int_equal(scan_once("\\.\\.\n"), SIPHON_PG_LANE_BAD);
	assert_int_equal(scan_once("\\. \n"), SIPHON_PG_LANE_BAD);
	assert_int_equal(scan_once("\\.\r\n"), SIPHON_PG_LANE_BAD);
	assert_int_equal(scan_once("row\n\\.\rDROP TABLE t;\n"), SIPHON_PG_LANE_BAD);
	assert_int_equal(scan_once("\\\\\n.\n"), -1);
	assert_int_equal(scan_once("x\\\n\\\\.\n"), -1);
	/* The first of two. */
	assert_int_equal(scan_once("a\n\\.\n\\.\n"), 5);
}

/* State carries over: "\", ".", "\n" in three calls. */
static void
test_lane_scan_state_carries(void **state)
{
	struct siphon_pg_lane_scan sc = { .sol = 1 };

	(void)state;
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"row\n\\", 5), -1);
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)".", 1), -1);
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"\nnext", 5), 1);
	/* Mid-line state: a "\." that is not at a line start. */
	sc.sol = 1;
	sc.m = 0;
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"ab", 2), -1);
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"\\.", 2), -1);
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"\n", 1), -1);
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"\\.\n", 3), 3);
	/* An escaped backslash split from its dot. */
	sc.sol = 1;
	sc.m = 0;
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"\\", 1), -1);
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"\\", 1), -1);
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)".\n", 2), -1);
	/* Zero bytes change nothing. */
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"", 0), -1);
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"\\.\n", 3), 3);
}

/* Lines are newlines, counted across the 64-byte blocks and their tail. */
static void
test_lane_lines_count(void **state)
{
	unsigned char buf[300];
	struct siphon_pg_lane_scan sc = { .sol = 1 };
	size_t at[] = {0, 1, 62, 63, 64, 65, 127, 128, 191, 255, 256, 299};
	uint64_t want = 0;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		buf[at[i]] = '\n';
	for (size_t len = 0; len <= sizeof(buf); len++) {
		want = 0;
		for (size_t i = 0; i < len; i++)
			want += buf[i] == '\n';
		assert_int_equal(siphon_pg_lane_lines(buf, len), want);
	}
	/* The scanner counts every newline up to the end line, its own too. */
	assert_int_equal(siphon_pg_lane_scan(&sc, (const unsigned char *)"a\n\\N\n\n\\.\nrest\n", 14), 9);
	assert_int_equal(sc.lines, 4);
	/* Finding alone counts nothing. */
	sc = (struct siphon_pg_lane_scan){ .sol = 1 };
	assert_int_equal(siphon_pg_lane_find(&sc, (const unsigned char *)"a\n\\.\n", 5), 5);
	assert_int_equal(sc.lines, 0);
}

static void
test_lane_scan_whole(void **state)
{
	size_t ends[8];

	(void)state;
	int bad;

	assert_int_equal(reference_ends(stream3, sizeof(stream3) - 1, ends, 8, &bad), 3);
	assert_int_equal(bad, 0);
	expect_ends(stream3, sizeof(stream3) - 1, NULL, 0);
}

/* Every way of cutting the stream in two. */
static void
test_lane_scan_every_two_chunk_split(void **state)
{
	size_t len = sizeof(stream3) - 1;

	(void)state;
	for (size_t k = 0; k <= len; k++)
		expect_ends(stream3, len, &k, 1);
}

/* Every way of cutting it in three (all pairs of cut points). */
static void
test_lane_scan_every_three_chunk_split(void **state)
{
	size_t len = sizeof(stream3) - 1;

	(void)state;
	for (size_t a = 0; a <= len; a++) {
		for (size_t b = a; b <= len; b++) {
			size_t cuts[2] = { a, b };

			expect_ends(stream3, len, cuts, 2);
		}
	}
}

static void
test_lane_scan_one_byte_chunks(void **state)
{
	size_t len = sizeof(stream3) - 1;
	size_t *cuts = calloc(len, sizeof(*cuts));

	(void)state;
	assert_non_null(cuts);
	for (size_t i = 0; i < len; i++)
		cuts[i] = i + 1;
	expect_ends(stream3, len, cuts, (int)len - 1);
	free(cuts);
}

/* splitmix64, for reproducible random streams and cuts. */
static uint64_t
next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Random streams built from the characters that matter, randomly cut. */
static void
test_lane_scan_random(void **state)
{
	static const char alphabet[] = "\\\\..\n\n\nNa";
	uint64_t seed = 7;
	char s[200];
	size_t cuts[16];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = 1 + next_random(&seed) % (sizeof(s) - 1);
		int ncuts = (int)(next_random(&seed) % 16);

		for (size_t i = 0; i < len; i++)
			s[i] = alphabet[next_random(&seed) % (sizeof(alphabet) - 1)];
		for (int c = 0; c < ncuts; c++)
			cuts[c] = next_random(&seed) % (len + 1);
		/* Cut points in order. */
		for (int i = 1; i < ncuts; i++)
			for (int j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
				size_t t = cuts[j];

				cuts[j] = cuts[j - 1];
				cuts[j - 1] = t;
			}
		expect_ends(s, len, cuts, ncuts);
	}
}

/* The lane sink, feeding `cat` as a stand-in for the local psql. */
struct lane_fixture {
	struct siphon_ctx *ctx;
	struct siphon_proc *proc;
	struct siphon_pg_lane lane;
	struct siphon_sink sink;
	struct siphon_pg_lane_item items[4];
	long partial_writes;
};

static void
fixture_start(struct lane_fixture *f, int nitems)
{
	char *argv[] = { (char *)"cat", NULL };
	static const char *const headers[] = {
		"COPY public.a (id, v) FROM stdin;\n",
		"COPY public.\"empty\" FROM stdin;\n",
		"COPY public.c FROM stdin;\n",
		"COPY public.d FROM stdin;\n",
	};
	static const char *const trailers[] = {
		NULL, "-- after empty\n", NULL, "ANALYZE public.d;\n",
	};

	memset(f, 0, sizeof(*f));
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(siphon_ctx_new(&f->ctx), 0);
	assert_int_equal(siphon_proc_spawn(&f->proc, f->ctx, "cat", argv, 64 * 1024 * 1024), 0);
	for (int i = 0; i < nitems; i++) {
		f->items[i].header = (char *)headers[i];
		f->items[i].trailer = (char *)trailers[i];
	}
	f->lane.ctx = f->ctx;
	f->lane.proc = f->proc;
	f->lane.items = f->items;
	f->lane.nitems = nitems;
	snprintf(f->lane.what, sizeof(f->lane.what), "data channel 1");
	siphon_pg_lane_sink(&f->sink, &f->lane);
}

static void
fixture_stop(struct lane_fixture *f)
{
	siphon_proc_free(f->proc);
	siphon_ctx_free(f->ctx);
}

static void
step_proc(struct lane_fixture *f, int wait_ms)
{
	int progress = 0;
	struct pollfd pf[2];
	int n = 0;

	assert_int_equal(siphon_proc_step(f->proc, &progress), 0);
	if (progress || wait_ms == 0)
		return;
	if (f->proc->in_fd >= 0)
		pf[n++] = (struct pollfd){ .fd = f->proc->in_fd, .events = POLLOUT };
	if (f->proc->out_fd >= 0)
		pf[n++] = (struct pollfd){ .fd = f->proc->out_fd, .events = POLLIN };
	if (n > 0)
		poll(pf, (nfds_t)n, wait_ms);
}

/* Offers data in chunks of at most chunk bytes, as the stream would. */
static void
feed(struct lane_fixture *f, const char *data, size_t len, size_t chunk)
{
	size_t off = 0;

	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		ssize_t w = f->sink.write(f->sink.arg, (const unsigned char *)data + off, n);

		if (w < 0)
			fail_msg("lane write failed: %s", siphon_ctx_errmsg(f->ctx));
		assert_true((size_t)w <= n);
		if (w == 0) {
			step_proc(f, 100);
			continue;
		}
		if ((size_t)w < n && memmem(data + off, (size_t)w, "\\.\n", 3) == NULL)
			f->partial_writes++;
		off += (size_t)w;
		step_proc(f, 0);
	}
}

/* Ends the lane and returns everything cat printed. */
static const char *
finish(struct lane_fixture *f)
{
	assert_int_equal(f->sink.finish(f->sink.arg), 0);
	while (!f->proc->exited)
		step_proc(f, 100);
	assert_int_equal(f->proc->status, 0);
	return siphon_strbuf_str(&f->proc->out);
}

static void
expected_output(struct siphon_strbuf *want, const struct lane_fixture *f,
                const char *data, size_t len)
{
	const char *p = data;
	int i = 0;

	/* Each table: header, its rows and "\.", trailer. */
	while (p < data + len) {
		const char *t = p;

		for (;;) {
			const char *nl = memchr(t, '\n', (size_t)(data + len - t));

			assert_non_null(nl);
			if (nl - t == 2 && t[0] == '\\' && t[1] == '.') {
				t = nl + 1;
				break;
			}
			t = nl + 1;
		}
		assert_true(i < f->lane.nitems);
		assert_int_equal(siphon_strbuf_puts(want, f->items[i].header), 0);
		assert_int_equal(siphon_strbuf_append(want, p, (size_t)(t - p)), 0);
		if (f->items[i].trailer != NULL)
			assert_int_equal(siphon_strbuf_puts(want, f->items[i].trailer), 0);
		/* The marker whose answer says the COPY is committed (pg_lane.h). */
		assert_int_equal(siphon_strbuf_printf(want, "SELECT 'siphon-loaded %d';\n", i), 0);
		p = t;
		i++;
	}
}

static void
test_lane_sink_frames_tables(void **state)
{
	static const size_t chunks[] = { 1, 2, 3, 5, 7, 64, 4096 };
	size_t len = sizeof(stream3) - 1;

	(void)state;
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct lane_fixture f;
		struct siphon_strbuf want = {0};
		const char *got;

		fixture_start(&f, 3);
		feed(&f, stream3, len, chunks[c]);
		assert_int_equal(f.lane.cur, 3);
		assert_int_equal(f.lane.in_item, 0);
		got = finish(&f);
		expected_output(&want, &f, stream3, len);
		if (strcmp(got, siphon_strbuf_str(&want)) != 0)
			fail_msg("chunk %zu: cat printed\n%s\ninstead of\n%s", chunks[c], got,
			         siphon_strbuf_str(&want));
		siphon_strbuf_free(&want);
		fixture_stop(&f);
	}
}

/* What the lane said about its tables. */
struct table_seen {
	int starts, ends;
	unsigned id[4];
	char name[4][32];
	int64_t rows[4];
	uint64_t raw[4], wire[4];
	int rc[4];
};

static void
seen_event(void *arg, const struct siphon_event *ev)
{
	struct table_seen *ts = arg;

	if (ev->kind == SIPHON_EVENT_TABLE_START) {
		assert_true(ts->starts < 4);
		assert_int_equal(ts->starts, ts->ends);   /* one table at a time on a lane */
		ts->id[ts->starts] = ev->table.id;
		snprintf(ts->name[ts->starts], sizeof(ts->name[0]), "%s",
		         ev->table.name != NULL ? ev->table.name : "");
		ts->starts++;
	} else if (ev->kind == SIPHON_EVENT_TABLE_END) {
		assert_int_equal(ev->table.id, ts->id[ts->ends]);
		ts->rows[ts->ends] = ev->table.rows;
		ts->raw[ts->ends] = ev->table.raw_bytes;
		ts->wire[ts->ends] = ev->table.wire_bytes;
		ts->rc[ts->ends] = ev->rc;
		ts->ends++;
	}
}

/* A table bigger than the pipe: writes come back short, nothing is lost. */
static void
test_lane_sink_big_table_partial_writes(void **state)
{
	struct lane_fixture f;
	struct siphon_strbuf data = {0}, want = {0};
	const char *got;
	uint64_t seed = 99;
	struct table_seen ts = {0};
	int64_t rows;

	(void)state;
	for (rows = 0; data.len < 6 * 1024 * 1024; rows++) {
		/* Rows that begin with escapes, so a cut can land anywhere in them. */
		assert_int_equal(siphon_strbuf_printf(&data, "%s%d\t%llx\n",
		                                      rows % 3 == 0 ? "\\\\." : rows % 3 == 1 ? "\\N" : "",
		                                      (int)rows, (unsigned long long)next_random(&seed)), 0);
	}
	assert_int_equal(siphon_strbuf_puts(&data, "\\.\n\\.\n1\t\\\\.\n\\.\n"), 0);
	fixture_start(&f, 3);
	siphon_ctx_set_events(f.ctx, seen_event, &ts);
	feed(&f, data.buf, data.len, 1536 * 1024 + 7);
	assert_int_equal(f.lane.cur, 3);
	/* Rows counted right across short writes too. */
	assert_int_equal(ts.ends, 3);
	assert_int_equal(ts.rows[0], rows);
	assert_int_equal(ts.rows[1], 0);
	assert_int_equal(ts.rows[2], 1);
	got = finish(&f);
	expected_output(&want, &f, data.buf, data.len);
	assert_int_equal(strlen(got), want.len);
	assert_memory_equal(got, want.buf, want.len);
	/* The pipe really was full at times (otherwise this test proves less). */
	assert_true(f.partial_writes > 0);
	siphon_strbuf_free(&data);
	siphon_strbuf_free(&want);
	fixture_stop(&f);
}

/*
 * Table events from the stream: one start and one end per table, its rows
 * (lines but the "\." one) and its bytes, however the stream is cut.
 */
static void
test_lane_sink_table_events(void **state)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 4096 };
	static const char *const names[] = { "a", "empty", "c" };
	size_t len = sizeof(stream3) - 1;

	(void)state;
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct lane_fixture f;
		struct table_seen ts = {0};
		uint64_t wire = 1000;

		fixture_start(&f, 3);
		for (int i = 0; i < 3; i++)
			f.items[i].who = (struct siphon_event_table){.schema = "public", .name = names[i],
			                                             .channel = 1, .pieces = 1};
		siphon_ctx_set_events(f.ctx, seen_event, &ts);
		siphon_event_run_begin(f.ctx);
		f.lane.wire = &wire;
		wire = 1500;
		feed(&f, stream3, len, chunks[c]);
		(void)finish(&f);
		assert_int_equal(ts.starts, 3);
		assert_int_equal(ts.ends, 3);
		assert_string_equal(ts.name[0], "a");
		assert_string_equal(ts.name[2], "c");
		assert_int_equal(ts.rows[0], 12);
		assert_int_equal(ts.rows[1], 0);
		assert_int_equal(ts.rows[2], 3);
		assert_int_equal(ts.raw[0] + ts.raw[1] + ts.raw[2], len);
		assert_int_equal(ts.raw[1], 3);
		assert_int_equal(ts.rc[0] + ts.rc[1] + ts.rc[2], 0);
		/* The first table saw the channel's count move from 1500 on: none here. */
		assert_int_equal(ts.wire[0], 0);
		fixture_stop(&f);
	}
}

/* Before the schema is restored there is no psql: the lane takes nothing. */
static void
test_lane_sink_holds_back_without_proc(void **state)
{
	struct lane_fixture f;

	(void)state;
	fixture_start(&f, 1);
	f.lane.proc = NULL;
	assert_int_equal(f.sink.write(f.sink.arg, (const unsigned char *)"1\n\\.\n", 5), 0);
	assert_int_equal(f.lane.in_item, 0);
	assert_int_equal(f.lane.cur, 0);
	f.lane.proc = f.proc;
	feed(&f, "1\n\\.\n", 5, 100);
	assert_string_equal(finish(&f), "COPY public.a (id, v) FROM stdin;\n1\n\\.\nSELECT 'siphon-loaded 0';\n");
	fixture_stop(&f);
}

/*
 * pull --snapshot-only: no psql, the lane discards; it still takes every
 * byte at once, frames each table (events with their rows) and refuses a
 * stream cut short or a hostile "\." line.
 */
static void
test_lane_sink_discards(void **state)
{
	static const size_t chunks[] = { 1, 3, 4096 };
	size_t len = sizeof(stream3) - 1;

	(void)state;
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct lane_fixture f;
		struct table_seen ts = {0};
		size_t off = 0;

		fixture_start(&f, 3);
		f.lane.proc = NULL;
		f.lane.discard = 1;
		siphon_ctx_set_events(f.ctx, seen_event, &ts);
		siphon_event_run_begin(f.ctx);
		while (off < len) {
			size_t n = len - off < chunks[c] ? len - off : chunks[c];
			ssize_t w = f.sink.write(f.sink.arg, (const unsigned char *)stream3 + off, n);

			/* Never held back; at most to a table's end. */
			assert_true(w > 0 && (size_t)w <= n);
			off += (size_t)w;
		}
		assert_int_equal(f.sink.finish(f.sink.arg), 0);
		assert_int_equal(ts.starts, 3);
		assert_int_equal(ts.ends, 3);
		assert_int_equal(ts.rows[0], 12);
		assert_int_equal(ts.rows[2], 3);
		assert_int_equal(ts.raw[0] + ts.raw[1] + ts.raw[2], len);
		fixture_stop(&f);
	}
	{
		struct lane_fixture f;

		fixture_start(&f, 2);
		f.lane.proc = NULL;
		f.lane.discard = 1;
		assert_int_equal(f.sink.write(f.sink.arg, (const unsigned char *)"1\n\\.\n", 5), 5);
		assert_int_equal(f.sink.finish(f.sink.arg), SIPHON_ECONNECT);
		fixture_stop(&f);
		fixture_start(&f, 1);
		f.lane.proc = NULL;
		f.lane.discard = 1;
		assert_int_equal(f.sink.write(f.sink.arg, (const unsigned char *)"\\.x\n", 4), SIPHON_EREMOTE);
		fixture_stop(&f);
	}
}

static void
test_lane_sink_data_after_last_table(void **state)
{
	struct lane_fixture f;
	ssize_t w;

	(void)state;
	fixture_start(&f, 1);
	feed(&f, "1\n\\.\n", 5, 100);
	w = f.sink.write(f.sink.arg, (const unsigned char *)"2\n", 2);
	assert_int_equal(w, SIPHON_EREMOTE);
	assert_string_equal(siphon_ctx_errmsg(f.ctx),
	                    "data channel 1: unexpected data after the last table");
	assert_int_equal(siphon_ctx_errcode(f.ctx), SIPHON_EREMOTE);
	fixture_stop(&f);
}

static void
test_lane_sink_cut_short(void **state)
{
	struct lane_fixture f;

	(void)state;
	/* Ended inside the second of three tables. */
	fixture_start(&f, 3);
	feed(&f, "1\n\\.\n2\n", 7, 100);
	assert_int_equal(f.sink.finish(f.sink.arg), SIPHON_ECONNECT);
	assert_string_equal(siphon_ctx_errmsg(f.ctx),
	                    "data channel 1 ended after 1 of 3 tables: the data stream was cut short");
	fixture_stop(&f);

	/* Ended between tables, the last one never started. */
	fixture_start(&f, 2);
	feed(&f, "1\n\\.\n", 5, 100);
	assert_int_equal(f.sink.finish(f.sink.arg), SIPHON_ECONNECT);
	assert_non_null(strstr(siphon_ctx_errmsg(f.ctx), "ended after 1 of 2 tables"));
	fixture_stop(&f);

	/* A stream of nothing at all for a lane with tables. */
	fixture_start(&f, 1);
	assert_int_equal(f.sink.finish(f.sink.arg), SIPHON_ECONNECT);
	assert_non_null(strstr(siphon_ctx_errmsg(f.ctx), "ended after 0 of 1 tables"));
	fixture_stop(&f);
}

/* A lane with no tables finishes cleanly at once. */
static void
test_lane_sink_no_tables(void **state)
{
	struct lane_fixture f;

	(void)state;
	fixture_start(&f, 0);
	assert_string_equal(finish(&f), "");
	assert_string_equal(siphon_ctx_errmsg(f.ctx), "");
	fixture_stop(&f);
}

/*
 * The COPY statements of a lane (issue 8): the columns are named on both
 * sides, in the server's order, so a table whose columns stand in another
 * order locally (an inheritance child, an attached partition) gets each value
 * in its own column.
 */
static void
expect_copy(const struct siphon_pg_table *t, int pieces, uint64_t first, uint64_t last,
            const char *want_remote, const char *want_header, int want_trailer)
{
	struct siphon_pg_lane_item it = {0};
	struct siphon_strbuf remote = {0};

	assert_int_equal(siphon_pg_copy_sql(&it, &remote, t, pieces, first, last), 0);
	assert_string_equal(siphon_strbuf_str(&remote), want_remote);
	assert_string_equal(it.header, want_header);
	assert_int_equal(it.trailer != NULL, want_trailer);
	free(it.header);
	free(it.trailer);
	siphon_strbuf_free(&remote);
}

static void
test_lane_copy_statements(void **state)
{
	struct siphon_pg_table child = {
		.qname = "\"public\".\"child\"", .relkind = 'r',
		.columns = "\"c\", \"b\", \"a\"",
	};
	struct siphon_pg_table bare = { .qname = "\"s\".\"no columns\"", .relkind = 'r' };

	(void)state;
	expect_copy(&child, 1, 0, 0,
	            "COPY \"public\".\"child\" (\"c\", \"b\", \"a\") TO STDOUT;\n\\qecho '\\\\.'\n",
	            "COPY \"public\".\"child\" (\"c\", \"b\", \"a\") FROM STDIN;\n", 0);
	/* A piece of a big table: a TID range, the same columns, ONLY the table itself. */
	expect_copy(&child, 4, 128, 256,
	            "COPY (SELECT \"c\", \"b\", \"a\" FROM ONLY \"public\".\"child\" WHERE ctid >= '(128,0)'::tid"
	            " AND ctid < '(256,0)'::tid) TO STDOUT;\n\\qecho '\\\\.'\n",
	            "COPY \"public\".\"child\" (\"c\", \"b\", \"a\") FROM STDIN;\n", 0);
	expect_copy(&child, 4, 384, 0,
	            "COPY (SELECT \"c\", \"b\", \"a\" FROM ONLY \"public\".\"child\" WHERE ctid >= '(384,0)'::tid"
	            ") TO STDOUT;\n\\qecho '\\\\.'\n",
	            "COPY \"public\".\"child\" (\"c\", \"b\", \"a\") FROM STDIN;\n", 0);
	/* CREATE TABLE t (): nothing to name. */
	expect_copy(&bare, 1, 0, 0, "COPY \"s\".\"no columns\" TO STDOUT;\n\\qecho '\\\\.'\n",
	            "COPY \"s\".\"no columns\" FROM STDIN;\n", 0);
	/* Large objects: through a temporary table, then written. */
	expect_copy(NULL, 1, 0, 0,
	            "COPY (SELECT oid, pg_catalog.lo_get(oid) FROM pg_catalog.pg_largeobject_metadata ORDER BY 1) TO STDOUT;\n"
	            "\\qecho '\\\\.'\n",
	            "CREATE TEMP TABLE siphon_lo (loid oid, data bytea);\nCOPY siphon_lo FROM STDIN;\n", 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lane_copy_statements),
		cmocka_unit_test(test_lane_scan_basics),
		cmocka_unit_test(test_lane_scan_state_carries),
		cmocka_unit_test(test_lane_lines_count),
		cmocka_unit_test(test_lane_scan_whole),
		cmocka_unit_test(test_lane_scan_every_two_chunk_split),
		cmocka_unit_test(test_lane_scan_every_three_chunk_split),
		cmocka_unit_test(test_lane_scan_one_byte_chunks),
		cmocka_unit_test(test_lane_scan_random),
		cmocka_unit_test(test_lane_sink_frames_tables),
		cmocka_unit_test(test_lane_sink_big_table_partial_writes),
		cmocka_unit_test(test_lane_sink_table_events),
		cmocka_unit_test(test_lane_sink_holds_back_without_proc),
		cmocka_unit_test(test_lane_sink_discards),
		cmocka_unit_test(test_lane_sink_data_after_last_table),
		cmocka_unit_test(test_lane_sink_cut_short),
		cmocka_unit_test(test_lane_sink_no_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
