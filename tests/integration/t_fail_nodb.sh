#!/bin/bash
# The remote database does not exist, on every engine: exit 6 with a line that says so, the local
# target of the pull as it was, nothing left on either side (the failure contract, contract.sh):
#   pg      no_such_db (found in neither engine: "no database named")
#   my      no_such_db with --engine mysql ("does not exist"), and without --engine ("no database
#           named", as neither engine has it)
#   sqlite  an absolute path and a relative one (to the SSH user's home): "no file"; the missing
#           file is not created on the server
# and without --into (the local name is the remote one): nothing of that name is created locally.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

missing() { # ENGINE PULL_FN SOURCE REGEX [ARGS...]: the pull fails cleanly
	local e=$1 pull=$2 src=$3 re=$4
	shift 4
	"$pull" "$src" "$@"
	assert_failed_cleanly "$e" 6 "$re"
}

for e in pg my sqlite; do
	engine_try "$e" || continue
	"${e}_keep"
	contract_before "$e" "$KEEP_TARGET"
	case $e in
	pg)
		missing pg pg_pull no_such_db 'no database named "no_such_db"' --into keep
		missing pg pg_pull keep_missing_remote 'no database named "keep_missing_remote"'
		;;
	my)
		missing my my_pull no_such_db 'database "no_such_db" does not exist' --into keep
		missing my siphon_pull no_such_db 'no database named "no_such_db"' --into keep
		missing my my_pull keep_missing_remote 'database "keep_missing_remote" does not exist'
		;;
	sqlite)
		missing sqlite sqlite_pull "$SQ_SRV/missing.db" 'no file' --into "$KEEP_TARGET"
		[ ! -e "$SQ_SRV/missing.db" ] || it_fail "the missing file was created on the server"
		missing sqlite sqlite_pull relative/missing.db 'no file' --into "$KEEP_TARGET"
		# Without --into the copy would land here, in the current directory, as missing-here.db.
		cd "$SQ_WS" || it_fail "cd $SQ_WS"
		missing sqlite sqlite_pull missing-here.db 'no file'
		cd / || it_fail "cd /"
		;;
	esac
done
