/*
 * test_tune.c - unit tests of lib/engine/tune: the starting channels,
 * compressor, level, threads and windows from the measured facts, and the
 * options kept as given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/tune.h"

#define MB 1e6
#define MIB ((size_t)1024 * 1024)

/* A server with zstd 1.5 (fast levels), 8 idle cores; this machine 8 cores; no link figure. */
static struct siphon_tune_in
base(void)
{
	struct siphon_tune_in in;

	memset(&in, 0, sizeof(in));
	in.compress = SIPHON_COMPRESS_AUTO;
	in.server_cores = 8;
	in.server_load = 0.1;
	in.has_zstd = in.has_pigz = in.has_gzip = 1;
	in.zstd_fast = 1;
	in.local_cores = 8;
	return in;
}

static void
with_link(struct siphon_tune_in *in, double bytes_per_s, double rtt_s)
{
	in->link.measured = 1;
	in->link.bytes_per_s = bytes_per_s;
	in->link.rtt_s = rtt_s;
}

static struct siphon_tune
tune(const struct siphon_tune_in *in)
{
	struct siphon_tune t;

	memset(&t, 0x5a, sizeof(t));
	siphon_tune_initial(in, &t);
	assert_true(t.jobs >= 1 && t.jobs <= 64);
	assert_true(t.window >= MIB && t.window <= 16 * MIB);
	assert_non_null(memchr(t.why, '\0', sizeof(t.why)));
	return t;
}

/* The bench's set-up: the server in a network namespace on this 2-core machine, over link bytes/s. */
static struct siphon_tune
bench(double link)
{
	struct siphon_tune_in in = base();

	in.server_cores = in.local_cores = 2;
	in.same_host = 1;
	with_link(&in, link, 0.0002);
	return tune(&in);
}

/*
 * Unshaped: compression cost more CPU than it saved, and one channel beat
 * two (-j 8 was slower still): the CPU is the limit.
 */
static void
test_tune_same_host_fast_link(void **state)
{
	struct siphon_tune t = bench(410 * MB);

	(void)state;
	assert_int_equal(t.jobs, 1);
	assert_int_equal(t.which, SIPHON_COMPRESS_NONE);
	assert_int_equal(t.level, 0);
	assert_int_equal(t.threads, 0);
	assert_int_equal(t.window, MIB);
	assert_string_equal(t.why, "link 410 MB/s, rtt 0.2 ms, same host: 2 cores shared");
}

/* 100 Mbit/s: zstd pays, at level 1, one thread a channel. */
static void
test_tune_same_host_slow_link(void **state)
{
	struct siphon_tune t = bench(12.5 * MB);

	(void)state;
	assert_int_equal(t.jobs, 2);
	assert_int_equal(t.which, SIPHON_COMPRESS_ZSTD);
	assert_int_equal(t.level, 1);
	assert_int_equal(t.threads, 1);
}

/*
 * Separate machines on a fast LAN: compression only where it relieves
 * this machine's limit.  With 8 cores here the local load is the limit,
 * which a compressor does not move: none.  With 16, siphon's one thread
 * (deciphering every wire byte) is: zstd 1 halves its bytes.
 */
static void
test_tune_separate_fast_link(void **state)
{
	struct siphon_tune_in in = base();
	struct siphon_tune t;

	(void)state;
	with_link(&in, 900 * MB, 0.0003);
	t = tune(&in);
	assert_int_equal(t.jobs, 6);
	assert_int_equal(t.which, SIPHON_COMPRESS_NONE);
	assert_int_equal(t.threads, 0);
	assert_string_equal(t.why, "link 900 MB/s, rtt 0.3 ms, server 8 cores (load 0.1), here 8");
	in.server_cores = in.local_cores = 16;
	t = tune(&in);
	assert_int_equal(t.jobs, 6);
	assert_int_equal(t.which, SIPHON_COMPRESS_ZSTD);
	assert_int_equal(t.level, 1);
	assert_int_equal(t.threads, 2);
}

/* Separate machines over 100 Mbit/s: zstd 1, the server's cores shared out as threads. */
static void
test_tune_separate_slow_link(void **state)
{
	struct siphon_tune_in in = base(), fast;
	struct siphon_tune t;

	(void)state;
	in.server_cores = 16;
	in.local_cores = 4;
	fast = in;
	with_link(&in, 12.5 * MB, 0.02);
	with_link(&fast, 900 * MB, 0.0003);
	t = tune(&in);
	assert_int_equal(t.jobs, 4);
	assert_int_equal(t.which, SIPHON_COMPRESS_ZSTD);
	assert_int_equal(t.level, 1);
	assert_int_equal(t.threads, 4);
	/* 1.5 x 250 kB over 4 channels: the 1 MiB floor. */
	assert_int_equal(t.window, MIB);
	assert_int_equal(tune(&fast).which, SIPHON_COMPRESS_NONE);
	/* A very slow link with idle cores behind it: a higher level. */
	with_link(&in, 1 * MB, 0.05);
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_ZSTD);
	assert_true(t.level >= 1);
}

/* A long fat pipe: the window follows the bandwidth-delay product. */
static void
test_tune_window_bdp(void **state)
{
	struct siphon_tune_in in = base();
	struct siphon_tune t;

	(void)state;
	in.server_cores = in.local_cores = 4;
	with_link(&in, 100 * MB, 0.1);
	t = tune(&in);
	assert_int_equal(t.jobs, 4);
	/* 1.5 x 10 MB over 4 channels. */
	assert_int_equal(t.window, (size_t)(1.5 * 100 * MB * 0.1 / 4));
	/* Larger still: 16 MiB at most. */
	with_link(&in, 1000 * MB, 0.2);
	assert_int_equal(tune(&in).window, 16 * MIB);
	/* A lower bound (the test's window was full): the old 8 MiB budget at least. */
	with_link(&in, 10 * MB, 0.1);
	in.link.lower_bound = 1;
	t = tune(&in);
	assert_int_equal(t.window, 2 * MIB);
	assert_non_null(strstr(t.why, "link >= 10 MB/s"));
}

/* Many cores and few, and a loaded server. */
static void
test_tune_cores(void **state)
{
	struct siphon_tune_in in = base();

	(void)state;
	with_link(&in, 100 * MB, 0.001);
	in.server_cores = 64;
	in.local_cores = 32;
	/* Within OpenSSH's default MaxSessions. */
	assert_int_equal(tune(&in).jobs, 6);
	in.local_cores = 1;
	assert_int_equal(tune(&in).jobs, 2);
	in.local_cores = 6;
	assert_int_equal(tune(&in).jobs, 6);
	/* A busy server: its load takes cores away. */
	in.server_cores = 8;
	in.server_load = 5.7;
	assert_int_equal(tune(&in).jobs, 3);
	in.server_load = 40;
	assert_int_equal(tune(&in).jobs, 2);
	/* Its one free core would go to the compressor before the dump: none. */
	assert_int_equal(tune(&in).which, SIPHON_COMPRESS_NONE);
	assert_int_equal(tune(&in).threads, 0);
	/* The same machine with 16 cores: half of them. */
	in.same_host = 1;
	in.local_cores = in.server_cores = 16;
	in.server_load = -1;
	assert_int_equal(tune(&in).jobs, 6);
	in.local_cores = in.server_cores = 8;
	assert_int_equal(tune(&in).jobs, 4);
	/* Unknown cores: the floor. */
	in.local_cores = in.server_cores = 0;
	assert_int_equal(tune(&in).jobs, 2);
}

/* An engine whose load waits on storage: more channels than cores. */
static void
test_tune_engine_lanes(void **state)
{
	struct siphon_tune_in in = base();

	(void)state;
	in.server_cores = in.local_cores = 2;
	in.same_host = 1;
	in.lanes_per_core = 4;
	in.load_ns = 50;
	with_link(&in, 410 * MB, 0.0002);
	assert_int_equal(tune(&in).jobs, 6);
	in.same_host = 0;
	in.server_cores = 1;
	assert_int_equal(tune(&in).jobs, 2);
}

/* -j, --compress, --level and --remote-threads are kept as given. */
static void
test_tune_explicit_kept(void **state)
{
	struct siphon_tune_in in = base();
	struct siphon_tune t;

	(void)state;
	in.server_cores = in.local_cores = 2;
	in.same_host = 1;
	with_link(&in, 410 * MB, 0.0002);
	in.jobs = 5;
	t = tune(&in);
	assert_int_equal(t.jobs, 5);
	assert_int_equal(t.which, SIPHON_COMPRESS_NONE);
	/* --compress zstd on a link where none wins: zstd, at the best of its levels. */
	in.compress = SIPHON_COMPRESS_ZSTD;
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_ZSTD);
	assert_int_equal(t.level, 1);
	/* --level alone: the preferred compressor at that level, never none. */
	in.compress = SIPHON_COMPRESS_AUTO;
	in.level = 7;
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_ZSTD);
	assert_int_equal(t.level, 7);
	in.level = -5;
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_ZSTD);
	assert_int_equal(t.level, -5);
	/* Both. */
	in.compress = SIPHON_COMPRESS_GZIP;
	in.level = 9;
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_GZIP);
	assert_int_equal(t.level, 9);
	/* --compress none on a slow link. */
	in.compress = SIPHON_COMPRESS_NONE;
	in.level = 0;
	with_link(&in, 1 * MB, 0.05);
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_NONE);
	/* --remote-threads. */
	in.compress = SIPHON_COMPRESS_PIGZ;
	in.remote_threads = 3;
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_PIGZ);
	assert_int_equal(t.threads, 3);
}

/* A zstd older than 1.3.4 has no --fast: the policy never picks one. */
static void
test_tune_old_zstd(void **state)
{
	struct siphon_tune_in in = base();
	struct siphon_tune t;

	(void)state;
	in.zstd_fast = 0;
	with_link(&in, 900 * MB, 0.0003);
	in.compress = SIPHON_COMPRESS_ZSTD;
	for (int cores = 1; cores <= 64; cores *= 2) {
		in.server_cores = in.local_cores = cores;
		t = tune(&in);
		assert_int_equal(t.which, SIPHON_COMPRESS_ZSTD);
		assert_true(t.level >= 1);
	}
}

/* No zstd: pigz, else gzip, else none; no link figure: the old defaults. */
static void
test_tune_fallbacks(void **state)
{
	struct siphon_tune_in in = base();
	struct siphon_tune t;

	(void)state;
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_ZSTD);
	assert_int_equal(t.level, 1);
	assert_string_equal(t.why, "link not measured, server 8 cores (load 0.1), here 8");
	/* The same machine behind an unknown link (the bench's veth may be shaped): still a light level. */
	in.same_host = 1;
	assert_int_equal(tune(&in).which, SIPHON_COMPRESS_ZSTD);
	/* Over loopback the link is memory, measured or not. */
	in.loopback = 1;
	assert_int_equal(tune(&in).which, SIPHON_COMPRESS_NONE);
	with_link(&in, 5 * MB, 0.01);
	assert_int_equal(tune(&in).which, SIPHON_COMPRESS_NONE);
	in.link.measured = 0;
	in.compress = SIPHON_COMPRESS_ZSTD;
	assert_int_equal(tune(&in).which, SIPHON_COMPRESS_ZSTD);
	in.compress = SIPHON_COMPRESS_AUTO;
	in.same_host = in.loopback = 0;
	in.has_zstd = 0;
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_PIGZ);
	assert_int_equal(t.level, 1);
	in.has_pigz = 0;
	with_link(&in, 5 * MB, 0.01);
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_GZIP);
	in.has_gzip = 0;
	t = tune(&in);
	assert_int_equal(t.which, SIPHON_COMPRESS_NONE);
	assert_int_equal(t.threads, 0);
}

static void
test_tune_codec_text(void **state)
{
	struct siphon_tune t;
	char buf[32];

	(void)state;
	memset(&t, 0, sizeof(t));
	t.which = SIPHON_COMPRESS_ZSTD;
	t.level = -3;
	assert_string_equal(siphon_tune_codec_text(&t, buf, sizeof(buf)), "zstd --fast=3");
	t.level = 1;
	assert_string_equal(siphon_tune_codec_text(&t, buf, sizeof(buf)), "zstd -1");
	t.which = SIPHON_COMPRESS_PIGZ;
	assert_string_equal(siphon_tune_codec_text(&t, buf, sizeof(buf)), "pigz -1");
	t.which = SIPHON_COMPRESS_NONE;
	assert_string_equal(siphon_tune_codec_text(&t, buf, sizeof(buf)), "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tune_same_host_fast_link),
		cmocka_unit_test(test_tune_same_host_slow_link),
		cmocka_unit_test(test_tune_separate_fast_link),
		cmocka_unit_test(test_tune_separate_slow_link),
		cmocka_unit_test(test_tune_window_bdp),
		cmocka_unit_test(test_tune_cores),
		cmocka_unit_test(test_tune_engine_lanes),
		cmocka_unit_test(test_tune_explicit_kept),
		cmocka_unit_test(test_tune_old_zstd),
		cmocka_unit_test(test_tune_fallbacks),
		cmocka_unit_test(test_tune_codec_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
