/* none.c - the "decoder" for an uncompressed stream: a plain copy. */
#include "codec/codec_impl.h"
#include "util/ctx.h"

#include <string.h>

/*
 * The copy keeps no state, but codec.c treats a NULL state as "never
 * created", so hand it the address of something that exists.
 */
static char none_state;

static int
none_create(void **state, struct siphon_ctx *ctx)
{
	(void)ctx;
	*state = &none_state;
	return 0;
}

static int
none_run(void *state, const unsigned char *in, size_t inlen,
         size_t *consumed, unsigned char *out, size_t outcap,
         size_t *produced)
{
	size_t n = inlen < outcap ? inlen : outcap;

	(void)state;
	if (n > 0)
		memcpy(out, in, n);
	*consumed = n;
	*produced = n;
	return 0;
}

/* Without framing there is no way to tell a cut stream from a whole one. */
static int
none_finish(void *state)
{
	(void)state;
	return 0;
}

static void
none_destroy(void *state)
{
	(void)state;
}

const struct siphon_codec_ops siphon_codec_none_ops = {
	.name = "none",
	.create = none_create,
	.run = none_run,
	.finish = none_finish,
	.destroy = none_destroy,
};
