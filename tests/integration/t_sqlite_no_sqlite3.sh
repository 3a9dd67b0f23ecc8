#!/bin/bash
# needs-real-siphon
# The server has no sqlite3 (exit 6, the message says how to install it), or one older than 3.27
# (exit 8: no VACUUM INTO). Simulated without touching the machine: a second sshd runs in a private
# mount namespace in which /usr/bin/sqlite3 is an empty non-executable file, or a script that says
# it is 3.22.0. The local file stays byte-identical, nothing is left on either side.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
sq_dirs
sq_make_fixture "$SQ_SRV/app.db"
sqlite_keep
contract_before sqlite "$KEEP_TARGET"

for mode in missing old; do
	sq_sshd_fake_sqlite3 "$mode" || it_skip "cannot start an sshd in a private mount namespace (unshare -m)"
	siphon_run pull "$(remote_spec "$SQ_SRV/app.db" "$SIPHON_IT_SSH_USER" "$SQ_NS_PORT")" -i "$SIPHON_IT_KEY" \
		--known-hosts "$SQ_NS_KNOWN_HOSTS" --into "$KEEP_TARGET"
	if [ "$mode" = missing ]; then
		assert_failed_cleanly sqlite 6 'sqlite3 was not found.*apt install sqlite3'
	else
		assert_failed_cleanly sqlite 8 '3\.22\.0.*3\.27\.0|3\.27\.0.*3\.22\.0'
	fi
done
