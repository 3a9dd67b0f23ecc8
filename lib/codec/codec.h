/*
 * codec.h - streaming decoders for the dump stream, which the server
 * compresses with zstd, pigz or gzip (or leaves alone).
 *
 * A decoder is fed the bytes as they arrive from an SSH channel and writes
 * the decoded bytes into a caller's buffer of fixed size; it never grows a
 * buffer of its own, so memory stays bounded however large the dump is.
 *
 * The calling protocol: call siphon_decoder_run() with the input not yet
 * consumed until all of it is consumed, emptying the output buffer whenever
 * the decoder fills it.  At the end of the input, call it with inlen == 0
 * until it produces nothing (that flushes what the decoder still holds),
 * then call siphon_decoder_finish() to learn whether the stream was whole.
 */
#ifndef SIPHON_CODEC_CODEC_H
#define SIPHON_CODEC_CODEC_H

#include "siphon.h"

#include <stddef.h>

enum siphon_codec_kind {
	SIPHON_CODEC_NONE = 0,
	SIPHON_CODEC_ZSTD,
	SIPHON_CODEC_GZIP,
};

struct siphon_decoder;

/*
 * Creates a streaming decoder.  Errors via siphon_err(ctx, SIPHON_EREMOTE or
 * SIPHON_ENOMEM, ...); an unknown kind is SIPHON_EINTERNAL.  ctx is borrowed
 * and kept for messages.
 */
int siphon_decoder_new(struct siphon_decoder **out, struct siphon_ctx *ctx,
                       enum siphon_codec_kind kind);

/*
 * Decodes: consumes up to inlen bytes of in (sets *consumed), writes up to
 * outcap bytes to out (sets *produced).  Returns 0 or a negative SIPHON_E*
 * code; corrupt data is SIPHON_EREMOTE ("corrupt zstd stream from the
 * server: <detail>").  Makes progress whenever it can; may consume input
 * without producing output and vice versa.  With inlen == 0 it still
 * flushes pending output.  After a failure every later call fails with the
 * same code.
 */
int siphon_decoder_run(struct siphon_decoder *d, const unsigned char *in,
                       size_t inlen, size_t *consumed, unsigned char *out,
                       size_t outcap, size_t *produced);

/*
 * At the end of the input: 0 if the stream ended cleanly at a frame or
 * member boundary with nothing pending, else SIPHON_EREMOTE "compressed
 * stream from the server ended early (truncated)".  A zstd or gzip stream
 * of no bytes at all counts as truncated: a compressor always writes at
 * least one frame, so an empty stream means it never ran to completion.
 */
int siphon_decoder_finish(struct siphon_decoder *d);

/* Accepts NULL. */
void siphon_decoder_free(struct siphon_decoder *d);

/* "zstd", "gzip", "none"; "unknown" for a value outside the enum. */
const char *siphon_codec_name(enum siphon_codec_kind kind);

#endif
