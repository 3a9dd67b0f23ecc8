#!/bin/bash
# Logins that are refused, on every engine, each failing cleanly (the failure contract,
# contract.sh: the local target as it was, nothing left on either side):
#   - a key that the server does not accept, and a user that may not log in: exit 5 (SSH
#     authentication, before any engine runs);
#   - the database refuses the remote login: pg a role that does not exist
#     (--engine postgres --remote-pg-opts '-U nosuchrole': without --engine siphon reports only that
#     neither engine has the database), my a wrong password in the option file that the remote
#     client reads (exit 6, the line points at the remote ~/.my.cnf and quotes MariaDB's ERROR
#     1045; without --engine the database cannot be found in MariaDB either: exit 6, and the line
#     says how to see MariaDB's own error, --engine); sqlite has no database login (a file the SSH
#     user may not read is t_sqlite_fail.sh's "permission denied").
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

for e in pg my sqlite; do
	engine_try "$e" || continue
	"${e}_keep"
	contract_before "$e" "$KEEP_TARGET"
	case $e in
	pg) src=app ;;
	my) src=$SIPHON_IT_MY_SRC_DB ;;
	sqlite) src=$SQ_SRV/app.db ;;
	esac

	siphon_run pull "$(remote_spec "$src")" -i "$SIPHON_IT_OTHER_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into "$KEEP_TARGET"
	assert_failed_cleanly "$e" 5 'authentication failed for siphon_remote@'
	siphon_run pull "$(remote_spec "$src" nosuchuser)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into "$KEEP_TARGET"
	assert_failed_cleanly "$e" 5 'authentication failed for nosuchuser@'

	case $e in
	pg)
		pg_pull app --into keep --engine postgres --remote-pg-opts '-U nosuchrole'
		assert_failed_cleanly pg 6 'nosuchrole'
		;;
	my)
		my_pull "$src" --into keep --remote-mysql-opts "--defaults-file=$SIPHON_IT_MY_BADPW_CNF"
		assert_failed_cleanly my 6 'ERROR 1045.*~/\.my\.cnf|~/\.my\.cnf.*ERROR 1045'
		siphon_pull "$src" --into keep --remote-mysql-opts "--defaults-file=$SIPHON_IT_MY_BADPW_CNF"
		assert_failed_cleanly my 6 'give --engine'
		;;
	sqlite) it_note "sqlite: no database login to refuse" ;;
	esac
done
