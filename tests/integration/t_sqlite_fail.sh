#!/bin/bash
# needs-real-siphon
# SQLite failures, each one error line with its exit code, the old local file byte-identical, no
# temporary file left here or on the server: a missing file, a directory, a text file, a file the
# SSH user cannot read, a WAL database at rest in a directory the SSH user cannot write (reading
# needs its -shm), the same where it could write (it would leave -wal/-shm that the owner cannot
# write: refused, and nothing created); locally: a target that is not an SQLite file, a directory.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/sqlite.sh"
harness_start || exit 1
it_begin
sq_dirs
keep=$SQ_WS/keep.db
sqlite3 "$keep" "CREATE TABLE precious (v); INSERT INTO precious VALUES ('keep me')" || it_fail "create keep.db"
cp "$keep" "$H/run/keep.ref"

fails() { # RC WORDS REMOTE_PATH [ARGS...]: the pull fails cleanly with RC and a line holding WORDS
	local rc=$1 words=$2 path=$3
	shift 3
	siphon_pull "$path" --into "$keep" "$@"
	assert_rc "$rc" "pull $path"
	assert_error_line
	tail -n 1 "$H/run/err" | grep -qi -- "$words" || it_fail "the error does not say '$words': $(tail -n 1 "$H/run/err")"
	cmp -s "$keep" "$H/run/keep.ref" || it_fail "keep.db changed"
	sq_assert_no_local_tmp
	sq_assert_srv_clean
}

fails 6 "no file" "$SQ_SRV/missing.db"
[ ! -e "$SQ_SRV/missing.db" ] || it_fail "the missing file was created on the server"
fails 6 "no file" "relative/missing.db"
runuser -u "$SIPHON_IT_SSH_USER" -- mkdir "$SQ_SRV/adir.db"
fails 6 "is a directory" "$SQ_SRV/adir.db"
echo "hello, I am a text file that is long enough" >"$SQ_SRV/notes.db"
fails 6 "not an SQLite 3 database" "$SQ_SRV/notes.db"
sq_make_fixture "$SQ_SRV/secret.db"
chown root: "$SQ_SRV/secret.db" && chmod 600 "$SQ_SRV/secret.db"
fails 6 "permission denied" "$SQ_SRV/secret.db"

# WAL at rest, owned by root, in a directory that siphon_remote cannot write.
ro=$SQ_SRV/root-only
mkdir "$ro" && chmod 755 "$ro"
sqlite3 "$ro/wal.db" "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1)" >/dev/null
fails 6 "needs write access to its -shm" "$ro/wal.db"
# The same in a directory everyone may write: refused before anything is created there.
rw=$SQ_SRV/all-write
mkdir "$rw" && chmod 777 "$rw"
cp "$ro/wal.db" "$rw/wal.db"
fails 6 "owner cannot write" "$rw/wal.db"
[ -z "$(ls "$rw" | grep -v '^wal.db$')" ] || it_fail "files were left beside the WAL database: $(ls "$rw")"

# Local targets that must not be replaced.
sq_make_fixture "$SQ_SRV/app.db"
echo "my notes" >"$SQ_WS/notes.txt"
siphon_pull "$SQ_SRV/app.db" --into "$SQ_WS/notes.txt"
assert_rc 2 "--into a file that is not SQLite"
assert_error_line
assert_stderr_contains "not an SQLite database"
[ "$(cat "$SQ_WS/notes.txt")" = "my notes" ] || it_fail "notes.txt changed"
rm -f "$SQ_WS/notes.txt"
mkdir "$SQ_WS/adir"
siphon_pull "$SQ_SRV/app.db" --into "$SQ_WS/adir"
assert_rc 2 "--into a directory"
assert_error_line
rmdir "$SQ_WS/adir"
cmp -s "$keep" "$H/run/keep.ref" || it_fail "keep.db changed"

sq_assert_no_local_tmp
assert_no_pwned
sq_assert_srv_clean
