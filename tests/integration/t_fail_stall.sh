#!/bin/bash
# The connection stays open but nothing arrives (the sshd processes serving it are stopped):
# with --stall-timeout 3, exit 3 well before the test's limit, local database untouched.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
srv_ensure_big || it_fail "could not create database big"
pg_keep
contract_before pg keep

siphon_bg pull "$(remote_spec big)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into keep --stall-timeout 3 --retries 0
wait_remote_copy big "$SIPHON_PID"
pids=$(sshd_session_pids)
[ -n "$pids" ] || it_fail "no sshd session processes found"
harness_on_exit "kill -9 $(echo $pids) 2>/dev/null"
it_note "stopping sshd session processes: $(echo $pids)"
# shellcheck disable=SC2086
kill -STOP $pids
t0=$(date +%s)
siphon_wait 40
it_note "siphon ended $(($(date +%s) - t0))s after the stall began"
# Let the stopped sessions go (the dump on the server then dies of a broken pipe).
# shellcheck disable=SC2086
kill -9 $pids 2>/dev/null
assert_failed_cleanly pg 3 'the transfer stalled'
