#!/bin/bash
# needs-real-siphon
# Without --engine, a name that both PostgreSQL and MariaDB have on the server: on a terminal (a
# pty from script(1)) siphon asks which, and copies from the one the user names; answering
# before the question appears (typed ahead) works too. Without a terminal: exit 2, naming
# --engine, and nothing is copied.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
command -v script >/dev/null || it_skip "script(1) is missing (util-linux)"
srv_my >/dev/null -e "CREATE DATABASE IF NOT EXISTS small; CREATE TABLE IF NOT EXISTS small.only_in_mariadb (id INT PRIMARY KEY); INSERT IGNORE INTO small.only_in_mariadb VALUES (1), (2), (3)"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS small' >/dev/null 2>&1"
spec=$(remote_spec small)

# script(1) does not pass the exit status on: the command reports it.
ask() { # ANSWER INTO
	{ sleep 1; printf '%s\n' "$1"; sleep 2; } | timeout -k 5 60 script -qec "$(printf '%q ' "$SIPHON_BIN" pull "$spec" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into "$2") 2>$H/run/err; echo exit=\$?" /dev/null >"$H/run/out"
	RC=$(tr -d '\r' <"$H/run/out" | sed -n 's/^exit=//p')
}

ask mysql small_my
assert_rc 0 "answering mysql"
tr -d '\r' <"$H/run/out" | grep -q 'which one? \[postgres/mysql\]' || it_fail "no question on the terminal"
[ "$(ws_my -N -B -e 'SELECT COUNT(*) FROM small_my.only_in_mariadb')" = 3 ] || it_fail "the MariaDB database was not copied"

ask postgres small_pg
assert_rc 0 "answering postgres"
ws_psql -At -d small_pg -c "SELECT 1" >/dev/null || it_fail "the PostgreSQL database was not copied"

# Typed ahead, before the question.
{ printf 'mysql\n'; sleep 3; } | timeout -k 5 60 script -qec "$(printf '%q ' "$SIPHON_BIN" pull "$spec" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into small_ahead) 2>$H/run/err; echo exit=\$?" /dev/null >"$H/run/out"
RC=$(tr -d '\r' <"$H/run/out" | sed -n 's/^exit=//p')
assert_rc 0 "an answer typed ahead"

siphon_pull small --into small_none
assert_rc 2 "no terminal"
assert_error_line
tail -n 1 "$H/run/err" | grep -q -- '--engine' || it_fail "the error does not name --engine"
[ -z "$(ws_my_dbs | grep -x small_none)" ] || it_fail "something was copied without an answer"
