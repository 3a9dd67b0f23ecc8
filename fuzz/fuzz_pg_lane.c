/*
 * fuzz_pg_lane.c - the PostgreSQL lane scanner (siphon_pg_lane_find and
 * siphon_pg_lane_lines, as the lane's sink uses them), which finds each
 * table's "\." line in a lane's COPY stream and counts its lines, in chunks
 * cut anywhere, each taken whole or in part.
 *
 * Input: a byte of chunking seed count, the seeds, then the stream.
 * Property: what it reports, whatever the chunking, is exactly what a
 * whole-stream reading finds: an end just past every line that is "\."
 * and nothing else, with the number of lines ended up to it, and, where
 * the scanner refuses other lines starting with "\."
 * (SIPHON_PG_LANE_BAD), a refusal at the first such line.
 */
#include "fuzz.h"

#include "engine/postgres/pg_lane.h"

enum ev_kind { EV_END, EV_BAD };

struct ev {
	enum ev_kind kind;
	size_t at;      /* END: just past the line; BAD: the byte after "\." */
	uint64_t lines; /* END: the lines ended up to it, its own included */
};

#ifdef SIPHON_PG_LANE_BAD
#define WITH_BAD 1
#else
#define WITH_BAD 0
#endif

/*
 * The events of the whole stream, in order; with refusals, stops after the
 * first BAD, else such lines are data like any other.
 */
static size_t
reference(const uint8_t *s, size_t len, struct ev *evs, size_t cap)
{
	size_t i = 0, n = 0;
	uint64_t lines = 0;

	while (i < len && n < cap) {
		const uint8_t *nl = memchr(s + i, '\n', len - i);
		size_t ll = nl != NULL ? (size_t)(nl - (s + i)) : len - i;

		if (nl != NULL)
			lines++;
		if (ll >= 2 && s[i] == '\\' && s[i + 1] == '.') {
			if (ll == 2 && nl != NULL) {
				evs[n].kind = EV_END;
				evs[n].lines = lines;
				evs[n++].at = i + 3;
			} else if (ll > 2 && WITH_BAD) {
				evs[n].kind = EV_BAD;
				evs[n++].at = i + 2;
				break;
			}
		}
		i += ll + 1;
	}
	return n;
}

static void
markers(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	size_t used, lines = 0;
	int next = 0;

	if (copy == NULL)
		return;
	memcpy(copy, data, size);
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (siphon_pg_lane_markers(copy, size, &next, &used) == 0) {
		FUZZ_CHECK(used <= size && (used == 0 || copy[used - 1] == '\n'));
		FUZZ_CHECK(memchr(copy + used, '\n', size - used) == NULL);
		FUZZ_CHECK(next >= 0 && (size_t)next <= lines);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct siphon_pg_lane_scan sc = {.sol = 1};
	size_t nseed = fuzz_byte(&in) % 16, nref, ngot = 0, off = 0, k = 0;
	const uint8_t *seed = in.p;
	struct ev ref[2048];

	markers(data, size);
	if (in.left < nseed)
		return 0;
	in.p += nseed;
	in.left -= nseed;
	nref = reference(in.p, in.left, ref, 2048);
	while (off < in.left) {
		size_t len = fuzz_chunk(seed, nseed, k++, 64), lim, take;
		struct siphon_pg_lane_scan probe;
		unsigned char *chunk;
		long e;

		if (len > in.left - off)
			len = in.left - off;
		/* An exact copy: the scanner must not read past its chunk. */
		if ((chunk = malloc(len)) == NULL)
			return 0;
		memcpy(chunk, in.p + off, len);
		/*
		 * As the lane's sink does: where the item ends, then what the
		 * local session took of it (a full pipe takes a little); the rest
		 * is offered again.
		 */
		probe = sc;
		e = siphon_pg_lane_find(&probe, chunk, len);
#ifdef SIPHON_PG_LANE_BAD
		if (e == SIPHON_PG_LANE_BAD) {
			free(chunk);
			FUZZ_CHECK(ngot < nref && ref[ngot].kind == EV_BAD);
			FUZZ_CHECK(ref[ngot].at >= off && ref[ngot].at < off + len);
			return 0;
		}
#endif
		FUZZ_CHECK(e == -1 || (e > 0 && (size_t)e <= len));
		lim = e >= 0 ? (size_t)e : len;
		take = fuzz_chunk(seed, nseed, k++, 64);
		if (take >= lim) {
			take = lim;
			sc = probe;
		} else {
			FUZZ_CHECK(siphon_pg_lane_find(&sc, chunk, take) == -1);
			e = -1;
		}
		sc.lines += siphon_pg_lane_lines(chunk, take);
		free(chunk);
		if (e < 0) {
			off += take;
			continue;
		}
		FUZZ_CHECK(ngot < nref && ref[ngot].kind == EV_END);
		FUZZ_CHECK(off + (size_t)e == ref[ngot].at);
		/* Every newline is counted once, however the stream is cut. */
		FUZZ_CHECK(sc.lines == ref[ngot].lines);
		ngot++;
		off += (size_t)e;
	}
	FUZZ_CHECK(ngot == nref);
	return 0;
}
