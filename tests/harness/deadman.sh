# deadman.sh (sourced by lib.sh users): the dead man's switch, tried as a laptop that sleeps.
# DEADMAN_SECS: the --heartbeat-timeout the tests use (SIPHON_IT_DEADMAN_SECS, default 15; set 60
# to measure siphon's default).
#
#   deadman_stop_and_measure SECS CHECK_FN   kill -STOP siphon, then wait until CHECK_FN succeeds
#                                            (the server released everything); sets RELEASE_S
#   deadman_run_dir                          the run directory's name, from siphon's -v stderr
#   assert_run_dir_gone                      no such directory on the server any more

DEADMAN_SECS=${SIPHON_IT_DEADMAN_SECS:-15}

deadman_run_dir() {
	sed -n 's/.*(run directory \(siphon-run-[0-9a-f]*\)).*/\1/p' "$H/run/err" | head -n 1
}

# The server-side directory of the watchdog, under the SSH user's TMPDIR (unset: /tmp).
_deadman_dir_path() { echo "/tmp/$1"; }

assert_run_dir_gone() { # NAME
	[ -n "$1" ] || it_fail "no run directory named in siphon's output"
	[ ! -e "$(_deadman_dir_path "$1")" ] || it_fail "the run directory $1 is still on the server"
}

# Stops siphon (SIGSTOP: exactly a sleeping laptop) and waits until CHECK_FN says the server let
# go of everything; RELEASE_S is how long that took (seconds, one decimal). CHECK_FN prints what is
# still held (one word each: "sessions", "processes", "rundir", ...), nothing when all is let go;
# each change is noted with the time its check began, so a slow release shows which part was
# slow. CHECK_FN must be quick (no waiting for locks): check writers afterwards.
deadman_stop_and_measure() { # MAX_SECS CHECK_FN
	local t0 now held last=unset i
	kill -STOP "$SIPHON_PID" || it_fail "cannot stop siphon"
	t0=$(date +%s.%N)
	for i in $(seq 1 $(($1 * 10))); do
		now=$(date +%s.%N)
		held=$("$2")
		if [ "$held" != "$last" ]; then
			it_note "$(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%5.1f", b - a }')s after the stop, still held: ${held:-nothing}"
			last=$held
		fi
		if [ -z "$held" ]; then
			RELEASE_S=$(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.1f", b - a }')
			return 0
		fi
		sleep 0.1
	done
	kill -CONT "$SIPHON_PID" 2>/dev/null
	it_fail "the server still held the pull $1 s after siphon went silent: $held"
}
