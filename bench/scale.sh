#!/usr/bin/env bash
# bench/scale.sh - siphon's time and memory against the database's size (issue 12: "time against
# database size (0.1, 0.5, 2 GB) is linear"; "peak RSS under 32 MB with -j 8 on a 2 GB database").
#
#   bench/scale.sh /abs/path/to/siphon          (root, like bench/net.sh)
#
# For each size in SCALE_SIZES (GB of the database as SQL text: what pg_dump / mysqldump write),
# runs bench/net.sh on its two-host set-up with data of that size, the same shapes as its "shop"
# (PostgreSQL: pgbench -s N + 8 sysbench tables; MariaDB: 8 sysbench tables; shop is 0.506 GB and
# 0.320 GB as SQL, so the knobs are shop's times size / that), the cases pg-siphon, pg-siphon-j8,
# my-siphon and my-siphon-j8 on the SCALE_PROFILES links, SCALE_R rounds. Then one report,
# bench/results/DATE-HOST-scale.{md,csv} (and -sizes.csv: bench/net.sh's summary rows of every size,
# the size first): per size and case the median wall time, seconds per GB,
# siphon's peak RSS and CPU, and how far each size is from a line through the origin and the
# largest size (time / size against the largest size's time / size).
#
# Environment: SCALE_SIZES="0.1 0.5 2" (smallest first)  SCALE_PROFILES=unshaped  SCALE_R=2  SCALE_OUT=bench/results
# (every bench/net.sh knob passes through, except the ones this script sets).
set -u -o pipefail

# shellcheck disable=SC2034 # read by common.sh
BENCH_TAG=bench-scale
# shellcheck source=common.sh disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_siphon "${1:-}"

SCALE_SIZES=${SCALE_SIZES:-0.1 0.5 2}
SCALE_PROFILES=${SCALE_PROFILES:-unshaped}
SCALE_R=${SCALE_R:-2}
SCALE_OUT=${SCALE_OUT:-$BENCH_DIR/results}
WORK=$(mktemp -d /tmp/siphon-bench-scale.XXXXXX) || die "mktemp"
trap 'rm -rf "$WORK"' EXIT

ROWS_CSV=$WORK/rows.csv
: >"$ROWS_CSV"
for gb in $SCALE_SIZES; do
	read -r scale sb_rows my_rows < <(awk -v g="$gb" 'BEGIN {
		f = g / 0.506; m = g / 0.320
		s = int(20 * f + 0.5); if (s < 1) s = 1
		printf "%d %d %d\n", s, int(200000 * f + 0.5), int(200000 * m + 0.5) }')
	say "size $gb GB: pgbench -s $scale + 8 x $sb_rows rows; MariaDB 8 x $my_rows rows"
	out=$WORK/out.$gb
	BENCH_SIZE=shop BENCH_SCALE=$scale BENCH_SB_TABLES=8 BENCH_SB_ROWS=$sb_rows BENCH_MY_TABLES=8 \
		BENCH_MY_ROWS=$my_rows BENCH_CASES="pg-siphon pg-siphon-j8 my-siphon my-siphon-j8" \
		BENCH_PROFILES=$SCALE_PROFILES BENCH_R=$SCALE_R BENCH_OUT=$out \
		"$BENCH_DIR/net.sh" "$SIPHON" >"$WORK/log.$gb" 2>&1 ||
		{ tail -n 20 "$WORK/log.$gb" >&2; die "bench/net.sh failed at $gb GB (its log above)"; }
	data=$(sed -n 's/^- data: //p' "$out/latest.md")
	awk -F, -v g="$gb" -v d="$data" 'NR > 1 { print g "," $0 "," "\"" d "\"" }' "$out/latest.csv" >>"$ROWS_CSV"
	say "size $gb GB done"
done

HOST_NAME=$(hostname -s 2>/dev/null || uname -n)
mkdir -p "$SCALE_OUT" || die "mkdir $SCALE_OUT"
STEM=$SCALE_OUT/$(date -u +%Y%m%d-%H%M)-$HOST_NAME-scale
MACHINE="$(date -u +%Y-%m-%dT%H:%MZ) on $HOST_NAME: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores, $(awk '$1 == "MemTotal:" { printf "%.0f GB", $2 / 1e6 }' /proc/meminfo) RAM"
VERSION="$("$SIPHON" --version 2>&1 | head -n 1) ($(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'))"

cp "$ROWS_CSV" "$STEM-sizes.csv" || die "cp $STEM-sizes.csv"
# rows.csv: size, then bench/net.sh's summary csv (engine,profile,case,kind,label,runs_ok,runs,
# median_s,...,siphon_cpu_s($17),siphon_rss_mib($18),...), then the data line.
awk -F, -v md="$STEM.md" -v csv="$STEM.csv" -v machine="$MACHINE" -v version="$VERSION" \
	-v r="$SCALE_R" '
$3 != "floor" {
	k = $3 SUBSEP $4; key[k] = 1; eng[k] = $2; prof[k] = $3; cs[k] = $4
	n = ++cnt[k]; sz[k, n] = $1; t[k, n] = $9; cpu[k, n] = $18; rss[k, n] = $19; ok[k, n] = $7 "/" $8
	if ($1 + 0 > big[k] + 0) { big[k] = $1; bigt[k] = $9 }
}
END {
	print "# siphon against the database size (bench/scale.sh)" > md
	print "" > md
	print "- machine: " machine > md
	print "- siphon: " version > md
	print "- data: bench/net.sh shop shapes scaled to each size (GB as SQL text); medians of " r " rounds, the unshaped two-host link unless the profile says" > md
	print "- linear: (time / size) / (the largest size'"'"'s time / size); 1.00 = on the line through the origin, above 1 = the size costs more per GB than the largest (start-up)" > md
	print "" > md
	print "- marginal: (time - the next smaller size'"'"'s time) / (size - its size): the same at every step = linear with a fixed start-up" > md
	print "" > md
	print "| engine | link | case | size GB | good runs | median s | s per GB | marginal s per GB | linear | siphon RSS MiB | siphon CPU s |" > md
	print "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|" > md
	print "engine,profile,case,size_gb,runs_ok,median_s,s_per_gb,marginal_s_per_gb,linear,siphon_rss_mib,siphon_cpu_s" > csv
	for (k in key) keys[++nk] = k
	for (i = 1; i <= nk; i++) for (j = i + 1; j <= nk; j++) if (keys[j] < keys[i]) { x = keys[i]; keys[i] = keys[j]; keys[j] = x }
	for (i = 1; i <= nk; i++) {
		k = keys[i]
		for (n = 1; n <= cnt[k]; n++) {
			spg = (t[k, n] != "-" && sz[k, n] > 0) ? t[k, n] / sz[k, n] : "-"
			lin = (spg != "-" && bigt[k] != "-" && bigt[k] > 0) ? spg / (bigt[k] / big[k]) : "-"
			mg = (n > 1 && t[k, n] != "-" && t[k, n - 1] != "-" && sz[k, n] > sz[k, n - 1]) ? (t[k, n] - t[k, n - 1]) / (sz[k, n] - sz[k, n - 1]) : "-"
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", eng[k], prof[k], cs[k], sz[k, n], ok[k, n],
				t[k, n], spg == "-" ? "-" : sprintf("%.1f", spg), mg == "-" ? "-" : sprintf("%.1f", mg),
				lin == "-" ? "-" : sprintf("%.2f", lin), rss[k, n], cpu[k, n] > md
			printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", eng[k], prof[k], cs[k], sz[k, n], ok[k, n], t[k, n],
				spg == "-" ? "-" : sprintf("%.2f", spg), mg == "-" ? "-" : sprintf("%.2f", mg),
				lin == "-" ? "-" : sprintf("%.3f", lin), rss[k, n], cpu[k, n] > csv
		}
	}
	print "" > md
	print "Data per size:" > md
	print "" > md
}' "$ROWS_CSV" || die "the report failed"
awk -F'"' '{ print $2 }' "$ROWS_CSV" | awk '!seen[$0]++ { print "- " $0 }' >>"$STEM.md"
cat "$STEM.md"
say "results: $STEM.md, $STEM.csv"
