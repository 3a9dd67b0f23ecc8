/*
 * fuzz_codec.c - the stream decoders (zstd, gzip, none) on arbitrary bytes,
 * fed the way the loop feeds them: in slices, into an output buffer of a
 * fixed size, flushed with empty input at the end, then finished.
 *
 * Input: a byte choosing the codec and whether the payload is sent as it
 * is (corrupt, truncated, anything) or first compressed here (then the
 * decoded bytes must be the payload exactly); a byte for the output
 * buffer's size; a byte of slicing seed count; the seeds; the payload.
 * Properties: the decoder never writes beyond its output buffer (ASan
 * watches its exact size) nor reports more than it had; it consumes no
 * more than it is given; it either ends cleanly or reports an error with a
 * message, and once failed it keeps failing with the same code; it never
 * stalls (a step that moves nothing with input left is an error or the
 * end).
 */
#include "fuzz.h"

#include "codec/codec.h"
#include "util/ctx.h"

#include <zlib.h>
#include <zstd.h>

/* The payload compressed as the server would send it; NULL on failure. */
static unsigned char *
compress_as(enum siphon_codec_kind kind, const uint8_t *p, size_t n, size_t *outlen)
{
	unsigned char *out;
	size_t cap;

	if (kind == SIPHON_CODEC_ZSTD) {
		cap = ZSTD_compressBound(n);
		if ((out = malloc(cap)) == NULL)
			return NULL;
		*outlen = ZSTD_compress(out, cap, p, n, 1);
		if (ZSTD_isError(*outlen)) {
			free(out);
			return NULL;
		}
		return out;
	}
	if (kind == SIPHON_CODEC_GZIP) {
		z_stream z;
		int rc;

		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return NULL;
		cap = deflateBound(&z, (uLong)n) + 32;
		if ((out = malloc(cap)) == NULL) {
			deflateEnd(&z);
			return NULL;
		}
		z.next_in = (Bytef *)(uintptr_t)p;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = (uInt)cap;
		rc = deflate(&z, Z_FINISH);
		*outlen = cap - z.avail_out;
		deflateEnd(&z);
		if (rc != Z_STREAM_END) {
			free(out);
			return NULL;
		}
		return out;
	}
	if ((out = malloc(n ? n : 1)) == NULL)
		return NULL;
	memcpy(out, p, n);
	*outlen = n;
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned mode = fuzz_byte(&in);
	size_t outcap = 1 + fuzz_byte(&in) * 37;
	size_t nseed = fuzz_byte(&in) % 16, off = 0, k = 0, total = 0, stuck = 0;
	enum siphon_codec_kind kind = (enum siphon_codec_kind)(mode % 3);
	int roundtrip = (mode / 3) % 2, rc = 0, failed = 0;
	struct siphon_ctx *ctx = NULL;
	struct siphon_decoder *d = NULL;
	unsigned char *stream = NULL, *out = NULL, *got = NULL;
	size_t slen;
	const uint8_t *seed;

	if (in.left < nseed)
		return 0;
	seed = in.p;
	in.p += nseed;
	in.left -= nseed;
	if (roundtrip) {
		if ((stream = compress_as(kind, in.p, in.left, &slen)) == NULL)
			return 0;
	} else {
		stream = compress_as(SIPHON_CODEC_NONE, in.p, in.left, &slen);
		if (stream == NULL)
			return 0;
	}
	if (siphon_ctx_new(&ctx) != 0 || siphon_decoder_new(&d, ctx, kind) != 0)
		goto out;
	/* Exactly outcap bytes: a write past it is a heap overflow. */
	if ((out = malloc(outcap)) == NULL || (got = malloc(in.left + outcap)) == NULL)
		goto out;
	for (;;) {
		size_t want = fuzz_chunk(seed, nseed, k++, 300), consumed = 9, produced = 9;

		if (want > slen - off)
			want = slen - off;
		rc = siphon_decoder_run(d, stream + off, want, &consumed, out, outcap, &produced);
		FUZZ_CHECK(consumed <= want && produced <= outcap);
		if (rc != 0) {
			/* What it took and made before the error may be counted. */
			FUZZ_CHECK(rc < 0);
			FUZZ_CHECK(siphon_ctx_errmsg(ctx)[0] != '\0');
			failed = rc;
			break;
		}
		if (roundtrip) {
			FUZZ_CHECK(total + produced <= in.left);
			memcpy(got + total, out, produced);
		}
		total += produced;
		off += consumed;
		if (want == 0 && produced == 0)
			break;          /* flushed: the end of the input */
		/* Nothing moved with input offered and room to write: stalled. */
		stuck = consumed == 0 && produced == 0 ? stuck + 1 : 0;
		FUZZ_CHECK(stuck < 4);
	}
	if (failed) {
		size_t c, p;

		FUZZ_CHECK(siphon_decoder_run(d, stream, slen, &c, out, outcap, &p) == failed);
		FUZZ_CHECK(siphon_decoder_finish(d) == failed);
		FUZZ_CHECK(!roundtrip);
		goto out;
	}
	rc = siphon_decoder_finish(d);
	if (roundtrip) {
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(total == in.left && memcmp(got, in.p, total) == 0);
	} else if (rc != 0) {
		FUZZ_CHECK(rc < 0 && siphon_ctx_errmsg(ctx)[0] != '\0');
	}
	if (kind == SIPHON_CODEC_NONE)
		FUZZ_CHECK(rc == 0 && total == slen);
out:
	siphon_decoder_free(d);
	siphon_ctx_free(ctx);
	free(stream);
	free(out);
	free(got);
	return 0;
}
