/* codec.c - dispatch to the decoder implementations, codec names. */
#include "codec/codec.h"
#include "codec/codec_impl.h"
#include "util/ctx.h"

#include <stdlib.h>
#include <string.h>

struct siphon_decoder {
	const struct siphon_codec_ops *ops;
	struct siphon_ctx *ctx;
	void *state;
	/*
	 * The code of the first failure.  A decoder that has seen corrupt data
	 * is in no state to go on, so every later call returns this again.
	 */
	int failed;
};

static const struct siphon_codec_ops *
ops_of(enum siphon_codec_kind kind)
{
	switch (kind) {
	case SIPHON_CODEC_NONE:
		return &siphon_codec_none_ops;
	case SIPHON_CODEC_ZSTD:
		return &siphon_codec_zstd_ops;
	case SIPHON_CODEC_GZIP:
		return &siphon_codec_gzip_ops;
	}
	return NULL;
}

int
siphon_decoder_new(struct siphon_decoder **out, struct siphon_ctx *ctx,
                   enum siphon_codec_kind kind)
{
	const struct siphon_codec_ops *ops;
	struct siphon_decoder *d = NULL;
	int rc;

	*out = NULL;
	if ((ops = ops_of(kind)) == NULL)
		return siphon_err(ctx, SIPHON_EINTERNAL,
		                  "unknown codec %d", (int)kind);
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		rc = siphon_err_oom(ctx);
		goto out;
	}
	d->ops = ops;
	d->ctx = ctx;
	if ((rc = ops->create(&d->state, ctx)) != 0)
		goto out;
	*out = d;
	d = NULL;
out:
	free(d);
	return rc;
}

int
siphon_decoder_run(struct siphon_decoder *d, const unsigned char *in,
                   size_t inlen, size_t *consumed, unsigned char *out,
                   size_t outcap, size_t *produced)
{
	int rc;

	*consumed = 0;
	*produced = 0;
	if (d->failed != 0)
		return d->failed;
	if ((in == NULL && inlen != 0) || (out == NULL && outcap != 0))
		return d->failed = siphon_err(d->ctx, SIPHON_EINTERNAL,
		                              "decoder given a NULL buffer");
	rc = d->ops->run(d->state, in, inlen, consumed, out, outcap,
	                 produced);
	if (rc != 0)
		d->failed = rc;
	return rc;
}

int
siphon_decoder_finish(struct siphon_decoder *d)
{
	if (d->failed != 0)
		return d->failed;
	return d->ops->finish(d->state);
}

void
siphon_decoder_free(struct siphon_decoder *d)
{
	if (d == NULL)
		return;
	if (d->state != NULL)
		d->ops->destroy(d->state);
	free(d);
}

const char *
siphon_codec_name(enum siphon_codec_kind kind)
{
	const struct siphon_codec_ops *ops = ops_of(kind);

	return ops != NULL ? ops->name : "unknown";
}
