#!/bin/bash
# needs-real-siphon
# Ownership and privileges survive where they can: an object owned by a role that the workstation
# also has keeps that owner; one owned by a role it lacks ("limited" exists only on the server)
# goes to the local user instead of failing the pull. GRANTs to a role that exists locally are
# kept, those to a missing role left out. The copy is otherwise faithful.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

srv_psql -q -d postgres -c "DROP DATABASE IF EXISTS owners" -c "CREATE DATABASE owners" >/dev/null
srv_psql -q -d postgres -c "DO \$\$BEGIN CREATE ROLE \"Shared Owner\"; EXCEPTION WHEN duplicate_object THEN NULL; END\$\$" >/dev/null
srv_psql -q -d owners >/dev/null <<'EOF2' || it_fail "source setup"
CREATE TABLE kept (id int PRIMARY KEY, v text);
INSERT INTO kept SELECT i, 'k' || i FROM generate_series(1, 100) i;
ALTER TABLE kept OWNER TO "Shared Owner";
CREATE TABLE orphan (id int PRIMARY KEY);
INSERT INTO orphan SELECT generate_series(1, 50);
ALTER TABLE orphan OWNER TO limited;
CREATE FUNCTION body() RETURNS text LANGUAGE sql AS $$
SELECT 'ALTER TABLE x OWNER TO limited;'
$$;
ALTER FUNCTION body() OWNER TO limited;
GRANT SELECT, UPDATE ON kept TO limited;
GRANT SELECT ON orphan TO "Shared Owner";
GRANT INSERT ON orphan TO limited;
EOF2
ws_psql -q -d postgres -c "DO \$\$BEGIN CREATE ROLE \"Shared Owner\"; EXCEPTION WHEN duplicate_object THEN NULL; END\$\$" >/dev/null
harness_on_exit "ws_psql -q -d postgres -c 'DROP DATABASE IF EXISTS owners_copy' -c 'DROP ROLE IF EXISTS \"Shared Owner\"' >/dev/null 2>&1; srv_psql -q -d postgres -c 'DROP DATABASE IF EXISTS owners' -c 'DROP ROLE IF EXISTS \"Shared Owner\"' >/dev/null 2>&1"

siphon_pull owners --into owners_copy
assert_rc 0 "pull with owners that exist and do not exist locally"
assert_same owners owners_copy
got=$(ws_psql -At -d owners_copy -c "SELECT c.relname || '=' || pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.relname IN ('kept', 'orphan') ORDER BY 1")
want=$'kept=Shared Owner\norphan=postgres'
[ "$got" = "$want" ] || it_fail "owners: got '$got', want '$want'"
[ "$(ws_psql -At -d owners_copy -c "SELECT body()")" = 'ALTER TABLE x OWNER TO limited;' ] ||
	it_fail "a function body that looks like an OWNER TO statement was changed"
assert_stderr_contains 'not copied exactly: role "limited" missing on this server; 2 objects owned by the local user instead; 1 privilege statement left out (create it locally to keep them)'
acl=$(ws_psql -At -d owners_copy -c "SELECT c.relname || '=' || coalesce(array_to_string(c.relacl, ' '), 'default') FROM pg_class c WHERE c.relname IN ('kept', 'orphan') ORDER BY 1")
want=$'kept=default\norphan=postgres=arwdDxt/postgres \"Shared Owner\"=r/postgres'
[ "$acl" = "$want" ] || it_fail "privileges: got '$acl', want '$want'"
