#!/bin/bash
# Tests of the harness itself (no siphon needed):
#   1. harness_start / harness_stop three times in a row: each start works, each stop leaves no
#      process, no directory, no sudoers file and no authorized_keys behind;
#   2. the integration suite against fake-siphon.sh (a shell stand-in that follows the CLI
#      contract), which checks that the tests can pass and that compare.sh works; tests marked
#      "# needs-real-siphon" are left out.
# Usage (as root): tests/harness/selftest.sh [--no-suite]
set -u
here=$(cd "$(dirname "$0")" && pwd)
fail=0
# What harness H (/tmp/siphon-it.XXXXXX) could leave behind. Other harnesses may be running on this
# machine at the same time (another checkout's make check): only H's own traces count.
leftovers() { # H
	local h=$1 id=${1##*/}
	pgrep -af "$h/" | grep -v -e selftest.sh -e pgrep
	[ -e "$h" ] && echo "directory $h"
	ls "/etc/sudoers.d/siphon-it-${id#siphon-it.}" 2>/dev/null
	grep -sl "siphon-it:$id\$" /home/siphon_remote/.ssh/authorized_keys /home/siphon_dash/.ssh/authorized_keys
}
for i in 1 2 3; do
	s=$(date +%s.%N)
	out=$(bash -c '. "$1/lib.sh"; harness_start || exit 1; srv_dbs | tr "\n" " "; echo; ws_dbs | wc -l' _ "$here" 2>&1)
	rc=$?
	e=$(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	h=$(echo "$out" | sed -n 's/.*H=\(\/tmp\/siphon-it\.[A-Za-z0-9]*\).*/\1/p' | head -n 1)
	now=$([ -n "$h" ] && leftovers "$h")
	if [ "$rc" != 0 ] || [ -z "$h" ] || [ -n "$now" ]; then
		echo "selftest: FAIL start/stop #$i (rc $rc, ${e}s):"
		echo "$out" | sed 's/^/    /'
		echo "leftovers:"; echo "$now" | sed 's/^/    /'
		fail=1
	else
		echo "selftest: start/stop #$i ok in ${e}s (stop included): $(echo "$out" | grep '^harness: up')"
	fi
done
if [ "${1:-}" != --no-suite ]; then
	# Tests that need what only the real siphon has (e.g. -v, its own messages) say so with a
	# line "# needs-real-siphon"; the fake runs all the others, on PostgreSQL only (the tests that
	# loop over every engine skip the others).
	mapfile -t tests < <(grep -L '^# needs-real-siphon' "$here"/../integration/t_*.sh)
	SIPHON_IT_ENGINES=pg SIPHON_BIN=$here/fake-siphon.sh "$here/../integration/run.sh" "${tests[@]}" 2>&1 | tee /tmp/siphon-selftest.$$.log
	[ "${PIPESTATUS[0]}" = 0 ] || fail=1
	h=$(sed -n 's/.*H=\(\/tmp\/siphon-it\.[A-Za-z0-9]*\).*/\1/p' /tmp/siphon-selftest.$$.log | head -n 1)
	rm -f /tmp/siphon-selftest.$$.log
	now=$([ -n "$h" ] && leftovers "$h")
	[ -n "$h" ] && [ -z "$now" ] || { echo "selftest: leftovers after the suite ($h):"; echo "$now"; fail=1; }
fi
[ "$fail" = 0 ] && echo "selftest: ok" || echo "selftest: FAILED"
exit "$fail"
