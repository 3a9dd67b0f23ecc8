#!/bin/bash
# needs-real-siphon
# MariaDB: a table much bigger than a channel's share is copied in key ranges over several
# channels (and loaded by several local sessions): keys with gaps, negative keys, keys beyond
# MIN/MAX at the edges (the first and last ranges are open), a composite key (not split), and a
# BIGINT UNSIGNED key near its top (beyond a signed 64-bit integer: not split, copied whole).
# The copy equals the source, table by table.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
db=siphon_split

srv_my >/dev/null <<-EOF
	DROP DATABASE IF EXISTS $db;
	CREATE DATABASE $db;
	USE $db;
	CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(200) NOT NULL, n INT NULL, KEY (n));
	INSERT INTO big SELECT CAST(seq AS SIGNED) * 3 - 200000, REPEAT(MD5(seq), 5), IF(seq % 7 = 0, NULL, seq) FROM seq_1_to_150000;
	CREATE TABLE big_u (id BIGINT UNSIGNED PRIMARY KEY, pad VARCHAR(200) NOT NULL);
	INSERT INTO big_u SELECT 18446744073709551615 - CAST(seq AS UNSIGNED) * 1000, REPEAT(MD5(seq), 5) FROM seq_1_to_100000;
	CREATE TABLE pair (a INT, b INT, pad VARCHAR(200), PRIMARY KEY (a, b));
	INSERT INTO pair SELECT seq % 100, seq, REPEAT(MD5(seq), 5) FROM seq_1_to_100000;
	CREATE TABLE small (id INT PRIMARY KEY, v TEXT);
	INSERT INTO small VALUES (1, 'one'), (2, NULL);
	ANALYZE TABLE big, big_u, pair, small;
EOF
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS $db' >/dev/null 2>&1"

my_pull "$db" -j 4 -v
assert_rc 0 "pull with a table split in key ranges"
my_expect_stderr 'table "big" \([0-9.]+ MB\) in [2-4] key ranges' "the big table is split"
if grep -q 'table "pair" .* key ranges' "$H/run/err"; then it_fail "a composite key was split"; fi
assert_same_my "$db" "$db"

# Keys at the very ends of INT, beyond the MIN and MAX of the first pull: the open ends take them.
srv_my -D "$db" -e "INSERT INTO big VALUES (-2147483648, 'min', 1), (2147483647, 'max', 2)"
my_pull "$db" -j 3
assert_rc 0 "second pull"
assert_same_my "$db" "$db" --no-cache
assert_my_clean
