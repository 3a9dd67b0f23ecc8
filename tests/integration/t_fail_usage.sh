#!/bin/bash
# Usage errors exit 2 with one "siphon: " line, before touching anything.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
keep_create

check_usage() {
	siphon_run "$@"
	assert_failed_cleanly 2
}
check_usage pull
check_usage pull "$(remote_spec small)" --into keep --compress bogus -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS"
check_usage pull "$(remote_spec small)" --into keep -j 0 -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS"
check_usage pull "$(remote_spec small)" --into keep --no-such-option -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS"
check_usage pull "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST" --into keep
check_usage no-such-command
