#!/bin/bash
# The source database uses an extension (tablefunc) that the local server does not have: exit 8,
# and the message names it. (The workstation cluster runs in a mount namespace whose extension
# directory lacks tablefunc.)
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
[ -n "$SIPHON_IT_WS_NOEXT" ] || it_skip "the workstation cluster could not be started without an extension"
[ "$(ws_psql -At -d postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = '$SIPHON_IT_WS_NOEXT'")" = 0 ] ||
	it_fail "harness: $SIPHON_IT_WS_NOEXT is available on the workstation cluster"
pg_keep
contract_before pg keep

siphon_pull extdb --into keep
assert_failed_cleanly pg 8 "extensions that the local PostgreSQL does not have: .*$SIPHON_IT_WS_NOEXT"
