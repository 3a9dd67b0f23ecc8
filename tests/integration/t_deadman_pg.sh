#!/bin/bash
# needs-real-siphon
# A laptop that sleeps mid-pull (kill -STOP siphon): within the heartbeat timeout the server has no
# siphon process, no session, no lock and no run directory left, and a writer gets its lock again.
# Then kill -CONT: siphon says the server ended the pull (exit 3), the local database as it was.
. "$(dirname "$0")/../harness/lib.sh"
. "$SIPHON_IT_LIB_DIR/deadman.sh"
harness_start || exit 1
it_begin
srv_ensure_big || it_fail "could not create database big"
pg_keep
contract_before pg keep

released() {
	local n
	n=$(srv_psql -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND usename IN ('$SIPHON_IT_SSH_USER', 'postgres')")
	[ "$n" = 0 ] || printf 'sessions '
	[ "$(_h_remote_procs | grep -c .)" = 0 ] || printf 'processes '
	[ ! -e "$(_deadman_dir_path "$rundir")" ] || printf 'rundir '
}

# Plain, and with the tools run as another user through sudo (the watchdog, as the SSH user,
# signals sudo, which passes the signal on).
for how in plain sudo; do
	args=()
	[ "$how" = sudo ] && args=(--remote-sudo postgres)
	siphon_bg pull "$(remote_spec big)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into keep -j 2 \
		--heartbeat-timeout "$DEADMAN_SECS" -v --retries 0 "${args[@]}"
	wait_remote_copy big "$SIPHON_PID" 30 "$([ "$how" = sudo ] && echo postgres)"
	rundir=$(deadman_run_dir)
	[ -n "$rundir" ] || it_fail "siphon -v did not name its run directory"
	[ -d "$(_deadman_dir_path "$rundir")" ] || it_fail "the run directory $rundir is not on the server"
	deadman_stop_and_measure $((DEADMAN_SECS + 25)) released
	it_note "PostgreSQL ($how): released ${RELEASE_S}s after siphon went silent (--heartbeat-timeout $DEADMAN_SECS)"
	# A writer's lock goes through at once (the snapshot holder's ACCESS SHARE locks are gone).
	srv_psql -q -d big <<<"BEGIN; SET lock_timeout = '1s'; DO \$\$ DECLARE t regclass; BEGIN FOR t IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') LOOP EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', t); END LOOP; END \$\$; ROLLBACK;" >/dev/null ||
		it_fail "$how: a writer still waits for a lock of the pull's"
	kill -CONT "$SIPHON_PID"
	siphon_wait 60
	assert_failed_cleanly pg 3 'ended the pull: it heard nothing from siphon'
	assert_run_dir_gone "$rundir"
done
