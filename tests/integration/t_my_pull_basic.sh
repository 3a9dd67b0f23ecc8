#!/bin/bash
# needs-real-siphon
# MariaDB: pull siphon_src (the channels siphon chooses) into a new database and compare it with its source
# (every definer root@localhost, events DISABLED, AUTO_INCREMENT counters, triggers that did not
# fire during the load); the copy's routines, views and triggers work. Then the engine is found
# without --engine (siphon_src is only in MariaDB) and a second pull replaces that copy, whose
# extra table, view, trigger, routine, event and column must be gone (zstd). Then a pull without
# --into (the remote name; gzip), and a name in both PostgreSQL and MariaDB (no terminal to ask:
# exit 2).
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
src=$SIPHON_IT_MY_SRC_DB

my_pull "$src" --into my_copy
assert_rc 0 "pull $src --engine mysql"
assert_same_my "$src" my_copy --definer-of root@localhost
my_expect_stderr '^siphon: one instant for [0-9]+ channels: global read lock held [0-9]+ ms$' "the consistency line"
my_expect_stderr '^siphon: warning: .*"myisam_log" \(MyISAM\)' "the MyISAM warning"
if grep 'siphon: warning:' "$H/run/err" | grep -v -q myisam_log; then
	grep 'siphon: warning:' "$H/run/err" >&2
	it_fail "warnings other than the MyISAM one"
fi
[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'my_copy' AND STATUS <> 'DISABLED'")" = 0 ] ||
	it_fail "an event of the copy is not DISABLED"
[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'my_copy'")" = 2 ] ||
	it_fail "the copy does not have the source's 2 events"
assert_ws_my_dbs my_copy
# The triggers did not fire while the rows were loaded: the audit table has the source's rows.
[ "$(ws_my -N -B -e 'SELECT COUNT(*), MAX(id) FROM my_copy.audit_log')" = "$(srv_my -N -B -e "SELECT COUNT(*), MAX(id) FROM $src.audit_log")" ] ||
	it_fail "audit_log of the copy does not have the source's rows (a trigger fired during the load?)"
assert_my_objects_work my_copy

# The old copy gets things the source does not have (and loses one it has).
ws_my -D my_copy >/dev/null <<-'EOF' || it_fail "adding extras to my_copy"
	CREATE TABLE extra_table (x INT PRIMARY KEY);
	INSERT INTO extra_table VALUES (1);
	CREATE VIEW extra_view AS SELECT x FROM extra_table;
	CREATE TRIGGER extra_trigger BEFORE INSERT ON customers FOR EACH ROW SET NEW.bio = 'extra';
	CREATE FUNCTION extra_fn() RETURNS INT DETERMINISTIC NO SQL RETURN 1;
	CREATE PROCEDURE extra_proc() SELECT 1;
	CREATE EVENT extra_event ON SCHEDULE EVERY 1 DAY STARTS '2037-01-01 00:00:00' DISABLE DO DELETE FROM extra_table;
	ALTER TABLE orders ADD COLUMN extra_col INT;
	DROP VIEW v_big_orders;
	DELETE FROM texts WHERE id = 1;
EOF

# No --engine: siphon_src exists only in MariaDB.
siphon_pull "$src" --into my_copy -j 2 --compress zstd
assert_rc 0 "pull over the existing copy, without --engine, zstd"
assert_stderr_contains "the database is in MySQL/MariaDB"
assert_same_my "$src" my_copy --definer-of root@localhost
left=$(ws_my -N -B -e "
  SELECT CONCAT('table ', TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'my_copy' AND TABLE_NAME LIKE 'extra%'
  UNION ALL SELECT CONCAT('trigger ', TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'my_copy' AND TRIGGER_NAME LIKE 'extra%'
  UNION ALL SELECT CONCAT('routine ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'my_copy' AND ROUTINE_NAME LIKE 'extra%'
  UNION ALL SELECT CONCAT('event ', EVENT_NAME) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'my_copy' AND EVENT_NAME LIKE 'extra%'
  UNION ALL SELECT CONCAT('column ', COLUMN_NAME) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'my_copy' AND COLUMN_NAME LIKE 'extra%'")
[ -z "$left" ] || it_fail "the old copy's extras survived the pull: $(echo $left)"
assert_ws_my_dbs my_copy
assert_my_objects_work my_copy

# No --into: the remote name.
siphon_pull "$src" -j 3 --compress gzip
assert_rc 0 "pull $src without --into, gzip"
assert_same_my "$src" "$src" --definer-of root@localhost
assert_ws_my_dbs my_copy "$src"

# A name that both PostgreSQL ("small", fixture.sql) and MariaDB have: no terminal to ask.
srv_my -e "CREATE DATABASE small" || it_fail "create small on the server MariaDB"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS small'"
siphon_pull small --into small_copy
assert_rc 2 "a name in both engines, no --engine, no terminal"
assert_error_line
assert_stderr_contains "--engine"
siphon_pull small --into small_copy --engine mysql
assert_rc 0 "the same name with --engine mysql"
assert_same_my small small_copy
srv_my -e 'DROP DATABASE small'

assert_ws_my_dbs my_copy "$src" small_copy
assert_no_pwned
assert_left_clean my
