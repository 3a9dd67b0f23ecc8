# shellcheck shell=bash
# SQLite's adapter for the failure contract (contract.sh; sourced by lib.sh). The target is a file
# (sqlite.sh: the local side is the directory SQ_WS, the server's files are under SQ_SRV).

sqlite_available() { engine_selected sqlite; }

# SQ_WS/keep.db with known content (makes SQ_SRV and SQ_WS first if needed).
sqlite_keep() {
	[ -n "${SQ_WS:-}" ] || sq_dirs
	sqlite3 "$SQ_WS/keep.db" "CREATE TABLE precious (v); INSERT INTO precious VALUES ('keep me')" || it_fail "create keep.db"
	KEEP_TARGET=$SQ_WS/keep.db
}

# The file's bytes ("absent" when there is none: a failed pull must not create it; a directory by
# what it holds).
sqlite_target_fingerprint() {
	if [ -d "$1" ]; then
		printf 'directory '
		ls -A "$1" | sha256sum
	elif [ -e "$1" ]; then
		sha256sum <"$1"
	else
		echo absent
	fi
}
# Every file beside the target.
sqlite_local_list() { ls -A "$(dirname "${1:-$SQ_WS/.}")"; }
# siphon's temporary files (.NAME.siphon_tmp_*) and journals beside the target (anywhere under SQ_WS
# when no target was recorded).
sqlite_local_leftovers() {
	local d=${SQ_WS:-}
	[ -n "${1:-}" ] && d=$(dirname "$1")
	[ -n "$d" ] || return 0
	find "$d" -name '.*.siphon_tmp_*' -o -name '*-wal' -o -name '*-shm' -o -name '*-journal' | sed 's/^/file /'
}
# The server's temporary copies (/tmp/siphon-sqlite.*) of the SSH user, or of postgres (sudo).
sqlite_remote_leftovers() { sq_srv_tmp_dirs | sed 's/^/temporary copy /'; }

sqlite_pull() { siphon_pull "$@"; }

sqlite_big() {
	[ -n "${SQ_SRV:-}" ] || sq_dirs
	[ -e "$SQ_SRV/big.db" ] || sq_make_big "$SQ_SRV/big.db" 150
	BIG_SOURCE=$SQ_SRV/big.db
}

# The server makes its copy (VACUUM INTO), then the copy streams.
sqlite_phases() { echo vacuum stream; }

sqlite_bg_big_pull() { # PHASE [ARGS...]
	local phase=$1
	shift
	siphon_bg pull "$(remote_spec "$BIG_SOURCE")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--into "$KEEP_TARGET" --compress gzip --stall-timeout 8 "$@"
	if [ "$phase" = vacuum ]; then
		sq_wait_vacuum "$SIPHON_PID"
	else
		sq_wait_received "$SIPHON_PID" 5
	fi
}
