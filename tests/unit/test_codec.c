/*
 * test_codec.c - unit tests of the stream decoders in lib/codec.
 *
 * The streams are made with libzstd and zlib directly, and by the real zstd,
 * pigz and gzip programs, as the server would run them.  Each is decoded
 * the way the transfer loop does it: in slices of input of a given size into
 * an output buffer of a given size, the output checked against the original
 * as it comes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "codec/codec.h"
#include "util/ctx.h"

#define MIB ((size_t)1024 * 1024)
/* An input slice this large means "everything at once". */
#define WHOLE ((size_t)-1)

static const char truncated_msg[] =
	"compressed stream from the server ended early (truncated)";

/* A growable byte buffer; the tests may grow, the decoders may not. */
struct buf {
	unsigned char *p;
	size_t len;
	size_t cap;
};

static void
buf_reserve(struct buf *b, size_t extra)
{
	size_t cap = b->cap != 0 ? b->cap : 4096;

	while (cap - b->len < extra)
		cap *= 2;
	if (cap != b->cap) {
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
}

static void
buf_append(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* splitmix64: reproducible noise without depending on rand()'s quality. */
static uint64_t
next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned char *
make_random(size_t n, uint64_t seed)
{
	unsigned char *p = malloc(n != 0 ? n : 1);
	uint64_t s = seed, r = 0;

	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		if (i % 8 == 0)
			r = next_random(&s);
		p[i] = (unsigned char)(r >> (8 * (i % 8)));
	}
	return p;
}

/* Rows as pg_dump writes pgbench_accounts: very compressible text. */
static unsigned char *
make_text(size_t n)
{
	unsigned char *p = malloc(n != 0 ? n : 1);
	uint64_t s = 42;
	char line[160];
	size_t pos = 0;
	long aid = 1;

	assert_non_null(p);
	while (pos < n) {
		int len = snprintf(line, sizeof(line), "%ld\t%ld\t%d\t%84s\n",
		                   aid, aid / 100000 + 1,
		                   (int)(next_random(&s) % 10000) - 5000, "");
		size_t take = (size_t)len < n - pos ? (size_t)len : n - pos;

		memcpy(p + pos, line, take);
		pos += take;
		aid++;
	}
	return p;
}

static unsigned char *
make_zeros(size_t n)
{
	unsigned char *p = calloc(n != 0 ? n : 1, 1);

	assert_non_null(p);
	return p;
}

/* Appends one zstd frame, with a content checksum as the zstd tool writes. */
static void
zstd_frame(struct buf *b, const unsigned char *src, size_t n, int level)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t bound = ZSTD_compressBound(n), r;

	assert_non_null(c);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c,
	        ZSTD_c_compressionLevel, level)));
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c,
	        ZSTD_c_checksumFlag, 1)));
	buf_reserve(b, bound);
	r = ZSTD_compress2(c, b->p + b->len, bound, src, n);
	assert_false(ZSTD_isError(r));
	b->len += r;
	ZSTD_freeCCtx(c);
}

/* Appends one gzip member. */
static void
gzip_member(struct buf *b, const unsigned char *src, size_t n, int level)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, level, Z_DEFLATED, 16 + 15, 8,
	                              Z_DEFAULT_STRATEGY), Z_OK);
	buf_reserve(b, deflateBound(&zs, n) + 64);
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)n;
	zs.next_out = b->p + b->len;
	zs.avail_out = (uInt)(b->cap - b->len);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	b->len += zs.total_out;
	deflateEnd(&zs);
}

static void
encode(struct buf *b, enum siphon_codec_kind kind, const unsigned char *src,
       size_t n)
{
	switch (kind) {
	case SIPHON_CODEC_ZSTD:
		zstd_frame(b, src, n, 3);
		break;
	case SIPHON_CODEC_GZIP:
		gzip_member(b, src, n, 6);
		break;
	case SIPHON_CODEC_NONE:
		buf_append(b, src, n);
		break;
	}
}

/*
 * Decodes comp as the transfer loop would: input in slices of inchunk
 * bytes, handed back until consumed, into an output buffer of outchunk
 * bytes; then flushes with empty input and finishes.  Output is compared
 * with expect (unless NULL) as it arrives and may not run past explen.
 * Returns the first failure of run or finish; *total gets the output size.
 */
static int
decode(struct siphon_ctx *ctx, enum siphon_codec_kind kind,
       const unsigned char *comp, size_t clen, size_t inchunk,
       size_t outchunk, const unsigned char *expect, size_t explen,
       size_t *total)
{
	struct siphon_decoder *d = NULL;
	unsigned char *out = malloc(outchunk);
	size_t pos = 0, got = 0, consumed, produced;
	int rc;

	assert_non_null(out);
	siphon_err_clear(ctx);
	assert_int_equal(siphon_decoder_new(&d, ctx, kind), 0);
	while (pos < clen) {
		size_t n = inchunk < clen - pos ? inchunk : clen - pos;

		rc = siphon_decoder_run(d, comp + pos, n, &consumed, out,
		                        outchunk, &produced);
		assert_true(consumed <= n);
		assert_true(produced <= outchunk);
		if (expect != NULL) {
			assert_true(got + produced <= explen);
			assert_memory_equal(out, expect + got, produced);
		}
		got += produced;
		if (rc != 0)
			goto out;
		/* Each call must get somewhere, or the loop would spin. */
		assert_true(consumed > 0 || produced > 0);
		pos += consumed;
	}
	do {
		rc = siphon_decoder_run(d, NULL, 0, &consumed, out, outchunk,
		                        &produced);
		assert_int_equal(consumed, 0);
		assert_true(produced <= outchunk);
		if (expect != NULL) {
			assert_true(got + produced <= explen);
			assert_memory_equal(out, expect + got, produced);
		}
		got += produced;
		if (rc != 0)
			goto out;
	} while (produced > 0);
	rc = siphon_decoder_finish(d);
out:
	if (total != NULL)
		*total = got;
	siphon_decoder_free(d);
	free(out);
	return rc;
}

static void
expect_decodes(struct siphon_ctx *ctx, enum siphon_codec_kind kind,
               const struct buf *comp, size_t inchunk, size_t outchunk,
               const unsigned char *expect, size_t explen)
{
	size_t total = 0;
	int rc;

	rc = decode(ctx, kind, comp->p, comp->len, inchunk, outchunk, expect,
	            explen, &total);
	if (rc != 0)
		fail_msg("%s, %zu bytes in slices of %zu into %zu: %s",
		         siphon_codec_name(kind), explen, inchunk, outchunk,
		         siphon_ctx_errmsg(ctx));
	assert_int_equal(total, explen);
}

struct chunking {
	size_t in;
	size_t out;
};

/*
 * Round trips data of each size through the codec, in several slicings;
 * one byte at a time only for the smaller sizes, to keep the run short.
 */
static void
roundtrip(enum siphon_codec_kind kind, unsigned char *(*make)(size_t))
{
	static const size_t sizes[] = { 0, 1, 2, 1000, MIB + 4099, 10 * MIB };
	static const struct chunking small[] = {
		{ 1, 1 }, { 1, 65536 }, { 65536, 1 }, { 7, 13 },
		{ 4096, 4096 }, { WHOLE, 3 }, { WHOLE, MIB },
	};
	static const struct chunking large[] = {
		{ 65536, 65536 }, { 1000, 131072 }, { 131072, 1000 },
		{ WHOLE, MIB }, { WHOLE, 4 * MIB },
	};
	struct siphon_ctx *ctx;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		unsigned char *data = make(n);
		struct buf comp = { 0 };
		const struct chunking *ck = n <= 2 * MIB ? small : large;
		size_t nck = n <= 2 * MIB ? sizeof(small) / sizeof(small[0])
		                          : sizeof(large) / sizeof(large[0]);

		encode(&comp, kind, data, n);
		for (size_t j = 0; j < nck; j++)
			expect_decodes(ctx, kind, &comp, ck[j].in, ck[j].out,
			               data, n);
		buf_free(&comp);
		free(data);
	}
	siphon_ctx_free(ctx);
}

static unsigned char *
make_random_default(size_t n)
{
	return make_random(n, n + 1);
}

static void
test_codec_zstd_roundtrip_random(void **state)
{
	(void)state;
	roundtrip(SIPHON_CODEC_ZSTD, make_random_default);
}

static void
test_codec_zstd_roundtrip_text(void **state)
{
	(void)state;
	roundtrip(SIPHON_CODEC_ZSTD, make_text);
}

static void
test_codec_zstd_roundtrip_zeros(void **state)
{
	(void)state;
	roundtrip(SIPHON_CODEC_ZSTD, make_zeros);
}

static void
test_codec_gzip_roundtrip_random(void **state)
{
	(void)state;
	roundtrip(SIPHON_CODEC_GZIP, make_random_default);
}

static void
test_codec_gzip_roundtrip_text(void **state)
{
	(void)state;
	roundtrip(SIPHON_CODEC_GZIP, make_text);
}

static void
test_codec_gzip_roundtrip_zeros(void **state)
{
	(void)state;
	roundtrip(SIPHON_CODEC_GZIP, make_zeros);
}

static void
test_codec_none_roundtrip(void **state)
{
	(void)state;
	roundtrip(SIPHON_CODEC_NONE, make_random_default);
	roundtrip(SIPHON_CODEC_NONE, make_text);
}

/*
 * Several frames or members, as zstd and pigz write when fed piecewise or
 * when outputs are concatenated, including an empty one.
 */
static void
multi(enum siphon_codec_kind kind)
{
	static const struct chunking cks[] = {
		{ 1, 1 }, { 1, 4096 }, { 3, 5 }, { 4096, 65536 }, { WHOLE, MIB },
	};
	unsigned char *text = make_text(300000);
	unsigned char *noise = make_random(200000, 7);
	struct buf comp = { 0 }, plain = { 0 };
	struct siphon_ctx *ctx;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	encode(&comp, kind, text, 300000);
	buf_append(&plain, text, 300000);
	encode(&comp, kind, noise, 200000);
	buf_append(&plain, noise, 200000);
	encode(&comp, kind, text, 0);
	encode(&comp, kind, text, 1);
	buf_append(&plain, text, 1);
	encode(&comp, kind, text + 5, 12345);
	buf_append(&plain, text + 5, 12345);
	for (size_t j = 0; j < sizeof(cks) / sizeof(cks[0]); j++)
		expect_decodes(ctx, kind, &comp, cks[j].in, cks[j].out,
		               plain.p, plain.len);
	buf_free(&comp);
	buf_free(&plain);
	free(text);
	free(noise);
	siphon_ctx_free(ctx);
}

static void
test_codec_zstd_multiple_frames(void **state)
{
	(void)state;
	multi(SIPHON_CODEC_ZSTD);
}

static void
test_codec_gzip_multiple_members(void **state)
{
	(void)state;
	multi(SIPHON_CODEC_GZIP);
}

/* A skippable frame (metadata some tools add) between two data frames. */
static void
test_codec_zstd_skippable_frame(void **state)
{
	static const unsigned char skip[] = {
		0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 'm', 'e', 't', 'a',
	};
	unsigned char *text = make_text(5000);
	struct buf comp = { 0 }, plain = { 0 };
	struct siphon_ctx *ctx;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	zstd_frame(&comp, text, 5000, 3);
	buf_append(&comp, skip, sizeof(skip));
	zstd_frame(&comp, text, 5000, 3);
	buf_append(&plain, text, 5000);
	buf_append(&plain, text, 5000);
	expect_decodes(ctx, SIPHON_CODEC_ZSTD, &comp, 1, 7, plain.p,
	               plain.len);
	expect_decodes(ctx, SIPHON_CODEC_ZSTD, &comp, WHOLE, 65536, plain.p,
	               plain.len);
	buf_free(&comp);
	buf_free(&plain);
	free(text);
	siphon_ctx_free(ctx);
}

/*
 * Every proper prefix of a stream must fail at finish with the truncation
 * message, and give only correct output before that; cuts at a frame or
 * member boundary are whole streams and must pass.
 */
static void
expect_truncated(struct siphon_ctx *ctx, enum siphon_codec_kind kind,
                 const struct buf *comp, size_t cut, const unsigned char *plain,
                 size_t plen)
{
	static const struct chunking cks[] = { { 1, 1 }, { WHOLE, 65536 } };

	for (size_t j = 0; j < sizeof(cks) / sizeof(cks[0]); j++) {
		int rc = decode(ctx, kind, comp->p, cut, cks[j].in, cks[j].out,
		                plain, plen, NULL);

		if (rc != SIPHON_EREMOTE)
			fail_msg("%s cut at %zu of %zu: got %d (%s)",
			         siphon_codec_name(kind), cut, comp->len, rc,
			         siphon_ctx_errmsg(ctx));
		assert_string_equal(siphon_ctx_errmsg(ctx), truncated_msg);
	}
}

static void
truncation(enum siphon_codec_kind kind)
{
	unsigned char *text = make_text(200000);
	unsigned char *noise = make_random(70000, 3);
	struct buf comp = { 0 }, plain = { 0 };
	struct siphon_ctx *ctx;
	size_t first, second, cuts[32], ncut = 0;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	encode(&comp, kind, text, 200000);
	first = comp.len;
	encode(&comp, kind, noise, 70000);
	second = comp.len;
	buf_append(&plain, text, 200000);
	buf_append(&plain, noise, 70000);

	/* Nothing at all, inside the first header, the body, the trailer. */
	cuts[ncut++] = 0;
	cuts[ncut++] = 1;
	cuts[ncut++] = 2;
	cuts[ncut++] = 4;
	cuts[ncut++] = 5;
	cuts[ncut++] = 9;
	cuts[ncut++] = 12;
	cuts[ncut++] = first / 2;
	cuts[ncut++] = first - 8;
	cuts[ncut++] = first - 4;
	cuts[ncut++] = first - 1;
	/* Inside the second header, body and trailer. */
	cuts[ncut++] = first + 1;
	cuts[ncut++] = first + 3;
	cuts[ncut++] = first + 6;
	cuts[ncut++] = first + 10;
	cuts[ncut++] = first + (second - first) / 3;
	cuts[ncut++] = second - 5;
	cuts[ncut++] = second - 1;
	for (size_t i = 0; i < ncut; i++)
		expect_truncated(ctx, kind, &comp, cuts[i], plain.p, plain.len);

	/* A cut exactly between two frames or members is a whole stream. */
	assert_int_equal(decode(ctx, kind, comp.p, first, 999, 4096, plain.p,
	                        200000, NULL), 0);
	expect_decodes(ctx, kind, &comp, 1, 4096, plain.p, plain.len);

	buf_free(&comp);
	buf_free(&plain);
	free(text);
	free(noise);
	siphon_ctx_free(ctx);
}

static void
test_codec_zstd_truncation_detected(void **state)
{
	(void)state;
	truncation(SIPHON_CODEC_ZSTD);
}

static void
test_codec_gzip_truncation_detected(void **state)
{
	(void)state;
	truncation(SIPHON_CODEC_GZIP);
}

/* An uncompressed stream has no framing: any length is whole. */
static void
test_codec_none_no_truncation_check(void **state)
{
	struct siphon_ctx *ctx;
	struct buf comp = { 0 };

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(decode(ctx, SIPHON_CODEC_NONE, NULL, 0, 1, 1, NULL,
	                        0, NULL), 0);
	buf_append(&comp, "abc", 3);
	expect_decodes(ctx, SIPHON_CODEC_NONE, &comp, 1, 1,
	               (const unsigned char *)"abc", 3);
	buf_free(&comp);
	siphon_ctx_free(ctx);
}

/*
 * Flips one byte at pos and expects SIPHON_EREMOTE with a message naming
 * the codec, from run or finish, in two slicings.
 */
static void
expect_corrupt(struct siphon_ctx *ctx, enum siphon_codec_kind kind,
               const struct buf *comp, size_t pos, unsigned char mask,
               const char *detail)
{
	static const struct chunking cks[] = { { 1, 3 }, { WHOLE, 65536 } };
	struct buf bad = { 0 };
	char prefix[64];
	int rc;

	buf_append(&bad, comp->p, comp->len);
	bad.p[pos] ^= mask;
	snprintf(prefix, sizeof(prefix), "corrupt %s stream from the server: ",
	         siphon_codec_name(kind));
	for (size_t j = 0; j < sizeof(cks) / sizeof(cks[0]); j++) {
		rc = decode(ctx, kind, bad.p, bad.len, cks[j].in, cks[j].out,
		            NULL, 0, NULL);
		if (rc != SIPHON_EREMOTE)
			fail_msg("%s with byte %zu of %zu flipped: got %d (%s)",
			         siphon_codec_name(kind), pos, bad.len, rc,
			         siphon_ctx_errmsg(ctx));
		if (strncmp(siphon_ctx_errmsg(ctx), prefix, strlen(prefix)) != 0)
			fail_msg("unexpected message: %s", siphon_ctx_errmsg(ctx));
		if (detail != NULL &&
		    strstr(siphon_ctx_errmsg(ctx), detail) == NULL)
			fail_msg("expected \"%s\" in: %s", detail,
			         siphon_ctx_errmsg(ctx));
	}
	buf_free(&bad);
}

static void
test_codec_zstd_corruption_detected(void **state)
{
	unsigned char *text = make_text(100000);
	unsigned char *noise = make_random(100000, 9);
	struct buf ct = { 0 }, cn = { 0 };
	struct siphon_ctx *ctx;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	zstd_frame(&ct, text, 100000, 3);
	zstd_frame(&cn, noise, 100000, 3);
	/* The magic number. */
	expect_corrupt(ctx, SIPHON_CODEC_ZSTD, &ct, 0, 0x01, NULL);
	/* Compressed blocks and their entropy tables. */
	expect_corrupt(ctx, SIPHON_CODEC_ZSTD, &ct, 20, 0x40, NULL);
	expect_corrupt(ctx, SIPHON_CODEC_ZSTD, &ct, ct.len / 2, 0x10, NULL);
	/*
	 * Random data is stored in raw blocks that nothing but the frame
	 * checksum covers: this is the check that must stay switched on.
	 */
	expect_corrupt(ctx, SIPHON_CODEC_ZSTD, &cn, cn.len / 2, 0x01,
	               "checksum");
	/* The checksum itself. */
	expect_corrupt(ctx, SIPHON_CODEC_ZSTD, &ct, ct.len - 2, 0x80,
	               "checksum");
	buf_free(&ct);
	buf_free(&cn);
	free(text);
	free(noise);
	siphon_ctx_free(ctx);
}

static void
test_codec_gzip_corruption_detected(void **state)
{
	unsigned char *text = make_text(100000);
	unsigned char *noise = make_random(100000, 11);
	struct buf ct = { 0 }, cn = { 0 }, two = { 0 };
	struct siphon_ctx *ctx;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	gzip_member(&ct, text, 100000, 6);
	gzip_member(&cn, noise, 100000, 6);
	/* The magic number and the compression method. */
	expect_corrupt(ctx, SIPHON_CODEC_GZIP, &ct, 0, 0x01, NULL);
	expect_corrupt(ctx, SIPHON_CODEC_GZIP, &ct, 2, 0x01, NULL);
	/* Stored blocks of random data: only the CRC notices. */
	expect_corrupt(ctx, SIPHON_CODEC_GZIP, &cn, cn.len / 2, 0x01,
	               "incorrect data check");
	/* The CRC and the length in the trailer. */
	expect_corrupt(ctx, SIPHON_CODEC_GZIP, &ct, ct.len - 8, 0x01,
	               "incorrect data check");
	expect_corrupt(ctx, SIPHON_CODEC_GZIP, &ct, ct.len - 1, 0x01,
	               "incorrect length check");
	/*
	 * A zlib (RFC 1950) stream is deflate too, but not what pigz or gzip
	 * write: it must not be taken for one.
	 */
	{
		struct buf zl = { 0 };
		uLongf zlen = compressBound(1000);

		buf_reserve(&zl, zlen);
		assert_int_equal(compress(zl.p, &zlen, text, 1000), Z_OK);
		zl.len = zlen;
		assert_int_equal(decode(ctx, SIPHON_CODEC_GZIP, zl.p, zl.len,
		                        WHOLE, 4096, NULL, 0, NULL),
		                 SIPHON_EREMOTE);
		buf_free(&zl);
	}
	/* A bad CRC in the second member of two. */
	buf_append(&two, ct.p, ct.len);
	buf_append(&two, cn.p, cn.len);
	expect_corrupt(ctx, SIPHON_CODEC_GZIP, &two, two.len - 6, 0x20,
	               "incorrect data check");
	buf_free(&ct);
	buf_free(&cn);
	buf_free(&two);
	free(text);
	free(noise);
	siphon_ctx_free(ctx);
}

/*
 * With all the input and room for all the output, one call must do the
 * whole job, across frame and member boundaries, rather than stop at each
 * and rely on being called again.
 */
static void
test_codec_one_call_decodes_everything(void **state)
{
	static const enum siphon_codec_kind kinds[] = {
		SIPHON_CODEC_ZSTD, SIPHON_CODEC_GZIP, SIPHON_CODEC_NONE,
	};
	unsigned char *text = make_text(100000);
	unsigned char *out = malloc(300000);
	struct siphon_ctx *ctx;

	(void)state;
	assert_non_null(out);
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct siphon_decoder *d;
		struct buf comp = { 0 };
		size_t c, p;

		encode(&comp, kinds[k], text, 100000);
		encode(&comp, kinds[k], text, 0);
		encode(&comp, kinds[k], text, 100000);
		encode(&comp, kinds[k], text + 1, 99999);
		assert_int_equal(siphon_decoder_new(&d, ctx, kinds[k]), 0);
		assert_int_equal(siphon_decoder_run(d, comp.p, comp.len, &c,
		                                    out, 300000, &p), 0);
		assert_int_equal(c, comp.len);
		assert_int_equal(p, 299999);
		assert_memory_equal(out, text, 100000);
		assert_memory_equal(out + 100000, text, 100000);
		assert_memory_equal(out + 200000, text + 1, 99999);
		assert_int_equal(siphon_decoder_finish(d), 0);
		siphon_decoder_free(d);
		buf_free(&comp);
	}
	free(out);
	free(text);
	siphon_ctx_free(ctx);
}

/* Bytes after the last member or frame that are not another one. */
static void
trailing(enum siphon_codec_kind kind, const void *junk, size_t n)
{
	static const struct chunking cks[] = { { 1, 1 }, { WHOLE, 65536 } };
	unsigned char *text = make_text(10000);
	struct buf comp = { 0 };
	struct siphon_ctx *ctx;
	int rc;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	encode(&comp, kind, text, 10000);
	buf_append(&comp, junk, n);
	for (size_t j = 0; j < sizeof(cks) / sizeof(cks[0]); j++) {
		rc = decode(ctx, kind, comp.p, comp.len, cks[j].in, cks[j].out,
		            text, 10000, NULL);
		if (rc != SIPHON_EREMOTE)
			fail_msg("%s with %zu bytes of trailing garbage: got %d",
			         siphon_codec_name(kind), n, rc);
	}
	buf_free(&comp);
	free(text);
	siphon_ctx_free(ctx);
}

static void
test_codec_gzip_trailing_garbage_rejected(void **state)
{
	static const unsigned char zeros[16];
	static const unsigned char magic[] = { 0x1f, 0x8b };

	(void)state;
	trailing(SIPHON_CODEC_GZIP, "garbage after the member\n", 25);
	/* gzip(1) tolerates zero padding; a dump stream has no excuse for it. */
	trailing(SIPHON_CODEC_GZIP, zeros, sizeof(zeros));
	trailing(SIPHON_CODEC_GZIP, "x", 1);
	/* The start of a member that never comes is truncation. */
	trailing(SIPHON_CODEC_GZIP, magic, sizeof(magic));
}

static void
test_codec_zstd_trailing_garbage_rejected(void **state)
{
	static const unsigned char zeros[16];

	(void)state;
	trailing(SIPHON_CODEC_ZSTD, "garbage after the frame\n", 24);
	trailing(SIPHON_CODEC_ZSTD, zeros, sizeof(zeros));
	trailing(SIPHON_CODEC_ZSTD, "x", 1);
}

/*
 * Hand-made frames with an empty last block and the window given in the
 * header: 2^27 is accepted, 2^28 refused before anything is allocated.
 */
static void
test_codec_zstd_window_limit(void **state)
{
	static const unsigned char w27[] = {
		0x28, 0xb5, 0x2f, 0xfd, 0x00, 17 << 3, 0x01, 0x00, 0x00,
	};
	static const unsigned char w28[] = {
		0x28, 0xb5, 0x2f, 0xfd, 0x00, 18 << 3, 0x01, 0x00, 0x00,
	};
	struct siphon_ctx *ctx;
	size_t total = 1;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(decode(ctx, SIPHON_CODEC_ZSTD, w27, sizeof(w27),
	                        WHOLE, 64, NULL, 0, &total), 0);
	assert_int_equal(total, 0);
	assert_int_equal(decode(ctx, SIPHON_CODEC_ZSTD, w28, sizeof(w28),
	                        WHOLE, 64, NULL, 0, NULL), SIPHON_EREMOTE);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "window over 128 MiB"));
	siphon_ctx_free(ctx);
}

/*
 * After a failure the decoder stays failed; ctx keeps the first message;
 * and a NULL buffer with a length is a caller's bug.
 */
static void
test_codec_failure_is_sticky(void **state)
{
	static const unsigned char junk[] = "this is not zstd at all";
	unsigned char out[64];
	struct siphon_decoder *d;
	struct siphon_ctx *ctx;
	size_t c = 99, p = 99;
	char first[SIPHON_ERRMSG_MAX];

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(siphon_decoder_new(&d, ctx, SIPHON_CODEC_ZSTD), 0);
	assert_int_equal(siphon_decoder_run(d, junk, sizeof(junk), &c, out,
	                                    sizeof(out), &p), SIPHON_EREMOTE);
	assert_int_equal(siphon_ctx_errcode(ctx), SIPHON_EREMOTE);
	snprintf(first, sizeof(first), "%s", siphon_ctx_errmsg(ctx));
	assert_non_null(strstr(first, "corrupt zstd stream from the server: "));
	assert_int_equal(siphon_decoder_run(d, junk, sizeof(junk), &c, out,
	                                    sizeof(out), &p), SIPHON_EREMOTE);
	assert_int_equal(c, 0);
	assert_int_equal(p, 0);
	assert_int_equal(siphon_decoder_finish(d), SIPHON_EREMOTE);
	assert_string_equal(siphon_ctx_errmsg(ctx), first);
	siphon_decoder_free(d);

	siphon_err_clear(ctx);
	assert_int_equal(siphon_decoder_new(&d, ctx, SIPHON_CODEC_GZIP), 0);
	assert_int_equal(siphon_decoder_run(d, NULL, 5, &c, out, sizeof(out),
	                                    &p), SIPHON_EINTERNAL);
	siphon_decoder_free(d);
	siphon_decoder_free(NULL);

	siphon_err_clear(ctx);
	assert_int_equal(siphon_decoder_new(&d, ctx,
	                                    (enum siphon_codec_kind)42),
	                 SIPHON_EINTERNAL);
	assert_null(d);
	siphon_ctx_free(ctx);
}

/*
 * A call with no room for output may still consume input (headers) and
 * must leave the decoder able to go on.
 */
static void
test_codec_zero_output_room(void **state)
{
	static const enum siphon_codec_kind kinds[] = {
		SIPHON_CODEC_ZSTD, SIPHON_CODEC_GZIP, SIPHON_CODEC_NONE,
	};
	unsigned char *text = make_text(50000);
	unsigned char out[4096];
	struct siphon_ctx *ctx;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct siphon_decoder *d;
		struct buf comp = { 0 }, plain = { 0 };
		size_t pos = 0, c, p;

		encode(&comp, kinds[k], text, 50000);
		assert_int_equal(siphon_decoder_new(&d, ctx, kinds[k]), 0);
		assert_int_equal(siphon_decoder_run(d, comp.p, comp.len, &c,
		                                    NULL, 0, &p), 0);
		assert_int_equal(p, 0);
		pos = c;
		for (;;) {
			assert_int_equal(siphon_decoder_run(d, comp.p + pos,
			                 comp.len - pos, &c, out, sizeof(out),
			                 &p), 0);
			buf_append(&plain, out, p);
			pos += c;
			if (pos == comp.len && p == 0)
				break;
			assert_true(c > 0 || p > 0);
		}
		assert_int_equal(siphon_decoder_finish(d), 0);
		assert_int_equal(plain.len, 50000);
		assert_memory_equal(plain.p, text, 50000);
		siphon_decoder_free(d);
		buf_free(&comp);
		buf_free(&plain);
	}
	free(text);
	siphon_ctx_free(ctx);
}

static void
test_codec_names(void **state)
{
	(void)state;
	assert_string_equal(siphon_codec_name(SIPHON_CODEC_ZSTD), "zstd");
	assert_string_equal(siphon_codec_name(SIPHON_CODEC_GZIP), "gzip");
	assert_string_equal(siphon_codec_name(SIPHON_CODEC_NONE), "none");
	assert_string_equal(siphon_codec_name((enum siphon_codec_kind)9),
	                    "unknown");
}

/* Runs a shell command and collects its standard output. */
static void
run_tool(struct buf *b, const char *cmd)
{
	unsigned char chunk[65536];
	FILE *f = popen(cmd, "r");
	size_t n;
	int status;

	if (f == NULL)
		fail_msg("cannot run %s", cmd);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(b, chunk, n);
	status = pclose(f);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("\"%s\" failed (status %d); are zstd and pigz "
		         "installed? (make deps)", cmd, status);
}

/*
 * The output of the real programs, as run on the server: zstd -T0 (a frame
 * written by several threads), pigz (blocks compressed in parallel),
 * gzip, and concatenations of them.
 */
static void
test_codec_real_tools(void **state)
{
	static const struct {
		enum siphon_codec_kind kind;
		const char *cmd;  /* @ stands for the input file */
		int twice;  /* the file appears twice in the output */
	} tools[] = {
		{ SIPHON_CODEC_ZSTD, "zstd -q -T0 -c < @", 0 },
		{ SIPHON_CODEC_ZSTD, "zstd -q -T0 -1 -c < @", 0 },
		{ SIPHON_CODEC_ZSTD, "zstd -q -T0 -19 -c < @", 0 },
		{ SIPHON_CODEC_ZSTD, "zstd -q -T0 --long -c < @", 0 },
		{ SIPHON_CODEC_ZSTD, "zstd -q -T0 -c < @; zstd -q -c < @", 1 },
		{ SIPHON_CODEC_GZIP, "pigz -c < @", 0 },
		{ SIPHON_CODEC_GZIP, "pigz -p 4 -b 128 -1 -c < @", 0 },
		{ SIPHON_CODEC_GZIP, "pigz -c < @; gzip -c < @", 1 },
		{ SIPHON_CODEC_GZIP, "gzip -c < @", 0 },
	};
	char path[] = "/tmp/siphon-test-codec-XXXXXX";
	size_t n = 6 * MIB;
	unsigned char *text = make_text(n);
	unsigned char *noise = make_random(MIB, 5);
	struct buf plain = { 0 };
	struct siphon_ctx *ctx;
	int fd;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	/* Text with a stretch of noise in the middle, as bytea columns do. */
	buf_append(&plain, text, n / 2);
	buf_append(&plain, noise, MIB);
	buf_append(&plain, text + n / 2, n - n / 2);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, plain.p, plain.len), (ssize_t)plain.len);
	close(fd);
	/* The second copy, for commands that compress the file twice; the
	 * room is made first so the source does not move under the copy. */
	buf_reserve(&plain, plain.len);
	buf_append(&plain, plain.p, plain.len);
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		struct buf comp = { 0 };
		struct buf cmd = { 0 };
		size_t want = plain.len / (tools[i].twice ? 1 : 2);

		for (const char *t = tools[i].cmd; *t != '\0'; t++) {
			if (*t == '@')
				buf_append(&cmd, path, strlen(path));
			else
				buf_append(&cmd, t, 1);
		}
		buf_append(&cmd, "", 1);
		run_tool(&comp, (const char *)cmd.p);
		buf_free(&cmd);
		expect_decodes(ctx, tools[i].kind, &comp, 16384, 65536,
		               plain.p, want);
		expect_decodes(ctx, tools[i].kind, &comp, 5, 7, plain.p, want);
		buf_free(&comp);
	}
	unlink(path);
	buf_free(&plain);
	free(text);
	free(noise);
	siphon_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_names),
		cmocka_unit_test(test_codec_zstd_roundtrip_random),
		cmocka_unit_test(test_codec_zstd_roundtrip_text),
		cmocka_unit_test(test_codec_zstd_roundtrip_zeros),
		cmocka_unit_test(test_codec_gzip_roundtrip_random),
		cmocka_unit_test(test_codec_gzip_roundtrip_text),
		cmocka_unit_test(test_codec_gzip_roundtrip_zeros),
		cmocka_unit_test(test_codec_none_roundtrip),
		cmocka_unit_test(test_codec_zstd_multiple_frames),
		cmocka_unit_test(test_codec_gzip_multiple_members),
		cmocka_unit_test(test_codec_zstd_skippable_frame),
		cmocka_unit_test(test_codec_zstd_truncation_detected),
		cmocka_unit_test(test_codec_gzip_truncation_detected),
		cmocka_unit_test(test_codec_none_no_truncation_check),
		cmocka_unit_test(test_codec_zstd_corruption_detected),
		cmocka_unit_test(test_codec_gzip_corruption_detected),
		cmocka_unit_test(test_codec_gzip_trailing_garbage_rejected),
		cmocka_unit_test(test_codec_zstd_trailing_garbage_rejected),
		cmocka_unit_test(test_codec_zstd_window_limit),
		cmocka_unit_test(test_codec_failure_is_sticky),
		cmocka_unit_test(test_codec_zero_output_room),
		cmocka_unit_test(test_codec_one_call_decodes_everything),
		cmocka_unit_test(test_codec_real_tools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
