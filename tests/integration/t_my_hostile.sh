#!/bin/bash
# needs-real-siphon
# MariaDB: the database named  hostile `db` 'q' "d"; $(touch /tmp/siphon-pwned-mydb) ü  (tables,
# a view, a trigger and a function with hostile names) pulled into itself (no --into), then into
# a local name just as hostile, then over that copy again. Nothing may be executed by a shell;
# the copies equal the source and their objects work. An --into longer than MySQL's 64 characters
# is a usage error before anything is touched.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
hdb=$SIPHON_IT_MY_HOSTILE_DB
local_name='l `c` "x"; $(touch /tmp/siphon-pwned-local) it'\''s \\N ü'

my_pull "$hdb"
assert_rc 0 "pull the hostile database name without --into"
assert_same_my "$hdb" "$hdb" --definer-of root@localhost
assert_no_pwned

# (--engine: without it a name with a '/' is a SQLite file path.)
my_pull "$hdb" --into "$local_name" -j 1
assert_rc 0 "pull the hostile database into a hostile --into"
assert_same_my "$hdb" "$local_name" --definer-of root@localhost
assert_no_pwned

# Its objects work: the function, the view, the trigger (on insert).
[ "$(ws_my -N -B -D "$local_name" -e 'SELECT `f'\''n`()')" = 42 ] || it_fail "function f'n on the copy"
[ "$(ws_my -N -B -D "$local_name" -e 'SELECT COUNT(*) FROM `view; $(touch /tmp/siphon-pwned)`')" = 2 ] || it_fail "the hostile view on the copy"
ws_my -D "$local_name" -e 'INSERT INTO `child ``t``` VALUES (12, 2)' || it_fail "insert through the hostile trigger"

# Again over that (now changed) copy.
my_pull "$hdb" --into "$local_name"
assert_rc 0 "pull over the hostile copy"
assert_same_my "$hdb" "$local_name" --definer-of root@localhost

# 64 characters is MySQL's longest name; 65: refused before anything happens.
max=$(printf 'x%.0s' $(seq 1 64))
my_pull "$hdb" --into "$max"
assert_rc 0 "--into of 64 characters"
assert_same_my "$hdb" "$max"
my_pull "$hdb" --into "${max}y"
assert_rc 2 "--into of 65 characters"
assert_error_line

assert_ws_my_dbs "$hdb" "$local_name" "$max"
assert_no_pwned
assert_my_clean
