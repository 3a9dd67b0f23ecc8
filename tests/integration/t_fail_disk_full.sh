#!/bin/bash
# needs-real-siphon
# A local disk too small for the copy. A third "workstation" cluster keeps its data on a small
# tmpfs (WAL elsewhere; ws_small_cluster). (1) The copy cannot fit: refused before anything is pulled (exit 7).
# (2) The disk fills up during the pull (another program takes the space): siphon stops while
# PostgreSQL can still drop the temporary database (exit 7). Each time one line names the disk,
# "keep" is unchanged, no temporary database is left, and the cluster still runs.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
srv_ensure_big || it_fail "could not create the big database"

ws_small_cluster 420 || it_skip "cannot mount a tmpfs here"
d=$WS_SMALL_DIR
port=$WS_SMALL_PORT
small_psql() { psql -X -q -v ON_ERROR_STOP=1 -h "$d/sock" -p "$port" -U postgres "$@"; }
small_psql -d postgres -c 'CREATE DATABASE keep'
small_psql -d keep -c "CREATE TABLE precious AS SELECT i, 'keep me ' || i AS v FROM generate_series(1, 1000) i"
fp() { small_psql -At -d keep -c "SELECT md5(string_agg(v, ',' ORDER BY i)) FROM precious"; }
before=$(fp)
check_clean() {
	[ "$before" = "$(fp)" ] || it_fail "keep changed ($1)"
	local left
	left=$(small_psql -At -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'siphon%'")
	[ -z "$left" ] || it_fail "temporary databases left ($1): $left"
}
free_mb() { df -m --output=avail "$d/data" | tail -1 | tr -d ' '; }

# (1) The copy cannot fit: a filler leaves less than the database needs.
fallocate -l "$(( $(free_mb) - 150 ))M" "$d/data/filler" || it_fail "fallocate"
PGHOST=$d/sock PGPORT=$port siphon_pull big --into keep
assert_rc 7 "a copy bigger than the free space"
assert_error_line
assert_stderr_contains "not enough local disk space"
check_clean "refused up front"
rm -f "$d/data/filler"

# (2) Enough space at the start; another program fills the disk during the pull.
PGHOST=$d/sock PGPORT=$port siphon_bg pull "$(remote_spec big)" -i "$SIPHON_IT_KEY" \
	--known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into keep
for _ in $(seq 1 200); do
	[ -n "$(small_psql -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname LIKE 'siphon_tmp%'")" ] && break
	sleep 0.05
done
fallocate -l "$(( $(free_mb) - 160 ))M" "$d/data/filler" || it_fail "fallocate during the pull"
siphon_wait 120
rm -f "$d/data/filler"
assert_rc 7 "the disk filled up during the pull"
assert_error_line
assert_stderr_contains "disk is almost full"
check_clean "filled during the pull"
small_psql -At -d postgres -c "SELECT 1" >/dev/null || it_fail "the local cluster is down"
