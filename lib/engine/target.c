/* target.c - temporaries, stale sweep, disk check and watchdog, busy check: one policy. */
#include "engine/target.h"

#include "engine/eng.h"
#include "engine/resume_state.h"
#include "util/clock.h"
#include "util/tmpdir_sweep.h"
#include "util/tmpname.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Between two looks at the free space while a copy grows. */
#define WATCH_PERIOD_S 0.1
/* What the copy may take beyond its estimate (indexes, page fill). */
#define NEED_MARGIN_PCT 10

void
siphon_target_init(struct siphon_target *t, struct siphon_ctx *ctx,
                   const struct siphon_target_ops *ops, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->ctx = ctx;
	t->ops = ops;
	t->arg = arg;
	t->prefix = "";
}

int
siphon_target_set_dir(struct siphon_target *t, const char *dir, const char *where)
{
	size_t cap;

	free(t->dir);
	free(t->where);
	t->dir = NULL;
	t->where = NULL;
	if (dir == NULL || siphon_eng_free_bytes(dir) < 0)
		return 0;
	cap = strlen(where) + strlen(dir) + 4;
	if ((t->dir = strdup(dir)) == NULL || (t->where = malloc(cap)) == NULL) {
		free(t->dir);
		t->dir = NULL;
		return siphon_err_oom(t->ctx);
	}
	snprintf(t->where, cap, "%s (%s)", where, dir);
	return 0;
}

void
siphon_target_clear(struct siphon_target *t)
{
	free(t->dir);
	free(t->where);
	t->dir = NULL;
	t->where = NULL;
}

void
siphon_target_tmpname(char *buf, size_t cap, const char *kind)
{
	siphon_tmpname(buf, cap, kind);
}

/* pull --save: room for the snapshot where it is written (its size at most the copy's). */
static int
check_snap_disk(struct siphon_target *t, uint64_t need)
{
	long long avail, want;

	if (t->snap_dir == NULL || (avail = siphon_eng_free_bytes(t->snap_dir)) < 0)
		return 0;
	want = (long long)need + siphon_eng_disk_reserve(t->snap_dir);
	if (avail < want)
		return siphon_err(t->ctx, SIPHON_ELOCAL,
		                  "not enough local disk space for the snapshot (--save): it may take about %.0f MB and %.0f MB are free in %s; free space, lower keep, or pull without --save",
		                  (double)want / 1e6, (double)avail / 1e6, t->snap_dir);
	return 0;
}

int
siphon_target_check_disk(struct siphon_target *t, uint64_t need)
{
	long long avail, want;
	struct stat a, b;
	int r;

	if ((r = check_snap_disk(t, need)) != 0)
		return r;
	if (t->dir == NULL || (avail = siphon_eng_free_bytes(t->dir)) < 0)
		return 0;
	/* Sizes come from the server's catalog, at most 2^60: no overflow. */
	want = (long long)(need + need / 100 * NEED_MARGIN_PCT) + siphon_eng_disk_reserve(t->dir);
	/* A snapshot on the same file system takes from the same space. */
	if (t->snap_dir != NULL && stat(t->snap_dir, &a) == 0 && stat(t->dir, &b) == 0 && a.st_dev == b.st_dev)
		want += (long long)need;
	if (avail < want)
		return siphon_err(t->ctx, SIPHON_ELOCAL,
		                  "not enough local disk space: the copy needs about %.0f MB and %.0f MB are free %s (the old copy stays until the new one is complete); free space and run again",
		                  (double)want / 1e6, (double)avail / 1e6, t->where);
	return 0;
}

int
siphon_target_check_busy(struct siphon_target *t, const char *into, int sessions, int force)
{
	if (sessions <= 0 || force)
		return 0;
	if (t->busy_is_finding) {
		/* doctor: a finding, not the end of the checks. */
		t->busy_sessions = sessions;
		return 0;
	}
	return siphon_err(t->ctx, SIPHON_EBUSY,
	                  "the local database \"%s\" has %d open connection(s); close them, or use --force to end them when the copy is ready",
	                  into, sessions);
}

void
siphon_target_sweep(struct siphon_target *t)
{
	char *names = NULL, *p, *name;
	size_t plen = strlen(t->prefix);
	unsigned host = siphon_host_id();

	/* A dead siphon's private directories (MySQL's small tables' rows), whatever the engine. */
	if (getenv("TMPDIR") != NULL && strcmp(getenv("TMPDIR"), "/tmp") != 0)
		(void)siphon_tmpdir_sweep(t->ctx, getenv("TMPDIR"));
	(void)siphon_tmpdir_sweep(t->ctx, "/tmp");
	if (t->ops == NULL || t->ops->list_temps == NULL)
		return;
	if (t->ops->list_temps(t->arg, &names) != 0) {
		siphon_err_clear(t->ctx);
		free(names);
		return;
	}
	/* Only this machine's, and only those whose siphon is gone: a running pull keeps its own. */
	for (p = names; p != NULL && (name = strsep(&p, "\n")) != NULL;) {
		if (name[0] == '\0' || strncmp(name, t->prefix, plen) != 0 ||
		    !siphon_tmpname_is_stale(name + plen, host))
			continue;
		/* An interrupted pull's partial copy, for `pull --resume` (resume_state.h). */
		if (siphon_resume_keeps(name)) {
			siphon_log(t->ctx, SIPHON_LOG_INFO, "kept %s: an interrupted pull's partial copy, for pull --resume", name);
			continue;
		}
		if (t->ops->drop_temp(t->arg, name) == 0)
			siphon_log(t->ctx, SIPHON_LOG_INFO, "removed %s, left by an interrupted siphon run", name);
		else
			siphon_err_clear(t->ctx);
	}
	free(names);
}

static int
watch_tick(void *arg)
{
	struct siphon_target *t = arg;
	double now = siphon_mono_s();
	long long avail;

	if (t->dir == NULL || now < t->next_check)
		return 0;
	t->next_check = now + WATCH_PERIOD_S;
	avail = siphon_eng_free_bytes(t->dir);
	if (avail >= 0 && avail < siphon_eng_disk_reserve(t->dir))
		return siphon_err(t->ctx, SIPHON_ELOCAL,
		                  "the local disk is almost full (%.0f MB left %s); stopped before it fills up, the old copy is unchanged: free space and run again",
		                  (double)avail / 1e6, t->where);
	return 0;
}

void
siphon_target_watch(struct siphon_target *t, struct siphon_loop *loop)
{
	loop->tick = watch_tick;
	loop->tick_arg = t;
}

void
siphon_target_unwatch(struct siphon_target *t, struct siphon_loop *loop)
{
	if (loop->tick_arg == t) {
		loop->tick = NULL;
		loop->tick_arg = NULL;
	}
}
