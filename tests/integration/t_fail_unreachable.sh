#!/bin/bash
# Nothing listens on the port: exit 3.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
pg_keep
contract_before pg keep

port=$(_h_free_port) || it_fail "no free port"
siphon_run pull "$(remote_spec app "$SIPHON_IT_SSH_USER" "$port")" -i "$SIPHON_IT_KEY" \
	--known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into keep
assert_failed_cleanly pg 3 'cannot connect to'
