#!/bin/bash
# needs-real-siphon
# SQLite with hostile file names on both ends: a remote path whose directories and name hold
# spaces, quotes, $(...), backticks and unicode, pulled into a local path just as bad; then a
# relative remote name that starts with '-' (in the SSH user's home) pulled without --into (it
# lands here, same name), and a local --into that starts with '-'. Nothing may be executed.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/sqlite.sh"
harness_start || exit 1
it_begin
sq_dirs

remote="$SQ_SRV/a b'; \$(touch /tmp/siphon-pwned) \`touch /tmp/siphon-pwned\` ünï 名/it's \"x\" \$HOME *.db"
runuser -u "$SIPHON_IT_SSH_USER" -- mkdir -p "$(dirname "$remote")" || it_fail "mkdir remote"
sq_make_fixture "$remote"
local_path="$SQ_WS/local \"copy\"; \$(touch /tmp/siphon-pwned-local) it's \`x\`/ünï 名 \$(id).sqlite"
mkdir -p "$(dirname "$local_path")" || it_fail "mkdir local"

siphon_pull "$remote" --into "$local_path" --compress gzip
assert_rc 0 "pull a hostile path into a hostile path"
sq_assert_same "$remote" "$local_path"
sq_assert_mode "$local_path" 600
assert_no_pwned

# Relative to the remote home, starting with '-'; no --into: the same name, in the current directory.
name="-rf 'q' \"dq\" ;\`id\` ünï $$.db"
cp "$remote" "/home/$SIPHON_IT_SSH_USER/$name" && chown "$SIPHON_IT_SSH_USER:" "/home/$SIPHON_IT_SSH_USER/$name" ||
	it_fail "copy into the remote home"
harness_on_exit "rm -f '/home/$SIPHON_IT_SSH_USER/$name'"
cd "$SQ_WS" || it_fail "cd"
siphon_pull "$name" --engine sqlite
assert_rc 0 "pull a relative name starting with '-' without --into"
sq_assert_same "$remote" "$SQ_WS/$name"

# A local name starting with '-', relative.
siphon_pull "$remote" --into "-local 'q' \$(id) \`id\`.db"
assert_rc 0 "--into starting with '-'"
sq_assert_same "$remote" "$SQ_WS/-local 'q' \$(id) \`id\`.db"
cd / || it_fail "cd /"

sq_assert_no_local_tmp
assert_no_pwned
sq_assert_srv_clean
