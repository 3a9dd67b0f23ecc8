#!/bin/bash
# needs-real-siphon
# SQLite, Ctrl-C (SIGINT) while the server makes its copy (VACUUM INTO) and while the copy streams:
# exit 130, the local file byte-identical, no temporary file here, and on the server the VACUUM is
# stopped and the temporary copy removed (the script's heartbeat notices the client is gone).
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/sqlite.sh"
harness_start || exit 1
it_begin
sq_dirs
sq_make_big "$SQ_SRV/big.db" 150
sq_keep

for when in vacuum stream; do
	sq_bg_big_pull "$when"
	kill -INT "$SIPHON_PID"
	siphon_wait 30
	assert_rc 130 "Ctrl-C during the $when"
	assert_error_line
	sq_assert_keep
	sq_assert_no_local_tmp
	sq_assert_srv_clean
done
assert_no_pwned
