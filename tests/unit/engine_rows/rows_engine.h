/*
 * rows_engine.h - a test-only engine, to show that an engine is one ops
 * table and nothing else: "rows" copies a database that is a directory of
 * row files (one line a row) through the real run driver.
 *
 * Its source is a directory (source/dir.c) holding DB/catalog, one line a
 * table ("NAME<TAB>ROWS"), and DB/NAME, the table's rows.  The copy goes to
 * a temporary directory beside the target (the target service's name),
 * each table's rows counted as they arrive; finish checks every count
 * against the catalog and swaps the directory in place of the old copy.
 * Everything here uses only what a real engine uses: engine/engine.h, the
 * run's context, its streams and the target service.
 */
#ifndef SIPHON_TESTS_ROWS_ENGINE_H
#define SIPHON_TESTS_ROWS_ENGINE_H

#include "engine/engine.h"
#include "engine/eng.h"
#include "engine/plan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROWS_MAX_TABLES 16

struct rows_table {
	char name[64];
	long long want;            /* rows the catalog says */
	long long got;             /* rows that arrived */
	int fd;
	struct siphon_rstream *rs;
};

struct rows {
	struct siphon_run *run;
	struct siphon_ctx *ctx;
	char dir[512], base[128], prefix[160];   /* the target's directory, name, temporaries' prefix */
	char tmp[256];             /* the temporary directory, when made */
	int tmp_made;
	struct siphon_strbuf catalog;
	struct rows_table t[ROWS_MAX_TABLES];
	int n;
};

static enum siphon_bid
rows_bid_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".rows") == 0 ? SIPHON_BID_SURE : SIPHON_BID_NONE;
}

static int
rows_list_temps(void *arg, char **names)
{
	struct rows *rw = arg;
	struct siphon_strbuf sb = {0};
	struct dirent *de;
	DIR *d = opendir(rw->dir);

	if (d == NULL)
		return siphon_err(rw->ctx, SIPHON_ELOCAL, "cannot list %s", rw->dir);
	while ((de = readdir(d)) != NULL)
		if (siphon_strbuf_puts(&sb, de->d_name) != 0 || siphon_strbuf_puts(&sb, "\n") != 0)
			break;
	closedir(d);
	*names = siphon_strbuf_take(&sb);
	return 0;
}

/* Removes dir/name and the files in it. */
static int
rows_remove_tree(const char *dir, const char *name)
{
	char path[1024], file[1400];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
			unlink(file);
		}
		closedir(d);
	}
	return rmdir(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int
rows_drop_temp(void *arg, const char *name)
{
	struct rows *rw = arg;

	return rows_remove_tree(rw->dir, name) == 0 ? 0 :
	       siphon_err(rw->ctx, SIPHON_ELOCAL, "cannot remove %s", name);
}

static const struct siphon_target_ops rows_target_ops = {
	.list_temps = rows_list_temps,
	.drop_temp = rows_drop_temp,
};

static int
rows_open(struct siphon_run *run, void *st)
{
	struct rows *rw = st;
	const char *into = run->o->into != NULL ? run->o->into : run->o->dbname;
	const char *slash = strrchr(into, '/');

	rw->run = run;
	rw->ctx = run->ctx;
	if (slash == NULL)
		return siphon_err(rw->ctx, SIPHON_EUSAGE, "rows: --into must be a path");
	snprintf(rw->dir, sizeof(rw->dir), "%.*s", (int)(slash - into), into);
	snprintf(rw->base, sizeof(rw->base), "%s", slash + 1);
	snprintf(rw->prefix, sizeof(rw->prefix), ".%s.", rw->base);
	for (int i = 0; i < ROWS_MAX_TABLES; i++)
		rw->t[i].fd = -1;
	run->target.ops = &rows_target_ops;
	run->target.arg = rw;
	run->target.prefix = rw->prefix;
	return 0;
}

/* The catalog member, read whole: "NAME<TAB>ROWS" lines. */
static int
rows_inspect(struct siphon_run *run, void *st)
{
	struct rows *rw = st;
	struct siphon_rstream *rs = NULL;
	char member[300], *line, *p;
	int r;

	snprintf(member, sizeof(member), "%s/catalog", run->o->dbname);
	if ((r = siphon_eng_new_member(run, &rs, "the catalog", member, SIPHON_CODEC_NONE)) != 0)
		return r;
	siphon_rstream_set_mem_sink(rs, &rw->catalog);
	siphon_rstream_close_stdin(rs);
	r = siphon_eng_wait_stream(run, rs);
	siphon_eng_drop_stream(run, &rs);
	if (r != 0)
		return r;
	snprintf(run->cat.server, sizeof(run->cat.server), "a directory of rows");
	for (p = rw->catalog.buf; p != NULL && (line = strsep(&p, "\n")) != NULL;) {
		char *tab = strchr(line, '\t');
		struct rows_table *t;

		if (line[0] == '\0')
			continue;
		if (tab == NULL || rw->n == ROWS_MAX_TABLES)
			return siphon_err(rw->ctx, SIPHON_EREMOTE, "rows: bad catalog line \"%s\"", line);
		*tab = '\0';
		t = &rw->t[rw->n++];
		snprintf(t->name, sizeof(t->name), "%s", line);
		t->want = atoll(tab + 1);
		if (siphon_catalog_add_table(&run->cat, "", t->name, (uint64_t)t->want * 16, t->want) != 0 ||
		    siphon_catalog_add_column(&run->cat, "line") != 0)
			return siphon_err_oom(rw->ctx);
	}
	return siphon_target_set_dir(&run->target, rw->dir, "in the test's directory");
}

static int
rows_check(struct siphon_run *run, void *st)
{
	(void)st;
	return siphon_target_check_disk(&run->target, run->cat.total_bytes);
}

static int
rows_plan(struct siphon_run *run, void *st)
{
	struct rows *rw = st;
	struct siphon_plan_item items[ROWS_MAX_TABLES];
	uint64_t costs[ROWS_MAX_TABLES];
	int used;

	for (int i = 0; i < rw->n; i++)
		costs[i] = run->cat.tables[i].bytes;
	if ((used = siphon_plan_lanes(costs, rw->n, run->jobs, items)) < 0)
		return siphon_err_oom(rw->ctx);
	for (int i = 0; i < rw->n; i++) {
		struct siphon_plan_piece piece = {
			.table = items[i].index, .part = 1, .parts = 1, .channel = items[i].lane,
			.bytes = items[i].cost,
		};

		if (siphon_plan_add(&run->plan, &piece) != 0)
			return siphon_err_oom(rw->ctx);
	}
	run->plan.channels = used;
	return 0;
}

static ssize_t
rows_write(void *arg, const unsigned char *buf, size_t len)
{
	struct rows_table *t = arg;

	for (size_t i = 0; i < len; i++)
		t->got += buf[i] == '\n';
	return write(t->fd, buf, len);
}

static int
rows_finish_table(void *arg)
{
	(void)arg;
	return 0;
}

/* Every table streamed into its file of a temporary directory beside the target. */
static int
rows_transfer(struct siphon_run *run, void *st)
{
	struct rows *rw = st;
	char name[64], member[300], file[1000];
	int r, done = 0;

	siphon_target_tmpname(name, sizeof(name), "tmp");
	snprintf(rw->tmp, sizeof(rw->tmp), "%s%s", rw->prefix, name);
	snprintf(file, sizeof(file), "%s/%s", rw->dir, rw->tmp);
	if (mkdir(file, 0700) != 0)
		return siphon_err(rw->ctx, SIPHON_ELOCAL, "cannot create %s", file);
	rw->tmp_made = 1;
	for (int i = 0; i < rw->n; i++) {
		struct rows_table *t = &rw->t[i];
		struct siphon_sink sink = {.write = rows_write, .finish = rows_finish_table, .arg = t};

		snprintf(file, sizeof(file), "%s/%s/%s", rw->dir, rw->tmp, t->name);
		if ((t->fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
			return siphon_err(rw->ctx, SIPHON_ELOCAL, "cannot create %s", file);
		snprintf(member, sizeof(member), "%s/%s", run->o->dbname, t->name);
		if ((r = siphon_eng_new_member(run, &t->rs, t->name, member, SIPHON_CODEC_NONE)) != 0)
			return r;
		siphon_rstream_set_sink(t->rs, &sink);
		siphon_rstream_close_stdin(t->rs);
	}
	while (!done) {
		if ((r = siphon_loop_step(run->loop, 100)) != 0)
			return r;
		done = 1;
		for (int i = 0; i < rw->n; i++)
			done &= rw->t[i].rs->state == SIPHON_RS_DONE;
	}
	return 0;
}

/* Every count checked, then the new directory takes the old one's place. */
static int
rows_finish(struct siphon_run *run, void *st)
{
	struct rows *rw = st;
	char from[1000], to[1000], old[300], oldpath[1100], name[64];
	int had_old;

	(void)run;
	for (int i = 0; i < rw->n; i++)
		if (rw->t[i].got != rw->t[i].want)
			return siphon_err(rw->ctx, SIPHON_EREMOTE, "rows: table %s: %lld rows arrived, the catalog said %lld",
			                  rw->t[i].name, rw->t[i].got, rw->t[i].want);
	siphon_target_tmpname(name, sizeof(name), "old");
	snprintf(from, sizeof(from), "%s/%s", rw->dir, rw->tmp);
	snprintf(to, sizeof(to), "%s/%s", rw->dir, rw->base);
	snprintf(old, sizeof(old), "%s%s", rw->prefix, name);
	snprintf(oldpath, sizeof(oldpath), "%s/%s", rw->dir, old);
	had_old = rename(to, oldpath) == 0;
	if (!had_old && errno != ENOENT)
		return siphon_err(rw->ctx, SIPHON_ELOCAL, "cannot move the old copy aside");
	if (rename(from, to) != 0) {
		if (had_old)
			rename(oldpath, to);
		return siphon_err(rw->ctx, SIPHON_ELOCAL, "cannot swap the copy in");
	}
	rw->tmp_made = 0;
	if (had_old)
		rows_remove_tree(rw->dir, old);
	return 0;
}

static void
rows_stats(struct siphon_run *run, void *st, struct siphon_pull_stats *stats)
{
	struct rows *rw = st;

	stats->tables = (unsigned)rw->n;
	stats->channels = (unsigned)run->plan.channels;
	for (int i = 0; i < rw->n; i++) {
		stats->wire_bytes += rw->t[i].rs->wire_bytes;
		stats->raw_bytes += rw->t[i].rs->raw_bytes;
	}
}

static void
rows_cleanup(struct siphon_run *run, void *st)
{
	struct rows *rw = st;

	for (int i = 0; i < rw->n; i++) {
		if (rw->run != NULL)
			siphon_eng_drop_stream(run, &rw->t[i].rs);
		if (rw->t[i].fd >= 0)
			close(rw->t[i].fd);
	}
	if (rw->tmp_made)
		rows_remove_tree(rw->dir, rw->tmp);
	siphon_strbuf_free(&rw->catalog);
}

static int
rows_explain(void *st, struct siphon_rstream *rs)
{
	struct rows *rw = st;

	return siphon_err(rw->ctx, SIPHON_EREMOTE, "rows: reading %s failed: %s", rs->what,
	                  siphon_strbuf_str(&rs->err));
}

static const struct siphon_engine_ops test_engine_rows = {
	.name = "rows",
	.title = "a directory of rows",
	.tools = "nothing",
	.bid_name = rows_bid_name,
	.state_size = sizeof(struct rows),
	.open = rows_open,
	.inspect = rows_inspect,
	.check = rows_check,
	.plan = rows_plan,
	.transfer = rows_transfer,
	.finish = rows_finish,
	.stats = rows_stats,
	.cleanup = rows_cleanup,
	.explain = rows_explain,
};

#endif
