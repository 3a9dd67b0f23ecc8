# shellcheck shell=bash
# bench/common.sh - sourced first by every bench script: what they all begin with.
#
#   BENCH_DIR, ROOT        this directory and the repository's
#   say, die, now, secs    a line on stderr after "$BENCH_TAG: " (set BENCH_TAG before sourcing;
#                          default bench), the same and exit 1, the time, the seconds from $1 to $2
#   bench_siphon ARG       the siphon binary ARG made absolute into SIPHON; without one that is
#                          executable, the usage line and exit 2
#   bench_root WHY         dies unless root
#   bench_harness_env KEEP our own integration harness, never one a test run left in the
#                          environment, without its fixture; KEEP=1 keeps its logs
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # for the scripts that source this file
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BENCH_TAG=${BENCH_TAG:-bench}

say() { printf '%s: %s\n' "$BENCH_TAG" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

bench_siphon() {
	SIPHON=${1:-}
	if [ -z "$SIPHON" ] || [ ! -x "$SIPHON" ]; then
		echo "usage: $0 /abs/path/to/siphon" >&2
		exit 2
	fi
	case $SIPHON in /*) ;; *) SIPHON=$PWD/$SIPHON ;; esac
}

bench_root() {
	[ "$(id -u)" = 0 ] || die "must run as root ($1)"
}

bench_harness_env() {
	unset SIPHON_IT_H
	export SIPHON_IT_NO_FIXTURE=1
	if [ "${1:-0}" = 1 ]; then export SIPHON_IT_KEEP_LOGS=1; fi
}
