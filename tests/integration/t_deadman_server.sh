#!/bin/bash
# needs-real-siphon
# The server goes silent mid-pull (its sshd processes for the connection are stopped: a server that
# hangs, or a link that drops every packet): siphon notices from the missing echoes of its
# heartbeat and gives up within the heartbeat timeout, long before the stall timeout, with exit 3
# and the local database as it was. When the server wakes up, its watchdog ends the rest.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
srv_ensure_big || it_fail "could not create database big"
pg_keep
contract_before pg keep

siphon_bg pull "$(remote_spec big)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into keep -j 2 \
	--heartbeat-timeout 15 --stall-timeout 600 --retries 0
wait_remote_copy big "$SIPHON_PID"
pids=$(sshd_session_pids)
[ -n "$pids" ] || it_fail "no sshd session processes found"
harness_on_exit "kill -CONT $(echo $pids) 2>/dev/null"
t0=$(date +%s)
# shellcheck disable=SC2086
kill -STOP $pids
siphon_wait 40
t1=$(date +%s)
# shellcheck disable=SC2086
kill -CONT $pids
it_note "siphon gave up $((t1 - t0)) s after the server went silent (--heartbeat-timeout 15)"
[ $((t1 - t0)) -le 30 ] || it_fail "siphon took $((t1 - t0)) s to notice the silent server"
assert_failed_cleanly pg 3 'no answer from'
