#!/bin/bash
# needs-real-siphon
# StrictHostKeyChecking ask (set, and OpenSSH's default when nothing says) on a terminal (a pty
# from script(1)): siphon asks yes/no showing the key's SHA256 fingerprint; "no" refuses (exit 4,
# nothing written), "yes" records the key in the UserKnownHostsFile and pulls.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
command -v script >/dev/null || it_skip "script(1) is missing (util-linux)"

home=$H/run/ask-home
mkdir -p "$home/.ssh"
chmod 700 "$home" "$home/.ssh"
cp "$SIPHON_IT_KEY" "$home/.ssh/id_it"
hp="[127.0.0.1]:$SIPHON_IT_SSH_PORT"
fp=$(ssh-keygen -l -E sha256 -f "$H/sshd/ssh_host_ed25519_key.pub" | awk '{print $2}')
fp_ec=$(ssh-keygen -l -E sha256 -f "$H/sshd/ssh_host_ecdsa_key.pub" | awk '{print $2}')
for h in asky default; do
	echo "Host $h"
	printf '\tHostName 127.0.0.1\n\tPort %s\n\tUser %s\n\tIdentityFile ~/.ssh/id_it\n' \
		"$SIPHON_IT_SSH_PORT" "$SIPHON_IT_SSH_USER"
	printf '\tUserKnownHostsFile ~/.ssh/kh_%s\n\tGlobalKnownHostsFile /dev/null\n' "$h"
	[ "$h" = asky ] && printf '\tStrictHostKeyChecking ask\n'
done >"$home/.ssh/config"

# script(1) does not pass the exit status on: the command reports it.
ask() { # ANSWER HOST INTO
	{ sleep 2; printf '%s\n' "$1"; sleep 2; } | HOME=$home timeout -k 5 60 script -qec "$(printf '%q ' "$SIPHON_BIN" pull "$2:small" --into "$3") 2>$H/run/err; echo exit=\$?" /dev/null >"$H/run/out"
	RC=$(tr -d '\r' <"$H/run/out" | sed -n 's/^exit=//p')
	it_note "siphon pull $2:small --into $3, answering $1 -> exit $RC"
}
asked() {
	tr -d '\r' <"$H/run/out" | grep -q 'authenticity of host .*SHA256:.*\[yes/no\]' || it_fail "no yes/no question with the fingerprint on the terminal: $(tr -d '\r' <"$H/run/out")"
	tr -d '\r' <"$H/run/out" | grep -qF -e "$fp" -e "$fp_ec" || it_fail "the question does not show the server's fingerprint"
}

: >"$home/.ssh/kh_asky"
ask no asky ask_x
assert_rc 4 "answering no"
asked
[ ! -s "$home/.ssh/kh_asky" ] || it_fail "known_hosts written after answering no"

ask yes asky ask_yes
assert_rc 0 "answering yes"
asked
ssh-keygen -F "$hp" -f "$home/.ssh/kh_asky" | grep -q . || it_fail "the key was not recorded after yes"
assert_same small ask_yes

: >"$home/.ssh/kh_default"
ask yes default ask_default
assert_rc 0 "the default (ask), answering yes"
asked
ssh-keygen -F "$hp" -f "$home/.ssh/kh_default" | grep -q . || it_fail "the key was not recorded (default ask)"
assert_same small ask_default

assert_ws_dbs ask_yes ask_default
assert_left_clean pg
