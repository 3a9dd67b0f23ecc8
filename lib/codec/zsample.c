/* zsample.c - a sample's compressed size at a zstd level (zsample.h). */
#include "codec/zsample.h"

#include <stdlib.h>
#include <zstd.h>

int
siphon_zsample_size(const unsigned char *buf, size_t len, int level, uint64_t *size)
{
	size_t cap = ZSTD_compressBound(len), n;
	void *out;

	*size = 0;
	if ((out = malloc(cap > 0 ? cap : 1)) == NULL)
		return -1;
	n = ZSTD_compress(out, cap, buf, len, level);
	free(out);
	if (ZSTD_isError(n))
		return -1;
	*size = (uint64_t)n;
	return 0;
}
