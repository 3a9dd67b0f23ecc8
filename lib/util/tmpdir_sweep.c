/* tmpdir_sweep.c - a dead siphon's private local directories (tmpdir_sweep.h). */
#include "util/tmpdir_sweep.h"

#include "util/tmpname.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
siphon_tmpdir_template(char *buf, size_t cap, const char *dir)
{
	char name[128];
	int n;

	siphon_tmpname(name, sizeof(name), "tmp");
	n = snprintf(buf, cap, "%s/%s-XXXXXX", dir, name);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* The regular files of the directory fd (closed here), then 1 when nothing else was in it. */
static int
empty_out(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	struct stat st;
	int clean = 1;

	if (d == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
		    unlinkat(fd, de->d_name, 0) != 0)
			clean = 0;
	}
	closedir(d);
	return clean;
}

int
siphon_tmpdir_sweep(struct siphon_ctx *ctx, const char *dir)
{
	unsigned host = siphon_host_id();
	struct dirent *de;
	struct stat st;
	int removed = 0, dfd, fd;
	DIR *d;

	if (dir == NULL || dir[0] != '/' || (d = opendir(dir)) == NULL)
		return 0;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (!siphon_tmpname_is_stale(de->d_name, host) || strchr(de->d_name, '-') == NULL)
			continue;
		/* Opened without following a link, then checked: what is removed is what was checked. */
		if ((fd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			continue;
		if (fstat(fd, &st) != 0 || st.st_uid != geteuid()) {
			close(fd);
			continue;
		}
		if (empty_out(fd) && unlinkat(dfd, de->d_name, AT_REMOVEDIR) == 0) {
			removed++;
			siphon_log(ctx, SIPHON_LOG_INFO, "removed %s/%s, left by an interrupted siphon run", dir,
			           de->d_name);
		}
	}
	closedir(d);
	return removed;
}
