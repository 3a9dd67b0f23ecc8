#!/bin/bash
# needs-real-siphon
# A server whose MaxSessions is lower than what siphon wants (-j 4 needs 3 + 4 channels): channels
# the server refuses wait until others close, and the pull still completes, faithfully.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

dir=$H/sshd-max
mkdir -p "$dir"
port=$(_h_free_port) || it_fail "no free port"
_h_write_sshd_config "$dir/sshd_config" "$port" "$dir/sshd.pid"
sed -i 's/^\s*MaxSessions .*/MaxSessions 3/' "$dir/sshd_config"
/usr/sbin/sshd -f "$dir/sshd_config" -E "$H/logs/sshd-max.log" || it_fail "second sshd did not start"
harness_on_exit "kill \$(cat '$dir/sshd.pid') 2>/dev/null"
for _ in $(seq 1 50); do [ -s "$dir/sshd.pid" ] && break; sleep 0.05; done
kh=$dir/known_hosts
echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$H/sshd/ssh_host_ed25519_key.pub")" >"$kh"

siphon_run pull "$(remote_spec app "" "$port")" -i "$SIPHON_IT_KEY" --known-hosts "$kh" --into app_max -j 4 -v
assert_stderr_contains "refused another channel"
assert_rc 0 "pull through a server with MaxSessions 3"
assert_same app app_max
