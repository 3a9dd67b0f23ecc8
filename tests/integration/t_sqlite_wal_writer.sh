#!/bin/bash
# needs-real-siphon
# SQLite in WAL mode, written by a background writer during the pull: every transaction moves one
# unit from a row of "lefts" to a row of "rights", adds a ledger row and bumps a counter. The copy
# must be one instant of that: sum(lefts) + sum(rights) constant, sum(rights) - initial = rows of
# ledger = the counter; it passes integrity_check, is in WAL mode like the original, and has no
# -wal/-shm beside it. The writer must have committed during the pull (else the test proves nothing).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
sq_dirs
db=$SQ_SRV/live.db
sq_srv_file "$db" >/dev/null <<-'EOF2' || it_fail "create live.db"
	PRAGMA journal_mode = WAL;
	CREATE TABLE lefts (id INTEGER PRIMARY KEY, bal INTEGER NOT NULL);
	CREATE TABLE rights (id INTEGER PRIMARY KEY, bal INTEGER NOT NULL);
	CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER, at REAL);
	CREATE TABLE counter (n INTEGER NOT NULL);
	CREATE TABLE filler (id INTEGER PRIMARY KEY, b BLOB);
	CREATE INDEX ledger_at ON ledger (at);
	INSERT INTO counter VALUES (0);
	WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
	INSERT INTO lefts SELECT i, 1000 FROM n;
	INSERT INTO rights SELECT id, 1000 FROM lefts;
	WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)
	INSERT INTO filler SELECT i, randomblob(4000) FROM n;
EOF2

# The writer: one sqlite3 (as the file's owner) fed transactions without end through a FIFO; it
# ends when yes does.
tx="BEGIN IMMEDIATE; UPDATE lefts SET bal = bal - 1 WHERE id = abs(random()) % 1000; UPDATE rights SET bal = bal + 1 WHERE id = abs(random()) % 1000; INSERT INTO ledger (amount, at) VALUES (1, julianday('now')); UPDATE counter SET n = n + 1; COMMIT;"
mkfifo "$SQ_WS/feed" || it_fail "mkfifo"
runuser -u "$SIPHON_IT_SSH_USER" -- sqlite3 -init /dev/null -batch -cmd '.timeout 10000' "$db" \
	<"$SQ_WS/feed" >/dev/null 2>"$H/run/writer.err" &
writer=$!
yes "$tx" >"$SQ_WS/feed" 2>/dev/null &
feeder=$!
harness_on_exit "kill $feeder 2>/dev/null; wait $writer 2>/dev/null"
stop_writer() {
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	wait "$writer" 2>/dev/null
}
n0=0
for _ in $(seq 1 100); do
	n0=$(sq_srv_file "$db" 'SELECT n FROM counter' 2>/dev/null)
	[ "${n0:-0}" -gt 50 ] && break
	sleep 0.05
done
[ "${n0:-0}" -gt 50 ] || it_fail "the writer does not write ($(cat "$H/run/writer.err"))"

check_copy() { # FILE
	local f=$1 inv
	inv=$(sqlite3 -init /dev/null -batch "$f" "SELECT (SELECT sum(bal) FROM lefts) + (SELECT sum(bal) FROM rights),
		(SELECT sum(bal) FROM rights) - 1000000, (SELECT count(*) FROM ledger), (SELECT n FROM counter)") || it_fail "read $f"
	IFS='|' read -r total moved rows count <<<"$inv"
	it_note "copy: total $total, moved $moved, ledger rows $rows, counter $count"
	[ "$total" = 2000000 ] || it_fail "lefts + rights = $total, not 2000000: not one instant"
	[ "$moved" = "$rows" ] && [ "$rows" = "$count" ] || it_fail "moved $moved, ledger $rows, counter $count differ: not one instant"
	[ "$count" -ge "$n0" ] || it_fail "the copy is older than the start of the pull"
	[ "$(sqlite3 "$f" 'PRAGMA integrity_check')" = ok ] || it_fail "integrity_check of $f"
	[ "$(sqlite3 "$f" 'PRAGMA journal_mode')" = wal ] || it_fail "$f is not in WAL mode"
	COPIED=$count
}

siphon_pull "$db" --into "$SQ_WS/live.db" --compress zstd
assert_rc 0 "pull a WAL database while it is written"
n1=$(sq_srv_file "$db" 'SELECT n FROM counter')
check_copy "$SQ_WS/live.db"
[ "$n1" -gt "$COPIED" ] || it_note "no commit after the copy's snapshot?"
[ "$COPIED" -gt "$n0" ] || it_note "no commit between the start of the pull and its snapshot"
it_note "counter: $n0 before the pull, $COPIED in the copy, $n1 after"

# Again over the copy while it is written; then the writer stops and a last pull sees it all.
siphon_pull "$db" --into "$SQ_WS/live.db"
assert_rc 0 "pull the WAL database again, over the copy"
check_copy "$SQ_WS/live.db"
stop_writer
siphon_pull "$db" --into "$SQ_WS/live.db"
assert_rc 0 "pull once the writer has stopped"
check_copy "$SQ_WS/live.db"
sq_assert_same "$db" "$SQ_WS/live.db"
sq_assert_mode "$SQ_WS/live.db" 600

rm -f "$SQ_WS/feed"
assert_no_pwned
assert_left_clean sqlite
