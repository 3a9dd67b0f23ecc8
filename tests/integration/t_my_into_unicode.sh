#!/bin/bash
# needs-real-siphon
# MariaDB: MySQL's limit of 64 is in characters: an --into of 40 'ü' (80 bytes) is a valid name.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
u40=$(printf 'ü%.0s' $(seq 1 40))
my_pull "$SIPHON_IT_MY_SRC_DB" --into "$u40"
assert_rc 0 "--into of 40 characters (80 bytes)"
assert_same_my "$SIPHON_IT_MY_SRC_DB" "$u40" --definer-of root@localhost
