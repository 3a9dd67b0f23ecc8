/* compress_cmd.c - how the server runs each compressor, and its levels. */
#include "codec/compress_cmd.h"

#include <stddef.h>

const struct siphon_compressor siphon_compressors[] = {
	/* Negative levels are zstd's fast ones (--fast=N, zstd 1.3.4 and later). */
	{SIPHON_COMPRESS_ZSTD, "zstd", "zstd", SIPHON_CODEC_ZSTD, -20, 22, 3},
	/* Level 1: gzip's higher levels cost far more CPU than they save on the wire. */
	{SIPHON_COMPRESS_PIGZ, "pigz", "gzip", SIPHON_CODEC_GZIP, 1, 9, 1},
	{SIPHON_COMPRESS_GZIP, "gzip", "gzip", SIPHON_CODEC_GZIP, 1, 9, 1},
	{SIPHON_COMPRESS_NONE, NULL, NULL, SIPHON_CODEC_NONE, 0, 0, 0},
};

const struct siphon_compressor *
siphon_compressor_find(enum siphon_compress which)
{
	const struct siphon_compressor *c;

	for (c = siphon_compressors; c->name != NULL; c++)
		if (c->which == which)
			return c;
	return NULL;
}

int
siphon_compressor_level(const struct siphon_compressor *c, int asked, int *level)
{
	*level = asked == 0 ? c->level_default : asked;
	return *level < c->level_min || *level > c->level_max ? -1 : 0;
}

int
siphon_compressor_args(struct siphon_strbuf *sb, const struct siphon_compressor *c, int level, int threads)
{
	switch (c->which) {
	case SIPHON_COMPRESS_ZSTD:
		/*
		 * A 512 KiB window: every decoder keeps one window of history, and
		 * up to -j + 2 of them run at once here; the ratio hardly changes.
		 */
		if (level < 0)
			return siphon_strbuf_printf(sb, " -q -c -T%d --fast=%d --zstd=wlog=19", threads, -level);
		return siphon_strbuf_printf(sb, " -q -c -T%d %s-%d --zstd=wlog=19", threads,
		                            level > 19 ? "--ultra " : "", level);
	case SIPHON_COMPRESS_PIGZ:
		if (threads > 0)
			return siphon_strbuf_printf(sb, " -c -p %d -%d", threads, level);
		return siphon_strbuf_printf(sb, " -c -%d", level);
	case SIPHON_COMPRESS_GZIP:
		return siphon_strbuf_printf(sb, " -c -%d", level);
	default:
		return -1;
	}
}

int
siphon_compressor_stage(struct siphon_strbuf *sb, const struct siphon_compressor *c,
                        const char *var, int level, int threads)
{
	if (siphon_strbuf_printf(sb, "$NICE \"$%s\"", var) != 0)
		return -1;
	return siphon_compressor_args(sb, c, level, threads);
}
