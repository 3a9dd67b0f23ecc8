#!/bin/bash
# needs-real-siphon
# The remote MariaDB database does not exist: exit 6 "does not exist" (--engine mysql), or "no
# database named" when neither engine has it (auto-detection); the local database of that name is
# untouched, no temporary database is left.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
my_keep_create

my_pull no_such_db --into keep
assert_my_failed_cleanly 6
tail -n 1 "$H/run/err" | grep -q 'does not exist' || it_fail "the error does not say that the database does not exist"

siphon_pull no_such_db --into keep
assert_my_failed_cleanly 6
tail -n 1 "$H/run/err" | grep -q 'no database named "no_such_db"' || it_fail "the error does not say 'no database named'"

# Without --into: the local database of the missing name is not created.
my_pull keep_missing_remote
assert_my_failed_cleanly 6
