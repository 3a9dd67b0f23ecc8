#!/bin/bash
# needs-real-siphon
# Objects that pg_restore treats specially, and objects that name roles the workstation lacks:
#   1. A DDL-audit event trigger (and a disabled one, with a comment), publications, a
#      subscription, large objects with privileges, a materialized view: pulled by a superuser,
#      the event triggers are created after everything else (the audit table holds exactly the
#      source's rows, and DDL on the copy works afterwards), publications are copied, large
#      objects keep their privileges, and the subscription is named as never copied.
#   2. The same database pulled by a local role that is not a superuser (createdb only): the event
#      triggers and the publication of all tables are left out and named, everything else copied.
#   3. A policy for a role the workstation lacks (left out), one for that role and one it has
#      (the missing role taken out), a user mapping for the missing role over several lines
#      (left out) and one for PUBLIC (kept): exit 0, one warning naming the role.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

db=objs_$$
rdb=roles_$$
drop_src="DROP SUBSCRIPTION IF EXISTS sub_prod; DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS $rdb; DROP ROLE IF EXISTS \"Shared Role\";"
harness_on_exit "psql -X -q -h '$SIPHON_IT_SRV_HOST' -p '$SIPHON_IT_SRV_PORT' -U postgres -d $db -c 'ALTER SUBSCRIPTION sub_prod DISABLE' -c 'ALTER SUBSCRIPTION sub_prod SET (slot_name = NONE)' -c 'DROP SUBSCRIPTION sub_prod' >/dev/null 2>&1; psql -X -q -h '$SIPHON_IT_SRV_HOST' -p '$SIPHON_IT_SRV_PORT' -U postgres -d postgres -c 'DROP DATABASE IF EXISTS $db' -c 'DROP DATABASE IF EXISTS $rdb' -c 'DROP ROLE IF EXISTS \"Shared Role\"' >/dev/null 2>&1"
harness_on_exit "psql -X -q -h '$SIPHON_IT_WS_HOST' -p '$SIPHON_IT_WS_PORT' -U postgres -d postgres -c 'DROP DATABASE IF EXISTS ${db}_copy' -c 'DROP DATABASE IF EXISTS ${db}_dev' -c 'DROP DATABASE IF EXISTS ${rdb}_copy' -c 'DROP ROLE IF EXISTS devrole' -c 'DROP ROLE IF EXISTS \"Shared Role\"' >/dev/null 2>&1"
: "$drop_src"

srv_psql -q -d postgres -c 'CREATE ROLE "Shared Role"' -c "CREATE DATABASE $db" -c "CREATE DATABASE $rdb" >/dev/null ||
	it_fail "create the source databases"
ws_psql -q -d postgres -c 'CREATE ROLE "Shared Role"' -c 'CREATE ROLE devrole LOGIN CREATEDB' >/dev/null ||
	it_fail "create the local roles"

srv_psql -q -d "$db" >/dev/null 2>"$H/run/setup.err" <<'EOF' || { cat "$H/run/setup.err" >&2; it_fail "fill $db"; }
CREATE TABLE public.audit (id serial PRIMARY KEY, tag text, obj text);
CREATE FUNCTION public.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
	FOR r IN SELECT * FROM pg_catalog.pg_event_trigger_ddl_commands() LOOP
		INSERT INTO public.audit (tag, obj) VALUES (r.command_tag, r.object_identity);
	END LOOP;
END $$;
CREATE FUNCTION public.noop() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;
CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE FUNCTION public.log_ddl();
COMMENT ON EVENT TRIGGER log_ddl IS 'records every DDL';
CREATE EVENT TRIGGER "Quiet One" ON ddl_command_start WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION public.noop();
ALTER EVENT TRIGGER "Quiet One" DISABLE;
CREATE TABLE public.docs (id int PRIMARY KEY, title text, blob oid);
CREATE INDEX docs_title ON public.docs (title);
INSERT INTO public.docs SELECT i, 'doc ' || i, NULL FROM generate_series(1, 500) i;
UPDATE public.docs SET blob = lo_from_bytea(0, '\x000102ff') WHERE id = 1;
UPDATE public.docs SET blob = lo_from_bytea(0, 'secret') WHERE id = 2;
CREATE MATERIALIZED VIEW public.doc_count AS SELECT count(*) AS n FROM public.docs;
CREATE PUBLICATION pub_docs FOR TABLE public.docs;
CREATE PUBLICATION "pub all" FOR ALL TABLES;
CREATE SUBSCRIPTION sub_prod CONNECTION 'host=/nonexistent dbname=nothing' PUBLICATION pub_x WITH (connect = false);
GRANT SELECT ON TABLE public.docs TO "Shared Role";
EOF
lo1=$(srv_psql -At -d "$db" -c "SELECT blob FROM public.docs WHERE id = 1")
lo2=$(srv_psql -At -d "$db" -c "SELECT blob FROM public.docs WHERE id = 2")
srv_psql -q -d "$db" -c "GRANT SELECT ON LARGE OBJECT $lo1 TO PUBLIC" -c "GRANT SELECT, UPDATE ON LARGE OBJECT $lo2 TO \"Shared Role\"" >/dev/null ||
	it_fail "large object privileges"

# 1. As a superuser: everything, event triggers last.
siphon_pull "$db" --into "${db}_copy"
assert_rc 0 "pull $db as a superuser"
assert_same "$db" "${db}_copy"
assert_stderr_contains 'not copied exactly: subscription "sub_prod": never copied'
grep -q 'not copied exactly:' "$H/run/err" && [ "$(grep -c 'not copied exactly:' "$H/run/err")" = 1 ] ||
	{ grep 'not copied exactly' "$H/run/err" >&2; it_fail "expected exactly one thing not copied exactly (the subscription)"; }
grep -q '1 thing not copied exactly' "$H/run/out" || it_fail "the summary line does not count the thing not copied exactly"
q="SELECT oid, array_to_string(lomacl, ' ') FROM pg_catalog.pg_largeobject_metadata ORDER BY 1"
want=$(srv_psql -At -d "$db" -c "$q")
got=$(ws_psql -At -d "${db}_copy" -c "$q")
[ "$want" = "$got" ] || it_fail "large object privileges: got '$got', want '$want'"
[ "$(ws_psql -At -d "${db}_copy" -c "SELECT count(*) FROM pg_catalog.pg_subscription")" = 0 ] ||
	it_fail "a subscription was copied"
# The audit trigger is there and works; it recorded nothing of the restore.
before=$(ws_psql -At -d "${db}_copy" -c "SELECT count(*) FROM public.audit")
[ "$before" = "$(srv_psql -At -d "$db" -c "SELECT count(*) FROM public.audit")" ] || it_fail "the audit table has rows the source does not"
ws_psql -q -d "${db}_copy" -c "CREATE TABLE public.after_pull (x int)" >/dev/null || it_fail "DDL on the copy fails"
[ "$(ws_psql -At -d "${db}_copy" -c "SELECT count(*) FROM public.audit")" = $((before + 1)) ] ||
	it_fail "the event trigger of the copy did not record DDL"

# 2. As a role that is not a superuser: event triggers and the publication of all tables left out.
PGUSER=devrole siphon_pull "$db" --into "${db}_dev"
assert_rc 0 "pull $db as a createdb role"
assert_stderr_contains 'not copied exactly: EVENT TRIGGER (CREATE EVENT TRIGGER log_ddl ON ddl_command_end'
assert_stderr_contains 'not copied exactly: EVENT TRIGGER (CREATE EVENT TRIGGER "Quiet One"'
assert_stderr_contains 'not copied exactly: PUBLICATION (CREATE PUBLICATION "pub all" FOR ALL TABLES'
COMPARE_MAX_LINES=1000 "$SIPHON_IT_LIB_DIR/compare.sh" "$db" "${db}_dev" >"$H/run/compare" 2>&1
others=$(grep -E '^[-+]' "$H/run/compare" | grep -vE '^-(event_trigger|publication "pub all" |comment event trigger )')
[ -z "$others" ] || { cat "$H/run/compare" >&2; it_fail "the copy made by a createdb role differs in more than what was named"; }
[ "$(ws_psql -At -d "${db}_dev" -c "SELECT count(*) FROM pg_catalog.pg_event_trigger")" = 0 ] || it_fail "event triggers in a copy made by a createdb role"
assert_stderr_contains 'not copied exactly: role "postgres" not granted to the local role; '

# Its grants to a role it is not a member of are kept (it owns the objects, so it may grant).
[ "$(ws_psql -At -d "${db}_dev" -c "SELECT has_table_privilege('Shared Role', 'public.docs', 'SELECT')")" = t ] ||
	it_fail "a copy made by a createdb role lost a GRANT to an existing role"
[ "$(ws_psql -At -d "${db}_dev" -c "SELECT array_to_string(lomacl, ' ') FROM pg_catalog.pg_largeobject_metadata WHERE oid = $lo2")" = 'devrole=rw/devrole "Shared Role"=rw/devrole' ] ||
	it_fail "a large object of a copy made by a createdb role lost its privileges: $(ws_psql -At -d "${db}_dev" -c "SELECT lomacl FROM pg_catalog.pg_largeobject_metadata WHERE oid = $lo2")"

# 3. Roles the workstation lacks in policies and user mappings.
srv_psql -q -d "$rdb" >/dev/null 2>"$H/run/setup.err" <<'EOF' || { cat "$H/run/setup.err" >&2; it_fail "fill $rdb"; }
CREATE TABLE public.notes (id int PRIMARY KEY, who text);
INSERT INTO public.notes SELECT i, 'w' || i FROM generate_series(1, 100) i;
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_limited ON public.notes TO limited USING (who <> 'x');
CREATE POLICY "Mixed, policy" ON public.notes AS RESTRICTIVE FOR SELECT TO limited, "Shared Role" USING (id > 0);
CREATE POLICY everyone ON public.notes FOR INSERT TO PUBLIC WITH CHECK (id > 0);
CREATE FOREIGN DATA WRAPPER dummy_fdw;
CREATE SERVER "far away" FOREIGN DATA WRAPPER dummy_fdw;
CREATE USER MAPPING FOR limited SERVER "far away" OPTIONS (password E'x;\nGRANT ALL ON notes TO limited;', "user" 'lim');
CREATE USER MAPPING FOR PUBLIC SERVER "far away" OPTIONS ("user" 'guest');
EOF
siphon_pull "$rdb" --into "${rdb}_copy"
assert_rc 0 "pull $rdb (roles missing here in policies and user mappings)"
assert_stderr_contains 'not copied exactly: role "limited" missing on this server'
assert_stderr_contains '1 user mapping left out'
assert_stderr_contains 'not copied exactly: policy only_limited ON public.notes: its only roles (limited) are missing here, left out'
assert_stderr_contains 'not copied exactly: policy "Mixed, policy" ON public.notes: roles missing here (limited) taken out of its TO list'
got=$(ws_psql -At -d "${rdb}_copy" -c "SELECT policyname || ' ' || permissive || ' ' || cmd || ' ' || array_to_string(roles, ',') || ' ' || coalesce(qual, '-') || ' ' || coalesce(with_check, '-') FROM pg_catalog.pg_policies ORDER BY 1")
want=$'Mixed, policy RESTRICTIVE SELECT Shared Role (id > 0) -\neveryone PERMISSIVE INSERT public - (id > 0)'
[ "$got" = "$want" ] || it_fail "policies of the copy: got '$got', want '$want'"
got=$(ws_psql -At -d "${rdb}_copy" -c "SELECT usename || ' ' || srvname || ' ' || array_to_string(umoptions, ',') FROM pg_catalog.pg_user_mappings ORDER BY 1")
[ "$got" = "public far away user=guest" ] || it_fail "user mappings of the copy: got '$got'"
q="SELECT id, who FROM public.notes ORDER BY 1"
[ "$(srv_psql -At -d "$rdb" -c "$q" | md5sum)" = "$(ws_psql -At -d "${rdb}_copy" -c "$q" | md5sum)" ] || it_fail "rows of notes differ"
it_note "$(grep 'not copied exactly' "$H/run/err" | head -n 5 | tr '\n' ' ')"
