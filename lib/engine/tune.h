/*
 * tune.h - what a pull starts with, chosen from what was measured: how many
 * channels, which compressor at which level, its threads per channel, and
 * each channel's window.
 *
 * Pure: the caller gathers the facts (the probe, the link test, this
 * machine, the options), siphon_tune_initial() decides, so that the unit
 * tests (tests/unit/test_tune.c) go through every case without a server.
 * An option the user gave (-j, --compress, --level, --remote-threads) is
 * kept as given; the policy fills in the rest around it.
 *
 * The rule, and why (the figures are this project's bench, issue 12):
 *
 * Channels.  A channel costs, on each side, a database session and a
 * client working at full speed, so more channels than cores only add
 * switching.  Separate machines: min(server cores less its load, local
 * cores), 2 to 6 (a pull's control sessions and watchdog come on top, and
 * OpenSSH's default MaxSessions is 10).  The same machine (the server's kernel is ours: a
 * container, a network namespace): one pool of cores serves both sides,
 * so half of them, at least 2 (on 2 shared cores -j 8 was slower than
 * -j 2), and at least 1 when nothing is compressed (a link faster than
 * the CPU: then every channel's work is CPU; PostgreSQL on 2 shared cores,
 * unshaped: 12.9 s with -j 1, 14.6-16.6 s with -j 2, where on the slow
 * link 2 channels let one carry the link-bound tables while the other's
 * rows are local work).  An engine whose local load waits on its storage rather than on
 * the CPU (MySQL's LOAD DATA: -j 8 was its best on those 2 cores) says so
 * with its lanes per core (engine.h), within the same 2 to 6.
 *
 * Compressor and level.  Each candidate (none, zstd --fast=8 and
 * --fast=3 when the server's zstd has them, zstd 1, 3, 6, 9, else pigz or
 * gzip 1 and 6) gets a predicted rate of raw bytes: the least of
 *   - the link: its measured rate times the level's ratio;
 *   - the CPU: per raw byte, the dump on the server, the compressor, the
 *     SSH cipher on both ends (per wire byte), the decoder, the local load;
 *     separate machines have a pool each (the server's free cores, ours),
 *     the same machine one pool for all of it;
 *   - siphon's own thread (one, for every channel): the cipher, the
 *     decoder and the framing.
 * The data is not known yet, so each candidate is predicted on two kinds
 * of dump measured on the bench's data (a mixed one, and random digits
 * that only entropy coding shrinks) and scored by its worse share of the
 * best on either.  The best score wins; among candidates within 0.03 of it,
 * the one that costs the least CPU on both machines together (the
 * compressor, the ciphers, the decoder), so that CPU is left for the
 * indexes and production.  The outcome: on a slow link zstd 1 (it beat
 * -3 in both ratio and speed with siphon's 512 KiB window), higher only
 * where the server's cores idle behind a very slow link; on a fast link
 * between separate machines zstd 1 where this machine's cores are the
 * limit, none where they are not; on one machine over a fast link none
 * (every cycle the compressor takes, the local load loses).  zstd's fast
 * levels stay candidates but rarely win: they barely shrink digits.
 *
 * Over loopback none, measured or not: the link is this machine's memory,
 * and the link test's figure there says only how busy the CPU was (it
 * varied 21..70 MB/s between two runs under load, and so did the choice).
 * Without a link figure (no dd on the server, or it took more than half a
 * second to start): zstd 1.
 *
 * Threads per channel: the server's free cores shared among the channels
 * (at least 1); on the same machine 1, since every core the compressor
 * takes is one the local load needs.
 *
 * Window per channel: 1.5 x the bandwidth-delay product shared among the
 * channels, 1 to 16 MiB: enough to keep the link full, no more (a paused
 * channel keeps its whole window in memory, and libssh2 walks every queued
 * packet on each read).  When the link test could not see the link's rate
 * (the test ended with its own window full), the old budget of 8 MiB over
 * the channels is the floor.
 */
#ifndef SIPHON_ENGINE_TUNE_H
#define SIPHON_ENGINE_TUNE_H

#include "siphon.h"

#include <stddef.h>

/* What the link test measured (engine/linktest.c). */
struct siphon_link {
	int measured;            /* bytes came: the figures below mean something */
	double bytes_per_s;      /* what one channel carried */
	double rtt_s;            /* a round trip: a channel's open to its confirmation */
	int lower_bound;         /* the test's own window was the limit: the
	                            link may be faster than bytes_per_s */
};

struct siphon_tune_in {
	/* The options: 0 (AUTO for compress) when not given. */
	int jobs;
	enum siphon_compress compress;
	int level;
	int remote_threads;
	/* The server (the probe). */
	int server_cores;
	double server_load;      /* 1-minute load average; < 0: unknown */
	int has_zstd, has_pigz, has_gzip;
	int zstd_fast;           /* its zstd takes --fast=N (1.3.4 and later) */
	/* This machine, and the two together. */
	int local_cores;
	int same_host;           /* one kernel, so one pool of cores */
	int loopback;            /* reached over 127.0.0.0/8 or ::1 */
	struct siphon_link link;
	/* The engine's hints (engine.h); 0: the defaults. */
	double load_ns;          /* CPU per raw byte of the local load */
	double lanes_per_core;   /* channels per local core */
};

struct siphon_tune {
	int jobs;
	enum siphon_compress which;  /* SIPHON_COMPRESS_NONE or the compressor */
	int level;                   /* 0 for none; negative: zstd --fast=-level */
	int threads;                 /* compressor threads per channel; 0: all cores */
	size_t window;               /* each data channel's receive window */
	double predicted;            /* the winner's predicted raw bytes/s */
	/* Why, for -v, plan and doctor: "link 410 MB/s, rtt 0.2 ms, same host: 2 cores shared". */
	char why[160];
};

/* The policy; fills out.  Never fails: unknown facts fall back to safe values. */
void siphon_tune_initial(const struct siphon_tune_in *in, struct siphon_tune *out);

/* "zstd --fast=3", "zstd -1", "pigz -1", "none" into buf. */
const char *siphon_tune_codec_text(const struct siphon_tune *t, char *buf, size_t cap);

#endif
