/*
 * fuzz_snap.c - a snapshot file is outside bytes: the first input byte
 * chooses what reads the rest.  Even: the manifest parser
 * (siphon_snap_manifest_parse).  Odd: the whole reader (siphon_snap_read,
 * libarchive's header walk, every member hashed, the manifest matched), on
 * the bytes as a file.
 *
 * Properties: the manifest parser either fails holding nothing or gives a
 * manifest whose text parses again to the same counts; the reader either
 * refuses with SIPHON_ESNAPSHOT (or cannot read: SIPHON_ELOCAL) and one
 * line, holding nothing, or gives members sorted by stream, kind and
 * number, each within a chunk, at a 512-aligned offset inside the file.
 */
#include "fuzz.h"

#include "snap/snap.h"
#include "util/ctx.h"

#include <sys/mman.h>
#include <unistd.h>

static void
manifest(const uint8_t *data, size_t size)
{
	struct siphon_snap_manifest m, again;
	char why[256], *text;
	size_t len;

	if (siphon_snap_manifest_parse(&m, (const char *)data, size, why, sizeof(why)) != 0) {
		FUZZ_CHECK(m.members == NULL && m.streams == NULL && m.engine == NULL);
		FUZZ_CHECK(strncmp(why, "manifest line ", 14) == 0);
		return;
	}
	FUZZ_CHECK(m.engine != NULL && m.host != NULL && m.jobs >= 1);
	if (siphon_snap_manifest_format(&m, &text, &len) == 0) {
		FUZZ_CHECK(siphon_snap_manifest_parse(&again, text, len, why, sizeof(why)) == 0);
		FUZZ_CHECK(again.nstreams == m.nstreams && again.nmembers == m.nmembers &&
		           again.ntables == m.ntables && again.nopts == m.nopts);
		siphon_snap_manifest_clear(&again);
		free(text);
	}
	siphon_snap_manifest_clear(&m);
}

static void
archive(const uint8_t *data, size_t size)
{
	struct siphon_snap_manifest m;
	struct siphon_ctx *ctx = NULL;
	char path[64];
	int fd, r;

	if ((fd = memfd_create("snap", MFD_CLOEXEC)) < 0)
		return;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (siphon_ctx_new(&ctx) != 0) {
		close(fd);
		return;
	}
	r = siphon_snap_read(ctx, path, 1, &m);
	if (r != 0) {
		FUZZ_CHECK(r == SIPHON_ESNAPSHOT || r == SIPHON_ELOCAL || r == SIPHON_ENOMEM);
		FUZZ_CHECK(siphon_ctx_errmsg(ctx)[0] != '\0' && strchr(siphon_ctx_errmsg(ctx), '\n') == NULL);
		FUZZ_CHECK(m.members == NULL && m.nmembers == 0);
	} else {
		for (int i = 0; i < m.nmembers; i++) {
			const struct siphon_snap_member *mb = &m.members[i];

			FUZZ_CHECK(mb->size <= SIPHON_SNAP_CHUNK);
			FUZZ_CHECK(mb->offset >= 512 && mb->offset % 512 == 0);
			FUZZ_CHECK((uint64_t)mb->offset + mb->size <= size);
			FUZZ_CHECK(mb->stream >= 0 && mb->stream < m.nstreams);
			if (i > 0)
				FUZZ_CHECK(mb[-1].stream < mb->stream ||
				           (mb[-1].stream == mb->stream && (mb[-1].err < mb->err ||
				            (mb[-1].err == mb->err && mb[-1].seq + 1 == mb->seq))));
		}
		siphon_snap_manifest_clear(&m);
	}
	siphon_ctx_free(ctx);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] % 2 == 0)
		manifest(data + 1, size - 1);
	else
		archive(data + 1, size - 1);
	return 0;
}
