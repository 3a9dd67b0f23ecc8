#!/bin/bash
# needs-real-siphon
# MariaDB: staging and old-copy databases that a killed siphon left on the workstation are dropped
# by the next pull, but only those of this machine whose process is gone: another live siphon's
# and another machine's (a shared local server) stay.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
src=$SIPHON_IT_MY_SRC_DB

# This machine's id, as siphon writes it in its temporary names.
my_pull "$src" --into first -v
assert_rc 0 "first pull"
host=$(sed -n 's/.*staging database siphon_tmp_\([0-9a-f]\{8\}\)_.*/\1/p' "$H/run/err" | head -n 1)
[ -n "$host" ] || it_fail "no staging database name in the log"
other=$( [ "$host" = 00000000 ] && echo 11111111 || echo 00000000 )
true & dead=$!
wait "$dead"
ws_my -e "CREATE DATABASE siphon_tmp_${host}_${dead}_1; CREATE DATABASE siphon_old_${host}_${dead}_1;
          CREATE DATABASE siphon_tmp_${host}_$$_1; CREATE DATABASE siphon_tmp_${other}_${dead}_1"
harness_on_exit "ws_my -e 'DROP DATABASE IF EXISTS siphon_tmp_${host}_$$_1; DROP DATABASE IF EXISTS siphon_tmp_${other}_${dead}_1' >/dev/null 2>&1"

my_pull "$src" --into second
assert_rc 0 "second pull"
my_expect_stderr "removed siphon_tmp_${host}_${dead}_1, left by an interrupted siphon" "the dead run's staging database"
assert_ws_my_dbs first second "siphon_tmp_${host}_$$_1" "siphon_tmp_${other}_${dead}_1"
