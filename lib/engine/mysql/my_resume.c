/*
 * my_resume.c - the connection was lost mid-transfer: keep the tables that
 * were loaded, copy the rest again at a new instant.
 *
 * A new session cannot see the old instant again (its transactions died
 * with the old sessions).  The consistency kept is per table: a table whose
 * rows all arrived and whose local LOAD DATA ended is kept as it is in the
 * staging database; every other one is dropped and made again there, empty,
 * and copied whole at the new instant, taken the same way as the first
 * (lock, binlog position or one transaction: my_workers.c).  The views,
 * routines, triggers and events are made only after the data (my_swap.c):
 * they come from the new control session's catalog, the new instant's.
 * This holds only while the tables are as they were: the catalog's
 * fingerprint (every table, its engine, its columns and types, its SHOW
 * CREATE TABLE without the AUTO_INCREMENT counter: indexes, keys,
 * partitions, collations) is compared, and a changed one starts over (a new
 * staging database, everything at the new instant).
 *
 * The old session's remote processes (clients, compressors) end with it:
 * the watchdog of that session kills them when its channel dies, which
 * ends their server sessions, their transactions and any lock.
 */
#include "engine/mysql/my_pull_int.h"

#include "engine/catalog.h"
#include "engine/leftout.h"
#include "engine/mysql/my_sql.h"
#include "engine/plan.h"
#include "engine/resumed.h"
#include "util/ctx.h"
#include "util/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
my_catalog_fingerprint(struct my *my, struct siphon_strbuf *sb)
{
	const struct siphon_my_catalog *c = &my->cat;
	int cut;

	siphon_strbuf_reset(sb);
	if (siphon_strbuf_printf(sb, "database %s %s\n", c->db_charset, c->db_collation) != 0)
		goto oom;
	/* Names with their lengths: any byte may be in one. */
	for (int i = 0; i < c->ntables; i++) {
		const struct siphon_my_table *t = &c->tables[i];

		if (siphon_strbuf_printf(sb, "table %zu:%s %s %d\n", strlen(t->name), t->name, t->engine,
		                         t->transactional) != 0)
			goto oom;
		for (int k = 0; k < t->ncols; k++)
			if (siphon_strbuf_printf(sb, " column %zu:%s %s %d %d\n", strlen(t->cols[k].name),
			                         t->cols[k].name, t->cols[k].type, t->cols[k].nullable,
			                         t->cols[k].generated) != 0)
				goto oom;
		if (siphon_strbuf_puts(sb, " create ") != 0 ||
		    siphon_my_table_shape(sb, t->create != NULL ? t->create : "", &cut) != 0 ||
		    siphon_strbuf_puts(sb, "\n") != 0)
			goto oom;
	}
	return 0;
oom:
	return siphon_err_oom(my->ctx);
}

/*
 * The loaders end with what they were given.  A table whose end line
 * arrived is complete: what the lane still holds of it goes out, and its
 * loader commits.  The one cut short is not: its loader is killed (the
 * local server rolls its statement back) and it is copied again.
 */
static int
settle_loaders(struct my *my)
{
	int r, busy = 1;

	while (busy) {
		busy = 0;
		for (int w = 0; w < my->nworkers; w++) {
			struct siphon_my_lane *lane = &my->lanes[w];
			int complete;

			if (lane->closing && (r = siphon_my_lane_pump(lane, &complete)) != 0)
				return r;
			busy |= lane->closing;
		}
		if (busy && (r = siphon_loop_step(my->loop, 250)) != 0)
			return r;
	}
	for (int w = 0; w < my->nworkers; w++) {
		struct siphon_my_lane *lane = &my->lanes[w];

		for (int i = 0; i < lane->nitems; i++) {
			struct siphon_my_lane_item *it = &lane->items[i];

			if (it->done)
				continue;
			if (it->started)
				siphon_event_table_end(my->ctx, it->ev, SIPHON_ECONNECT);
			it->started = 0;
			if (it->proc != NULL) {
				siphon_loop_remove_proc(my->loop, it->proc);
				siphon_proc_free(it->proc);
				it->proc = NULL;
			}
		}
	}
	/* Small tables whose files are complete load now, batched as far as they got. */
	for (int w = 0; w < my->nworkers; w++)
		if ((r = siphon_my_lane_seal(&my->lanes[w])) != 0)
			return r;
	for (busy = 1; busy;) {
		busy = 0;
		for (int w = 0; w < my->nworkers; w++) {
			for (int i = 0; i < my->lanes[w].nitems; i++)
				busy |= my->lanes[w].items[i].proc != NULL && !my->lanes[w].items[i].proc->exited;
			for (int b = 0; b < my->lanes[w].nbatches; b++)
				busy |= my->lanes[w].batches[b].proc != NULL && !my->lanes[w].batches[b].proc->exited;
		}
		if (busy && (r = siphon_loop_step(my->loop, 250)) != 0)
			return r;
	}
	/* A loader that failed fails the pull, as it would have without the cut. */
	return my_check_loaders(my, &busy);
}

int
my_lost(struct siphon_run *eng, void *st)
{
	struct my *my = st;
	int r;

	(void)eng;
	/* What came over the lost session still counts in the figures. */
	for (int w = 0; w < my->nworkers; w++) {
		if (my->wrs[w] == NULL)
			continue;
		my->wire_lost += my->wrs[w]->wire_bytes;
		my->raw_lost += my->wrs[w]->raw_bytes;
		siphon_eng_drop_stream(my->eng, &my->wrs[w]);
	}
	siphon_eng_drop_stream(my->eng, &my->ctl);
	if ((r = settle_loaders(my)) != 0)
		return r;
	for (int w = 0; w < my->nworkers; w++)
		for (int i = 0; i < my->lanes[w].nitems; i++)
			if (my->lanes[w].items[i].done && my_names_add(&my->done, &my->ndone, my->lanes[w].items[i].table) != 0)
				return siphon_err_oom(my->ctx);
	my_drop_workers(my);
	siphon_strbuf_reset(&my->ctl_out);
	return 0;
}

/*
 * The new catalog decided as the first was: the ledger is written again
 * from it (its objects are the ones made), and MySQL's replay check runs
 * on its definitions.
 */
static int
decide_again(struct my *my)
{
	int r;

	siphon_leftout_free(&my->eng->left_out);
	if ((r = my_note_skipped(my)) != 0 || (r = my_tables_decide(my)) != 0)
		return r;
	return my_replay_check_all(my);
}

/* Everything again at the new instant, into a new staging database. */
static int
start_over(struct my *my, const char *why)
{
	int r;

	siphon_log(my->ctx, SIPHON_LOG_WARN, "%s: starting the copy over from the new snapshot", why);
	my_index_clear(my);
	my_drop_staging(my);
	for (int i = 0; i < my->ndone; i++)
		free(my->done[i]);
	my->ndone = my->ndone_last = 0;
	my->snapshots = 1;
	my->tables_first = -1;
	siphon_catalog_clear(&my->eng->cat);
	siphon_plan_clear(&my->eng->plan);
	siphon_leftout_free(&my->eng->left_out);
	if ((r = my_note_skipped(my)) != 0 || (r = my_publish_catalog(my)) != 0 ||
	    (r = my_tables_decide(my)) != 0 || (r = my_local_checks(my)) != 0 ||
	    (r = my_plan_publish(my)) != 0)
		return r;
	return my_transfer(my->eng, my);
}

int
my_resume(struct siphon_run *eng, void *st)
{
	struct my *my = st;
	struct siphon_strbuf fp = {0};
	int r, same;

	(void)eng;
	siphon_my_catalog_clear(&my->cat);
	memset(&my->cat, 0, sizeof(my->cat));
	/* A new control session: the catalog as it is now. */
	if ((r = my_start_control(my)) != 0)
		return r;
	if ((r = my_catalog_fingerprint(my, &fp)) != 0) {
		siphon_strbuf_free(&fp);
		return r;
	}
	same = strcmp(siphon_strbuf_str(&fp), siphon_strbuf_str(&my->fp)) == 0;
	siphon_strbuf_free(&my->fp);
	my->fp = fp;
	if (!same)
		return start_over(my, "the schema on the server changed while the connection was down");
	if ((r = decide_again(my)) != 0)
		return r;
	for (int i = 0; i < my->ndone; i++) {
		struct siphon_my_table *t = siphon_my_catalog_table(&my->cat, my->done[i]);

		if (t != NULL)
			t->loaded = 1;
	}
	/* An instant that gave no table's rows is not one the copy comes from. */
	if (my->ndone > my->ndone_last) {
		if (my->tables_first < 0)
			my->tables_first = my->ndone;
		my->snapshots++;
	}
	my->ndone_last = my->ndone;
	my->ntables_copied = (unsigned)my->cat.ntables;
	if ((r = my_recreate_unloaded(my)) != 0)
		return r;
	siphon_resumed_log(my->ctx, (unsigned)my->ndone, my->ntables_copied, "the cut");
	return my_fill(my);
}
