#!/bin/bash
# needs-real-siphon
# keep_previous, `siphon rollback` and `siphon reset` for MariaDB. Two pulls into one local database
# (rb_a, then rb_b: tables only, made here on the server): the first copy's tables are kept as
# siphon_prev_rb_copy, the last pull's untouched copy as siphon_pristine_rb_copy. rollback puts rb_a
# back (compared with the source), a second rollback returns to rb_b; reset after wrecking the copy
# gives rb_b again; both are refused while a client holds the database (exit 9, unchanged) and work
# with --force; a replaced copy with a view is kept with it, the fixture's copy (every kind of
# object, generated and invisible columns) has its pristine twin, is kept and rolled back to with its
# objects working; keep_previous=no and keep_pristine=no keep nothing; keep_pristine's default keeps
# no pristine copy for MySQL.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
# MySQL keeps a pristine copy only when asked (its default costs nothing); the end checks the default.
export SIPHON_KEEP_PRISTINE=yes

for db in rb_a rb_b; do
	srv_my -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" ||
		it_fail "create $db on the server"
	harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS $db'"
done
srv_my -D rb_a <<-'SQL' || it_fail "fill rb_a"
	SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO');
	CREATE TABLE parent (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, UNIQUE KEY (name));
	CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, note TEXT,
	  FOREIGN KEY (parent_id) REFERENCES parent (id));
	INSERT INTO parent (name) VALUES ('one'), ('two'), ('drei ü');
	INSERT INTO parent (id, name) VALUES (0, 'zero');
	INSERT INTO child VALUES (1, 1, 'a'), (2, 3, NULL), (3, 0, 'zero''s');
	CREATE TABLE only_in_a (x INT) ENGINE=MyISAM;
	INSERT INTO only_in_a VALUES (7);
SQL
srv_my -D rb_b <<-'SQL' || it_fail "fill rb_b"
	CREATE TABLE parent (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, born DATE);
	INSERT INTO parent (name, born) VALUES ('b-one', '2001-02-03'), ('b-two', NULL);
	CREATE TABLE `odd name` (k VARCHAR(10) PRIMARY KEY, v BLOB);
	INSERT INTO `odd name` VALUES ('k1', x'00ff10');
SQL

local_run() { # rollback|reset [ARGS...]
	local what=$1
	shift
	siphon_run "$what" "$(remote_spec rb_a)" --into rb_copy "$@"
}
# Only this test's copies: other tests of the same harness leave theirs.
kept() { ws_my_kept_dbs | grep -E '^siphon_(prev|pristine)_rb_copy$' | tr '\n' ' '; }

# Nothing kept yet.
local_run rollback --engine mysql
assert_rc 7 "rollback with nothing kept"
assert_error_line
assert_stderr_contains "no previous copy of \"rb_copy\" to roll back to (database siphon_prev_rb_copy)"

my_pull rb_a --into rb_copy -j 2
assert_rc 0 "first pull"
assert_same_my rb_a rb_copy --no-cache
[ "$(kept)" = "siphon_pristine_rb_copy " ] || it_fail "kept after the first pull: $(kept)"
assert_same_my rb_a siphon_pristine_rb_copy --no-cache

my_pull rb_b --into rb_copy -j 2
assert_rc 0 "second pull, over the first"
assert_same_my rb_b rb_copy --no-cache
[ "$(kept)" = "siphon_prev_rb_copy siphon_pristine_rb_copy " ] || it_fail "kept after the second pull: $(kept)"
assert_same_my rb_a siphon_prev_rb_copy --no-cache
assert_same_my rb_b siphon_pristine_rb_copy --no-cache
assert_left_clean my

# No --engine: the engine whose local server keeps a previous copy of rb_copy.
local_run rollback
assert_rc 0 "rollback"
assert_same_my rb_a rb_copy --no-cache
assert_same_my rb_b siphon_prev_rb_copy --no-cache
grep -q "roll back again to return to it" "$H/run/err" || it_fail "rollback does not say that a second one returns"
local_run rollback --engine mysql
assert_rc 0 "second rollback"
assert_same_my rb_b rb_copy --no-cache
assert_same_my rb_a siphon_prev_rb_copy --no-cache

# Wreck the copy; reset brings back what the last pull brought.
ws_my -D rb_copy -e 'DELETE FROM parent; DROP TABLE `odd name`; CREATE TABLE wrecked (x INT)' ||
	it_fail "could not wreck rb_copy"
t0=$(date +%s.%N)
local_run reset
assert_rc 0 "reset"
it_note "reset took $(_h_secs "$t0" "$(date +%s.%N)")s"
assert_same_my rb_b rb_copy --no-cache
assert_same_my rb_a siphon_prev_rb_copy --no-cache
[ "$(kept)" = "siphon_prev_rb_copy siphon_pristine_rb_copy " ] || it_fail "kept after reset: $(kept)"
assert_ws_my_dbs rb_copy

# A client holds rb_copy: both refused (9, unchanged, the session alive), then --force.
ws_my -N -B -D rb_copy -e "SELECT 'siphon-it-busy', SLEEP(120)" >/dev/null 2>&1 &
busy=$!
harness_on_exit "kill $busy 2>/dev/null; my_kill_marked ws siphon-it-busy"
for _ in $(seq 1 100); do
	[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = 'rb_copy'")" = 1 ] && break
	sleep 0.05
done
fp=$(my_fingerprint_ws rb_copy) || it_fail "fingerprint rb_copy"
for what in rollback reset; do
	local_run "$what"
	assert_rc 9 "$what while a client holds rb_copy"
	assert_error_line
	assert_stderr_contains "--force"
	[ "$(my_fingerprint_ws rb_copy)" = "$fp" ] || it_fail "rb_copy changed after the refused $what"
	kill -0 "$busy" 2>/dev/null || it_fail "the session on rb_copy was ended without --force"
done
local_run rollback --force
assert_rc 0 "rollback --force"
assert_same_my rb_a rb_copy --no-cache
for _ in $(seq 1 50); do kill -0 "$busy" 2>/dev/null || break; sleep 0.1; done
kill -0 "$busy" 2>/dev/null && it_fail "the session survived rollback --force"
local_run rollback
assert_rc 0 "rollback back to the last pull"
assert_same_my rb_b rb_copy --no-cache

# A replaced copy with a view is kept with it; the fixture's copy has its pristine twin.
ws_my -D rb_copy -e 'CREATE VIEW v_parent AS SELECT id FROM parent' || it_fail "create a view in rb_copy"
src=$SIPHON_IT_MY_SRC_DB
my_pull "$src" --into rb_copy -j 2
assert_rc 0 "a pull of a database with objects over a copy with a view"
assert_same_my "$src" rb_copy --definer-of root@localhost
[ "$(kept)" = "siphon_prev_rb_copy siphon_pristine_rb_copy " ] || it_fail "kept after a pull with objects: $(kept)"
# The pristine twin of the fixture: every kind of object, generated and invisible columns.
assert_same_my "$src" siphon_pristine_rb_copy --definer-of root@localhost
[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'siphon_prev_rb_copy' AND TABLE_NAME = 'v_parent'")" = 1 ] ||
	it_fail "the replaced copy was kept without its view"

# keep_previous = no, keep_pristine = no: the next pull keeps nothing (and drops what was kept).
my_pull rb_a --into rb_copy -j 2
assert_rc 0 "pull of rb_a over the copy with objects"
[ "$(kept)" = "siphon_prev_rb_copy siphon_pristine_rb_copy " ] || it_fail "kept after pulling over a copy with objects: $(kept)"
# The copy of the fixture kept with its objects, which work there after a rollback.
assert_same_my "$src" siphon_prev_rb_copy --definer-of root@localhost
local_run rollback
assert_rc 0 "rollback to the copy with objects"
assert_same_my "$src" rb_copy --definer-of root@localhost
assert_my_objects_work rb_copy
SIPHON_KEEP_PREVIOUS=no SIPHON_KEEP_PRISTINE=no my_pull rb_b --into rb_copy -j 2
assert_rc 0 "pull keeping nothing"
assert_same_my rb_b rb_copy --no-cache
[ "$(kept)" = "" ] || it_fail "kept with keep_previous=no: $(kept)"
local_run rollback --engine mysql
assert_rc 7 "rollback after a pull that kept nothing"
assert_error_line
local_run reset
assert_rc 7 "reset after a pull that kept nothing"
assert_error_line
assert_stderr_contains "no local server keeps a pristine copy"

# keep_pristine at its default: no pristine copy for MySQL (it would cost about twice the load), a note.
unset SIPHON_KEEP_PRISTINE
my_pull rb_a --into rb_copy -j 2
assert_rc 0 "pull with keep_pristine at its default"
assert_stderr_contains "no pristine copy of \"rb_copy\" is kept: for MySQL/MariaDB it is a row-by-row copy"
[ "$(kept)" = "siphon_prev_rb_copy " ] || it_fail "kept with keep_pristine at its default: $(kept)"

assert_ws_my_dbs rb_copy
assert_no_pwned
assert_left_clean my
