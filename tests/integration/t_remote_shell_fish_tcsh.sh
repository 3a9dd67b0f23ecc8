#!/bin/bash
# needs-real-siphon
# The SSH user's login shell is fish, then tcsh: shells whose quoting differs from sh. Every remote
# command goes through siphon's /bin/sh wrapper, so the pull works and is faithful with either.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

dir=$H/sshd-shells
mkdir -p "$dir"
port=$(_h_free_port) || it_fail "no free port"
_h_write_sshd_config "$dir/sshd_config" "$port" "$dir/sshd.pid"
sed -i 's/^\s*AllowUsers .*/AllowUsers siphon_fish siphon_tcsh/' "$dir/sshd_config"
kh=$dir/known_hosts
echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$H/sshd/ssh_host_ed25519_key.pub")" >"$kh"

ran=0
for sh in fish tcsh; do
	bin=$(command -v "$sh") || { it_note "$sh is not installed (tests/harness/install-deps.sh installs it)"; continue; }
	user=siphon_$sh
	_h_ensure_user "$user" "$bin" || it_fail "create $user"
	_h_keys_edit "$user" add "$SIPHON_IT_KEY.pub" || it_fail "authorize $user"
	harness_on_exit "_h_keys_edit $user remove"
	ran=$((ran + 1))
done
[ "$ran" = 2 ] || it_fail "fish and tcsh must both be installed for this test"
/usr/sbin/sshd -f "$dir/sshd_config" -E "$H/logs/sshd-shells.log" || it_fail "sshd did not start"
harness_on_exit "kill \$(cat '$dir/sshd.pid') 2>/dev/null"
for _ in $(seq 1 50); do [ -s "$dir/sshd.pid" ] && break; sleep 0.05; done

for sh in fish tcsh; do
	siphon_run pull "$(remote_spec app "siphon_$sh" "$port")" -i "$SIPHON_IT_KEY" --known-hosts "$kh" \
		--into "app_$sh" -j 2
	assert_rc 0 "pull with login shell $sh"
	assert_same app "app_$sh"
done
