#!/usr/bin/env bash
# bench/reset_sqlite.sh - how long `siphon reset` and `siphon rollback` take on a ~650 MB SQLite
# file (eight sysbench-like tables with an index each), and what keep_pristine costs an SQLite pull.
#
#   bench/reset_sqlite.sh /abs/path/to/siphon
#
# Starts the integration harness (no fixture), makes bench.db in a directory of the SSH login on
# the "server" (this machine through the harness's sshd), pulls it into a local bench copy three
# times (bench/reset_lib.sh: keep_pristine = no into nothing, no again over it, then yes: the
# pristine twin is a copy_file_range of the file), wrecks the copy (an UPDATE of 100,000 rows, a
# dropped table) and times: reset, rollback, rollback again. After each, the row counts of every table and the
# number of indexes are compared with the source.
# Environment: BENCH_TABLES (8), BENCH_ROWS (360000), BENCH_KEEP=1 (keep the harness logs).
# shellcheck source=reset_lib.sh disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/reset_lib.sh"
reset_bench_args "$@"
BENCH_TABLES=${BENCH_TABLES:-8}
BENCH_ROWS=${BENCH_ROWS:-360000}
command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 is missing (apt install sqlite3)"
# shellcheck source=../tests/harness/lib.sh disable=SC1091
. "$ROOT/tests/harness/lib.sh"
harness_start || die "harness_start failed"
B=$H/bench
mkdir -p "$B" || die "mkdir $B"
SRV=$(mktemp -d "/home/$SIPHON_IT_SSH_USER/sqlite-bench.XXXXXX") || die "mktemp on the server side"
harness_on_exit "rm -rf '$SRV'"
chown "$SIPHON_IT_SSH_USER:" "$SRV" || die "chown $SRV"
src=$SRV/bench.db
copy=$B/benchcopy.db

say "making $src: $BENCH_TABLES x $BENCH_ROWS sysbench-like rows"
t0=$(now)
for t in $(seq 1 "$BENCH_TABLES"); do
	cat <<-SQL
		CREATE TABLE sbtest$t (id INTEGER PRIMARY KEY, k INTEGER NOT NULL DEFAULT 0,
		  c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '');
		WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $BENCH_ROWS)
		  INSERT INTO sbtest$t SELECT i, abs(random()) % $BENCH_ROWS, hex(randomblob(60)), hex(randomblob(30)) FROM s;
		CREATE INDEX k_$t ON sbtest$t (k);
	SQL
done | runuser -u "$SIPHON_IT_SSH_USER" -- sqlite3 -batch -bail "$src" || die "making $src"
DB_MIB=$(( $(stat -c %s "$src") / 1048576 ))
say "bench.db is $DB_MIB MiB, made in $(secs "$t0" "$(now)")s"

COUNT_SQL="SELECT 'SELECT ''' || name || ' '' || count(*) FROM \"' || name || '\";' FROM sqlite_master
  WHERE type = 'table' ORDER BY name"
counts() { # FILE
	{
		sqlite3 -batch "$1" "$COUNT_SQL" | sqlite3 -batch "$1"
		sqlite3 -batch "$1" "SELECT 'indexes ' || count(*) FROM sqlite_master WHERE type = 'index'"
	} 2>&1
}
counts "$src" >"$B/counts.src" || die "counting the source rows"
check() { # WHAT
	counts "$copy" >"$B/counts.ws" || die "$1: counting the copy"
	cmp -s "$B/counts.src" "$B/counts.ws" || { diff "$B/counts.src" "$B/counts.ws" | head >&2; die "$1: the copy differs from the source"; }
}
wreck() { sqlite3 -batch "$copy" 'UPDATE sbtest1 SET k = 1 WHERE id <= 100000; DROP TABLE sbtest2'; }
pull=(pull "$(remote_spec "$src")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into "$copy"
	--compress none)
local_target=("$(remote_spec "$src")" --into "$copy")

reset_bench_run "SQLite file $DB_MIB MiB"
