#!/bin/bash
# needs-real-siphon
# MariaDB: the old local copy has objects of another kind under the source's names (the schema
# changed between two pulls): a VIEW named texts (a table in the source) and a TABLE named
# v_big_orders (a view in the source), with a trigger. The pull replaces them all; the copy equals
# the source. (Failing, the old copy must be as it was.)
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
src=$SIPHON_IT_MY_SRC_DB

ws_my >/dev/null <<-'SQL' || it_fail "create the old copy"
	CREATE DATABASE kinds_copy;
	USE kinds_copy;
	CREATE TABLE base (x INT);
	CREATE VIEW texts AS SELECT x FROM base;
	CREATE TABLE v_big_orders (id INT PRIMARY KEY);
	CREATE TRIGGER old_trg BEFORE INSERT ON v_big_orders FOR EACH ROW SET NEW.id = NEW.id;
SQL
fp=$(my_fingerprint_ws kinds_copy) || it_fail "fingerprint kinds_copy"
my_pull "$src" --into kinds_copy
if [ "$RC" != 0 ]; then
	[ "$(my_fingerprint_ws kinds_copy)" = "$fp" ] || it_note "and the old copy was changed (its trigger old_trg is gone?)"
	it_fail "pull over a copy whose view/table names swapped kinds: exit $RC"
fi
assert_same_my "$src" kinds_copy --definer-of root@localhost
assert_ws_my_dbs kinds_copy
assert_left_clean my
