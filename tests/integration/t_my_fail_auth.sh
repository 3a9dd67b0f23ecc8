#!/bin/bash
# needs-real-siphon
# MariaDB refuses the remote login (a wrong password in the option file that the remote client
# reads): exit 6, the message points at the remote ~/.my.cnf, the local copy is untouched. Without
# --engine the database cannot be found in MariaDB either: exit 6, and the message says how to see
# MariaDB's own error (--engine).
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
my_keep_create

my_pull "$SIPHON_IT_MY_SRC_DB" --into keep --remote-mysql-opts "--defaults-file=$SIPHON_IT_MY_BADPW_CNF"
assert_my_failed_cleanly 6
assert_stderr_contains "~/.my.cnf"
tail -n 1 "$H/run/err" | grep -q 'ERROR 1045' || it_fail "the error line does not quote MariaDB's error (1045)"

siphon_pull "$SIPHON_IT_MY_SRC_DB" --into keep --remote-mysql-opts "--defaults-file=$SIPHON_IT_MY_BADPW_CNF"
assert_my_failed_cleanly 6
tail -n 1 "$H/run/err" | grep -q -- '--engine' || it_fail "without --engine the error does not point at --engine"
