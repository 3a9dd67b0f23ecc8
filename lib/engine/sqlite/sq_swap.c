/*
 * sq_swap.c - is the local database in use, and replacing it.
 *
 * The order of the swap, and why (old = the existing local file, new = the
 * received copy, already fsync'd and checked):
 *
 *   1. Refuse (EBUSY) if another process has old (or its -wal/-shm) open or
 *      holds its SQLite locks, unless --force: a program that has the file
 *      open would go on using the old inode and could later delete the new
 *      file's -wal by name when it closes.
 *   2. Settle old: the local sqlite3 opens it, runs wal_checkpoint(TRUNCATE)
 *      (the old WAL is folded into the old main file and the -wal left
 *      empty) and reads the schema (which rolls back a hot -journal).  If we
 *      stop after this step nothing is lost: old is whole in its main file.
 *   3. A -wal or -journal that still holds something (the checkpoint was not
 *      possible, or the file is foreign) is removed now: a stale WAL or
 *      journal must never meet the new file, because SQLite would apply it
 *      to whatever main file has that name.
 *   4. rename(new, old): atomic; from now on the name holds the new copy.
 *   5. Remove old's -wal, -shm and -journal (now empty or stale); a stale
 *      -shm is harmless to a lone opener but confusing, so it goes too.
 *   6. fsync the directory, so that the rename is on the disk.
 *
 * Without an old file, steps 2 and 3 become: remove any -wal, -shm and
 * -journal lying there without a main file (they would be applied to the
 * new one).
 */
#include "engine/sqlite/sq_pull_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* SQLite's lock bytes (os_unix.c): the database file's and the -shm's. */
#define SQ_PENDING_BYTE 0x40000000LL
#define SQ_LOCK_SPAN (2 + 510)       /* PENDING, RESERVED, SHARED range */
#define SQ_SHM_LOCK_FIRST 120        /* WAL locks, then DMS at 128 */
#define SQ_SHM_LOCK_SPAN 9

struct holder {
	long pid;
	char comm[64];
};

struct fileid {
	dev_t dev;
	ino_t ino;
	int ok;
};

static void
read_comm(long pid, char *buf, size_t cap)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(buf, cap, "?");
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0) {
		snprintf(buf, cap, "?");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Does one process (its /proc/PID/fd) have one of the files open? */
static int
pid_holds(long pid, const struct fileid *ids, int n)
{
	char path[64];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int i, found = 0;

	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	if ((d = opendir(path)) == NULL)
		return 0;        /* gone, or another user's: not ours to see */
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, 0) != 0)
			continue;
		for (i = 0; i < n; i++)
			if (ids[i].ok && st.st_dev == ids[i].dev && st.st_ino == ids[i].ino)
				found = 1;
	}
	closedir(d);
	return found;
}

/*
 * Linux: a process that has one of the files open (even an idle
 * connection in rollback-journal mode, which holds no lock).
 */
static int
open_elsewhere(const struct fileid *ids, int n, struct holder *h)
{
	struct dirent *de;
	long self = (long)getpid();
	DIR *d;
	int found = 0;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end != '\0' || pid <= 0 || pid == self)
			continue;
		if (pid_holds(pid, ids, n)) {
			h->pid = pid;
			read_comm(pid, h->comm, sizeof(h->comm));
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/*
 * Anywhere: a process holding one of SQLite's locks on path (a reader or
 * writer, or in WAL mode any open connection).  We hold no lock on these
 * files, so closing our descriptor releases nothing of ours.
 */
static int
locked_elsewhere(const char *path, long long start, long long len, struct holder *h)
{
	struct flock fl;
	int fd, found = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return 0;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = (off_t)start;
	fl.l_len = (off_t)len;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) {
		h->pid = (long)fl.l_pid;
		if (h->pid > 0)
			read_comm(h->pid, h->comm, sizeof(h->comm));
		else
			snprintf(h->comm, sizeof(h->comm), "?");
		found = 1;
	}
	close(fd);
	return found;
}

static void
file_id(const char *path, struct fileid *id)
{
	struct stat st;

	id->ok = stat(path, &st) == 0;
	id->dev = id->ok ? st.st_dev : 0;
	id->ino = id->ok ? st.st_ino : 0;
}

/* 1 (and who) when another process uses the database at path. */
static int
in_use(const char *path, struct holder *h)
{
	struct siphon_strbuf wal = {0}, shm = {0};
	struct fileid ids[3];
	int r = 0;

	memset(h, 0, sizeof(*h));
	if (siphon_strbuf_printf(&wal, "%s-wal", path) != 0 ||
	    siphon_strbuf_printf(&shm, "%s-shm", path) != 0)
		goto out;
	file_id(path, &ids[0]);
	file_id(wal.buf, &ids[1]);
	file_id(shm.buf, &ids[2]);
	r = locked_elsewhere(path, SQ_PENDING_BYTE, SQ_LOCK_SPAN, h) ||
	    locked_elsewhere(shm.buf, SQ_SHM_LOCK_FIRST, SQ_SHM_LOCK_SPAN, h) ||
	    open_elsewhere(ids, 3, h);
out:
	siphon_strbuf_free(&wal);
	siphon_strbuf_free(&shm);
	return r;
}

int
sq_path_busy(struct sq *sq, const char *path, const char *when)
{
	struct holder h;

	if (!in_use(path, &h))
		return 0;
	if (sq->o->force) {
		siphon_log(sq->ctx, SIPHON_LOG_WARN,
		           "\"%s\" is open in process %ld (%s); replacing it anyway (--force): that program goes on with the old copy until it reopens the file",
		           path, h.pid, h.comm);
		return 0;
	}
	return siphon_err(sq->ctx, SIPHON_EBUSY,
	                  "the local database \"%s\" is open in process %ld (%s)%s; close it and run again, or use --force to replace it anyway",
	                  path, h.pid, h.comm, when);
}

int
sq_check_busy(struct sq *sq, const char *when)
{
	if (!sq->target_exists)
		return 0;
	return sq_path_busy(sq, siphon_strbuf_str(&sq->into), when);
}

/* Step 2: fold the old WAL in, roll a hot journal back.  0 when it worked. */
static int
settle_old(struct sq *sq, const char *into)
{
	char *out = NULL, *err = NULL;
	int r, status = 1;

	r = sq_local_sqlite(sq, into,
	                    "PRAGMA busy_timeout = 2000;\n"
	                    "PRAGMA wal_checkpoint(TRUNCATE);\n"
	                    "SELECT count(*) FROM sqlite_master;\n",
	                    &out, &err, &status);
	if (r == 0 && status != 0) {
		static const char *const keys[] = {"Error", "error", NULL};
		char line[256];

		siphon_log(sq->ctx, SIPHON_LOG_WARN,
		           "could not checkpoint the old \"%s\" (%s); its -wal and -journal go before the new file takes its place",
		           into, siphon_eng_key_line(err != NULL ? err : "", keys, line, sizeof(line)));
	}
	free(out);
	free(err);
	return r < 0 ? r : status != 0;
}

int
sq_settle(struct sq *sq)
{
	const char *into = siphon_strbuf_str(&sq->into);
	struct stat st;
	int r, settled = 0;

	if (sq->target_exists && stat(into, &st) == 0 && st.st_size > 0) {
		if ((r = settle_old(sq, into)) < 0)
			return r;
		settled = r == 0;
	}
	/*
	 * Step 3: after a settled old file only a -wal or -journal that still
	 * holds something; without one (or when settling failed) all of them.
	 */
	if (sq_companions_remove(into, settled) != 0)
		return siphon_err(sq->ctx, SIPHON_ELOCAL,
		                  "cannot remove the stale -wal/-journal beside \"%s\" (%s); nothing was replaced: remove them and run again",
		                  into, strerror(errno));
	return 0;
}

void
sq_settled_done(struct sq *sq)
{
	const char *into = siphon_strbuf_str(&sq->into);

	if (sq_companions_remove(into, 0) != 0)
		siphon_log(sq->ctx, SIPHON_LOG_WARN,
		           "could not remove the old -wal/-shm/-journal of \"%s\" (%s): remove them before opening it",
		           into, strerror(errno));
	if (sq_sync_path(sq, siphon_strbuf_str(&sq->dir), O_RDONLY | O_DIRECTORY) != 0) {
		siphon_log(sq->ctx, SIPHON_LOG_WARN, "the new \"%s\" is in place, but %s", into,
		           siphon_ctx_errmsg(sq->ctx));
		siphon_err_clear(sq->ctx);
	}
}

/* Steps 1 to 6 (above): tmp takes into's place. */
static int
swap_in(struct sq *sq)
{
	const char *into = siphon_strbuf_str(&sq->into), *tmp = siphon_strbuf_str(&sq->tmp);
	int r;

	/* The target may have appeared, gone or been opened during the pull. */
	sq->target_exists = 0;
	if ((r = sq_target_check(sq)) != 0 ||
	    (r = sq_check_busy(sq, " (it was opened during the pull)")) != 0 ||
	    (r = sq_settle(sq)) != 0)
		return r;
	if (sq->keeping && (r = sq_keep_before(sq)) != 0)
		return r;
	if (rename(tmp, into) != 0)
		return siphon_err(sq->ctx, SIPHON_ELOCAL,
		                  "cannot put the copy in place of \"%s\": %s (the old file was left as it was)",
		                  into, strerror(errno));
	sq->renamed = 1;
	sq->tmp_made = 0;
	if (sq->keeping)
		sq_keep_after(sq);
	sq_settled_done(sq);
	return 0;
}

int
sq_swap(struct sq *sq)
{
	int r;

	if ((r = swap_in(sq)) != 0)
		sq_keep_abort(sq);
	return r;
}
