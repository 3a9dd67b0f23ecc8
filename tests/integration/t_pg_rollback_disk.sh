#!/bin/bash
# needs-real-siphon
# keep_pristine and reset on a small disk (PostgreSQL; a third cluster on a tmpfs,
# ws_small_cluster). (1) Room for the copy but not for its pristine twin: the pull goes on without
# it, says so in one warning, and keeps none (reset then says nothing is kept: exit 7). (2) With
# room, a pull keeps both; the copy is wrecked, then the disk is filled: reset is refused before
# anything is made (exit 7, one line naming the disk, the copy unchanged, no temporary database);
# with room again reset gives the pulled content back.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
srv_ensure_big || it_fail "could not create the big database"

mb=$(( $(srv_psql -At -d postgres -c "SELECT pg_database_size('big')") / 1048576 ))
# Room for the copy, its previous one and its pristine twin: the fillers take the rest.
ws_small_cluster $(( mb * 7 / 2 + 200 )) || it_skip "cannot mount a tmpfs here"
d=$WS_SMALL_DIR
small_psql() { psql -X -q -v ON_ERROR_STOP=1 -h "$d/sock" -p "$WS_SMALL_PORT" -U postgres "$@"; }
free_mb() { df -m --output=avail "$d/data" | tail -1 | tr -d ' '; }
small_run() { PGHOST=$d/sock PGPORT=$WS_SMALL_PORT "$@"; }
fp() { small_psql -At -d bigcopy -c "SELECT count(*) || ' ' || coalesce(sum(hashtext(t::text)), 0) FROM blob_rows t"; }
temps() { small_psql -At -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'siphon\_tmp\_%' OR datname LIKE 'siphon\_old\_%'"; }
kept() { small_psql -At -d postgres -c "SELECT datname FROM pg_database WHERE datname ~ '^siphon_(prev|pristine)_' ORDER BY 1" | tr '\n' ' '; }
it_note "big is $mb MB; the tmpfs has $(free_mb) MB free"

# (1) Room for 1.1 x the copy + the 64 MB reserve, not for two copies.
fallocate -l "$(( $(free_mb) - mb * 11 / 10 - 64 - 30 ))M" "$d/data/filler" || it_fail "fallocate"
small_run siphon_pull big --into bigcopy
assert_rc 0 "pull with room for the copy alone"
assert_stderr_contains "no room for the pristine copy"
[ -z "$(kept)" ] || it_fail "kept without room: $(kept)"
rm -f "$d/data/filler"
small_run siphon_run reset "$(remote_spec big)" --into bigcopy
assert_rc 7 "reset without a pristine copy"
assert_error_line

# (2) Room for both: the next pull keeps both.
small_run siphon_pull big --into bigcopy
assert_rc 0 "pull with room for both"
[ "$(kept)" = "siphon_prev_bigcopy siphon_pristine_bigcopy " ] || it_fail "kept: $(kept)"
small_psql -d postgres -c 'DROP DATABASE siphon_prev_bigcopy' || it_fail "drop the previous copy"
want=$(fp)
small_psql -d bigcopy -c 'DELETE FROM blob_rows WHERE id % 2 = 0' || it_fail "wreck bigcopy"
wrecked=$(fp)
fallocate -l "$(( $(free_mb) - 40 ))M" "$d/data/filler" || it_fail "fallocate"
small_run siphon_run reset "$(remote_spec big)" --into bigcopy
assert_rc 7 "reset without room"
assert_error_line
assert_stderr_contains "not enough local disk space"
[ "$(fp)" = "$wrecked" ] || it_fail "bigcopy changed after the refused reset"
[ -z "$(temps)" ] || it_fail "temporary databases left: $(temps)"
rm -f "$d/data/filler"
small_run siphon_run reset "$(remote_spec big)" --into bigcopy
assert_rc 0 "reset with room"
[ "$(fp)" = "$want" ] || it_fail "reset did not give back the pulled content"
[ -z "$(temps)" ] || it_fail "temporary databases left after reset: $(temps)"
small_psql -At -d postgres -c "SELECT 1" >/dev/null || it_fail "the small cluster is down"
assert_no_pwned
