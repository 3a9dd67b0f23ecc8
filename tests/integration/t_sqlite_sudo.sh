#!/bin/bash
# needs-real-siphon
# SQLite with --remote-sudo: a WAL database at rest that only postgres may read, in a directory
# only postgres may enter, is copied as postgres (the whole remote script runs through sudo -n),
# and nothing is left beside it or in /tmp. Without --remote-sudo: permission denied (exit 6); a
# user that sudo refuses: exit 6 with sudo named.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/sqlite.sh"
harness_start || exit 1
it_begin
ls /etc/sudoers.d/siphon-it-* >/dev/null 2>&1 || it_skip "sudo is not installed or not configured by the harness"
sq_dirs
pgdir=$(mktemp -d /tmp/sqlite-it-pg.XXXXXX) || it_fail "mktemp"
harness_on_exit "rm -rf '$pgdir'"
chown postgres: "$pgdir" && chmod 700 "$pgdir"
db="$pgdir/app 'x'.db"
sq_make_fixture "$SQ_SRV/src.db"
cp "$SQ_SRV/src.db" "$db" && chown postgres: "$db" && chmod 600 "$db"
runuser -u postgres -- sqlite3 "$db" 'PRAGMA journal_mode = WAL' >/dev/null || it_fail "WAL mode"

siphon_pull "$db" --into "$SQ_WS/copy.db"
assert_rc 6 "without --remote-sudo"
assert_error_line
assert_stderr_contains "cannot enter the directory"
assert_stderr_contains "--remote-sudo postgres"
[ ! -e "$SQ_WS/copy.db" ] || it_fail "a copy appeared"

siphon_pull "$db" --into "$SQ_WS/copy.db" --remote-sudo postgres --compress zstd
assert_rc 0 "--remote-sudo postgres"
sq_assert_same "$db" "$SQ_WS/copy.db"
[ "$(ls -A "$pgdir")" = "app 'x'.db" ] || it_fail "left beside the database: $(ls -A "$pgdir")"
left=$(find /tmp -maxdepth 1 -name 'siphon-sqlite.*' -user postgres)
[ -z "$left" ] || it_fail "postgres's temporary copy is still there: $left"

siphon_pull "$db" --into "$SQ_WS/copy.db" --remote-sudo nobody
assert_rc 6 "--remote-sudo nobody"
assert_error_line
assert_stderr_contains "sudo"
sq_assert_same "$db" "$SQ_WS/copy.db"

sq_assert_no_local_tmp
assert_no_pwned
sq_assert_srv_clean
