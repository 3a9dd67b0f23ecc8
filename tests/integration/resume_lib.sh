# shellcheck shell=bash
# Helpers of the tests of a pull that resumes after a lost connection (t_resume_cut.sh,
# t_resume_my.sh) or in a later run (t_resume_runs.sh: the slow link and json_stat), sourced after
# tests/harness/lib.sh and harness_start. Not a test itself (run.sh
# runs t_*.sh only).
# The pull runs with --progress=json --progress-fd 3 3>"$H/run/json", over the slow link below.
#
#   cut_connection          kill -9 the sshd processes serving the pull's connection
#   json_stat FIELD         the JSON summary's stats field
#   assert_no_run_dir       no watchdog run directory of this test left on the server (the old
#                           sessions' go when their channel dies, the last one's at the end)
#   assert_resumed ENGINE SRC INTO RECONNECTS   a successful resumed pull of SRC into INTO (pg or
#                           my): exit 0, the copy equal to its source, one reconnect line per
#                           reconnect, the JSON summary and the summary line say so, the JSON
#                           stream keeps its promises, nothing left on either side

# The pulls go over a slow link (slow_link_start RESUME_LINK_RATE, bytes a second): a pull takes
# seconds, long enough to cut it between two tables, with little data to move and nothing to
# compress hard (big tables compressed with gzip -9 did it at the cost of the CPU the other tests
# share). A test that needs the server caught mid-stream at the cut gives its tables more bytes than
# a channel's window (siphon's 8 MiB over its channels): the server's COPY or SELECT then waits on
# the link instead of finishing into the window at once.
RESUME_LINK_RATE=${RESUME_LINK_RATE:-6000000}

_resume_progress_check=$(cd "$(dirname "${BASH_SOURCE[0]}")/../harness" && pwd)/progress_check.py

cut_connection() {
	local pids
	pids=$(sshd_session_pids)
	[ -n "$pids" ] || it_fail "no sshd session processes found"
	it_note "killing sshd session processes: $(echo $pids)"
	# shellcheck disable=SC2086
	kill -9 $pids
}

json_stat() { # FIELD
	tail -n 1 "$H/run/json" | python3 -c '
import json, sys
e = json.load(sys.stdin)
assert e["event"] == "summary", e["event"]
print(e["stats"][sys.argv[1]])' "$1"
}

# The run directories the last pull named (with -v: one per session, a reconnect makes another)
# that are still on the server. Only those: another test's pull may run at the same moment
# (run.sh -j), with a run directory of its own in the same /tmp.
_resume_run_dirs() {
	local n
	for n in $(sed -n 's/.*(run directory \(siphon-run-[0-9a-f]*\)).*/\1/p' "$H/run/err" | sort -u); do
		[ -e "/tmp/$n" ] && echo "/tmp/$n"
	done
}
assert_no_run_dir() {
	local i
	grep -q '(run directory siphon-run-' "$H/run/err" || it_fail "the pull named no run directory (pull with -v)"
	for i in $(seq 1 40); do
		[ -z "$(_resume_run_dirs)" ] && return 0
		sleep 0.25
	done
	it_fail "run directories left on the server: $(echo $(_resume_run_dirs))"
}

assert_resumed() { # ENGINE SRC INTO RECONNECTS
	assert_rc 0 "resumed pull into $3"
	case $1 in
	pg) assert_same "$2" "$3" ;;
	# (t_resume_my.sh makes its source anew and changes it: it gives the source cache a
	# directory of its own, emptied when it changes the source.)
	my) assert_same_my "$2" "$3" ;;
	*) it_fail "assert_resumed: no engine $1" ;;
	esac
	[ "$(grep -c 'reconnecting in [0-9]* s (attempt [0-9]* of 5)' "$H/run/err")" = "$4" ] ||
		it_fail "not $4 reconnect line(s): $(grep -c reconnecting "$H/run/err")"
	[ "$(json_stat reconnects)" = "$4" ] || it_fail "JSON reconnects $(json_stat reconnects), not $4"
	grep -q "resumed after $4 lost connection" "$H/run/out" || it_fail "the summary line does not say it resumed: $(cat "$H/run/out")"
	# Every table_start ended (a cut one with rc -4), phases nest, across the reconnects.
	python3 "$_resume_progress_check" "$H/run/json" --allow-cut-tables >"$H/run/check" ||
		it_fail "the JSON stream of the resumed pull is not as promised: $(tail -n 3 "$H/run/check")"
	# No session (MariaDB: SHOW PROCESSLIST), process or temporary database left.
	assert_left_clean "$1" 20
	assert_no_run_dir
}
