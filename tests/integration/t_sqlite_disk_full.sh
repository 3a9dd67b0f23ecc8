#!/bin/bash
# needs-real-siphon
# SQLite, a local disk too small for the copy (a small tmpfs holds the target): (1) the copy cannot
# fit: refused before anything is pulled (exit 7); (2) another program fills the disk during the
# pull: stopped (exit 7). Each time one line names the disk, the old file is byte-identical and
# no temporary file is left on either side.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/sqlite.sh"
harness_start || exit 1
it_begin
sq_dirs
sq_make_big "$SQ_SRV/big.db" 150

small=$SQ_WS/small
mkdir -p "$small"
mount -t tmpfs -o size=240m,mode=755 none "$small" 2>/dev/null || it_skip "cannot mount a tmpfs here"
harness_on_exit "umount '$small'"
SQ_WS=$small
sq_keep
free_mb() { df -m --output=avail "$small" | tail -1 | tr -d ' '; }

# (1) A filler leaves less than the copy needs.
fallocate -l "$(( $(free_mb) - 100 ))M" "$small/filler" || it_fail "fallocate"
siphon_pull "$SQ_SRV/big.db" --into "$small/keep.db"
assert_rc 7 "a copy bigger than the free space"
assert_error_line
assert_stderr_contains "not enough local disk space"
sq_assert_keep
sq_assert_no_local_tmp
sq_assert_srv_clean
rm -f "$small/filler"

# (2) Enough at the start; the disk fills up during the pull.
siphon_bg pull "$(remote_spec "$SQ_SRV/big.db")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
	--into "$small/keep.db" --compress gzip
sq_wait_received "$SIPHON_PID" 5
fallocate -l "$(( $(free_mb) - 30 ))M" "$small/filler" || it_fail "fallocate during the pull"
siphon_wait 60
rm -f "$small/filler"
assert_rc 7 "the disk filled up during the pull"
assert_error_line
tail -n 1 "$H/run/err" | grep -q "disk is almost full\|disk is full" || it_fail "the error does not name the full disk"
sq_assert_keep
sq_assert_no_local_tmp
sq_assert_srv_clean
assert_no_pwned
