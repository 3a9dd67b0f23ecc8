/*
 * snapshot.c - saved snapshots as the public view: a pull that also saves
 * what came over the wire (siphon_pull_save), their directory, listing,
 * retention, verification, and the restore, which is a pull from the
 * snapshot as a source (snap/snap.h has the design).
 */
#include "siphon.h"

#include "engine/eng.h"
#include "opt/opt.h"
#include "run/driver.h"
#include "snap/snap.h"
#include "util/ctx.h"

#include <dirent.h>
#include <signal.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SNAP_SUFFIX ".siphon.tar"

static int has_suffix(const char *s, const char *suf);

int
siphon_snapshot_dir(const char *profile, char *buf, size_t cap)
{
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int w;

	if (profile == NULL || !siphon_config_name_ok(profile))
		return -1;
	if (data != NULL && data[0] == '/')
		w = snprintf(buf, cap, "%s/siphon/snapshots/%s", data, profile);
	else if (home != NULL && home[0] == '/')
		w = snprintf(buf, cap, "%s/.local/share/siphon/snapshots/%s", home, profile);
	else
		return -1;
	return w > 0 && (size_t)w < cap ? 0 : -1;
}

/* mkdir -p, each new level 0700; the last one made 0700 whatever it was. */
static int
make_dir(struct siphon_ctx *ctx, const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return siphon_err(ctx, SIPHON_ELOCAL, "cannot create %s: %s", path, strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return siphon_err(ctx, SIPHON_ELOCAL, "cannot create %s: %s", path, strerror(errno));
	if (chmod(path, 0700) != 0)
		return siphon_err(ctx, SIPHON_ELOCAL, "cannot make %s private: %s", path, strerror(errno));
	return 0;
}

/*
 * A killed pull --save leaves its ".tmp-PID-RANDOM.siphon.tar": removed
 * once that PID is gone (a live run's is left alone).
 */
static void
sweep_tmp(struct siphon_ctx *ctx, const char *dir)
{
	char path[4400];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(de->d_name, ".tmp-", 5) != 0 || !has_suffix(de->d_name, SNAP_SUFFIX))
			continue;
		pid = strtol(de->d_name + 5, &end, 10);
		if (end == de->d_name + 5 || *end != '-' || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) == 0)
			siphon_log(ctx, SIPHON_LOG_INFO, "removed %s, left by an interrupted pull --save", path);
	}
	closedir(d);
}

/* What the pull found, for the manifest: called after finish. */
static void
collect(void *arg, struct siphon_run *run)
{
	struct siphon_snap_manifest *m = arg;

	free(m->engine);
	free(m->codec);
	free(m->server);
	m->engine = strdup(run->engine->name);
	m->codec = strdup(run->codec_name);
	/* The channels the pull ran with (chosen, when -j was not given): the restore plans the same. */
	if (m->jobs >= 0)
		m->jobs = run->jobs;
	m->server = strdup(run->cat.server);
	for (int i = 0; i < run->cat.ntables; i++) {
		const struct siphon_cat_table *t = &run->cat.tables[i];

		if (siphon_snap_manifest_add_table(m, t->schema, t->name, t->rows, t->bytes) != 0)
			m->jobs = -1;       /* out of memory: said at the commit */
	}
}

/* An option's value as text, as siphon_opts_set takes it back. */
static const char *
opt_text(const struct siphon_opts *opts, const struct siphon_optdef *d, char *buf, size_t cap)
{
	if (d->type == SIPHON_OPT_INT) {
		snprintf(buf, cap, "%d", siphon_opts_int(opts, d->name));
		return buf;
	}
	if (d->type == SIPHON_OPT_FLAG)
		return siphon_opts_int(opts, d->name) ? "yes" : "no";
	return siphon_opts_str(opts, d->name);
}

/*
 * The options the pull was given (not the defaults, not secrets, not the
 * snapshot's own): the restore runs with them, so that it plans the same
 * streams.
 */
static int
record_opts(struct siphon_snap_manifest *m, const struct siphon_opts *opts)
{
	char num[32];

	for (size_t i = 0; i < siphon_opts_count(opts); i++) {
		const struct siphon_optdef *d = siphon_opts_def(opts, i);
		const char *text;

		if (!siphon_opts_is_set(opts, d->name) || (d->flags & SIPHON_OPTDEF_SERVER) ||
		    strcmp(d->name, "save") == 0 || strcmp(d->name, "keep") == 0 ||
		    strcmp(d->name, "snapshot-only") == 0)
			continue;
		if ((text = opt_text(opts, d, num, sizeof(num))) == NULL || siphon_opt_is_secret(d, text))
			continue;
		if (siphon_snap_manifest_add_opt(m, d->name, text) != 0)
			return -1;
	}
	return 0;
}

/* "20261205T041500Z.siphon.tar" for t, "-2" and on when taken. */
static void
snapshot_name(const char *dir, time_t t, char *buf, size_t cap)
{
	struct tm tm;
	char stamp[32], path[4400];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf, cap, "%s" SNAP_SUFFIX, stamp);
	for (int n = 2; n < 100; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, buf);
		if (access(path, F_OK) != 0)
			return;
		snprintf(buf, cap, "%s-%d" SNAP_SUFFIX, stamp, n);
	}
}

int
siphon_pull_save(struct siphon_ctx *ctx, const struct siphon_opts *opts, const char *profile,
                 struct siphon_pull_stats *stats, char *saved, size_t cap)
{
	struct siphon_run_request req;
	struct siphon_snapw *w = NULL;
	struct siphon_snap_manifest *m;
	char dir[4096], name[64];
	time_t t0 = time(NULL);
	int r, keep;

	if (cap > 0)
		saved[0] = '\0';
	if (siphon_snapshot_dir(profile, dir, sizeof(dir)) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE,
		                  "no place for the snapshots of '%s': set HOME or XDG_DATA_HOME", profile);
	if ((r = make_dir(ctx, dir)) != 0)
		return r;
	sweep_tmp(ctx, dir);
	if ((r = siphon_snapw_open(&w, ctx, dir)) != 0)
		return r;
	m = siphon_snapw_manifest(w);
	m->jobs = 1;
	memset(&req, 0, sizeof(req));
	req.snap = w;
	req.report = collect;
	req.report_arg = m;
	if ((r = siphon_pull_run(ctx, opts, &req, stats)) != 0)
		goto out;
	/* The pull resumed over a second session: the driver dropped the snapshot and said so. */
	if (siphon_snapw_dropped(w))
		goto out;
	if (m->jobs < 0 || record_opts(m, opts) != 0 ||
	    (m->siphon_version = strdup(SIPHON_VERSION)) == NULL ||
	    (m->profile = strdup(profile)) == NULL ||
	    (m->host = strdup(siphon_opts_str(opts, "host"))) == NULL ||
	    (m->database = strdup(siphon_opts_str(opts, "database"))) == NULL ||
	    (m->into = strdup(siphon_opts_str(opts, "into") != NULL ? siphon_opts_str(opts, "into") : "")) == NULL ||
	    m->engine == NULL || m->codec == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	m->instant = (int64_t)t0;
	snapshot_name(dir, t0, name, sizeof(name));
	if ((r = siphon_snapw_commit(w, name, saved, cap)) != 0)
		goto out;
	siphon_log(ctx, SIPHON_LOG_INFO, "snapshot saved: %s", saved);
	keep = siphon_opts_int(opts, "keep");
	if (keep > 0)
		r = siphon_snapshots_prune(ctx, profile, keep, NULL);
out:
	siphon_snapw_free(w);
	return r;
}

/* One snapshot file of dir, and what its manifest says. */
struct entry {
	char name[256];
	struct siphon_snapshot_info info;
};

static int
entry_cmp(const void *x, const void *y)
{
	/* Newest first: the names start with the instant. */
	return strcmp(((const struct entry *)y)->name, ((const struct entry *)x)->name);
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n > k && strcmp(s + n - k, suf) == 0;
}

/* The snapshot files of dir, newest first (no manifest read). */
static int
list_dir(struct siphon_ctx *ctx, const char *dir, struct entry **out, int *n)
{
	DIR *d;
	struct dirent *de;
	struct entry *e = NULL, *ne;
	int cnt = 0;

	*out = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : siphon_err(ctx, SIPHON_ELOCAL, "cannot read %s: %s", dir,
		                                        strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !has_suffix(de->d_name, SNAP_SUFFIX) ||
		    strlen(de->d_name) >= sizeof(e->name))
			continue;
		if ((ne = realloc(e, ((size_t)cnt + 1) * sizeof(*e))) == NULL) {
			free(e);
			closedir(d);
			return siphon_err_oom(ctx);
		}
		e = ne;
		memset(&e[cnt], 0, sizeof(*e));
		snprintf(e[cnt].name, sizeof(e[cnt].name), "%s", de->d_name);
		snprintf(e[cnt].info.file, sizeof(e[cnt].info.file), "%s/%s", dir, de->d_name);
		cnt++;
	}
	closedir(d);
	if (cnt > 0)
		qsort(e, (size_t)cnt, sizeof(*e), entry_cmp);
	*out = e;
	*n = cnt;
	return 0;
}

int
siphon_snapshot_info(struct siphon_ctx *ctx, const char *file, int verify,
                     struct siphon_snapshot_info *info)
{
	struct siphon_snap_manifest m;
	struct stat st;
	int r;

	memset(info, 0, sizeof(*info));
	snprintf(info->file, sizeof(info->file), "%s", file);
	if ((r = siphon_snap_read(ctx, file, verify, &m)) != 0)
		return r;
	if (stat(file, &st) == 0)
		info->size = (int64_t)st.st_size;
	info->time = m.instant;
	info->tables = m.ntables;
	info->table_bytes = m.table_bytes;
	info->streams = m.nstreams;
	info->jobs = m.jobs;
	snprintf(info->engine, sizeof(info->engine), "%s", m.engine);
	snprintf(info->host, sizeof(info->host), "%s", m.host);
	snprintf(info->database, sizeof(info->database), "%s", m.database);
	snprintf(info->profile, sizeof(info->profile), "%s", m.profile != NULL ? m.profile : "");
	snprintf(info->server, sizeof(info->server), "%s", m.server != NULL ? m.server : "");
	snprintf(info->version, sizeof(info->version), "%s", m.siphon_version != NULL ? m.siphon_version : "");
	siphon_snap_manifest_clear(&m);
	return 0;
}

int
siphon_snapshots_list(struct siphon_ctx *ctx, const char *profile, siphon_snapshot_fn fn, void *arg)
{
	struct entry *e = NULL;
	char dir[4096];
	int n = 0, r;

	if (siphon_snapshot_dir(profile, dir, sizeof(dir)) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "no place for the snapshots of '%s'", profile);
	if ((r = list_dir(ctx, dir, &e, &n)) != 0)
		return r;
	for (int i = 0; i < n; i++) {
		struct siphon_snapshot_info info;
		struct siphon_ctx *one = NULL;

		/* A broken file is listed as such, not an error of the listing. */
		if (siphon_ctx_new(&one) != 0) {
			r = siphon_err_oom(ctx);
			break;
		}
		if (siphon_snapshot_info(one, e[i].info.file, 0, &info) != 0) {
			memset(&info, 0, sizeof(info));
			snprintf(info.file, sizeof(info.file), "%s", e[i].info.file);
			snprintf(info.problem, sizeof(info.problem), "%s", siphon_ctx_errmsg(one));
		}
		siphon_ctx_free(one);
		fn(arg, profile, &info);
	}
	free(e);
	return r;
}

int
siphon_snapshots_prune(struct siphon_ctx *ctx, const char *profile, int keep, int *removed)
{
	struct entry *e = NULL;
	char dir[4096];
	int n = 0, r;

	if (removed != NULL)
		*removed = 0;
	if (siphon_snapshot_dir(profile, dir, sizeof(dir)) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "no place for the snapshots of '%s'", profile);
	if ((r = list_dir(ctx, dir, &e, &n)) != 0)
		return r;
	for (int i = keep; i < n; i++) {
		if (unlink(e[i].info.file) != 0) {
			r = siphon_err(ctx, SIPHON_ELOCAL, "cannot remove the old snapshot %s: %s",
			               e[i].info.file, strerror(errno));
			break;
		}
		siphon_log(ctx, SIPHON_LOG_INFO, "removed the old snapshot %s (keep = %d)", e[i].info.file, keep);
		if (removed != NULL)
			(*removed)++;
	}
	free(e);
	return r;
}

int
siphon_snapshot_find(struct siphon_ctx *ctx, const char *profile, const char *when, char *path,
                     size_t cap)
{
	struct entry *e = NULL;
	char dir[4096];
	int n = 0, r, found = -1;

	if (siphon_snapshot_dir(profile, dir, sizeof(dir)) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "no place for the snapshots of '%s'", profile);
	if ((r = list_dir(ctx, dir, &e, &n)) != 0)
		return r;
	/* Newest first: "latest" is the first; a time is a prefix of the name. */
	for (int i = 0; i < n && found < 0; i++)
		if (when == NULL || strcmp(when, "latest") == 0 ||
		    strncmp(e[i].name, when, strlen(when)) == 0)
			found = i;
	if (found < 0)
		r = siphon_err(ctx, SIPHON_EUSAGE, n == 0 ? "profile '%s' has no snapshot in %s (pull --save makes one)"
		                                          : "profile '%s' has no snapshot of that time in %s (siphon snapshots %s lists them)",
		               profile, dir, profile);
	else
		snprintf(path, cap, "%s", e[found].info.file);
	free(e);
	return r;
}

/*
 * What the restore's command line may change: the local side only.  The
 * rest is the pull's, so that the same streams are planned.
 */
static int
local_option(const char *name)
{
	return strcmp(name, "into") == 0 || strcmp(name, "force") == 0 ||
	       strcmp(name, "allow-older-local") == 0 || strcmp(name, "stall-timeout") == 0 ||
	       strncmp(name, "local-", 6) == 0;
}

/* The pull's options from the manifest, then the caller's local ones. */
static int
restore_opts(struct siphon_ctx *ctx, const struct siphon_snap_manifest *m,
             const struct siphon_opts *given, struct siphon_opts *opts)
{
	char jobs[16], num[32];
	struct {
		const char *name, *value;
	} core[] = {{"host", m->host}, {"database", m->database}, {"engine", m->engine}, {"jobs", jobs}};
	int r;

	snprintf(jobs, sizeof(jobs), "%d", m->jobs);
	if (m->into != NULL && m->into[0] != '\0' &&
	    (r = siphon_opts_set(opts, "into", m->into, SIPHON_ORIGIN_PROFILE, "snapshot")) != 0)
		goto bad;
	for (int i = 0; i < m->nopts; i++)
		if (siphon_opts_find(opts, m->opts[i].name) != NULL &&
		    (r = siphon_opts_set(opts, m->opts[i].name, m->opts[i].value, SIPHON_ORIGIN_PROFILE,
		                         "snapshot")) != 0)
			goto bad;
	for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); i++)
		if ((r = siphon_opts_set(opts, core[i].name, core[i].value, SIPHON_ORIGIN_CLI, "snapshot")) != 0)
			goto bad;
	for (size_t i = 0; given != NULL && i < siphon_opts_count(given); i++) {
		const struct siphon_optdef *d = siphon_opts_def(given, i);
		const char *text;

		if (!siphon_opts_is_set(given, d->name) || !local_option(d->name) ||
		    (text = opt_text(given, d, num, sizeof(num))) == NULL)
			continue;
		if ((r = siphon_opts_set(opts, d->name, text, SIPHON_ORIGIN_CLI, "restore")) != 0)
			goto bad;
	}
	return 0;
bad:
	return r == SIPHON_ENOMEM ? siphon_err_oom(ctx)
	                          : siphon_err(ctx, SIPHON_ESNAPSHOT, "the snapshot's options: %s",
	                                       siphon_opts_errmsg(opts));
}

int
siphon_restore(struct siphon_ctx *ctx, const struct siphon_opts *given, const char *file,
               struct siphon_pull_stats *stats)
{
	struct siphon_run_request req;
	struct siphon_snap_manifest m;
	struct siphon_source *src = NULL;
	struct siphon_opts *opts = NULL;
	int r;

	memset(&m, 0, sizeof(m));
	/* Every member hashed before anything local is touched. */
	if ((r = siphon_snap_read(ctx, file, 1, &m)) != 0)
		goto out;
	siphon_log(ctx, SIPHON_LOG_INFO, "restoring %s: %s from %s, %d tables (taken by siphon %s)",
	           file, m.database, m.host, m.ntables, m.siphon_version);
	if ((r = siphon_opts_new(&opts)) != 0) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	if ((r = restore_opts(ctx, &m, given, opts)) != 0)
		goto out;
	if ((r = siphon_source_snap_new(&src, ctx, file, &m)) != 0)
		goto out;
	memset(&req, 0, sizeof(req));
	req.source = src;
	r = siphon_pull_run(ctx, opts, &req, stats);
out:
	siphon_source_free(src);
	siphon_opts_free(opts);
	siphon_snap_manifest_clear(&m);
	return r;
}
