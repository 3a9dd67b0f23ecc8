#!/bin/bash
# The remote role may read every table of rlsdb, but row-level security hides half the rows of one
# table from it: a copy would be silently incomplete, so the pull must fail (exit 6).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
pg_keep
contract_before pg keep

siphon_pull rlsdb --into keep --remote-pg-opts '-U limited'
assert_failed_cleanly pg 6 'cannot bypass row-level security'
