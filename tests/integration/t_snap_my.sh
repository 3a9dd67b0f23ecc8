#!/bin/bash
# needs-real-siphon
# Saved snapshots, MariaDB: pull --save of siphon_src (-j 4: the control session and the workers'
# one instant, all recorded), the local copy dropped, the server unreachable; `restore` rebuilds it
# from the snapshot alone, equal to the source.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
src=$SIPHON_IT_MY_SRC_DB

siphon_run config add myp --ssh "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT" \
	--database "$src" --engine mysql -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
	--into my_snap
assert_rc 0 "config add"
siphon_run pull myp --save
assert_rc 0 "pull --save"
assert_same_my "$src" my_snap --definer-of root@localhost

# No pristine copy (MySQL keeps one only when asked): reset names the saved snapshot instead.
siphon_run reset myp
assert_rc 7 "reset with no pristine copy"
assert_error_line
assert_stderr_contains "; or make it again from the profile's saved snapshot, without the network: siphon restore myp@latest"

ws_my -e "DROP DATABASE my_snap" || it_fail "drop the copy"
siphon_run config set myp port 1
siphon_run restore myp@latest
assert_rc 0 "restore myp@latest"
assert_same_my "$src" my_snap --definer-of root@localhost
assert_ws_my_dbs my_snap
assert_no_pwned
