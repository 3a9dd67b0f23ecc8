#!/bin/bash
# Usage errors exit 2 with one "siphon: " line, before touching anything.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
pg_keep
contract_before pg keep

check_usage() { # REGEX ARGS...
	local re=$1
	shift
	siphon_run "$@"
	assert_failed_cleanly pg 2 "$re"
}
check_usage 'missing target' pull
check_usage "bad value 'bogus' for --compress" pull "$(remote_spec small)" --into keep --compress bogus -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS"
check_usage "bad value '0' for -j" pull "$(remote_spec small)" --into keep -j 0 -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS"
check_usage "unknown option '--no-such-option'" pull "$(remote_spec small)" --into keep --no-such-option -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS"
check_usage "missing ':DBNAME'" pull "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST" --into keep
check_usage "unknown command 'no-such-command'" no-such-command
