#!/bin/bash
# needs-real-siphon
# Saved snapshots, PostgreSQL: pull --save of the hostile fixture "app" (-j 3, zstd), then the local
# copy dropped and the server unreachable (the profile names a closed port); `restore` rebuilds it
# from the snapshot alone, through the same engine and lanes, equal to the source. A snapshot
# taken with other options (jobs) still restores: the snapshot's own options win.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

siphon_run config add pgp --ssh "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT" \
	--database app -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into app_snap \
	-j 3 --compress zstd
assert_rc 0 "config add"
siphon_run pull pgp --save
assert_rc 0 "pull --save"
assert_same app app_snap
snap=$(ls "$(siphon_home)"/.local/share/siphon/snapshots/pgp/*.siphon.tar)
siphon_run verify "$snap"
assert_rc 0 "verify"

ws_psql -d postgres -c "DROP DATABASE app_snap" >/dev/null || it_fail "drop the copy"
siphon_run config set pgp port 1
siphon_run config set pgp jobs 1
siphon_run restore pgp@latest
assert_rc 0 "restore pgp@latest"
assert_same app app_snap
assert_ws_dbs app_snap
assert_no_pwned
