/* zstd.c - streaming zstd decoder (zstd -T0 on the server). */
#include "codec/codec_impl.h"
#include "util/ctx.h"

#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/*
 * The largest window accepted, as a power of two (128 MiB).  Every level up
 * to 22, multi-threaded or not, and --long without a number use at most
 * 2^27, as does the zstd tool's own decoder by default, so everything the
 * server is asked to write fits, while a hostile or broken stream cannot
 * make us allocate gigabytes.  Only --long=28 and above exceed it.
 */
#define WINDOW_LOG_MAX 27

struct zstd_state {
	ZSTD_DCtx *dctx;
	struct siphon_ctx *ctx;
	/*
	 * True when part of a frame has been consumed and the frame has not yet
	 * been decoded and flushed completely; ending the input then means the
	 * stream was cut short.
	 */
	int mid_frame;
	/* Whole frames seen; an empty stream is no valid zstd output. */
	unsigned long long frames;
};

static int
zstd_fail(struct zstd_state *z, size_t r)
{
	switch (ZSTD_getErrorCode(r)) {
	case ZSTD_error_memory_allocation:
		return siphon_err_oom(z->ctx);
	case ZSTD_error_frameParameter_windowTooLarge:
		return siphon_err(z->ctx, SIPHON_EREMOTE,
		                  "corrupt zstd stream from the server: it needs "
		                  "a window over %u MiB (was it compressed with "
		                  "--long=28 or more?)",
		                  (1u << WINDOW_LOG_MAX) >> 20);
	default:
		return siphon_err(z->ctx, SIPHON_EREMOTE,
		                  "corrupt zstd stream from the server: %s",
		                  ZSTD_getErrorName(r));
	}
}

static int
zstd_create(void **state, struct siphon_ctx *ctx)
{
	struct zstd_state *z;
	size_t r;
	int rc;

	if ((z = calloc(1, sizeof(*z))) == NULL)
		return siphon_err_oom(ctx);
	z->ctx = ctx;
	if ((z->dctx = ZSTD_createDCtx()) == NULL) {
		rc = siphon_err_oom(ctx);
		goto out;
	}
	r = ZSTD_DCtx_setParameter(z->dctx, ZSTD_d_windowLogMax,
	                           WINDOW_LOG_MAX);
	if (ZSTD_isError(r)) {
		rc = siphon_err(ctx, SIPHON_EINTERNAL,
		                "cannot set up the zstd decoder: %s",
		                ZSTD_getErrorName(r));
		goto out;
	}
	/*
	 * Checksum verification is on by default; it is what catches damage
	 * the block format itself would let through, so it is left alone.
	 */
	*state = z;
	z = NULL;
	rc = 0;
out:
	if (z != NULL) {
		ZSTD_freeDCtx(z->dctx);
		free(z);
	}
	return rc;
}

static int
zstd_run(void *state, const unsigned char *in, size_t inlen,
         size_t *consumed, unsigned char *out, size_t outcap,
         size_t *produced)
{
	struct zstd_state *z = state;
	ZSTD_inBuffer ib = { in, inlen, 0 };
	ZSTD_outBuffer ob = { out, outcap, 0 };
	size_t in_before, out_before, r;
	int rc = 0;

	for (;;) {
		/* Between frames with no input there is nothing to flush. */
		if (!z->mid_frame && ib.pos == ib.size)
			break;
		in_before = ib.pos;
		out_before = ob.pos;
		r = ZSTD_decompressStream(z->dctx, &ob, &ib);
		if (ZSTD_isError(r)) {
			rc = zstd_fail(z, r);
			goto out;
		}
		/*
		 * Zero means a frame is decoded and flushed.  A nonzero hint
		 * with nothing consumed between frames only says the next frame
		 * has not begun.
		 */
		if (r == 0) {
			if (z->mid_frame || ib.pos > in_before)
				z->frames++;
			z->mid_frame = 0;
		} else if (ib.pos > in_before) {
			z->mid_frame = 1;
		}
		if (ib.pos == in_before && ob.pos == out_before)
			break;
		/*
		 * A full output buffer is progress enough; the caller empties it
		 * and calls again.  Otherwise go on: zstd stops at the end of
		 * each frame and the next may follow in the same input.
		 */
		if (ob.pos == ob.size)
			break;
	}
out:
	*consumed = ib.pos;
	*produced = ob.pos;
	return rc;
}

static int
zstd_finish(void *state)
{
	struct zstd_state *z = state;

	if (z->mid_frame || z->frames == 0)
		return siphon_err(z->ctx, SIPHON_EREMOTE,
		                  SIPHON_CODEC_TRUNCATED_MSG);
	return 0;
}

static void
zstd_destroy(void *state)
{
	struct zstd_state *z = state;

	ZSTD_freeDCtx(z->dctx);
	free(z);
}

const struct siphon_codec_ops siphon_codec_zstd_ops = {
	.name = "zstd",
	.create = zstd_create,
	.run = zstd_run,
	.finish = zstd_finish,
	.destroy = zstd_destroy,
};
