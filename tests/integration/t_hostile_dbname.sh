#!/bin/bash
# A source database named  hostile db'; $(touch /tmp/siphon-pwned-db) `x`  pulled into a local
# database with a hostile name, then without --into (same name locally). Nothing may be executed.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

local_name='local "copy"; $(touch /tmp/siphon-pwned-local) it'\''s `x`'
siphon_pull "$SIPHON_IT_HOSTILE_DB" --into "$local_name"
assert_rc 0 "pull the hostile database name"
assert_same "$SIPHON_IT_HOSTILE_DB" "$local_name"
assert_no_pwned

siphon_pull "$SIPHON_IT_HOSTILE_DB"
assert_rc 0 "pull the hostile database name without --into"
assert_same "$SIPHON_IT_HOSTILE_DB" "$SIPHON_IT_HOSTILE_DB"

assert_ws_dbs "$local_name" "$SIPHON_IT_HOSTILE_DB"
assert_no_pwned
assert_remote_clean
