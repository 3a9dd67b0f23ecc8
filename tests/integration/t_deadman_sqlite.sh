#!/bin/bash
# needs-real-siphon
# SQLite: a laptop that sleeps while the server runs VACUUM INTO (kill -STOP siphon). Within the
# heartbeat timeout the server has no siphon process, no temporary copy and no run directory.
# Then kill -CONT: exit 3 with the watchdog's line, the local file byte-identical.
. "$(dirname "$0")/../harness/lib.sh"
. "$SIPHON_IT_LIB_DIR/deadman.sh"
harness_start || exit 1
it_begin
sq_dirs
sq_make_big "$SQ_SRV/big.db" 150
sqlite_keep
contract_before sqlite "$KEEP_TARGET"

sq_released() {
	[ -z "$(sq_srv_tmp_dirs)" ] || printf 'tempcopy '
	[ "$(_h_remote_procs | grep -c .)" = 0 ] || printf 'processes '
	[ ! -e "$(_deadman_dir_path "$rundir")" ] || printf 'rundir '
}

siphon_bg pull "$(remote_spec "$SQ_SRV/big.db")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
	--into "$SQ_WS/keep.db" --compress gzip --heartbeat-timeout "$DEADMAN_SECS" -v --retries 0
sq_wait_vacuum "$SIPHON_PID"
rundir=$(deadman_run_dir)
[ -n "$rundir" ] || it_fail "siphon -v did not name its run directory"
deadman_stop_and_measure $((DEADMAN_SECS + 25)) sq_released
it_note "SQLite (during VACUUM INTO): released ${RELEASE_S}s after siphon went silent (--heartbeat-timeout $DEADMAN_SECS)"
kill -CONT "$SIPHON_PID"
siphon_wait 60
assert_failed_cleanly sqlite 3 'ended the pull: it heard nothing from siphon'
assert_run_dir_gone "$rundir"
