#!/bin/bash
# SQLite: the SSH connection dies while the server makes its copy (VACUUM INTO) and while the copy
# streams; siphon reconnects and copies the file again, whole (one stream of one read transaction
# cannot go on midway). The result is the source's content, the summary says it resumed at one
# snapshot, and neither side keeps a temporary copy.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

engine_try sqlite || it_skip "SQLite is not available"
sqlite_keep
sqlite_big
for phase in $(sqlite_phases); do
	sqlite_bg_big_pull "$phase"
	pids=$(sshd_session_pids)
	[ -n "$pids" ] || it_fail "no sshd session processes found"
	it_note "sqlite ($phase): killing sshd session processes: $(echo $pids)"
	# shellcheck disable=SC2086
	kill -9 $pids
	siphon_wait 180
	assert_rc 0 "sqlite pull cut during $phase"
	sq_assert_same "$BIG_SOURCE" "$KEEP_TARGET"
	grep -q 'reconnecting in 1 s (attempt 1 of 5)' "$H/run/err" || it_fail "$phase: no reconnect line"
	grep -q 'again, whole: one file.s stream cannot resume midway' "$H/run/err" || it_fail "$phase: no line says the copy is made again"
	grep -q 'resumed after 1 lost connection, consistent at one snapshot' "$H/run/out" ||
		it_fail "$phase: summary: $(cat "$H/run/out")"
	assert_left_clean sqlite 20
done
