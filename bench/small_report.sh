#!/usr/bin/env bash
# bench/small_report.sh - the report of a `BENCH_SIZE=small bench/net.sh` run (issue 12, "many
# small tables"): per engine and profile, siphon's medians on small_many and small_few and their
# ratio (the target: many / few <= 2), as Markdown in STEM.md and one CSV line each in STEM.csv.
#
#   bench/small_report.sh STEM [MACHINE] [SIPHON_VERSION] [SIZES]
#
# Cases named .base (net.sh's BENCH_BASE: another binary) get rows and a ratio of their own.
#
# Reads STEM-runs.csv (net.sh's runs file). A run counts when it exited 0 and its copy matched.
set -u -o pipefail

STEM=${1:?usage: small_report.sh STEM [MACHINE] [VERSION] [SIZES]}
[ -s "$STEM-runs.csv" ] || { echo "small_report.sh: no $STEM-runs.csv" >&2; exit 1; }

awk -F, -v machine="${2:-}" -v version="${3:-}" -v sizes="${4:-}" -v md="$STEM.md" -v csv="$STEM.csv" '
function add(a, k, v) { if (v != "" && v != "-") a[k] = (k in a) ? a[k] " " v : v }
function med(list,   n, v, i, j, t) {
	if (list == "") return "-"
	n = split(list, v, " ")
	for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
	return (n % 2) ? v[(n + 1) / 2] + 0 : (v[n / 2] + v[n / 2 + 1]) / 2
}
function ratio(a, b) { return (a == "-" || b == "-" || b <= 0) ? "-" : sprintf("%.2f", a / b) }
function f(x, fmt) { return x == "-" ? "-" : sprintf(fmt, x) }
NR == 1 { next }
{
	k = $2 SUBSEP $3; runs[k]++; prof[$2] = 1
	if ($5 != 0 || ($6 != "ok" && $6 != "-")) next
	ok[k]++
	add(wall, k, $7); add(down, k, $8); add(scpu, k, $13); add(srss, k, $12); add(first, k, $14); add(last, k, $15); add(fin, k, $16)
}
END {
	print "# many small tables against few big ones (bench/net.sh BENCH_SIZE=small)" > md
	print "" > md
	if (machine != "") print "- machine: " machine > md
	if (version != "") print "- siphon: " version > md
	if (sizes != "") print "- data: " sizes > md
	print "- medians of the good runs (exit 0, copy checked); siphon with its defaults; target: many / few <= 2" > md
	print "" > md
	print "| engine | profile | case | runs ok | wall s | wire MB | siphon CPU s | siphon RSS MiB | first row s | last row s | finish s | many / few |" > md
	print "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" > md
	print "engine,profile,case,runs_ok,runs,median_s,wire_down_mb,siphon_cpu_s,siphon_rss_mib,first_row_s,last_row_s,finish_s,ratio_many_few" > csv
	ne = split("pg my", eng, " ")
	for (p in prof) for (ei = 1; ei <= ne; ei++) for (bi = 1; bi <= 2; bi++) for (ci = 1; ci <= 2; ci++) {
		sfx = bi == 1 ? "" : ".base"
		c = eng[ei] "-" (ci == 1 ? "many" : "few") sfx; k = p SUBSEP c
		if (!(k in runs)) continue
		r = ratio(med(wall[p SUBSEP eng[ei] "-many" sfx]), med(wall[p SUBSEP eng[ei] "-few" sfx]))
		w = med(wall[k]); d = med(down[k]); sc = med(scpu[k]); sr = med(srss[k])
		printf "| %s | %s | %s | %d/%d | %s | %s | %s | %s | %s | %s | %s | %s |\n", eng[ei], p, c, ok[k], runs[k], f(w, "%.1f"),
			f(d == "-" ? "-" : d / 1e6, "%.1f"), f(sc, "%.2f"), f(sr == "-" ? "-" : sr / 1024, "%.1f"),
			f(med(first[k]), "%.1f"), f(med(last[k]), "%.1f"), f(med(fin[k]), "%.1f"), ci == 1 ? r : "" > md
		printf "%s,%s,%s,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s\n", eng[ei], p, c, ok[k], runs[k], w, d == "-" ? "-" : d / 1e6, sc,
			sr == "-" ? "-" : sr / 1024, med(first[k]), med(last[k]), med(fin[k]), r > csv
	}
}' "$STEM-runs.csv"
