/*
 * test_events.c - unit tests of lib/util/event (the typed events: their
 * order, the ends the module adds itself, the run-wide figures, warnings
 * from the log and from the ledger of what was left out) and of the CLI's
 * text consumer of them (cmd/siphon/progress_text: the progress lines'
 * wording and period, the summary line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/leftout.h"
#include "progress_text.h"
#include "summary.h"
#include "util/clock.h"
#include "util/ctx.h"
#include "util/event.h"

#define MAXEV 256

/* A copy of what an event said (its strings copied too). */
struct rec {
	struct siphon_event ev;
	char schema[64], name[64], file[64], text[256];
};

struct recorder {
	struct rec r[MAXEV];
	int n;
};

static void
copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src != NULL ? src : "(null)");
}

static void
record(void *arg, const struct siphon_event *ev)
{
	struct recorder *rc = arg;
	struct rec *r;

	assert_true(rc->n < MAXEV);
	r = &rc->r[rc->n++];
	r->ev = *ev;
	copy_str(r->schema, sizeof(r->schema), ev->table.schema);
	copy_str(r->name, sizeof(r->name), ev->table.name);
	copy_str(r->file, sizeof(r->file), ev->table.file);
	copy_str(r->text, sizeof(r->text), ev->text);
	/* The pointers die with the call: the copy must not use them. */
	r->ev.table.schema = r->ev.table.name = r->ev.table.file = r->ev.text = NULL;
	r->ev.stats = NULL;
}

static struct siphon_ctx *
new_ctx(struct recorder *rc)
{
	struct siphon_ctx *ctx = NULL;

	memset(rc, 0, sizeof(*rc));
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	siphon_ctx_set_events(ctx, record, rc);
	siphon_event_run_begin(ctx);
	return ctx;
}

static void
expect_kinds(const struct recorder *rc, const enum siphon_event_kind *kinds, int n)
{
	for (int i = 0; i < n && i < rc->n; i++)
		if (rc->r[i].ev.kind != kinds[i])
			fail_msg("event %d is %s, not %s", i, siphon_event_kind_name(rc->r[i].ev.kind),
			         siphon_event_kind_name(kinds[i]));
	assert_int_equal(rc->n, n);
}

/* Without a callback nothing is kept, nothing is sent, nothing fails. */
static void
test_events_without_callback(void **state)
{
	struct siphon_ctx *ctx = NULL;
	struct siphon_event_table who = {.name = "t"};
	unsigned id;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	siphon_event_run_begin(ctx);
	siphon_event_phase(ctx, SIPHON_PHASE_CONNECT, 1, 0);
	id = siphon_event_table_start(ctx, &who, 0);
	assert_int_equal(id, 0);
	siphon_event_table_data(ctx, id, 10, 1, 5);
	siphon_event_progress(ctx, 1, 2, 3, 0);
	siphon_event_table_end(ctx, id, 0);
	siphon_log(ctx, SIPHON_LOG_WARN, "no one listens");
	siphon_event_summary(ctx, 0, NULL);
	assert_null(ctx->events);
	siphon_ctx_free(ctx);
	siphon_ctx_free(NULL);
}

static void
test_events_phases_nest(void **state)
{
	static const enum siphon_event_kind kinds[] = {
		SIPHON_EVENT_PHASE_START, SIPHON_EVENT_PHASE_END,
		SIPHON_EVENT_PHASE_START, SIPHON_EVENT_PHASE_START,
		SIPHON_EVENT_PHASE_END, SIPHON_EVENT_PHASE_END, SIPHON_EVENT_SUMMARY,
	};
	struct recorder rc;
	struct siphon_ctx *ctx = new_ctx(&rc);

	(void)state;
	siphon_event_phase(ctx, SIPHON_PHASE_CONNECT, 1, 0);
	siphon_event_phase(ctx, SIPHON_PHASE_CONNECT, 0, 0);
	/* Ending a phase that is not open says nothing. */
	siphon_event_phase(ctx, SIPHON_PHASE_CONNECT, 0, 0);
	siphon_event_phase(ctx, SIPHON_PHASE_FINISH, 1, 0);
	siphon_event_phase(ctx, SIPHON_PHASE_CLEANUP, 1, 0);
	/* The outer one ends: the inner one ends first, with its rc. */
	siphon_event_phase(ctx, SIPHON_PHASE_FINISH, 0, SIPHON_ELOCAL);
	siphon_event_summary(ctx, SIPHON_ELOCAL, NULL);
	expect_kinds(&rc, kinds, 7);
	assert_int_equal(rc.r[0].ev.phase, SIPHON_PHASE_CONNECT);
	assert_int_equal(rc.r[1].ev.phase, SIPHON_PHASE_CONNECT);
	assert_int_equal(rc.r[1].ev.rc, 0);
	assert_true(rc.r[1].ev.phase_seconds >= 0);
	assert_int_equal(rc.r[4].ev.phase, SIPHON_PHASE_CLEANUP);
	assert_int_equal(rc.r[4].ev.rc, SIPHON_ELOCAL);
	assert_int_equal(rc.r[5].ev.phase, SIPHON_PHASE_FINISH);
	/* Outside every phase, an event says so. */
	assert_int_equal(rc.r[6].ev.phase, SIPHON_PHASE_COUNT);
	for (int i = 1; i < rc.n; i++) {
		assert_true(rc.r[i].ev.seconds >= rc.r[i - 1].ev.seconds);
		assert_true(rc.r[i].ev.wall > 1.6e9);
	}
	siphon_ctx_free(ctx);
}

/* Two tables on two channels, progress, one end; the phase's end closes the other. */
static void
test_events_tables_and_totals(void **state)
{
	static const enum siphon_event_kind kinds[] = {
		SIPHON_EVENT_PHASE_START,
		SIPHON_EVENT_TABLE_START, SIPHON_EVENT_TABLE_START,
		SIPHON_EVENT_TABLE_PROGRESS, SIPHON_EVENT_TABLE_PROGRESS, SIPHON_EVENT_PROGRESS,
		SIPHON_EVENT_TABLE_END, SIPHON_EVENT_TABLE_END, SIPHON_EVENT_PHASE_END,
		SIPHON_EVENT_SUMMARY,
	};
	struct recorder rc;
	struct siphon_ctx *ctx = new_ctx(&rc);
	char name[16] = "orders";
	struct siphon_event_table a = {.schema = "public", .name = name, .channel = 1,
	                               .piece = 2, .pieces = 3, .expected_bytes = 900,
	                               .expected_rows = -1};
	struct siphon_event_table b = {.schema = "public", .name = "notes", .channel = 2,
	                               .expected_bytes = -1, .expected_rows = 7};
	unsigned ida, idb;
	const struct siphon_event *ev;

	(void)state;
	siphon_event_phase(ctx, SIPHON_PHASE_TRANSFER, 1, 0);
	ida = siphon_event_table_start(ctx, &a, 10);
	idb = siphon_event_table_start(ctx, &b, 0);
	assert_true(ida != 0 && idb != 0 && ida != idb);
	/* The names were copied: the caller's buffer may change. */
	strcpy(name, "changed");
	siphon_event_table_data(ctx, ida, 100, 3, 40);
	siphon_event_table_data(ctx, ida, 50, 5, 60);
	siphon_event_table_data(ctx, idb, 8, -1, 4);
	siphon_event_table_data(ctx, 999, 8, 1, 4);         /* unknown id: ignored */
	siphon_event_progress(ctx, 54, 158, 5000, siphon_mono_s() - 2);
	siphon_event_table_end(ctx, ida, 0);
	siphon_event_table_end(ctx, ida, 0);                 /* twice: ignored */
	siphon_event_phase(ctx, SIPHON_PHASE_TRANSFER, 0, 0);
	siphon_event_summary(ctx, 0, NULL);
	expect_kinds(&rc, kinds, 10);

	ev = &rc.r[1].ev;
	assert_int_equal(ev->table.id, ida);
	assert_string_equal(rc.r[1].schema, "public");
	assert_string_equal(rc.r[1].name, "orders");
	assert_string_equal(rc.r[1].file, "(null)");
	assert_int_equal(ev->table.channel, 1);
	assert_int_equal(ev->table.piece, 2);
	assert_int_equal(ev->table.pieces, 3);
	assert_int_equal(ev->table.expected_bytes, 900);
	assert_int_equal(ev->table.rows, -1);
	assert_int_equal(ev->totals.tables_started, 1);
	/* Not cut: one piece of one. */
	assert_int_equal(rc.r[2].ev.table.piece, 1);
	assert_int_equal(rc.r[2].ev.table.pieces, 1);
	assert_int_equal(rc.r[2].ev.table.expected_rows, 7);

	/* Per table: bytes added up, rows as last said, wire since its start. */
	ev = &rc.r[3].ev;
	assert_int_equal(ev->phase, SIPHON_PHASE_TRANSFER);
	assert_int_equal(ev->table.id, ida);
	assert_string_equal(rc.r[3].name, "orders");
	assert_int_equal(ev->table.raw_bytes, 150);
	assert_int_equal(ev->table.rows, 5);
	assert_int_equal(ev->table.wire_bytes, 50);
	ev = &rc.r[4].ev;
	assert_int_equal(ev->table.id, idb);
	assert_int_equal(ev->table.raw_bytes, 8);
	assert_int_equal(ev->table.rows, -1);
	assert_int_equal(ev->table.wire_bytes, 4);

	/* Run-wide: the engine's figures, rows of the tables that say. */
	ev = &rc.r[5].ev;
	assert_int_equal(ev->totals.wire_bytes, 54);
	assert_int_equal(ev->totals.raw_bytes, 158);
	assert_int_equal(ev->totals.expected_bytes, 5000);
	assert_int_equal(ev->totals.rows, 5);
	assert_int_equal(ev->totals.tables_started, 2);
	assert_int_equal(ev->totals.tables_done, 0);
	assert_true(ev->totals.data_seconds >= 2 && ev->totals.data_seconds < 60);

	ev = &rc.r[6].ev;
	assert_int_equal(ev->table.id, ida);
	assert_int_equal(ev->rc, 0);
	assert_int_equal(ev->table.rc, 0);
	assert_int_equal(ev->totals.tables_done, 1);
	/* The table nobody ended ends with the phase, not as a success. */
	ev = &rc.r[7].ev;
	assert_int_equal(ev->table.id, idb);
	assert_int_equal(ev->rc, SIPHON_EINTERNAL);
	assert_int_equal(ev->totals.tables_done, 2);
	assert_int_equal(ev->totals.rows, 5);
	assert_int_equal(rc.r[8].ev.phase, SIPHON_PHASE_TRANSFER);
	siphon_ctx_free(ctx);
}

/* A failed run: the summary ends what is open with the run's rc and says why. */
static void
test_events_summary_ends_everything(void **state)
{
	static const enum siphon_event_kind kinds[] = {
		SIPHON_EVENT_PHASE_START, SIPHON_EVENT_PHASE_START, SIPHON_EVENT_TABLE_START,
		SIPHON_EVENT_TABLE_END, SIPHON_EVENT_PHASE_END, SIPHON_EVENT_PHASE_END,
		SIPHON_EVENT_SUMMARY,
	};
	struct recorder rc;
	struct siphon_ctx *ctx = new_ctx(&rc);
	struct siphon_event_table f = {.file = "/srv/app.db", .expected_bytes = 10, .expected_rows = -1};
	struct siphon_pull_stats st = {.tables = 1};

	(void)state;
	siphon_event_phase(ctx, SIPHON_PHASE_FINISH, 1, 0);
	siphon_event_phase(ctx, SIPHON_PHASE_TRANSFER, 1, 0);
	assert_true(siphon_event_table_start(ctx, &f, 0) != 0);
	siphon_err(ctx, SIPHON_ECONNECT, "connection to db1 lost");
	siphon_event_summary(ctx, SIPHON_ECONNECT, &st);
	/* After the summary: nothing, until the next run begins. */
	siphon_event_phase(ctx, SIPHON_PHASE_CONNECT, 1, 0);
	siphon_log(ctx, SIPHON_LOG_WARN, "late");
	siphon_event_summary(ctx, 0, NULL);
	expect_kinds(&rc, kinds, 7);
	assert_string_equal(rc.r[2].file, "/srv/app.db");
	assert_string_equal(rc.r[2].name, "(null)");
	assert_int_equal(rc.r[3].ev.rc, SIPHON_ECONNECT);
	assert_int_equal(rc.r[4].ev.phase, SIPHON_PHASE_TRANSFER);
	assert_int_equal(rc.r[4].ev.rc, SIPHON_ECONNECT);
	assert_int_equal(rc.r[5].ev.phase, SIPHON_PHASE_FINISH);
	assert_int_equal(rc.r[6].ev.rc, SIPHON_ECONNECT);
	assert_string_equal(rc.r[6].text, "connection to db1 lost");

	/* A new run starts afresh: ids and counts from the start. */
	rc.n = 0;
	siphon_err_clear(ctx);
	siphon_event_run_begin(ctx);
	assert_int_equal(siphon_event_table_start(ctx, &f, 0), 1);
	siphon_event_summary(ctx, 0, &st);
	assert_int_equal(rc.n, 3);
	assert_int_equal(rc.r[1].ev.rc, SIPHON_EINTERNAL);
	assert_int_equal(rc.r[1].ev.totals.tables_started, 1);
	assert_int_equal(rc.r[2].ev.kind, SIPHON_EVENT_SUMMARY);
	assert_int_equal(rc.r[2].ev.rc, 0);
	assert_string_equal(rc.r[2].text, "(null)");
	siphon_ctx_free(ctx);
}

static int nlog;

static void
count_log(void *arg, enum siphon_log_level level, const char *msg)
{
	(void)arg;
	(void)level;
	(void)msg;
	nlog++;
}

/* Every warning line is a warning event, even below the log level shown. */
static void
test_events_warnings(void **state)
{
	struct recorder rc;
	struct siphon_ctx *ctx = new_ctx(&rc);
	struct siphon_leftout lo = {0};

	(void)state;
	nlog = 0;
	siphon_ctx_set_log(ctx, count_log, NULL, SIPHON_LOG_ERROR);
	siphon_log(ctx, SIPHON_LOG_INFO, "not a warning");
	siphon_log(ctx, SIPHON_LOG_ERROR, "not a warning either");
	siphon_log(ctx, SIPHON_LOG_WARN, "table \"%s\" is MyISAM", "t\x1b[2J");
	siphon_log_only(ctx, SIPHON_LOG_WARN, "said by its own event");
	assert_int_equal(rc.n, 1);
	assert_int_equal(rc.r[0].ev.kind, SIPHON_EVENT_WARNING);
	assert_int_equal(rc.r[0].ev.warning, SIPHON_WARNING_GENERAL);
	/* Safe for a terminal, as the log line. */
	assert_string_equal(rc.r[0].text, "table \"t\\x1b[2J\" is MyISAM");
	assert_int_equal(nlog, 1);

	/* The ledger: one event per entry, its own kind, and the rest counted. */
	rc.n = 0;
	nlog = 0;
	siphon_ctx_set_log(ctx, count_log, NULL, SIPHON_LOG_WARN);
	for (int i = 0; i < SIPHON_LEFTOUT_MAX + 2; i++)
		assert_int_equal(siphon_leftout_add(&lo, "role r%d: absent here", i), 0);
	siphon_leftout_report(&lo, ctx);
	assert_int_equal(rc.n, SIPHON_LEFTOUT_MAX + 1);
	assert_int_equal(nlog, SIPHON_LEFTOUT_MAX + 1);
	assert_int_equal(rc.r[0].ev.warning, SIPHON_WARNING_LEFT_OUT);
	assert_string_equal(rc.r[0].text, "role r0: absent here");
	assert_string_equal(rc.r[SIPHON_LEFTOUT_MAX].text, "... and 2 more");
	siphon_leftout_free(&lo);
	siphon_ctx_free(ctx);
}

static void
test_events_kind_names(void **state)
{
	(void)state;
	assert_string_equal(siphon_event_kind_name(SIPHON_EVENT_PHASE_START), "phase_start");
	assert_string_equal(siphon_event_kind_name(SIPHON_EVENT_TABLE_PROGRESS), "table_progress");
	assert_string_equal(siphon_event_kind_name(SIPHON_EVENT_SUMMARY), "summary");
	assert_string_equal(siphon_event_kind_name((enum siphon_event_kind)0), "?");
	assert_string_equal(siphon_event_kind_name((enum siphon_event_kind)99), "?");
}

/* siphon_pull itself: refused options, then a refused connection. */
static void
test_events_pull_failures(void **state)
{
	static const enum siphon_event_kind refused_conn[] = {
		SIPHON_EVENT_PHASE_START, SIPHON_EVENT_PHASE_END,
		SIPHON_EVENT_PHASE_START, SIPHON_EVENT_PHASE_END, SIPHON_EVENT_SUMMARY,
	};
	struct recorder rc;
	struct siphon_ctx *ctx = new_ctx(&rc);
	struct siphon_opts *o = NULL;
	int r;

	(void)state;
	assert_int_equal(siphon_opts_new(&o), 0);
	assert_int_equal(siphon_opts_set(o, "database", "app", SIPHON_ORIGIN_CLI, "target"), 0);
	assert_int_equal(siphon_pull(ctx, o, NULL), SIPHON_EUSAGE);
	assert_int_equal(rc.n, 1);
	assert_int_equal(rc.r[0].ev.kind, SIPHON_EVENT_SUMMARY);
	assert_int_equal(rc.r[0].ev.rc, SIPHON_EUSAGE);
	assert_string_equal(rc.r[0].text, "no host given");

	/* Nothing listens on port 1 here: connect fails, cleanup runs, the summary says so. */
	rc.n = 0;
	siphon_err_clear(ctx);
	assert_int_equal(siphon_opts_set(o, "host", "127.0.0.1", SIPHON_ORIGIN_CLI, "target"), 0);
	assert_int_equal(siphon_opts_set(o, "port", "1", SIPHON_ORIGIN_CLI, "target"), 0);
	assert_int_equal(siphon_opts_set(o, "connect-timeout", "5", SIPHON_ORIGIN_CLI, NULL), 0);
	r = siphon_pull(ctx, o, NULL);
	assert_int_equal(r, SIPHON_ECONNECT);
	expect_kinds(&rc, refused_conn, 5);
	assert_int_equal(rc.r[0].ev.phase, SIPHON_PHASE_CONNECT);
	assert_int_equal(rc.r[1].ev.rc, SIPHON_ECONNECT);
	assert_int_equal(rc.r[2].ev.phase, SIPHON_PHASE_CLEANUP);
	assert_int_equal(rc.r[4].ev.rc, SIPHON_ECONNECT);
	assert_string_equal(rc.r[4].text, siphon_ctx_errmsg(ctx));
	siphon_ctx_free(ctx);
	siphon_opts_free(o);
}

/* ---- the text consumer ---- */

static struct siphon_event
progress_at(double data_seconds, uint64_t raw, uint64_t wire, int64_t expected)
{
	struct siphon_event ev = {.kind = SIPHON_EVENT_PROGRESS};

	ev.totals.data_seconds = data_seconds;
	ev.totals.raw_bytes = raw;
	ev.totals.wire_bytes = wire;
	ev.totals.expected_bytes = expected;
	return ev;
}

/* The options of a pull of dbname from host, as the CLI sets them. */
static struct siphon_opts *
target_opts(const char *host, const char *dbname)
{
	struct siphon_opts *o = NULL;

	assert_int_equal(siphon_opts_new(&o), 0);
	assert_int_equal(siphon_opts_set(o, "host", host, SIPHON_ORIGIN_CLI, "target"), 0);
	assert_int_equal(siphon_opts_set(o, "database", dbname, SIPHON_ORIGIN_CLI, "target"), 0);
	return o;
}

/* One line every 5 s of table data, today's wording. */
static void
test_events_text_progress_lines(void **state)
{
	struct siphon_opts *o = target_opts("db1", "app");
	struct cli_progress_text pt;
	struct siphon_event ev = {.kind = SIPHON_EVENT_PHASE_START, .phase = SIPHON_PHASE_TRANSFER};
	char line[512];

	(void)state;
	cli_progress_text_init(&pt, o, 0, stdout, stderr);
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 0);
	for (double t = 0; t < 4.99; t += 1) {
		ev = progress_at(t, 1000000, 500000, 9000000);
		assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 0);
		assert_string_equal(line, "");
	}
	ev = progress_at(5.01, 12345678, 4567890, 100000000);
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 1);
	assert_string_equal(line, "12.3 MB of table data loaded (4.6 MB on the wire), 2.5 MB/s; "
	                          "the tables take 100.0 MB on the server");
	/* The next one 5 s after that line, not before. */
	ev = progress_at(10.0, 1, 1, 1);
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 0);
	ev = progress_at(10.02, 20000000, 5000000, 100000000);
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 1);
	assert_string_equal(line, "20.0 MB of table data loaded (5.0 MB on the wire), 2.0 MB/s; "
	                          "the tables take 100.0 MB on the server");
	/* Other events print nothing. */
	ev = (struct siphon_event){.kind = SIPHON_EVENT_TABLE_PROGRESS};
	ev.totals.data_seconds = 60;
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 0);
	siphon_opts_free(o);
}

/* An SQLite file: waiting for the server's copy, then bytes of about so many. */
static void
test_events_text_file_copy(void **state)
{
	struct siphon_opts *o = target_opts("db\x1b" "1", "/srv/app.db");
	struct cli_progress_text pt;
	struct siphon_event ev = {.kind = SIPHON_EVENT_TABLE_START};
	char line[512];

	(void)state;
	cli_progress_text_init(&pt, o, 0, stdout, stderr);
	ev.table.file = "/srv/app.db";
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 0);
	ev = progress_at(5.4, 0, 0, 52000000);
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 1);
	assert_string_equal(line, "db?1 is still making the consistent copy (5 s)");
	ev = progress_at(10.5, 26000000, 9100000, 52000000);
	assert_int_equal(cli_progress_text_line(&pt, &ev, line, sizeof(line)), 1);
	assert_string_equal(line, "26.0 of about 52.0 MB received (9.1 MB on the wire)");
	siphon_opts_free(o);
}

/* Reads back what a consumer printed into f. */
static const char *
printed(FILE *f, char *buf, size_t cap)
{
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	return buf;
}

/* The summary line on success (the same as cli_format_summary), nothing else. */
static void
test_events_text_summary(void **state)
{
	struct siphon_opts *o = target_opts("db1", "app");
	struct siphon_pull_stats st = {.wire_bytes = 1200000, .raw_bytes = 5300000, .tables = 42,
	                               .seconds = 2.0, .codec = "zstd", .into = "app"};
	struct siphon_event ev = {.kind = SIPHON_EVENT_SUMMARY, .stats = &st};
	struct cli_progress_text pt;
	FILE *out = tmpfile(), *err = tmpfile();
	char want[1024], got[1024];

	(void)state;
	assert_non_null(out);
	assert_non_null(err);
	cli_format_summary(want, sizeof(want), o, &st);
	strcat(want, "\n");
	cli_progress_text_init(&pt, o, 0, out, err);
	cli_progress_text_event(&pt, &ev);
	assert_string_equal(printed(out, got, sizeof(got)), want);
	assert_string_equal(printed(err, got, sizeof(got)), "");
	assert_string_equal(want, "pulled app from db1 into app: 42 tables, 5.3 MB (1.2 MB on the wire, zstd) in 2.0 s, 2.6 MB/s\n");

	/* A failed run has no summary line (the CLI says the error itself). */
	rewind(out);
	assert_int_equal(ftruncate(fileno(out), 0), 0);
	ev.rc = SIPHON_EREMOTE;
	cli_progress_text_event(&pt, &ev);
	assert_string_equal(printed(out, got, sizeof(got)), "");

	/* -q: neither the summary nor progress lines. */
	cli_progress_text_init(&pt, o, 1, out, err);
	ev.rc = 0;
	cli_progress_text_event(&pt, &ev);
	ev = progress_at(6, 1, 1, 1);
	cli_progress_text_event(&pt, &ev);
	assert_string_equal(printed(out, got, sizeof(got)), "");
	assert_string_equal(printed(err, got, sizeof(got)), "");

	/* A progress line goes to stderr, as a log line would. */
	cli_progress_text_init(&pt, o, 0, out, err);
	cli_progress_text_event(&pt, &ev);
	assert_string_equal(printed(err, got, sizeof(got)),
	                    "siphon: 0.0 MB of table data loaded (0.0 MB on the wire), 0.0 MB/s; "
	                    "the tables take 0.0 MB on the server\n");
	fclose(out);
	fclose(err);
	siphon_opts_free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_without_callback),
		cmocka_unit_test(test_events_phases_nest),
		cmocka_unit_test(test_events_tables_and_totals),
		cmocka_unit_test(test_events_summary_ends_everything),
		cmocka_unit_test(test_events_warnings),
		cmocka_unit_test(test_events_kind_names),
		cmocka_unit_test(test_events_pull_failures),
		cmocka_unit_test(test_events_text_progress_lines),
		cmocka_unit_test(test_events_text_file_copy),
		cmocka_unit_test(test_events_text_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
