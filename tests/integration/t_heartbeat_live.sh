#!/bin/bash
# needs-real-siphon
# A long but live pull is never cut: with --heartbeat-timeout 15, the local side takes 20 s to
# start restoring the schema (the loop waits) and 20 s more in a query siphon runs to completion
# (the swap), and the pull still succeeds, faithfully, in more than twice the timeout.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
pg_keep

slow=$H/slow-psql
mkdir -p "$slow"
cat >"$slow/psql" <<WRAP
#!/bin/sh
case "\$*" in
*--version*) ;;
*siphon_tmp_*)
	[ -e '$slow/schema' ] || { : >'$slow/schema'; sleep 20; } ;;
*"dbname='postgres'"*)
	[ -e '$slow/schema' ] && [ ! -e '$slow/sync' ] && { : >'$slow/sync'; sleep 20; } ;;
esac
exec /usr/lib/postgresql/15/bin/psql "\$@"
WRAP
chmod 755 "$slow/psql"
t0=$(date +%s)
PATH=$slow:$PATH siphon_pull small --into small_slow --heartbeat-timeout 15
t1=$(date +%s)
assert_rc 0 "a slow but live pull"
[ -e "$slow/schema" ] && [ -e "$slow/sync" ] || it_fail "the slow psql was not used"
[ $((t1 - t0)) -ge 40 ] || it_fail "the pull took only $((t1 - t0)) s"
it_note "a pull of $((t1 - t0)) s with --heartbeat-timeout 15 went through"
assert_same small small_slow
ws_psql -q -d postgres -c 'DROP DATABASE small_slow' >/dev/null
assert_ws_dbs keep
assert_left_clean pg
