#!/usr/bin/env bash
# bench/net_report.sh - the report of a bench/net.sh run, from its runs file: STEM.md (Markdown
# tables), STEM.csv (one line per profile and case) and STEM.svg (a bar chart).
#
#   bench/net_report.sh STEM "PROFILES" [MACHINE] [SIPHON_VERSION] [SIZES]
#
# Reads STEM-runs.csv (one line per run, as net.sh writes it). A run counts when it exited 0 and
# its copy matched the source. Per profile and case: the median, min and max of the wall time and
# the medians of the rest. Per engine and profile: the best hand pipeline (the lowest median of the
# "pipe" cases) and the floor, max(siphon's wire bytes / link rate, the dump alone, the restore
# alone), the last two from the "floor" cases (run on the bare link). Plain awk (mawk is enough)
# and printf: no dependency beyond what the bench has.
set -u -o pipefail

STEM=${1:?usage: net_report.sh STEM PROFILES [MACHINE] [VERSION] [SIZES]}
PROFILES=${2:?usage: net_report.sh STEM PROFILES [MACHINE] [VERSION] [SIZES]}
MACHINE=${3:-}
VERSION=${4:-}
SIZES=${5:-}
[ -s "$STEM-runs.csv" ] || { echo "net_report.sh: no $STEM-runs.csv" >&2; exit 1; }

awk -F, -v profiles="$PROFILES" -v machine="$MACHINE" -v version="$VERSION" -v sizes="$SIZES" \
	-v md="$STEM.md" -v csv="$STEM.csv" -v svg="$STEM.svg" '
function add(a, k, v) { if (v != "" && v != "-") a[k] = (k in a) ? a[k] " " v : v }
# median, min or max of a list of numbers separated by spaces ("-" when empty)
function stat(list, what,   n, v, i, j, t) {
	if (list == "") return "-"
	n = split(list, v, " ")
	for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
	if (what == "min") return v[1] + 0
	if (what == "max") return v[n] + 0
	return (n % 2) ? v[(n + 1) / 2] + 0 : (v[n / 2] + v[n / 2 + 1]) / 2
}
function f1(x) { return x == "-" ? "-" : sprintf("%.1f", x) }
function f2(x) { return x == "-" ? "-" : sprintf("%.2f", x) }
function mb(x) { return x == "-" ? "-" : sprintf("%.1f", x / 1e6) }
function mib(kb) { return kb == "-" ? "-" : sprintf("%.1f", kb / 1024) }
function ratio(a, b) { return (a == "-" || b == "-" || b <= 0) ? "-" : sprintf("%.2f", a / b) }
function mdl(s) { gsub(/\|/, "\\|", s); return s }
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
NR == 1 { next }
{
	p = $2; c = $3; k = p SUBSEP c
	if (!(k in kind)) { kind[k] = $4; label[c] = $23; runs[k] = 0; ok[k] = 0 }
	caseseen[c] = 1
	runs[k]++
	if ($5 != 0 || ($6 != "ok" && $6 != "-")) next
	ok[k]++
	add(wall, k, $7); add(down, k, $8); add(up, k, $9); add(rss, k, $10); add(lcpu, k, $11)
	add(srss, k, $12); add(scpu, k, $13); add(first, k, $14); add(last, k, $15); add(fin, k, $16); add(endt, k, $17)
	if ($19 != "-") codec[k] = $19
	if ($20 != "-") chans[k] = $20
	bps[p] = $21
}
END {
	np = split(profiles, prof, " ")
	ename["pg"] = "PostgreSQL"; ename["my"] = "MySQL (MariaDB)"
	ne = 0
	if (("pg-siphon" in caseseen) || ("pg-plain" in caseseen) || ("pg-dump" in caseseen)) eng[++ne] = "pg"
	if (("my-siphon" in caseseen) || ("my-plain" in caseseen) || ("my-dump" in caseseen)) eng[++ne] = "my"
	# the cases in a fixed order: siphon first, the pipelines, then the floor parts
	order = "siphon siphon-lean siphon.base siphon-j1 siphon-j2 siphon-j8 plain zstd1 zstd3 gzip pigz fc mydumper"
	no = split(order, ord, " ")

	print "# siphon against hand pipelines over a two-host link (bench/net.sh)" > md
	print "" > md
	if (machine != "") print "- machine: " machine > md
	if (version != "") print "- siphon: " version > md
	if (sizes != "") print "- data: " sizes > md
	print "- medians of the good runs (exit 0, copy checked); every profile and case alternated in shuffled rounds" > md
	print "- wire: bytes the veth carried (Ethernet frames); floor = max(siphon wire / link rate, dump alone, restore alone)" > md
	print "" > md

	print "engine,profile,case,kind,label,runs_ok,runs,median_s,min_s,max_s,ratio_best_hand,ratio_floor,wire_down_mb,wire_up_mb,local_cpu_s,max_rss_mib,siphon_cpu_s,siphon_rss_mib,first_row_s,last_row_s,finish_s,end_s,floor_s,best_hand_s,best_hand_case" > csv

	for (ei = 1; ei <= ne; ei++) {
		e = eng[ei]
		dump = stat(wall["floor" SUBSEP e "-dump"], "med")
		rest = stat(wall["floor" SUBSEP e "-restore"], "med")
		for (pi = 1; pi <= np; pi++) {
			p = prof[pi]
			best[e, p] = "-"; bestc[e, p] = "-"
			for (oi = 1; oi <= no; oi++) {
				c = e "-" ord[oi]; k = p SUBSEP c
				if (!(k in kind) || kind[k] != "pipe") continue
				m = stat(wall[k], "med")
				if (m != "-" && (best[e, p] == "-" || m < best[e, p])) { best[e, p] = m; bestc[e, p] = c }
			}
			sw = stat(down[p SUBSEP e "-siphon"], "med")
			wt = (bps[p] > 0 && sw != "-") ? sw * 8 / bps[p] : "-"
			fl = "-"
			if (wt != "-") fl = wt
			if (dump != "-" && (fl == "-" || dump > fl)) fl = dump
			if (rest != "-" && (fl == "-" || rest > fl)) fl = rest
			floor_[e, p] = fl; wireterm[e, p] = wt
		}
	}

	# the headline: siphon against the best hand pipeline and the floor
	print "## Summary" > md
	print "" > md
	print "| engine | link | siphon s | best hand pipeline s | which | siphon / best | floor s | siphon / floor |" > md
	print "|---|---|---:|---:|---|---:|---:|---:|" > md
	for (ei = 1; ei <= ne; ei++) {
		e = eng[ei]
		for (pi = 1; pi <= np; pi++) {
			p = prof[pi]; s = stat(wall[p SUBSEP e "-siphon"], "med")
			printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", ename[e], p, f1(s), f1(best[e, p]),
				bestc[e, p] == "-" ? "-" : "`" mdl(label[bestc[e, p]]) "`", ratio(s, best[e, p]), f1(floor_[e, p]), ratio(s, floor_[e, p]) > md
		}
	}
	print "" > md

	nbar = 0
	for (ei = 1; ei <= ne; ei++) {
		e = eng[ei]
		dump = stat(wall["floor" SUBSEP e "-dump"], "med")
		rest = stat(wall["floor" SUBSEP e "-restore"], "med")
		print "## " ename[e] > md
		print "" > md
		printf "Floor parts (bare link, medians): the dump alone %s s, the restore alone %s s.\n\n", f1(dump), f1(rest) > md
		for (pi = 1; pi <= np; pi++) {
			p = prof[pi]
			printf "### %s, %s\n\n", ename[e], p > md
			printf "Floor %s s = max(siphon wire / link rate %s s, dump %s s, restore %s s).\n\n", f1(floor_[e, p]),
				f1(wireterm[e, p]), f1(dump), f1(rest) > md
			print "| case | what | median s | min | max | / best hand | / floor | wire MB down | up | local CPU s | largest RSS MiB | siphon CPU s | siphon RSS MiB | good runs |" > md
			print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" > md
			for (oi = 1; oi <= no; oi++) {
				c = e "-" ord[oi]; k = p SUBSEP c
				if (!(k in kind)) continue
				m = stat(wall[k], "med")
				printf "| %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |\n", c, mdl(label[c]), f1(m),
					f1(stat(wall[k], "min")), f1(stat(wall[k], "max")), ratio(m, best[e, p]), ratio(m, floor_[e, p]),
					mb(stat(down[k], "med")), mb(stat(up[k], "med")), f1(stat(lcpu[k], "med")), mib(stat(rss[k], "max")),
					f2(stat(scpu[k], "med")), mib(stat(srss[k], "max")), ok[k], runs[k] > md
				printf "%s,%s,%s,%s,%s,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", e, p, c, kind[k], label[c],
					ok[k], runs[k], f2(m), f2(stat(wall[k], "min")), f2(stat(wall[k], "max")), ratio(m, best[e, p]),
					ratio(m, floor_[e, p]), mb(stat(down[k], "med")), mb(stat(up[k], "med")), f2(stat(lcpu[k], "med")),
					mib(stat(rss[k], "max")), f2(stat(scpu[k], "med")), mib(stat(srss[k], "max")), f2(stat(first[k], "med")),
					f2(stat(last[k], "med")), f2(stat(fin[k], "med")), f2(stat(endt[k], "med")), f2(floor_[e, p]),
					f2(best[e, p]), bestc[e, p] > csv
				if (m != "-") {
					nbar++; be[nbar] = e; bp[nbar] = p; bc[nbar] = ord[oi]; bm[nbar] = m
					bmin[nbar] = stat(wall[k], "min"); bmax[nbar] = stat(wall[k], "max")
				}
			}
			k = p SUBSEP e "-siphon"
			if (k in kind)
				printf "\nsiphon, medians: first table started at %s s, last table ended at %s s, finish phase (indexes, constraints, swap) from %s s, end %s s; codec %s, %s channels.\n",
					f1(stat(first[k], "med")), f1(stat(last[k], "med")), f1(stat(fin[k], "med")), f1(stat(endt[k], "med")),
					(k in codec) ? codec[k] : "-", (k in chans) ? chans[k] : "-" > md
			print "" > md
		}
		for (x in wall) {
			split(x, kk, SUBSEP)
			if (kk[1] != "floor" || index(kk[2], e "-") != 1) continue
			printf "%s,floor,%s,floor,%s,%d,%d,%s,%s,%s,-,-,%s,%s,%s,%s,-,-,-,-,-,-,-,-,-\n", e, kk[2], label[kk[2]], ok[x], runs[x],
				f2(stat(wall[x], "med")), f2(stat(wall[x], "min")), f2(stat(wall[x], "max")), mb(stat(down[x], "med")),
				mb(stat(up[x], "med")), f2(stat(lcpu[x], "med")), mib(stat(rss[x], "max")) > csv
		}
	}
	sv = svg; sub(/.*\//, "", sv)
	print "Chart: " sv " (median bars, min-max whiskers, the floor dashed)." > md

	# The chart: one group of bars per engine and profile, one bar per case; the floor as a line.
	if (nbar == 0) exit
	W = 960; left = 150; top = 40; rowh = 14; gap = 18; right = 120
	maxv = 0
	for (i = 1; i <= nbar; i++) if (bmax[i] > maxv) maxv = bmax[i]
	for (i = 1; i <= nbar; i++) if (floor_[be[i], bp[i]] != "-" && floor_[be[i], bp[i]] > maxv) maxv = floor_[be[i], bp[i]]
	nst = split("0.1 0.2 0.5 1 2 5 10 20 50 100 200 500 1000 2000 5000", steps, " ")
	for (i = 1; i <= nst; i++) { step = steps[i] + 0; if (maxv / step <= 10) break }
	maxv = step * (int(maxv / step) + 1)
	groups = 0; prevg = ""
	for (i = 1; i <= nbar; i++) { g = be[i] SUBSEP bp[i]; if (g != prevg) { groups++; prevg = g } }
	H = top + nbar * rowh + groups * gap + 40
	scale = (W - left - right) / maxv
	col["siphon"] = "#d62728"; col["plain"] = "#7f7f7f"; col["zstd1"] = "#1f77b4"; col["zstd3"] = "#aec7e8"
	col["gzip"] = "#2ca02c"; col["pigz"] = "#98df8a"; col["fc"] = "#9467bd"; col["mydumper"] = "#8c564b"
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n", W, H > svg
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n" > svg
	printf "<text x=\"%d\" y=\"20\" font-size=\"14\">siphon vs hand pipelines: wall seconds (median; whiskers min-max; dashed: floor)</text>\n", left > svg
	for (t = 0; t <= maxv; t += step) {
		x = left + t * scale
		printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", x, top - 5, x, H - 30 > svg
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n", x, H - 15, t > svg
	}
	y = top; prevg = ""
	for (i = 1; i <= nbar; i++) {
		g = be[i] SUBSEP bp[i]
		if (g != prevg) {
			y += gap
			printf "<text x=\"5\" y=\"%d\" font-weight=\"bold\">%s, %s</text>\n", y - 4, esc(ename[be[i]]), esc(bp[i]) > svg
			if (floor_[be[i], bp[i]] != "-") {
				n = 0; for (j = i; j <= nbar && be[j] SUBSEP bp[j] == g; j++) n++
				x = left + floor_[be[i], bp[i]] * scale
				printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-dasharray=\"4,3\"/>\n", x, y - 2, x, y + n * rowh > svg
			}
			prevg = g
		}
		c = (bc[i] in col) ? col[bc[i]] : "#bcbd22"
		printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 6, y + rowh - 4, esc(be[i] "-" bc[i]) > svg
		printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", left, y + 1, bm[i] * scale, rowh - 3, c > svg
		printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>\n", left + bmin[i] * scale, y + rowh / 2,
			left + bmax[i] * scale, y + rowh / 2 > svg
		printf "<text x=\"%.1f\" y=\"%d\">%.1f s</text>\n", left + bmax[i] * scale + 4, y + rowh - 4, bm[i] > svg
		y += rowh
	}
	print "</svg>" > svg
}' "$STEM-runs.csv"
