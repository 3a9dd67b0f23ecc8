#!/bin/bash
# needs-real-siphon
# SQLite: replacing a local file must never let an old -wal/-shm meet the new one.
# (1) The old local database (WAL mode) was left by a killed program with committed transactions
# still in its -wal and a -shm: the pull replaces it with exactly the server's (WAL mode) database,
# and no -wal/-shm/-journal is left. (2) An orphan -wal (no main file) lies where the copy goes: it
# must not be applied either. (3) A program has the local database open: refused (exit 9), the
# file byte-identical, no temporary file; with --force it is replaced.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
sq_dirs
src=$SQ_SRV/app.db
sq_make_fixture "$src"
sq_srv_file "$src" 'PRAGMA journal_mode = WAL' >/dev/null || it_fail "WAL mode on the server"

# (1) An old copy whose last transactions are only in its -wal (the writer was killed).
old=$SQ_WS/app.db
sqlite3 "$old" 'PRAGMA journal_mode = WAL; CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE stale (x);' >/dev/null ||
	it_fail "create the old copy"
rm -f "$H/run/killed.fifo" && mkfifo "$H/run/killed.fifo" || it_fail "mkfifo"
sqlite3 "$old" <"$H/run/killed.fifo" >"$H/run/killed.out" &
killed=$!
exec 8>"$H/run/killed.fifo"
cat >&8 <<-'EOF2'
	PRAGMA wal_autocheckpoint = 0;
	WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO customers SELECT i, 'old ' || i FROM n;
	INSERT INTO stale SELECT randomblob(3000) FROM customers LIMIT 300;
	SELECT 'committed';
EOF2
for _ in $(seq 1 100); do grep -q committed "$H/run/killed.out" && break; sleep 0.05; done
kill -9 "$killed"
wait "$killed" 2>/dev/null
exec 8>&-
[ -s "$old-wal" ] && [ -e "$old-shm" ] || it_fail "no stale -wal/-shm to test with"
it_note "old copy: $(stat -c %s "$old") bytes, -wal $(stat -c %s "$old-wal") bytes"
cp "$old-wal" "$H/run/saved-wal"

siphon_pull "$src" --into "$old"
assert_rc 0 "pull over a copy with a stale -wal"
for f in "$old-wal" "$old-shm" "$old-journal"; do [ ! -e "$f" ] || it_fail "$f is still there"; done
sq_assert_same "$src" "$old"
[ "$(sqlite3 "$old" 'PRAGMA journal_mode')" = wal ] || it_fail "the copy is not in WAL mode"
sq_assert_mode "$old" 600

# (2) An orphan -wal (valid frames, page size 4096) where the new file goes.
cp "$H/run/saved-wal" "$SQ_WS/orphan.db-wal"
siphon_pull "$src" --into "$SQ_WS/orphan.db"
assert_rc 0 "pull where an orphan -wal lies"
[ ! -e "$SQ_WS/orphan.db-wal" ] || it_fail "the orphan -wal is still there"
sq_assert_same "$src" "$SQ_WS/orphan.db"

# (3) In use: an idle connection (WAL mode: it holds the -shm), then a rollback-journal file
# opened by a program (no lock at all, only the open file).
rm -f "$H/run/hold.fifo" && mkfifo "$H/run/hold.fifo" || it_fail "mkfifo"
hold() { # FILE: a sqlite3 that keeps FILE open until release
	sqlite3 -cmd 'SELECT count(*) FROM sqlite_master' "$1" <"$H/run/hold.fifo" >/dev/null &
	HOLDER=$!
	exec 7>"$H/run/hold.fifo"
	harness_on_exit "kill $HOLDER 2>/dev/null"
	sleep 0.3
}
release() {
	exec 7>&-
	wait "$HOLDER"
}
for mode in wal delete; do
	sqlite3 "$old" "PRAGMA journal_mode = $mode" >/dev/null || it_fail "journal_mode $mode"
	hold "$old"
	cp "$old" "$H/run/before.db"
	siphon_pull "$src" --into "$old"
	assert_rc 9 "pull over a database in use ($mode)"
	assert_error_line
	assert_stderr_contains "is open in process"
	cmp -s "$old" "$H/run/before.db" || it_fail "the database in use changed"
	[ -z "$(find "$SQ_WS" -name '.*.siphon_tmp_*')" ] || it_fail "temporary file left after the refusal"
	siphon_pull "$src" --into "$old" --force
	assert_rc 0 "pull --force over a database in use ($mode)"
	assert_stderr_contains "replacing it anyway"
	release
	sq_assert_same "$src" "$old"
done
assert_no_pwned
assert_left_clean sqlite
