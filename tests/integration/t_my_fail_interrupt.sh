#!/bin/bash
# needs-real-siphon
# MariaDB: SIGINT (Ctrl-C) while rows are streaming: exit 130, the local copy untouched, no
# temporary database left, and within a few seconds no session of siphon's on the server's
# processlist (nor on the workstation's). Then the same during a --lock-all copy: production's
# writes go through again within a few seconds.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
srv_my_ensure_big || it_fail "could not create siphon_big"
my_keep_create

siphon_bg pull "$(remote_spec siphon_big)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --engine mysql --into keep -j 2
wait_my_data_select "$SIPHON_PID"
sleep 0.3
kill -INT "$SIPHON_PID"
siphon_wait 30
assert_rc 130
assert_error_line
assert_my_keep_unchanged
assert_ws_my_dbs keep
assert_no_pwned
assert_my_clean 5

# --lock-all: the global read lock must not outlive the interrupted copy.
srv_my -e "DROP DATABASE IF EXISTS siphon_it_probe; CREATE DATABASE siphon_it_probe; CREATE TABLE siphon_it_probe.t (id INT PRIMARY KEY, balance INT); INSERT INTO siphon_it_probe.t VALUES (1, 0)" ||
	it_fail "create the probe table"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS siphon_it_probe'"
siphon_bg pull "$(remote_spec siphon_big)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --engine mysql --into keep -j 2 --lock-all
wait_my_data_select "$SIPHON_PID"
srv_my_try_write siphon_it_probe t && it_fail "--lock-all: a write went through during the copy"
kill -INT "$SIPHON_PID"
siphon_wait 30
assert_rc 130
assert_error_line
ok=0
for _ in $(seq 1 50); do
	srv_my_try_write siphon_it_probe t && { ok=1; break; }
	sleep 0.1
done
[ "$ok" = 1 ] || it_fail "writes on the server are still blocked 5 s after the interrupted --lock-all copy"
srv_my -e 'DROP DATABASE siphon_it_probe'
assert_my_keep_unchanged
assert_ws_my_dbs keep
assert_my_clean 5
