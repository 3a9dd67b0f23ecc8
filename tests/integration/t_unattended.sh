#!/bin/bash
# needs-real-siphon
# Unattended runs of a profile (what `siphon schedule` installs: siphon pull --unattended PROFILE),
# in a temporary HOME with no XDG variables:
#  - the hooks get the documented variables, on success and on failure; a message holding
#    $(...), backquotes and quotes reaches them as data (nothing runs); a failing hook is one
#    warning and leaves the pull's exit status alone;
#  - the log ~/.local/state/siphon/prod.log (0600) has the run's timestamped lines, and is
#    rotated at 1 MiB into .1 .. .3; the record is read by `profiles` and `doctor`;
#  - two overlapping runs: the second exits 10 naming the first (its pid); the lock is held from
#    before the connection to after the hook, so a slow hook makes the overlap certain;
#  - no terminal, an encrypted key and no agent: exit 5 within seconds, saying no one is there to
#    type the passphrase; --unattended on a terminal asks nothing either; an unknown host key: 4.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

T=$(mktemp -d /tmp/siphon-it-unatt.XXXXXX)
harness_on_exit "rm -rf '$T'"
export HOME=$T/home
mkdir -p "$HOME"
unset XDG_CONFIG_HOME XDG_STATE_HOME SIPHON_CONFIG SSH_AUTH_SOCK
for v in $(env | grep -o '^SIPHON_[A-Z_]*' | grep -v '^SIPHON_IT_\|^SIPHON_BIN$'); do unset "$v"; done
STATE=$HOME/.local/state/siphon
LOG=$STATE/prod.log

siphon_run config add prod --ssh "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT" \
	--database small -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into small_unatt -j 2
assert_rc 0 "config add"
# Each hook writes its environment (SIPHON_* only) and a line of output.
siphon_run config set prod on_success "env | grep '^SIPHON_' | sort >'$T/success.env'; echo hook says hi"
assert_rc 0 "config set on_success"
siphon_run config set prod on_failure "env | grep '^SIPHON_' | sort >'$T/failure.env'; printf '%s' \"\$SIPHON_MESSAGE\" >'$T/message'; echo failing on purpose; exit 1"
assert_rc 0 "config set on_failure"

# 1. A successful unattended pull: the copy, the hook's variables, the log, the record.
siphon_run pull --unattended prod
assert_rc 0 "pull --unattended prod"
assert_same small small_unatt
env_has() { # FILE LINE
	grep -qxF -- "$2" "$1" || { sed 's/^/#   /' "$1" >&2; it_fail "$(basename "$1") lacks $2"; }
}
env_has "$T/success.env" "SIPHON_PROFILE=prod"
env_has "$T/success.env" "SIPHON_OUTCOME=success"
env_has "$T/success.env" "SIPHON_EXIT=0"
env_has "$T/success.env" "SIPHON_HOST=$SIPHON_IT_SSH_HOST"
env_has "$T/success.env" "SIPHON_DATABASE=small"
env_has "$T/success.env" "SIPHON_INTO=small_unatt"
env_has "$T/success.env" "SIPHON_ENGINE=postgres"
env_has "$T/success.env" "SIPHON_LOG=$LOG"
grep -q '^SIPHON_MESSAGE=pulled small from ' "$T/success.env" || it_fail "SIPHON_MESSAGE is not the summary line"
grep -Eq '^SIPHON_TABLES=[1-9][0-9]*$' "$T/success.env" || it_fail "SIPHON_TABLES is not a count"
grep -Eq '^SIPHON_BYTES=[1-9][0-9]*$' "$T/success.env" || it_fail "SIPHON_BYTES is not a size"
grep -Eq '^SIPHON_RAW_BYTES=[1-9][0-9]*$' "$T/success.env" || it_fail "no SIPHON_RAW_BYTES"
grep -Eq '^SIPHON_SECONDS=[0-9]+\.[0-9]$' "$T/success.env" || it_fail "no SIPHON_SECONDS"
grep -Eq '^SIPHON_STARTED=[0-9]{10}$' "$T/success.env" || it_fail "no SIPHON_STARTED"
grep -Eq '^SIPHON_ENDED=[0-9]{10}$' "$T/success.env" || it_fail "no SIPHON_ENDED"
[ "$(stat -c %a "$LOG")" = 600 ] || it_fail "the log is not 0600: $(stat -c %a "$LOG")"
[ "$(stat -c %a "$STATE")" = 700 ] || it_fail "the state directory is not 0700"
ts='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4} '
for want in "start: siphon pull --unattended prod \(pid [0-9]+\)" "transfer done in " "pulled small from " \
	"on_success: hook says hi" "end: exit 0"; do
	grep -Eq "$ts$want" "$LOG" || { sed 's/^/#   /' "$LOG" >&2; it_fail "the log lacks a line '$want'"; }
done
grep -Evq "$ts" "$LOG" && it_fail "a log line without its time: $(grep -Ev "$ts" "$LOG" | head -1)"
grep -qx 'exit=0' "$STATE/last/prod" && grep -qx 'unattended=1' "$STATE/last/prod" &&
	grep -Eq '^tables=[1-9]' "$STATE/last/prod" && grep -q '^message=pulled small from ' "$STATE/last/prod" ||
	{ cat "$STATE/last/prod" >&2; it_fail "the record lacks its fields"; }

# 2. A failure whose message holds shell syntax: the hook gets it as data; its own failure (exit 1)
#    is a warning, and the pull's exit status stays 6.
bad="nope\"'\$(touch $T/pwned)\`touch $T/pwned2\`"
siphon_run pull --unattended prod --database "$bad"
assert_rc 6 "pull of a missing database, unattended"
[ -e "$T/pwned" ] || [ -e "$T/pwned2" ] && it_fail "the message was run as code"
env_has "$T/failure.env" "SIPHON_OUTCOME=failure"
env_has "$T/failure.env" "SIPHON_EXIT=6"
env_has "$T/failure.env" "SIPHON_DATABASE=$bad"
grep -qF -- "$bad" "$T/message" || it_fail "SIPHON_MESSAGE does not hold the name as it was: $(cat "$T/message")"
assert_stderr_contains "siphon: warning: the on_failure command failed (exit status 1); its last line: failing on purpose"
grep -Eq "${ts}failed \(exit 6\): " "$LOG" || it_fail "the log does not say the run failed"
grep -Eq "${ts}warning: the on_failure command failed" "$LOG" || it_fail "the log lacks the hook's warning"
grep -qx 'exit=6' "$STATE/last/prod" || it_fail "the record does not say exit 6"

# The record, read by profiles and doctor.
siphon_run profiles
assert_rc 0 "profiles"
grep -q "^prod .* failed (exit 6): " "$H/run/out" || { cat "$H/run/out" >&2; it_fail "profiles does not show the failure"; }
siphon_run doctor prod
assert_rc 0 "doctor prod"
grep -Eq "^  warn +last-run +the profile's last pull: failed [0-9]+ (seconds|minutes) ago \(unattended\) \(exit 6\): " "$H/run/out" ||
	{ cat "$H/run/out" >&2; it_fail "doctor does not report the last run's failure"; }

# 3. A failing on_success hook does not fail a good pull.
siphon_run config set prod on_success "echo broken; exit 7"
siphon_run pull prod
assert_rc 0 "pull with a failing on_success hook"
assert_stderr_contains "siphon: warning: the on_success command failed (exit status 7); its last line: broken"

# 4. Two overlapping runs: the first holds the lock through its 8 s hook.
siphon_run config set prod on_success "sleep 8"
siphon_bg pull --unattended prod
first=$SIPHON_PID
for i in $(seq 1 100); do grep -q "^pid=$first$" "$STATE/prod.lock" 2>/dev/null && break; sleep 0.1; done
grep -q "^pid=$first$" "$STATE/prod.lock" || it_fail "the first run did not write its pid into the lock"
HOME=$HOME timeout 60 "$SIPHON_BIN" pull --unattended prod </dev/null >"$T/second.out" 2>"$T/second.err"
rc2=$?
[ "$rc2" = 10 ] || { cat "$T/second.err" >&2; it_fail "the second run: expected exit 10, got $rc2"; }
[ "$(grep -c '' "$T/second.err")" = 1 ] || it_fail "the refusal is not one line: $(cat "$T/second.err")"
grep -Eq "^siphon: another run of profile 'prod' is in progress: pid $first, since [0-9-]+ [0-9:]+ \(siphon pull --unattended prod\); wait for it to end, or stop it: kill $first$" "$T/second.err" ||
	it_fail "the refusal does not name the holder: $(cat "$T/second.err")"
grep -Eq "${ts}not run \(exit 10\): another run of profile 'prod' is in progress: pid $first" "$LOG" ||
	it_fail "the log does not say the second run was refused"
# rollback and reset replace the profile's copy too: refused the same way while the pull runs.
for cmd in rollback reset; do
	HOME=$HOME timeout 60 "$SIPHON_BIN" "$cmd" prod </dev/null >"$T/$cmd.out" 2>"$T/$cmd.err"
	rc2=$?
	[ "$rc2" = 10 ] || { cat "$T/$cmd.err" >&2; it_fail "$cmd during a pull: expected exit 10, got $rc2"; }
	grep -q "^siphon: another run of profile 'prod' is in progress: pid $first" "$T/$cmd.err" ||
		it_fail "$cmd during a pull does not name the holder: $(cat "$T/$cmd.err")"
done
siphon_wait 90
assert_rc 0 "the first of two overlapping runs"
# Released: the next run goes.
siphon_run config unset prod on_success
siphon_run pull --unattended prod
assert_rc 0 "a run after the overlap"

# 5. Rotation: a log past 1 MiB becomes prod.log.1 when the next run opens it; three are kept.
for i in 1 2 3 4; do
	printf 'filler %s\n' "$i" >>"$LOG"
	truncate -s $((1024 * 1024 + i)) "$LOG"
	siphon_run pull --unattended prod --database "$bad"
	assert_rc 6 "failing run $i for the rotation"
	grep -Eq "${ts}start: " "$LOG" || it_fail "the new log has no start line"
	[ "$(stat -c %s "$LOG")" -lt 100000 ] || it_fail "the log was not rotated (run $i)"
done
[ "$(stat -c %s "$LOG.1")" = $((1024 * 1024 + 4)) ] || it_fail "prod.log.1 is not the last full log"
[ "$(stat -c %s "$LOG.3")" = $((1024 * 1024 + 2)) ] || it_fail "prod.log.3 is not the oldest kept"
[ -e "$LOG.4" ] && it_fail "more than three old logs kept"

# 6. No terminal, an encrypted key, no agent: fails at once, saying why.
key=$H/client/unatt_enc_ed25519
rm -f "$key" "$key.pub"
ssh-keygen -q -t ed25519 -N 'correct horse' -C siphon-it-unatt -f "$key" || it_fail "ssh-keygen"
home=$(getent passwd "$SIPHON_IT_SSH_USER" | cut -d: -f6)
echo "$(cut -d' ' -f1-2 "$key.pub") siphon-it:${H##*/}" >>"$home/.ssh/authorized_keys"
siphon_run config set prod identity "$key"
t0=$(date +%s.%N)
HOME=$HOME setsid -w timeout 60 "$SIPHON_BIN" pull --unattended prod </dev/null >"$H/run/out" 2>"$H/run/err"
RC=$?
secs=$(_h_secs "$t0" "$(date +%s.%N)")
it_note "encrypted key, no terminal: exit $RC in ${secs}s"
assert_rc 5 "an encrypted key without a terminal or an agent"
assert_error_line
assert_stderr_contains "no one is there to type its passphrase"
awk -v s="$secs" 'BEGIN { exit !(s < 10) }' || it_fail "took ${secs}s: not at once"
grep -qx 'exit=5' "$STATE/last/prod" || it_fail "the record does not say exit 5"
# --unattended on a terminal: no question either.
if command -v script >/dev/null; then
	timeout -k 5 60 script -qec "env HOME=$HOME $(printf '%q ' "$SIPHON_BIN" pull --unattended prod) 2>$T/tty.err; echo exit=\$?" /dev/null >"$T/tty.out" </dev/null
	grep -aq 'exit=5' "$T/tty.out" || it_fail "--unattended on a terminal: $(cat "$T/tty.out" "$T/tty.err")"
	grep -aq "Enter passphrase" "$T/tty.out" && it_fail "--unattended asked for a passphrase"
fi
siphon_run config unset prod identity

# 7. An unknown host key, unattended: refused with the reason, exit 4.
: >"$T/empty_known_hosts"
siphon_run pull --unattended prod --known-hosts "$T/empty_known_hosts"
assert_rc 4 "an unknown host key, unattended"
assert_error_line
assert_stderr_contains "no one is there to accept it"
assert_no_pwned
exit 0
