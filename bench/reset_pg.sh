#!/usr/bin/env bash
# bench/reset_pg.sh - how long `siphon reset` and `siphon rollback` take on the benchmark's
# ~650 MB PostgreSQL database (pgbench -i -s 20 plus eight sysbench-like tables, as in
# bench/pull_pg.sh).
#
#   bench/reset_pg.sh /abs/path/to/siphon
#
# Starts the integration harness (no fixture), loads "bench" on the server cluster, pulls it twice
# into "benchcopy" (the first copy becomes siphon_prev_benchcopy, the second one's untouched twin
# siphon_pristine_benchcopy), wrecks benchcopy (an UPDATE of 100,000 rows, a dropped table), then
# times: reset, rollback, rollback again. After each, the row counts of every table and the number
# of indexes are compared with the source. Also prints how long each pull spent on its pristine
# copy (the "pristine copy" step of its progress).
# Environment: BENCH_SCALE, BENCH_SB_TABLES, BENCH_SB_ROWS (as bench/pull_pg.sh), BENCH_KEEP=1.
set -u -o pipefail

SIPHON=${1:-}
if [ -z "$SIPHON" ] || [ ! -x "$SIPHON" ]; then
	echo "usage: $0 /abs/path/to/siphon" >&2
	exit 2
fi
case $SIPHON in /*) ;; *) SIPHON=$PWD/$SIPHON ;; esac
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BENCH_SCALE=${BENCH_SCALE:-20}
BENCH_SB_TABLES=${BENCH_SB_TABLES:-8}
BENCH_SB_ROWS=${BENCH_SB_ROWS:-170000}

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

[ "$(id -u)" = 0 ] || die "must run as root (the harness creates users and runs sshd)"
command -v pgbench >/dev/null 2>&1 || die "pgbench is missing (apt install postgresql-client-15)"
unset SIPHON_IT_H
export SIPHON_IT_NO_FIXTURE=1
[ "${BENCH_KEEP:-0}" = 1 ] && export SIPHON_IT_KEEP_LOGS=1
# shellcheck source=../tests/harness/lib.sh disable=SC1091
. "$ROOT/tests/harness/lib.sh"
harness_start || die "harness_start failed"
B=$H/bench
mkdir -p "$B" || die "mkdir $B"
# shellcheck source=load_pg.sh disable=SC1091
. "$BENCH_DIR/load_pg.sh"

say "loading bench on the server: pgbench -i -s $BENCH_SCALE + $BENCH_SB_TABLES x $BENCH_SB_ROWS-row sbtest tables"
load_bench || die "loading the database failed"
DB_MIB=$(srv_psql -At -d postgres -c "SELECT pg_database_size('bench') / 1048576") || die "pg_database_size"
say "bench is $DB_MIB MiB"

srv_psql -At -d bench <<<"$COUNT_SQL" >"$B/counts.src" || die "counting the source rows"
check() { # WHAT
	ws_psql -At -d benchcopy <<<"$COUNT_SQL" >"$B/counts.ws" 2>&1 || die "$1: counting benchcopy"
	cmp -s "$B/counts.src" "$B/counts.ws" || die "$1: benchcopy differs from the source"
}
run() { # WHAT ARGS... -> seconds in $SECS
	local t0 rc
	t0=$(now)
	"$SIPHON" "${@:2}" >"$B/$1.out" 2>"$B/$1.err" </dev/null
	rc=$?
	SECS=$(secs "$t0" "$(now)")
	[ "$rc" = 0 ] || { cat "$B/$1.err" >&2; die "$1 exited with $rc"; }
}
pull=(pull "$(remote_spec bench)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into benchcopy
	--compress none --progress=json)
local_target=("$(remote_spec bench)" --into benchcopy)
pristine_secs() { # FILE: seconds between the "pristine copy" step and the next event
	python3 -c '
import json, sys
t = None
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if t is not None and "seconds" in e:
        print("%.1f" % (e["seconds"] - t)); sys.exit(0)
    if e.get("event") == "step" and e.get("text") == "pristine copy":
        t = e["seconds"]
print("-")' "$1"
}

run pull1 "${pull[@]}"
say "first pull: ${SECS}s (pristine copy $(pristine_secs "$B/pull1.err")s)"
run pull2 "${pull[@]}"
say "second pull: ${SECS}s (pristine copy $(pristine_secs "$B/pull2.err")s)"
check "second pull"
ws_psql -q -d benchcopy -c 'UPDATE pgbench_accounts SET abalance = 1 WHERE aid <= 100000; DROP TABLE sbtest1' ||
	die "wrecking benchcopy"
run reset reset "${local_target[@]}"
RESET=$SECS
check reset
run rollback1 rollback "${local_target[@]}"
ROLLBACK1=$SECS
check "rollback"
run rollback2 rollback "${local_target[@]}"
ROLLBACK2=$SECS
check "second rollback"
printf 'database %s MiB: reset %ss, rollback %ss, rollback again %ss\n' "$DB_MIB" "$RESET" "$ROLLBACK1" "$ROLLBACK2"
