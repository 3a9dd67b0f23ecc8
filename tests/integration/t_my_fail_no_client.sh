#!/bin/bash
# needs-real-siphon
# The server has no mysql/mariadb client: exit 6, the message says what is missing, the local copy
# is untouched. Simulated without touching the machine: a second sshd runs in a private mount
# namespace whose /usr/bin hides mariadb and mysql (an overlay with whiteouts), same host key, same
# users; PostgreSQL's tools are still there.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
sshd_nomy_start || it_skip "cannot start an sshd in a private mount namespace with an overlay on /usr/bin"
my_keep
contract_before my keep

nomy_pull() {
	siphon_run pull "$(remote_spec "$SIPHON_IT_MY_SRC_DB" "$SIPHON_IT_SSH_USER" "$SIPHON_IT_NOMY_PORT")" -i "$SIPHON_IT_KEY" \
		--known-hosts "$SIPHON_IT_NOMY_KNOWN_HOSTS" --into keep "$@"
}

nomy_pull --engine mysql
assert_failed_cleanly my 6 'no mysql or mariadb client'

# Without --engine only PostgreSQL's tools are found, and PostgreSQL has no siphon_src.
nomy_pull
assert_failed_cleanly my 6 'database "siphon_src" does not exist'
