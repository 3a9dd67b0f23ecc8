#!/bin/bash
# SIGINT (Ctrl-C) while data are streaming: exit 130, local database untouched, no temporary
# database left, and the dump on the server ends too.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
srv_ensure_big || it_fail "could not create database big"
keep_create

siphon_bg pull "$(remote_spec big)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into keep -j 2
wait_remote_copy big "$SIPHON_PID"
sleep 0.3
kill -INT "$SIPHON_PID"
siphon_wait 30
assert_failed_cleanly 130
