#!/bin/bash
# needs-real-siphon
# keep_previous, `siphon rollback` and `siphon reset` for PostgreSQL. Two pulls into one local
# database (app_lite, then small): the first copy is kept as siphon_prev_app_copy, the last pull's
# untouched copy as siphon_pristine_app_copy. rollback puts app_lite back (compared with the source),
# a second rollback returns to small; reset after wrecking the copy gives small again; both are
# refused while a client holds the database (exit 9, unchanged) and work with --force; nothing
# kept: one line, exit 7; keep_previous=no and keep_pristine=no keep nothing; the stale sweep of
# later pulls leaves the kept copies alone; a target name too long for siphon_prev_ still works.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

local_run() { # rollback|reset [ARGS...]
	local what=$1
	shift
	siphon_run "$what" "$(remote_spec app_lite)" --into app_copy "$@"
}
# Only this test's copies: other tests of the same harness leave theirs.
kept() { ws_kept_dbs | grep -E '^siphon_(prev|pristine)_(app_copy|other)$' | tr '\n' ' '; }

# Nothing kept yet.
local_run rollback
assert_rc 7 "rollback with nothing kept"
assert_error_line
assert_stderr_contains "no local server keeps a previous copy"
siphon_run rollback "$(remote_spec app_lite)" --into app_copy --engine postgres
assert_rc 7 "rollback with nothing kept, the engine named"
assert_error_line
assert_stderr_contains "no previous copy of \"app_copy\" to roll back to (database siphon_prev_app_copy)"

siphon_pull app_lite --into app_copy -j 2
assert_rc 0 "first pull"
assert_same app_lite app_copy
[ "$(kept)" = "siphon_pristine_app_copy " ] || it_fail "kept after the first pull: $(kept)"

siphon_pull small --into app_copy -j 2
assert_rc 0 "second pull, over the first"
assert_same small app_copy
[ "$(kept)" = "siphon_prev_app_copy siphon_pristine_app_copy " ] || it_fail "kept after the second pull: $(kept)"
assert_same app_lite siphon_prev_app_copy
assert_same small siphon_pristine_app_copy
assert_left_clean pg

local_run rollback
assert_rc 0 "rollback"
assert_same app_lite app_copy
assert_same small siphon_prev_app_copy
grep -q "roll back again to return to it" "$H/run/err" || it_fail "rollback does not say that a second one returns"
local_run rollback
assert_rc 0 "second rollback"
assert_same small app_copy
assert_same app_lite siphon_prev_app_copy

# Wreck the copy; reset brings back what the last pull brought.
ws_psql -q -d app_copy >/dev/null <<'EOF2' || it_fail "could not wreck app_copy"
DO $$DECLARE r record; BEGIN FOR r IN SELECT c.oid::regclass AS t FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  LOOP EXECUTE 'TRUNCATE ' || r.t || ' CASCADE'; END LOOP; END$$;
CREATE TABLE wrecked (x int);
EOF2
[ "$(ws_fingerprint app_copy)" != "$(ws_fingerprint siphon_pristine_app_copy)" ] || it_fail "app_copy was not wrecked"
t0=$(date +%s.%N)
local_run reset
assert_rc 0 "reset"
it_note "reset took $(_h_secs "$t0" "$(date +%s.%N)")s"
assert_same small app_copy
assert_same app_lite siphon_prev_app_copy
[ "$(kept)" = "siphon_prev_app_copy siphon_pristine_app_copy " ] || it_fail "kept after reset: $(kept)"
assert_ws_dbs app_copy

# A client holds app_copy: both refused (9, unchanged, the session alive), then --force.
ws_psql -q -d app_copy -c 'SELECT pg_sleep(120)' >/dev/null 2>&1 &
busy=$!
harness_on_exit "kill $busy 2>/dev/null"
for _ in $(seq 1 100); do
	[ "$(ws_psql -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'app_copy' AND query ~ 'pg_sleep'")" = 1 ] && break
	sleep 0.1
done
fp=$(ws_fingerprint app_copy) || it_fail "fingerprint app_copy"
for what in rollback reset; do
	local_run "$what"
	assert_rc 9 "$what while a client holds app_copy"
	assert_error_line
	assert_stderr_contains "open connection"
	[ "$(ws_fingerprint app_copy)" = "$fp" ] || it_fail "app_copy changed after the refused $what"
	kill -0 "$busy" 2>/dev/null || it_fail "the session on app_copy was ended without --force"
done
local_run rollback --force
assert_rc 0 "rollback --force"
assert_same app_lite app_copy
for _ in $(seq 1 50); do kill -0 "$busy" 2>/dev/null || break; sleep 0.1; done
kill -0 "$busy" 2>/dev/null && it_fail "the session survived rollback --force"
local_run rollback
assert_rc 0 "rollback back to the last pull"
assert_same small app_copy

# Later pulls sweep stale temporaries, never the kept copies (app_copy's, nor another's).
siphon_pull app_lite --into other -j 2
assert_rc 0 "a pull into another database"
[ "$(kept)" = "siphon_prev_app_copy siphon_pristine_app_copy siphon_pristine_other " ] ||
	it_fail "kept after a pull into another database: $(kept)"

# keep_previous = no, keep_pristine = no: the next pull keeps nothing (and drops what was kept).
SIPHON_KEEP_PREVIOUS=no SIPHON_KEEP_PRISTINE=no siphon_pull app_lite --into app_copy -j 2
assert_rc 0 "pull keeping nothing"
assert_same app_lite app_copy
[ "$(kept)" = "siphon_pristine_other " ] || it_fail "kept with keep_previous=no: $(kept)"
local_run rollback
assert_rc 7 "rollback after a pull that kept nothing"
assert_error_line
local_run reset
assert_rc 7 "reset after a pull that kept nothing"
assert_error_line
assert_stderr_contains "no local server keeps a pristine copy"

# A target name too long for siphon_prev_ + name: cut, with a hash.
long=copy_with_a_very_long_name_that_fills_most_of_the_63_bytes_x
siphon_pull app_lite --into "$long"
assert_rc 0 "pull into a long name"
siphon_pull small --into "$long"
assert_rc 0 "second pull into a long name"
ws_kept_dbs | grep -Eq '^siphon_prev_copy_with_a_very_long_name_that_fil[a-z_]*_[0-9a-f]{8}$' ||
	it_fail "no hashed previous copy: $(kept)"
siphon_run rollback "$(remote_spec app_lite)" --into "$long"
assert_rc 0 "rollback of a long name"
assert_same app_lite "$long"

assert_no_pwned
assert_left_clean pg
