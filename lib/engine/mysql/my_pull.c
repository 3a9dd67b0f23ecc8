/*
 * my_pull.c - the MySQL/MariaDB pull, from the local checks to the swap.
 *
 *   local      the workstation's client and server: version, collations,
 *              LOAD DATA LOCAL allowed, sessions on the target, disk
 *   control    a remote mysql client reads the catalog (tables, columns,
 *              every SHOW CREATE) and, later, holds the global read lock
 *   staging    siphon_tmp_HOST_PID_TIME gets the tables
 *   workers    -j remote clients, each with its share of the tables (largest
 *              first), all in one instant (my_workers.c), print batch rows ->
 *              compressor -> channel -> decoder -> lane scanner -> one local
 *              LOAD DATA LOCAL per table (foreign key and unique checks off)
 *   swap       objects proven in staging, then one RENAME TABLE (my_swap.c)
 */
#include "engine/mysql/my_pull_int.h"

#include "engine/mysql/my_batch.h"

#include "engine/heartbeat.h"
#include "engine/keepname.h"
#include "engine/resumed.h"
#include "engine/mysql/my_sql.h"
#include "util/clock.h"
#include "util/ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Warnings of a table's load, except the one that only says an ENUM or SET
 * held the invalid value '' (it loads as '' with "Data truncated", as it
 * was stored on the server).
 */
static void
report_warnings(struct my *my, const char *table, const char *out)
{
	const struct siphon_my_table *t = siphon_my_catalog_table(&my->cat, table);
	const char *line = out;

	while (*line != '\0') {
		size_t len = strcspn(line, "\n");
		const char *q = memmem(line, len, "for column '", 12);
		int expected = 0;

		if (t != NULL && q != NULL && memmem(line, len, "\t1265\t", 6) != NULL) {
			const char *name = q + 12, *end = memchr(name, '\'', len - (size_t)(name - line));

			for (int k = 0; end != NULL && k < t->ncols; k++)
				if (t->cols[k].is_enum && strlen(t->cols[k].name) == (size_t)(end - name) &&
				    memcmp(t->cols[k].name, name, (size_t)(end - name)) == 0)
					expected = 1;
		}
		if (!expected && len > 0) {
			siphon_log(my->ctx, SIPHON_LOG_WARN, "table \"%s\" loaded with warnings: %.*s", table,
			           (int)(len > 300 ? 300 : len), line);
			return;
		}
		line += len;
		if (*line == '\n')
			line++;
	}
}

/* A batch loader of small tables has exited: its tables' warnings, or which table failed. */
static int
check_batch(struct my *my, struct siphon_my_lane *lane, int b)
{
	struct siphon_my_batch *ba = &lane->batches[b];
	static const char *const keys[] = {"ERROR ", NULL};
	const char *seg[SIPHON_MY_BATCH_TABLES];
	size_t len[SIPHON_MY_BATCH_TABLES];
	char line[512];
	int k, n = ba->n < SIPHON_MY_BATCH_TABLES ? ba->n : SIPHON_MY_BATCH_TABLES;

	k = siphon_my_batch_read(siphon_strbuf_str(&ba->proc->out), n, seg, len);
	if (ba->proc->status != 0 || k < ba->n)
		return siphon_err(my->ctx, SIPHON_ELOCAL, "loading table \"%s\" into the local server failed: %s",
		                  lane->items[siphon_my_lane_batch_culprit(lane, b, k)].table,
		                  siphon_eng_key_line(siphon_strbuf_str(&ba->proc->err), keys, line, sizeof(line)));
	for (int i = ba->first, j = 0; i < ba->end; i++) {
		char *w;

		if (lane->items[i].file_bytes == 0)
			continue;
		if (len[j] > 0 && (w = strndup(seg[j], len[j])) != NULL) {
			report_warnings(my, lane->items[i].table, w);
			free(w);
		}
		j++;
	}
	siphon_my_lane_batch_reaped(lane, b);
	return 0;
}

int
my_check_loaders(struct my *my, int *all_exited)
{
	int l, i, r;

	*all_exited = 1;
	for (l = 0; l < my->nworkers; l++) {
		struct siphon_my_lane *lane = &my->lanes[l];

		for (i = 0; i < lane->nitems; i++) {
			struct siphon_my_lane_item *it = &lane->items[i];
			static const char *const keys[] = {"ERROR ", NULL};
			char line[512];

			if (it->batch > 0) {
				struct siphon_my_batch *ba = &lane->batches[it->batch - 1];

				if (ba->proc == NULL || !ba->proc->exited) {
					*all_exited = 0;
					continue;
				}
				if (!ba->reaped && (r = check_batch(my, lane, it->batch - 1)) != 0)
					return r;
				if (!it->loaded) {
					it->loaded = 1;
					my_index_loaded(my, it->table);
				}
				continue;
			}
			if (it->proc == NULL) {
				if (!it->done)
					*all_exited = 0;
				else if (!it->loaded) {
					/* No rows came: no loader, nothing to wait for. */
					it->loaded = 1;
					my_index_loaded(my, it->table);
				}
				continue;
			}
			if (!it->proc->exited) {
				*all_exited = 0;
				continue;
			}
			if (it->proc->status != 0)
				return siphon_err(my->ctx, SIPHON_ELOCAL,
				                  "loading table \"%s\" into the local server failed: %s",
				                  it->table,
				                  siphon_eng_key_line(siphon_strbuf_str(&it->proc->err), keys, line,
				                                      sizeof(line)));
			if (it->proc->out.len > 0) {
				report_warnings(my, it->table, siphon_strbuf_str(&it->proc->out));
				siphon_strbuf_reset(&it->proc->out);
			}
			if (!it->loaded) {
				it->loaded = 1;
				my_index_loaded(my, it->table);
			}
		}
	}
	return 0;
}

/* Every lane's converted rows out to its loaders; *all when every lane is complete. */
static int
pump_lanes(struct my *my, int *all)
{
	int l, r, complete;

	*all = 1;
	for (l = 0; l < my->nworkers; l++) {
		if ((r = siphon_my_lane_pump(&my->lanes[l], &complete)) != 0)
			return r;
		if (!complete)
			*all = 0;
	}
	return 0;
}

static int
transfer(struct my *my)
{
	double t0 = siphon_mono_s(), next = t0;
	int r, done = 0, exited = 0, pumped = 0, building;

	while (!done || !exited || !pumped) {
		if ((r = siphon_loop_step(my->loop, SIPHON_ENG_TICK_MS)) != 0)
			return r;
		siphon_eng_progress(my->eng, my->wrs, my->nworkers, my->cat.total_bytes, t0, &next);
		my_adapt_sample(my);
		if ((r = pump_lanes(my, &pumped)) != 0)
			return r;
		if ((r = my_check_loaders(my, &exited)) != 0 ||
		    (r = my_index_step(my, my_index_sessions(my, 1), &building)) != 0)
			return r;
		if (!done && (r = my_workers_done(my, &done)) != 0)
			return r;
	}
	return 0;
}

void
my_drop_workers(struct my *my)
{
	for (int w = 0; w < my->nworkers; w++) {
		siphon_eng_drop_stream(my->eng, &my->wrs[w]);
		for (int i = 0; i < my->lanes[w].nitems; i++)
			if (my->lanes[w].items[i].proc != NULL)
				siphon_loop_remove_proc(my->loop, my->lanes[w].items[i].proc);
		for (int b = 0; b < my->lanes[w].nbatches; b++)
			if (my->lanes[w].batches[b].proc != NULL)
				siphon_loop_remove_proc(my->loop, my->lanes[w].batches[b].proc);
		/* Kills loaders still running: their sessions end, staging can go. */
		siphon_my_lane_clear(&my->lanes[w]);
	}
	free(my->wrs);
	free(my->lanes);
	my->wrs = NULL;
	my->lanes = NULL;
	my->nworkers = 0;
}

static void
cleanup(struct my *my)
{
	siphon_eng_drop_stream(my->eng, &my->ctl);
	my_drop_workers(my);
	/* Before the database goes: a running build would hold it. */
	my_index_clear(my);
	my_drop_staging(my);
	siphon_strbuf_free(&my->ctl_out);
}

static const char *
how_name(enum my_consistency h)
{
	switch (h) {
	case MY_LOCK: return "global read lock";
	case MY_LOCK_ALL: return "global read lock for the whole copy";
	case MY_BINLOG: return "binlog position";
	case MY_SINGLE: return "one transaction";
	default: return "no lock";
	}
}

/* Characters (not bytes) in a UTF-8 name: MySQL's limits count characters. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int
my_open(struct siphon_run *eng, void *st)
{
	struct my *my = st;

	my->eng = eng;
	my->ctx = eng->ctx;
	my->loop = eng->loop;
	my->o = eng->o;
	my->into = my->o->into != NULL ? my->o->into : my->o->dbname;
	my->client = siphon_my_remote_client(&eng->probe);
	my->snapshots = 1;
	my->tables_first = -1;
	eng->target.ops = &my_target_ops;
	eng->target.arg = my;
	if (utf8_chars(my->into) > 64)
		return siphon_err(my->ctx, SIPHON_EUSAGE, "MySQL database names have at most 64 characters: \"%s\"", my->into);
	return 0;
}

int
my_publish_catalog(struct my *my)
{
	struct siphon_catalog *c = &my->eng->cat;
	int i, k;

	snprintf(c->server, sizeof(c->server), "%s %s", my->cat.mariadb ? "MariaDB" : "MySQL",
	         my->cat.version);
	snprintf(c->tools, sizeof(c->tools), "%s", my->client != NULL ? my->client : "");
	for (i = 0; i < my->cat.ntables; i++) {
		const struct siphon_my_table *t = &my->cat.tables[i];

		if (siphon_catalog_add_table(c, "", t->name, t->bytes, (int64_t)t->rows) != 0)
			return siphon_err_oom(my->ctx);
		for (k = 0; k < t->ncols; k++)
			if (siphon_catalog_add_column(c, t->cols[k].name) != 0)
				return siphon_err_oom(my->ctx);
	}
	for (i = 0; i < my->cat.nobjs; i++)
		if (siphon_catalog_add_object(c, siphon_my_kind_word(my->cat.objs[i].kind), "", my->cat.objs[i].name) != 0)
			return siphon_err_oom(my->ctx);
	return 0;
}

/* The workstation first (fail before touching production), then the server's catalog. */
int
my_inspect(struct siphon_run *eng, void *st)
{
	struct my *my = st;
	int r;

	/* --snapshot-only: no local client or server is asked anything (my_tables.c decides without). */
	if (!my->o->snapshot_only &&
	    ((r = my_local_open(my)) != 0 ||
	     (r = siphon_target_set_dir(&eng->target, my->local.datadir, "where the local server keeps its data")) != 0))
		return r;
	if (my->client[0] == '\0')
		return siphon_err(my->ctx, SIPHON_EREMOTE,
		                  "no mysql or mariadb client on %s (looked in PATH, /usr/local/bin, /usr/bin); install it there (apt install mariadb-client, or mysql-client)",
		                  my->o->host);
	if ((r = my_start_control(my)) != 0)
		return r;
	/* Before my_tables_decide changes the catalog: what the staging tables are made from. */
	if ((r = my_catalog_fingerprint(my, &my->fp)) != 0)
		return r;
	siphon_log(my->ctx, SIPHON_LOG_INFO,
	           "%s: %s %s, %d tables (%.1f MB), %d views/routines/triggers/events, compression %s",
	           my->o->host, my->cat.mariadb ? "MariaDB" : "MySQL", my->cat.version, my->cat.ntables,
	           (double)my->cat.total_bytes / 1e6, my->cat.nobjs, eng->codec_name);
	if ((r = my_note_skipped(my)) != 0)
		return r;
	return my_publish_catalog(my);
}

int
my_note_skipped(struct my *my)
{
	if (my->cat.skipped > 0 &&
	    siphon_leftout_add(&my->eng->left_out, "%s%s: MariaDB packages (sql_mode ORACLE), which siphon does not copy; left out",
	                       siphon_strbuf_str(&my->cat.skipped_list),
	                       my->cat.skipped_list.len >= 4096 ? " and more" : "") != 0)
		return siphon_err_oom(my->ctx);
	return 0;
}

int
my_check(struct siphon_run *eng, void *st)
{
	struct my *my = st;
	char *ids = NULL;
	int r, n;

	if ((r = my_tables_decide(my)) != 0)
		return r;
	/* --snapshot-only: room for the snapshot; the local checks are the restore's. */
	if (my->o->snapshot_only)
		return siphon_target_check_disk(&eng->target, my->cat.total_bytes);
	if ((r = my_local_checks(my)) != 0 ||
	    (r = my_target_sessions(my, &n, &ids)) != 0)
		return r;
	free(ids);
	if ((r = siphon_target_check_busy(&eng->target, my->into, n, my->o->force)) != 0)
		return r;
	return siphon_keep_check_disk(&eng->target, my->cat.total_bytes, my_keep_pristine_wanted(my), &my->no_pristine);
}

int
my_plan(struct siphon_run *eng, void *st)
{
	(void)eng;
	return my_plan_publish(st);
}

/* The staging database made and filled. */
int
my_transfer(struct siphon_run *eng, void *st)
{
	struct my *my = st;
	int r;

	(void)eng;
	/* --snapshot-only: the rows are framed and counted, then dropped (my_lane.h). */
	if (!my->o->snapshot_only) {
		if ((r = my_create_staging(my)) != 0)
			return r;
		siphon_log(my->ctx, SIPHON_LOG_INFO, "tables created in the staging database %s", my->staging);
	}
	return my_fill(my);
}

int
my_fill(struct my *my)
{
	int r, channels;

	if (my_tables_with_rows(my, NULL) > 0) {
		if ((r = my_start_workers(my)) != 0 || (r = my_snapshot(my)) != 0)
			return r;
		channels = my->how == MY_SINGLE ? 1 : my->nworkers;
		siphon_log(my->ctx, SIPHON_LOG_INFO, "loading table data over %d channel%s (%s)", channels,
		           channels == 1 ? "" : "s", how_name(my->how));
		if ((r = transfer(my)) != 0)
			return r;
	}
	if (my->ctl != NULL && my->ctl->state != SIPHON_RS_DONE) {
		siphon_rstream_close_stdin(my->ctl);
		if ((r = siphon_eng_wait_stream(my->eng, my->ctl)) != 0)
			return r;
	}
	return 0;
}

int
my_finish(struct siphon_run *eng, void *st)
{
	struct my *my = st;
	int r;

	/*
	 * Every row is here and the control session has ended: the rest is
	 * local, and a connection lost from now on costs nothing (the watchdog
	 * would only turn it into a failure), as for PostgreSQL.
	 */
	if (eng->hb != NULL)
		siphon_heartbeat_stop(eng->hb, 1);
	/* --snapshot-only: every stream was recorded to its end; nothing local to finish. */
	if (my->o->snapshot_only)
		return 0;
	if ((r = my_index_finish(my, my_index_sessions(my, 0))) != 0)
		return r;
	return my_swap(my);
}

void
my_stats(struct siphon_run *eng, void *st, struct siphon_pull_stats *stats)
{
	struct my *my = st;

	stats->tables = my->ntables_copied;
	stats->channels = (unsigned)(my->how == MY_SINGLE ? 1 : my->nworkers);
	snprintf(stats->codec, sizeof(stats->codec), "%s", eng->codec_name);
	snprintf(stats->into, sizeof(stats->into), "%s", my->into);
	stats->wire_bytes = my->wire_lost;
	stats->raw_bytes = my->raw_lost;
	for (int w = 0; w < my->nworkers; w++) {
		stats->wire_bytes += my->wrs[w]->wire_bytes;
		stats->raw_bytes += my->wrs[w]->raw_bytes;
	}
	siphon_resumed_stats(stats, my->tables_first >= 0 ? my->ntables_copied - (unsigned)my->tables_first : 0,
	                     my->ntables_copied, my->snapshots, "the views, routines, triggers and events");
	/* --no-lock: the channels' transactions began at different moments. */
	if (my->how == MY_NOLOCK && my->snapshots <= 1)
		snprintf(stats->consistency, sizeof(stats->consistency), "one snapshot per channel (--no-lock)");
}

void
my_cleanup(struct siphon_run *eng, void *st)
{
	struct my *my = st;

	(void)eng;
	if (my->loop != NULL)
		cleanup(my);
	my_keep_abort(my);
	my_index_clear(my);
	for (int i = 0; i < my->ncolmap; i++)
		free((void *)my->colmap[i]);
	free(my->colmap);
	my_local_clear(&my->local);
	siphon_my_catalog_clear(&my->cat);
	for (int i = 0; i < my->ndone; i++)
		free(my->done[i]);
	free(my->done);
	siphon_strbuf_free(&my->fp);
}

int
siphon_my_has_db(struct siphon_run *eng, int *found, char *why, size_t cap)
{
	static const char *const keys[] = {"ERROR ", NULL};
	struct my my;
	struct siphon_strbuf st = {0}, q = {0};
	int r;

	*found = 0;
	if (cap > 0)
		why[0] = '\0';
	memset(&my, 0, sizeof(my));
	my.eng = eng;
	my.ctx = eng->ctx;
	my.loop = eng->loop;
	my.o = eng->o;
	my.client = siphon_my_remote_client(&eng->probe);
	if (my.client[0] == '\0')
		return 0;
	if ((r = my_client_stage(&my, &st, 0)) != 0)
		goto out;
	if (siphon_strbuf_puts(&q, "SELECT 'siphon-found' FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ") != 0 ||
	    siphon_my_literal(&q, eng->o->dbname) != 0 || siphon_strbuf_puts(&q, ";\n") != 0) {
		r = siphon_err_oom(eng->ctx);
		goto out;
	}
	r = siphon_eng_check(eng, "looking for the database in MySQL", siphon_strbuf_str(&st),
	                     siphon_strbuf_str(&q), "siphon-found", keys, why, cap, found);
out:
	siphon_strbuf_free(&st);
	siphon_strbuf_free(&q);
	return r;
}
