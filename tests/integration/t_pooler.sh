#!/bin/bash
# needs-real-siphon
# Pulls through pgbouncer in transaction mode (--remote-pg-opts points psql/pg_dump on the server at
# a throwaway pgbouncer in front of the server cluster).
#
# This works by design: the control session's REPEATABLE READ transaction, which exported the
# snapshot, stays open until the end, and pgbouncer pins a server connection for a whole
# transaction; every worker imports the snapshot with SET TRANSACTION SNAPSHOT right after its own
# BEGIN (valid on any server connection while the exporting transaction lives) and repeats its
# settings as SET LOCAL, so nothing depends on session state. pg_dump's session settings
# (search_path '' and the rest, sent before its BEGIN) may land on other server connections: it
# then writes the search_path actually in effect into its dump, so the restore still resolves
# every name the same way.
#   1. plain transaction pooling (pool of 5, 7+ client sessions): the copy equals the source;
#   2. session state wiped after every transaction (server_reset_query_always = 1, DISCARD ALL):
#      still equal, so nothing relies on settings outliving a transaction;
#   3. a pool of one server connection: the control transaction holds it for the whole copy, the
#      other sessions queue until pgbouncer's query_wait_timeout: exit 6 (remote), nothing left
#      behind. (The error line carries pgbouncer's "query_wait_timeout" but does not yet say that
#      the pooler's pool is too small; with query_wait_timeout = 0 siphon would instead wait for
#      --stall-timeout and blame a stalled link.)
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

pgb=
for c in "$(command -v pgbouncer 2>/dev/null)" /usr/sbin/pgbouncer; do
	[ -n "$c" ] && [ -x "$c" ] && { pgb=$c; break; }
done
if [ -z "$pgb" ]; then
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get install -y -q pgbouncer || { apt-get update -q && apt-get install -y -q pgbouncer; }; } \
		>"$H/logs/pgbouncer-install.log" 2>&1 ||
		it_skip "pgbouncer is not installed and apt-get install pgbouncer failed"
	pgb=/usr/sbin/pgbouncer
	[ -x "$pgb" ] || pgb=$(command -v pgbouncer) || it_skip "pgbouncer not found after installing it"
fi

# pgb_start NAME POOL_SIZE [EXTRA_INI_LINE...]: a pgbouncer on a Unix socket in $H/pgb-NAME/sock
# (no TCP), as the postgres OS user; sets PGB_DIR, PGB_PORT, PGB_LOG.
pgb_start() {
	local name=$1 pool=$2 l
	shift 2
	PGB_DIR=$H/pgb-$name
	PGB_LOG=$H/logs/pgbouncer-$name.log
	PGB_PORT=$(_h_free_port) || it_fail "no free port"
	rm -rf "$PGB_DIR"
	mkdir -p "$PGB_DIR/sock" && chown postgres: "$PGB_DIR" "$PGB_DIR/sock" &&
		chmod 755 "$PGB_DIR" "$PGB_DIR/sock" || it_fail "mkdir $PGB_DIR"
	printf '"%s" ""\n"postgres" ""\n' "$SIPHON_IT_SSH_USER" >"$PGB_DIR/users.txt"
	{
		echo "[databases]"
		echo "* = host=$SIPHON_IT_SRV_HOST port=$SIPHON_IT_SRV_PORT"
		echo "[pgbouncer]"
		echo "listen_addr ="
		echo "listen_port = $PGB_PORT"
		echo "unix_socket_dir = $PGB_DIR/sock"
		echo "auth_type = trust"
		echo "auth_file = $PGB_DIR/users.txt"
		echo "pool_mode = transaction"
		echo "default_pool_size = $pool"
		echo "max_client_conn = 100"
		echo "logfile = $PGB_LOG"
		echo "pidfile = $PGB_DIR/pgbouncer.pid"
		for l in "$@"; do echo "$l"; done
	} >"$PGB_DIR/pgbouncer.ini"
	: >"$PGB_LOG"
	chown postgres: "$PGB_DIR/users.txt" "$PGB_DIR/pgbouncer.ini" "$PGB_LOG"
	harness_on_exit "pgb_stop '$PGB_DIR'; rm -rf '$PGB_DIR'"
	runuser -u postgres -- "$pgb" -d "$PGB_DIR/pgbouncer.ini" >"$H/logs/pgbouncer-$name.start.log" 2>&1 ||
		{ cat "$H/logs/pgbouncer-$name.start.log" "$PGB_LOG" >&2; it_fail "pgbouncer ($name) did not start"; }
	for _ in $(seq 1 50); do
		[ -S "$PGB_DIR/sock/.s.PGSQL.$PGB_PORT" ] && break
		sleep 0.1
	done
	[ -S "$PGB_DIR/sock/.s.PGSQL.$PGB_PORT" ] || { cat "$PGB_LOG" >&2; it_fail "pgbouncer ($name): no socket"; }
	# The remote side (siphon_remote over ssh) reaches the server cluster through it.
	local who
	who=$(ssh_remote "psql -X -h '$PGB_DIR/sock' -p $PGB_PORT -d app -Atc 'select current_user'" 2>&1) ||
		it_fail "psql through pgbouncer ($name): $who"
	[ "$who" = "$SIPHON_IT_SSH_USER" ] || it_fail "psql through pgbouncer ($name): got '$who'"
}

# pgb_stop DIR: stop that pgbouncer and wait until its server connections are gone (the harness
# may be shared with later tests, which expect no sessions on the server cluster).
pgb_stop() {
	_h_kill_pidfile "$1/pgbouncer.pid"
	rm -f "$1/pgbouncer.pid"
	local n
	for _ in $(seq 1 50); do
		n=$(srv_psql -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename = '$SIPHON_IT_SSH_USER'" 2>/dev/null)
		[ "$n" = 0 ] && return 0
		sleep 0.1
	done
	return 0
}

# Client sessions that pgbouncer accepted for database app.
pgb_logins() { grep -c 'login attempt: db=app ' "$PGB_LOG"; }

pg_keep

# 1. transaction pooling, pool of 5
pgb_start txn 5
siphon_pull app --into app_pool -j 4 --remote-pg-opts "-h $PGB_DIR/sock -p $PGB_PORT"
assert_rc 0 "pull through pgbouncer (transaction mode, pool of 5)"
n=$(pgb_logins)
it_note "pgbouncer: $n client sessions, $(grep -c 'new connection to server' "$PGB_LOG") server connections opened"
# the ssh check, the control session, the pg_dump(s) and 4 COPY lanes (8 today)
[ "$n" -ge 7 ] || it_fail "only $n sessions went through pgbouncer: siphon did not use --remote-pg-opts for all of them"
assert_same app app_pool
pgb_stop "$PGB_DIR"

# 2. no session state survives a transaction
pgb_start reset 5 "server_reset_query = DISCARD ALL" "server_reset_query_always = 1"
siphon_pull app --into app_pool_reset -j 4 --remote-pg-opts "-h $PGB_DIR/sock -p $PGB_PORT"
assert_rc 0 "pull through pgbouncer (transaction mode, DISCARD ALL after every transaction)"
[ "$(pgb_logins)" -ge 7 ] || it_fail "only $(pgb_logins) sessions went through pgbouncer"
assert_same app app_pool_reset
pgb_stop "$PGB_DIR"

# 3. a pool of one: the snapshot transaction holds the only server connection; pg_dump queues and
# pgbouncer gives up after query_wait_timeout. A remote failure, nothing left behind.
pgb_start one 1 "query_wait_timeout = 3"
contract_before pg keep
siphon_pull app --into keep -j 4 --remote-pg-opts "-h $PGB_DIR/sock -p $PGB_PORT"
grep -q 'query_wait_timeout' "$PGB_LOG" || it_fail "pgbouncer did not time out a waiting client"
pgb_stop "$PGB_DIR"
it_note "pool of one: $(tail -n 1 "$H/run/err")"
# pgbouncer's reason reaches the user
assert_failed_cleanly pg 6 'query_wait_timeout'
assert_stderr_contains "pooler"
