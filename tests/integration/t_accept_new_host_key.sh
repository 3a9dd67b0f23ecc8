#!/bin/bash
# --accept-new-host-key with an empty known_hosts: the pull works and the server's key is added;
# the next pull works with that file and without the flag. Hashed known_hosts entries work.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

kh=$H/run/known_hosts_new
: >"$kh"
siphon_run pull "$(remote_spec small)" -i "$SIPHON_IT_KEY" --known-hosts "$kh" --into small_1 --accept-new-host-key
assert_rc 0 "pull with --accept-new-host-key"
assert_same small small_1
line=$(ssh-keygen -F "[127.0.0.1]:$SIPHON_IT_SSH_PORT" -f "$kh" | grep -v '^#' | head -n 1)
[ -n "$line" ] || it_fail "no entry for [127.0.0.1]:$SIPHON_IT_SSH_PORT in known_hosts after --accept-new-host-key: $(cat "$kh")"
key=$(echo "$line" | awk '{print $2, $3}')
grep -qxF "$key" <(cut -d' ' -f1-2 "$H"/sshd/ssh_host_*_key.pub) || it_fail "the added key is not the server's: $line"

siphon_run pull "$(remote_spec small)" -i "$SIPHON_IT_KEY" --known-hosts "$kh" --into small_2
assert_rc 0 "pull with the known_hosts written by --accept-new-host-key"
assert_same small small_2

siphon_run pull "$(remote_spec small)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS_HASHED" --into small_3
assert_rc 0 "pull with a hashed known_hosts"
assert_same small small_3

assert_ws_dbs small_1 small_2 small_3
assert_left_clean pg
