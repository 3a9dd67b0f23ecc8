# shellcheck shell=bash
# The failure contract, written once for every engine (sourced by lib.sh). A pull that fails must:
#   - exit with the code the README's exit status table gives for that failure;
#   - say so in exactly one line on stderr, the last one, starting "siphon: ";
#   - leave the local target as it was (its content and the list of local databases or files);
#   - leave nothing temporary locally (staging databases, temporary files beside the target);
#   - leave nothing on the server (no dump or helper process, no temporary directory, no session);
#   - and never let a hostile name reach a shell (no /tmp/siphon-pwned* marker).
#
#   contract_before ENGINE TARGET     record TARGET's fingerprint and the local list, before the pull
#   assert_failed_cleanly ENGINE EXIT REGEX [SECONDS]   the whole contract for the last run
#                                     (siphon_run, siphon_pull or siphon_wait): REGEX (grep -E) must
#                                     match the error line and no other line of stderr; the server
#                                     must let go within SECONDS (default 20)
#   assert_target_unchanged ENGINE    only the "as it was" part (e.g. after pulls into other names)
#   assert_left_clean ENGINE [SECONDS [ARGS...]]  only the "nothing left" parts, waiting up to
#                                     SECONDS (default 20) for the server to let go; ARGS go to the
#                                     engine's *_remote_leftovers (MariaDB: workstation session ids
#                                     that are the test's own). Also for successful pulls.
#   assert_server_clean ENGINE [SECONDS [ARGS...]]  the same for the server side only (a test that
#                                     leaves a local temporary database on purpose)
#
# ENGINE is pg, my or sqlite; everything engine-specific is in that engine's adapter
# (adapter_pg.sh, adapter_my.sh, adapter_sqlite.sh), which defines:
#   ENGINE_target_fingerprint TARGET  one line (or a few) that changes when TARGET changes
#   ENGINE_local_list TARGET          the local databases (or the files beside TARGET)
#   ENGINE_local_leftovers TARGET     what a pull left locally, one item a line (nothing: clean)
#   ENGINE_remote_leftovers [ARGS]    what a pull left on the server, one item a line (nothing: clean)
# and, for the tests that run one scenario over every engine (for e in pg my sqlite; ...):
#   ENGINE_available                  0 when this engine can be tested here (else prints why not:
#                                     not in SIPHON_IT_ENGINES, or the harness lacks its server);
#                                     `engine_try "$e" || continue` notes it and skips the engine
#   ENGINE_keep                       a local target "keep" with known content: KEEP_TARGET
#   ENGINE_pull SOURCE ARGS...        siphon_pull of SOURCE on this engine's server
#   ENGINE_big                        a source big enough to be caught mid-pull: BIG_SOURCE
#   ENGINE_phases                     the moments of a pull a test can catch ("stream", ...)
#   ENGINE_bg_big_pull PHASE [ARGS]   siphon_bg a pull of BIG_SOURCE into KEEP_TARGET, return
#                                     once it is in PHASE
# Nothing in this file looks at ENGINE but to call its adapter.

# SIPHON_IT_ENGINES (e.g. "pg": selftest.sh's fake siphon knows PostgreSQL only) limits the engines
# that the tests looping over every engine try; unset: all of them.
engine_selected() { # ENGINE
	case " ${SIPHON_IT_ENGINES:-pg my sqlite} " in *" $1 "*) return 0 ;; esac
	echo "not in SIPHON_IT_ENGINES ($SIPHON_IT_ENGINES)"
	return 1
}

# In a loop over the engines: 0 to test ENGINE, else 1 after noting why not.
engine_try() { # ENGINE
	local why
	why=$("${1}_available") && return 0
	it_note "$1: skipped: $why"
	return 1
}

# The exit codes the README documents (its "### Exit status" table), one a line.
_contract_documented_exits() {
	sed -n '/^### Exit status/,/^Every failure/s/^    \([0-9][0-9]*\) .*/\1/p' "$SIPHON_IT_LIB_DIR/../../README.md"
}

_contract_engine() { # ENGINE
	declare -F "${1}_target_fingerprint" >/dev/null || it_fail "no adapter for the engine '$1' (pg, my, sqlite)"
}

contract_before() { # ENGINE TARGET
	_contract_engine "$1"
	CONTRACT_ENGINE=$1
	CONTRACT_TARGET=$2
	CONTRACT_FP=$("${1}_target_fingerprint" "$2") || it_fail "$1: cannot fingerprint the local target $2"
	CONTRACT_LIST=$("${1}_local_list" "$2") || it_fail "$1: cannot list the local side"
}

assert_target_unchanged() { # ENGINE
	local fp list
	[ "${CONTRACT_ENGINE:-}" = "$1" ] || it_fail "assert_target_unchanged $1 without contract_before $1"
	fp=$("${1}_target_fingerprint" "$CONTRACT_TARGET") || it_fail "$1: the local target $CONTRACT_TARGET is gone or unreadable"
	[ "$fp" = "$CONTRACT_FP" ] || it_fail "$1: the local target $CONTRACT_TARGET changed"
	list=$("${1}_local_list" "$CONTRACT_TARGET") || it_fail "$1: cannot list the local side"
	[ "$list" = "$CONTRACT_LIST" ] ||
		it_fail "$1: the local side changed: was [$(echo $CONTRACT_LIST)], now [$(echo $list)]"
}

# One error line: the last line of stderr (assert_error_line: it starts "siphon: "; progress lines
# before it are shown, not refused) matches REGEX, and no other line does.
_contract_error_line() { # REGEX
	local last m
	assert_error_line
	last=$(tail -n 1 "$H/run/err")
	grep -qE -- "$1" <<<"$last" || it_fail "the error line does not match /$1/: $last"
	m=$(grep -cE -- "$1" "$H/run/err")
	[ "$m" = 1 ] || it_fail "$m stderr lines match /$1/, one error line expected"
}

# What a pull left: locally (beside the target, if one was recorded for ENGINE) unless SIDE is
# "server", and on the server.
_contract_leftovers() { # all|server ENGINE [ARGS...]
	local side=$1 e=$2 target=
	shift 2
	[ "${CONTRACT_ENGINE:-}" = "$e" ] && target=$CONTRACT_TARGET
	[ "$side" = server ] || "${e}_local_leftovers" "$target" | sed 's/^/local: /'
	"${e}_remote_leftovers" "$@" | sed 's/^/server: /'
	_h_remote_procs | sed 's/^/server process: /'
}

_contract_wait_clean() { # all|server ENGINE [SECONDS [ARGS...]]
	local side=$1 e=$2 secs=${3:-20} left
	_contract_engine "$e"
	shift $(($# < 3 ? $# : 3))
	for _ in $(seq 1 $((secs * 4))); do
		left=$(_contract_leftovers "$side" "$e" "$@")
		[ -z "$left" ] && return 0
		sleep 0.25
	done
	it_fail "$e: left behind after ${secs}s: $(echo "$left" | head -n 12 | tr '\n' ';')"
}
assert_left_clean() { _contract_wait_clean all "$@"; }
assert_server_clean() { _contract_wait_clean server "$@"; }

assert_failed_cleanly() { # ENGINE EXIT REGEX [SECONDS]
	local e=$1 rc=$2
	[ $# = 3 ] || [ $# = 4 ] || it_fail "usage: assert_failed_cleanly ENGINE EXIT REGEX [SECONDS]"
	[ "${CONTRACT_ENGINE:-}" = "$e" ] || it_fail "assert_failed_cleanly $e without contract_before $e"
	_contract_documented_exits | grep -qx -- "$rc" || it_fail "exit $rc is not in the README's exit status table"
	assert_rc "$rc" "siphon ($e)"
	_contract_error_line "$3"
	assert_target_unchanged "$e"
	assert_no_pwned
	assert_left_clean "$e" "${4:-20}"
}
