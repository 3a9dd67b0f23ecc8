#!/bin/bash
# needs-real-siphon
# The local psql and role that a server's dump is fed to:
#   - a psql without \restrict (a fake 15.13 first in PATH) is refused before anything is pulled:
#     exit 8, naming the releases that have it, the local database as it was;
#   - a superuser local role gets one warning (a restored function runs with its rights); a role
#     with only CREATEDB gets none, and its copy is as faithful.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
pg_keep
contract_before pg keep

old=$H/old-psql
mkdir -p "$old"
printf '#!/bin/sh\n[ "$1" = --version ] && { echo "psql (PostgreSQL) 15.13 (Debian 15.13-0+deb12u1)"; exit 0; }\nexec /usr/lib/postgresql/15/bin/psql "$@"\n' >"$old/psql"
chmod 755 "$old/psql"
PATH=$old:$PATH siphon_pull small --into keep
assert_failed_cleanly pg 8 'no \\restrict.*15\.14|15\.14.*no \\restrict'

siphon_pull small --into small_su
assert_rc 0 "pull as the superuser postgres"
[ "$(grep -c 'is a superuser' "$H/run/err")" = 1 ] || it_fail "no single superuser warning"
assert_same small small_su

ws_psql -q -d postgres -c "CREATE ROLE siphon_dev LOGIN CREATEDB" >/dev/null || it_fail "create role"
harness_on_exit "psql -X -q -h '$SIPHON_IT_WS_HOST' -p '$SIPHON_IT_WS_PORT' -U postgres -d postgres -c 'DROP DATABASE IF EXISTS small_dev' -c 'DROP ROLE IF EXISTS siphon_dev' >/dev/null 2>&1"
PGUSER=siphon_dev siphon_pull small --into small_dev
assert_rc 0 "pull as a CREATEDB role"
grep -q 'is a superuser\|allowed to run programs' "$H/run/err" && it_fail "a warning for a plain role"
assert_same small small_dev
ws_psql -q -d postgres -c 'DROP DATABASE small_su' -c 'DROP DATABASE small_dev' >/dev/null
assert_target_unchanged pg
