/*
 * zsample.h - what a zstd level would make of some bytes: the compressed
 * size of a sample, so that the compression level's controller
 * (engine/adapt.h) moves up only where a higher level saves bytes on the
 * data being pulled (on random text such as sysbench's, zstd 3 writes more
 * than zstd 1, for three times the CPU).
 */
#ifndef SIPHON_CODEC_ZSAMPLE_H
#define SIPHON_CODEC_ZSAMPLE_H

#include <stddef.h>
#include <stdint.h>

/* buf[0, len) compressed at level (zstd's, negative: --fast) into *size; 0, or -1 (out of memory). */
int siphon_zsample_size(const unsigned char *buf, size_t len, int level, uint64_t *size);

#endif
