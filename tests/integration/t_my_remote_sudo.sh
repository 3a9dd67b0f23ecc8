#!/bin/bash
# needs-real-siphon
# MariaDB with --remote-sudo: the client runs on the server as the OS user mysql through `sudo -n`
# (the harness lets siphon_remote become mysql, keeping MYSQL_HOME), which logs in to MariaDB as
# mysql@localhost through unix_socket. A user that sudo does not allow is a remote error (6).
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
ls /etc/sudoers.d/siphon-it-* >/dev/null 2>&1 || it_skip "sudo is not installed or not configured by the harness"
my_keep_create

my_pull "$SIPHON_IT_MY_SRC_DB" --into sudo_copy --remote-sudo mysql --compress zstd
assert_rc 0 "--remote-sudo mysql"
assert_same_my "$SIPHON_IT_MY_SRC_DB" sudo_copy --definer-of root@localhost
assert_my_clean

my_pull "$SIPHON_IT_MY_SRC_DB" --into keep --remote-sudo nobody
assert_my_failed_cleanly 6 keep sudo_copy
assert_stderr_contains "sudo"
