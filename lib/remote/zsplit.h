/*
 * zsplit.h - a remote compressor whose level can change while it runs.
 *
 * zstd cannot change its level inside a stream, but zstd frames one after
 * the other decode as one stream.  So this stage feeds its input to one
 * zstd and, every SIPHON_ZSPLIT_CHECK bytes, reads the run directory's file
 * "level" (written by the watchdog when siphon sends "l<level>;", see
 * watch.h); when that names another of its levels, it closes that zstd (its
 * last frame complete, on the channel before anything else) and starts one
 * at the new level.  It is for the engines whose remote session is one long
 * stream (a MySQL worker's SELECTs, an SQLite file), where PostgreSQL's
 * per-piece compressors cannot be; a split may fall anywhere in a row:
 * the decoder sees the same bytes.
 *
 * The stage is perl, reading 1 MiB blocks (perl-base is part of every
 * Debian and Ubuntu system; the probe says whether a server has perl): awk
 * would go line by line, and gawk writes each line to a pipe with a
 * write(2) of its own, several times the compressor's CPU.
 */
#ifndef SIPHON_REMOTE_ZSPLIT_H
#define SIPHON_REMOTE_ZSPLIT_H

#include "util/strbuf.h"

/* How many input bytes between two looks at the level file. */
#define SIPHON_ZSPLIT_CHECK 8388608

/*
 * Appends the stage: perl (its path), the compressor zpath, the level file
 * levelfile (a sh word, e.g. "$siphon_w/level", appended as it is), the
 * level to start at, and for each of the n levels the compressor's
 * arguments (blank-separated words, no quoting needed: "-q -c -T1 -3").  The
 * file may name only one of these levels; anything else is ignored.
 * 0, -1 (no memory), -2 (start is not one of the levels, or an argument
 * holds a character other than letters, digits and "-=,. ").
 */
int siphon_zsplit_stage(struct siphon_strbuf *sb, const char *perl, const char *zpath,
                        const char *levelfile, int start, const int *levels,
                        const char *const *args, int n);

#endif
