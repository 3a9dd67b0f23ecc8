/*
 * fuzz_my_lane.c - the MySQL lane scanner (siphon_my_scan): batch rows of
 * a worker's SELECT into LOAD DATA input, table ends at "end" lines.
 *
 * Input: a byte for the field count and which fields carry the 'v' prefix,
 * a byte of chunking seed count, the seeds, then the stream.  Properties:
 * the output buffer of len + 2 bytes is never overrun (ASan watches its
 * exact size); it takes no more than it is given and makes at most two
 * bytes more than it takes; and the result is the same whatever the
 * chunking: the same bytes out, the same table ends at the same offsets,
 * the same first bad offset, the same row count.
 */
#include "fuzz.h"

#include "engine/mysql/my_lane.h"

struct run {
	unsigned char *out;
	size_t out_len;
	size_t ends[512];
	size_t nends;
	long bad_at;          /* offset of the first byte refused, -1 none */
	uint64_t rows;
};

/* Scans the whole stream in chunks; chunk sizes from seed (whole if none). */
static int
scan_all(const uint8_t *s, size_t len, const unsigned char *prefixed, int nfields,
         const uint8_t *seed, size_t nseed, struct run *r)
{
	struct siphon_my_scan sc;
	size_t off = 0, k = 0;

	memset(&sc, 0, sizeof(sc));
	sc.prefixed = prefixed;
	sc.nfields = nfields;
	memset(r, 0, sizeof(*r));
	r->bad_at = -1;
	if ((r->out = malloc(len + 2)) == NULL)
		return -1;
	while (off < len) {
		size_t want = fuzz_chunk(seed, nseed, k++, 48), took = 0, made = 0;
		unsigned char *chunk, *out;
		enum siphon_my_scan_result res;

		if (want > len - off)
			want = len - off;
		chunk = malloc(want);
		out = malloc(want + 2);
		if (chunk == NULL || out == NULL) {
			free(chunk);
			free(out);
			return -1;
		}
		memcpy(chunk, s + off, want);
		res = siphon_my_scan(&sc, chunk, want, out, &took, &made);
		FUZZ_CHECK(took <= want);
		FUZZ_CHECK(made <= took + 2);
		FUZZ_CHECK(r->out_len + made <= len + 2);
		memcpy(r->out + r->out_len, out, made);
		r->out_len += made;
		free(chunk);
		free(out);
		off += took;
		/* Over the whole stream it never makes more than it took. */
		FUZZ_CHECK(r->out_len <= off);
		if (res == SIPHON_MY_SCAN_BAD) {
			r->bad_at = (long)off;
			break;
		}
		if (res == SIPHON_MY_SCAN_END) {
			FUZZ_CHECK(off >= 4 && memcmp(s + off - 4, "end\n", 4) == 0);
			if (r->nends < 512)
				r->ends[r->nends++] = off;
		} else {
			FUZZ_CHECK(took == want);
		}
	}
	r->rows = sc.rows;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	unsigned shape = fuzz_byte(&in);
	int nfields = 1 + (int)(shape & 7), i;
	unsigned char prefixed[8];
	size_t nseed = fuzz_byte(&in) % 16;
	const uint8_t *seed;
	struct run whole, cut;

	/* The first field always carries the prefix, as the SELECT writes it. */
	for (i = 0; i < nfields; i++)
		prefixed[i] = i == 0 || ((shape >> 3) & (1u << (i % 5)));
	if (in.left < nseed)
		return 0;
	seed = in.p;
	in.p += nseed;
	in.left -= nseed;
	if (scan_all(in.p, in.left, prefixed, nfields, NULL, 0, &whole) != 0)
		goto out_whole;
	if (scan_all(in.p, in.left, prefixed, nfields, seed, nseed, &cut) != 0)
		goto out;
	FUZZ_CHECK(whole.bad_at == cut.bad_at);
	FUZZ_CHECK(whole.nends == cut.nends);
	FUZZ_CHECK(memcmp(whole.ends, cut.ends, whole.nends * sizeof(whole.ends[0])) == 0);
	FUZZ_CHECK(whole.rows == cut.rows);
	/* A NULL cut before its end is written later or not at all. */
	if (whole.bad_at < 0) {
		FUZZ_CHECK(whole.out_len == cut.out_len);
		FUZZ_CHECK(memcmp(whole.out, cut.out, whole.out_len) == 0);
	}
out:
	free(cut.out);
out_whole:
	free(whole.out);
	return 0;
}
