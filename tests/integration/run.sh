#!/bin/bash
# Integration tests of siphon against a real sshd and two PostgreSQL 15 clusters on this machine.
#
#   SIPHON_BIN=/path/to/siphon tests/integration/run.sh [-j N] [t_NAME ...]
#
# Starts the harness (tests/harness/lib.sh) once, runs every tests/integration/t_*.sh (or those
# named) against it, prints PASS/FAIL/SKIP per test and a closing "N passed, N failed, N skipped"
# line; exits non-zero if any test failed. With -j N (or SIPHON_IT_JOBS=N), N workers run at once,
# each with a harness of its own (its own sshd, clusters and MariaDB servers: concurrent harnesses
# share nothing but the login users), taking the next test from one queue, longest first: most
# tests spend much of their time waiting (timeouts, the server, sleeps), so several workers share two
# cores well (`make check` runs two: IT_JOBS). Needs root (a login user, sshd, initdb as postgres).
# Each test also runs alone: SIPHON_BIN=... tests/integration/t_pull_basic.sh (own harness).
# A test exits 0 to pass, 77 to skip, anything else to fail.
#
# Environment: SIPHON_IT_TEST_TIMEOUT (s, per test, default 300), SIPHON_IT_PULL_TIMEOUT (s, per
# siphon run, default 120), SIPHON_IT_KEEP_LOGS=1 (keep logs even when all pass),
# SIPHON_IT_SUMMARY=N (the closing summary lists the N longest tests, default 20, and how long each
# worker's harness took to start). In the logs, each test's notes carry the seconds since it began.
set -u
here=$(cd "$(dirname "$0")" && pwd)

jobs=${SIPHON_IT_JOBS:-1}
worker=
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	--worker) worker=$2; shift 2 ;; # internal: N QUEUE LOGDIR
	*) break ;;
	esac
done
case $jobs in ''|*[!0-9]*|0) echo "run.sh: -j wants a number of workers, got '$jobs'" >&2; exit 2 ;; esac

if [ -z "${SIPHON_BIN:-}" ]; then
	echo "run.sh: SIPHON_BIN is not set: give the siphon binary to test, e.g. SIPHON_BIN=\$PWD/build/siphon $0" >&2
	exit 2
fi
case $SIPHON_BIN in /*) ;; *) SIPHON_BIN=$PWD/$SIPHON_BIN ;; esac
if [ ! -f "$SIPHON_BIN" ] || [ ! -x "$SIPHON_BIN" ]; then
	echo "run.sh: SIPHON_BIN=$SIPHON_BIN is not an executable file (build it first: make)" >&2
	exit 2
fi
export SIPHON_BIN
if [ "$(id -u)" != 0 ]; then
	echo "run.sh: must run as root (creates a login user, starts sshd, runs initdb as postgres)" >&2
	exit 2
fi

tests=()
if [ $# -gt 0 ]; then
	for t in "$@"; do
		t=${t##*/}
		t=${t%.sh}
		[ -f "$here/$t.sh" ] || { echo "run.sh: no test $here/$t.sh" >&2; exit 2; }
		tests+=("$here/$t.sh")
	done
else
	for t in "$here"/t_*.sh; do tests+=("$t"); done
fi


# The order a queue hands tests out: the longest first (seconds under ASan on the 2-core machine,
# two workers: the closing summary of a run gives them), so that no long test starts last; the
# rest by name. From the full run of 5 Dec 2026 14:00 (1712 s, 91 tests), with the times of the
# tests made shorter since (t_proxy_jump, t_my_rollback_disk, t_pg_attack, t_my_attack_inject), and
# t_adapt_stream and t_pg_adapt (60-90 s) among them.
long_first="t_resume_my t_pg_rollback t_proxy_jump t_resume_runs t_resume_cut t_pull_basic t_my_rollback
t_adapt_stream t_my_rollback_objs t_pooler t_pg_adapt t_ssh_config t_progress_json t_my_consistency t_progress_live t_doctor
t_my_lock_modes t_pg_attack t_pg_rollback_disk t_proxy_command t_pull_replace t_hostile_name
t_my_deferred_idx t_fail_cut t_heartbeat_live t_my_rollback_disk t_pg_dispatch t_resume_sqlite
t_snaponly_pg t_remote_shell_fish_tcsh t_fail_nodb t_unattended t_deadman_pg t_my_fail_swap_locked
t_pg_post_overlap t_compare_selftest t_my_attack_inject t_profiles t_snaponly_my t_fail_interrupt
t_my_types t_my_objects t_compare_mysql_selftest t_my_busy t_pg_local_psql t_deadman_my t_pg_objects
t_remote_sudo t_snap_pg t_my_pull_basic"

# run_tests LOGDIR RESULTS TEST...: runs each test against the harness this shell started, printing
# one line each; appends "pass|fail|skip NAME SECONDS" to RESULTS.
run_tests() {
	local logdir=$1 results=$2 t name s rc d
	shift 2
	for t in "$@"; do
		name=$(basename "$t" .sh)
		s=$(date +%s.%N)
		timeout -k 10 "${SIPHON_IT_TEST_TIMEOUT:-300}" bash "$t" >"$logdir/$name.log" 2>&1 </dev/null
		rc=$?
		d=$(_h_secs "$s" "$(date +%s.%N)")
		case $rc in
		0)
			echo "pass $name $d" >>"$results"
			printf 'PASS  %-32s %6ss\n' "$name" "$d"
			;;
		77)
			echo "skip $name $d" >>"$results"
			printf 'SKIP  %-32s %6ss  %s\n' "$name" "$d" "$(grep -m1 '^SKIP:' "$logdir/$name.log" | cut -c7-)"
			;;
		*)
			echo "fail $name $d" >>"$results"
			[ "$rc" = 124 ] && echo "TIMEOUT after ${SIPHON_IT_TEST_TIMEOUT:-300}s" >>"$logdir/$name.log"
			# One write per failure, so that two workers' reports do not interleave.
			{
				printf 'FAIL  %-32s %6ss  (exit %s)\n' "$name" "$d" "$rc"
				sed 's/^/    | /' "$logdir/$name.log" | tail -n 25
			} | cat
			;;
		esac
	done
}

# The next test of queue file Q (one path a line), taken under its lock; nothing when it is empty.
queue_pop() {
	(
		flock 9
		t=$(head -n 1 "$1")
		[ -n "$t" ] || exit 1
		tail -n +2 "$1" >"$1.rest" && mv "$1.rest" "$1"
		echo "$t"
	) 9>>"$1.lock"
}

# shellcheck source=../harness/lib.sh
. "$here/../harness/lib.sh"

if [ -n "$worker" ]; then
	# Worker: a harness of its own, tests from the queue until it is empty.
	set -- $worker
	wid=$1 queue=$2 logdir=$3
	export SIPHON_IT_LOGDIR=$logdir
	ws=$(date +%s.%N)
	if ! harness_start; then
		echo "run.sh: worker $wid: the harness did not start; logs in $logdir" >&2
		echo "fail harness-$wid 0" >>"$logdir/results"
		exit 1
	fi
	export SIPHON_IT_H
	wu=$(date +%s.%N)
	while t=$(queue_pop "$queue"); do
		run_tests "$logdir" "$logdir/results" "$t"
	done
	grep -q '^fail' "$logdir/results" 2>/dev/null && harness_stop 1 || harness_stop 0
	echo "worker $wid: harness up in $(_h_secs "$ws" "$wu")s, then $(grep -c '' "$logdir/results") tests in $(_h_secs "$wu" "$(date +%s.%N)")s" >"$logdir/worker"
	trap - EXIT
	exit 0
fi

logdir=$(mktemp -d /tmp/siphon-it-logs.XXXXXX)
export SIPHON_IT_LOGDIR=$logdir
t0=$(date +%s)
results=$logdir/results
: >"$results"

if [ "$jobs" -gt 1 ] && [ "${#tests[@]}" -gt 1 ]; then
	queue=$logdir/queue
	: >"$queue"
	for n in $long_first; do
		for t in "${tests[@]}"; do [ "$(basename "$t" .sh)" = "$n" ] && echo "$t" >>"$queue"; done
	done
	for t in "${tests[@]}"; do
		case " $(echo $long_first) " in *" $(basename "$t" .sh) "*) ;; *) echo "$t" >>"$queue" ;; esac
	done
	pids=()
	for w in $(seq 1 "$jobs"); do
		mkdir -p "$logdir/w$w"
		"$0" --worker "$w $queue $logdir/w$w" &
		pids+=($!)
	done
	trap 'kill "${pids[@]}" 2>/dev/null; wait; exit 130' INT TERM
	wait "${pids[@]}"
	trap - INT TERM
	cat "$logdir"/w*/results >>"$results" 2>/dev/null
else
	if ! harness_start; then
		echo "run.sh: the harness did not start; logs in $logdir" >&2
		exit 1
	fi
	export SIPHON_IT_H
	run_tests "$logdir" "$results" "${tests[@]}"
fi

# Where the time went: the longest tests, and each worker's share (helps to order long_first).
if [ "${#tests[@]}" -gt 1 ]; then
	echo "longest tests (seconds):"
	sort -k3,3 -rn "$results" | head -n "${SIPHON_IT_SUMMARY:-20}" |
		awk '{ printf "  %7.1f  %s%s\n", $3, $2, ($1 == "pass" ? "" : "  (" $1 ")") }'
	cat "$logdir"/w*/worker 2>/dev/null
fi

pass=$(grep -c '^pass' "$results")
fail=$(grep -c '^fail' "$results")
skip=$(grep -c '^skip' "$results")
total=$(($(date +%s) - t0))
if [ "$fail" -gt 0 ]; then
	[ "$jobs" -gt 1 ] || harness_stop 1
	echo "failed: $(grep '^fail' "$results" | cut -d' ' -f2 | tr '\n' ' ')"
	echo "logs: $logdir (one file per test; harness/ (w*/harness/ with -j) has sshd.log, srv.log, ws.log)"
else
	[ "$jobs" -gt 1 ] || harness_stop 0
	[ "${SIPHON_IT_KEEP_LOGS:-0}" = 1 ] && echo "logs: $logdir" || rm -rf "$logdir"
fi
trap - EXIT
echo "integration tests took ${total}s"
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
