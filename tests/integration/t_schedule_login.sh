#!/bin/bash
# needs-real-siphon
# `siphon schedule` logs in as the scheduled job will (doctor's checks up to "unattended", no
# prompt) and warns when that needs someone at the keyboard, installing the schedule all the
# same (exit 0):
#   - a key file without a passphrase: no warning;
#   - an encrypted key and no agent: the job could not log in, said in one warning line;
#   - a key of the ssh-agent: cron has no SSH_AUTH_SOCK, said in one warning line.
# The schedules are systemd user units in the test's HOME (the crontab of the machine is only
# read), removed by `unschedule`.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
command -v ssh-agent >/dev/null || it_fail "ssh-agent is missing (openssh-client)"

home=$H/run/sched-home
mkdir -p "$home/.ssh" "$home/.config/siphon"
chmod 700 "$home" "$home/.ssh"
key=$H/client/sched_enc_ed25519
rm -f "$key" "$key.pub"
ssh-keygen -q -t ed25519 -N 'correct horse' -C siphon-it-sched -f "$key" || it_fail "ssh-keygen"
auth_home=$(getent passwd "$SIPHON_IT_SSH_USER" | cut -d: -f6)
# The harness's tag: its cleanup removes this line with the others.
echo "$(cut -d' ' -f1-2 "$key.pub") siphon-it:${H##*/}" >>"$auth_home/.ssh/authorized_keys"

server="$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT"
cat >"$home/.config/siphon/config" <<EOF
[plain]
ssh = $server
database = small
identity = $SIPHON_IT_KEY
known-hosts = $SIPHON_IT_KNOWN_HOSTS

[enc]
ssh = $server
database = small
identity = $key
known-hosts = $SIPHON_IT_KNOWN_HOSTS

[agent]
ssh = $server
database = small
known-hosts = $SIPHON_IT_KNOWN_HOSTS
EOF
chmod 600 "$home/.config/siphon/config"

sched() { # PROFILE: schedule it as a systemd timer, from the test's HOME
	HOME=$home XDG_RUNTIME_DIR= siphon_run schedule "$1" --daily 03:30 --systemd
	assert_rc 0 "schedule $1"
	[ -f "$home/.config/systemd/user/siphon-$1.timer" ] || it_fail "$1: no timer unit"
}

SSH_AUTH_SOCK= sched plain
grep -q "warning" "$H/run/err" && it_fail "plain key: a warning: $(cat "$H/run/err")"

SSH_AUTH_SOCK= sched enc
[ "$(grep -c 'warning' "$H/run/err")" = 1 ] || it_fail "encrypted key: not one warning: $(cat "$H/run/err")"
grep -q "^siphon: warning: a scheduled run of this profile could not log in now (auth): .*" "$H/run/err" ||
	it_fail "encrypted key: $(cat "$H/run/err")"

eval "$(ssh-agent -s -a "$H/run/sched-agent.sock")" >/dev/null || it_fail "ssh-agent did not start"
harness_on_exit "kill $SSH_AGENT_PID 2>/dev/null"
ssh-add -q "$SIPHON_IT_KEY" 2>/dev/null || it_fail "ssh-add"
sched agent
grep -q "^siphon: warning: a scheduled run may not log in: a key of the ssh-agent at SSH_AUTH_SOCK" "$H/run/err" ||
	it_fail "agent: $(cat "$H/run/err")"

# --no-check does not connect: no warning even for the encrypted key.
HOME=$home XDG_RUNTIME_DIR= SSH_AUTH_SOCK= siphon_run schedule enc --hourly --systemd --no-check
assert_rc 0 "schedule --no-check"
grep -q "warning" "$H/run/err" && it_fail "--no-check: $(cat "$H/run/err")"

for p in plain enc agent; do
	HOME=$home XDG_RUNTIME_DIR= siphon_run unschedule "$p"
	assert_rc 0 "unschedule $p"
done
[ -z "$(ls "$home/.config/systemd/user"/siphon-* 2>/dev/null)" ] || it_fail "units left: $(ls "$home/.config/systemd/user")"
