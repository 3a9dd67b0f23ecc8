#!/bin/bash
# needs-real-siphon
# The user's ~/.ssh/config (a temporary HOME): `siphon pull prod:small` with no -i and no
# --known-hosts works from Host, Match and Include'd blocks; siphon's flags beat the file;
# StrictHostKeyChecking yes/accept-new/no/ask; HashKnownHosts writes a line ssh-keygen -F finds;
# IdentitiesOnly keeps an agent full of wrong keys out of the way; IdentityAgent none; -F none.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

home=$H/run/cfg-home
mkdir -p "$home/.ssh/conf.d"
chmod 700 "$home" "$home/.ssh"
cp "$SIPHON_IT_KEY" "$home/.ssh/id_it"
cp "$SIPHON_IT_KEY.pub" "$home/.ssh/id_it.pub"
cp "$SIPHON_IT_KNOWN_HOSTS" "$home/.ssh/known_hosts_prod"
hp="[127.0.0.1]:$SIPHON_IT_SSH_PORT"

# One block of settings that reach the harness's sshd, for the Host, Match and Include'd blocks.
reach() { # [KNOWN_HOSTS_FILE]
	printf '\tHostName 127.0.0.1\n\tPort %s\n\tUser %s\n\tIdentityFile ~/.ssh/id_it\n\tUserKnownHostsFile %s\n' \
		"$SIPHON_IT_SSH_PORT" "$SIPHON_IT_SSH_USER" "${1:-~/.ssh/known_hosts_prod}"
}
{
	echo "Include conf.d/*.conf"
	echo
	echo "Host prod"
	reach
	echo
	echo "Match originalhost matched"
	reach
	echo
	for mode in yes accept-new no ask; do
		echo "Host shk-$mode"
		reach "~/.ssh/kh_$mode"
		echo "	StrictHostKeyChecking $mode"
	done
	echo "Host shk-default"
	reach "~/.ssh/kh_default"
	echo "Host shk-changed"
	reach "~/.ssh/kh_changed"
	echo "	StrictHostKeyChecking no"
	echo "Host hashed"
	reach "~/.ssh/kh_hashed"
	echo "	StrictHostKeyChecking accept-new"
	echo "	HashKnownHosts yes"
	echo "Host only-yes"
	reach
	echo "	IdentitiesOnly yes"
	echo "Host only-no"
	reach
	echo "Host agent-none"
	echo "	IdentityAgent none"
	echo "	IdentityFile ~/.ssh/missing_key"
	reach | grep -v IdentityFile
	echo "Host cert"
	reach
	echo "	CertificateFile ~/.ssh/id_it-cert.pub"
	echo
	echo "Host *"
	echo "	GlobalKnownHostsFile /dev/null"
	echo "	ServerAliveInterval 20"
	echo "	ServerAliveCountMax 4"
} >"$home/.ssh/config"
{
	echo "Host included"
	reach
} >"$home/.ssh/conf.d/inc.conf"
# A HOME with keys under other names: nothing but the config finds them.
pull_home() { HOME=$home siphon_run pull "$@"; }

# --- the config alone: Host, Match, Include ----------------------------------------------------
pull_home prod:small --into cfg_prod -v
assert_rc 0 "pull prod:small from ~/.ssh/config"
assert_same small cfg_prod
assert_stderr_contains "prod (127.0.0.1:$SIPHON_IT_SSH_PORT)"
pull_home matched:small --into cfg_match
assert_rc 0 "pull through a Match originalhost block"
assert_same small cfg_match
pull_home included:small --into cfg_inc
assert_rc 0 "pull through an Include'd file"
assert_same small cfg_inc

# --- siphon's flags beat the file ---------------------------------------------------------------
pull_home "nobody@prod:small" --into cfg_x
assert_rc 5 "user@ beats User"
assert_error_line
pull_home prod:1:small --into cfg_x --connect-timeout 5
assert_rc 3 "a port in the target beats Port"
assert_error_line
cp "$SIPHON_IT_KNOWN_HOSTS_WRONG" "$H/run/kh_wrong"
pull_home prod:small --known-hosts "$H/run/kh_wrong" --into cfg_x
assert_rc 4 "--known-hosts replaces UserKnownHostsFile"
assert_stderr_contains "CHANGED"
pull_home prod:small -i "$SIPHON_IT_OTHER_KEY" --into cfg_flag_i -v
assert_rc 0 "-i is tried first, then IdentityFile"
assert_same small cfg_flag_i
pull_home prod:small -F none --into cfg_x --connect-timeout 5
assert_rc 3 "-F none: prod is not a host name any more"
assert_error_line

# --- StrictHostKeyChecking ------------------------------------------------------------------------
for mode in yes accept-new no ask default; do : >"$home/.ssh/kh_$mode"; done
pull_home shk-yes:small --into cfg_x
assert_rc 4 "StrictHostKeyChecking yes refuses an unknown key"
assert_stderr_contains "SHA256:"
[ ! -s "$home/.ssh/kh_yes" ] || it_fail "StrictHostKeyChecking yes wrote known_hosts"
pull_home shk-yes:small --into cfg_shk_flag --accept-new-host-key
assert_rc 0 "--accept-new-host-key beats StrictHostKeyChecking yes"
assert_same small cfg_shk_flag
pull_home shk-accept-new:small --into cfg_shk_new
assert_rc 0 "StrictHostKeyChecking accept-new"
assert_same small cfg_shk_new
ssh-keygen -F "$hp" -f "$home/.ssh/kh_accept-new" | grep -q . || it_fail "accept-new recorded nothing"
pull_home shk-no:small --into cfg_shk_no
assert_rc 0 "StrictHostKeyChecking no"
assert_stderr_contains "StrictHostKeyChecking no"
ssh-keygen -F "$hp" -f "$home/.ssh/kh_no" | grep -q . || it_fail "StrictHostKeyChecking no recorded nothing"
for mode in ask default; do
	pull_home "shk-$mode:small" --into cfg_x
	assert_rc 4 "StrictHostKeyChecking $mode without a terminal"
	assert_stderr_contains "--accept-new-host-key"
	[ ! -s "$home/.ssh/kh_$mode" ] || it_fail "StrictHostKeyChecking $mode wrote known_hosts"
done
cp "$SIPHON_IT_KNOWN_HOSTS_WRONG" "$home/.ssh/kh_changed"
pull_home shk-changed:small --into cfg_x
assert_rc 4 "a changed key is refused even with StrictHostKeyChecking no"
assert_stderr_contains "CHANGED"
cmp -s "$home/.ssh/kh_changed" "$SIPHON_IT_KNOWN_HOSTS_WRONG" || it_fail "known_hosts changed on a changed key"

# --- HashKnownHosts ---------------------------------------------------------------------------------
: >"$home/.ssh/kh_hashed"
pull_home hashed:small --into cfg_hashed
assert_rc 0 "HashKnownHosts with accept-new"
assert_same small cfg_hashed
grep -q '^|1|' "$home/.ssh/kh_hashed" || it_fail "the new entry is not hashed: $(cat "$home/.ssh/kh_hashed")"
ssh-keygen -F "$hp" -f "$home/.ssh/kh_hashed" | grep -q . || it_fail "ssh-keygen -F does not find the hashed entry"
pull_home hashed:small --into cfg_hashed2
assert_rc 0 "pull with the hashed entry siphon wrote"

# --- the agent: IdentitiesOnly, IdentityAgent -----------------------------------------------------
command -v ssh-agent >/dev/null || it_fail "ssh-agent is missing (openssh-client)"
eval "$(ssh-agent -s -a "$H/run/cfg-agent.sock")" >/dev/null || it_fail "ssh-agent did not start"
harness_on_exit "kill $SSH_AGENT_PID 2>/dev/null"
# More wrong keys than sshd's MaxAuthTries (6): tried first, they use up the attempts.
for i in 1 2 3 4 5 6 7 8; do
	ssh-keygen -q -t ed25519 -N '' -C "wrong-$i" -f "$H/run/wrong_$i" || it_fail "ssh-keygen"
	ssh-add -q "$H/run/wrong_$i" 2>/dev/null || it_fail "ssh-add"
done
pull_home only-no:small --into cfg_x
assert_rc 5 "an agent full of wrong keys, without IdentitiesOnly"
pull_home only-yes:small --into cfg_only
assert_rc 0 "IdentitiesOnly yes skips the agent's wrong keys"
assert_same small cfg_only
ssh-add -q -D 2>/dev/null
ssh-add -q "$SIPHON_IT_KEY" 2>/dev/null || it_fail "ssh-add"
pull_home agent-none:small --into cfg_x
assert_rc 5 "IdentityAgent none: the agent's right key is not used"
assert_error_line
ssh-keygen -q -t ed25519 -N '' -f "$H/run/cert_ca" || it_fail "ssh-keygen CA"
ssh-keygen -q -s "$H/run/cert_ca" -I it -n "$SIPHON_IT_SSH_USER" "$home/.ssh/id_it.pub" || it_fail "ssh-keygen -s"
SSH_AUTH_SOCK= pull_home cert:small --into cfg_cert
assert_rc 0 "CertificateFile: the key alone"
assert_stderr_contains "is not used"
assert_same small cfg_cert

assert_ws_dbs cfg_prod cfg_match cfg_inc cfg_flag_i cfg_shk_flag cfg_shk_new cfg_shk_no cfg_hashed cfg_hashed2 cfg_only cfg_cert
assert_left_clean pg
