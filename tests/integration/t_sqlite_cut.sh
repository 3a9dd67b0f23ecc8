#!/bin/bash
# needs-real-siphon
# SQLite, the SSH connection dies (the sshd processes serving it are killed) while the server makes
# its copy and while the copy streams: exit 3, the local file byte-identical, no temporary file
# here, and the server's VACUUM stopped and its temporary copy removed.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/sqlite.sh"
harness_start || exit 1
it_begin
sq_dirs
sq_make_big "$SQ_SRV/big.db" 150
sq_keep

for when in vacuum stream; do
	sq_bg_big_pull "$when"
	pids=$(sshd_session_pids)
	[ -n "$pids" ] || it_fail "no sshd session processes found"
	# shellcheck disable=SC2086
	kill -9 $pids
	siphon_wait 30
	assert_rc 3 "connection cut during the $when"
	assert_error_line
	sq_assert_keep
	sq_assert_no_local_tmp
	sq_assert_srv_clean
done
assert_no_pwned
