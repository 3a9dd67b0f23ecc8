#!/bin/bash
# needs-real-siphon
# The remote MariaDB account may not read the database ("limited" has no privilege on
# siphon_it_perm): exit 6, the message says so, the local copy is untouched.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
my_keep
contract_before my keep
srv_my -e "DROP DATABASE IF EXISTS siphon_it_perm; CREATE DATABASE siphon_it_perm; CREATE TABLE siphon_it_perm.t (x INT); INSERT INTO siphon_it_perm.t VALUES (1)" ||
	it_fail "create siphon_it_perm"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS siphon_it_perm'"
limited=(--remote-mysql-opts "--defaults-file=$SIPHON_IT_MY_LIMITED_CNF")

my_pull siphon_it_perm --into keep "${limited[@]}"
assert_failed_cleanly my 6 '[Pp]ermission denied|does not exist|cannot see'
