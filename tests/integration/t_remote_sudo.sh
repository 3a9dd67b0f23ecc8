#!/bin/bash
# --remote-sudo, on every engine: the remote side runs as another OS user through `sudo -n` (the
# harness lets siphon_remote become postgres or mysql without a password, keeping PGHOST/PGPORT
# and MYSQL_HOME):
#   pg      as postgres, who reaches the server cluster as role postgres
#   my      as mysql, who logs in to MariaDB as mysql@localhost through unix_socket (zstd)
#   sqlite  as postgres: a WAL database at rest that only postgres may read, in a directory only
#           postgres may enter; without --remote-sudo that is refused (exit 6, the line names the
#           directory and says --remote-sudo postgres, no copy appears); the whole remote script
#           runs through sudo, and nothing is left beside the database or in /tmp
# Each copy equals its source and nothing is left on either side. Then a user that sudo does not
# allow (nobody): exit 6 naming sudo, the copy as it was, nothing left (the failure contract).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
ls /etc/sudoers.d/siphon-it-* >/dev/null 2>&1 || it_skip "sudo is not installed or not configured by the harness"

for e in pg my sqlite; do
	engine_try "$e" || continue
	case $e in
	pg)
		siphon_pull small --into small_sudo --remote-sudo postgres
		assert_rc 0 "--remote-sudo postgres"
		assert_same small small_sudo
		copy=small_sudo
		again=(pg_pull small)
		;;
	my)
		my_pull "$SIPHON_IT_MY_SRC_DB" --into sudo_copy --remote-sudo mysql --compress zstd
		assert_rc 0 "--remote-sudo mysql"
		assert_same_my "$SIPHON_IT_MY_SRC_DB" sudo_copy --definer-of root@localhost
		copy=sudo_copy
		again=(my_pull "$SIPHON_IT_MY_SRC_DB")
		;;
	sqlite)
		sq_dirs
		pgdir=$(mktemp -d /tmp/sqlite-it-pg.XXXXXX) || it_fail "mktemp"
		harness_on_exit "rm -rf '$pgdir'"
		chown postgres: "$pgdir" && chmod 700 "$pgdir"
		db="$pgdir/app 'x'.db"
		sq_make_fixture "$SQ_SRV/src.db"
		cp "$SQ_SRV/src.db" "$db" && chown postgres: "$db" && chmod 600 "$db"
		runuser -u postgres -- sqlite3 "$db" 'PRAGMA journal_mode = WAL' >/dev/null || it_fail "WAL mode"
		copy=$SQ_WS/copy.db
		contract_before sqlite "$copy"
		sqlite_pull "$db" --into "$copy"
		assert_failed_cleanly sqlite 6 'cannot enter the directory.*--remote-sudo postgres'
		sqlite_pull "$db" --into "$copy" --remote-sudo postgres --compress zstd
		assert_rc 0 "--remote-sudo postgres"
		sq_assert_same "$db" "$copy"
		[ "$(ls -A "$pgdir")" = "app 'x'.db" ] || it_fail "left beside the database: $(ls -A "$pgdir")"
		again=(sqlite_pull "$db")
		;;
	esac
	assert_left_clean "$e"

	contract_before "$e" "$copy"
	"${again[@]}" --into "$copy" --remote-sudo nobody
	assert_failed_cleanly "$e" 6 'sudo'
done
