#!/bin/bash
# needs-real-siphon
# pull --snapshot-only, SQLite: the snapshot saved with no local file made (no copy, no temporary,
# no previous or pristine file beside the target) and no local sqlite3 in PATH; it verifies, and
# `restore` (the server unreachable) brings back exactly the server's file. A failed
# --snapshot-only (the server's file gone) leaves no snapshot.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
sq_dirs
sq_make_fixture "$SQ_SRV/app.db"
SNAPS=$(siphon_home)/.local/share/siphon/snapshots/sqo

siphon_run config add sqo --ssh "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT" \
	--database "$SQ_SRV/app.db" --engine sqlite -i "$SIPHON_IT_KEY" \
	--known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into "$SQ_WS/copy.db"
assert_rc 0 "config add"
want=$(sq_fingerprint "$SQ_SRV/app.db")

# No sqlite3 on this side: a PATH with only the harness's timeout in it.
mkdir -p "$SQ_WS/bin" && ln -s "$(command -v timeout)" "$SQ_WS/bin/timeout" || it_fail "bin"
PATH=$SQ_WS/bin:/nonexistent siphon_run pull sqo --snapshot-only
assert_rc 0 "pull --snapshot-only"
[ -z "$(ls -A "$SQ_WS" | grep -v '^bin$')" ] || it_fail "files made in the local directory: $(ls -A "$SQ_WS")"
snap=$(ls "$SNAPS"/*.siphon.tar 2>/dev/null)
[ "$(printf '%s\n' "$snap" | grep -c .)" = 1 ] || it_fail "not exactly one snapshot: $snap"
siphon_run verify "$snap"
assert_rc 0 "verify"

siphon_run config set sqo port 1
siphon_run restore sqo@latest
assert_rc 0 "restore sqo@latest"
[ "$(sq_fingerprint "$SQ_WS/copy.db")" = "$want" ] || it_fail "restore: not the server's file"

# A failed --snapshot-only leaves no snapshot.
siphon_run config set sqo port "$SIPHON_IT_SSH_PORT"
rm -f "$SQ_SRV/app.db"
siphon_run pull sqo --snapshot-only
[ "$RC" != 0 ] || it_fail "a --snapshot-only pull of a missing file succeeded"
[ "$(ls -A "$SNAPS" | grep -c .)" = 1 ] || it_fail "a failed --snapshot-only left a file: $(ls -A "$SNAPS")"
assert_no_pwned
