#!/bin/bash
# needs-real-siphon
# The server has no sqlite3 (exit 6, the message says how to install it), or one older than 3.27
# (exit 8: no VACUUM INTO). Simulated without touching the machine: a second sshd runs in a private
# mount namespace in which /usr/bin/sqlite3 is an empty non-executable file, or a script that says
# it is 3.22.0. The local file stays byte-identical, nothing is left on either side.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/sqlite.sh"
harness_start || exit 1
it_begin
sq_dirs
sq_make_fixture "$SQ_SRV/app.db"
sqlite3 "$SQ_WS/keep.db" "CREATE TABLE precious (v); INSERT INTO precious VALUES ('keep me')" || it_fail "keep.db"
cp "$SQ_WS/keep.db" "$H/run/keep.ref"

for mode in missing old; do
	sq_sshd_fake_sqlite3 "$mode" || it_skip "cannot start an sshd in a private mount namespace (unshare -m)"
	siphon_run pull "$(remote_spec "$SQ_SRV/app.db" "$SIPHON_IT_SSH_USER" "$SQ_NS_PORT")" -i "$SIPHON_IT_KEY" \
		--known-hosts "$SQ_NS_KNOWN_HOSTS" --into "$SQ_WS/keep.db"
	if [ "$mode" = missing ]; then
		assert_rc 6 "no sqlite3 on the server"
		assert_error_line
		assert_stderr_contains "sqlite3 was not found"
		assert_stderr_contains "apt install sqlite3"
	else
		assert_rc 8 "sqlite3 3.22 on the server"
		assert_error_line
		assert_stderr_contains "3.22.0"
		assert_stderr_contains "3.27.0"
	fi
	cmp -s "$SQ_WS/keep.db" "$H/run/keep.ref" || it_fail "keep.db changed"
	sq_assert_no_local_tmp
	sq_assert_srv_clean
done
assert_no_pwned
