/*
 * write.c - the recorder of a pull with --save: each stream's wire bytes
 * cut into chunk members (snap.h has the layout and why), written with
 * libarchive as they come, the manifest last; then fsync, verify, rename.
 */
#include "snap/snap.h"

#include "util/random.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What is buffered of one recorded stream: stdout [0] and stderr [1]. */
struct wstream {
	struct siphon_snapw *w;
	struct siphon_rstream *rs;  /* read only in its own tap: it outlives no call */
	int id;
	uint64_t total[2];          /* bytes seen of each kind */
	uint64_t gate[2];           /* the stdin bytes of the last gate */
	unsigned char *buf[2];
	size_t len[2], cap[2];
	int seq[2];
};

struct siphon_snapw {
	struct siphon_ctx *ctx;
	char dir[4096];
	char tmp[4200];
	int fd;
	struct archive *a;
	struct siphon_snap_manifest m;
	struct siphon_snap_labels labels;
	struct wstream **streams;
	int nstreams;
	uint64_t bytes;
	int committed;
	int dropped;                /* siphon_snapw_drop: the file is gone, the taps idle */
};

static int
arch_fail(struct siphon_snapw *w, const char *doing)
{
	return siphon_err(w->ctx, SIPHON_ELOCAL, "cannot %s the snapshot %s: %s; check the disk", doing,
	                  w->tmp, w->a != NULL && archive_error_string(w->a) != NULL ?
	                  archive_error_string(w->a) : strerror(errno));
}

/* One member: a ustar entry of len bytes, hashed into the manifest. */
static int
write_member(struct siphon_snapw *w, const char *path, const unsigned char *data, size_t len,
             struct siphon_snap_member *mb)
{
	struct archive_entry *e;
	unsigned int mdlen = 0;
	la_ssize_t n;
	int r = 0;

	if ((e = archive_entry_new()) == NULL)
		return siphon_err_oom(w->ctx);
	archive_entry_set_pathname(e, path);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_mtime(e, time(NULL), 0);
	if (archive_write_header(w->a, e) != ARCHIVE_OK) {
		r = arch_fail(w, "write");
		goto out;
	}
	for (size_t off = 0; off < len; off += (size_t)n)
		if ((n = archive_write_data(w->a, data + off, len - off)) <= 0) {
			r = arch_fail(w, "write");
			goto out;
		}
	w->bytes += 512 + (len + 511) / 512 * 512;
	if (mb != NULL) {
		mb->size = len;
		mb->offset = -1;
		if (EVP_Digest(data, len, mb->sha, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
			r = siphon_err(w->ctx, SIPHON_EINTERNAL, "SHA-256 failed");
			goto out;
		}
		if (siphon_snap_manifest_add_member(&w->m, mb) != 0)
			r = siphon_err_oom(w->ctx);
	}
out:
	archive_entry_free(e);
	return r;
}

/* Writes what stream s holds of kind k (0 stdout, 1 stderr) as its next chunk. */
static int
flush(struct wstream *s, int k)
{
	struct siphon_snap_member mb = {.stream = s->id, .seq = s->seq[k], .err = k};
	char path[64];
	int r;

	if (s->len[k] == 0)
		return 0;
	if (siphon_snap_member_path(path, sizeof(path), s->id, s->seq[k], k) != 0)
		return siphon_err(s->w->ctx, SIPHON_EINTERNAL, "too many chunks in a snapshot stream");
	if ((r = write_member(s->w, path, s->buf[k], s->len[k], &mb)) != 0)
		return r;
	s->seq[k]++;
	s->len[k] = 0;
	return 0;
}

/* The rstream's tap: buffers, and writes a chunk whenever one is full. */
static int
tap(void *arg, int stream, const unsigned char *buf, size_t len)
{
	struct wstream *s = arg;
	int k = stream, r;

	if (s->w->dropped)
		return 0;
	if (stream == 2) {
		/* stdout ended: whether siphon had closed stdin by then (replay waits for it). */
		s->w->m.streams[s->id].eof_after_stdin = len != 0;
		return flush(s, 0);
	}
	if (len > 0 && s->rs->in_total != s->gate[k]) {
		struct siphon_snap_gate g = {.stream = s->id, .err = k, .offset = s->total[k],
		                             .stdin = s->rs->in_total};

		if (siphon_snap_manifest_add_gate(&s->w->m, &g) != 0)
			return siphon_err_oom(s->w->ctx);
		s->gate[k] = g.stdin;
	}
	s->total[k] += len;
	while (len > 0) {
		size_t room, take;

		if (s->len[k] == s->cap[k]) {
			size_t ncap = s->cap[k] == 0 ? 64 * 1024 : s->cap[k] * 2;
			unsigned char *nb;

			if (ncap > SIPHON_SNAP_CHUNK)
				ncap = SIPHON_SNAP_CHUNK;
			if (ncap == s->cap[k]) {
				if ((r = flush(s, k)) != 0)
					return r;
				continue;
			}
			if ((nb = realloc(s->buf[k], ncap)) == NULL)
				return siphon_err_oom(s->w->ctx);
			s->buf[k] = nb;
			s->cap[k] = ncap;
		}
		room = s->cap[k] - s->len[k];
		take = len < room ? len : room;
		memcpy(s->buf[k] + s->len[k], buf, take);
		s->len[k] += take;
		buf += take;
		len -= take;
	}
	return 0;
}

int
siphon_snapw_open(struct siphon_snapw **out, struct siphon_ctx *ctx, const char *dir)
{
	struct siphon_snapw *w;
	char rnd[17];
	int r;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return siphon_err_oom(ctx);
	w->ctx = ctx;
	w->fd = -1;
	snprintf(w->dir, sizeof(w->dir), "%s", dir);
	if (siphon_random_hex(rnd, sizeof(rnd), 8) != 0) {
		r = siphon_err(ctx, SIPHON_EINTERNAL, "no random bytes for the snapshot's name");
		goto fail;
	}
	snprintf(w->tmp, sizeof(w->tmp), "%s/.tmp-%ld-%s.siphon.tar", dir, (long)getpid(), rnd);
	if ((w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot create the snapshot %s: %s", w->tmp,
		               strerror(errno));
		w->tmp[0] = '\0';      /* not ours to remove */
		goto fail;
	}
	if ((w->a = archive_write_new()) == NULL) {
		r = siphon_err_oom(ctx);
		goto fail;
	}
	if (archive_write_set_format_ustar(w->a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(w->a) != ARCHIVE_OK ||
	    archive_write_open_fd(w->a, w->fd) != ARCHIVE_OK) {
		r = arch_fail(w, "start");
		goto fail;
	}
	*out = w;
	return 0;
fail:
	siphon_snapw_free(w);
	return r;
}

int
siphon_snapw_attach(struct siphon_snapw *w, struct siphon_rstream *rs, const char *what)
{
	char label[SIPHON_SNAP_LABEL_MAX + 16];
	struct wstream *s, **ns;

	if (w->nstreams >= SIPHON_SNAP_MAX_STREAMS)
		return siphon_err(w->ctx, SIPHON_EINTERNAL, "too many streams for one snapshot");
	if (siphon_snap_label(&w->labels, what, label, sizeof(label)) != 0 ||
	    (ns = realloc(w->streams, ((size_t)w->nstreams + 1) * sizeof(*ns))) == NULL)
		return siphon_err_oom(w->ctx);
	w->streams = ns;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return siphon_err_oom(w->ctx);
	s->w = w;
	s->rs = rs;
	s->id = w->nstreams;
	if (siphon_snap_manifest_add_stream(&w->m, s->id, label, 0) != 0) {
		free(s);
		return siphon_err_oom(w->ctx);
	}
	w->streams[w->nstreams++] = s;
	rs->tap = tap;
	rs->tap_arg = s;
	return 0;
}

struct siphon_snap_manifest *
siphon_snapw_manifest(struct siphon_snapw *w)
{
	return &w->m;
}

const char *
siphon_snapw_dir(const struct siphon_snapw *w)
{
	return w->dir;
}

uint64_t
siphon_snapw_bytes(const struct siphon_snapw *w)
{
	return w->bytes;
}

static int
fsync_dir(struct siphon_ctx *ctx, const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0 || fsync(fd) != 0)
		r = siphon_err(ctx, SIPHON_ELOCAL, "cannot sync the directory %s: %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

int
siphon_snapw_commit(struct siphon_snapw *w, const char *name, char *final, size_t cap)
{
	struct siphon_snap_manifest check;
	char *text = NULL;
	size_t len = 0;
	int r = 0, n;

	memset(&check, 0, sizeof(check));
	if (w->dropped)
		return siphon_err(w->ctx, SIPHON_EINTERNAL, "the snapshot was given up; there is nothing to save");
	for (int i = 0; i < w->nstreams && r == 0; i++)
		if ((r = flush(w->streams[i], 0)) == 0)
			r = flush(w->streams[i], 1);
	if (r != 0)
		goto out;
	if (siphon_snap_manifest_format(&w->m, &text, &len) != 0) {
		r = siphon_err_oom(w->ctx);
		goto out;
	}
	if ((r = write_member(w, "manifest", (const unsigned char *)text, len, NULL)) != 0)
		goto out;
	if (archive_write_close(w->a) != ARCHIVE_OK) {
		r = arch_fail(w, "finish");
		goto out;
	}
	if (fsync(w->fd) != 0) {
		r = siphon_err(w->ctx, SIPHON_ELOCAL, "cannot sync the snapshot %s: %s", w->tmp,
		               strerror(errno));
		goto out;
	}
	/* A snapshot that fails its own verification is never kept. */
	if ((r = siphon_snap_read(w->ctx, w->tmp, 1, &check)) != 0)
		goto out;
	n = snprintf(final, cap, "%s/%s", w->dir, name);
	if (n < 0 || (size_t)n >= cap) {
		r = siphon_err(w->ctx, SIPHON_ELOCAL, "the snapshot's path is too long");
		goto out;
	}
	if (rename(w->tmp, final) != 0) {
		r = siphon_err(w->ctx, SIPHON_ELOCAL, "cannot rename the snapshot %s to %s: %s", w->tmp,
		               final, strerror(errno));
		goto out;
	}
	w->committed = 1;
	r = fsync_dir(w->ctx, w->dir);
out:
	siphon_snap_manifest_clear(&check);
	free(text);
	return r;
}

/* The archive closed, the temporary file removed (not committed). */
static void
abandon(struct siphon_snapw *w)
{
	if (w->a != NULL) {
		/*
		 * Closed even when abandoned (into the file about to go): after
		 * archive_write_fail libarchive 3.6 leaks its block buffer.
		 */
		if (!w->committed)
			archive_write_close(w->a);
		archive_write_free(w->a);
	}
	w->a = NULL;
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (!w->committed && w->tmp[0] != '\0')
		unlink(w->tmp);
	w->tmp[0] = '\0';
}

void
siphon_snapw_drop(struct siphon_snapw *w)
{
	if (w->dropped || w->committed)
		return;
	w->dropped = 1;
	abandon(w);
	for (int i = 0; i < w->nstreams; i++) {
		struct wstream *s = w->streams[i];

		free(s->buf[0]);
		free(s->buf[1]);
		s->buf[0] = s->buf[1] = NULL;
		s->len[0] = s->len[1] = s->cap[0] = s->cap[1] = 0;
	}
}

int
siphon_snapw_dropped(const struct siphon_snapw *w)
{
	return w->dropped;
}

void
siphon_snapw_free(struct siphon_snapw *w)
{
	if (w == NULL)
		return;
	abandon(w);
	for (int i = 0; i < w->nstreams; i++) {
		free(w->streams[i]->buf[0]);
		free(w->streams[i]->buf[1]);
		free(w->streams[i]);
	}
	free(w->streams);
	siphon_snap_labels_clear(&w->labels);
	siphon_snap_manifest_clear(&w->m);
	free(w);
}
