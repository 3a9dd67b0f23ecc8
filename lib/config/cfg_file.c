/*
 * cfg_file.c - where the profile file is, reading it, and writing a file
 * so that a crash leaves either the old contents or the new, never half:
 * a temporary file beside it, flushed to disk, renamed over it.
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

char *
siphon_cfg_display_path(const char *path)
{
	const char *home = getenv("HOME");
	size_t hl = home != NULL ? strlen(home) : 0;
	char *out;

	/* "/home/ann/.config/x" as "~/.config/x"; "/home/annex" stays. */
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (hl > 1 && strncmp(path, home, hl) == 0 && path[hl] == '/') {
		if ((out = malloc(strlen(path) - hl + 2)) == NULL)
			return NULL;
		out[0] = '~';
		strcpy(out + 1, path + hl);
		return out;
	}
	return strdup(path);
}

int
siphon_config_path(struct siphon_ctx *ctx, const char *explicit_path, char *buf, size_t cap,
                   int *required)
{
	const char *env = getenv("SIPHON_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int need = 1, w;

	if (explicit_path != NULL)
		w = snprintf(buf, cap, "%s", explicit_path);
	else if (env != NULL && *env != '\0')
		w = snprintf(buf, cap, "%s", env);
	else {
		need = 0;
		/* XDG: a relative XDG_CONFIG_HOME is invalid and ignored. */
		if (xdg != NULL && xdg[0] == '/')
			w = snprintf(buf, cap, "%s/siphon/config", xdg);
		else if (home != NULL && home[0] == '/')
			w = snprintf(buf, cap, "%s/.config/siphon/config", home);
		else
			return siphon_err(ctx, SIPHON_EUSAGE,
			                  "no home directory to find the profile file in: set HOME, or "
			                  "give --config FILE");
	}
	if (w < 0 || (size_t)w >= cap || buf[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "the profile file's path is empty or too long");
	if (required != NULL)
		*required = need;
	return 0;
}

int
siphon_cfg_new(struct siphon_ctx *ctx, const char *path, struct siphon_config **out)
{
	struct siphon_config *cfg;

	*out = NULL;
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return siphon_err_oom(ctx);
	cfg->mode = 0600;
	cfg->new_eol = CFG_EOL_LF;
	if ((cfg->path = strdup(path)) == NULL || (cfg->display = siphon_cfg_display_path(path)) == NULL) {
		siphon_config_free(cfg);
		return siphon_err_oom(ctx);
	}
	*out = cfg;
	return 0;
}

void
siphon_config_free(struct siphon_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n; i++)
		siphon_cfg_line_free(&cfg->lines[i]);
	free(cfg->lines);
	free(cfg->path);
	free(cfg->display);
	free(cfg);
}

int
siphon_config_parse(struct siphon_ctx *ctx, const char *name, const char *data, size_t len,
                    unsigned mode, int strict, const char *const *front_end_keys,
                    struct siphon_config **out)
{
	struct siphon_config *cfg = NULL;
	int r;

	*out = NULL;
	if ((r = siphon_cfg_new(ctx, name, &cfg)) != 0)
		return r;
	cfg->exists = 1;
	cfg->mode = mode & 07777;
	if ((r = siphon_cfg_parse_lines(ctx, cfg, data, len)) != 0 ||
	    (strict && (r = siphon_cfg_check(ctx, cfg, front_end_keys)) != 0)) {
		siphon_config_free(cfg);
		return r;
	}
	*out = cfg;
	return 0;
}

/* The whole file (at most the limit and one byte) into *data. */
static int
read_all(struct siphon_ctx *ctx, int fd, const char *display, char **data, size_t *len)
{
	size_t cap = SIPHON_CONFIG_MAX_BYTES + 1, n = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		return siphon_err_oom(ctx);
	while (n < cap) {
		ssize_t got = read(fd, buf + n, cap - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			return siphon_err(ctx, SIPHON_ELOCAL, "cannot read %s: %s", display, strerror(errno));
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	*data = buf;
	*len = n;
	return 0;
}

int
siphon_config_load(struct siphon_ctx *ctx, const char *path, int missing_ok, int strict,
                   const char *const *front_end_keys, struct siphon_config **out)
{
	struct siphon_config *cfg = NULL;
	char *data = NULL, *display = NULL;
	struct stat st;
	size_t len = 0;
	int fd = -1, r;

	*out = NULL;
	if ((display = siphon_cfg_display_path(path)) == NULL)
		return siphon_err_oom(ctx);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT && missing_ok) {
			r = siphon_cfg_new(ctx, path, out);
			goto out;
		}
		r = siphon_err(ctx, errno == ENOENT ? SIPHON_EUSAGE : SIPHON_ELOCAL,
		               "cannot open the profile file %s: %s%s", display, strerror(errno),
		               errno == ENOENT ? " (create it with: siphon config add NAME --ssh HOST "
		                                 "--database DB)" : "");
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		r = siphon_err(ctx, SIPHON_EUSAGE, "the profile file %s is not a regular file", display);
		goto out;
	}
	if ((r = read_all(ctx, fd, display, &data, &len)) != 0)
		goto out;
	if ((r = siphon_config_parse(ctx, path, data, len, (unsigned)st.st_mode, strict,
	                             front_end_keys, &cfg)) != 0)
		goto out;
	*out = cfg;
out:
	if (fd >= 0)
		close(fd);
	free(data);
	free(display);
	return r;
}

int
siphon_cfg_make_parents(struct siphon_ctx *ctx, const char *path, const char *display)
{
	char dir[4096];
	int w = snprintf(dir, sizeof(dir), "%s", path);
	char *slash;

	if (w < 0 || (size_t)w >= sizeof(dir))
		return siphon_err(ctx, SIPHON_EUSAGE, "path too long: %s", display);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return siphon_err(ctx, SIPHON_ELOCAL, "cannot create the directory %s for %s: %s",
			                  dir, display, strerror(errno));
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Makes a rename in path's directory durable (best effort: a failure changes nothing). */
static void
sync_dir(const char *path)
{
	char dir[4200];
	char *slash;
	int dfd;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
}

int
siphon_cfg_write_file(struct siphon_ctx *ctx, const char *path, const char *display,
                      const char *data, size_t len, unsigned new_mode)
{
	char tmp[4200];
	struct stat st;
	mode_t mode = (mode_t)new_mode;
	int fd = -1, r, w;

	if ((r = siphon_cfg_make_parents(ctx, path, display)) != 0)
		return r;
	/* An existing file keeps its mode (and so its reader's rights). */
	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	w = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (w < 0 || (size_t)w >= sizeof(tmp))
		return siphon_err(ctx, SIPHON_EUSAGE, "path too long: %s", display);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return siphon_err(ctx, SIPHON_ELOCAL, "cannot write %s: %s", display, strerror(errno));
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot write %s: %s", display, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot write %s: %s", display, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot replace %s: %s", display, strerror(errno));
		goto fail;
	}
	sync_dir(path);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

int
siphon_config_write(struct siphon_ctx *ctx, struct siphon_config *cfg)
{
	char *data;
	size_t len;
	int r;

	if ((r = siphon_cfg_check_secrets(ctx, cfg)) != 0)
		return r;
	if ((data = siphon_cfg_render(cfg, &len)) == NULL)
		return siphon_err_oom(ctx);
	r = siphon_cfg_write_file(ctx, cfg->path, cfg->display, data, len, 0600);
	free(data);
	if (r == 0)
		cfg->exists = 1;
	return r;
}
