#!/bin/bash
# needs-real-siphon
# SQLite failures, each one error line with its exit code, the old local file byte-identical, no
# temporary file left here or on the server (the failure contract, contract.sh; a missing file is
# t_fail_nodb.sh's): a directory, a text file, a file the
# SSH user cannot read, a WAL database at rest in a directory the SSH user cannot write (reading
# needs its -shm; but while its owner has it open, it reads), the same where it could write (it
# would leave -wal/-shm that the owner cannot write: refused, and nothing created), a file with an
# SQLite header and garbage after it; locally: a target that is not an SQLite file, a directory.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
sqlite_keep
keep=$KEEP_TARGET
keep_fp=$(sqlite_target_fingerprint "$keep")

fails() { # RC REGEX REMOTE_PATH [ARGS...]: the pull fails cleanly with RC and a line matching REGEX
	local rc=$1 re=$2 path=$3
	shift 3
	contract_before sqlite "$keep"
	siphon_pull "$path" --into "$keep" "$@"
	assert_failed_cleanly sqlite "$rc" "$re"
}

runuser -u "$SIPHON_IT_SSH_USER" -- mkdir "$SQ_SRV/adir.db"
fails 6 "is a directory" "$SQ_SRV/adir.db"
echo "hello, I am a text file that is long enough" >"$SQ_SRV/notes.db"
fails 6 "not an SQLite 3 database" "$SQ_SRV/notes.db"
# The header, page size 4096, rollback journal, then payload fractions SQLite rejects, then noise.
{ printf 'SQLite format 3\0\020\000\001\001\000\377\377\377'; head -c 8192 /dev/urandom; } >"$SQ_SRV/garbage.db"
chown "$SIPHON_IT_SSH_USER:" "$SQ_SRV/garbage.db"
fails 6 "not an SQLite 3 database" "$SQ_SRV/garbage.db"
tail -n 1 "$H/run/err" | grep -q 'file:%' && it_fail "the message shows sqlite3's URI instead of the path"
sq_make_fixture "$SQ_SRV/secret.db"
chown root: "$SQ_SRV/secret.db" && chmod 600 "$SQ_SRV/secret.db"
fails 6 "[Pp]ermission denied" "$SQ_SRV/secret.db"

# WAL at rest, owned by root, in a directory that siphon_remote cannot write.
ro=$SQ_SRV/root-only
mkdir "$ro" && chmod 755 "$ro"
sqlite3 "$ro/wal.db" "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1)" >/dev/null
fails 6 "needs write access to its -shm" "$ro/wal.db"
# While its owner has it open (its -shm exists, read-only for siphon_remote), SQLite reads it
# through the read-only -shm: that one works, and leaves nothing behind.
rm -f "$H/run/owner.fifo" && mkfifo "$H/run/owner.fifo" || it_fail "mkfifo"
sqlite3 -cmd 'SELECT count(*) FROM t' "$ro/wal.db" <"$H/run/owner.fifo" >/dev/null &
owner=$!
exec 7>"$H/run/owner.fifo"
harness_on_exit "kill $owner 2>/dev/null"
for _ in $(seq 1 100); do [ -e "$ro/wal.db-shm" ] && break; sleep 0.02; done
[ -e "$ro/wal.db-shm" ] || it_fail "no -shm while the owner has the database open"
siphon_pull "$ro/wal.db" --into "$SQ_WS/wal-copy.db"
assert_rc 0 "pull a WAL database its owner has open"
sq_assert_same "$ro/wal.db" "$SQ_WS/wal-copy.db"
rm -f "$SQ_WS/wal-copy.db"
exec 7>&-
wait "$owner"
[ "$(ls -A "$ro")" = wal.db ] || it_fail "left beside the WAL database: $(ls -A "$ro")"
# The same in a directory everyone may write: refused before anything is created there.
rw=$SQ_SRV/all-write
mkdir "$rw" && chmod 777 "$rw"
cp "$ro/wal.db" "$rw/wal.db"
fails 6 "owner cannot write" "$rw/wal.db"
[ "$(ls -A "$rw")" = wal.db ] || it_fail "files were left beside the WAL database: $(ls -A "$rw")"

# Local targets that must not be replaced.
sq_make_fixture "$SQ_SRV/app.db"
echo "my notes" >"$SQ_WS/notes.txt"
contract_before sqlite "$SQ_WS/notes.txt"
siphon_pull "$SQ_SRV/app.db" --into "$SQ_WS/notes.txt"
assert_failed_cleanly sqlite 2 "not an SQLite database"
[ "$(cat "$SQ_WS/notes.txt")" = "my notes" ] || it_fail "notes.txt changed"
rm -f "$SQ_WS/notes.txt"
mkdir "$SQ_WS/adir"
contract_before sqlite "$SQ_WS/adir"
siphon_pull "$SQ_SRV/app.db" --into "$SQ_WS/adir"
assert_failed_cleanly sqlite 2 'directory'
rmdir "$SQ_WS/adir"
[ "$(sqlite_target_fingerprint "$keep")" = "$keep_fp" ] || it_fail "keep.db changed"
