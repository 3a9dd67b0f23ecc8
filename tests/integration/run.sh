#!/bin/bash
# Integration tests of siphon against a real sshd and two PostgreSQL 15 clusters on this machine.
#
#   SIPHON_BIN=/path/to/siphon tests/integration/run.sh [t_NAME ...]
#
# Starts the harness (tests/harness/lib.sh) once, runs every tests/integration/t_*.sh (or those
# named) against it, prints PASS/FAIL/SKIP per test and a closing "N passed, N failed, N skipped"
# line; exits non-zero if any test failed. Needs root (a login user, sshd, initdb as postgres).
# Each test also runs alone: SIPHON_BIN=... tests/integration/t_pull_basic.sh (own harness).
# A test exits 0 to pass, 77 to skip, anything else to fail.
#
# Environment: SIPHON_IT_TEST_TIMEOUT (s, per test, default 300), SIPHON_IT_PULL_TIMEOUT (s, per
# siphon run, default 120), SIPHON_IT_KEEP_LOGS=1 (keep logs even when all pass).
set -u
here=$(cd "$(dirname "$0")" && pwd)

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

logdir=$(mktemp -d /tmp/siphon-it-logs.XXXXXX)
export SIPHON_IT_LOGDIR=$logdir

# shellcheck source=../harness/lib.sh
. "$here/../harness/lib.sh"
t0=$(date +%s)
if ! harness_start; then
	echo "run.sh: the harness did not start; logs in $logdir" >&2
	exit 1
fi
export SIPHON_IT_H

pass=0 fail=0 skip=0 failed=()
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	s=$(date +%s.%N)
	timeout -k 10 "${SIPHON_IT_TEST_TIMEOUT:-300}" bash "$t" >"$logdir/$name.log" 2>&1 </dev/null
	rc=$?
	d=$(_h_secs "$s" "$(date +%s.%N)")
	case $rc in
	0)
		pass=$((pass + 1))
		printf 'PASS  %-32s %6ss\n' "$name" "$d"
		;;
	77)
		skip=$((skip + 1))
		printf 'SKIP  %-32s %6ss  %s\n' "$name" "$d" "$(grep -m1 '^SKIP:' "$logdir/$name.log" | cut -c7-)"
		;;
	*)
		fail=$((fail + 1))
		failed+=("$name")
		[ "$rc" = 124 ] && echo "TIMEOUT after ${SIPHON_IT_TEST_TIMEOUT:-300}s" >>"$logdir/$name.log"
		printf 'FAIL  %-32s %6ss  (exit %s)\n' "$name" "$d" "$rc"
		sed 's/^/    | /' "$logdir/$name.log" | tail -n 25
		;;
	esac
done

total=$(($(date +%s) - t0))
if [ "$fail" -gt 0 ]; then
	harness_stop 1
	echo "failed: ${failed[*]}"
	echo "logs: $logdir (one file per test; harness/ has sshd.log, srv.log, ws.log)"
else
	harness_stop 0
	[ "${SIPHON_IT_KEEP_LOGS:-0}" = 1 ] && echo "logs: $logdir" || rm -rf "$logdir"
fi
trap - EXIT
echo "integration tests took ${total}s"
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
