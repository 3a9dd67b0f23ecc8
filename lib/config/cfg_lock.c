/*
 * cfg_lock.c - the per-profile lock: NAME.lock in the state directory, held
 * with flock(2) for a whole run that changes the profile's local copy, the
 * holder's pid, start time and command written into it so that a second
 * run can say who is in its way.
 *
 * flock and not a lock file's mere existence: the kernel releases it when
 * the holder ends, however it ends (kill -9, a crash), so there is never a
 * stale lock to clean up.  The file is never removed: unlinking it while a
 * third run opens it would let two runs hold locks on two different files.
 */
#include "config/config.h"

#include "util/ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

struct siphon_profile_lock {
	int fd;
};

/* How long a second run waits for a holder that has locked but not yet written. */
#define HOLDER_WAIT_TRIES 20
#define HOLDER_WAIT_NS 25000000L

/* The holder, as read from the lock file. */
struct holder {
	int64_t pid;
	int64_t started;
	char command[256];
};

/* Reads what the holder wrote; 0, or -1 when it has written nothing yet. */
static int
read_holder(int fd, struct holder *h)
{
	char data[1024];
	const char *p = data, *end;
	struct siphon_cfg_kv kv;
	ssize_t n;

	memset(h, 0, sizeof(*h));
	if ((n = pread(fd, data, sizeof(data) - 1, 0)) <= 0)
		return -1;
	end = data + n;
	while (siphon_cfg_kv_next(&p, end, &kv)) {
		if (siphon_cfg_kv_is(&kv, "pid"))
			(void)siphon_cfg_kv_int(&kv, &h->pid);
		else if (siphon_cfg_kv_is(&kv, "started"))
			(void)siphon_cfg_kv_int(&kv, &h->started);
		else if (siphon_cfg_kv_is(&kv, "command"))
			siphon_cfg_one_line(h->command, sizeof(h->command), kv.value, kv.vlen);
	}
	return h->pid > 0 ? 0 : -1;
}

/* SIPHON_ELOCKED, naming the holder as well as the file lets us. */
static int
refuse(struct siphon_ctx *ctx, int fd, const char *profile, const char *display)
{
	struct timespec pause = {0, HOLDER_WAIT_NS};
	struct holder h;
	char since[64] = "a moment ago";
	time_t t;
	struct tm tm;

	/* The holder locks first and writes after: give it a moment. */
	for (int i = 0; read_holder(fd, &h) != 0; i++) {
		if (i == HOLDER_WAIT_TRIES)
			return siphon_err(ctx, SIPHON_ELOCKED, "another run of profile '%s' is in progress "
			                  "(it holds %s; its pid is not written there yet); wait for it to end",
			                  profile, display);
		nanosleep(&pause, NULL);
	}
	t = (time_t)h.started;
	if (h.started > 0 && localtime_r(&t, &tm) != NULL)
		strftime(since, sizeof(since), "since %Y-%m-%d %H:%M:%S", &tm);
	return siphon_err(ctx, SIPHON_ELOCKED, "another run of profile '%s' is in progress: pid %" PRId64
	                  ", %s (%s); wait for it to end, or stop it: kill %" PRId64, profile, h.pid,
	                  since, h.command[0] != '\0' ? h.command : "command not known", h.pid);
}

/* Writes the holder's lines over whatever an earlier holder left. */
static int
write_holder(int fd, const char *command)
{
	char data[1024], cmd[256];
	int w;

	siphon_cfg_one_line(cmd, sizeof(cmd), command != NULL ? command : "", command != NULL ? strlen(command) : 0);
	w = snprintf(data, sizeof(data), "pid=%ld\nstarted=%lld\ncommand=%s\n", (long)getpid(),
	             (long long)time(NULL), cmd);
	if (w < 0 || (size_t)w >= sizeof(data) || ftruncate(fd, 0) != 0)
		return -1;
	return pwrite(fd, data, (size_t)w, 0) == (ssize_t)w ? 0 : -1;
}

int
siphon_profile_lock(struct siphon_ctx *ctx, const char *profile, const char *command,
                    struct siphon_profile_lock **out)
{
	struct siphon_profile_lock *lk = NULL;
	char path[4096], *display = NULL;
	int fd = -1, r;

	*out = NULL;
	if ((r = siphon_cfg_state_file(ctx, "lock", "", profile, ".lock", path, sizeof(path),
	                               &display)) != 0)
		goto out;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot open the lock %s of profile '%s': %s", display,
		               profile, strerror(errno));
		goto out;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			r = refuse(ctx, fd, profile, display);
		else
			r = siphon_err(ctx, SIPHON_ELOCAL, "cannot lock %s for profile '%s': %s", display,
			               profile, strerror(errno));
		goto out;
	}
	if (write_holder(fd, command) != 0) {
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot write the lock %s of profile '%s': %s", display,
		               profile, strerror(errno));
		goto out;
	}
	if ((lk = calloc(1, sizeof(*lk))) == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	lk->fd = fd;
	fd = -1;
	*out = lk;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	free(display);
	return r;
}

void
siphon_profile_unlock(struct siphon_profile_lock *lock)
{
	if (lock == NULL)
		return;
	/* Emptied first: a reader that races the close sees no stale holder. */
	if (ftruncate(lock->fd, 0) != 0) {
		/* Nothing to undo: the close releases the lock all the same. */
	}
	close(lock->fd);
	free(lock);
}
