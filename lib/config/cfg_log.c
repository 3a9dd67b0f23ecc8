/*
 * cfg_log.c - the log file of a profile's unattended runs: NAME.log in the
 * state directory, appended to by each run, rotated by size when a run
 * opens it (NAME.log.1 .. .SIPHON_LOG_KEEP).  By size rather than by day:
 * a nightly run writes a few kilobytes, so a month or more stays in the
 * first file, and a run that loops on errors cannot fill the disk.
 */
#include "config/config.h"

#include "util/ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
siphon_profile_log_path(const char *profile, char *buf, size_t cap)
{
	return siphon_cfg_state_path("", profile, ".log", buf, cap);
}

int
siphon_cfg_log_rotate(struct siphon_ctx *ctx, const char *path, uint64_t max, int keep)
{
	char from[4200], to[4200];
	struct stat st;

	if (stat(path, &st) != 0 || (uint64_t)st.st_size < max || keep < 1)
		return 0;
	/* Oldest first, each renamed over the next (the last one dropped). */
	for (int i = keep; i > 1; i--) {
		snprintf(from, sizeof(from), "%s.%d", path, i - 1);
		snprintf(to, sizeof(to), "%s.%d", path, i);
		if (rename(from, to) != 0 && errno != ENOENT)
			return siphon_err(ctx, SIPHON_ELOCAL, "cannot rotate the log %s: %s", from,
			                  strerror(errno));
	}
	snprintf(to, sizeof(to), "%s.1", path);
	if (rename(path, to) != 0)
		return siphon_err(ctx, SIPHON_ELOCAL, "cannot rotate the log %s: %s", path, strerror(errno));
	return 0;
}

int
siphon_profile_log_open(struct siphon_ctx *ctx, const char *profile, int rotate, int *fd)
{
	char path[4096], *display = NULL;
	int r;

	*fd = -1;
	if ((r = siphon_cfg_state_file(ctx, "log", "", profile, ".log", path, sizeof(path),
	                               &display)) != 0)
		goto out;
	if (rotate && (r = siphon_cfg_log_rotate(ctx, path, SIPHON_LOG_ROTATE_BYTES, SIPHON_LOG_KEEP)) != 0)
		goto out;
	if ((*fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot open the log %s of profile '%s': %s", display,
		               profile, strerror(errno));
out:
	free(display);
	return r;
}
