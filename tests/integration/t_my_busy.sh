#!/bin/bash
# needs-real-siphon
# MariaDB: the local target database is in use (an idle client connected to it, and one running a
# query in it): exit 9, the copy unchanged, both sessions left alone. With --force the pull
# succeeds, the copy is replaced, and both sessions are ended.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
src=$SIPHON_IT_MY_SRC_DB

my_pull "$src" --into busy_copy
assert_rc 0 "the first copy"
ws_my -D busy_copy -e "DELETE FROM texts WHERE id = 1" || it_fail "change busy_copy"
fp=$(my_fingerprint_ws busy_copy) || it_fail "fingerprint busy_copy"

# An idle client (waiting on its stdin) and a running query, both in busy_copy.
rm -f "$H/run/idle.fifo"
mkfifo "$H/run/idle.fifo" || it_fail "mkfifo"
ws_my -N -B -n -D busy_copy <"$H/run/idle.fifo" >"$H/run/idle.out" 2>&1 &
idle=$!
harness_on_exit "kill $idle 2>/dev/null"
exec 7>"$H/run/idle.fifo"
echo "SELECT 'idle-ready', CONNECTION_ID();" >&7
ws_my -N -B -D busy_copy -e "SELECT 'siphon-it-busy', SLEEP(120)" >"$H/run/busy.out" 2>&1 &
busy=$!
harness_on_exit "kill $busy 2>/dev/null; my_kill_marked ws siphon-it-busy"
for _ in $(seq 1 100); do
	[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = 'busy_copy'")" = 2 ] && break
	sleep 0.05
done
ids=$(ws_my -N -B -e "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = 'busy_copy'")
[ "$(echo "$ids" | grep -c .)" = 2 ] || it_fail "the two sessions on busy_copy did not show up"

my_pull "$src" --into busy_copy
assert_rc 9 "pull over a database in use"
assert_error_line
assert_stderr_contains "--force"
[ "$(my_fingerprint_ws busy_copy)" = "$fp" ] || it_fail "busy_copy changed after the refused pull"
assert_ws_my_dbs busy_copy
kill -0 "$busy" 2>/dev/null || it_fail "the running session ended without --force"
echo "SELECT 'still-there';" >&7
for _ in $(seq 1 40); do grep -q still-there "$H/run/idle.out" && break; sleep 0.05; done
grep -q still-there "$H/run/idle.out" || it_fail "the idle session ended without --force: $(cat "$H/run/idle.out")"
# shellcheck disable=SC2086
assert_left_clean my 10 $ids

my_pull "$src" --into busy_copy --force
assert_rc 0 "pull --force over a database in use"
assert_same_my "$src" busy_copy --definer-of root@localhost
assert_ws_my_dbs busy_copy
for _ in $(seq 1 50); do kill -0 "$busy" 2>/dev/null || break; sleep 0.1; done
kill -0 "$busy" 2>/dev/null && it_fail "--force: the running session is still alive"
left=$(ws_my -N -B -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID IN ($(echo $ids | tr ' ' ','))")
[ "$left" = 0 ] || it_fail "--force: $left of the two sessions still exist on the workstation"
exec 7>&-
wait "$idle" 2>/dev/null
rm -f "$H/run/idle.fifo"
assert_no_pwned
assert_left_clean my
