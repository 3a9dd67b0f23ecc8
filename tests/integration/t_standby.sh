#!/bin/bash
# needs-real-siphon
# Pulls from a hot standby of the server cluster (pg_basebackup -R, streaming replication): the
# remote psql/pg_dump connect to the standby (--remote-pg-opts), siphon warns that it is a hot
# standby, and the copy equals the primary's database.
#   1. small (no unlogged table): exit 0, the warning, the copy equals the source;
#   2. app, which has an unlogged table (public.unlogged_cache, 100 rows on the primary): a standby
#      has no data for it (reading it fails: its main fork does not exist there). Expected: exit 0,
#      the warning, and the copy equals the source except that unlogged_cache is empty (what
#      pg_dump does on a standby).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

pgbin=$SIPHON_IT_PGBIN
sb=$H/standby
hba=$(srv_psql -At -d postgres -c 'SHOW hba_file') || it_fail "hba_file"
if ! grep -Eq '^[[:space:]]*local[[:space:]]+replication[[:space:]]' "$hba"; then
	cp -p "$hba" "$H/srv-hba.orig" || it_fail "copy $hba"
	harness_on_exit "cp -p '$H/srv-hba.orig' '$hba' && srv_psql -q -d postgres -c 'SELECT pg_reload_conf()' >/dev/null"
	echo 'local replication all trust' >>"$hba"
	srv_psql -q -d postgres -c 'SELECT pg_reload_conf()' >/dev/null || it_fail "reload"
	it_note "added 'local replication all trust' to $hba"
fi

# $H outlives this test when run.sh shares the harness: start afresh, leave nothing behind.
[ ! -f "$sb/data/postmaster.pid" ] || runuser -u postgres -- "$pgbin/pg_ctl" -D "$sb/data" -m immediate -w -t 20 stop >/dev/null 2>&1
rm -rf "$sb"
mkdir -p "$sb/sock" && chown postgres: "$sb" "$sb/sock" && chmod 755 "$sb" "$sb/sock" || it_fail "mkdir $sb"
: >"$H/logs/standby.log" && chown postgres: "$H/logs/standby.log"
harness_on_exit "{ [ ! -f '$sb/data/postmaster.pid' ] || runuser -u postgres -- '$pgbin/pg_ctl' -D '$sb/data' -m immediate -w -t 20 stop >/dev/null 2>&1; }; rm -rf '$sb'"
runuser -u postgres -- "$pgbin/pg_basebackup" -h "$SIPHON_IT_SRV_HOST" -p "$SIPHON_IT_SRV_PORT" -U postgres \
	-D "$sb/data" -R -X stream -c fast --no-sync >"$H/logs/standby.basebackup.log" 2>&1 ||
	{ cat "$H/logs/standby.basebackup.log" >&2; it_fail "pg_basebackup failed"; }
port=$(_h_free_port) || it_fail "no free port"
cat >>"$sb/data/postgresql.conf" <<-EOF
	# t_standby: the standby's own socket and port
	port = $port
	unix_socket_directories = '$sb/sock'
	listen_addresses = ''
	hot_standby = on
	hot_standby_feedback = on
EOF
runuser -u postgres -- "$pgbin/pg_ctl" -D "$sb/data" -l "$H/logs/standby.log" -w -t 60 start >"$H/logs/standby.ctl.log" 2>&1 ||
	{ tail -n 20 "$H/logs/standby.log" >&2; it_fail "the standby did not start"; }

sb_psql() { psql -X -v ON_ERROR_STOP=1 -h "$sb/sock" -p "$port" -U postgres "$@"; }
target=$(srv_psql -At -d postgres -c 'SELECT pg_current_wal_lsn()') || it_fail "primary LSN"
ok=0
for _ in $(seq 1 200); do
	r=$(sb_psql -At -d postgres -c "SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() >= '$target'::pg_lsn AND EXISTS (SELECT FROM pg_database WHERE datname = 'app')" 2>/dev/null)
	[ "$r" = t ] && { ok=1; break; }
	sleep 0.1
done
[ "$ok" = 1 ] || { tail -n 20 "$H/logs/standby.log" >&2; it_fail "the standby did not replay up to $target"; }
who=$(ssh_remote "psql -X -h '$sb/sock' -p $port -d app -Atc 'select current_user, pg_is_in_recovery()'" 2>&1) ||
	it_fail "psql to the standby as $SIPHON_IT_SSH_USER: $who"
[ "$who" = "$SIPHON_IT_SSH_USER|t" ] || it_fail "psql to the standby: expected '$SIPHON_IT_SSH_USER|t', got '$who'"

# 1. a database without unlogged tables
siphon_pull small --into small_standby --remote-pg-opts "-h $sb/sock -p $port"
assert_rc 0 "pull of small from a hot standby"
assert_stderr_contains "hot standby"
assert_same small small_standby

# 2. app: everything but the unlogged table's rows
sb_log_start=$(wc -c <"$H/logs/standby.log")
siphon_pull app --into app_standby --remote-pg-opts "-h $sb/sock -p $port"
assert_stderr_contains "hot standby"
assert_rc 0 "pull of app from a hot standby"
"$SIPHON_IT_LIB_DIR/compare.sh" app app_standby >"$H/run/compare" 2>&1
crc=$?
if [ "$crc" = 1 ]; then
	# The only difference allowed: unlogged_cache has no rows in the copy.
	diffs=$(sed -n '2,$p' "$H/run/compare")
	if printf '%s\n' "$diffs" | grep -v -E '^[-+]data public\.unlogged_cache rows=' | grep -q . ||
		! printf '%s\n' "$diffs" | grep -qxF '+data public.unlogged_cache rows=0 md5=-'; then
		cat "$H/run/compare" >&2
		it_fail "the copy from the standby differs from app in more than the unlogged table's rows"
	fi
	it_note "equal to app except the unlogged table's rows (as expected from a standby)"
elif [ "$crc" != 0 ]; then
	cat "$H/run/compare" >&2
	it_fail "compare.sh app app_standby failed"
fi
