#!/usr/bin/env bash
# bench/reset_my.sh - how long `siphon reset` and `siphon rollback` take on a ~700 MB MariaDB
# database (eight sysbench tables, bench/load_my.sh), and what keep_pristine costs a MySQL pull.
#
#   bench/reset_my.sh /abs/path/to/siphon
#
# Starts the integration harness (no fixture), loads "sbtest" on the server MariaDB, then (see
# bench/reset_lib.sh) pulls it into "benchcopy" with keep_pristine = no twice (the first becomes
# siphon_prev_benchcopy) and once with yes (siphon_pristine_benchcopy: CREATE TABLE ... LIKE and
# INSERT ... SELECT of every table, whose time the "pristine copy" step shows); wrecks benchcopy
# (an UPDATE of 100,000 rows, a dropped table); times reset, rollback, rollback again. Each copy
# is checked: row counts of every table and the number of indexes.
# Environment: BENCH_TABLES (8), BENCH_ROWS (360000), BENCH_MY_POOL (1G), BENCH_MY_LOG (512M),
# BENCH_KEEP=1 (keep the harness logs).
# shellcheck source=reset_lib.sh disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/reset_lib.sh"
reset_bench_args "$@"
BENCH_TABLES=${BENCH_TABLES:-8}
BENCH_ROWS=${BENCH_ROWS:-360000}
export SIPHON_IT_MY_BUFFER_POOL=${BENCH_MY_POOL:-1G}
export SIPHON_IT_MY_LOG_FILE_SIZE=${BENCH_MY_LOG:-512M}
# shellcheck source=../tests/harness/lib.sh disable=SC1091
. "$ROOT/tests/harness/lib.sh"
harness_start || die "harness_start failed"
[ "${SIPHON_IT_MY:-0}" = 1 ] || die "the harness has no MariaDB"
B=$H/bench
mkdir -p "$B" || die "mkdir $B"
# shellcheck source=load_my.sh disable=SC1091
. "$BENCH_DIR/load_my.sh"

say "loading sbtest on the server: $BENCH_TABLES x $BENCH_ROWS sysbench rows"
load_sbtest || die "loading the database failed"
DB_MIB=$(srv_my -N -B -e "SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576) FROM information_schema.TABLES
  WHERE TABLE_SCHEMA = 'sbtest'") || die "reading the size of sbtest"
say "sbtest is $DB_MIB MiB (data + indexes, information_schema)"
counts srv sbtest >"$B/counts.src" || die "counting the source rows"

check() { # WHAT
	counts ws benchcopy >"$B/counts.ws" || die "$1: counting benchcopy"
	cmp -s "$B/counts.src" "$B/counts.ws" || { diff "$B/counts.src" "$B/counts.ws" | head >&2; die "$1: benchcopy differs from the source"; }
}
wreck() { ws_my -D benchcopy -e 'UPDATE sbtest1 SET k = 1 WHERE id <= 100000; DROP TABLE sbtest2'; }
pull=(pull "$(remote_spec sbtest)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into benchcopy
	--engine mysql -j 4 --compress none)
local_target=("$(remote_spec sbtest)" --into benchcopy --engine mysql)
reset_bench_run "MariaDB database $DB_MIB MiB"
