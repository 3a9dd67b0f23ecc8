#!/bin/bash
# `siphon plan`, on every engine: the plan of a pull (the server, the engine, the compressor, the
# channels, every table with its size, rows and channel), exit 0, and nothing created or changed on
# either machine: the local target as it was (the contract's fingerprint), nothing temporary left
# locally or on the server. The plan names the local target and what becomes of it, and the remote
# commands the pull would start (the tools, with the compressor), and what was chosen and why
# (channels, compression: "same host" on the harness); `pull --dry-run` is the same plan.
# A plan whose database is missing fails as a pull would, cleanly.
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
	grep -Eq '^chosen: channels [0-9]+( \(-j\))?, [^:]+: (link (>= )?[0-9]+ MB/s, rtt [0-9.]+ ms|link not measured), same host: ' "$H/run/out" ||
		it_fail "$e: the plan does not say what was chosen and why"
	grep -qF -- "$table" "$H/run/out" || it_fail "$e: the plan does not list $table"
	grep -q "^into .*which exists: .* replaced once the copy is complete" "$H/run/out" ||
		it_fail "$e: the plan does not say the existing target is replaced"
	grep -q "^on the server, as the SSH user" "$H/run/out" || it_fail "$e: no remote commands in the plan"
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
		grep -q "^  pg_dump of the schema: .*pg_dump' --section=pre-data" "$H/run/out" ||
			it_fail "pg: the plan does not show the schema's pg_dump: $(tail -n 8 "$H/run/out")"
		grep -q "^  COPY ... TO STDOUT of its tables, on each of 3 data channels: .*psql" "$H/run/out" ||
			it_fail "pg: the plan does not show the data channels' psql"
		cp "$H/run/out" "$H/plan.out"
		siphon_run pull --dry-run "$(remote_spec app)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
			--into "$KEEP_TARGET" -j 3
		assert_rc 0 "pg: pull --dry-run"
		# The link test's figures differ from run to run.
		diff <(grep -v -e "--snapshot=" -e "^chosen: " "$H/plan.out") <(grep -v -e "--snapshot=" -e "^chosen: " "$H/run/out") >/dev/null ||
			it_fail "pg: pull --dry-run is not the plan: $(diff "$H/plan.out" "$H/run/out")"
		assert_target_unchanged pg
		assert_left_clean pg
		grep -q "PostgreSQL" "$H/run/out" || it_fail "pg: the plan does not name the server"
		siphon_run plan "$(remote_spec no_such_db)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
			--into "$KEEP_TARGET"
		assert_failed_cleanly pg 6 'no database named "no_such_db"'
		;;
	my)
		planned my "$SIPHON_IT_MY_SRC_DB" "" --engine mysql
		# No -j: MySQL's loads wait on InnoDB, so more channels than cores (tune_lanes_per_core).
		grep -Eq '^chosen: channels [2-8], ' "$H/run/out" || it_fail "my: no channel count chosen"
		grep -q "^  the control session (the lock and the snapshot): " "$H/run/out" ||
			it_fail "my: the plan does not show the control session"
		grep -q "MariaDB\|MySQL" "$H/run/out" || it_fail "my: the plan does not name the server"
		;;
	sqlite)
		sq_make_fixture "$SQ_SRV/plan.db"
		planned sqlite "$SQ_SRV/plan.db" "SQLite"
		grep -q "VACUUM INTO" "$H/run/out" || it_fail "sqlite: the plan does not show the copy"
		;;
	esac
done
