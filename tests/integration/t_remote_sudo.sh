#!/bin/bash
# --remote-sudo: the dump runs as another OS user through `sudo -n` (the harness lets siphon_remote
# become postgres, keeping PGHOST/PGPORT, so postgres reaches the server cluster as role postgres).
# A user that sudo does not allow is a remote error (6).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
ls /etc/sudoers.d/siphon-it-* >/dev/null 2>&1 || it_skip "sudo is not installed or not configured by the harness"
keep_create

siphon_pull small --into small_sudo --remote-sudo postgres
assert_rc 0 "--remote-sudo postgres"
assert_same small small_sudo
assert_remote_clean

siphon_pull small --into keep --remote-sudo nobody
assert_failed_cleanly 6 keep small_sudo
