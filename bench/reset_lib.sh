# bench/reset_lib.sh - sourced by bench/reset_pg.sh, reset_my.sh and reset_sqlite.sh: what their
# measurements share.
#
#   reset_bench_args "$@"   the siphon binary (the one argument, made absolute) into SIPHON, else
#                           the usage line and exit 2; BENCH_DIR, ROOT, say, die, now, secs come
#                           from bench/common.sh
#   reset_bench_run         after harness_start, with $B (a scratch directory) and what the script
#                           defines: pull (the pull's arguments, into the local copy), local_target
#                           (the arguments of rollback and reset), check WHAT (the copy against the
#                           source, dies when they differ) and wreck (changes the copy). Pulls three
#                           times: keep_pristine = no into nothing, no again over it (the first
#                           becomes the previous copy), then yes; wrecks the copy; times reset,
#                           rollback and rollback again, checking the copy after each; prints one
#                           line of figures, starting with the words in $1.
set -u -o pipefail

# shellcheck disable=SC2034 # read by common.sh
BENCH_TAG=bench
# shellcheck source=common.sh disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

reset_bench_args() {
	bench_siphon "${1:-}"
	bench_root "the harness creates users and runs sshd"
	bench_harness_env "${BENCH_KEEP:-0}"
}

_reset_run() { # WHAT ARGS... -> seconds in $SECS
	local t0 rc
	t0=$(now)
	"$SIPHON" "${@:2}" >"$B/$1.out" 2>"$B/$1.err" </dev/null
	rc=$?
	SECS=$(secs "$t0" "$(now)")
	[ "$rc" = 0 ] || { cat "$B/$1.err" >&2; die "$1 exited with $rc"; }
}

# Seconds between the "pristine copy" step of a pull's JSON progress and the next event ("-": none).
_reset_pristine_secs() { # FILE
	python3 -c '
import json, sys
t = None
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if t is not None and "seconds" in e:
        print("%.1f" % (e["seconds"] - t)); sys.exit(0)
    if e.get("event") == "step" and e.get("text") == "pristine copy":
        t = e["seconds"]
print("-")' "$1"
}

reset_bench_run() { # WHAT
	local no yes pristine reset rb1 rb2
	SIPHON_KEEP_PRISTINE=no _reset_run pull1 "${pull[@]}" --progress=json
	say "first pull (keep_pristine = no, into nothing): ${SECS}s"
	check "first pull"
	SIPHON_KEEP_PRISTINE=no _reset_run pull2 "${pull[@]}" --progress=json
	no=$SECS
	say "second pull (keep_pristine = no, over the first): ${SECS}s"
	_reset_run pull3 "${pull[@]}" --progress=json
	yes=$SECS
	pristine=$(_reset_pristine_secs "$B/pull3.err")
	say "third pull (keep_pristine = yes, over the second): ${SECS}s (pristine copy ${pristine}s)"
	check "third pull"
	wreck || die "wrecking the copy"
	_reset_run reset reset "${local_target[@]}"
	reset=$SECS
	check reset
	_reset_run rollback1 rollback "${local_target[@]}"
	rb1=$SECS
	check "rollback"
	_reset_run rollback2 rollback "${local_target[@]}"
	rb2=$SECS
	check "second rollback"
	printf '%s: pull %ss with keep_pristine = no, %ss with yes (pristine copy %ss); reset %ss, rollback %ss, rollback again %ss\n' \
		"$1" "$no" "$yes" "$pristine" "$reset" "$rb1" "$rb2"
}
