/*
 * codec_impl.h - what codec.c needs from each decoder implementation.
 * Private to lib/codec.
 */
#ifndef SIPHON_CODEC_CODEC_IMPL_H
#define SIPHON_CODEC_CODEC_IMPL_H

#include "codec/codec.h"

#include <stddef.h>

/*
 * One implementation.  codec.c validates arguments, zeroes *consumed and
 * *produced and keeps a failure sticky, so the implementations need not.
 */
struct siphon_codec_ops {
	const char *name;
	/* Creates the state; reports failures on ctx. */
	int (*create)(void **state, struct siphon_ctx *ctx);
	int (*run)(void *state, const unsigned char *in, size_t inlen,
	           size_t *consumed, unsigned char *out, size_t outcap,
	           size_t *produced);
	int (*finish)(void *state);
	void (*destroy)(void *state);
};

extern const struct siphon_codec_ops siphon_codec_none_ops;
extern const struct siphon_codec_ops siphon_codec_zstd_ops;
extern const struct siphon_codec_ops siphon_codec_gzip_ops;

/* The message every codec uses for a stream cut short. */
#define SIPHON_CODEC_TRUNCATED_MSG \
	"compressed stream from the server ended early (truncated)"

#endif
