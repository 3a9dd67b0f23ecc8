/* pg_lanes.c - the data channels: work pieces, their plan, remote and local sessions. */
#include "engine/postgres/pg_pull_int.h"

#include "engine/plan.h"
#include "engine/postgres/pg_lane.h"
#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_post.h"
#include "engine/postgres/pg_script.h"
#include "remote/shell.h"
#include "util/clock.h"
#include "engine/postgres/pg_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define ADAPT_PIECE ((uint64_t)64 * 1024 * 1024)

/* Makes room for at least need items. */
static int
grow_work(struct pg_work **w, int *cap, int need)
{
	struct pg_work *nw;
	int ncap;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	if ((nw = realloc(*w, (size_t)ncap * sizeof(*nw))) == NULL)
		return -1;
	*w = nw;
	*cap = ncap;
	return 0;
}

/*
 * Lists the pieces of work: whole tables, pieces of big ones, large
 * objects, each with its cost (expected bytes).  *out belongs to the
 * caller even on failure.
 */
static int
make_work(struct pg *pg, struct pg_work **out, int *n)
{
	int cap = 0, i, k, pieces;
	/* A level that moves does so between pieces: big tables in pieces of at most ADAPT_PIECE. */
	uint64_t max_piece = siphon_eng_adaptive(pg->eng) && !siphon_eng_order_fixed(pg->eng) ? ADAPT_PIECE : 0;

	*n = 0;
	*out = NULL;
	for (i = 0; i < pg->cat.ntables; i++) {
		const struct siphon_pg_table *t = &pg->cat.tables[i];

		/* Partitioned parents hold no rows; their leaves are listed themselves. */
		if (t->relkind != 'r')
			continue;
		pg->ntables_copied++;
		/* Loaded before the connection was lost (pg_resume.c). */
		if (pg_table_done(pg, t))
			continue;
		pieces = t->columns != NULL ? siphon_pg_chunks(&pg->cat, t, pg->jobs, max_piece) : 1;
		if (grow_work(out, &cap, *n + pieces) != 0)
			return siphon_err_oom(pg->ctx);
		for (k = 0; k < pieces; k++) {
			struct pg_work *w = &(*out)[(*n)++];

			*w = (struct pg_work){.t = t, .pieces = pieces, .part = k + 1,
			                      .cost = t->bytes / (uint64_t)pieces};
			if (pieces > 1) {
				w->first = t->blocks * (uint64_t)k / (uint64_t)pieces;
				w->last = k == pieces - 1 ? 0 : t->blocks * (uint64_t)(k + 1) / (uint64_t)pieces;
			}
		}
	}
	if (pg->cat.nlobs > 0 && !pg->lobs_done) {
		if (grow_work(out, &cap, *n + 1) != 0)
			return siphon_err_oom(pg->ctx);
		(*out)[(*n)++] = (struct pg_work){.pieces = 1, .part = 1, .cost = (uint64_t)pg->cat.nlobs * 8192};
	}
	return 0;
}

/* The run's engine-neutral view of the plan. */
static int
publish_plan(struct pg *pg)
{
	for (int i = 0; i < pg->nwork; i++) {
		const struct pg_work *w = &pg->work[pg->wplan[i].index];
		struct siphon_plan_piece piece = {
			.table = w->t != NULL ? siphon_catalog_find(&pg->eng->cat, w->t->schema, w->t->name) : -1,
			.what = w->t != NULL ? NULL : "large objects",
			.part = w->part, .parts = w->pieces,
			.channel = pg->wplan[i].lane,
			.bytes = pg->wplan[i].cost,
		};

		if (siphon_plan_add(&pg->eng->plan, &piece) != 0)
			return siphon_err_oom(pg->ctx);
	}
	pg->eng->plan.channels = pg->nlanes;
	return 0;
}

/*
 * The pool lanes take pieces from as they come free, unless each lane's
 * list must be fixed (eng.h siphon_eng_order_fixed).  A piece's group is
 * its table (the large objects one of their own).
 */
static int
make_dispatch(struct pg *pg, const uint64_t *costs)
{
	int *group, r = 0;

	siphon_dispatch_free(pg->disp);
	pg->disp = NULL;
	if (siphon_eng_order_fixed(pg->eng) || pg->nlanes < 2)
		return 0;
	if ((group = calloc((size_t)pg->nwork + 1, sizeof(*group))) == NULL)
		return siphon_err_oom(pg->ctx);
	for (int i = 0; i < pg->nwork; i++)
		group[i] = pg->work[i].t != NULL ? (int)(pg->work[i].t - pg->cat.tables) : pg->cat.ntables;
	if (siphon_dispatch_new(&pg->disp, pg->nwork, costs, group, pg->cat.ntables + 1, pg->nlanes) != 0)
		r = siphon_err_oom(pg->ctx);
	free(group);
	return r;
}

int
pg_plan_lanes(struct pg *pg)
{
	uint64_t *costs = NULL;
	int r, nlanes;

	if ((r = make_work(pg, &pg->work, &pg->nwork)) != 0)
		goto out;
	if ((costs = calloc((size_t)pg->nwork + 1, sizeof(*costs))) == NULL) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	for (int i = 0; i < pg->nwork; i++)
		costs[i] = pg->work[i].cost;
	if ((pg->wplan = calloc((size_t)pg->nwork + 1, sizeof(*pg->wplan))) == NULL ||
	    (nlanes = siphon_plan_lanes(costs, pg->nwork, pg->jobs, pg->wplan)) < 0) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	pg->nlanes = nlanes;
	if ((r = make_dispatch(pg, costs)) != 0)
		goto out;
	siphon_log(pg->ctx, SIPHON_LOG_DEBUG, "%u tables in %d pieces over %d channels%s",
	           pg->ntables_copied, pg->nwork, nlanes,
	           pg->disp != NULL ? ", each piece to the channel that comes free" : "");
	/* After a reconnect the plan shown is the first one. */
	r = pg->eng->plan.npieces > 0 ? 0 : publish_plan(pg);
out:
	free(costs);
	return r;
}

/*
 * Adaptive lanes: a piece whose level differs from the one the lane's
 * compressor runs at first has psql start a new one (\o |zstd ...: psql
 * closes the old one, which ends its frame, and waits for it), so each
 * level's bytes are whole zstd frames, one after the other on the channel.
 */
static int
lane_level(struct pg *pg, int l, struct siphon_strbuf *sql)
{
	struct siphon_pg_lane *lane = &pg->lanes[l];
	int level, r;

	if (!pg->adaptive)
		return 0;
	level = siphon_adapt_level(&pg->eng->adapt);
	if (lane->zset && lane->zlevel == level)
		return 0;
	if (siphon_strbuf_puts(sql, "\\o |") != 0)
		return siphon_err_oom(pg->ctx);
	if ((r = siphon_eng_zstd_cmd(pg->eng, sql, level)) != 0)
		return r;
	if (siphon_strbuf_puts(sql, "\n") != 0)
		return siphon_err_oom(pg->ctx);
	if (lane->zset)
		siphon_eng_adapt_switched(pg->eng, l + 1, level);
	lane->zset = 1;
	lane->zlevel = level;
	return 0;
}

/* Appends piece wi to lane l: its remote COPY to sql, its local side to the items. */
static int
lane_add(struct pg *pg, int l, int wi, struct siphon_strbuf *sql)
{
	struct siphon_pg_lane *lane = &pg->lanes[l];
	const struct pg_work *w = &pg->work[wi];
	struct siphon_pg_lane_item *items, *it;
	int r;

	items = realloc(lane->items, (size_t)(lane->nitems + 1) * sizeof(*items));
	if (items == NULL)
		return siphon_err_oom(pg->ctx);
	lane->items = items;
	it = &items[lane->nitems++];
	memset(it, 0, sizeof(*it));
	it->work = wi;
	if ((r = lane_level(pg, l, sql)) != 0)
		return r;
	if (siphon_pg_copy_sql(it, sql, w->t, w->pieces, w->first, w->last) != 0)
		return siphon_err_oom(pg->ctx);
	it->who = (struct siphon_event_table){
		.schema = w->t != NULL ? w->t->schema : NULL,
		.name = w->t != NULL ? w->t->name : "large objects",
		.channel = l + 1, .piece = w->part, .pieces = w->pieces,
		.expected_bytes = w->t != NULL ? (int64_t)w->cost : -1,
		.expected_rows = w->t != NULL && w->t->rows >= 0 ? w->t->rows / w->pieces : -1};
	return 0;
}

/*
 * How much a lane has queued behind the piece it is receiving.  The
 * server's compressor holds up to a few MiB of a stream until more data
 * pushes it out (zstd -T0 compresses in jobs of 2 MiB and more), so the end
 * of a piece reaches siphon only once enough follows it: a lane keeps at
 * least LOOKAHEAD bytes of pieces queued (by the catalog's sizes), or has
 * its session ended (COMMIT and EOF flush everything).  When the sizes
 * mislead (a table whose text is much smaller than its pages), a lane that
 * has not moved for STALL_S gets one more piece anyway, unless the link is
 * full: then silence is the link's (each lane's share of a slow link comes
 * in bursts as the compressor fills its blocks), and more pieces would
 * only bind them to lanes early, at the level of the time.
 */
#define LOOKAHEAD ((uint64_t)8 * 1024 * 1024)
#define STALL_S 0.25

/* Every lane's wire bytes so far. */
static uint64_t
lanes_wire(const struct pg *pg)
{
	uint64_t wire = 0;

	for (int l = 0; l < pg->nlanes; l++)
		wire += *pg->lanes[l].wire;
	return wire;
}

/* Is the link carrying at least half what the link test saw (a rate, not a floor)? wire: lanes_wire. */
static int
link_full(struct pg *pg, double now, uint64_t wire)
{
	const struct siphon_link *link = &pg->eng->link;

	if (pg->wire_t0 == 0 || wire < pg->wire0) {
		pg->wire_t0 = now;
		pg->wire0 = wire;
	} else if (now - pg->wire_t0 >= 0.5) {
		pg->wire_rate = (double)(wire - pg->wire0) / (now - pg->wire_t0);
		pg->wire_t0 = now;
		pg->wire0 = wire;
	}
	return link->measured && !link->lower_bound && link->bytes_per_s > 0 &&
	       pg->wire_rate >= 0.5 * link->bytes_per_s;
}

static uint64_t
queued_behind(const struct pg *pg, const struct siphon_pg_lane *lane)
{
	uint64_t sum = 0;

	for (int k = lane->cur + 1; k < lane->nitems; k++)
		sum += pg->work[lane->items[k].work].cost;
	return sum;
}

/* Sends lane l its next piece, or ends its session when none is left. */
static int
lane_more(struct pg *pg, int l)
{
	struct siphon_pg_lane *lane = &pg->lanes[l];
	struct siphon_strbuf sql = {0};
	int wi, r;

	if ((wi = siphon_dispatch_take(pg->disp, l)) >= 0) {
		r = lane_add(pg, l, wi, &sql);
	} else {
		/* The compressor closed first: psql waits for it to write its last frame. */
		r = siphon_strbuf_puts(&sql, pg->adaptive && lane->zset ? "\\o\nCOMMIT;\n" : "COMMIT;\n") != 0
		        ? siphon_err_oom(pg->ctx) : 0;
		lane->open = 0;
	}
	if (r == 0)
		r = siphon_rstream_send(pg->lane_rs[l], sql.buf, sql.len);
	if (r == 0 && !lane->open)
		siphon_rstream_close_stdin(pg->lane_rs[l]);
	siphon_strbuf_free(&sql);
	return r;
}

/* The data channels' figures for the level's controller (engine/adapt.h); wire: lanes_wire. */
static void
adapt_sample(struct pg *pg, double now, uint64_t wire)
{
	int busy = 0, held = 0;

	for (int l = 0; l < pg->nlanes; l++) {
		const struct siphon_pg_lane *lane = &pg->lanes[l];

		if (lane->open || lane->cur < lane->nitems) {
			busy++;
			held += pg->lane_rs[l]->backpressured != 0;
		}
	}
	siphon_eng_adapt_sample(pg->eng, now, wire, busy, held);
}

/* Tops every open lane up to its lookahead, one piece per lane per round (fair). */
static int
lanes_fill(struct pg *pg, double now)
{
	uint64_t wire = lanes_wire(pg);
	int l, r, more = 1, full = link_full(pg, now, wire);

	if (pg->adaptive)
		adapt_sample(pg, now, wire);
	for (l = 0; l < pg->nlanes; l++) {
		struct siphon_pg_lane *lane = &pg->lanes[l];

		if (*lane->wire != lane->seen_wire || lane->cur != lane->told || lane->seen_at == 0) {
			lane->seen_wire = *lane->wire;
			lane->seen_at = now;
		}
		for (; lane->told < lane->cur; lane->told++)
			siphon_dispatch_done(pg->disp, lane->items[lane->told].work);
		/* Silent, though siphon could take more: the server holds a piece's end. */
		if (lane->open && now - lane->seen_at >= STALL_S && !full && !pg->lane_rs[l]->backpressured &&
		    (lane->proc != NULL || lane->discard)) {
			lane->seen_at = now;
			if ((r = lane_more(pg, l)) != 0)
				return r;
		}
	}
	while (more) {
		more = 0;
		for (l = 0; l < pg->nlanes; l++) {
			struct siphon_pg_lane *lane = &pg->lanes[l];

			if (!lane->open || queued_behind(pg, lane) >= LOOKAHEAD)
				continue;
			if ((r = lane_more(pg, l)) != 0)
				return r;
			more = 1;
		}
	}
	return 0;
}

/* Lane l's remote session: psql, then the compressor, unless psql starts it itself (adaptive). */
static int
lane_stream(struct pg *pg, int l, const char *what, const struct siphon_strbuf *st)
{
	const char *stages[1] = {siphon_strbuf_str(st)}, *names[1] = {"dump"};

	if (!pg->adaptive)
		return siphon_eng_new_stream(pg->eng, &pg->lane_rs[l], what, stages[0], 0);
	return siphon_eng_new_pipeline(pg->eng, &pg->lane_rs[l], what, stages, names, 1, 1);
}

int
pg_start_lanes(struct pg *pg)
{
	struct siphon_strbuf st = {0}, sql = {0};
	int l, r = 0, nlanes = pg->nlanes;

	if (nlanes == 0)
		goto out;
	if ((pg->lanes = calloc((size_t)nlanes, sizeof(*pg->lanes))) == NULL ||
	    (pg->lane_rs = calloc((size_t)nlanes, sizeof(*pg->lane_rs))) == NULL)
		goto oom;
	/*
	 * The level may change per piece when pieces are handed out as lanes
	 * come free (a fixed order sends every piece at once).
	 */
	pg->adaptive = pg->disp != NULL && siphon_eng_adaptive(pg->eng);
	if ((r = pg_psql_stage(pg, &st, pg->tools.t[pg->pgi].bindir, 1)) != 0)
		goto out;
	for (l = 0; l < nlanes; l++) {
		struct siphon_pg_lane *lane = &pg->lanes[l];
		struct siphon_sink sink;
		char what[64];
		int wi;

		lane->ctx = pg->ctx;
		lane->discard = pg->o->snapshot_only;
		if (pg->adaptive) {
			lane->feed = siphon_eng_adapt_feed_cb;
			lane->feed_arg = pg->eng;
		}
		snprintf(lane->what, sizeof(lane->what), "data channel %d", l + 1);
		siphon_strbuf_reset(&sql);
		/* Transaction-local settings only (see pg_start_control). */
		if (siphon_strbuf_puts(&sql, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\nSET TRANSACTION SNAPSHOT ") != 0 ||
		    siphon_pg_literal(&sql, pg->cat.snapshot) != 0 ||
		    siphon_strbuf_puts(&sql, ";\n") != 0 ||
		    siphon_pg_txn_sql(&sql, pg->cat.server_num) != 0 ||
		    siphon_strbuf_puts(&sql, "SET LOCAL client_encoding = ") != 0 ||
		    siphon_pg_literal(&sql, pg->cat.encoding) != 0 ||
		    siphon_strbuf_puts(&sql, ";\n") != 0)
			goto oom;
		if (pg->disp != NULL) {
			/* Each lane's first piece before any lane's second: the first round mixes tables. */
			if ((wi = siphon_dispatch_take(pg->disp, l)) >= 0 && (r = lane_add(pg, l, wi, &sql)) != 0)
				goto out;
			lane->open = 1;
		} else {
			for (int i = 0; i < pg->nwork; i++)
				if (pg->wplan[i].lane == l && (r = lane_add(pg, l, pg->wplan[i].index, &sql)) != 0)
					goto out;
			if (siphon_strbuf_puts(&sql, "COMMIT;\n") != 0)
				goto oom;
		}
		snprintf(what, sizeof(what), "COPY on data channel %d", l + 1);
		if ((r = lane_stream(pg, l, what, &st)) != 0)
			goto out;
		lane->wire = &pg->lane_rs[l]->wire_bytes;
		siphon_pg_lane_sink(&sink, lane);
		siphon_rstream_set_sink(pg->lane_rs[l], &sink);
		if ((r = siphon_rstream_send(pg->lane_rs[l], sql.buf, sql.len)) != 0)
			goto out;
		if (!lane->open)
			siphon_rstream_close_stdin(pg->lane_rs[l]);
	}
	if (pg->disp != NULL)
		r = lanes_fill(pg, siphon_mono_s());
	goto out;
oom:
	r = siphon_err_oom(pg->ctx);
out:
	siphon_strbuf_free(&st);
	siphon_strbuf_free(&sql);
	return r;
}

int
pg_lanes_dispatch(struct pg *pg)
{
	if (pg->disp == NULL || pg->lanes == NULL)
		return 0;
	return lanes_fill(pg, siphon_mono_s());
}

void
pg_free_lanes(struct pg *pg)
{
	for (int l = 0; pg->lanes != NULL && pg->lane_rs != NULL && l < pg->nlanes; l++) {
		siphon_eng_drop_stream(pg->eng, &pg->lane_rs[l]);
		if (pg->lanes[l].proc != NULL) {
			siphon_loop_remove_proc(pg->loop, pg->lanes[l].proc);
			siphon_proc_free(pg->lanes[l].proc);
		}
		for (int i = 0; i < pg->lanes[l].nitems; i++) {
			free(pg->lanes[l].items[i].header);
			free(pg->lanes[l].items[i].trailer);
		}
		free(pg->lanes[l].items);
	}
	free(pg->lanes);
	free(pg->lane_rs);
	siphon_dispatch_free(pg->disp);
	pg->disp = NULL;
	pg->lanes = NULL;
	pg->lane_rs = NULL;
	pg->nlanes = 0;
}

/* Once the schema is in, each lane gets its local psql. */
int
pg_open_local_lanes(struct pg *pg)
{
	struct siphon_strbuf pre = {0};
	int l, r = 0;

	if (siphon_strbuf_puts(&pre, "SET client_encoding = ") != 0 ||
	    siphon_pg_literal(&pre, pg->cat.encoding) != 0 ||
	    siphon_strbuf_puts(&pre, ";\nSET DateStyle = ISO;\nSET IntervalStyle = postgres;\n"
	                             "SET TimeZone = 'UTC';\nSET extra_float_digits = 3;\n"
	                             "SET synchronous_commit = off;\nSET statement_timeout = 0;\n"
	                             "SET lock_timeout = 0;\nSET row_security = off;\nSET search_path = '';\n") != 0) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	for (l = 0; l < pg->nlanes; l++) {
		struct siphon_pg_lane *lane = &pg->lanes[l];

		/* Its output: the loaded markers (pg_lane.h), read after every step. */
		if ((r = siphon_pg_local_spawn(&lane->proc, pg->ctx, "local psql (table data)", pg->tmpdb, 0,
		                               64 * 1024)) != 0 ||
		    (r = siphon_loop_add_proc(pg->loop, lane->proc)) != 0 ||
		    (r = siphon_proc_queue(lane->proc, pre.buf, pre.len)) != 0)
			goto out;
	}
out:
	siphon_strbuf_free(&pre);
	return r;
}
