#!/bin/bash
# compare_mysql.sh itself: copies of siphon_src and of the hostile database made by hand through the
# real sshd (ssh 'mariadb-dump --single-transaction --routines --events --triggers --hex-blob' |
# mariadb --comments, into a database created with the source's character set, collation and
# comment) are equal, once the three things that such a pipeline gets wrong are accounted for:
#   1. its events stay ENABLED (compare_mysql.sh reports them until they are disabled);
#   2. mariadb-dump writes FLOAT values with 6 significant digits (16777216 -> 16777200): equal
#      only with --float-as-text, the exact comparison reports table numbers;
#   3. definers stay prod_app@% (--definer-of prod_app@% passes, --definer-of root@localhost does
#      not).
# Then each injected difference (one byte of the 10 MB value, one of two duplicate rows, a
# TIMESTAMP an hour off, an INVISIBLE column's value, an AUTO_INCREMENT counter, a dropped trigger,
# a changed view, an extra table) is reported; after a reload the copy is equal again.
# Then the name-aware checks, on a small database made alike on both sides (cmp_objs: a sequence,
# a system-versioned table with history rows at fixed times, a table with two INT columns): equal;
# a copy whose columns stand in another order with the same values per name has equal rows (only
# the column lines differ); values swapped between two columns, a sequence's state, a deleted
# history row and a table left out (--skip-table) are each caught or excused as they should be.
# Needs no siphon.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin --no-siphon
it_require_my

src=$SIPHON_IT_MY_SRC_DB
cmp_my() { "$SIPHON_IT_LIB_DIR/compare_mysql.sh" "$@"; }

# copy_by_hand SRC_DB DST_DB: the hand pipeline, into a database made like the source one.
copy_by_hand() {
	local s=$1 d=$2 attrs
	attrs=$(srv_my -N -B -r -e "SELECT CONCAT('CHARACTER SET ', DEFAULT_CHARACTER_SET_NAME, ' COLLATE ',
	  DEFAULT_COLLATION_NAME, ' COMMENT ', QUOTE(SCHEMA_COMMENT)) FROM information_schema.SCHEMATA
	  WHERE SCHEMA_NAME = $(my_str "$s")") && [ -n "$attrs" ] || it_fail "reading the attributes of $s"
	create="CREATE DATABASE $(my_ident "$d") $attrs"
	ws_my -e "DROP DATABASE IF EXISTS $(my_ident "$d"); $create" || it_fail "creating $d: $create"
	ssh_remote "mariadb-dump --single-transaction --routines --events --triggers --hex-blob $(printf '%q' "$s")" \
		>"$H/run/dump.sql" 2>"$H/run/dump.err" || it_fail "mariadb-dump through ssh: $(cat "$H/run/dump.err")"
	ws_my --comments -D "$d" <"$H/run/dump.sql" >"$H/run/load.log" 2>&1 || it_fail "loading the dump: $(tail -n 5 "$H/run/load.log")"
}

copy_by_hand "$src" copy

# 1-3: what the hand pipeline gets wrong, and nothing else.
out=$(cmp_my --float-as-text "$src" copy 2>&1)
rc=$?
[ "$rc" = 1 ] || { echo "$out" >&2; it_fail "compare_mysql.sh exited $rc on a copy whose event is ENABLED"; }
grep -qF "event 'purge_audit_log' is ENABLED on the copy" <<<"$out" || { echo "$out" >&2; it_fail "the ENABLED event was not reported"; }
[ "$(grep -c '' <<<"$out")" = 2 ] || { echo "$out" >&2; it_fail "more than the ENABLED event was reported"; }
it_note "caught: an event left ENABLED"
# (ALTER EVENT makes the current user its definer unless it names one.)
ws_my -D copy -e "ALTER DEFINER = \`prod_app\`@\`%\` EVENT purge_audit_log DISABLE" || it_fail "ALTER EVENT"
assert_same_my "$src" copy --float-as-text
assert_same_my "$src" copy --float-as-text --definer-of "$SIPHON_IT_MY_DEFINER"

out=$(COMPARE_MAX_LINES=500 cmp_my "$src" copy 2>&1)
rc=$?
[ "$rc" = 1 ] || { echo "$out" >&2; it_fail "the exact FLOAT comparison exited $rc on mariadb-dump's rounded FLOATs"; }
grep -q "^+data 'numbers' rows=8 " <<<"$out" || { echo "$out" >&2; it_fail "mariadb-dump's FLOAT rounding was not reported"; }
[ "$(grep -c '^[-+]' <<<"$out")" = 2 ] || { echo "$out" >&2; it_fail "the exact comparison reported more than table numbers"; }
it_note "caught: FLOAT values rounded by mariadb-dump (16777216 -> 16777200)"
out=$(cmp_my --float-as-text --definer-of root@localhost "$src" copy 2>&1)
rc=$?
[ "$rc" = 1 ] || { echo "$out" >&2; it_fail "--definer-of root@localhost exited $rc with prod_app definers"; }
for o in "view 'a_top_customers'" "trigger 'orders_audit_ins'" "function 'order_total'" "procedure 'add_order'" "event 'purge_audit_log'"; do
	grep -qF "definer: $o is prod_app@% (want root@localhost)" <<<"$out" || { echo "$out" >&2; it_fail "--definer-of did not report $o"; }
done
it_note "caught: definers other than --definer-of"

# The hostile database, into a hostile name.
hdst="$SIPHON_IT_MY_HOSTILE_DB copy"
copy_by_hand "$SIPHON_IT_MY_HOSTILE_DB" "$hdst"
assert_same_my "$SIPHON_IT_MY_HOSTILE_DB" "$hdst" --definer-of "$SIPHON_IT_MY_DEFINER"
assert_no_pwned

# Inject every difference at once, then check that each one is reported.
q() { ws_my -D copy -e "$1" || it_fail "ws_my: $1"; }
q "UPDATE big_values SET v = INSERT(v, 5000000, 1, IF(SUBSTR(v, 5000000, 1) = 'X', 'Y', 'X')) WHERE id = 1"
q "DELETE FROM no_pk WHERE a = 1 LIMIT 1"
q "SET time_zone = '+00:00'; UPDATE temporal SET ts = ts + INTERVAL 1 HOUR WHERE id = 4"
q "UPDATE gen_cols SET secret = 'changed' WHERE id = 2"
q "ALTER TABLE autoinc_gap AUTO_INCREMENT = 6000"
q "DROP TRIGGER orders_stats_ins"
q "ALTER DEFINER = \`prod_app\`@\`%\` SQL SECURITY DEFINER VIEW v_big_orders AS SELECT id, customer_id, amount FROM orders WHERE amount > 11 WITH CASCADED CHECK OPTION"
q "CREATE TABLE extra (x INT)"
out=$(COMPARE_MAX_LINES=500 cmp_my --float-as-text "$src" copy 2>&1)
rc=$?
[ "$rc" = 1 ] || { echo "$out" >&2; it_fail "compare_mysql.sh exited $rc with 8 injected differences"; }
expect() { # WHAT PATTERN
	grep -qF -- "$2" <<<"$out" || { echo "$out" >&2; it_fail "compare_mysql.sh did not report $1 (no line with: $2)"; }
	it_note "caught: $1"
}
expect "one byte of the 10 MB value" "+data 'big_values' rows=4 "
expect "one of two duplicate rows" "+data 'no_pk' rows=3 "
expect "a TIMESTAMP an hour off" "+data 'temporal' rows=8 "
expect "an INVISIBLE column's value" "+data 'gen_cols' rows=4 "
expect "an AUTO_INCREMENT counter" "+table 'autoinc_gap' BASE TABLE InnoDB Dynamic utf8mb4_unicode_ci '' '' auto_increment=6000"
expect "a dropped trigger" "-trigger 'orders' 'orders_stats_ins' AFTER INSERT order=2"
expect "a changed view" "+view 'v_big_orders' "
expect "an extra table" "+table 'extra' BASE TABLE"
[ "$(grep -c '^-data\|^+data' <<<"$out")" = 9 ] || { echo "$out" >&2; it_fail "expected exactly 4 changed tables' data (+1 new) in the diff"; }

# Reloaded: equal again.
copy_by_hand "$src" copy
ws_my -D copy -e "ALTER DEFINER = \`prod_app\`@\`%\` EVENT purge_audit_log DISABLE" || it_fail "ALTER EVENT"
assert_same_my "$src" copy --float-as-text --definer-of "$SIPHON_IT_MY_DEFINER"

# Name-aware checks: the same small database on both sides, history at fixed times.
objs_sql() {
	cat <<-'EOF'
		CREATE DATABASE cmp_objs;
		USE cmp_objs;
		CREATE SEQUENCE s START WITH 10 INCREMENT BY 2 NOCACHE;
		CREATE TABLE pair (id INT PRIMARY KEY, a INT, b INT);
		INSERT INTO pair VALUES (1, 10, 20), (2, 30, 40);
		SET timestamp = 1700000000;
		CREATE TABLE hist (id INT PRIMARY KEY, v VARCHAR(10)) WITH SYSTEM VERSIONING;
		INSERT INTO hist VALUES (1, 'one'), (2, 'two');
		SET timestamp = 1700000100;
		UPDATE hist SET v = 'uno' WHERE id = 1;
		SET timestamp = 1700000200;
		DELETE FROM hist WHERE id = 2;
		SET timestamp = DEFAULT;
		CREATE TABLE gone (x INT);
		SELECT NEXTVAL(s), NEXTVAL(s);
	EOF
}
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS cmp_objs' >/dev/null 2>&1"
objs_sql | srv_my >/dev/null || it_fail "create cmp_objs on the server"
objs_sql | ws_my >/dev/null || it_fail "create cmp_objs on the workstation"
assert_same_my cmp_objs cmp_objs --no-cache
w() { ws_my -D cmp_objs -e "$1" >/dev/null || it_fail "ws_my: $1"; }
w "ALTER TABLE pair MODIFY b INT AFTER id"
out=$(cmp_my --no-cache cmp_objs cmp_objs 2>&1)
grep -q "^[-+]data 'pair'" <<<"$out" && { echo "$out" >&2; it_fail "rows of a table whose columns moved (same values by name) were reported"; }
grep -q "^+column 'pair' 002 'b'" <<<"$out" || { echo "$out" >&2; it_fail "the moved column was not reported"; }
it_note "equal by name: a table whose columns stand in another order"
w "UPDATE pair SET a = b, b = a WHERE id = 1"
w "SELECT SETVAL(s, 100)"
w "DELETE HISTORY FROM hist"
w "DROP TABLE gone"
out=$(COMPARE_MAX_LINES=500 cmp_my --no-cache --skip-table gone cmp_objs cmp_objs 2>&1)
[ "$?" = 1 ] || { echo "$out" >&2; it_fail "compare_mysql.sh did not find the injected differences in cmp_objs"; }
expect "values swapped between two columns" "+data 'pair' rows=2 "
expect "a sequence's state" "+sequence 's' next="
expect "deleted history rows" "+data 'hist' rows=1 "
grep -q "'gone'" <<<"$out" && { echo "$out" >&2; it_fail "--skip-table gone still compared table gone"; }
it_note "excused: a table named by --skip-table"
