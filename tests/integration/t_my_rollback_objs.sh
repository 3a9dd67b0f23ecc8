#!/bin/bash
# needs-real-siphon
# keep_previous, keep_pristine, `siphon rollback` and `siphon reset` for MariaDB databases with views,
# procedures, functions, triggers and events (awkward names, a view on a view whose name sorts first,
# an ENABLED event, a database comment). Two sources with different objects are pulled one after the other into one
# local database with an awkward name: the kept copies hold their objects (compared with their
# sources: objects and rows, every event DISABLED); rollback, rollback again, reset after wrecking
# the objects and rows, each compared with its source and the objects run; a rollback that meets a
# lock half-way (after dropping a trigger) gives up with everything as it was; a busy target refused
# (exit 9, unchanged) and done with --force; nothing left behind.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
# MySQL keeps a pristine copy only when asked.
export SIPHON_KEEP_PRISTINE=yes

one='rbo one; "ü"'
two='rbo_two'
into='rbo "copy"; ü'
for db in "$one" "$two"; do
	srv_my -e "DROP DATABASE IF EXISTS $(my_ident "$db"); CREATE DATABASE $(my_ident "$db") CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" ||
		it_fail "create $db on the server"
	harness_on_exit "srv_my -e $(printf '%q' "DROP DATABASE IF EXISTS $(my_ident "$db")")"
done
srv_my -e "ALTER DATABASE $(my_ident "$one") COMMENT 'it''s \"one\"; kept too'" || it_fail "comment $one"
srv_my -D "$one" <<-'SQL' || it_fail "fill $one"
	CREATE TABLE `ord ers` (id INT AUTO_INCREMENT PRIMARY KEY, amt DECIMAL(10,2) NOT NULL);
	CREATE TABLE `log;t` (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(60) NOT NULL);
	INSERT INTO `ord ers` (amt) VALUES (1.50), (20.00), (300.25);
	DELIMITER ;;
	CREATE FUNCTION `f "double"`(x DECIMAL(10,2)) RETURNS DECIMAL(12,2) DETERMINISTIC
	  COMMENT 'it''s "two" times' RETURN x * 2;;
	CREATE PROCEDURE `p; 'add'`(IN a DECIMAL(10,2))
	BEGIN
	  -- a comment; with 'quotes'
	  INSERT INTO `ord ers` (amt) VALUES (a);
	END;;
	CREATE TRIGGER `trg "ins"; x` AFTER INSERT ON `ord ers` FOR EACH ROW
	  INSERT INTO `log;t` (what) VALUES (CONCAT('order ', NEW.id, '; it''s in'));;
	CREATE EVENT `ev "nightly"` ON SCHEDULE EVERY 1 DAY STARTS '2037-01-01 00:00:00'
	  ON COMPLETION PRESERVE ENABLE COMMENT 'never runs here' DO DELETE FROM `log;t`;;
	DELIMITER ;
	CREATE VIEW `v "all"` AS SELECT id, `f "double"`(amt) AS twice FROM `ord ers`;
	CREATE VIEW `a top` AS SELECT id FROM `v "all"` WHERE twice > 10 WITH CHECK OPTION;
SQL
srv_my -D "$two" <<-'SQL' || it_fail "fill $two"
	CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, n INT NOT NULL DEFAULT 0);
	INSERT INTO items VALUES (1, 'one', 0), (2, 'two ü', 5);
	DELIMITER ;;
	CREATE PROCEDURE `bump "it"`(IN k INT) UPDATE items SET n = n + 1 WHERE id = k;;
	CREATE TRIGGER `items upper` BEFORE INSERT ON items FOR EACH ROW SET NEW.name = UPPER(NEW.name);;
	CREATE EVENT tick ON SCHEDULE EVERY 1 HOUR STARTS '2037-01-01 00:00:00' DISABLE DO UPDATE items SET n = 0;;
	DELIMITER ;
	CREATE VIEW `v; busy` AS SELECT name, n FROM items;
SQL

local_run() { # rollback|reset [ARGS...]
	local what=$1
	shift
	siphon_run "$what" "$(remote_spec "$one")" --into "$into" "$@"
}
prev="siphon_prev_$into"
pristine="siphon_pristine_$into"
kept() { ws_my_kept_dbs | grep -Fx -e "$prev" -e "$pristine" | tr '\n' '|'; }
same() { assert_same_my "$1" "$2" --no-cache --definer-of root@localhost; }
# The objects of ONE run on the copy: the function, both views (the check option), the procedure, the trigger.
one_works() {
	local q out
	q=$(my_ident "$into")
	out=$(ws_my -N -B -e "SELECT $q.\`f \"double\"\`(2.5); SELECT COUNT(*) FROM $q.\`a top\`") ||
		it_fail "the function and views of $one on the copy"
	[ "$out" = "5.00
2" ] || it_fail "function and views of $one: got '$out'"
	ws_my -D "$into" -e "CALL \`p; 'add'\`(7)" || it_fail "CALL p; 'add' on the copy"
	[ "$(ws_my -N -B -D "$into" -e "SELECT what FROM \`log;t\` ORDER BY id DESC LIMIT 1")" = "order 4; it's in" ] ||
		it_fail "the trigger of $one did not fire on the copy"
	ws_my -D "$into" -e "INSERT INTO \`a top\` (id) VALUES (99)" 2>/dev/null && it_fail "view \`a top\` lost its check option"
	return 0
}

my_pull "$one" --into "$into" -j 2
assert_rc 0 "first pull"
same "$one" "$into"
[ "$(kept)" = "$pristine|" ] || it_fail "kept after the first pull: $(kept)"
same "$one" "$pristine"
my_pull "$two" --into "$into" -j 2
assert_rc 0 "second pull, over the first"
same "$two" "$into"
[ "$(kept)" = "$prev|$pristine|" ] || it_fail "kept after the second pull: $(kept)"
same "$one" "$prev"
same "$two" "$pristine"
assert_left_clean my

local_run rollback
assert_rc 0 "rollback"
same "$one" "$into"
same "$two" "$prev"
local_run rollback
assert_rc 0 "second rollback"
same "$two" "$into"
same "$one" "$prev"

# Wreck the objects and the rows; reset brings back what the last pull brought.
ws_my -D "$into" -e 'DROP VIEW `v; busy`; DROP PROCEDURE `bump "it"`; DROP TRIGGER `items upper`;
	CREATE FUNCTION wrecked() RETURNS INT RETURN 1; CREATE VIEW extra AS SELECT 1 AS x;
	DELETE FROM items WHERE id = 1; ALTER EVENT tick ENABLE' || it_fail "could not wreck the copy"
t0=$(date +%s.%N)
local_run reset
assert_rc 0 "reset"
it_note "reset took $(_h_secs "$t0" "$(date +%s.%N)")s"
same "$two" "$into"
same "$one" "$prev"
same "$two" "$pristine"

# A transaction of a session in no database holds a table of the previous copy: rollback sees no
# session on the copy, drops the copy's trigger, then waits on the kept copy's trigger
# (--lock-timeout: 3 s here, 10 by default) and gives up: busy (9), the trigger it had dropped made
# again, both copies as they were.
ws_my -N -B -e "BEGIN; SELECT COUNT(*) FROM $(my_ident "$prev").\`ord ers\`; SELECT 'siphon-it-mdl', SLEEP(120)" >/dev/null 2>&1 &
mdl=$!
harness_on_exit "kill $mdl 2>/dev/null; my_kill_marked ws siphon-it-mdl"
for _ in $(seq 1 100); do
	[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%siphon-it-mdl%' AND INFO LIKE '%SLEEP%' AND ID <> CONNECTION_ID()")" = 1 ] && break
	sleep 0.05
done
fp=$(my_fingerprint_ws "$into") || it_fail "fingerprint the copy"
local_run rollback --lock-timeout 3
assert_rc 9 "rollback while a transaction holds a table of the previous copy"
assert_error_line
assert_stderr_contains "is in use"
[ "$(my_fingerprint_ws "$into")" = "$fp" ] || it_fail "the copy changed after the rollback that gave up"
same "$two" "$into"
same "$one" "$prev"
my_kill_marked ws siphon-it-mdl
kill "$mdl" 2>/dev/null
wait "$mdl" 2>/dev/null

# A client holds the copy: refused (9, unchanged, the session alive), then --force.
ws_my -N -B -D "$into" -e "SELECT 'siphon-it-busy', SLEEP(120)" >/dev/null 2>&1 &
busy=$!
harness_on_exit "kill $busy 2>/dev/null; my_kill_marked ws siphon-it-busy"
for _ in $(seq 1 100); do
	[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = $(my_str "$into")")" = 1 ] && break
	sleep 0.05
done
fp=$(my_fingerprint_ws "$into") || it_fail "fingerprint the copy"
for what in rollback reset; do
	local_run "$what"
	assert_rc 9 "$what while a client holds the copy"
	assert_error_line
	assert_stderr_contains "--force"
	[ "$(my_fingerprint_ws "$into")" = "$fp" ] || it_fail "the copy changed after the refused $what"
	kill -0 "$busy" 2>/dev/null || it_fail "the session on the copy was ended without --force"
done
local_run rollback --force
assert_rc 0 "rollback --force"
same "$one" "$into"
same "$two" "$prev"
for _ in $(seq 1 50); do kill -0 "$busy" 2>/dev/null || break; sleep 0.1; done
kill -0 "$busy" 2>/dev/null && it_fail "the session survived rollback --force"
one_works
# The pristine copy is the last pull's (two): reset over a copy of one (changed by one_works).
local_run reset
assert_rc 0 "reset over the rolled back copy"
same "$two" "$into"
same "$two" "$prev"
[ "$(ws_my -N -B -D "$into" -e "CALL \`bump \"it\"\`(2); SELECT n FROM items WHERE id = 2")" = 6 ] ||
	it_fail "the procedure of $two does not work after reset"

[ "$(kept)" = "$prev|$pristine|" ] || it_fail "kept at the end: $(kept)"
assert_ws_my_dbs "$into"
assert_no_pwned
assert_left_clean my
