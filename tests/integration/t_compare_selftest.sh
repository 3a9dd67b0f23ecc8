#!/bin/bash
# compare.sh itself: a pg_dump --create copy of "app" made through the real sshd is equal; each
# injected difference (deleted row, changed value, dropped index, sequence value, database
# setting, large object, extra table) is caught; after undoing them it is equal again.
# Needs no siphon.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin --no-siphon

ssh_remote "pg_dump --create app" >"$H/run/app.sql" 2>"$H/run/pg_dump.err" || it_fail "pg_dump through ssh: $(cat "$H/run/pg_dump.err")"
ws_psql -q -d postgres -f "$H/run/app.sql" >"$H/run/restore.log" 2>&1 || it_fail "restore: $(tail -n 5 "$H/run/restore.log")"
rm -f "$H/run/app.sql"
assert_same app app

q() { ws_psql -q -d app "$@" >/dev/null || it_fail "ws_psql $*"; }

# Inject every difference at once, then check that each one is reported.
def=$(ws_psql -At -d app -c "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx; sku'")
lo=$(ws_psql -At -d app -c "SELECT content FROM documents WHERE id = 1")
q -c "DELETE FROM \"O'Brien\" WHERE name = 'Flann'"
q -c "UPDATE all_types SET f8 = 0 WHERE label = 'float -0'"
q -c 'DROP INDEX "idx; sku"'
q -c "SELECT setval('public.invoice_no', 43, false)"
q -c "ALTER DATABASE app RESET app.setting"
q -c "SELECT lo_put($lo, 0, '\\x01')"
q -c "CREATE TABLE \"Sales Data\".extra (x int)"
q -c 'ALTER TABLE "MixedCase" DISABLE TRIGGER "bump; counter"'
out=$(COMPARE_MAX_LINES=500 "$SIPHON_IT_LIB_DIR/compare.sh" app app 2>&1)
rc=$?
[ "$rc" = 1 ] || { echo "$out" >&2; it_fail "compare.sh exited $rc with 8 injected differences"; }
expect() { # WHAT PATTERN
	grep -qF -- "$2" <<<"$out" || { echo "$out" >&2; it_fail "compare.sh did not report $1 (no line with: $2)"; }
	it_note "caught: $1"
}
expect "a deleted row" "+data public.\"O'Brien\" rows=2"
expect "a changed value (-0 -> 0)" "+data public.all_types rows=47"
expect "a missing index" '-index CREATE INDEX "idx; sku"'
expect "a sequence value" "+seqvalue public.invoice_no last_value=43"
expect "a database setting" "-dbsetting app.setting"
expect "a large object's content" "+largeobject $lo size=1024"
expect "an extra table" '+rel "Sales Data".extra'
expect "a disabled trigger" '+trigger CREATE TRIGGER "bump; counter"'

# Undo them all: equal again.
q -c "INSERT INTO \"O'Brien\" (id, name) VALUES (2, 'Flann')"
q -c "UPDATE all_types SET f8 = '-0' WHERE label = 'float -0'"
q -c "$def"
q -c "SELECT setval('public.invoice_no', 42, false)"
q -c "ALTER DATABASE app SET app.setting = 'it''s \"x\"'"
q -c "SELECT lo_put($lo, 0, '\\x00')"
q -c "DROP TABLE \"Sales Data\".extra"
q -c 'ALTER TABLE "MixedCase" ENABLE TRIGGER "bump; counter"'
assert_same app app
