/*
 * gzip.c - streaming gzip decoder (pigz or gzip on the server).
 *
 * A gzip file may hold several members one after the other (pigz, gzip of
 * concatenated files, `cat a.gz b.gz`); their decoded contents concatenate.
 * zlib's inflate stops at the end of each member, so the decoder resets it
 * whenever more input follows a finished member.
 */
#include "codec/codec_impl.h"
#include "util/ctx.h"

#include <limits.h>
#include <stdlib.h>

/* Makes next_in a pointer to const, as the input is never written. */
#define ZLIB_CONST
#include <zlib.h>

/* Only gzip framing (16), with the largest deflate window (15). */
#define GZIP_WINDOW_BITS (16 + 15)

struct gzip_state {
	z_stream zs;
	struct siphon_ctx *ctx;
	/* True when inflate must be reset before the next byte of input. */
	int need_reset;
	/*
	 * True when bytes of a member have been consumed but the member has
	 * not ended (its trailer checked, its output all delivered).
	 */
	int mid_member;
	/* Whole members seen; an empty stream is no valid gzip output. */
	unsigned long long members;
};

/*
 * zlib counts in uInt; a larger buffer is handed over in slices, the loop in
 * gzip_run() coming back for the rest.
 */
static uInt
clamp(size_t n)
{
	return n > UINT_MAX ? UINT_MAX : (uInt)n;
}

static int
gzip_create(void **state, struct siphon_ctx *ctx)
{
	struct gzip_state *g;
	int zrc;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return siphon_err_oom(ctx);
	g->ctx = ctx;
	/* calloc left zalloc, zfree and opaque at Z_NULL: zlib's defaults. */
	zrc = inflateInit2(&g->zs, GZIP_WINDOW_BITS);
	if (zrc != Z_OK) {
		free(g);
		if (zrc == Z_MEM_ERROR)
			return siphon_err_oom(ctx);
		return siphon_err(ctx, SIPHON_EINTERNAL,
		                  "cannot set up the gzip decoder (zlib %s)",
		                  zlibVersion());
	}
	*state = g;
	return 0;
}

static int
gzip_run(void *state, const unsigned char *in, size_t inlen,
         size_t *consumed, unsigned char *out, size_t outcap,
         size_t *produced)
{
	struct gzip_state *g = state;
	/*
	 * inflate rejects a NULL output pointer even with no room, so an
	 * empty output buffer points here instead.
	 */
	unsigned char dummy;
	size_t in_pos = 0, out_pos = 0, in_slice, out_slice;
	int zrc, rc = 0;

	for (;;) {
		if (in_pos == inlen && !g->mid_member)
			break;
		if (g->need_reset) {
			/*
			 * Input after a finished member must be another member; a
			 * reset inflate takes it for a new gzip header and rejects
			 * anything else as trailing garbage.
			 */
			if ((zrc = inflateReset(&g->zs)) != Z_OK) {
				rc = siphon_err(g->ctx, SIPHON_EINTERNAL,
				                "cannot reset the gzip decoder");
				goto out;
			}
			g->need_reset = 0;
		}
		in_slice = clamp(inlen - in_pos);
		out_slice = clamp(outcap - out_pos);
		g->zs.next_in = in + in_pos;
		g->zs.avail_in = (uInt)in_slice;
		g->zs.next_out = out_slice > 0 ? out + out_pos : &dummy;
		g->zs.avail_out = (uInt)out_slice;
		zrc = inflate(&g->zs, Z_NO_FLUSH);
		in_slice -= g->zs.avail_in;
		out_slice -= g->zs.avail_out;
		in_pos += in_slice;
		out_pos += out_slice;
		if (in_slice > 0)
			g->mid_member = 1;
		switch (zrc) {
		case Z_STREAM_END:
			/* The trailer's CRC and length matched. */
			g->mid_member = 0;
			g->need_reset = 1;
			g->members++;
			continue;
		case Z_OK:
		case Z_BUF_ERROR:
			/* Z_BUF_ERROR only says no progress was possible. */
			break;
		case Z_MEM_ERROR:
			rc = siphon_err_oom(g->ctx);
			goto out;
		case Z_NEED_DICT:
			rc = siphon_err(g->ctx, SIPHON_EREMOTE,
			                "corrupt gzip stream from the server: "
			                "it asks for a preset dictionary");
			goto out;
		default:
			rc = siphon_err(g->ctx, SIPHON_EREMOTE,
			                "corrupt gzip stream from the server: %s",
			                g->zs.msg != NULL ? g->zs.msg
			                                  : zError(zrc));
			goto out;
		}
		if (in_slice == 0 && out_slice == 0)
			break;
		if (out_pos == outcap)
			break;
		/*
		 * Room and input both remain only when a slice was clamped;
		 * otherwise inflate stopped for want of input.
		 */
		if (in_pos == inlen)
			break;
	}
out:
	*consumed = in_pos;
	*produced = out_pos;
	return rc;
}

static int
gzip_finish(void *state)
{
	struct gzip_state *g = state;

	if (g->mid_member || g->members == 0)
		return siphon_err(g->ctx, SIPHON_EREMOTE,
		                  SIPHON_CODEC_TRUNCATED_MSG);
	return 0;
}

static void
gzip_destroy(void *state)
{
	struct gzip_state *g = state;

	inflateEnd(&g->zs);
	free(g);
}

const struct siphon_codec_ops siphon_codec_gzip_ops = {
	.name = "gzip",
	.create = gzip_create,
	.run = gzip_run,
	.finish = gzip_finish,
	.destroy = gzip_destroy,
};
