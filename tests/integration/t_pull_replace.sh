#!/bin/bash
# A pull replaces an existing local database, twice in a row; a local database in use is refused
# (exit 9, unchanged, the session left alone) unless --force.
# (Of app_lite: what is checked is the swap, not the volume.)
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

ws_psql -q -d postgres -c 'CREATE DATABASE app_copy' >/dev/null || it_fail "create app_copy"
ws_psql -q -d app_copy -c 'CREATE TABLE old_stuff (x int); INSERT INTO old_stuff VALUES (1)' >/dev/null || it_fail "fill app_copy"

siphon_pull app_lite --into app_copy -j 2
assert_rc 0 "pull over an existing database"
assert_same app_lite app_copy
assert_ws_dbs app_copy

siphon_pull app_lite --into app_copy -j 2
assert_rc 0 "second pull over the same database"
assert_same app_lite app_copy
assert_ws_dbs app_copy

# Someone is connected to app_copy.
ws_psql -q -d app_copy -c 'SELECT pg_sleep(120)' >/dev/null 2>&1 &
busy=$!
harness_on_exit "kill $busy 2>/dev/null"
for i in $(seq 1 100); do
	[ "$(ws_psql -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'app_copy' AND query ~ 'pg_sleep'")" = 1 ] && break
	sleep 0.1
done
fp=$(ws_fingerprint app_copy) || it_fail "fingerprint app_copy"
siphon_pull app_lite --into app_copy
assert_rc 9 "pull over a database in use"
assert_error_line
[ "$(ws_fingerprint app_copy)" = "$fp" ] || it_fail "app_copy changed after the refused pull"
assert_ws_dbs app_copy
kill -0 "$busy" 2>/dev/null || it_fail "the session connected to app_copy was ended without --force"
assert_left_clean pg

siphon_pull app_lite --into app_copy --force
assert_rc 0 "pull --force over a database in use"
assert_same app_lite app_copy
assert_ws_dbs app_copy
for _ in $(seq 1 50); do kill -0 "$busy" 2>/dev/null || break; sleep 0.1; done
kill -0 "$busy" 2>/dev/null && it_note "the old session is still alive after --force (connected to the old database?)"
assert_no_pwned
assert_left_clean pg
