/* tune.c - the starting channels, compressor, level, threads and windows (tune.h has the rule). */
#include "engine/tune.h"

#include <stdio.h>

/*
 * The cost model: CPU nanoseconds per raw (uncompressed) byte, or per wire
 * byte where said, on the development machine (2 cores, x86-64 with
 * AES-NI).  The dump and load figures come from the issue's `pg_dump |
 * psql` over the unshaped veth (about 40 ns a byte for everything), the
 * cipher figures from libssh2's ~550 MB per CPU second (notes) and sshd's
 * like it; what matters is their proportions: the dump and the load dwarf
 * the compressor at low levels, which is why a level pays only where the
 * link or siphon's one thread is the limit.
 */
#define DUMP_NS 10.0          /* the database and its dump client on the server */
#define LOAD_NS 26.0          /* the local client and database (PostgreSQL's COPY) */
#define SEND_NS 1.5           /* per wire byte: sshd's cipher and MAC */
#define RECV_NS 2.0           /* per wire byte: libssh2's cipher, MAC and copies */
#define FRAME_NS 1.0          /* siphon's framing and its writes to the local client */
#define NEAR_BEST 0.03        /* this close to the best score: the one costing the least CPU wins */

#define MIB ((size_t)1024 * 1024)
#define WINDOW_MIN (1 * MIB)
#define WINDOW_MAX (16 * MIB)
#define WINDOW_BUDGET (8 * MIB) /* the floor when the link's rate is not known */
/*
 * The level when the link is not known: zstd 1 beat 3 on the bench's data
 * in both ratio and speed (with siphon's 512 KiB window) and costs little
 * if the link turns out fast; gzip's 1 likewise.
 */
#define UNMEASURED_LEVEL 1
#define JOBS_MIN 2
/*
 * At most 6 channels unless -j says more: with its control sessions and
 * the watchdog a pull then stays within OpenSSH's default MaxSessions
 * (10; the harness's sshd let 9 open at once), where more channels would
 * only wait for one another.
 */
#define JOBS_MAX 6

/* What a level does to one kind of data. */
struct effect {
	double ratio;             /* raw bytes per wire byte */
	double comp_ns, dec_ns;   /* per raw byte, one thread */
};

/*
 * Before the catalog nothing is known of the data, so each level is judged
 * on two kinds of dump, measured with `zstd -T1 --zstd=wlog=19` (and gzip
 * -1/-6) on this project's bench data: "mixed", pgbench_accounts' padded
 * rows with sysbench's random digits in equal parts, and "hard", the
 * random digits alone (zstd's fast levels hardly shrink them: their
 * literals are not entropy coded).  A level must do well on both.
 */
struct rung {
	enum siphon_compress which;
	int level;
	struct effect mixed, hard;
};

static const struct rung ladder[] = {
	{SIPHON_COMPRESS_NONE, 0, {1.0, 0.0, 0.0}, {1.0, 0.0, 0.0}},
	{SIPHON_COMPRESS_ZSTD, -8, {1.76, 2.0, 0.84}, {1.0, 3.2, 1.0}},
	{SIPHON_COMPRESS_ZSTD, -3, {1.87, 2.35, 0.84}, {1.0, 3.2, 1.0}},
	{SIPHON_COMPRESS_ZSTD, 1, {4.1, 2.7, 0.84}, {2.2, 4.5, 1.3}},
	{SIPHON_COMPRESS_ZSTD, 3, {3.8, 6.7, 1.2}, {2.0, 12.0, 2.3}},
	{SIPHON_COMPRESS_ZSTD, 6, {3.9, 15.0, 1.3}, {2.1, 24.0, 2.9}},
	{SIPHON_COMPRESS_ZSTD, 9, {4.0, 25.0, 1.3}, {2.1, 40.0, 2.9}},
	{SIPHON_COMPRESS_PIGZ, 1, {3.5, 9.0, 5.0}, {1.9, 14.0, 7.0}},
	{SIPHON_COMPRESS_PIGZ, 6, {3.7, 40.0, 4.5}, {2.0, 73.0, 6.0}},
	{SIPHON_COMPRESS_GZIP, 1, {3.5, 9.0, 5.0}, {1.9, 14.0, 7.0}},
	{SIPHON_COMPRESS_GZIP, 6, {3.7, 40.0, 4.5}, {2.0, 73.0, 6.0}},
};
#define NRUNGS (sizeof(ladder) / sizeof(ladder[0]))

static int
clamp_int(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The server's cores less its load, at least 1. */
static int
server_free(const struct siphon_tune_in *in)
{
	int cores = in->server_cores > 0 ? in->server_cores : 1;
	int busy = in->server_load > 0 ? (int)in->server_load : 0;

	return cores - busy > 1 ? cores - busy : 1;
}

static int
local_cores(const struct siphon_tune_in *in)
{
	return in->local_cores > 0 ? in->local_cores : 1;
}

/* which: the compressor pick_codec chose (none: every channel's work is CPU). */
static int
pick_jobs(const struct siphon_tune_in *in, enum siphon_compress which)
{
	int here = local_cores(in), n;

	if (in->jobs > 0)
		return in->jobs;
	if (in->lanes_per_core > 0) {
		n = (int)(in->lanes_per_core * here + 0.5);
		if (!in->same_host && n > 2 * server_free(in))
			n = 2 * server_free(in);
		return clamp_int(n, JOBS_MIN, JOBS_MAX);
	}
	/*
	 * One machine and a link nothing is compressed for: every channel's
	 * work is CPU, from the one pool; on 2 or 3 cores a second channel
	 * only adds contention (tune.h).  Cores unknown: the floor.
	 */
	if (in->same_host)
		return clamp_int(here / 2, which == SIPHON_COMPRESS_NONE && in->local_cores > 0 ? 1 : JOBS_MIN,
		                 JOBS_MAX);
	n = server_free(in) < here ? server_free(in) : here;
	return clamp_int(n, JOBS_MIN, JOBS_MAX);
}

/* The compressor auto falls back to: the first the server has. */
static enum siphon_compress
preferred(const struct siphon_tune_in *in)
{
	if (in->has_zstd)
		return SIPHON_COMPRESS_ZSTD;
	if (in->has_pigz)
		return SIPHON_COMPRESS_PIGZ;
	return in->has_gzip ? SIPHON_COMPRESS_GZIP : SIPHON_COMPRESS_NONE;
}

/* May the policy consider this rung, given the options and the server? */
static int
allowed(const struct siphon_tune_in *in, enum siphon_compress family, const struct rung *r)
{
	if (in->compress == SIPHON_COMPRESS_NONE)
		return r->which == SIPHON_COMPRESS_NONE;
	if (r->which == SIPHON_COMPRESS_NONE)
		return in->compress == SIPHON_COMPRESS_AUTO && in->level == 0;
	if (r->which != family)
		return 0;
	if (r->level < 0 && !in->zstd_fast)
		return 0;
	return in->level == 0 || in->level == r->level;
}

/*
 * What a level adds to the CPU a raw byte costs, both machines together
 * and both kinds of data: the compressor, the cipher on both ends (per
 * wire byte), the decoder.
 */
static double
codec_cost(const struct rung *r)
{
	return r->mixed.comp_ns + (SEND_NS + RECV_NS) / r->mixed.ratio + r->mixed.dec_ns +
	       r->hard.comp_ns + (SEND_NS + RECV_NS) / r->hard.ratio + r->hard.dec_ns;
}

/* Predicted raw bytes a second through the whole pull with effect f. */
static double
predict(const struct siphon_tune_in *in, const struct effect *f)
{
	double load = in->load_ns > 0 ? in->load_ns : LOAD_NS;
	double wire_ns = (SEND_NS + RECV_NS) / f->ratio;
	double best = 1e12, v;

	if (in->link.measured && in->link.bytes_per_s > 0)
		best = in->link.bytes_per_s * f->ratio;
	if (in->same_host) {
		v = local_cores(in) * 1e9 / (DUMP_NS + f->comp_ns + wire_ns + f->dec_ns + FRAME_NS + load);
		best = v < best ? v : best;
	} else {
		v = server_free(in) * 1e9 / (DUMP_NS + f->comp_ns + SEND_NS / f->ratio);
		best = v < best ? v : best;
		v = local_cores(in) * 1e9 / (RECV_NS / f->ratio + f->dec_ns + FRAME_NS + load);
		best = v < best ? v : best;
	}
	/* siphon's one thread deciphers, decodes and frames every channel's bytes. */
	v = 1e9 / (RECV_NS / f->ratio + f->dec_ns + FRAME_NS);
	return v < best ? v : best;
}

/*
 * The compressor and level: an explicit pair as given; else the best
 * predicted candidate (the lightest near it); none over loopback; without
 * a measured link a light level.
 */
static void
pick_codec(const struct siphon_tune_in *in, struct siphon_tune *out)
{
	enum siphon_compress family = in->compress == SIPHON_COMPRESS_AUTO ? preferred(in) : in->compress;
	double mixed[NRUNGS] = {0}, hard[NRUNGS] = {0}, score[NRUNGS];
	double best_mixed = 0, best_hard = 0, top = 0;
	size_t i, pick = NRUNGS;

	out->which = family;
	out->level = in->level != 0 ? in->level : UNMEASURED_LEVEL;
	out->predicted = 0;
	if (family == SIPHON_COMPRESS_NONE || (in->compress != SIPHON_COMPRESS_AUTO && in->level != 0)) {
		out->level = family == SIPHON_COMPRESS_NONE ? 0 : out->level;
		return;
	}
	/*
	 * Over loopback the link is this machine's memory: none, whatever the
	 * link test saw (its figure there is only how busy the CPU was).
	 */
	if (in->loopback && in->compress == SIPHON_COMPRESS_AUTO && in->level == 0) {
		out->which = SIPHON_COMPRESS_NONE;
		out->level = 0;
		return;
	}
	/*
	 * Not measured (no dd there, or it took too long to start): it may be
	 * slow, and a light level costs little if it is not.
	 */
	if (!in->link.measured)
		return;
	/* Each candidate's rate on each kind of data, and the best on each. */
	for (i = 0; i < NRUNGS; i++) {
		if (!allowed(in, family, &ladder[i]))
			continue;
		mixed[i] = predict(in, &ladder[i].mixed);
		hard[i] = predict(in, &ladder[i].hard);
		best_mixed = mixed[i] > best_mixed ? mixed[i] : best_mixed;
		best_hard = hard[i] > best_hard ? hard[i] : best_hard;
	}
	/* An explicit level outside the ladder: nothing to choose. */
	if (best_mixed <= 0 || best_hard <= 0)
		return;
	/* A candidate's score: its worse share of the best, over the two kinds. */
	for (i = 0; i < NRUNGS; i++) {
		double a = mixed[i] / best_mixed, b = hard[i] / best_hard;

		score[i] = a < b ? a : b;
		top = score[i] > top ? score[i] : top;
	}
	/* Near the best, the CPU left over goes to the indexes, and production has more to spare. */
	for (i = 0; i < NRUNGS; i++)
		if (score[i] > 0 && score[i] >= top - NEAR_BEST &&
		    (pick == NRUNGS || codec_cost(&ladder[i]) < codec_cost(&ladder[pick])))
			pick = i;
	out->which = ladder[pick].which;
	out->level = ladder[pick].level;
	out->predicted = (mixed[pick] + hard[pick]) / 2;
}

static int
pick_threads(const struct siphon_tune_in *in, int jobs)
{
	int n;

	if (in->remote_threads > 0)
		return in->remote_threads;
	if (in->same_host)
		return 1;
	n = server_free(in) / jobs;
	return n > 1 ? n : 1;
}

static size_t
pick_window(const struct siphon_tune_in *in, int jobs)
{
	double bdp = in->link.measured ? in->link.bytes_per_s * in->link.rtt_s : 0;
	double per = 1.5 * bdp / jobs;

	if (!in->link.measured || in->link.lower_bound) {
		double floor = (double)WINDOW_BUDGET / jobs;

		per = per > floor ? per : floor;
	}
	if (per < (double)WINDOW_MIN)
		return WINDOW_MIN;
	return per > (double)WINDOW_MAX ? WINDOW_MAX : (size_t)per;
}

static void
explain(const struct siphon_tune_in *in, struct siphon_tune *out)
{
	char link[64], where[80];

	if (!in->link.measured)
		snprintf(link, sizeof(link), "link not measured");
	else
		snprintf(link, sizeof(link), "link %s%.0f MB/s, rtt %.1f ms", in->link.lower_bound ? ">= " : "",
		         in->link.bytes_per_s / 1e6, in->link.rtt_s * 1e3);
	if (in->same_host)
		snprintf(where, sizeof(where), "same host: %d core%s shared", local_cores(in),
		         local_cores(in) == 1 ? "" : "s");
	else if (in->server_load >= 0)
		snprintf(where, sizeof(where), "server %d core%s (load %.1f), here %d", in->server_cores,
		         in->server_cores == 1 ? "" : "s", in->server_load, local_cores(in));
	else
		snprintf(where, sizeof(where), "server %d core%s, here %d", in->server_cores,
		         in->server_cores == 1 ? "" : "s", local_cores(in));
	snprintf(out->why, sizeof(out->why), "%s, %s", link, where);
}

void
siphon_tune_initial(const struct siphon_tune_in *in, struct siphon_tune *out)
{
	/* The compressor does not depend on the channels; their number on it, on one machine. */
	pick_codec(in, out);
	out->jobs = pick_jobs(in, out->which);
	out->threads = out->which == SIPHON_COMPRESS_NONE ? 0 : pick_threads(in, out->jobs);
	out->window = pick_window(in, out->jobs);
	explain(in, out);
}

const char *
siphon_tune_codec_text(const struct siphon_tune *t, char *buf, size_t cap)
{
	static const char *const names[] = {"auto", "zstd", "pigz", "gzip", "none"};
	const char *name = (unsigned)t->which < sizeof(names) / sizeof(names[0]) ? names[t->which] : "?";

	if (t->which == SIPHON_COMPRESS_NONE)
		snprintf(buf, cap, "none");
	else if (t->level < 0)
		snprintf(buf, cap, "%s --fast=%d", name, -t->level);
	else
		snprintf(buf, cap, "%s -%d", name, t->level);
	return buf;
}
