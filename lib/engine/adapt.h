/*
 * adapt.h - the compression level while a pull runs: up while the link is
 * the limit, down while the server's CPU or (on one machine) the local
 * load is.
 *
 * tune.c chooses where a pull starts from what it knows before any row
 * moves; this controller goes on from there with what the pull itself
 * shows.  Pure: the engine samples it with its channels' figures (wire
 * bytes so far, how many channels carry data, how many are held back by
 * the local load) and asks which level the next piece of each channel
 * should use; tests/unit/test_adapt.c walks it through every case.
 *
 * The rule, once a window of ADAPT_WINDOW_S has passed:
 *   - the link's capacity is the larger of the link test's rate and the
 *     highest rate a window has seen;
 *   - most channels held back by the local load: the local side is the
 *     limit.  On one machine a lower level gives its CPU back to the load
 *     (vote down); on two, the level does not matter to it (no vote);
 *   - else the wire at ADAPT_FULL of the capacity or more: the link is the
 *     limit, the server has CPU to spare (vote up), unless samples of the
 *     data being pulled, compressed here at this level and the next
 *     (siphon_adapt_gain), say the next saves less than ADAPT_MIN_GAIN of
 *     the bytes (no vote: on random text such as sysbench's, zstd 3 writes
 *     more than zstd 1, for three times the CPU);
 *   - else the wire at ADAPT_SLOW of it or less: the server (its dump or
 *     its compressor) is the limit (vote down);
 *   - between the two, nothing to gain either way (votes reset).
 * Two votes in a row move one rung; after a move the controller waits
 * ADAPT_HOLD_S (the pieces at the new level must reach the wire before
 * their effect can be seen).  The band between ADAPT_SLOW and ADAPT_FULL
 * and the two votes are the hysteresis: a level is not dropped for one slow
 * second.
 *
 * The level tune.c started with is the floor: its cost model weighed the
 * CPU already, and going lighter saved little CPU while it lost ratio (on
 * the bench at 100 Mbit/s a controller that went down to --fast=3 while a
 * compressible table kept the wire below the link, and had to climb back
 * for the next incompressible one, was 2-3 s slower than a fixed level).
 * Up from it only when the link test measured the link's rate (a test
 * that saw only a floor, on a fast link, cannot tell a full link from a
 * busy server).
 */
#ifndef SIPHON_ENGINE_ADAPT_H
#define SIPHON_ENGINE_ADAPT_H

#include <stddef.h>
#include <stdint.h>

#define SIPHON_ADAPT_MAX_RUNGS 8

struct siphon_adapt {
	int on;                             /* 0: the level stays as chosen */
	int rungs[SIPHON_ADAPT_MAX_RUNGS];  /* zstd levels, lightest first */
	int nrungs;
	int rung;                           /* the current one */
	int start;                          /* the one tune.c chose */
	double link_bytes_per_s;            /* the link test's rate (0: not measured) */
	int link_exact;                     /* ... and it is the link's, not a floor */
	int same_host;                      /* one pool of cores for both sides */
	/* The window being measured. */
	double t0;
	uint64_t wire0;
	int started;
	double peak;                        /* the highest rate a window saw */
	double rate;                        /* the last window's */
	int votes;                          /* > 0 up, < 0 down, in a row */
	double hold_until;
	int changes;                        /* moves so far */
	/* Samples at this rung's level and the next's: decayed sums of their compressed sizes. */
	double at_rung, at_next;
	int samples;
	int nogain;                         /* the last window's up vote was dropped for them */
	char why_stay[160];                 /* ... and why, one line */
	char why[160];                      /* the last move's reason, one line */
};

/*
 * Starts at level (the highest rung at or below it) with the rungs the
 * server's zstd has (fast: its --fast=N levels too).
 */
void siphon_adapt_init(struct siphon_adapt *a, int level, int fast, double link_bytes_per_s,
                       int link_exact, int same_host);

/*
 * One sample: now (seconds, monotonic), the wire bytes of every data
 * channel so far, how many channels carry data and how many of them the
 * local side holds back.  Returns +1 or -1 when the level moved (a->why
 * says why), else 0.
 */
int siphon_adapt_sample(struct siphon_adapt *a, double now, uint64_t wire, int busy, int held);

/* The level the next piece should use. */
int siphon_adapt_level(const struct siphon_adapt *a);

/* The next rung's level, which a sample is compared with; 0 when there is none (no sample needed). */
int siphon_adapt_next_level(const struct siphon_adapt *a);

/*
 * A sample of the pulled data compressed at level (at_level bytes) and at
 * the next rung's level (at_next bytes).  A sample taken for another level
 * than the current one (the level moved meanwhile) is dropped.
 */
void siphon_adapt_gain(struct siphon_adapt *a, int level, uint64_t at_level, uint64_t at_next);

#endif
