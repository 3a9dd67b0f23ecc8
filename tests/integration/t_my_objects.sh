#!/bin/bash
# needs-real-siphon
# MariaDB objects beyond plain tables (issue 8), in a source database of its own (my_objects):
# sequences (one used as DEFAULT NEXTVAL, one by a trigger, one NOCACHE, one that cycled), a
# MERGE table over two MyISAM tables, a BLACKHOLE table, a FEDERATED table (the server gets the
# FederatedX plugin, the workstation does not), an ARCHIVE table (the same: the workstation lacks
# the engine), system-versioned tables with history rows (implicit and explicit row start/end,
# one partitioned by SYSTEM_TIME), an application-time period, a uca1400 collation. The pull ends
# 0; compare_mysql.sh (name-aware: rows by column name, sequences' state, history rows) finds the
# copy equal but for the FEDERATED table (left out) and the ARCHIVE table's engine; the ledger
# names the FEDERATED, MERGE and ARCHIVE tables and the FEDERATED table's trigger; the copy's
# sequences give the source's next values. Views over the FEDERATED table are left out and named.
# A second pull replaces the copy (its sequences too).
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin

db=my_objects
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS my_objects' >/dev/null 2>&1"
srv_my -e "INSTALL SONAME 'ha_federatedx'" 2>/dev/null && fed=1 || fed=0
srv_my -e "INSTALL SONAME 'ha_archive'" 2>/dev/null && arch=1 || arch=0
[ "$fed" = 1 ] && harness_on_exit "srv_my -e \"UNINSTALL SONAME 'ha_federatedx'\" >/dev/null 2>&1"
[ "$arch" = 1 ] && harness_on_exit "srv_my -e \"UNINSTALL SONAME 'ha_archive'\" >/dev/null 2>&1"
# BLACKHOLE on both sides (a definition the workstation can make), uninstalled at exit.
srv_my -e "INSTALL SONAME 'ha_blackhole'" && ws_my -e "INSTALL SONAME 'ha_blackhole'" || it_fail "INSTALL SONAME 'ha_blackhole'"
harness_on_exit "srv_my -e \"UNINSTALL SONAME 'ha_blackhole'\" >/dev/null 2>&1; ws_my -e \"UNINSTALL SONAME 'ha_blackhole'\" >/dev/null 2>&1"
it_note "server plugins: federatedx=$fed archive=$arch"

srv_my >/dev/null <<-EOF || it_fail "create the source database $db"
	CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci;
	USE $db;
	-- Sequences: a DEFAULT, a trigger, NOCACHE, one that cycled.
	CREATE SEQUENCE order_seq START WITH 1000 INCREMENT BY 10 CACHE 5;
	CREATE SEQUENCE audit_seq NOCACHE;
	CREATE SEQUENCE ring_seq START WITH 1 MINVALUE 1 MAXVALUE 3 CYCLE CACHE 2;
	CREATE TABLE orders (id BIGINT NOT NULL DEFAULT NEXTVAL(order_seq) PRIMARY KEY,
	                     note VARCHAR(40) COLLATE utf8mb4_uca1400_as_cs);
	CREATE TABLE audit (n BIGINT PRIMARY KEY, order_id BIGINT);
	CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW
	  INSERT INTO audit VALUES (NEXTVAL(audit_seq), NEW.id);
	INSERT INTO orders (note) VALUES ('first'), ('second'), ('Third'), (NULL);
	SELECT NEXTVAL(ring_seq), NEXTVAL(ring_seq), NEXTVAL(ring_seq), NEXTVAL(ring_seq);
	-- Rows that live elsewhere, or nowhere.
	CREATE TABLE part1 (id INT NOT NULL, v VARCHAR(10), KEY (id)) ENGINE=MyISAM;
	CREATE TABLE part2 (id INT NOT NULL, v VARCHAR(10), KEY (id)) ENGINE=MyISAM;
	INSERT INTO part1 VALUES (1, 'one'), (2, 'two');
	INSERT INTO part2 VALUES (3, 'three');
	CREATE TABLE merged (id INT NOT NULL, v VARCHAR(10), KEY (id)) ENGINE=MRG_MyISAM UNION=(part1, part2) INSERT_METHOD=LAST;
	CREATE TABLE sink (id INT, v VARCHAR(10)) ENGINE=BLACKHOLE;
	INSERT INTO sink VALUES (1, 'gone');
	-- System-versioned: implicit and explicit row start/end, history by UPDATE and DELETE.
	CREATE TABLE prices (id INT PRIMARY KEY, price DECIMAL(10,2), label VARCHAR(20)) WITH SYSTEM VERSIONING;
	INSERT INTO prices VALUES (1, 10.00, 'a'), (2, 20.00, 'b'), (3, 30.00, NULL);
	UPDATE prices SET price = 11.00 WHERE id = 1;
	UPDATE prices SET price = 12.00 WHERE id = 1;
	DELETE FROM prices WHERE id = 2;
	CREATE TABLE stock (id INT PRIMARY KEY, qty INT,
	  valid_from TIMESTAMP(6) GENERATED ALWAYS AS ROW START INVISIBLE,
	  valid_to TIMESTAMP(6) GENERATED ALWAYS AS ROW END INVISIBLE,
	  PERIOD FOR SYSTEM_TIME(valid_from, valid_to)) WITH SYSTEM VERSIONING;
	INSERT INTO stock (id, qty) VALUES (1, 5), (2, 7);
	UPDATE stock SET qty = 4 WHERE id = 1;
	DELETE FROM stock WHERE id = 2;
	CREATE TABLE events_log (id INT, what VARCHAR(20)) WITH SYSTEM VERSIONING
	  PARTITION BY SYSTEM_TIME (PARTITION p_hist HISTORY, PARTITION p_cur CURRENT);
	INSERT INTO events_log VALUES (1, 'start'), (2, 'stop');
	UPDATE events_log SET what = 'restart' WHERE id = 1;
	-- Application-time period: plain columns.
	CREATE TABLE bookings (id INT, room INT, d1 DATE NOT NULL, d2 DATE NOT NULL, PERIOD FOR stay(d1, d2));
	INSERT INTO bookings VALUES (1, 101, '2024-01-01', '2024-01-05');
EOF

if [ "$fed" = 1 ]; then
	# Its link: an account over loopback TCP, dropped at exit.
	harness_on_exit "srv_my -e \"DROP USER IF EXISTS 'fedlink'@'127.0.0.1'\" >/dev/null 2>&1"
	srv_my -D "$db" >/dev/null <<-EOF || it_fail "create the FEDERATED table"
		CREATE USER 'fedlink'@'127.0.0.1' IDENTIFIED BY 'fedlink-pw';
		GRANT SELECT, INSERT ON $db.* TO 'fedlink'@'127.0.0.1';
		CREATE TABLE remote_part (id INT NOT NULL, v VARCHAR(10)) ENGINE=FEDERATED
		  CONNECTION='mysql://fedlink:fedlink-pw@127.0.0.1:$SIPHON_IT_MY_SRV_PORT/$db/part1';
		CREATE TRIGGER remote_part_bi BEFORE INSERT ON remote_part FOR EACH ROW SET NEW.v = UPPER(NEW.v);
		CREATE VIEW v_remote AS SELECT id FROM remote_part;
		CREATE VIEW v_remote_too AS SELECT id FROM v_remote;
		CREATE VIEW v_merged AS SELECT id AS remote_part FROM merged;
	EOF
	[ "$(srv_my -N -B -e "SELECT COUNT(*) FROM $db.remote_part")" = 2 ] || it_fail "the FEDERATED table does not read part1"
fi
if [ "$arch" = 1 ]; then
	srv_my -D "$db" -e "CREATE TABLE old_logs (id INT, msg VARCHAR(20)) ENGINE=ARCHIVE;
	  INSERT INTO old_logs VALUES (1, 'archived'), (2, 'too')" || it_fail "create the ARCHIVE table"
fi
# The workstation lacks both engines (the harness servers are alike: make sure).
ws_my -N -B -e "SELECT ENGINE FROM information_schema.ENGINES WHERE ENGINE IN ('FEDERATED', 'ARCHIVE') AND SUPPORT IN ('YES', 'DEFAULT')" |
	grep -q . && it_fail "the workstation has FEDERATED or ARCHIVE: the test would not test the missing engine"

skip=()
[ "$fed" = 1 ] && skip+=(--skip-table remote_part --skip-table v_remote --skip-table v_remote_too)
[ "$arch" = 1 ] && skip+=(--any-engine old_logs)

my_pull "$db" --into objects_copy
assert_rc 0 "pull $db"
assert_same_my "$db" objects_copy --no-cache "${skip[@]}"
my_expect_stderr '^siphon: warning: not copied exactly: table `merged`: a MRG_MyISAM table, its rows live in its underlying tables' "the MERGE ledger line"
if [ "$fed" = 1 ]; then
	my_expect_stderr '^siphon: warning: not copied exactly: table `remote_part`: a FEDERATED table' "the FEDERATED ledger line"
	my_expect_stderr '^siphon: warning: not copied exactly: trigger `remote_part_bi`: not copied, its table `remote_part` was left out' "the FEDERATED trigger's ledger line"
	my_expect_stderr '^siphon: warning: not copied exactly: view `v_remote`: not copied, it reads `remote_part`, which was left out' "the view over the FEDERATED table"
	my_expect_stderr '^siphon: warning: not copied exactly: view `v_remote_too`: not copied, it reads `v_remote`, which was left out' "the view over that view"
	grep -q 'view `v_merged`' "$H/run/err" && it_fail "v_merged (an alias named like the left-out table) was left out"
fi
if [ "$arch" = 1 ]; then
	my_expect_stderr '^siphon: warning: not copied exactly: table `old_logs`: engine ARCHIVE is not on the local server; made with its default engine InnoDB, rows copied' "the ARCHIVE ledger line"
fi
grep 'not copied exactly' "$H/run/err" | grep -E 'prices|stock|events_log|seq|orders|sink|bookings' &&
	it_fail "a ledger line for something copied exactly"

# MERGE rows are not doubled, the history is there, sequences give the source's next values.
[ "$(ws_my -N -B -e 'SELECT COUNT(*) FROM objects_copy.merged')" = 3 ] || it_fail "the copy's MERGE table does not show its 3 underlying rows"
[ "$(ws_my -N -B -e 'SELECT COUNT(*) FROM objects_copy.part1')" = 2 ] || it_fail "part1 of the copy does not have 2 rows"
[ "$(ws_my -N -B -e 'SELECT COUNT(*) FROM objects_copy.prices FOR SYSTEM_TIME ALL')" = 5 ] || it_fail "prices: not 5 rows with history"
for s in order_seq audit_seq ring_seq; do
	stored=$(srv_my -N -B -e "SELECT next_not_cached_value FROM $db.$s")
	want=$(srv_my -N -B -e "SELECT NEXTVAL($db.$s)")
	got=$(ws_my -N -B -e "SELECT NEXTVAL(objects_copy.$s)")
	it_note "sequence $s: server next $want, copy next $got"
	[ -n "$got" ] && [ "$got" -ge "$want" ] || it_fail "sequence $s: the copy gives $got, below the server's next value $want"
	# What the server stores is what the copy gives next: exactly the server's next one without a cache.
	[ "$got" = "$stored" ] || it_fail "sequence $s: the copy gives $got, the server stores $stored"
	[ "$s" != audit_seq ] || [ "$got" = "$want" ] || it_fail "NOCACHE sequence $s: the copy gives $got, the server $want"
done
# DEFAULT NEXTVAL and the trigger work on the copy.
ws_my -D objects_copy -e "INSERT INTO orders (note) VALUES ('local')" || it_fail "insert with DEFAULT NEXTVAL on the copy"
[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM objects_copy.audit a JOIN objects_copy.orders o ON o.id = a.order_id WHERE o.note = 'local'")" = 1 ] ||
	it_fail "the trigger using audit_seq did not run on the copy"
ws_my -N -B -e "SHOW CREATE TABLE objects_copy.orders" | grep -q 'nextval(`objects_copy`.`order_seq`)' ||
	it_fail "the copy's DEFAULT does not name its own sequence: $(ws_my -N -B -e 'SHOW CREATE TABLE objects_copy.orders')"

# A second pull over the copy: the sequences and versioned tables are replaced, not kept.
ws_my -D objects_copy -e "SELECT SETVAL(order_seq, 999999); CREATE SEQUENCE extra_seq" >/dev/null || it_fail "change the copy"
my_pull "$db" --into objects_copy -j 2
assert_rc 0 "pull $db over the copy"
assert_same_my "$db" objects_copy --no-cache "${skip[@]}"
[ -z "$(ws_my -N -B -e "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'objects_copy' AND TABLE_NAME = 'extra_seq'")" ] ||
	it_fail "the old copy's extra sequence survived"
ws_my -D objects_copy -e "INSERT INTO orders (note) VALUES ('again')" || it_fail "insert with DEFAULT NEXTVAL after the second pull"

# MariaDB packages (sql_mode ORACLE): siphon does not copy them; named, the rest copied.
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS my_packages' >/dev/null 2>&1"
srv_my >/dev/null <<-'EOF' || it_fail "create my_packages"
	CREATE DATABASE my_packages;
	USE my_packages;
	CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10));
	INSERT INTO t VALUES (1, 'one'), (2, NULL);
	SET sql_mode = ORACLE;
	DELIMITER //
	CREATE PACKAGE pk AS FUNCTION f RETURN INT; END;
	//
	CREATE PACKAGE BODY pk AS FUNCTION f RETURN INT AS BEGIN RETURN 1; END; END;
	//
	DELIMITER ;
EOF
my_pull my_packages --into packages_copy
assert_rc 0 "pull a database with a package"
my_expect_stderr '^siphon: warning: not copied exactly: PACKAGE `pk`, PACKAGE BODY `pk`: MariaDB packages' "the package ledger line"
[ "$(ws_my -N -B -e 'SELECT id, IFNULL(v, "-") FROM packages_copy.t ORDER BY id' | tr '\t\n' ',;')" = "1,one;2,-;" ] ||
	it_fail "the rows of a database with a package"

assert_ws_my_dbs objects_copy packages_copy
left=$(my_local_leftovers) && [ -z "$left" ] || it_fail "left on the workstation: $(echo $left)"
assert_no_pwned
