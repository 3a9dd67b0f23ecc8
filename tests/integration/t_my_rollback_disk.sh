#!/bin/bash
# needs-real-siphon
# keep_pristine and reset on a small disk (MySQL/MariaDB; a third workstation server whose data
# directory is a tmpfs, ws_my_small_server). Two pulls with keep_pristine keep the previous and the
# pristine copy; the copy is wrecked, then the disk is filled: reset is refused before anything is
# made (exit 7, one line naming the disk, the copy unchanged, no staging database); rollback (renames
# only) works on the full disk, twice; with room again reset gives the pulled content back.
# (Room for the copy but not for its pristine twin is PostgreSQL's and SQLite's test: MySQL's size
# estimate comes from InnoDB's statistics, too rough to place a disk between one and two copies.)
# The source is one table of 150,000 rows (~20 MB in InnoDB): more than the 16 MB the full disk
# leaves free, besides the reserve siphon always keeps (64 MB); its volume is not the point.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
SRC=disk_src
srv_my >/dev/null <<-EOF || it_fail "create $SRC"
	DROP DATABASE IF EXISTS $SRC;
	CREATE DATABASE $SRC;
	USE $SRC;
	CREATE TABLE $SRC.blob_rows (id BIGINT PRIMARY KEY, a VARCHAR(64) NOT NULL, b VARBINARY(32) NOT NULL) ENGINE=InnoDB;
	INSERT INTO $SRC.blob_rows
	  SELECT seq, CONCAT(MD5(seq), MD5(seq * 7)), UNHEX(CONCAT(MD5(seq * 13), MD5(seq * 17))) FROM seq_1_to_150000;
EOF
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS $SRC'"

# The source takes ~20 MB on the server, up to twice that on a fresh local server: room for the
# server itself (~100 MB: system tables, ibdata, redo), the copy, its previous one and its pristine
# twin, and siphon's reserve. (Not from information_schema: a new table's statistics may still say 0.)
ws_my_small_server 400 || it_skip "cannot mount a tmpfs here or start a server on it"
d=$WS_MY_SMALL_DIR
small_my() { mariadb --no-defaults --protocol=socket -S "$WS_MY_SMALL_SOCK" -u root -N -B "$@"; }
free_mb() { df -m --output=avail "$d" | tail -1 | tr -d ' '; }
small_run() { MYSQL_UNIX_PORT=$WS_MY_SMALL_SOCK "$@"; }
fp() { small_my -e "SELECT COUNT(*), SUM(CRC32(CONCAT(id, a, HEX(b)))) FROM bigcopy.blob_rows"; }
temps() { small_my -e "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'siphon\\_tmp\\_%' OR SCHEMA_NAME LIKE 'siphon\\_old\\_%'"; }
kept() { small_my -e "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME REGEXP '^siphon_(prev|pristine)_' ORDER BY 1" | tr '\n' ' '; }
it_note "the tmpfs has $(free_mb) MB free"

# Room for all: two pulls keep the previous and the pristine copy.
small_run my_pull $SRC --into bigcopy --keep-pristine
assert_rc 0 "first pull"
small_run my_pull $SRC --into bigcopy --keep-pristine
assert_rc 0 "second pull"
[ "$(kept)" = "siphon_prev_bigcopy siphon_pristine_bigcopy " ] || it_fail "kept: $(kept)"
want=$(fp)
small_my -e 'DELETE FROM bigcopy.blob_rows WHERE id % 2 = 0' || it_fail "wreck bigcopy"
wrecked=$(fp)
fallocate -l "$(( $(free_mb) - 16 ))M" "$d/filler" || it_fail "fallocate"
small_run siphon_run reset "$(remote_spec $SRC)" --engine mysql --into bigcopy
assert_rc 7 "reset without room"
assert_error_line
assert_stderr_contains "not enough local disk space"
[ "$(fp)" = "$wrecked" ] || it_fail "bigcopy changed after the refused reset"
[ -z "$(temps)" ] || it_fail "staging databases left: $(temps)"
# A rollback moves tables by name: the full disk does not stop it; a second one returns.
small_run siphon_run rollback "$(remote_spec $SRC)" --engine mysql --into bigcopy
assert_rc 0 "rollback on a full disk"
small_run siphon_run rollback "$(remote_spec $SRC)" --engine mysql --into bigcopy
assert_rc 0 "rollback back on a full disk"
[ "$(fp)" = "$wrecked" ] || it_fail "two rollbacks did not return to the wrecked copy"
rm -f "$d/filler"
small_run siphon_run reset "$(remote_spec $SRC)" --engine mysql --into bigcopy
assert_rc 0 "reset with room"
[ "$(fp)" = "$want" ] || it_fail "reset did not give back the pulled content"
[ -z "$(temps)" ] || it_fail "staging databases left after reset: $(temps)"
small_my -e "SELECT 1" >/dev/null || it_fail "the small server is down"
assert_no_pwned
