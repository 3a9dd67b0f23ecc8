#!/bin/bash
# needs-real-siphon
# SQLite: pull a database with tables, indexes, views, triggers, blobs, unicode, a WITHOUT ROWID
# table, user_version and application_id; compare schema and rows table by table, integrity_check,
# mode 0600. Then replace that copy (--compress zstd), replace it through a symbolic link (the link
# stays), pull as a user whose login shell is dash, and pull without --engine: a path with '/',
# and a bare name ending in .db (relative to the SSH user's home) without --into (lands here).
# What killed runs leave behind goes: local temporary files of dead siphon processes (not those of
# live ones), and the SSH user's server-side copies older than a day (not younger ones).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
sq_dirs
sq_make_fixture "$SQ_SRV/app.db"

# Leftovers of killed runs: a dead siphon's temporary file (and its -journal), a live one's; on
# the server a two-day-old copy and a fresh one of siphon_remote.
sleep 0 &
dead=$!
wait "$dead"
kill -0 "$dead" 2>/dev/null && it_skip "pid $dead was reused at once"
# This machine's id in temporary names: FNV-1a of the host name (util/tmpname.c).
host_id() {
	local n h=2166136261 i c
	n=$(hostname)
	for ((i = 0; i < ${#n}; i++)); do
		printf -v c '%d' "'${n:i:1}"
		h=$(( ((h ^ c) * 16777619) & 0xffffffff ))
	done
	printf '%08x' "$h"
}
host=$(host_id)
other=$( [ "$host" = 00000000 ] && echo 11111111 || echo 00000000 )
dead_tmp=".copy.db.siphon_tmp_${host}_${dead}_1700000000-AbC123"
live_tmp=".copy.db.siphon_tmp_${host}_$$_1700000000-XyZ789"
other_tmp=".copy.db.siphon_tmp_${other}_${dead}_1700000000-Qq1234"
echo junk >"$SQ_WS/$dead_tmp"
echo junk >"$SQ_WS/$dead_tmp-journal"
echo junk >"$SQ_WS/$live_tmp"
echo junk >"$SQ_WS/$other_tmp"
old_copy=/tmp/siphon-sqlite.it$$old
new_copy=/tmp/siphon-sqlite.it$$new
runuser -u "$SIPHON_IT_SSH_USER" -- mkdir "$old_copy" "$new_copy" || it_fail "mkdir stale copies"
harness_on_exit "rm -rf '$old_copy' '$new_copy'"
touch -d '2 days ago' "$old_copy"

siphon_pull "$SQ_SRV/app.db" --engine sqlite --into "$SQ_WS/copy.db"
assert_rc 0 "pull app.db --engine sqlite"
[ ! -e "$SQ_WS/$dead_tmp" ] && [ ! -e "$SQ_WS/$dead_tmp-journal" ] ||
	it_fail "a dead run's temporary file was not removed"
assert_stderr_contains "removed $dead_tmp, left by an interrupted siphon run"
[ -e "$SQ_WS/$live_tmp" ] || it_fail "a live run's temporary file was removed"
[ -e "$SQ_WS/$other_tmp" ] || it_fail "another machine's temporary file was removed"
rm -f "$SQ_WS/$live_tmp" "$SQ_WS/$other_tmp"
[ ! -e "$old_copy" ] || it_fail "the server's two-day-old copy was not removed"
[ -d "$new_copy" ] || it_fail "the server's fresh copy was removed"
rmdir "$new_copy"
sq_assert_same "$SQ_SRV/app.db" "$SQ_WS/copy.db"
sq_assert_mode "$SQ_WS/copy.db" 600
[ "$(sqlite3 "$SQ_WS/copy.db" 'PRAGMA user_version; PRAGMA application_id')" = $'42\n1095782722' ] ||
	it_fail "user_version/application_id not kept"
grep -q ': 5 tables, ' "$H/run/out" "$H/run/err" || it_fail "the summary does not say '5 tables'"

# Replace it, compressed; a trigger fires on the server in between.
sq_srv_file "$SQ_SRV/app.db" "UPDATE customers SET name = name || ' (v2)' WHERE id < 10" || it_fail "update"
siphon_pull "$SQ_SRV/app.db" --engine sqlite --into "$SQ_WS/copy.db" --compress zstd
assert_rc 0 "pull over the existing copy, zstd"
sq_assert_same "$SQ_SRV/app.db" "$SQ_WS/copy.db"
sq_assert_mode "$SQ_WS/copy.db" 600

# Through a symbolic link: the file it points to is replaced, the link stays.
ln -s copy.db "$SQ_WS/link.db"
sq_srv_file "$SQ_SRV/app.db" "DELETE FROM kv WHERE k = 'null'" || it_fail "delete"
siphon_pull "$SQ_SRV/app.db" --into "$SQ_WS/link.db"
assert_rc 0 "pull into a symbolic link"
[ -L "$SQ_WS/link.db" ] && [ "$(readlink "$SQ_WS/link.db")" = copy.db ] || it_fail "the link was replaced"
sq_assert_same "$SQ_SRV/app.db" "$SQ_WS/copy.db"
rm -f "$SQ_WS/link.db"

# As a user whose login shell is /bin/sh (dash), who may read the file but not write it.
siphon_run pull "$(remote_spec "$SQ_SRV/app.db" "$SIPHON_IT_DASH_USER")" -i "$SIPHON_IT_KEY" \
	--known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into "$SQ_WS/dash.db"
assert_rc 0 "pull as $SIPHON_IT_DASH_USER"
sq_assert_same "$SQ_SRV/app.db" "$SQ_WS/dash.db"
[ -z "$(find /tmp -maxdepth 1 -name 'siphon-sqlite.*' -user "$SIPHON_IT_DASH_USER")" ] ||
	it_fail "$SIPHON_IT_DASH_USER's temporary copy is still there"

# Detected by the name: a path with '/', no --engine, gzip.
siphon_pull "$SQ_SRV/app.db" --into "$SQ_WS/auto.sqlite" --compress gzip
assert_rc 0 "pull by path without --engine"
sq_assert_same "$SQ_SRV/app.db" "$SQ_WS/auto.sqlite"

# A bare name ending in .db: relative to the remote home; no --into: its name, here.
name="sqlite-it-$$.db"
cp "$SQ_SRV/app.db" "/home/$SIPHON_IT_SSH_USER/$name" && chown "$SIPHON_IT_SSH_USER:" "/home/$SIPHON_IT_SSH_USER/$name" ||
	it_fail "copy to the remote home"
harness_on_exit "rm -f '/home/$SIPHON_IT_SSH_USER/$name'"
(cd "$SQ_WS" && siphon_pull "$name" && echo "$RC" >"$H/run/rc") 
RC=$(cat "$H/run/rc")
assert_rc 0 "pull a bare .db name without --into"
sq_assert_same "$SQ_SRV/app.db" "$SQ_WS/$name"
sq_assert_mode "$SQ_WS/$name" 600
assert_no_pwned
assert_left_clean sqlite
