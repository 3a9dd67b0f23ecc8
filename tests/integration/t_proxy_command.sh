#!/bin/bash
# ProxyCommand: the target sshd is reachable only inside the harness's network namespace
# (bastion.sh). Through `ip netns exec NS socat - TCP:127.0.0.1:PORT` and through OpenSSH's
# `ssh -W %h:%p` via the bastion, the pulls equal their source; a ProxyCommand before a jump host
# reaches that first hop. A command that is not found, one that exits at once with a message and
# one that relays nothing each fail with exit 3 and one line naming the ProxyCommand, its exit
# status and its last stderr line; no relay process is left (never a zombie).
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/bastion.sh"
bastion_test_begin

pc() { siphon_run pull "$(bastion_target "$1")" -i "$SIPHON_IT_KEY" --known-hosts "$BASTION_KH" --proxy-command "$2" "${@:3}"; }
# Relays of ours still running (socat, ssh -W), by their command lines.
relays() { pgrep -af "socat - TCP:127.0.0.1:$TARGET_PORT|-W 127.0.0.1:$TARGET_PORT|siphon-it-pc-marker" | grep -v pgrep; }
no_relays() {
	for _ in $(seq 1 20); do
		[ -z "$(relays)" ] && return 0
		sleep 0.1
	done
	it_fail "ProxyCommand processes left: $(relays | tr '\n' ';')"
}
# A zombie that stays: one seen once may be another test's child (two workers), orphaned and
# waiting a moment for init to reap it.
no_zombies() {
	local z i
	for i in $(seq 1 30); do
		z=$(ps -eo stat=,ppid=,pid=,comm= | awk '$1 ~ /^Z/' | grep -E ' (sh|socat|ssh|false|true)$')
		[ -z "$z" ] && return 0
		sleep 0.1
	done
	it_fail "zombies: $z"
}

pc app "ip netns exec $BASTION_NS socat - TCP:%h:%p" --into app_socat -j 3
assert_rc 0 "pull through ip netns exec socat"
assert_same app app_socat
no_relays

pc small "$(bastion_w_command)" --into small_w
assert_rc 0 "pull through ssh -W via the bastion"
assert_same small small_w
no_relays

# The command reaches the first hop; -J takes it from there (%h %p: the jump host's).
siphon_run pull "$(bastion_target small)" -i "$SIPHON_IT_KEY" --known-hosts "$BASTION_KH" \
	--proxy-command "ip netns exec $BASTION_NS socat - TCP:%h:%p" -J "$SIPHON_IT_SSH_USER@$BASTION_ADDR:$BASTION_PORT" \
	--into small_pcj
assert_rc 0 "ProxyCommand to the jump host, then the jump"
assert_same small small_pcj
no_relays
bastion_idle 10

pg_keep
contract_before pg keep
pc app "siphon-it-no-such-command %h %p" --into keep
assert_failed_cleanly pg 3 '^siphon: ProxyCommand "siphon-it-no-such-command 127\.0\.0\.1 [0-9]+" exited with status 127 \(command not found\?\): ".*not found"'
pc app "echo 'bastion says no' >&2; exit 5" --into keep
assert_failed_cleanly pg 3 '^siphon: ProxyCommand ".*" exited with status 5: "bastion says no"'
# A relay that connects nowhere useful: it says nothing and sends nothing back; the connect
# timeout ends it, and the command is terminated (it ignores stdin's end).
pc app "exec sleep 30 # siphon-it-pc-marker" --into keep --connect-timeout 2
assert_failed_cleanly pg 3 'no answer from the server within 2 s'
no_relays
no_zombies
bastion_idle 10
assert_ws_dbs app_socat small_w small_pcj keep
