#!/bin/bash
# needs-real-siphon
# MariaDB: the SSH connection dies while rows are streaming (the sshd processes serving it are
# killed): exit 3, the local copy untouched, no temporary database left, no session of siphon's
# left on the server or the workstation.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
srv_my_ensure_big || it_fail "could not create siphon_big"
my_keep_create

siphon_bg pull "$(remote_spec siphon_big)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --engine mysql --into keep -j 2 --compress zstd
wait_my_data_select "$SIPHON_PID"
sleep 0.3
pids=$(sshd_session_pids)
[ -n "$pids" ] || it_fail "no sshd session processes found"
it_note "killing sshd session processes: $(echo $pids)"
# shellcheck disable=SC2086
kill -9 $pids
siphon_wait 60
assert_my_failed_cleanly 3
