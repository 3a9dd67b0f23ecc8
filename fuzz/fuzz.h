/*
 * fuzz.h - what every harness shares: the libFuzzer entry point's
 * prototype, a reader that takes control values off the front of the input,
 * and the assertion that stops the run when a stated property fails.
 */
#ifndef SIPHON_FUZZ_H
#define SIPHON_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with the failed property: libFuzzer then keeps the input. */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* The input, read from the front: control bytes, then the payload. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

/* The next byte, 0 once the input is used up. */
static inline unsigned
fuzz_byte(struct fuzz_in *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

/* The rest of the input as a NUL-terminated string (caller frees); NULL: OOM. */
static inline char *
fuzz_rest_str(struct fuzz_in *in)
{
	char *s = malloc(in->left + 1);

	if (s == NULL)
		return NULL;
	if (in->left > 0)
		memcpy(s, in->p, in->left);
	s[in->left] = '\0';
	in->p += in->left;
	in->left = 0;
	return s;
}

/* data as a NUL-terminated string (caller frees), cut at its first NUL. */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};

	return fuzz_rest_str(&in);
}

/*
 * The sizes to cut a stream into: chunk i is 1 + (seed byte i % span) bytes,
 * the seed bytes used in a ring, so one input tries many chunkings.
 */
static inline size_t
fuzz_chunk(const uint8_t *seed, size_t nseed, size_t i, size_t span)
{
	if (nseed == 0 || span == 0)
		return (size_t)-1;
	return 1 + seed[i % nseed] % span;
}

#endif
