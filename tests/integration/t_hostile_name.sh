#!/bin/bash
# Hostile names on both ends, on every engine: a source whose name holds quotes, $(...), backticks,
# semicolons and unicode is pulled into a local name just as bad, and without --into (the same
# name locally). Nothing may be executed by a shell (no /tmp/siphon-pwned* marker), each copy
# equals its source, nothing is left on either side.
#   pg      the fixture's database  hostile db'; $(touch /tmp/siphon-pwned-db) `x`
#   my      the fixture's database  hostile `db` 'q' "d"; $(touch /tmp/siphon-pwned-mydb) ü  (tables,
#           a view, a trigger and a function with hostile names): its objects work on the copy;
#           pulled again over that changed copy; an --into of 64 characters (MySQL's longest
#           name) works, one of 65 is a usage error before anything is touched
#   sqlite  a remote path whose directories and name are hostile, into a local path just as bad
#           (mode 0600); a relative remote name starting with '-' (in the SSH user's home)
#           without --into (it lands here, same name); a local --into starting with '-'
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

pg_hostile() {
	local local_name='local "copy"; $(touch /tmp/siphon-pwned-local) it'\''s `x`'
	pg_pull "$SIPHON_IT_HOSTILE_DB" --into "$local_name"
	assert_rc 0 "pull the hostile database name"
	assert_same "$SIPHON_IT_HOSTILE_DB" "$local_name"
	assert_no_pwned

	pg_pull "$SIPHON_IT_HOSTILE_DB"
	assert_rc 0 "pull the hostile database name without --into"
	assert_same "$SIPHON_IT_HOSTILE_DB" "$SIPHON_IT_HOSTILE_DB"
	assert_ws_dbs "$local_name" "$SIPHON_IT_HOSTILE_DB"
}

my_hostile() {
	local hdb=$SIPHON_IT_MY_HOSTILE_DB max
	local local_name='l `c` "x"; $(touch /tmp/siphon-pwned-local) it'\''s \\N ü'
	my_pull "$hdb"
	assert_rc 0 "pull the hostile database name without --into"
	assert_same_my "$hdb" "$hdb" --definer-of root@localhost
	assert_no_pwned

	# (--engine: without it a name with a '/' is a SQLite file path.)
	my_pull "$hdb" --into "$local_name" -j 1
	assert_rc 0 "pull the hostile database into a hostile --into"
	assert_same_my "$hdb" "$local_name" --definer-of root@localhost
	assert_no_pwned

	# Its objects work: the function, the view, the trigger (on insert).
	[ "$(ws_my -N -B -D "$local_name" -e 'SELECT `f'\''n`()')" = 42 ] || it_fail "function f'n on the copy"
	[ "$(ws_my -N -B -D "$local_name" -e 'SELECT COUNT(*) FROM `view; $(touch /tmp/siphon-pwned)`')" = 2 ] || it_fail "the hostile view on the copy"
	ws_my -D "$local_name" -e 'INSERT INTO `child ``t``` VALUES (12, 2)' || it_fail "insert through the hostile trigger"

	# Again over that (now changed) copy.
	my_pull "$hdb" --into "$local_name"
	assert_rc 0 "pull over the hostile copy"
	assert_same_my "$hdb" "$local_name" --definer-of root@localhost

	# 64 characters is MySQL's longest name; 65: refused before anything happens.
	max=$(printf 'x%.0s' $(seq 1 64))
	my_pull "$hdb" --into "$max"
	assert_rc 0 "--into of 64 characters"
	assert_same_my "$hdb" "$max"
	contract_before my "$max"
	my_pull "$hdb" --into "${max}y"
	assert_failed_cleanly my 2 'MySQL database names have at most 64 characters'
	assert_ws_my_dbs "$hdb" "$local_name" "$max"
}

sqlite_hostile() {
	sq_dirs
	local remote="$SQ_SRV/a b'; \$(touch /tmp/siphon-pwned) \`touch /tmp/siphon-pwned\` ünï 名/it's \"x\" \$HOME *.db"
	runuser -u "$SIPHON_IT_SSH_USER" -- mkdir -p "$(dirname "$remote")" || it_fail "mkdir remote"
	sq_make_fixture "$remote"
	local local_path="$SQ_WS/local \"copy\"; \$(touch /tmp/siphon-pwned-local) it's \`x\`/ünï 名 \$(id).sqlite"
	mkdir -p "$(dirname "$local_path")" || it_fail "mkdir local"

	sqlite_pull "$remote" --into "$local_path" --compress gzip
	assert_rc 0 "pull a hostile path into a hostile path"
	sq_assert_same "$remote" "$local_path"
	sq_assert_mode "$local_path" 600
	assert_no_pwned

	# Relative to the remote home, starting with '-'; no --into: the same name, in the current directory.
	local name="-rf 'q' \"dq\" ;\`id\` ünï $$.db"
	cp "$remote" "/home/$SIPHON_IT_SSH_USER/$name" && chown "$SIPHON_IT_SSH_USER:" "/home/$SIPHON_IT_SSH_USER/$name" ||
		it_fail "copy into the remote home"
	harness_on_exit "rm -f '/home/$SIPHON_IT_SSH_USER/$name'"
	cd "$SQ_WS" || it_fail "cd"
	sqlite_pull "$name" --engine sqlite
	assert_rc 0 "pull a relative name starting with '-' without --into"
	sq_assert_same "$remote" "$SQ_WS/$name"

	# A local name starting with '-', relative.
	sqlite_pull "$remote" --into "-local 'q' \$(id) \`id\`.db"
	assert_rc 0 "--into starting with '-'"
	sq_assert_same "$remote" "$SQ_WS/-local 'q' \$(id) \`id\`.db"
	cd / || it_fail "cd /"
}

for e in pg my sqlite; do
	engine_try "$e" || continue
	"${e}_hostile"
	assert_no_pwned
	assert_left_clean "$e"
done
