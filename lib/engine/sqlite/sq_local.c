/*
 * sq_local.c - the local side of the SQLite engine: the target file, the
 * disk, the temporary file beside the target, and the local sqlite3 that
 * checks the copy before it may replace anything.
 */
#include "engine/sqlite/sq_pull_int.h"

#include "engine/keepname.h"

#include "loop/proc.h"
#include "util/clock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char sqlite_magic[16] = "SQLite format 3";

int
sq_paths(struct sq *sq)
{
	struct siphon_strbuf name = {0};
	const char *into = sq->o->into, *slash;
	char *real = NULL;
	struct stat st;
	int r = 0;

	/* "~/x.db" is x.db in the SSH user's home, where remote commands start. */
	sq->src = sq->o->dbname;
	if (strncmp(sq->src, "~/", 2) == 0)
		sq->src += 2;
	if (sq->src[0] == '\0')
		return siphon_err(sq->ctx, SIPHON_EUSAGE, "\"%s\" names no file on the server",
		                  sq->o->dbname);
	if (into == NULL) {
		if (siphon_sq_default_into(&name, sq->o->dbname) != 0) {
			r = siphon_err(sq->ctx, SIPHON_EUSAGE,
			               "cannot name the local file after \"%s\"; give one with --into FILE",
			               sq->o->dbname);
			goto out;
		}
		into = siphon_strbuf_str(&name);
	}
	if (into[strlen(into) - 1] == '/') {
		r = siphon_err(sq->ctx, SIPHON_EUSAGE,
		               "--into \"%s\" names a directory; give the file to write, e.g. --into \"%s%s\"",
		               into, into, (slash = strrchr(sq->o->dbname, '/')) ? slash + 1 : sq->o->dbname);
		goto out;
	}
	/* A symbolic link stays: the file it points to is replaced. */
	if (lstat(into, &st) == 0 && S_ISLNK(st.st_mode)) {
		if ((real = realpath(into, NULL)) == NULL) {
			r = siphon_err(sq->ctx, SIPHON_EUSAGE,
			               "\"%s\" is a symbolic link to nothing that exists (%s); give the real path with --into",
			               into, strerror(errno));
			goto out;
		}
		siphon_log(sq->ctx, SIPHON_LOG_DEBUG, "\"%s\" is a link to \"%s\": replacing that", into, real);
		into = real;
	}
	if (siphon_strbuf_puts(&sq->into, into) != 0)
		goto oom;
	slash = strrchr(into, '/');
	if (slash == NULL) {
		if (siphon_strbuf_puts(&sq->dir, ".") != 0 || siphon_strbuf_puts(&sq->base, into) != 0)
			goto oom;
	} else if (siphon_strbuf_append(&sq->dir, into, slash == into ? 1 : (size_t)(slash - into)) != 0 ||
	           siphon_strbuf_puts(&sq->base, slash + 1) != 0) {
		goto oom;
	}
	goto out;
oom:
	r = siphon_err_oom(sq->ctx);
out:
	free(real);
	siphon_strbuf_free(&name);
	return r;
}

int
sq_local_tool(struct sq *sq)
{
	char *argv[] = {(char *)"sqlite3", (char *)"-version", NULL};
	char *out = NULL, *err = NULL;
	int r;

	r = siphon_proc_run(sq->ctx, argv, NULL, &out, &err);
	if (r < 0 && r != SIPHON_EINTR && r != SIPHON_ENOMEM) {
		siphon_err_clear(sq->ctx);
		r = siphon_err(sq->ctx, SIPHON_ELOCAL,
		               "the local sqlite3 command is needed to check the copy, and it cannot run here; install it (Debian/Ubuntu: apt install sqlite3; Fedora: dnf install sqlite)");
		goto out;
	}
	if (r < 0)
		goto out;
	sq->local_vnum = siphon_sq_version_parse(out, sq->local_version, sizeof(sq->local_version));
	if (r != 0 || sq->local_vnum < 0) {
		r = siphon_err(sq->ctx, SIPHON_ELOCAL,
		               "the local sqlite3 does not say its version; reinstall it (Debian/Ubuntu: apt install sqlite3)");
		goto out;
	}
	/*
	 * The copy comes from the server and may carry views and triggers that
	 * call functions: it is only ever opened in safe mode (3.37).
	 */
	if (sq->local_vnum < SIPHON_SQ_MIN_LOCAL) {
		r = siphon_err(sq->ctx, SIPHON_EVERSION,
		               "the local sqlite3 is %s; siphon needs 3.37.0 or newer here, whose -safe mode lets it check a file from the server without running what the file asks: upgrade it",
		               sq->local_version);
		goto out;
	}
	r = 0;
out:
	free(out);
	free(err);
	return r;
}

int
sq_target_check(struct sq *sq)
{
	const char *into = siphon_strbuf_str(&sq->into);
	char head[16];
	struct stat st;
	ssize_t n;
	int fd;

	if (access(siphon_strbuf_str(&sq->dir), W_OK | X_OK) != 0)
		return siphon_err(sq->ctx, SIPHON_ELOCAL,
		                  "cannot write in \"%s\" (%s): the copy is written there first, beside \"%s\"",
		                  siphon_strbuf_str(&sq->dir), strerror(errno), into);
	if (stat(into, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return siphon_err(sq->ctx, SIPHON_ELOCAL, "cannot look at \"%s\": %s", into,
		                  strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return siphon_err(sq->ctx, SIPHON_EUSAGE,
		                  "\"%s\" is a directory; name the file to write with --into DIR/NAME", into);
	if (!S_ISREG(st.st_mode))
		return siphon_err(sq->ctx, SIPHON_EUSAGE,
		                  "\"%s\" is not a regular file; siphon replaces only SQLite database files", into);
	sq->target_exists = 1;
	if (st.st_size == 0)
		return 0;
	if ((fd = open(into, O_RDONLY | O_CLOEXEC)) < 0)
		return siphon_err(sq->ctx, SIPHON_ELOCAL, "cannot read \"%s\": %s", into, strerror(errno));
	n = read(fd, head, sizeof(head));
	close(fd);
	/* Never replace something that is not an SQLite database: a mistyped --into. */
	if (n != (ssize_t)sizeof(head) || memcmp(head, sqlite_magic, sizeof(head)) != 0)
		return siphon_err(sq->ctx, SIPHON_EUSAGE,
		                  "\"%s\" exists and is not an SQLite database; siphon replaces only SQLite files: move it away or choose another --into",
		                  into);
	return 0;
}

/* The files beside the target whose names start with the temporaries' prefix. */
static int
list_temps(void *arg, char **names)
{
	struct sq *sq = arg;
	struct siphon_strbuf out = {0};
	const char *prefix = siphon_strbuf_str(&sq->tmp_prefix);
	struct dirent *de;
	DIR *d;

	*names = NULL;
	if ((d = opendir(siphon_strbuf_str(&sq->dir))) == NULL)
		return siphon_err(sq->ctx, SIPHON_ELOCAL, "cannot list \"%s\": %s",
		                  siphon_strbuf_str(&sq->dir), strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, sq->tmp_prefix.len) != 0 || strchr(de->d_name, '\n') != NULL)
			continue;
		if (siphon_strbuf_puts(&out, de->d_name) != 0 || siphon_strbuf_puts(&out, "\n") != 0) {
			closedir(d);
			siphon_strbuf_free(&out);
			return siphon_err_oom(sq->ctx);
		}
	}
	closedir(d);
	*names = siphon_strbuf_take(&out);
	return *names == NULL ? siphon_err_oom(sq->ctx) : 0;
}

static int
drop_temp(void *arg, const char *name)
{
	struct sq *sq = arg;
	int dfd = open(siphon_strbuf_str(&sq->dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (dfd < 0 || unlinkat(dfd, name, 0) != 0)
		r = siphon_err(sq->ctx, SIPHON_ELOCAL, "cannot remove \"%s\": %s", name, strerror(errno));
	if (dfd >= 0)
		close(dfd);
	return r;
}

const struct siphon_target_ops sq_target_ops = {
	.list_temps = list_temps,
	.drop_temp = drop_temp,
};

int
sq_check_disk(struct sq *sq)
{
	return siphon_keep_check_disk(&sq->eng->target, sq->need > 0 ? (unsigned long long)sq->need : 0,
	                              sq->o->keep_pristine, &sq->no_pristine);
}

int
sq_tmp_open(struct sq *sq)
{
	char name[64];

	siphon_target_tmpname(name, sizeof(name), "tmp");
	if (siphon_strbuf_puts(&sq->tmp, siphon_strbuf_str(&sq->dir)) != 0 ||
	    siphon_strbuf_puts(&sq->tmp, "/") != 0 ||
	    siphon_strbuf_puts(&sq->tmp, siphon_strbuf_str(&sq->tmp_prefix)) != 0 ||
	    siphon_strbuf_printf(&sq->tmp, "%s-XXXXXX", name) != 0)
		return siphon_err_oom(sq->ctx);
	/* mkostemp: O_EXCL, mode 0600 (production data), a name nobody else has. */
	if ((sq->tmp_fd = mkostemp(sq->tmp.buf, O_CLOEXEC)) < 0)
		return siphon_err(sq->ctx, SIPHON_ELOCAL, "cannot create a file in \"%s\": %s",
		                  siphon_strbuf_str(&sq->dir), strerror(errno));
	sq->tmp_made = 1;
	siphon_log(sq->ctx, SIPHON_LOG_DEBUG, "writing the copy to \"%s\"", siphon_strbuf_str(&sq->tmp));
	return 0;
}

static ssize_t
tmp_write(void *arg, const unsigned char *buf, size_t len)
{
	struct sq *sq = arg;
	size_t off = 0;
	ssize_t n;

	/* --snapshot-only: no file, only the count its size is checked with. */
	while (off < len && !sq->o->snapshot_only) {
		n = write(sq->tmp_fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == ENOSPC || errno == EDQUOT))
			return siphon_err(sq->ctx, SIPHON_ELOCAL,
			                  "the local disk is full: writing the copy beside \"%s\" failed after %.1f MB (%s); free space and run again",
			                  siphon_strbuf_str(&sq->into), (double)(sq->written + off) / 1e6,
			                  strerror(errno));
		if (n < 0)
			return siphon_err(sq->ctx, SIPHON_ELOCAL, "writing \"%s\": %s",
			                  siphon_strbuf_str(&sq->tmp), strerror(errno));
		off += (size_t)n;
	}
	sq->written += len;
	/* The level's samples, while the server's compressor follows it (engine/eng.h). */
	if (sq->eng->zsplit)
		siphon_eng_adapt_feed(sq->eng, buf, len);
	return (ssize_t)len;
}

static int
tmp_finish(void *arg)
{
	(void)arg;
	return 0;
}

void
sq_tmp_sink(struct sq *sq, struct siphon_sink *s)
{
	s->write = tmp_write;
	s->finish = tmp_finish;
	s->arg = sq;
}

int
sq_sync_path(struct sq *sq, const char *path, int flags)
{
	int fd, r = 0;

	if ((fd = open(path, flags | O_CLOEXEC)) < 0)
		return siphon_err(sq->ctx, SIPHON_ELOCAL, "cannot open \"%s\": %s", path, strerror(errno));
	if (fsync(fd) != 0)
		r = siphon_err(sq->ctx, SIPHON_ELOCAL,
		               "writing \"%s\" to the disk failed: %s (disk full or failing?)", path,
		               strerror(errno));
	close(fd);
	return r;
}

int
sq_tmp_finish(struct sq *sq)
{
	long long expect;
	char line[512];
	int r = 0;

	if (sq->meta.bad[0] != '\0')
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "the server described its copy of \"%s\" with an impossible %s; nothing was replaced",
		                  sq->o->dbname, sq->meta.bad);
	/* At most 2^32 pages of 2^16 bytes (siphon_sq_meta_parse): no overflow. */
	expect = sq->meta.pages * sq->meta.page_size;
	if (!sq->meta.have_copy)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "the server did not describe its copy of \"%s\" (%s); run again",
		                  sq->o->dbname,
		                  sq_key_line(siphon_rstream_stderr(sq->copy), line, sizeof(line)));
	if ((long long)sq->written != expect)
		return siphon_err(sq->ctx, SIPHON_EREMOTE,
		                  "the copy of \"%s\" arrived with %llu bytes, but the server's copy has %lld; run again",
		                  sq->o->dbname, (unsigned long long)sq->written, expect);
	if (sq->tmp_fd < 0)
		return 0;       /* --snapshot-only: no file was written */
	if (fsync(sq->tmp_fd) != 0)
		r = siphon_err(sq->ctx, SIPHON_ELOCAL,
		               "writing \"%s\" to the disk failed: %s (disk full or failing?)",
		               siphon_strbuf_str(&sq->tmp), strerror(errno));
	if (close(sq->tmp_fd) != 0 && r == 0)
		r = siphon_err(sq->ctx, SIPHON_ELOCAL, "writing \"%s\" failed: %s",
		               siphon_strbuf_str(&sq->tmp), strerror(errno));
	sq->tmp_fd = -1;
	return r;
}

int
sq_companions_remove(const char *path, int only_nonempty)
{
	static const char *const suffix[] = {"-wal", "-journal", "-shm"};
	struct siphon_strbuf p = {0};
	struct stat st;
	int i, r = 0;

	for (i = 0; i < 3; i++) {
		siphon_strbuf_reset(&p);
		if (siphon_strbuf_puts(&p, path) != 0 || siphon_strbuf_puts(&p, suffix[i]) != 0) {
			r = -1;
			break;
		}
		if (only_nonempty && (i == 2 || stat(p.buf, &st) != 0 || st.st_size == 0))
			continue;
		if (unlink(p.buf) != 0 && errno != ENOENT)
			r = -1;
	}
	siphon_strbuf_free(&p);
	return r;
}

int
sq_local_sqlite(struct sq *sq, const char *file, const char *sql, char **out, char **err, int *status)
{
	struct siphon_strbuf path = {0};
	char *argv[11];
	int r;

	if (siphon_sq_safe_path(&path, file) != 0)
		return siphon_err_oom(sq->ctx);
	/*
	 * Safe mode: no ATTACH, no dot-command or function that reaches files
	 * or programs (readfile, writefile, edit, load_extension,
	 * fts3_tokenizer); trusted_schema off: the file's views, triggers and
	 * defaults may call only functions marked innocuous.
	 */
	argv[0] = (char *)"sqlite3";
	argv[1] = (char *)"-init";
	argv[2] = (char *)"/dev/null";
	argv[3] = (char *)"-batch";
	argv[4] = (char *)"-bail";
	argv[5] = (char *)"-safe";
	argv[6] = (char *)"-cmd";
	argv[7] = (char *)"PRAGMA trusted_schema = OFF";
	argv[8] = path.buf;
	argv[9] = (char *)sql;
	argv[10] = NULL;
	r = siphon_proc_run(sq->ctx, argv, NULL, out, err);
	siphon_strbuf_free(&path);
	if (r < 0)
		return r;
	*status = r;
	return 0;
}

/* The local check failed: the message, from what sqlite3 said. */
static int
check_failed(struct sq *sq, const char *err)
{
	static const char *const keys[] = {"Error", "error", NULL};
	char line[512];

	siphon_eng_key_line(err, keys, line, sizeof(line));
	if ((strstr(err, "malformed database schema") != NULL || strstr(err, "unsupported") != NULL ||
	     strstr(err, "no such function") != NULL || strstr(err, "unknown") != NULL) &&
	    sq->local_vnum < sq->facts.vnum)
		return siphon_err(sq->ctx, SIPHON_EVERSION,
		                  "the local sqlite3 (%s) is older than %s's (%s) and cannot read this database (%s): upgrade the local sqlite3; \"%s\" was left as it was",
		                  sq->local_version, sq->o->host, sq->facts.version, line,
		                  siphon_strbuf_str(&sq->into));
	return siphon_err(sq->ctx, SIPHON_ELOCAL,
	                  "the local sqlite3 cannot read the copy of \"%s\" (%s); \"%s\" was left as it was: run again",
	                  sq->o->dbname, line[0] ? line : "it exited with an error", siphon_strbuf_str(&sq->into));
}

int
sq_verify(struct sq *sq)
{
	struct siphon_strbuf sql = {0};
	const struct siphon_sq_check *c = &sq->check;
	const char *tmp = siphon_strbuf_str(&sq->tmp);
	long long uv = sq->meta.uv, aid = sq->meta.aid;
	char *out = NULL, *err = NULL;
	int r, status = 0, carry;

	carry = siphon_sq_need_carry(&sq->meta, &uv, &aid);
	if (carry)
		siphon_log(sq->ctx, SIPHON_LOG_WARN,
		           "VACUUM INTO on %s did not keep user_version/application_id (%lld/%lld): carrying them over",
		           sq->o->host, uv, aid);
	if (siphon_sq_check_sql(&sql, sq->facts.wal_mode, carry, uv, aid) != 0) {
		r = siphon_err_oom(sq->ctx);
		goto out;
	}
	siphon_log(sq->ctx, SIPHON_LOG_INFO, "checking the copy (PRAGMA integrity_check)");
	if ((r = sq_local_sqlite(sq, tmp, siphon_strbuf_str(&sql), &out, &err, &status)) != 0)
		goto out;
	/* The check's sqlite3 leaves nothing behind, unless it crashed. */
	sq_companions_remove(tmp, 0);
	if (status != 0) {
		r = check_failed(sq, err);
		goto out;
	}
	siphon_sq_check_parse(&sq->check, out);
	if (!c->integrity_ok) {
		r = siphon_err(sq->ctx, SIPHON_ELOCAL,
		               "the copy of \"%s\" failed PRAGMA integrity_check (%s%s); \"%s\" was left as it was: run again",
		               sq->o->dbname, c->nproblems > 0 ? c->problem : "no answer",
		               c->nproblems > 1 ? ", and more" : "", siphon_strbuf_str(&sq->into));
		goto out;
	}
	if (!c->have_uv || c->uv != uv || c->aid != aid) {
		r = siphon_err(sq->ctx, SIPHON_ELOCAL,
		               "the copy of \"%s\" has user_version/application_id %lld/%lld, the server's copy %lld/%lld; \"%s\" was left as it was: run again",
		               sq->o->dbname, c->uv, c->aid, uv, aid, siphon_strbuf_str(&sq->into));
		goto out;
	}
	if (sq->facts.wal_mode && strcmp(c->journal_mode, "wal") != 0)
		siphon_log(sq->ctx, SIPHON_LOG_WARN,
		           "the copy is in %s mode, not WAL mode like the original", c->journal_mode);
	/* The check may have written (journal mode, carried values): sync again. */
	r = sq_sync_path(sq, tmp, O_RDONLY);
out:
	free(out);
	free(err);
	siphon_strbuf_free(&sql);
	return r;
}

void
sq_tmp_remove(struct sq *sq)
{
	if (sq->tmp_fd >= 0) {
		close(sq->tmp_fd);
		sq->tmp_fd = -1;
	}
	if (!sq->tmp_made)
		return;
	if (unlink(siphon_strbuf_str(&sq->tmp)) != 0 && errno != ENOENT)
		siphon_log(sq->ctx, SIPHON_LOG_WARN, "could not remove \"%s\": %s",
		           siphon_strbuf_str(&sq->tmp), strerror(errno));
	sq_companions_remove(siphon_strbuf_str(&sq->tmp), 0);
	sq->tmp_made = 0;
}
