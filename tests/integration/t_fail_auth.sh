#!/bin/bash
# A key that the server does not accept, and a user that may not log in: exit 5.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
keep_create

siphon_run pull "$(remote_spec app)" -i "$SIPHON_IT_OTHER_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into keep
assert_failed_cleanly 5

siphon_run pull "$(remote_spec app nosuchuser)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into keep
assert_failed_cleanly 5
