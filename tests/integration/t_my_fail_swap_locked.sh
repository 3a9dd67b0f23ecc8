#!/bin/bash
# needs-real-siphon
# MariaDB: a client uses a table of the target database from another database (a long SELECT of
# target.customers, its current database being none), so the processlist does not show it on the
# target; the swap's RENAME TABLE waits for its metadata lock. Whatever siphon does (wait, give up,
# refuse as busy), a failure must leave the target as it was: every table, trigger, view, routine,
# event and the database's character set; no temporary database left.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
src=$SIPHON_IT_MY_SRC_DB

my_pull "$src" --into locked_copy
assert_rc 0 "the first copy"
fp=$(my_fingerprint_ws locked_copy) || it_fail "fingerprint locked_copy"
ws_my -N -B -e "SELECT 'siphon-it-reader', COUNT(*), SLEEP(30) FROM locked_copy.customers" >/dev/null 2>&1 &
reader=$!
harness_on_exit "kill $reader 2>/dev/null; my_kill_marked ws siphon-it-reader"
# Until the reader runs (it holds the table from then on).
for _ in $(seq 1 100); do
	[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%siphon-it-reader%' AND INFO LIKE '%SLEEP%' AND ID <> CONNECTION_ID()")" = 1 ] && break
	sleep 0.05
done

my_pull "$src" --into locked_copy --lock-timeout 3
# The RENAME waits --lock-timeout (3 s here, 10 by default) for the reader's table, gives up, and the
# old triggers and views come back.
assert_rc 9 "a session holding a table of the target"
assert_error_line
tail -n 1 "$H/run/err" | grep -q 'in use' || it_fail "the error does not say the database is in use"
[ "$(my_fingerprint_ws locked_copy)" = "$fp" ] ||
	it_fail "the pull failed (exit $RC) and locked_copy is not as it was: $(COMPARE_MAX_LINES=10 "$SIPHON_IT_LIB_DIR/compare_mysql.sh" --no-cache "$src" locked_copy | cut -c1-120)"
assert_ws_my_dbs locked_copy
my_kill_marked ws siphon-it-reader
assert_left_clean my
