#!/bin/bash
# The remote role may not read the tables (--remote-pg-opts '-U limited'): exit 6.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
pg_keep
contract_before pg keep

siphon_pull app --into keep --remote-pg-opts '-U limited'
assert_failed_cleanly pg 6 'permission denied on .*the remote role needs to read every table'
