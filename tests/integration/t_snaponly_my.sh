#!/bin/bash
# needs-real-siphon
# pull --snapshot-only, MariaDB: refused for now (what the workers select depends on the local
# server: its engines, whether it takes history rows), with one line and exit 2, before anything
# is read; no snapshot file and no local database left.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
src=$SIPHON_IT_MY_SRC_DB
SNAPS=$(siphon_home)/.local/share/siphon/snapshots/myo

siphon_run config add myo --ssh "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT" \
	--database "$src" --engine mysql -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
	--into my_only
assert_rc 0 "config add"
siphon_run pull myo --snapshot-only
assert_rc 2 "pull --snapshot-only of MariaDB"
grep -q -- "--snapshot-only is not available for MySQL/MariaDB yet" "$H/run/err" || it_fail "no reason given: $(cat "$H/run/err")"
[ -z "$(ls -A "$SNAPS" 2>/dev/null)" ] || it_fail "a refused --snapshot-only left a file: $(ls -A "$SNAPS")"
assert_ws_my_dbs
assert_no_pwned
