/*
 * replay.c - a verified snapshot as a source: a stream's "command" is its
 * label (source.h stream_name), and its channel serves the recorded stdout
 * and stderr chunks by offset (pread), so each lane reads its own stream
 * and the restore stays parallel.  stdin is dropped, but counted: bytes
 * that arrived at the pull only after siphon had written N bytes of stdin
 * are served once the engine has written N again (the gates), so an
 * engine that waits for an answer before its next question meets each
 * answer where it did.  A stream whose stdout
 * ended only after siphon closed its stdin at the pull (an interactive
 * control session) ends only once the replay's stdin is closed too, so the
 * engine meets its end where it did.  Status trailers come from the
 * recorded stderr: the streams are judged as at the pull.
 */
#include "snap/snap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct snap_source {
	struct siphon_source base;      /* first */
	int fd;
	struct siphon_snap_manifest m;  /* members sorted by stream, kind, seq */
	struct siphon_snap_labels labels;
	char errmsg[512];
};

/* Where one kind of a stream stands: members [first, end), the offset within. */
struct cursor {
	int next, end;
	uint64_t off;
};

struct snap_chan {
	struct snap_source *src;
	const struct siphon_snap_stream *st;
	struct cursor cur[2];
	uint64_t pos[2];            /* bytes served of each kind */
	uint64_t written;           /* stdin bytes the engine wrote */
	int stdin_closed;
};

/* How far kind k may be served now: up to the first gate not yet passed. */
static uint64_t
gate_limit(const struct snap_chan *c, int k)
{
	const struct siphon_snap_manifest *m = &c->src->m;

	/* Nothing more can be asked once stdin is closed: the rest is due. */
	if (c->stdin_closed)
		return UINT64_MAX;
	for (int i = 0; i < m->ngates; i++) {
		const struct siphon_snap_gate *g = &m->gates[i];

		if (g->stream == c->st->id && g->err == k && g->stdin > c->written)
			return g->offset;
	}
	return UINT64_MAX;
}

static int
s_open(void *sess, void **chan, size_t window)
{
	struct snap_chan *c;

	(void)window;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SIPHON_CHAN_ERROR;
	c->src = sess;
	*chan = c;
	return SIPHON_CHAN_OK;
}

static int
s_exec(void *chan, const char *label)
{
	struct snap_chan *c = chan;
	struct snap_source *s = c->src;
	int i;

	for (i = 0; i < s->m.nstreams; i++)
		if (strcmp(s->m.streams[i].label, label) == 0)
			break;
	if (i == s->m.nstreams) {
		/* First error wins: this line, not the channel's. */
		siphon_err(s->base.ctx, SIPHON_ESNAPSHOT,
		           "the snapshot %s holds no stream \"%s\" (it was taken by another siphon, or with other options)",
		           s->base.desc, label);
		return SIPHON_CHAN_ERROR;
	}
	c->st = &s->m.streams[i];
	for (int k = 0; k < 2; k++) {
		c->cur[k].next = c->cur[k].end = -1;
		for (int j = 0; j < s->m.nmembers; j++) {
			const struct siphon_snap_member *mb = &s->m.members[j];

			if (mb->stream != c->st->id || mb->err != k)
				continue;
			if (c->cur[k].next < 0)
				c->cur[k].next = j;
			c->cur[k].end = j + 1;
		}
		if (c->cur[k].next < 0)
			c->cur[k].next = c->cur[k].end = 0;
	}
	return SIPHON_CHAN_OK;
}

static ssize_t
s_read(void *chan, int stream, unsigned char *buf, size_t len)
{
	struct snap_chan *c = chan;
	int k = stream == 1;
	struct cursor *cur = &c->cur[k];
	const struct siphon_snap_member *mb;
	uint64_t limit = gate_limit(c, k);
	size_t want;
	ssize_t n;

	if (c->pos[k] >= limit)
		return 0;       /* the engine has not asked for it yet */
	if (limit - c->pos[k] < len)
		len = (size_t)(limit - c->pos[k]);
	while (cur->next < cur->end) {
		mb = &c->src->m.members[cur->next];
		if (cur->off == mb->size) {
			cur->next++;
			cur->off = 0;
			continue;
		}
		want = mb->size - cur->off < len ? (size_t)(mb->size - cur->off) : len;
		do
			n = pread(c->src->fd, buf, want, (off_t)(mb->offset + (int64_t)cur->off));
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			snprintf(c->src->errmsg, sizeof(c->src->errmsg), "reading the snapshot: %s",
			         n == 0 ? "it ends early" : strerror(errno));
			return SIPHON_CHAN_ERROR;
		}
		cur->off += (uint64_t)n;
		c->pos[k] += (uint64_t)n;
		if (cur->off == mb->size) {
			/* The member is done: eof may say so before the next read. */
			cur->next++;
			cur->off = 0;
		}
		return n;
	}
	return 0;
}

/* stdin is dropped, but counted: it opens the gates. */
static ssize_t
s_write(void *chan, const unsigned char *buf, size_t len)
{
	(void)buf;
	((struct snap_chan *)chan)->written += len;
	return (ssize_t)len;
}

static int
s_send_eof(void *chan)
{
	((struct snap_chan *)chan)->stdin_closed = 1;
	return SIPHON_CHAN_OK;
}

static int
s_eof(void *chan)
{
	struct snap_chan *c = chan;

	if (c->cur[0].next < c->cur[0].end)
		return 0;
	return !c->st->eof_after_stdin || c->stdin_closed;
}

static int
s_ok(void *chan)
{
	(void)chan;
	return SIPHON_CHAN_OK;
}

static void
s_exit_info(void *sess, void *chan, int *status, char *sig, size_t cap)
{
	(void)sess;
	(void)chan;
	(void)cap;
	*status = 0;
	sig[0] = '\0';
}

static void
s_free(void *chan)
{
	free(chan);
}

static int
s_directions(void *sess)
{
	(void)sess;
	return 0;
}

static const char *
s_errmsg(void *sess)
{
	return ((struct snap_source *)sess)->errmsg;
}

static const struct siphon_chan_ops snap_chan_ops = {
	.open = s_open,
	.exec = s_exec,
	.read = s_read,
	.write = s_write,
	.send_eof = s_send_eof,
	.eof = s_eof,
	.close = s_ok,
	.wait_closed = s_ok,
	.exit_info = s_exit_info,
	.free = s_free,
	.directions = s_directions,
	.errmsg = s_errmsg,
	.keepalive = NULL,
	.no_trailers = 0,
};

static int
snap_step(struct siphon_source *src, struct siphon_pollwant *w)
{
	(void)src;
	(void)w;
	return 0;
}

static void
snap_free(struct siphon_source *src)
{
	struct snap_source *s = (struct snap_source *)src;

	if (s->fd >= 0)
		close(s->fd);
	siphon_snap_manifest_clear(&s->m);
	siphon_snap_labels_clear(&s->labels);
	free(s);
}

static int
snap_stream_name(struct siphon_source *src, const char *what, char *buf, size_t cap)
{
	return siphon_snap_label(&((struct snap_source *)src)->labels, what, buf, cap);
}

static const char *
snap_fact(struct siphon_source *src, const char *name)
{
	return siphon_snap_manifest_fact(&((struct snap_source *)src)->m, name);
}

static const struct siphon_source_ops snap_ops = {
	.name = "snapshot",
	.step = snap_step,
	.free = snap_free,
	.stream_name = snap_stream_name,
	.fact = snap_fact,
};

int
siphon_source_snap_new(struct siphon_source **out, struct siphon_ctx *ctx,
                       const char *path, struct siphon_snap_manifest *m)
{
	struct snap_source *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return siphon_err_oom(ctx);
	if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int e = errno;

		free(s);
		return siphon_err(ctx, SIPHON_ELOCAL, "cannot read the snapshot %s: %s", path, strerror(e));
	}
	s->m = *m;
	memset(m, 0, sizeof(*m));
	s->base.ops = &snap_ops;
	s->base.ctx = ctx;
	s->base.chan = &snap_chan_ops;
	s->base.sess = s;
	s->base.fd = -1;
	s->base.has_shell = 1;      /* recorded scripts' output: trailers and all */
	snprintf(s->base.desc, sizeof(s->base.desc), "%s", path);
	snprintf(s->base.codec, sizeof(s->base.codec), "%s", s->m.codec);
	snprintf(s->errmsg, sizeof(s->errmsg), "snapshot read error");
	*out = &s->base;
	return 0;
}
