#!/usr/bin/env bash
# bench/reset_pg.sh - how long `siphon reset` and `siphon rollback` take on the benchmark's
# ~650 MB PostgreSQL database (pgbench -i -s 20 plus eight sysbench-like tables, as in
# bench/pull_pg.sh).
#
#   bench/reset_pg.sh /abs/path/to/siphon
#
# Starts the integration harness (no fixture), loads "bench" on the server cluster, then (see
# bench/reset_lib.sh) pulls it into "benchcopy" with keep_pristine = no twice (the first becomes
# siphon_prev_benchcopy) and once with yes (siphon_pristine_benchcopy, whose time the "pristine
# copy" step shows), wrecks benchcopy (an UPDATE of 100,000 rows, a dropped table), then times:
# reset, rollback, rollback again. After each, the row counts of every table and the number of
# indexes are compared with the source.
# Environment: BENCH_SCALE, BENCH_SB_TABLES, BENCH_SB_ROWS (as bench/pull_pg.sh), BENCH_KEEP=1.
# shellcheck source=reset_lib.sh disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/reset_lib.sh"
reset_bench_args "$@"
BENCH_SCALE=${BENCH_SCALE:-20}
BENCH_SB_TABLES=${BENCH_SB_TABLES:-8}
BENCH_SB_ROWS=${BENCH_SB_ROWS:-170000}

command -v pgbench >/dev/null 2>&1 || die "pgbench is missing (apt install postgresql-client-15)"
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
wreck() { ws_psql -q -d benchcopy -c 'UPDATE pgbench_accounts SET abalance = 1 WHERE aid <= 100000; DROP TABLE sbtest1'; }
pull=(pull "$(remote_spec bench)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into benchcopy
	--compress none)
local_target=("$(remote_spec bench)" --into benchcopy)
reset_bench_run "PostgreSQL database $DB_MIB MiB"
