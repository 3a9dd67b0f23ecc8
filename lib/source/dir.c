/*
 * dir.c - a local directory as a source: a stream's "command" names a file
 * in it, whose bytes are the stream's stdout.  No shell and no status
 * trailers (chan.h no_trailers): end of file is exit status 0; a member
 * that cannot be read is status 1 with the reason on stderr.
 */
#include "source/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct dir_source {
	struct siphon_source base;      /* first: the ops see a struct dir_source */
	int dirfd;
	char errmsg[128];               /* for the chan ops' errmsg */
};

/* One stream: one member being read. */
struct dir_chan {
	struct dir_source *src;
	int fd;                         /* -1 before exec and after a failure */
	int eof;
	int status;
	char name[256];                 /* the member, for messages */
	char err[768];                  /* what stderr says */
	size_t err_len, err_off;
};

/*
 * A member's name stays inside the directory: relative, and without a ".."
 * component (symbolic links are the directory owner's business).
 */
static int
member_ok(const char *name)
{
	const char *p = name;
	size_t n;

	if (name[0] == '\0' || name[0] == '/')
		return 0;
	for (;;) {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

/* The member cannot be streamed: status 1, why on stderr, stdout at end. */
static void
chan_fail(struct dir_chan *c, const char *why)
{
	int n = snprintf(c->err, sizeof(c->err), "member '%s' of %s: %s\n",
	                 c->name, c->src->base.desc, why);

	c->err_len = n < 0 ? 0 : (size_t)n < sizeof(c->err) ? (size_t)n :
	             sizeof(c->err) - 1;
	c->status = 1;
	c->eof = 1;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int
d_open(void *sess, void **chan, size_t window)
{
	struct dir_chan *c;

	(void)window;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SIPHON_CHAN_ERROR;
	c->src = sess;
	c->fd = -1;
	*chan = c;
	return SIPHON_CHAN_OK;
}

static int
d_exec(void *chan, const char *name)
{
	struct dir_chan *c = chan;
	struct stat st;

	snprintf(c->name, sizeof(c->name), "%s", name);
	if (!member_ok(name)) {
		chan_fail(c, "not a name inside the directory");
		return SIPHON_CHAN_OK;
	}
	c->fd = openat(c->src->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (c->fd < 0) {
		chan_fail(c, errno == ENOENT ? "missing" : strerror(errno));
		return SIPHON_CHAN_OK;
	}
	if (fstat(c->fd, &st) != 0)
		chan_fail(c, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		chan_fail(c, "not a regular file");
	return SIPHON_CHAN_OK;
}

static ssize_t
d_read(void *chan, int stream, unsigned char *buf, size_t len)
{
	struct dir_chan *c = chan;
	ssize_t n;
	size_t k;

	if (stream == 1) {
		k = c->err_len - c->err_off;
		if (k > len)
			k = len;
		memcpy(buf, c->err + c->err_off, k);
		c->err_off += k;
		return (ssize_t)k;
	}
	if (c->fd < 0)
		return 0;
	do
		n = read(c->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		return n;
	if (n == 0) {
		close(c->fd);
		c->fd = -1;
		c->eof = 1;
		return 0;
	}
	chan_fail(c, strerror(errno));
	return 0;
}

/* Nobody reads a file's stdin: what a restore side sends is dropped. */
static ssize_t
d_write(void *chan, const unsigned char *buf, size_t len)
{
	(void)chan;
	(void)buf;
	return (ssize_t)len;
}

static int
d_ok(void *chan)
{
	(void)chan;
	return SIPHON_CHAN_OK;
}

static int
d_eof(void *chan)
{
	return ((struct dir_chan *)chan)->eof;
}

static void
d_exit_info(void *sess, void *chan, int *status, char *sig, size_t cap)
{
	(void)sess;
	(void)cap;
	*status = ((struct dir_chan *)chan)->status;
	sig[0] = '\0';
}

static void
d_free(void *chan)
{
	struct dir_chan *c = chan;

	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

static int
d_directions(void *sess)
{
	(void)sess;
	return 0;       /* a file never makes a stream wait */
}

static const char *
d_errmsg(void *sess)
{
	return ((struct dir_source *)sess)->errmsg;
}

static const struct siphon_chan_ops dir_chan_ops = {
	.open = d_open,
	.exec = d_exec,
	.read = d_read,
	.write = d_write,
	.send_eof = d_ok,
	.eof = d_eof,
	.close = d_ok,
	.wait_closed = d_ok,
	.exit_info = d_exit_info,
	.free = d_free,
	.directions = d_directions,
	.errmsg = d_errmsg,
	.keepalive = NULL,
	.no_trailers = 1,
};

static int
dir_step(struct siphon_source *src, struct siphon_pollwant *w)
{
	(void)src;
	(void)w;
	return 0;       /* ready from the start */
}

static void
dir_free(struct siphon_source *src)
{
	struct dir_source *d = (struct dir_source *)src;

	if (d->dirfd >= 0)
		close(d->dirfd);
	free(d);
}

static const struct siphon_source_ops dir_ops = {
	.name = "dir",
	.step = dir_step,
	.free = dir_free,
};

int
siphon_source_dir_new(struct siphon_source **out, struct siphon_ctx *ctx,
                      const char *dir)
{
	struct dir_source *d;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return siphon_err_oom(ctx);
	if ((d->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		int e = errno;

		free(d);
		return siphon_err(ctx, SIPHON_EUSAGE, "cannot open directory %s: %s",
		                  dir, strerror(e));
	}
	d->base.ops = &dir_ops;
	d->base.ctx = ctx;
	d->base.chan = &dir_chan_ops;
	d->base.sess = d;
	d->base.fd = -1;
	d->base.has_shell = 0;
	snprintf(d->base.desc, sizeof(d->base.desc), "%s", dir);
	snprintf(d->errmsg, sizeof(d->errmsg), "local file error");
	*out = &d->base;
	return 0;
}
