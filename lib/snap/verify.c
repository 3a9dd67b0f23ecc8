/*
 * verify.c - reading a snapshot file: one pass with libarchive over the
 * headers (and, to verify, every member's bytes), the manifest parsed, and
 * each member checked against it.  The file is outside bytes: a truncated,
 * corrupt or foreign archive is refused with one line (SIPHON_ESNAPSHOT).
 */
#include "snap/snap.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct reader {
	struct siphon_ctx *ctx;
	const char *path;
	int fd;
	struct archive *a;
	unsigned char *buf;              /* one chunk */
	struct siphon_snap_member *found;
	int nfound;
	char *manifest;
	size_t manifest_len;
};

static int
refuse(struct reader *rd, const char *what, const char *detail)
{
	return siphon_err(rd->ctx, SIPHON_ESNAPSHOT, "%s: %s%s%s; it cannot be restored (use another snapshot)",
	                  rd->path, what, detail != NULL && detail[0] ? ": " : "",
	                  detail != NULL ? detail : "");
}

static int
arch_refuse(struct reader *rd)
{
	const char *e = archive_error_string(rd->a);

	return refuse(rd, "truncated, corrupt or not a snapshot", e != NULL ? e : "unreadable archive");
}

/* Reads the current entry's data (size bytes, at most cap) into buf. */
static int
read_data(struct reader *rd, unsigned char *buf, size_t size)
{
	size_t got = 0;
	la_ssize_t n;

	while (got < size) {
		if ((n = archive_read_data(rd->a, buf + got, size - got)) < 0)
			return arch_refuse(rd);
		if (n == 0)
			return refuse(rd, "truncated", "a member ends early");
		got += (size_t)n;
	}
	return 0;
}

/* One chunk member: its size, and with hash its SHA-256 and data offset. */
static int
chunk(struct reader *rd, struct archive_entry *e, const char *name, int hash)
{
	struct siphon_snap_member mb = {.offset = -1};
	la_int64_t size = archive_entry_size(e);
	unsigned char probe[16];
	unsigned int mdlen = 0;
	size_t k;
	void *p;
	int r;

	if (siphon_snap_member_parse(name, &mb.stream, &mb.seq, &mb.err) != 0)
		return refuse(rd, "not a siphon snapshot", "it holds a member siphon never writes");
	if (size < 0 || size > SIPHON_SNAP_CHUNK)
		return refuse(rd, "corrupt", "a member is larger than a chunk");
	mb.size = (uint64_t)size;
	if (hash) {
		if ((r = read_data(rd, rd->buf, mb.size)) != 0)
			return r;
		if (EVP_Digest(rd->buf, mb.size, mb.sha, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
			return siphon_err(rd->ctx, SIPHON_EINTERNAL, "SHA-256 failed");
		/* ustar: the data follows its 512-byte header; proven on its first bytes. */
		mb.offset = archive_read_header_position(rd->a) + 512;
		k = mb.size < sizeof(probe) ? mb.size : sizeof(probe);
		if (k > 0 && (pread(rd->fd, probe, k, mb.offset) != (ssize_t)k ||
		              memcmp(probe, rd->buf, k) != 0))
			return refuse(rd, "not a siphon snapshot", "a member is not where a ustar header puts it");
	} else if (archive_read_data_skip(rd->a) != ARCHIVE_OK) {
		return arch_refuse(rd);
	}
	if ((p = realloc(rd->found, ((size_t)rd->nfound + 1) * sizeof(mb))) == NULL)
		return siphon_err_oom(rd->ctx);
	rd->found = p;
	rd->found[rd->nfound++] = mb;
	return 0;
}

static int
member_cmp(const void *x, const void *y)
{
	const struct siphon_snap_member *a = x, *b = y;

	if (a->stream != b->stream)
		return a->stream < b->stream ? -1 : 1;
	if (a->err != b->err)
		return a->err < b->err ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The archive's members against the manifest's: the same set, sizes, sums. */
static int
match(struct reader *rd, struct siphon_snap_manifest *m, int hash)
{
	if (rd->nfound != m->nmembers)
		return refuse(rd, "corrupt", "its members are not those its manifest lists");
	qsort(rd->found, (size_t)rd->nfound, sizeof(*rd->found), member_cmp);
	qsort(m->members, (size_t)m->nmembers, sizeof(*m->members), member_cmp);
	for (int i = 0; i < m->nmembers; i++) {
		struct siphon_snap_member *want = &m->members[i];
		const struct siphon_snap_member *got = &rd->found[i];
		int first = i == 0 || want->stream != want[-1].stream || want->err != want[-1].err;

		if (member_cmp(want, got) != 0 || want->size != got->size)
			return refuse(rd, "corrupt", "its members are not those its manifest lists");
		if (want->seq != (first ? 0 : want[-1].seq + 1))
			return refuse(rd, "corrupt", "a stream's chunks are not numbered in order");
		if (hash && memcmp(want->sha, got->sha, 32) != 0)
			return refuse(rd, "corrupt", "a member's SHA-256 is not the manifest's");
		want->offset = got->offset;
	}
	return 0;
}

static int
walk(struct reader *rd, struct siphon_snap_manifest *m, int hash)
{
	struct archive_entry *e;
	char why[256];
	int r;

	for (;;) {
		const char *name;

		r = archive_read_next_header(rd->a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK)
			return arch_refuse(rd);
		if (archive_format(rd->a) != ARCHIVE_FORMAT_TAR_USTAR)
			return refuse(rd, "not a siphon snapshot", "a tar archive, but not ustar");
		if (rd->manifest != NULL)
			return refuse(rd, "not a siphon snapshot", "a member follows the manifest");
		if (archive_entry_filetype(e) != AE_IFREG || (name = archive_entry_pathname(e)) == NULL)
			return refuse(rd, "not a siphon snapshot", "it holds something other than files");
		if (strcmp(name, "manifest") != 0) {
			if ((r = chunk(rd, e, name, hash)) != 0)
				return r;
			continue;
		}
		if (archive_entry_size(e) <= 0 || archive_entry_size(e) > SIPHON_SNAP_MANIFEST_MAX)
			return refuse(rd, "corrupt", "its manifest is empty or too large");
		rd->manifest_len = (size_t)archive_entry_size(e);
		if ((rd->manifest = malloc(rd->manifest_len)) == NULL)
			return siphon_err_oom(rd->ctx);
		if ((r = read_data(rd, (unsigned char *)rd->manifest, rd->manifest_len)) != 0)
			return r;
	}
	if (rd->manifest == NULL)
		return refuse(rd, "truncated or not a snapshot", "it has no manifest at its end");
	if (siphon_snap_manifest_parse(m, rd->manifest, rd->manifest_len, why, sizeof(why)) != 0)
		return refuse(rd, "corrupt", why);
	return match(rd, m, hash);
}

int
siphon_snap_read(struct siphon_ctx *ctx, const char *path, int hash,
                 struct siphon_snap_manifest *m)
{
	struct reader rd = {.ctx = ctx, .path = path, .fd = -1};
	struct stat st;
	int r;

	memset(m, 0, sizeof(*m));
	if ((rd.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(rd.fd, &st) != 0) {
		r = siphon_err(ctx, errno == ENOENT ? SIPHON_EUSAGE : SIPHON_ELOCAL,
		               "cannot read the snapshot %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = refuse(&rd, "not a siphon snapshot", "not a regular file");
		goto out;
	}
	if ((rd.a = archive_read_new()) == NULL || (rd.buf = malloc(SIPHON_SNAP_CHUNK)) == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	/* Plain tar only: a compressed or other archive is not one of siphon's. */
	if (archive_read_support_format_tar(rd.a) != ARCHIVE_OK ||
	    archive_read_open_fd(rd.a, rd.fd, 64 * 1024) != ARCHIVE_OK) {
		r = arch_refuse(&rd);
		goto out;
	}
	r = walk(&rd, m, hash);
out:
	if (rd.a != NULL)
		archive_read_free(rd.a);
	if (rd.fd >= 0)
		close(rd.fd);
	free(rd.buf);
	free(rd.found);
	free(rd.manifest);
	if (r != 0)
		siphon_snap_manifest_clear(m);
	return r;
}
