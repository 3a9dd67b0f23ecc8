#!/bin/bash
# needs-real-siphon
# keep_previous, `siphon rollback` and `siphon reset` for SQLite. Two pulls into one local file
# (app.db's fixture, then a changed one): the first is kept as .copy.db.siphon-prev, the last
# pull's untouched copy as .copy.db.siphon-pristine. rollback puts the first back (compared with
# its source), a second one returns; reset after wrecking the copy gives the last pull again;
# both refused while a program holds the file (exit 9, byte-identical) and done with --force;
# nothing kept: one line, exit 7; keep_previous=no and keep_pristine=no keep nothing; a later
# pull's stale sweep leaves the kept files alone; reset with too little disk (a small tmpfs):
# exit 7, the file unchanged; a pull with room for the copy but not its pristine twin goes on
# without it, saying so.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
sq_dirs
v1=$SQ_SRV/v1.db
v2=$SQ_SRV/v2.db
sq_make_fixture "$v1"
sq_make_fixture "$v2"
sq_srv_file "$v2" "INSERT INTO plain VALUES ('second', 'pull', 2); DELETE FROM kv" >/dev/null || it_fail "change v2"
copy=$SQ_WS/copy.db
prev=$SQ_WS/.copy.db.siphon-prev
pristine=$SQ_WS/.copy.db.siphon-pristine
local_run() { siphon_run "$1" "$(remote_spec "$v1")" --into "$copy" "${@:2}"; }
kept() { (cd "$SQ_WS" && ls -A | grep -E 'siphon-(prev|pristine)$' | tr '\n' ' '); }

local_run rollback
assert_rc 7 "rollback with nothing kept"
assert_error_line
assert_stderr_contains "no previous copy of \"$copy\" to roll back to"

siphon_pull "$v1" --into "$copy"
assert_rc 0 "first pull"
sq_assert_same "$v1" "$copy"
[ "$(kept)" = ".copy.db.siphon-pristine " ] || it_fail "kept after the first pull: $(kept)"
siphon_pull "$v2" --into "$copy"
assert_rc 0 "second pull"
sq_assert_same "$v2" "$copy"
[ "$(kept)" = ".copy.db.siphon-prev .copy.db.siphon-pristine " ] || it_fail "kept after the second pull: $(kept)"
sq_assert_same "$v1" "$prev"
sq_assert_same "$v2" "$pristine"
sq_assert_mode "$prev" 600
sq_assert_mode "$pristine" 600
assert_left_clean sqlite

local_run rollback
assert_rc 0 "rollback"
sq_assert_same "$v1" "$copy"
sq_assert_same "$v2" "$prev"
assert_stderr_contains "roll back again to return to it"
local_run rollback
assert_rc 0 "second rollback"
sq_assert_same "$v2" "$copy"
sq_assert_same "$v1" "$prev"

# Wreck the copy (in WAL mode, the last changes only in its -wal); reset gives the last pull.
sqlite3 "$copy" "PRAGMA journal_mode = WAL; DELETE FROM customers; CREATE TABLE wrecked (x)" >/dev/null ||
	it_fail "wreck the copy"
local_run reset
assert_rc 0 "reset"
sq_assert_same "$v2" "$copy"
sq_assert_same "$v1" "$prev"
for f in "$copy-wal" "$copy-shm" "$copy-journal"; do [ ! -e "$f" ] || it_fail "$f is still there after reset"; done
assert_left_clean sqlite

# A program holds the file: refused, byte-identical; --force does it.
rm -f "$H/run/hold.fifo" && mkfifo "$H/run/hold.fifo" || it_fail "mkfifo"
sqlite3 -cmd 'SELECT count(*) FROM sqlite_master' "$copy" <"$H/run/hold.fifo" >/dev/null &
holder=$!
exec 7>"$H/run/hold.fifo"
harness_on_exit "kill $holder 2>/dev/null"
sleep 0.3
cp "$copy" "$H/run/before.db"
for what in rollback reset; do
	local_run "$what"
	assert_rc 9 "$what while a program holds the file"
	assert_error_line
	assert_stderr_contains "is open in process"
	cmp -s "$copy" "$H/run/before.db" || it_fail "the file changed after the refused $what"
done
local_run rollback --force
assert_rc 0 "rollback --force"
assert_stderr_contains "replacing it anyway"
exec 7>&-
wait "$holder"
sq_assert_same "$v1" "$copy"
local_run rollback
assert_rc 0 "rollback back to the last pull"
sq_assert_same "$v2" "$copy"

# The next pull's stale sweep leaves the kept files alone.
siphon_pull "$v1" --into "$copy"
assert_rc 0 "third pull"
[ "$(kept)" = ".copy.db.siphon-prev .copy.db.siphon-pristine " ] || it_fail "kept after the third pull: $(kept)"
sq_assert_same "$v2" "$prev"
sq_assert_same "$v1" "$pristine"

# keep_previous = no, keep_pristine = no: nothing kept, older kept files gone.
SIPHON_KEEP_PREVIOUS=no SIPHON_KEEP_PRISTINE=no siphon_pull "$v2" --into "$copy"
assert_rc 0 "pull keeping nothing"
sq_assert_same "$v2" "$copy"
[ -z "$(kept)" ] || it_fail "kept with keep_previous=no: $(kept)"
local_run rollback
assert_rc 7 "rollback after a pull that kept nothing"
assert_error_line
local_run reset
assert_rc 7 "reset after a pull that kept nothing"
assert_error_line
assert_stderr_contains "no pristine copy"

# A small disk: room for a copy but not for its pristine twin; then no room for a reset.
sq_make_big "$SQ_SRV/big.db" 60
small=$SQ_WS/small
mkdir -p "$small"
mount -t tmpfs -o size=300m,mode=755 none "$small" 2>/dev/null || it_skip "cannot mount a tmpfs here"
harness_on_exit "umount '$small'"
free_mb() { df -m --output=avail "$small" | tail -1 | tr -d ' '; }
fallocate -l "$(( $(free_mb) - 150 ))M" "$small/filler" || it_fail "fallocate"
siphon_pull "$SQ_SRV/big.db" --into "$small/big.db"
assert_rc 0 "pull with room for the copy only"
assert_stderr_contains "no room for the pristine copy"
[ ! -e "$small/.big.db.siphon-pristine" ] || it_fail "a pristine copy without room for it"
sq_assert_same "$SQ_SRV/big.db" "$small/big.db"
rm -f "$small/filler"
siphon_pull "$SQ_SRV/big.db" --into "$small/big.db"
assert_rc 0 "pull with room for both"
[ -e "$small/.big.db.siphon-pristine" ] || it_fail "no pristine copy"
rm -f "$small/.big.db.siphon-prev"
sqlite3 "$small/big.db" 'CREATE TABLE wrecked (x)' || it_fail "wreck big.db"
cp "$small/big.db" "$H/run/before.db"
fallocate -l "$(( $(free_mb) - 40 ))M" "$small/filler" || it_fail "fallocate"
siphon_run reset "$(remote_spec "$SQ_SRV/big.db")" --into "$small/big.db"
assert_rc 7 "reset without room"
assert_error_line
assert_stderr_contains "not enough local disk space"
cmp -s "$small/big.db" "$H/run/before.db" || it_fail "big.db changed after the refused reset"
[ -z "$(find "$small" -name '.*.siphon_tmp_*')" ] || it_fail "temporary file left after the refused reset"
rm -f "$small/filler"
siphon_run reset "$(remote_spec "$SQ_SRV/big.db")" --into "$small/big.db"
assert_rc 0 "reset with room"
sq_assert_same "$SQ_SRV/big.db" "$small/big.db"

assert_no_pwned
assert_left_clean sqlite
