/* event.c - the typed events of a run: state, order, run-wide figures. */
#include "util/event.h"

#include "util/clock.h"
#include "util/ctx.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Phases nest at most this deep (the driver's phases and a few inside). */
#define PHASE_DEPTH 16

struct open_table {
	struct siphon_event_table t;       /* t's strings point to the copies below */
	char *schema, *name, *file;
	uint64_t wire0;                    /* the channel's count when it started */
};

struct siphon_event_state {
	double t0;                         /* siphon_mono_s() when the run began */
	int over;                          /* the summary went out */
	unsigned next_id;
	enum siphon_phase phases[PHASE_DEPTH];
	double phase_t0[PHASE_DEPTH];
	int depth;
	struct open_table *tables;
	int ntables, cap;
	int64_t rows_done;                 /* rows of ended tables that said */
	int rows_known;                    /* some table said how many rows */
	struct siphon_event_totals totals;
};

/* The state, made on first use; NULL when there is no callback (or no memory). */
static struct siphon_event_state *
state(struct siphon_ctx *ctx)
{
	if (ctx == NULL || ctx->event_fn == NULL)
		return NULL;
	if (ctx->events == NULL) {
		if ((ctx->events = calloc(1, sizeof(*ctx->events))) == NULL)
			return NULL;
		ctx->events->t0 = siphon_mono_s();
		ctx->events->totals.rows = -1;
		ctx->events->totals.expected_bytes = -1;
	}
	return ctx->events->over ? NULL : ctx->events;
}

static void
free_table(struct open_table *o)
{
	free(o->schema);
	free(o->name);
	free(o->file);
}

void
siphon_event_state_free(struct siphon_ctx *ctx)
{
	struct siphon_event_state *s = ctx->events;

	if (s == NULL)
		return;
	for (int i = 0; i < s->ntables; i++)
		free_table(&s->tables[i]);
	free(s->tables);
	free(s);
	ctx->events = NULL;
}

void
siphon_event_run_begin(struct siphon_ctx *ctx)
{
	siphon_event_state_free(ctx);
	(void)state(ctx);
}

/* Rows of the whole run: ended tables and open ones, -1 while none said. */
static void
sum_rows(struct siphon_event_state *s)
{
	int64_t rows = s->rows_done;
	int known = s->rows_known;

	for (int i = 0; i < s->ntables; i++) {
		if (s->tables[i].t.rows >= 0) {
			rows += s->tables[i].t.rows;
			known = 1;
		}
	}
	s->totals.rows = known ? rows : -1;
}

/* Fills what every event carries and hands ev to the callback. */
static void
send(struct siphon_ctx *ctx, struct siphon_event_state *s, struct siphon_event *ev)
{
	struct timespec ts;

	ev->seconds = siphon_mono_s() - s->t0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ev->wall = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (ev->kind != SIPHON_EVENT_PHASE_START && ev->kind != SIPHON_EVENT_PHASE_END)
		ev->phase = s->depth > 0 ? s->phases[s->depth - 1] : SIPHON_PHASE_COUNT;
	sum_rows(s);
	ev->totals = s->totals;
	ctx->event_fn(ctx->event_arg, ev);
}

static int
find_table(const struct siphon_event_state *s, unsigned id)
{
	for (int i = 0; id != 0 && i < s->ntables; i++)
		if (s->tables[i].t.id == id)
			return i;
	return -1;
}

/* Sends table i's end and forgets it. */
static void
end_table(struct siphon_ctx *ctx, struct siphon_event_state *s, int i, int rc)
{
	struct siphon_event ev = {.kind = SIPHON_EVENT_TABLE_END, .rc = rc};
	struct open_table *o = &s->tables[i];

	o->t.rc = rc;
	ev.table = o->t;
	s->totals.tables_done++;
	send(ctx, s, &ev);
	if (o->t.rows >= 0) {
		s->rows_done += o->t.rows;
		s->rows_known = 1;
	}
	free_table(o);
	s->tables[i] = s->tables[--s->ntables];
}

/* Ends every open table: with rc, or as abandoned when rc says success. */
static void
end_tables(struct siphon_ctx *ctx, struct siphon_event_state *s, int rc)
{
	while (s->ntables > 0)
		end_table(ctx, s, s->ntables - 1, rc != 0 ? rc : SIPHON_EINTERNAL);
}

void
siphon_event_phase(struct siphon_ctx *ctx, enum siphon_phase phase, int begin, int rc)
{
	struct siphon_event_state *s = state(ctx);
	struct siphon_event ev = {0};
	int i;

	if (s == NULL)
		return;
	if (begin) {
		if (s->depth == PHASE_DEPTH)
			return;
		s->phases[s->depth] = phase;
		s->phase_t0[s->depth++] = siphon_mono_s();
		ev.kind = SIPHON_EVENT_PHASE_START;
		ev.phase = phase;
		send(ctx, s, &ev);
		return;
	}
	for (i = s->depth - 1; i >= 0 && s->phases[i] != phase; i--)
		;
	if (i < 0)
		return;
	/* Table data flows in the transfer phase: no table outlives it. */
	for (int k = i; k < s->depth; k++)
		if (s->phases[k] == SIPHON_PHASE_TRANSFER)
			end_tables(ctx, s, rc);
	/* Inner phases first, so that ends nest. */
	while (s->depth > i) {
		s->depth--;
		ev = (struct siphon_event){.kind = SIPHON_EVENT_PHASE_END, .rc = rc};
		ev.phase = s->phases[s->depth];
		ev.phase_seconds = siphon_mono_s() - s->phase_t0[s->depth];
		send(ctx, s, &ev);
	}
}

static char *
dup_or_null(const char *p, int *failed)
{
	char *d;

	if (p == NULL)
		return NULL;
	if ((d = strdup(p)) == NULL)
		*failed = 1;
	return d;
}

unsigned
siphon_event_table_start(struct siphon_ctx *ctx, const struct siphon_event_table *who,
                         uint64_t wire_now)
{
	struct siphon_event_state *s = state(ctx);
	struct siphon_event ev = {.kind = SIPHON_EVENT_TABLE_START};
	struct open_table o = {0};
	int failed = 0;

	if (s == NULL)
		return 0;
	if (s->ntables == s->cap) {
		int cap = s->cap > 0 ? s->cap * 2 : 8;
		struct open_table *p = realloc(s->tables, (size_t)cap * sizeof(*p));

		if (p == NULL)
			return 0;
		s->tables = p;
		s->cap = cap;
	}
	o.schema = dup_or_null(who->schema, &failed);
	o.name = dup_or_null(who->name, &failed);
	o.file = dup_or_null(who->file, &failed);
	if (failed) {
		free_table(&o);
		return 0;
	}
	o.t = *who;
	o.t.id = ++s->next_id;
	o.t.schema = o.schema;
	o.t.name = o.name;
	o.t.file = o.file;
	o.t.piece = who->pieces > 1 ? who->piece : 1;
	o.t.pieces = who->pieces > 1 ? who->pieces : 1;
	o.t.wire_bytes = o.t.raw_bytes = 0;
	o.t.rows = -1;
	o.t.rc = 0;
	o.t.started = siphon_mono_s() - s->t0;
	o.wire0 = wire_now;
	s->tables[s->ntables++] = o;
	s->totals.tables_started++;
	ev.table = o.t;
	send(ctx, s, &ev);
	return o.t.id;
}

void
siphon_event_table_data(struct siphon_ctx *ctx, unsigned id, uint64_t raw_add,
                        int64_t rows_now, uint64_t wire_now)
{
	struct siphon_event_state *s = state(ctx);
	struct open_table *o;
	int i;

	if (s == NULL || (i = find_table(s, id)) < 0)
		return;
	o = &s->tables[i];
	o->t.raw_bytes += raw_add;
	if (rows_now >= 0)
		o->t.rows = rows_now;
	if (wire_now >= o->wire0)
		o->t.wire_bytes = wire_now - o->wire0;
}

void
siphon_event_table_end(struct siphon_ctx *ctx, unsigned id, int rc)
{
	struct siphon_event_state *s = state(ctx);
	int i;

	if (s != NULL && (i = find_table(s, id)) >= 0)
		end_table(ctx, s, i, rc);
}

void
siphon_event_progress(struct siphon_ctx *ctx, uint64_t wire, uint64_t raw,
                      int64_t expected, double data_t0)
{
	struct siphon_event_state *s = state(ctx);
	struct siphon_event ev;

	if (s == NULL)
		return;
	s->totals.wire_bytes = wire;
	s->totals.raw_bytes = raw;
	s->totals.expected_bytes = expected;
	s->totals.data_seconds = siphon_mono_s() - data_t0;
	for (int i = 0; i < s->ntables; i++) {
		ev = (struct siphon_event){.kind = SIPHON_EVENT_TABLE_PROGRESS};
		ev.table = s->tables[i].t;
		send(ctx, s, &ev);
	}
	ev = (struct siphon_event){.kind = SIPHON_EVENT_PROGRESS};
	send(ctx, s, &ev);
}

void
siphon_event_warning(struct siphon_ctx *ctx, enum siphon_warning_kind kind, const char *text)
{
	struct siphon_event_state *s = state(ctx);
	struct siphon_event ev = {.kind = SIPHON_EVENT_WARNING, .warning = kind, .text = text};

	if (s != NULL)
		send(ctx, s, &ev);
}

void
siphon_event_step(struct siphon_ctx *ctx, const char *text)
{
	struct siphon_event_state *s = state(ctx);
	struct siphon_event ev = {.kind = SIPHON_EVENT_STEP, .text = text};

	if (s != NULL && s->depth > 0 && text != NULL)
		send(ctx, s, &ev);
}

void
siphon_event_tune(struct siphon_ctx *ctx, const struct siphon_event_tune *t)
{
	struct siphon_event_state *s = state(ctx);
	struct siphon_event ev = {.kind = SIPHON_EVENT_TUNE, .tune = t};

	if (s != NULL && t != NULL)
		send(ctx, s, &ev);
}

void
siphon_event_summary(struct siphon_ctx *ctx, int rc, const struct siphon_pull_stats *stats)
{
	struct siphon_event_state *s = state(ctx);
	struct siphon_event ev = {.kind = SIPHON_EVENT_SUMMARY, .rc = rc, .stats = stats};

	if (s == NULL)
		return;
	end_tables(ctx, s, rc);
	if (s->depth > 0)
		siphon_event_phase(ctx, s->phases[0], 0, rc);
	if (rc != 0 && ctx->errmsg[0] != '\0')
		ev.text = ctx->errmsg;
	send(ctx, s, &ev);
	s->over = 1;
}

const char *
siphon_event_kind_name(enum siphon_event_kind k)
{
	static const char *const names[] = {
		"?", "phase_start", "phase_end", "table_start", "table_progress",
		"table_end", "progress", "warning", "summary", "step", "tune",
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

void
siphon_ctx_set_events(struct siphon_ctx *ctx, siphon_event_fn fn, void *arg)
{
	ctx->event_fn = fn;
	ctx->event_arg = arg;
}
