/* summary.c - the line siphon prints after a successful pull. */
#include "summary.h"

#include "args.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void
cli_format_bytes(char *buf, size_t cap, uint64_t n)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1000) {
		snprintf(buf, cap, "%" PRIu64 " B", n);
		return;
	}
	v /= 1000;
	while (v >= 999.95 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000;
		u++;
	}
	snprintf(buf, cap, "%.1f %s", v, units[u]);
}

void
cli_format_summary(char *buf, size_t cap, const struct siphon_opts *o,
                   const struct siphon_pull_stats *st)
{
	const char *dbname = siphon_opts_str(o, "database"), *host = siphon_opts_str(o, "host");
	const char *into_opt = siphon_opts_str(o, "into");
	char raw[32], wire[32], rate[48] = "";
	/* The library fills codec; do not trust it to be terminated. */
	int codec_len = (int)strnlen(st->codec, sizeof(st->codec));
	int into_len = (int)strnlen(st->into, sizeof(st->into));
	const char *into = into_len > 0 ? st->into : into_opt != NULL ? into_opt : dbname;

	if (cap == 0)
		return;
	cli_format_bytes(raw, sizeof(raw), st->raw_bytes);
	cli_format_bytes(wire, sizeof(wire), st->wire_bytes);
	/* Below a millisecond the rate says nothing but noise. */
	if (st->seconds >= 0.001)
		snprintf(rate, sizeof(rate), ", %.1f MB/s",
		         (double)st->raw_bytes / st->seconds / 1e6);
	snprintf(buf, cap,
	         "pulled %s from %s into %.*s: %u table%s, %s (%s on the wire%s%.*s)"
	         " in %.1f s%s",
	         dbname, host, into_len > 0 ? into_len : (int)strlen(into), into, st->tables, st->tables == 1 ? "" : "s",
	         raw, wire, codec_len > 0 ? ", " : "", codec_len, st->codec,
	         st->seconds, rate);
	if (st->left_out > 0) {
		size_t used = strlen(buf);

		snprintf(buf + used, cap - used, "; %u thing%s not copied exactly (warnings above)",
		         st->left_out, st->left_out == 1 ? "" : "s");
	}
	if (st->reconnects > 0 || st->resumed_run) {
		size_t used = strlen(buf);
		char lost[64] = "";

		if (st->reconnects > 0)
			snprintf(lost, sizeof(lost), "%s%u lost connection%s", st->resumed_run ? " and " : " after ",
			         st->reconnects, st->reconnects == 1 ? "" : "s");
		/* The library fills consistency; do not trust it to be terminated. */
		snprintf(buf + used, cap - used, "; resumed%s%s, consistent %s%.*s",
		         st->resumed_run ? " an interrupted pull's partial copy" : "", lost,
		         /* "per table: ..." even when every table is kept and only the objects came later. */
		         strncmp(st->consistency, "per ", 4) == 0 ? "" : "at ",
		         (int)strnlen(st->consistency, sizeof(st->consistency)), st->consistency);
	}
	/* Database names may hold anything; keep the terminal sane. */
	cli_sanitize(buf);
}
