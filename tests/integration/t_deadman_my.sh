#!/bin/bash
# needs-real-siphon
# MariaDB, without and with --lock-all: a laptop that sleeps mid-pull (kill -STOP siphon). Within
# the heartbeat timeout the server has no siphon session or process and no run directory, and a
# write goes through (with --lock-all it was blocked by the global read lock before). Then
# kill -CONT: exit 3 with the watchdog's line, the local copy as it was, nothing left anywhere.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
. "$SIPHON_IT_LIB_DIR/deadman.sh"
harness_start || exit 1
my_begin
srv_my_ensure_big || it_fail "could not create siphon_big"
my_keep
contract_before my keep

# 0: the write went through, 1: it waited for a lock (ERROR 1205).
big_try_write() {
	srv_my -e "SET SESSION lock_wait_timeout = 1; UPDATE siphon_big.blob_rows SET a = a WHERE id = 1" \
		>/dev/null 2>"$H/run/write.err" && return 0
	grep -q 'ERROR 1205' "$H/run/write.err" || it_fail "the write probe failed otherwise: $(cat "$H/run/write.err")"
	return 1
}

my_released() {
	[ -z "$(srv_my_remote_sessions)" ] || printf 'sessions '
	[ "$(_h_remote_procs | grep -c .)" = 0 ] || printf 'processes '
	[ ! -e "$(_deadman_dir_path "$rundir")" ] || printf 'rundir '
}

for mode in snapshot --lock-all; do
	args=()
	[ "$mode" = --lock-all ] && args=(--lock-all)
	siphon_bg pull "$(remote_spec siphon_big)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--engine mysql --into keep -j 2 --heartbeat-timeout "$DEADMAN_SECS" -v --retries 0 "${args[@]}"
	wait_my_data_select "$SIPHON_PID"
	rundir=$(deadman_run_dir)
	[ -n "$rundir" ] || it_fail "siphon -v did not name its run directory"
	if [ "$mode" = --lock-all ]; then
		big_try_write && it_fail "--lock-all: a write went through while the pull held the global read lock"
	fi
	deadman_stop_and_measure $((DEADMAN_SECS + 25)) my_released
	it_note "MariaDB ($mode): released ${RELEASE_S}s after siphon went silent (--heartbeat-timeout $DEADMAN_SECS)"
	big_try_write || it_fail "$mode: a write still waits for the pull's lock"
	kill -CONT "$SIPHON_PID"
	siphon_wait 60
	assert_failed_cleanly my 3 'ended the pull: it heard nothing from siphon'
	assert_run_dir_gone "$rundir"
done
