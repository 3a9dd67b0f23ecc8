#!/bin/bash
# The server has no PostgreSQL client tools: exit 6, and the message says what is missing.
# Simulated without touching the machine: a second sshd runs in a private mount namespace in which
# /usr/lib/postgresql is an empty tmpfs (so both /usr/lib/postgresql/*/bin/pg_dump and Debian's
# /usr/bin/pg_dump wrapper fail), same host key, same users.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
sshd_nopg_start || it_skip "cannot start an sshd in a private mount namespace (unshare -m)"
pg_keep
contract_before pg keep

siphon_run pull "$(remote_spec app "$SIPHON_IT_SSH_USER" "$SIPHON_IT_NOPG_PORT")" -i "$SIPHON_IT_KEY" \
	--known-hosts "$SIPHON_IT_NOPG_KNOWN_HOSTS" --into keep
assert_failed_cleanly pg 6 'pg_dump was not found|no PostgreSQL client \(pg_dump'
