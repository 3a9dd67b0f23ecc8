/*
 * my_workers.c - the data sessions, and how they come to see one instant.
 *
 * Each worker is a remote mysql client whose stdin siphon writes.  Its output
 * first goes through a small sh loop that copies every line to stderr (where
 * siphon reads "siphon-ready" without waiting for the compressor) until the
 * line "siphon-go"; from there on the rows go to the compressor.
 *
 * The instant, best first:
 *   lock     the control session takes FLUSH TABLES WITH READ LOCK (after
 *            checking that no long query would make it wait, and with a
 *            2 s lock_wait_timeout), every worker starts its
 *            START TRANSACTION WITH CONSISTENT SNAPSHOT, and the lock is
 *            released as soon as all have reported: one round trip.
 *   binlog   MariaDB refused the lock: workers start their transactions and
 *            report Binlog_snapshot_file/position; equal positions prove one
 *            instant (retried up to 20 times).
 *   single   otherwise one worker copies everything in one transaction.
 */
#include "engine/mysql/my_pull_int.h"

#include "engine/mysql/my_batch.h"

#include "engine/mysql/my_options.h"
#include "engine/mysql/my_sql.h"
#include "engine/plan.h"
#include "util/clock.h"
#include "util/ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BINLOG_TRIES 20

int
my_start_workers(struct my *my)
{
	struct siphon_strbuf st = {0}, tail = {0}, hello = {0}, z = {0};
	const char *stages[2], *names[2] = {"dump", "compress"};
	int r = 0, w, split;

	int nrows = my_tables_with_rows(my, NULL);

	my->nworkers = my->eng->jobs < nrows ? my->eng->jobs : nrows;
	if (my->nworkers < 1)
		my->nworkers = 1;
	if ((my->wrs = calloc((size_t)my->nworkers, sizeof(*my->wrs))) == NULL ||
	    (my->lanes = calloc((size_t)my->nworkers, sizeof(*my->lanes))) == NULL)
		return siphon_err_oom(my->ctx);
	if ((r = my_client_stage(my, &st, 1)) != 0)
		goto out;
	/* The level may move while the rows flow: the compressor follows it (remote/zsplit.h). */
	if ((split = siphon_eng_zsplit_stage(my->eng, &z)) < 0) {
		r = split;
		goto out;
	}
	if (siphon_strbuf_printf(&tail,
	        "{ while IFS= read -r l; do [ \"$l\" = siphon-go ] && break;"
	        " printf 'siphon-out %%s\\n' \"$l\" >&2; done; %s; }",
	        split ? siphon_strbuf_str(&z) :
	        my->eng->compress.len > 0 ? siphon_strbuf_str(&my->eng->compress) : "cat") != 0)
		goto oom;
	stages[0] = siphon_strbuf_str(&st);
	stages[1] = siphon_strbuf_str(&tail);
	/*
	 * No server-side time limits for a long SELECT, and none for a client
	 * that backpressure keeps from reading for a while.
	 */
	if (siphon_strbuf_puts(&hello,
	        "SET SESSION sql_mode = '', SESSION time_zone = '+00:00',"
	        " SESSION net_write_timeout = 31536000, SESSION net_read_timeout = 31536000,"
	        " SESSION wait_timeout = 31536000;\n") != 0 ||
	    siphon_strbuf_puts(&hello, my->cat.mariadb ? "SET SESSION max_statement_time = 0;\n" :
	                                                 "SET SESSION max_execution_time = 0;\n") != 0 ||
	    siphon_strbuf_puts(&hello,
	        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ;\n"
	        "SET SESSION character_set_results = NULL;\nUSE ") != 0 ||
	    siphon_my_ident(&hello, my->o->dbname) != 0 ||
	    siphon_strbuf_puts(&hello, ";\nSELECT 'siphon-hello';\n") != 0)
		goto oom;
	for (w = 0; w < my->nworkers; w++) {
		char what[64];

		snprintf(what, sizeof(what), "data channel %d", w + 1);
		if ((r = siphon_eng_new_pipeline(my->eng, &my->wrs[w], what, stages, names, 2, 1)) != 0)
			goto out;
		if (siphon_rstream_send(my->wrs[w], hello.buf, hello.len) != 0)
			goto oom;
	}
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	siphon_strbuf_free(&st);
	siphon_strbuf_free(&tail);
	siphon_strbuf_free(&hello);
	siphon_strbuf_free(&z);
	return r;
}

/* "START TRANSACTION ...; SELECT 'siphon-ready', N, FILE, POS;" */
static int
snapshot_sql(struct my *my, struct siphon_strbuf *sb, int attempt)
{
	if (attempt > 1 && siphon_strbuf_puts(sb, "ROLLBACK;\n") != 0)
		return -1;
	if (siphon_strbuf_puts(sb, "START TRANSACTION WITH CONSISTENT SNAPSHOT;\n") != 0)
		return -1;
	if (my->cat.mariadb)
		return siphon_strbuf_printf(sb,
		    "SELECT 'siphon-ready', %d,"
		    " IFNULL((SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
		    " WHERE VARIABLE_NAME = 'BINLOG_SNAPSHOT_FILE'), ''),"
		    " IFNULL((SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
		    " WHERE VARIABLE_NAME = 'BINLOG_SNAPSHOT_POSITION'), '');\n", attempt);
	return siphon_strbuf_printf(sb, "SELECT 'siphon-ready', %d, '', '';\n", attempt);
}

/* The "FILE\tPOS" a worker reported for attempt, or NULL when not yet. */
static const char *
ready_line(struct siphon_rstream *rs, int attempt, char *buf, size_t cap)
{
	char key[48];
	const char *p;
	size_t len;

	snprintf(key, sizeof(key), "siphon-out siphon-ready\t%d\t", attempt);
	if ((p = strstr(siphon_rstream_stderr(rs), key)) == NULL)
		return NULL;
	p += strlen(key);
	len = strcspn(p, "\n");
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

/* Steps the loop until workers [0, n) reported attempt. */
static int
wait_ready(struct my *my, int n, int attempt)
{
	char buf[256];
	int w, r, all = 0;

	while (!all) {
		all = 1;
		for (w = 0; w < n; w++)
			if (ready_line(my->wrs[w], attempt, buf, sizeof(buf)) == NULL)
				all = 0;
		if (!all && (r = siphon_loop_step(my->loop, 1000)) != 0)
			return r;
	}
	return 0;
}

/* The names of the columns the lane's fields carry (the stored ones), for its messages. */
static int
field_names(const struct siphon_my_table *t, struct siphon_my_lane_item *it)
{
	int i, n = 0;

	if ((it->names = calloc((size_t)it->nfields + 1, sizeof(*it->names))) == NULL)
		return -1;
	for (i = 0; i < t->ncols && n < it->nfields; i++)
		if (!t->cols[i].generated && (it->names[n++] = strdup(t->cols[i].name)) == NULL)
			return -1;
	return 0;
}

/*
 * The tables whose rows are copied (*rows: their indexes into the catalog,
 * *n of them) over nlanes lanes, largest first (*items: in each lane's
 * order); a table costs its size plus one, so that every lane gets one.
 * Returns the lanes used, or -1 when out of memory; *items and *rows are
 * the caller's either way.
 */
static int
split_tables(const struct my *my, int nlanes, struct siphon_plan_item **items, int **rows, int *n)
{
	uint64_t *costs;
	int used = -1;

	*n = 0;
	*items = NULL;
	*rows = NULL;
	if ((costs = calloc((size_t)my->cat.ntables + 1, sizeof(*costs))) == NULL ||
	    (*rows = calloc((size_t)my->cat.ntables + 1, sizeof(**rows))) == NULL ||
	    (*items = calloc((size_t)my->cat.ntables + 1, sizeof(**items))) == NULL)
		goto out;
	*n = my_tables_with_rows(my, *rows);
	for (int i = 0; i < *n; i++)
		costs[i] = my->cat.tables[(*rows)[i]].bytes + 1;
	used = siphon_plan_lanes(costs, *n, nlanes, *items);
out:
	free(costs);
	return used;
}

int
my_plan_publish(struct my *my)
{
	struct siphon_plan_item *items;
	int n, i, used, r = 0, *rows;

	if ((used = split_tables(my, my->how == MY_SINGLE ? 1 : my->eng->jobs, &items, &rows, &n)) < 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct siphon_my_table *t = &my->cat.tables[rows[items[i].index]];
		struct siphon_plan_piece piece = {
			.table = siphon_catalog_find(&my->eng->cat, "", t->name),
			.part = 1, .parts = 1, .channel = items[i].lane, .bytes = t->bytes,
		};

		if (siphon_plan_add(&my->eng->plan, &piece) != 0) {
			r = siphon_err_oom(my->ctx);
			goto out;
		}
	}
	my->eng->plan.channels = used;
out:
	free(items);
	free(rows);
	return r;
}

/* Splits the tables among nlanes workers, largest first; sets their sinks. */
static int
plan(struct my *my, int nlanes)
{
	struct siphon_plan_item *items;
	int n, i, used, r = 0, *rows;

	if ((used = split_tables(my, nlanes, &items, &rows, &n)) < 0)
		goto oom;
	for (i = 0; i < n; i++) {
		struct siphon_my_lane *lane = &my->lanes[items[i].lane];
		const struct siphon_my_table *t = &my->cat.tables[rows[items[i].index]];
		struct siphon_my_lane_item *it;
		struct siphon_strbuf sql = {0};
		void *p = realloc(lane->items, (size_t)(lane->nitems + 1) * sizeof(*lane->items));

		if (p == NULL)
			goto oom;
		lane->items = p;
		it = &lane->items[lane->nitems];
		memset(it, 0, sizeof(*it));
		lane->nitems++;
		if ((it->table = strdup(t->name)) == NULL ||
		    (it->nfields = siphon_my_prefixed_fields(t, &it->prefixed)) < 0 ||
		    field_names(t, it) != 0 ||
		    siphon_my_load_sql(t, my->staging, &sql) != 0) {
			siphon_strbuf_free(&sql);
			goto oom;
		}
		it->load_sql = siphon_strbuf_take(&sql);
		if (it->load_sql == NULL)
			goto oom;
		/* Loaded with other small tables by one loader (my_batch.h); not history rows (a session setting). */
		it->small = t->bytes <= SIPHON_MY_SMALL_BYTES && !t->history && !my->o->snapshot_only;
		it->who = (struct siphon_event_table){
			.schema = my->o->dbname, .name = it->table, .channel = items[i].lane + 1,
			.pieces = 1, .expected_bytes = (int64_t)t->bytes, .expected_rows = (int64_t)t->rows};
	}
	for (i = 0; i < my->nworkers; i++) {
		struct siphon_my_lane *lane = &my->lanes[i];
		struct siphon_sink sink;

		lane->ctx = my->ctx;
		snprintf(lane->what, sizeof(lane->what), "data channel %d", i + 1);
		lane->out_cap = 256 * 1024;
		if ((lane->out = malloc(lane->out_cap + 2)) == NULL)
			goto oom;
		lane->spawn = my_spawn_loader;
		lane->spawn_batch = my_spawn_batch;
		lane->spawn_arg = my;
		lane->discard = my->o->snapshot_only;
		lane->wire = &my->wrs[i]->wire_bytes;
		if (my->eng->zsplit) {
			lane->feed = siphon_eng_adapt_feed_cb;
			lane->feed_arg = my->eng;
		}
		siphon_my_lane_sink(&sink, lane);
		siphon_rstream_set_sink(my->wrs[i], &sink);
	}
	my->ntables_copied = (unsigned)my->cat.ntables;
	siphon_log(my->ctx, SIPHON_LOG_DEBUG, "%d tables over %d channels", n, used);
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	free(items);
	free(rows);
	return r;
}

/* The data channels' figures for the level's controller (engine/adapt.h), while the level follows it. */
void
my_adapt_sample(struct my *my)
{
	uint64_t wire = 0;
	int busy = 0, held = 0;

	if (!my->eng->zsplit)
		return;
	for (int w = 0; w < my->nworkers; w++) {
		if (my->wrs[w] == NULL)
			continue;
		wire += my->wrs[w]->wire_bytes;
		if (my->lanes[w].cur < my->lanes[w].nitems) {
			busy++;
			held += my->wrs[w]->backpressured != 0;
		}
	}
	siphon_eng_adapt_sample(my->eng, siphon_mono_s(), wire, busy, held);
}

/* Sends every worker with tables its snapshot statements (attempt 1). */
static int
send_snapshot(struct my *my)
{
	struct siphon_strbuf sql = {0};
	int w, r = 0;

	for (w = 0; w < my->nworkers && r == 0; w++) {
		if (my->lanes[w].nitems == 0)
			continue;
		siphon_strbuf_reset(&sql);
		if (snapshot_sql(my, &sql, 1) != 0 || siphon_rstream_send(my->wrs[w], sql.buf, sql.len) != 0)
			r = siphon_err_oom(my->ctx);
	}
	siphon_strbuf_free(&sql);
	return r;
}

/*
 * Sends each worker "siphon-go" and its SELECTs, then EOF; a worker without
 * tables just ends.  snapshot: send the snapshot statements first.
 */
static int
send_data(struct my *my, int snapshot)
{
	struct siphon_strbuf sql = {0};
	int w, i, r = 0;

	for (w = 0; w < my->nworkers; w++) {
		struct siphon_my_lane *lane = &my->lanes[w];

		siphon_strbuf_reset(&sql);
		if (lane->nitems > 0) {
			if (snapshot && snapshot_sql(my, &sql, 1) != 0)
				goto oom;
			if (siphon_strbuf_puts(&sql, "SELECT 'siphon-go';\n") != 0)
				goto oom;
			for (i = 0; i < lane->nitems; i++) {
				struct siphon_my_table *t = siphon_my_catalog_table(&my->cat, lane->items[i].table);

				if (siphon_my_worker_sql(t, &sql) != 0)
					goto oom;
			}
			if (siphon_strbuf_puts(&sql, "COMMIT;\n") != 0 ||
			    siphon_rstream_send(my->wrs[w], sql.buf, sql.len) != 0)
				goto oom;
		} else if (siphon_rstream_send(my->wrs[w], "SELECT 'siphon-go';\n", 20) != 0) {
			goto oom;
		}
		siphon_rstream_close_stdin(my->wrs[w]);
	}
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	siphon_strbuf_free(&sql);
	return r;
}

/* Is a query running that FLUSH TABLES WITH READ LOCK would wait behind? */
static int
long_queries(struct my *my, int *busy)
{
	const char *p;
	uint64_t count, secs;
	size_t len;
	int r, ended;

	*busy = 0;
	r = my_ctl_query(my,
	        "SELECT 'Q', COUNT(*), IFNULL(MAX(TIME), 0) FROM information_schema.PROCESSLIST"
	        " WHERE ID <> CONNECTION_ID() AND INFO IS NOT NULL AND TIME >= 1"
	        " AND COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Killed')"
	        " AND USER NOT IN ('system user', 'event_scheduler');\n", &ended);
	if (r != 0)
		return r;
	if (ended)
		return 0;
	if ((p = strstr(siphon_strbuf_str(&my->ctl_out), "Q\t")) == NULL)
		return 0;
	/* "Q COUNT MAXTIME": anything else (out of range too) counts as busy. */
	p += 2;
	len = strcspn(p, "\t\n");
	if (siphon_my_uint(p, len, 1000000, &count) != 0 || p[len] != '\t' ||
	    siphon_my_uint(p + len + 1, strcspn(p + len + 1, "\n"), 100000000, &secs) != 0) {
		*busy = 1;
		siphon_log(my->ctx, SIPHON_LOG_INFO,
		           "%s: the process list could not be read; siphon does not take the global read lock",
		           my->o->host);
		return 0;
	}
	if (count > 0) {
		*busy = 1;
		siphon_log(my->ctx, SIPHON_LOG_INFO,
		           "%s: %d quer%s running for up to %ds; a global read lock would wait behind %s and stall production's writes, so siphon does not take it",
		           my->o->host, (int)count, count == 1 ? "y is" : "ies are", (int)secs,
		           count == 1 ? "it" : "them");
	}
	return 0;
}

static int
try_lock(struct my *my, int *locked)
{
	char line[512];
	int r, ended, busy;

	*locked = 0;
	if ((r = long_queries(my, &busy)) != 0 || busy)
		return r;
	if (my->ctl->state == SIPHON_RS_DONE)
		return 0;
	r = my_ctl_query(my, "SET SESSION lock_wait_timeout = 2;\nFLUSH TABLES WITH READ LOCK;\n", &ended);
	if (r != 0)
		return r;
	if (ended) {
		static const char *const keys[] = {"ERROR ", NULL};

		siphon_eng_key_line(siphon_rstream_stderr(my->ctl), keys, line, sizeof(line));
		siphon_log(my->ctx, SIPHON_LOG_INFO, "%s: the global read lock was refused (%s)",
		           my->o->host, line);
		return 0;
	}
	*locked = 1;
	return 0;
}

static int
try_binlog(struct my *my, int *same)
{
	struct siphon_strbuf sql = {0};
	char first[256], buf[256];
	int attempt, w, r = 0;

	*same = 0;
	for (attempt = 1; attempt <= BINLOG_TRIES && !*same; attempt++) {
		for (w = 0; w < my->nworkers; w++) {
			siphon_strbuf_reset(&sql);
			if (snapshot_sql(my, &sql, attempt) != 0 ||
			    siphon_rstream_send(my->wrs[w], sql.buf, sql.len) != 0) {
				r = siphon_err_oom(my->ctx);
				goto out;
			}
		}
		if ((r = wait_ready(my, my->nworkers, attempt)) != 0)
			goto out;
		ready_line(my->wrs[0], attempt, first, sizeof(first));
		/* No binary log: nothing proves the instants equal. */
		if (first[0] == '\t' || first[0] == '\0')
			goto out;
		*same = 1;
		for (w = 1; w < my->nworkers; w++)
			if (strcmp(ready_line(my->wrs[w], attempt, buf, sizeof(buf)), first) != 0)
				*same = 0;
	}
out:
	siphon_strbuf_free(&sql);
	return r;
}

static void
warn_nontransactional(struct my *my)
{
	struct siphon_strbuf names = {0};
	int i, n = 0;

	for (i = 0; i < my->cat.ntables; i++) {
		if (my->cat.tables[i].transactional || my->cat.tables[i].no_rows)
			continue;
		if (n < 8)
			siphon_strbuf_printf(&names, "%s\"%s\" (%s)", n > 0 ? ", " : "",
			                     my->cat.tables[i].name, my->cat.tables[i].engine);
		n++;
	}
	if (n > 0)
		siphon_log(my->ctx, SIPHON_LOG_WARN,
		           "%d table%s not transactional: %s%s; %s rows are read after the lock is released and may come from a later instant (--lock-all holds the lock for the whole copy, blocking writes)",
		           n, n == 1 ? " is" : "s are", siphon_strbuf_str(&names), n > 8 ? ", ..." : "",
		           n == 1 ? "its" : "their");
	siphon_strbuf_free(&names);
}

/* Keeps the workers that said hello, drops the ones still waiting for a channel. */
static void
shrink_workers(struct my *my)
{
	int w, n = 0, was = my->nworkers;

	for (w = 0; w < my->nworkers; w++) {
		if (strstr(siphon_rstream_stderr(my->wrs[w]), "siphon-out siphon-hello") != NULL)
			my->wrs[n++] = my->wrs[w];
		else
			siphon_eng_drop_stream(my->eng, &my->wrs[w]);
	}
	for (w = n; w < was; w++)
		my->wrs[w] = NULL;
	my->nworkers = n;
	siphon_log(my->ctx, SIPHON_LOG_WARN,
	           "%s allows fewer sessions per SSH connection than -j %d needs (its MaxSessions): copying over %d channel%s",
	           my->o->host, was, n, n == 1 ? "" : "s");
}

int
my_snapshot(struct my *my)
{
	int lock_all = siphon_opt_int(my->eng->opts, &siphon_my_options[MY_OPT_LOCK_ALL]);
	int r, locked = 0, same = 0, w;
	double t0;

	/* Every worker is connected (its hello arrived) before anything is locked. */
	for (;;) {
		int hello = 0, queued = 0;

		for (w = 0; w < my->nworkers; w++) {
			if (strstr(siphon_rstream_stderr(my->wrs[w]), "siphon-out siphon-hello") != NULL)
				hello++;
			else if (my->wrs[w]->state == SIPHON_RS_QUEUED)
				queued++;
		}
		if (hello == my->nworkers)
			break;
		/*
		 * The server refused more channels (MaxSessions) and the open ones
		 * will not close before the copy: go on with those.
		 */
		if (queued > 0 && hello > 0 && hello + queued == my->nworkers && my->loop->arb.refused) {
			shrink_workers(my);
			break;
		}
		if ((r = siphon_loop_step(my->loop, 1000)) != 0)
			return r;
	}
	if (siphon_opt_int(my->eng->opts, &siphon_my_options[MY_OPT_NO_LOCK])) {
		my->how = MY_NOLOCK;
		siphon_log(my->ctx, SIPHON_LOG_WARN,
		           "--no-lock: the %d channels start their transactions at different moments, so the copy may not be one instant (rows written meanwhile may be in one table and not in another)",
		           my->nworkers);
		if ((r = plan(my, my->nworkers)) != 0)
			return r;
		return send_data(my, 1);
	}
	/* One channel is one transaction: one instant without any lock. */
	if (my->nworkers == 1 && !lock_all) {
		my->how = MY_SINGLE;
		siphon_log(my->ctx, SIPHON_LOG_INFO, "one channel: the copy is one transaction, one instant");
		warn_nontransactional(my);
		if ((r = plan(my, 1)) != 0)
			return r;
		return send_data(my, 1);
	}
	if ((r = try_lock(my, &locked)) != 0)
		return r;
	if (locked) {
		t0 = siphon_mono_s();
		my->how = lock_all ? MY_LOCK_ALL : MY_LOCK;
		/* Only the snapshots under the lock: the rows flow once it is gone. */
		if ((r = plan(my, my->nworkers)) != 0 || (r = send_snapshot(my)) != 0)
			return r;
		if ((r = wait_ready(my, my->nworkers, 1)) != 0)
			return r;
		if (my->how == MY_LOCK) {
			int ended;

			if ((r = my_ctl_query(my, "UNLOCK TABLES;\n", &ended)) != 0)
				return r;
			my->lock_s = siphon_mono_s() - t0;
			siphon_rstream_close_stdin(my->ctl);
			siphon_log(my->ctx, SIPHON_LOG_INFO,
			           "one instant for %d channels: global read lock held %.0f ms", my->nworkers,
			           my->lock_s * 1000);
			warn_nontransactional(my);
		} else {
			siphon_log(my->ctx, SIPHON_LOG_INFO,
			           "--lock-all: the global read lock is held until the copy is done (writes on %s wait)",
			           my->o->host);
		}
		return send_data(my, 0);
	}
	if (lock_all)
		return siphon_err(my->ctx, SIPHON_EREMOTE,
		                  "--lock-all needs the global read lock on %s, which could not be taken (see above); the remote user needs RELOAD, and no long query may be running",
		                  my->o->host);
	if (my->cat.mariadb && my->nworkers > 1) {
		if ((r = try_binlog(my, &same)) != 0)
			return r;
		if (same) {
			my->how = MY_BINLOG;
			siphon_log(my->ctx, SIPHON_LOG_INFO,
			           "one instant for %d channels: their snapshots share one binary log position",
			           my->nworkers);
			warn_nontransactional(my);
			if ((r = plan(my, my->nworkers)) != 0)
				return r;
			return send_data(my, 0);
		}
	}
	my->how = MY_SINGLE;
	siphon_log(my->ctx, SIPHON_LOG_WARN,
	           "no way to give several channels one instant on %s (no global read lock%s): copying over one channel in one transaction, which is slower",
	           my->o->host, my->cat.mariadb ? (my->cat.log_bin ? ", binary log positions kept moving" :
	                                                            ", no binary log") : "");
	warn_nontransactional(my);
	if ((r = plan(my, 1)) != 0)
		return r;
	/* A worker that tried the binlog way is in a transaction: keep it. */
	return send_data(my, !(my->cat.mariadb && my->nworkers > 1));
}

int
my_workers_done(struct my *my, int *done)
{
	int w, r, ended;

	*done = 0;
	for (w = 0; w < my->nworkers; w++)
		if (my->wrs[w]->state != SIPHON_RS_DONE)
			return 0;
	if (my->how == MY_LOCK_ALL && my->ctl != NULL && my->ctl->state != SIPHON_RS_DONE) {
		if ((r = my_ctl_query(my, "UNLOCK TABLES;\n", &ended)) != 0)
			return r;
		siphon_rstream_close_stdin(my->ctl);
	}
	*done = 1;
	return 0;
}
