/*
 * test_progress.c - unit tests of the CLI's views of the events: the JSON
 * encoder (cmd/siphon/progress_json: escaping, every kind, valid JSON each
 * line), the live display's frames (cmd/siphon/progress_live: what a frame
 * says, cut to the width, never more lines than the height), the text
 * view's line per stage, and the library's STEP event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress_json.h"
#include "progress_live.h"
#include "progress_text.h"
#include "util/event.h"

/* ---- a small JSON checker: the encoder's output must parse ---- */

static const char *json_value(const char *p);

static const char *
ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *
json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p != '"'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20)
			return NULL;   /* raw control characters are not JSON */
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (strchr("0123456789abcdefABCDEF", p[i]) == NULL || p[i] == '\0')
						return NULL;
				p += 4;
			} else if (*p == '\0' || strchr("\"\\/bfnrt", *p) == NULL) {
				return NULL;
			}
		}
	}
	return p + 1;
}

static const char *
json_number(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-')
		p++;
	return p > s ? p : NULL;
}

static const char *
json_container(const char *p, char close, int keys)
{
	p = ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (keys) {
			if ((p = json_string(ws(p))) == NULL)
				return NULL;
			p = ws(p);
			if (*p++ != ':')
				return NULL;
		}
		if ((p = json_value(p)) == NULL)
			return NULL;
		p = ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *
json_value(const char *p)
{
	p = ws(p);
	if (*p == '{')
		return json_container(p, '}', 1);
	if (*p == '[')
		return json_container(p, ']', 0);
	if (*p == '"')
		return json_string(p);
	if (strncmp(p, "null", 4) == 0 || strncmp(p, "true", 4) == 0)
		return p + 4;
	if (strncmp(p, "false", 5) == 0)
		return p + 5;
	return json_number(p);
}

/* One object, then exactly one newline, nothing else. */
static void
assert_json_line(const char *line)
{
	const char *end = json_value(line);

	if (end == NULL || line[0] != '{' || strcmp(end, "\n") != 0)
		fail_msg("not one JSON object per line: %s", line);
}

/* ---- JSON ---- */

static void
test_progress_json_escaping(void **state)
{
	struct cli_jbuf b = {0};

	(void)state;
	assert_int_equal(cli_json_string(&b, "a\"b\\c\nd\re\tf\x01g\x7fh\x1b[31m"), 0);
	assert_string_equal(b.p, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007fh\\u001b[31m\"");
	/* Good UTF-8 passes through; U+2028 and U+2029 are escaped. */
	b.len = 0;
	assert_int_equal(cli_json_string(&b, "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xa8\xe2\x80\xa9"), 0);
	assert_string_equal(b.p, "\"caf\xc3\xa9 \xf0\x9f\x98\x80 \\u2028\\u2029\"");
	/*
	 * Bad bytes, one U+FFFD each: Latin-1, a sequence cut short, an
	 * overlong '/', a surrogate, beyond U+10FFFF, a stray continuation.
	 */
	b.len = 0;
	assert_int_equal(cli_json_string(&b, "\xe9t\xc3 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \x80"), 0);
	assert_string_equal(b.p, "\"\\ufffdt\\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd "
	                         "\\ufffd\\ufffd\\ufffd\\ufffd \\ufffd\"");
	/* A sequence cut by the end of the string. */
	b.len = 0;
	assert_int_equal(cli_json_string(&b, "x\xe2\x80"), 0);
	assert_string_equal(b.p, "\"x\\ufffd\\ufffd\"");
	b.len = 0;
	assert_int_equal(cli_json_string(&b, NULL), 0);
	assert_string_equal(b.p, "null");
	cli_jbuf_free(&b);
}

/* An event of each kind, with every field set. */
static struct siphon_event
full_event(enum siphon_event_kind k, const struct siphon_pull_stats *st)
{
	struct siphon_event ev = {.kind = k, .seconds = 12.3456, .wall = 1764896523.25,
	                          .phase = SIPHON_PHASE_TRANSFER};

	ev.totals = (struct siphon_event_totals){.wire_bytes = 1000, .raw_bytes = 5000, .rows = 77,
	                                         .expected_bytes = -1, .tables_started = 3,
	                                         .tables_done = 2, .data_seconds = 4.5};
	switch (k) {
	case SIPHON_EVENT_PHASE_START:
	case SIPHON_EVENT_PHASE_END:
		ev.phase = SIPHON_PHASE_FINISH;
		ev.phase_seconds = 2.5;
		ev.rc = k == SIPHON_EVENT_PHASE_END ? -6 : 0;
		break;
	case SIPHON_EVENT_TABLE_START:
	case SIPHON_EVENT_TABLE_PROGRESS:
	case SIPHON_EVENT_TABLE_END:
		ev.table = (struct siphon_event_table){.id = 4, .schema = "public", .name = "or\"ders",
		                                       .channel = 2, .piece = 1, .pieces = 3,
		                                       .wire_bytes = 10, .raw_bytes = 20, .rows = -1,
		                                       .expected_bytes = 300, .expected_rows = 40,
		                                       .started = 1.5, .rc = 0};
		break;
	case SIPHON_EVENT_WARNING:
		ev.warning = SIPHON_WARNING_LEFT_OUT;
		ev.text = "extension \"postgis\" not copied";
		break;
	case SIPHON_EVENT_STEP:
		ev.text = "indexes, constraints, triggers";
		break;
	case SIPHON_EVENT_TUNE: {
		static const struct siphon_event_tune t = {
			.jobs = 2, .codec = "zstd", .level = -3, .threads = 1, .window_bytes = 1048576,
			.link_bytes_per_s = 410e6, .rtt_seconds = 0.0002, .same_host = 1,
			.reason = "link 410 MB/s, rtt 0.2 ms, same host: 2 cores shared",
		};

		ev.phase = SIPHON_PHASE_CHOOSE;
		ev.tune = &t;
		break;
	}
	case SIPHON_EVENT_SUMMARY:
		ev.phase = SIPHON_PHASE_COUNT;
		ev.rc = -6;
		ev.text = "pg_dump failed on db1";
		ev.stats = st;
		break;
	default:
		break;
	}
	return ev;
}

static void
test_progress_json_every_kind(void **state)
{
	static const char *const want[] = {
		[SIPHON_EVENT_PHASE_START] =
			"{\"v\":1,\"event\":\"phase_start\",\"wall\":\"2025-12-05T01:02:03.250Z\",\"seconds\":12.346,"
			"\"phase\":\"finish\",\"totals\":{\"wire_bytes\":1000,\"raw_bytes\":5000,\"rows\":77,"
			"\"expected_bytes\":null,\"tables_started\":3,\"tables_done\":2,\"data_seconds\":4.500}}\n",
		[SIPHON_EVENT_PHASE_END] = ",\"phase\":\"finish\",\"phase_seconds\":2.500,\"rc\":-6,",
		[SIPHON_EVENT_TABLE_START] =
			",\"phase\":\"transfer\",\"table\":{\"id\":4,\"schema\":\"public\",\"name\":\"or\\\"ders\","
			"\"file\":null,\"channel\":2,\"piece\":1,\"pieces\":3,\"wire_bytes\":10,\"raw_bytes\":20,"
			"\"rows\":null,\"expected_bytes\":300,\"expected_rows\":40,\"started\":1.500},",
		[SIPHON_EVENT_TABLE_PROGRESS] = "\"started\":1.500},\"totals\"",
		[SIPHON_EVENT_TABLE_END] = "\"started\":1.500,\"rc\":0},\"totals\"",
		[SIPHON_EVENT_PROGRESS] = "\"phase\":\"transfer\",\"totals\"",
		[SIPHON_EVENT_WARNING] = ",\"warning\":\"left_out\",\"text\":\"extension \\\"postgis\\\" not copied\",",
		[SIPHON_EVENT_SUMMARY] =
			",\"phase\":null,\"rc\":-6,\"exit\":6,\"error\":\"pg_dump failed on db1\",\"stats\":{"
			"\"wire_bytes\":1200,\"raw_bytes\":5300,\"tables\":42,\"channels\":4,\"left_out\":1,"
			"\"seconds\":2.000,\"codec\":\"zstd\",\"into\":\"app\",\"reconnects\":0,\"tables_later\":0,\"resumed_run\":0,\"consistency\":\"\"},\"totals\"",
		[SIPHON_EVENT_STEP] = ",\"phase\":\"transfer\",\"text\":\"indexes, constraints, triggers\",",
		[SIPHON_EVENT_TUNE] =
			",\"phase\":\"choose\",\"channel\":null,\"jobs\":2,\"codec\":\"zstd\",\"level\":-3,"
			"\"threads\":1,\"window_bytes\":1048576,\"link_bytes_per_s\":410000000,"
			"\"rtt_seconds\":0.000200,\"same_host\":true,"
			"\"reason\":\"link 410 MB/s, rtt 0.2 ms, same host: 2 cores shared\",\"totals\"",
	};
	struct siphon_pull_stats st = {.wire_bytes = 1200, .raw_bytes = 5300, .tables = 42, .channels = 4,
	                               .left_out = 1, .seconds = 2.0, .codec = "zstd", .into = "app"};
	struct cli_jbuf b = {0};
	char head[64];

	(void)state;
	for (int k = SIPHON_EVENT_PHASE_START; k <= SIPHON_EVENT_TUNE; k++) {
		struct siphon_event ev = full_event((enum siphon_event_kind)k, &st);

		assert_int_equal(cli_progress_json_event(&b, &ev, k == SIPHON_EVENT_SUMMARY ? 6 : 0), 0);
		assert_json_line(b.p);
		snprintf(head, sizeof(head), "{\"v\":1,\"event\":\"%s\",", siphon_event_kind_name(ev.kind));
		assert_memory_equal(b.p, head, strlen(head));
		if (strstr(b.p, want[k]) == NULL)
			fail_msg("kind %d: %s lacks %s", k, b.p, want[k]);
	}
	/* A summary without stats (a failure before any). */
	{
		struct siphon_event ev = full_event(SIPHON_EVENT_SUMMARY, NULL);

		assert_int_equal(cli_progress_json_event(&b, &ev, 130), 0);
		assert_json_line(b.p);
		assert_non_null(strstr(b.p, "\"exit\":130,\"error\":\"pg_dump failed on db1\",\"stats\":null,"));
	}
	assert_int_equal(cli_progress_json_log(&b, "info", "line\nwith \xff", 0.5), 0);
	assert_json_line(b.p);
	assert_string_equal(b.p, "{\"v\":1,\"event\":\"log\",\"wall\":\"1970-01-01T00:00:00.500Z\","
	                         "\"level\":\"info\",\"text\":\"line\\nwith \\ufffd\"}\n");
	cli_jbuf_free(&b);
}

/* ---- the live display's frames ---- */

static struct siphon_event
ev_at(enum siphon_event_kind k, double t)
{
	struct siphon_event ev = {.kind = k, .seconds = t, .phase = SIPHON_PHASE_TRANSFER};

	ev.totals.rows = -1;
	ev.totals.expected_bytes = -1;
	return ev;
}

static void
feed_table(struct cli_live *lv, enum siphon_event_kind k, unsigned id, const char *schema,
           const char *name, double t, uint64_t raw, int64_t rows, int64_t expected)
{
	struct siphon_event ev = ev_at(k, t);

	ev.table = (struct siphon_event_table){.id = id, .schema = schema, .name = name, .piece = 1,
	                                       .pieces = 1, .raw_bytes = raw, .rows = rows,
	                                       .expected_bytes = expected, .expected_rows = -1,
	                                       .started = 1.0};
	cli_live_event(lv, &ev);
}

/* A run in its transfer: two tables copying, one done. */
static void
transfer_state(struct cli_live *lv)
{
	struct siphon_event ev;

	cli_live_init(lv);
	ev = ev_at(SIPHON_EVENT_PHASE_START, 0.5);
	assert_int_equal(cli_live_event(lv, &ev), 1);
	ev = ev_at(SIPHON_EVENT_STEP, 0.6);
	ev.text = "table data";
	assert_int_equal(cli_live_event(lv, &ev), 1);
	feed_table(lv, SIPHON_EVENT_TABLE_START, 1, "public", "orders", 1.0, 0, 0, 100000000);
	feed_table(lv, SIPHON_EVENT_TABLE_START, 2, "public", "customers", 1.0, 0, -1, -1);
	feed_table(lv, SIPHON_EVENT_TABLE_START, 3, "public", "tiny", 1.0, 0, 0, 10);
	feed_table(lv, SIPHON_EVENT_TABLE_END, 3, "public", "tiny", 1.2, 10, 1, 10);
	feed_table(lv, SIPHON_EVENT_TABLE_PROGRESS, 1, "public", "orders", 11.0, 40000000, 1234567,
	           100000000);
	feed_table(lv, SIPHON_EVENT_TABLE_PROGRESS, 2, "public", "customers", 11.0, 5000000, -1, -1);
	ev = ev_at(SIPHON_EVENT_PROGRESS, 11.0);
	ev.totals = (struct siphon_event_totals){.wire_bytes = 9000000, .raw_bytes = 45000010,
	                                         .rows = 1234568, .expected_bytes = 200000000,
	                                         .tables_started = 3, .tables_done = 1,
	                                         .data_seconds = 10.0};
	assert_int_equal(cli_live_event(lv, &ev), 1);
}

static void
test_progress_live_frame(void **state)
{
	struct cli_live lv;
	char frame[4096];

	(void)state;
	transfer_state(&lv);
	assert_int_equal(cli_live_render(&lv, 100, 30, frame, sizeof(frame)), 4);
	assert_string_equal(frame,
	                    "  public.orders      40.0 MB   40%     4.0 MB/s  ETA 0:15    1.2M rows\n"
	                    "  public.customers    5.0 MB         500.0 kB/s\n"
	                    "transfer: table data; 1 table done\n"
	                    "total 9.0 MB on the wire, 45.0 MB raw (5.0x), 0:11, ETA 0:34\n");
	/* Narrower: the figures and the total's parts that do not fit go whole. */
	assert_int_equal(cli_live_render(&lv, 50, 30, frame, sizeof(frame)), 4);
	assert_string_equal(frame,
	                    "  public.orders      40.0 MB   40%     4.0 MB/s\n"
	                    "  public.customers    5.0 MB         500.0 kB/s\n"
	                    "transfer: table data; 1 table done\n"
	                    "total 9.0 MB on the wire, 45.0 MB raw (5.0x)\n");
	/* The finish: no tables, the step named. */
	feed_table(&lv, SIPHON_EVENT_TABLE_END, 1, NULL, NULL, 20, 0, 0, 0);
	feed_table(&lv, SIPHON_EVENT_TABLE_END, 2, NULL, NULL, 20, 0, 0, 0);
	{
		struct siphon_event ev = ev_at(SIPHON_EVENT_PHASE_END, 20);

		cli_live_event(&lv, &ev);
		ev = ev_at(SIPHON_EVENT_PHASE_START, 20);
		ev.phase = SIPHON_PHASE_FINISH;
		cli_live_event(&lv, &ev);
		ev = ev_at(SIPHON_EVENT_STEP, 21);
		ev.text = "indexes,\nconstraints";
		ev.totals.raw_bytes = 200000000;
		ev.totals.wire_bytes = 40000000;
		cli_live_event(&lv, &ev);
	}
	assert_int_equal(cli_live_render(&lv, 100, 30, frame, sizeof(frame)), 2);
	assert_string_equal(frame, "finish: indexes,?constraints\n"
	                           "total 40.0 MB on the wire, 200.0 MB raw (5.0x), 0:21\n");
	cli_live_free(&lv);
}

/* The columns of a line: UTF-8 characters, one each. */
static int
line_cols(const char *s, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Every width and height: no line reaches the last column, no frame is too high. */
static void
test_progress_live_never_wraps(void **state)
{
	struct cli_live lv;
	char frame[8192];

	(void)state;
	transfer_state(&lv);
	feed_table(&lv, SIPHON_EVENT_TABLE_START, 9, "sch\xc3\xa9ma",
	           "a_table_name_much_longer_than_any_column_should_be", 5, 0, 0, 0);
	for (int w = 0; w <= 130; w++) {
		for (int h = 0; h <= 8; h++) {
			int n = cli_live_render(&lv, w, h, frame, sizeof(frame)), lines = 0;

			for (const char *p = frame, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
				if (line_cols(p, (size_t)(nl - p)) > w - 1)
					fail_msg("width %d: line too long: %.*s", w, (int)(nl - p), p);
				lines++;
			}
			assert_int_equal(lines, n);
			assert_true(n <= h);
			if (w >= 2 && h >= 2)
				assert_true(n >= 2);
		}
	}
	/*
	 * Width 40: the names give way to the figures (down to 12 columns),
	 * cut with '~', the UTF-8 one not inside a character; the figures that
	 * do not fit whole are left out.
	 */
	cli_live_render(&lv, 40, 30, frame, sizeof(frame));
	assert_non_null(strstr(frame, "  public.orde~   40.0 MB   40%\n"));
	assert_non_null(strstr(frame, "  sch\xc3\xa9ma.a_ta~ "));
	/* Wide: the whole name up to 32 columns. */
	cli_live_render(&lv, 200, 30, frame, sizeof(frame));
	assert_non_null(strstr(frame, "  sch\xc3\xa9ma.a_table_name_much_longer~ "));
	cli_live_free(&lv);
}

/* More tables than lines: the oldest shown, then how many more. */
static void
test_progress_live_many_tables(void **state)
{
	struct cli_live lv;
	char frame[8192], name[32];

	(void)state;
	cli_live_init(&lv);
	for (unsigned i = 1; i <= 50; i++) {
		snprintf(name, sizeof(name), "t%02u", i);
		feed_table(&lv, SIPHON_EVENT_TABLE_START, i, "s\x1b", name, 1, 0, -1, -1);
	}
	assert_int_equal(cli_live_render(&lv, 80, 10, frame, sizeof(frame)), 10);
	assert_non_null(strstr(frame, "  s?.t01 "));
	assert_non_null(strstr(frame, "  s?.t07 "));
	assert_null(strstr(frame, "t08"));
	assert_non_null(strstr(frame, "  ... and 43 more\nstarting\ntotal "));
	assert_null(strchr(frame, '\x1b'));
	/* Ends in any order. */
	for (unsigned i = 50; i >= 1; i -= 2)
		feed_table(&lv, SIPHON_EVENT_TABLE_END, i, NULL, NULL, 2, 0, 0, 0);
	assert_int_equal(lv.ntables, 25);
	assert_string_equal(lv.tables[0].label, "s?.t01");
	assert_string_equal(lv.tables[24].label, "s?.t49");
	cli_live_free(&lv);
}

static void
test_progress_live_duration(void **state)
{
	char b[32];

	(void)state;
	cli_live_duration(b, sizeof(b), 7.4);
	assert_string_equal(b, "0:07");
	cli_live_duration(b, sizeof(b), 754);
	assert_string_equal(b, "12:34");
	cli_live_duration(b, sizeof(b), 3723);
	assert_string_equal(b, "1:02:03");
	cli_live_duration(b, sizeof(b), -5);
	assert_string_equal(b, "0:00");
}

/* ---- the text view's line per stage ---- */

static void
test_progress_text_stage_lines(void **state)
{
	struct cli_progress_text pt;
	struct siphon_event ev = ev_at(SIPHON_EVENT_PHASE_END, 3);
	char line[256];

	(void)state;
	cli_progress_text_init(&pt, NULL, 0, stdout, stderr);
	ev.phase_seconds = 12.34;
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 1);
	assert_string_equal(line, "transfer done in 12.3 s");
	ev.rc = SIPHON_EREMOTE;
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 0);
	ev.rc = 0;
	ev.phase = SIPHON_PHASE_CLEANUP;
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 0);
}

/* ---- the library's STEP ---- */

struct steps {
	int n;
	enum siphon_event_kind kinds[16];
	enum siphon_phase phases[16];
	char texts[16][64];
};

static void
record(void *arg, const struct siphon_event *ev)
{
	struct steps *s = arg;

	if (s->n < 16) {
		s->kinds[s->n] = ev->kind;
		s->phases[s->n] = ev->phase;
		snprintf(s->texts[s->n], sizeof(s->texts[0]), "%s", ev->text != NULL ? ev->text : "");
		s->n++;
	}
}

static void
test_progress_step_event(void **state)
{
	struct siphon_ctx *ctx = NULL;
	struct steps s = {0};

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	siphon_ctx_set_events(ctx, record, &s);
	siphon_event_run_begin(ctx);
	siphon_event_step(ctx, "outside any phase");
	assert_int_equal(s.n, 0);
	siphon_event_phase(ctx, SIPHON_PHASE_FINISH, 1, 0);
	siphon_event_step(ctx, "swap");
	siphon_event_step(ctx, NULL);
	siphon_event_phase(ctx, SIPHON_PHASE_FINISH, 0, 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.kinds[1], SIPHON_EVENT_STEP);
	assert_int_equal(s.phases[1], SIPHON_PHASE_FINISH);
	assert_string_equal(s.texts[1], "swap");
	assert_string_equal(siphon_event_kind_name(SIPHON_EVENT_STEP), "step");
	siphon_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress_json_escaping),
		cmocka_unit_test(test_progress_json_every_kind),
		cmocka_unit_test(test_progress_live_frame),
		cmocka_unit_test(test_progress_live_never_wraps),
		cmocka_unit_test(test_progress_live_many_tables),
		cmocka_unit_test(test_progress_live_duration),
		cmocka_unit_test(test_progress_text_stage_lines),
		cmocka_unit_test(test_progress_step_event),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
