#!/bin/bash
# needs-real-siphon
# An encrypted key: siphon asks for its passphrase on the terminal (a pty from script(1)), with
# echo off, and logs in with it; three wrong answers end in exit 5 and one line. Without a
# terminal it cannot ask: also exit 5, saying so.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
command -v script >/dev/null || it_skip "script(1) is missing (util-linux)"

key=$H/client/enc_ed25519
rm -f "$key" "$key.pub"
ssh-keygen -q -t ed25519 -N 'correct horse' -C siphon-it-enc -f "$key" || it_fail "ssh-keygen"
home=$(getent passwd "$SIPHON_IT_SSH_USER" | cut -d: -f6)
# The harness's tag: its cleanup removes this line with the others.
echo "$(cut -d' ' -f1-2 "$key.pub") siphon-it:${H##*/}" >>"$home/.ssh/authorized_keys"


# script(1) does not pass the exit status on: the command reports it.
spec=$(remote_spec small)
# The answer is typed once the prompt is up: a prompt flushes what was typed before it.
{ sleep 2; printf 'correct horse\n'; sleep 3; } | timeout -k 5 60 script -qec "env SSH_AUTH_SOCK= $(printf '%q ' "$SIPHON_BIN" pull "$spec" -i "$key" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into small_enc) 2>$H/run/err; echo exit=\$?" /dev/null >"$H/run/out"
RC=$(grep -ao 'exit=[0-9]*' "$H/run/out" | tail -1 | cut -d= -f2)
it_note "passphrase run: exit $RC"
assert_rc 0 "pull with an encrypted key and the right passphrase"
grep -aq "Enter passphrase for key" "$H/run/out" || it_fail "no passphrase prompt on the terminal"
grep -aq "correct horse" "$H/run/out" && it_fail "the passphrase was echoed"
assert_same small small_enc

{ for w in wrong1 wrong2 wrong3; do sleep 1.5; printf '%s\n' "$w"; done; sleep 3; } | timeout -k 5 60 script -qec "env SSH_AUTH_SOCK= $(printf '%q ' "$SIPHON_BIN" pull "$spec" -i "$key" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into small_bad) 2>$H/run/err; echo exit=\$?" /dev/null >"$H/run/out"
RC=$(grep -ao 'exit=[0-9]*' "$H/run/out" | tail -1 | cut -d= -f2)
assert_rc 5 "three wrong passphrases"
assert_error_line
assert_stderr_contains "passphrase"

# No terminal at all: nothing to ask with.
SSH_AUTH_SOCK= setsid -w "$SIPHON_BIN" pull "$spec" -i "$key" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
	--into small_notty </dev/null >"$H/run/out" 2>"$H/run/err"
RC=$?
assert_rc 5 "an encrypted key without a terminal"
assert_error_line
assert_ws_dbs small_enc
