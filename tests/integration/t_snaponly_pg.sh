#!/bin/bash
# needs-real-siphon
# pull --snapshot-only, PostgreSQL: the hostile fixture "app" (-j 3, zstd) saved as a snapshot with
# no local server reachable (PGHOST names a directory with no server): no local database made, no
# temporary left; the snapshot verifies, and `restore` (the server unreachable) makes a copy equal
# to the source. snapshot_only = yes in the profile does the same.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
SNAPS=$(siphon_home)/.local/share/siphon/snapshots/pgo

siphon_run config add pgo --ssh "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT" \
	--database app -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into app_only \
	-j 3 --compress zstd
assert_rc 0 "config add"
before=$(ws_dbs)
PGHOST=/nonexistent-siphon-snapshot-only PGPORT=1 siphon_run pull pgo --snapshot-only
assert_rc 0 "pull --snapshot-only with no local server"
grep -q "^pulled app from .* into a snapshot only: " "$H/run/out" || it_fail "the summary: $(cat "$H/run/out")"
grep -q "snapshot saved: " "$H/run/err" || it_fail "no line names the snapshot"
[ "$(ws_dbs)" = "$before" ] || it_fail "the workstation's databases changed: $(echo $(ws_dbs))"
snap=$(ls "$SNAPS"/*.siphon.tar 2>/dev/null)
[ "$(printf '%s\n' "$snap" | grep -c .)" = 1 ] || it_fail "not exactly one snapshot: $snap"
[ "$(stat -c %a "$snap")" = 600 ] || it_fail "the snapshot is not 0600"
siphon_run verify "$snap"
assert_rc 0 "verify"
tar xOf "$snap" manifest | grep -q snapshot-only && it_fail "the manifest records snapshot-only"

# The server unreachable: the snapshot alone makes the copy.
siphon_run config set pgo port 1
siphon_run restore pgo@latest
assert_rc 0 "restore pgo@latest"
assert_same app app_only
ws_psql -d postgres -c "DROP DATABASE app_only" >/dev/null || it_fail "drop the copy"

# The profile's key: a second snapshot, the local databases still untouched.
siphon_run config set pgo port "$SIPHON_IT_SSH_PORT"
siphon_run config set pgo snapshot_only yes
assert_rc 0 "config set snapshot_only"
before=$(ws_dbs)
sleep 1.1
siphon_run pull pgo
assert_rc 0 "pull with snapshot_only = yes"
[ "$(ws_dbs)" = "$before" ] || it_fail "snapshot_only = yes changed the workstation's databases"
[ "$(ls "$SNAPS" | grep -c '\.siphon\.tar$')" = 2 ] || it_fail "not two snapshots: $(ls "$SNAPS")"
# doctor on such a profile checks the server side only: no local server is needed.
PGHOST=/nonexistent-siphon-snapshot-only PGPORT=1 siphon_run doctor pgo
assert_rc 0 "doctor of a snapshot_only profile with no local server"
grep -q "^  ok    create .*not needed" "$H/run/out" || it_fail "doctor on the create check: $(cat "$H/run/out")"
grep -q "^  ok    local .*snapshot only" "$H/run/out" || it_fail "doctor on the local check: $(cat "$H/run/out")"
siphon_run restore pgo@latest --into app_only2
assert_rc 0 "restore of the second snapshot"
assert_same app app_only2
assert_no_pwned
