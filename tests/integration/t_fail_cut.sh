#!/bin/bash
# The SSH connection dies while data are streaming (the sshd processes serving it are killed):
# exit 3, the local database untouched, no temporary database left, nothing left on the server.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
srv_ensure_big || it_fail "could not create database big"
keep_create

siphon_bg pull "$(remote_spec big)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into keep -j 2 --compress zstd
wait_remote_copy big "$SIPHON_PID"
pids=$(sshd_session_pids)
[ -n "$pids" ] || it_fail "no sshd session processes found"
it_note "killing sshd session processes: $(echo $pids)"
# shellcheck disable=SC2086
kill -9 $pids
siphon_wait 60
assert_failed_cleanly 3
