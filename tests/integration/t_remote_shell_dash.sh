#!/bin/bash
# The SSH user's login shell is /bin/sh (dash: no pipefail, no bash-isms), as on many servers.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

siphon_run pull "$(remote_spec app "$SIPHON_IT_DASH_USER")" -i "$SIPHON_IT_KEY" \
	--known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into app_dash -j 2
assert_rc 0 "pull as a user whose login shell is dash"
assert_same app app_dash
assert_ws_dbs app_dash
assert_no_pwned
assert_left_clean pg
