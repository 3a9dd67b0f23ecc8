/*
 * compress_cmd.h - the compressors the server may run: in which order auto
 * prefers them, their level bounds and default, the decoder their stream
 * needs, and the command line of the stage that compresses the dump.
 *
 * The engine layer only picks one (from --compress and what the probe found)
 * and says where it lives on the server.
 */
#ifndef SIPHON_CODEC_COMPRESS_CMD_H
#define SIPHON_CODEC_COMPRESS_CMD_H

#include "codec/codec.h"
#include "siphon.h"
#include "util/strbuf.h"

struct siphon_compressor {
	enum siphon_compress which;
	const char *name;              /* the tool, and the --compress value: "pigz" */
	const char *family;            /* whose levels, for messages: "gzip" */
	enum siphon_codec_kind codec;  /* the decoder its stream needs */
	int level_min, level_max;      /* 0 is never a level: it means "the default" */
	int level_default;             /* for --level 0 */
};

/* Every compressor, auto's preference first; ended by a NULL name. */
extern const struct siphon_compressor siphon_compressors[];

/* The compressor --compress names; NULL for auto and none. */
const struct siphon_compressor *siphon_compressor_find(enum siphon_compress which);

/*
 * The level to use for asked (0: the default; negative: zstd's --fast=N)
 * into *level: 0, or -1 when asked is outside the bounds.
 */
int siphon_compressor_level(const struct siphon_compressor *c, int asked, int *level);

/*
 * Appends the stage that compresses stdin to stdout at level (already
 * checked) with at most threads threads (0: every core): the program is the
 * value of the shell variable var, which the caller sets to its quoted path.
 * Returns 0, or -1 when out of memory.
 */
int siphon_compressor_stage(struct siphon_strbuf *sb, const struct siphon_compressor *c,
                            const char *var, int level, int threads);
/*
 * Its arguments alone (" -q -c -T1 -3 ..."), for a caller that names the
 * program itself.
 */
int siphon_compressor_args(struct siphon_strbuf *sb, const struct siphon_compressor *c, int level,
                           int threads);

#endif
