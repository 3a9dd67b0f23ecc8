#!/bin/bash
# needs-real-siphon
# SQLite, a local disk too small for the copy (a small tmpfs holds the target): (1) the copy cannot
# fit: refused before anything is pulled (exit 7); (2) another program fills the disk during the
# pull: stopped (exit 7). Each time one line names the disk, the old file is byte-identical and
# no temporary file is left on either side.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
sq_dirs
sq_make_big "$SQ_SRV/big.db" 150

small=$SQ_WS/small
mkdir -p "$small"
mount -t tmpfs -o size=240m,mode=755 none "$small" 2>/dev/null || it_skip "cannot mount a tmpfs here"
harness_on_exit "umount '$small'"
SQ_WS=$small
sqlite_keep
free_mb() { df -m --output=avail "$small" | tail -1 | tr -d ' '; }

# (1) A filler leaves less than the copy needs.
fallocate -l "$(( $(free_mb) - 100 ))M" "$small/filler" || it_fail "fallocate"
contract_before sqlite "$KEEP_TARGET"
siphon_pull "$SQ_SRV/big.db" --into "$KEEP_TARGET"
assert_failed_cleanly sqlite 7 'not enough local disk space'
rm -f "$small/filler"

# (2) Enough at the start; the disk fills up during the pull.
contract_before sqlite "$KEEP_TARGET"
siphon_bg pull "$(remote_spec "$SQ_SRV/big.db")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
	--into "$small/keep.db" --compress gzip
sq_wait_received "$SIPHON_PID" 5
fallocate -l "$(( $(free_mb) - 30 ))M" "$small/filler" || it_fail "fallocate during the pull"
siphon_wait 60
rm -f "$small/filler"
assert_failed_cleanly sqlite 7 'disk is almost full|disk is full'
