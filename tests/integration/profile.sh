#!/bin/bash
# Where the CPU of some tests goes, by command name (postgres, psql, mariadbd, siphon, bash, ...):
#
#   SIPHON_BIN=... flock /tmp/siphon-it.lock nice -n 10 tests/integration/profile.sh OUTDIR t_NAME...
#
# One harness; each test alone in turn, under BSD process accounting (machine-wide while a test
# runs, off after), with /proc read before and after for the servers that outlive it. Prints
# per test its wall time and CPU by command name (tests/harness/cpu_profile.py), and the CPU of
# PostgreSQL's autovacuum and analyze runs (logged for the purpose); OUTDIR keeps the logs and data.
# The CPU of other work on the machine is left out and summed apart. Needs root, like run.sh.
set -u
[ $# -ge 2 ] || { echo "usage: $0 OUTDIR t_NAME..." >&2; exit 2; }
out=$1
shift
mkdir -p "$out" || exit 2
here=$(cd "$(dirname "$0")" && pwd)
[ -n "${SIPHON_BIN:-}" ] || { echo "profile.sh: SIPHON_BIN is not set" >&2; exit 2; }
export SIPHON_BIN
# shellcheck source=../harness/lib.sh
. "$here/../harness/lib.sh"
harness_start || exit 1
export SIPHON_IT_H
for c in srv_psql ws_psql; do
	$c -q -d postgres -c "ALTER SYSTEM SET log_autovacuum_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null
done
C=$here/../harness/cpu_profile.py
trap 'python3 "$C" acct off' EXIT
for t in "$@"; do
	t=${t##*/}
	t=${t%.sh}
	python3 "$C" snap "$out/$t.before"
	rm -f "$out/$t.acct"
	python3 "$C" acct "$out/$t.acct" || exit 1
	for l in srv ws; do grep -c '' "$H/logs/$l.log" >"$out/$t.$l.lines"; done
	t0=$(date +%s.%N)
	timeout -k 10 "${SIPHON_IT_TEST_TIMEOUT:-300}" bash "$here/$t.sh" >"$out/$t.log" 2>&1 </dev/null
	rc=$?
	t1=$(date +%s.%N)
	python3 "$C" acct off
	python3 "$C" snap "$out/$t.after"
	python3 "$C" report "$out/$t.before" "$out/$t.after" "$out/$t.acct" "$t0" $$ "$H" \
		"$t exit $rc, $(_h_secs "$t0" "$t1") s" | tee "$out/$t.cpu"
	for l in srv ws; do
		tail -n +$(($(cat "$out/$t.$l.lines") + 1)) "$H/logs/$l.log" |
			awk -v l="$l" '/system usage: CPU/ { for (i = 1; i <= NF; i++) { if ($i == "user:") u += $(i + 1); if ($i == "system:") s += $(i + 1) } n++ }
				END { printf "   (of postgres: autovacuum and analyze on %s, %d runs, %.1f s)\n", l, n, u + s }'
	done | tee -a "$out/$t.cpu"
done
trap - EXIT
harness_stop 0
