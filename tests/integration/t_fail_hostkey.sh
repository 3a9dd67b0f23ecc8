#!/bin/bash
# Unknown host key (empty known_hosts): exit 4, the message shows the key's SHA256 fingerprint and
# the file stays empty. Changed host key: exit 4, even with --accept-new-host-key, file unchanged.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
pg_keep
contract_before pg keep

kh=$H/run/known_hosts_empty
: >"$kh"
siphon_run pull "$(remote_spec app)" -i "$SIPHON_IT_KEY" --known-hosts "$kh" --into keep
assert_failed_cleanly pg 4 'unknown host key for .*SHA256:'
[ ! -s "$kh" ] || it_fail "known_hosts was written without --accept-new-host-key"

kh=$H/run/known_hosts_wrong
cp "$SIPHON_IT_KNOWN_HOSTS_WRONG" "$kh"
siphon_run pull "$(remote_spec app)" -i "$SIPHON_IT_KEY" --known-hosts "$kh" --into keep
assert_failed_cleanly pg 4 'host key for .* has CHANGED'
cmp -s "$kh" "$SIPHON_IT_KNOWN_HOSTS_WRONG" || it_fail "known_hosts changed"

siphon_run pull "$(remote_spec app)" -i "$SIPHON_IT_KEY" --known-hosts "$kh" --into keep --accept-new-host-key
assert_failed_cleanly pg 4 'host key for .* has CHANGED'
cmp -s "$kh" "$SIPHON_IT_KNOWN_HOSTS_WRONG" || it_fail "known_hosts changed by --accept-new-host-key on a changed key"
