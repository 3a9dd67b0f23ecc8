#!/bin/bash
# The remote database does not exist: exit 6, and the local database of that name is untouched.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
keep_create

siphon_pull no_such_db --into keep
assert_failed_cleanly 6
