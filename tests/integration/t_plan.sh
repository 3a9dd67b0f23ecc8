#!/bin/bash
# `siphon plan`, on every engine: the plan of a pull (the server, the engine, the compressor, the
# channels, every table with its size, rows and channel), exit 0, and nothing created or changed on
# either machine: the local target as it was (the contract's fingerprint), nothing temporary left
# locally or on the server. A plan whose database is missing fails as a pull would, cleanly.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

planned() { # ENGINE SOURCE TABLE [ARGS...]: plan SOURCE into the kept target; TABLE is listed
	local e=$1 src=$2 table=$3
	shift 3
	siphon_run plan "$(remote_spec "$src")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--into "$KEEP_TARGET" "$@"
	assert_rc 0 "$e: plan $src"
	grep -q "(engine " "$H/run/out" || it_fail "$e: no heading in the plan"
	grep -q " channel" "$H/run/out" || it_fail "$e: no channels in the plan"
	grep -qF -- "$table" "$H/run/out" || it_fail "$e: the plan does not list $table"
	tail -n 1 "$H/run/out" | grep -qx "nothing was created or changed on either machine" ||
		it_fail "$e: the plan does not end with its promise"
	assert_target_unchanged "$e"
	assert_left_clean "$e"
}

for e in pg my sqlite; do
	engine_try "$e" || continue
	"${e}_keep"
	contract_before "$e" "$KEEP_TARGET"
	case $e in
	pg)
		planned pg app "all_types" -j 3
		grep -q "3 channels" "$H/run/out" || it_fail "pg: -j 3 is not the plan's channel count"
		grep -q "PostgreSQL" "$H/run/out" || it_fail "pg: the plan does not name the server"
		siphon_run plan "$(remote_spec no_such_db)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
			--into "$KEEP_TARGET"
		assert_failed_cleanly pg 6 'no database named "no_such_db"'
		;;
	my)
		planned my "$SIPHON_IT_MY_SRC_DB" "" --engine mysql
		grep -q "MariaDB\|MySQL" "$H/run/out" || it_fail "my: the plan does not name the server"
		;;
	sqlite)
		sq_make_fixture "$SQ_SRV/plan.db"
		planned sqlite "$SQ_SRV/plan.db" "SQLite"
		;;
	esac
done
