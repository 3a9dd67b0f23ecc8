# shellcheck shell=bash
# The MariaDB side of the integration harness: sourced by lib.sh, started and stopped by
# harness_start / harness_stop. Two MariaDB 10.11 servers in $H, each in a throwaway data directory
# (mariadb-install-db), run as the OS user mysql, on their own Unix socket and a free loopback port:
#
#   "server"      $H/my-srv: the production side, reached over the harness's sshd. Binary log on
#                 (log_bin, binlog_format=ROW, server_id=1: siphon may read Binlog_snapshot_position),
#                 event_scheduler=ON, system time zone Asia/Kolkata (+05:30, no DST).
#   "workstation" $H/my-ws: siphon's local side. No binary log, event_scheduler=ON (an event restored
#                 ENABLED would run), system time zone America/New_York (DST): a TIMESTAMP that is
#                 dumped or loaded in a session time zone other than UTC shows up shifted.
# Both: max_allowed_packet=256M, innodb_flush_log_at_trx_commit=0, no doublewrite, utf8mb4 server
# default (utf8mb4_general_ci, Debian's default), performance_schema off, skip-name-resolve.
#
# Accounts on the server:
#   root@localhost, mysql@localhost  unix_socket authentication (made by mariadb-install-db); the
#                                    helpers below connect as root.
#   siphon_remote@localhost          the backup account of the SSH logins (password
#                                    $SIPHON_IT_MY_PASSWORD), granted SELECT, SHOW VIEW, TRIGGER, EVENT,
#                                    LOCK TABLES, RELOAD, PROCESS, BINLOG MONITOR (= REPLICATION
#                                    CLIENT) ON *.*
#   limited@localhost                SELECT on siphon_src.texts only ($SIPHON_IT_MY_LIMITED_*)
#   prod_app@%                       the DEFINER of the fixture's views, triggers, routines and events;
#                                    exists on the server only (ACCOUNT LOCK)
# On the workstation only root@localhost and mysql@localhost (unix_socket): siphon runs as root.
#
# How the remote side finds its server: the OS logins siphon_remote and siphon_dash have a
# ~/.my.cnf (mode 0600) with [client] user=siphon_remote and its password, which stays the same
# across harnesses (concurrent harnesses share these logins). The socket of this harness's server
# is in $SIPHON_IT_MY_CLIENT_HOME/my.cnf ([client] socket=...), and the harness's sshd hands every
# session MYSQL_HOME=$SIPHON_IT_MY_CLIENT_HOME (SetEnv). MariaDB clients read, in order:
# /etc/mysql/my.cnf (Debian's [client-server] socket=/run/mysqld/mysqld.sock), $MYSQL_HOME/my.cnf,
# --defaults-extra-file, ~/.my.cnf; a later file wins. So a plain `mariadb-dump db` run over SSH
# reaches the harness's server as siphon_remote, and nothing in ~/.my.cnf depends on one harness.
# --remote-sudo: sudoers lets siphon_remote become postgres or mysql (keeping MYSQL_HOME); the OS
# user mysql logs in to MariaDB as mysql@localhost through unix_socket (all privileges).
#
# Local side: ws_env (lib.sh) calls ws_my_env, which exports MYSQL_UNIX_PORT=$SIPHON_IT_MY_WS_SOCK
# and unsets MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_PWD, MYSQL_HOME. Debian's /etc/mysql/my.cnf names a
# socket and option files beat MYSQL_UNIX_PORT: a client that is not given --socket reaches
# /run/mysqld/mysqld.sock (nothing there), so siphon must pass MYSQL_UNIX_PORT as --socket.
#
# Exported (besides lib.sh's):
#   SIPHON_IT_MY_SRV_SOCK, SIPHON_IT_MY_WS_SOCK   Unix sockets of the two servers
#   SIPHON_IT_MY_SRV_PORT, SIPHON_IT_MY_WS_PORT   their TCP ports (127.0.0.1 only)
#   SIPHON_IT_MY_SRV_LOG, SIPHON_IT_MY_WS_LOG     their error logs
#   SIPHON_IT_MY_SRV_TZ, SIPHON_IT_MY_WS_TZ       their system time zones
#   SIPHON_IT_MY_CLIENT_HOME  the MYSQL_HOME of remote sessions (its my.cnf names the server socket)
#   SIPHON_IT_MY_USER, SIPHON_IT_MY_PASSWORD      the remote backup account (siphon_remote)
#   SIPHON_IT_MY_LIMITED_USER, SIPHON_IT_MY_LIMITED_PASSWORD  limited (SELECT on siphon_src.texts)
#   SIPHON_IT_MY_LIMITED_CNF  an option file (readable by the SSH logins) with socket, user=limited
#                             and its password: `--defaults-file=$SIPHON_IT_MY_LIMITED_CNF` as the
#                             FIRST option of a remote client (a --defaults-extra-file would lose to
#                             ~/.my.cnf, which names siphon_remote)
#   SIPHON_IT_MY_BADPW_CNF    the same for siphon_remote with a wrong password
#   SIPHON_IT_MY_DEFINER      prod_app@% (user@host, as information_schema writes definers)
#   SIPHON_IT_MY_SRC_DB       siphon_src
#   SIPHON_IT_MY_HOSTILE_DB   the fixture's hostile database name
#   SIPHON_IT_MY              1 when the MariaDB servers are up (0: MariaDB not installed, or
#                             SIPHON_IT_NO_MYSQL=1); MySQL tests call it_require_my first
#
# Knobs: SIPHON_IT_NO_MYSQL=1 (no MariaDB at all), SIPHON_IT_NO_FIXTURE=1 (no fixture_mysql.sql
# either), SIPHON_IT_MY_BUFFER_POOL (innodb_buffer_pool_size, default 256M),
# SIPHON_IT_MY_LOG_FILE_SIZE (innodb_log_file_size, default the server's).
#
# Functions:
#   srv_my ARGS / ws_my ARGS  the mariadb client as root on the server / workstation
#                             (--no-defaults, utf8mb4, max_allowed_packet 1G), ARGS passed through
#   ws_my_dbs                 the workstation's user databases, one a line, byte order (without
#                             information_schema, mysql, performance_schema, sys)
#   ws_my_env                 see above (called by ws_env)
#   ws_my_reset               drop every user database on the workstation (it_begin calls it)
#   it_require_my             skip the test (77) when MariaDB is not available
#   srv_my_ensure_big         create (once) siphon_big, ~100 MB, on the server
#   ws_my_small_server MB     a third workstation MariaDB whose data directory is a tmpfs of MB
#                             megabytes (8 MB redo log): WS_MY_SMALL_SOCK, WS_MY_SMALL_DIR; stopped
#                             and unmounted at exit; 1 when no tmpfs can be mounted here
#   my_bank_create DB [ROWS]  (re)create DB on the server with accounts_a and accounts_b (ROWS each,
#                             default 50000, balance 1000, a 100-byte pad)
#   my_bank_load_start DB SECONDS  background transfers between a row of accounts_a and a row of
#                             accounts_b (one transaction each, total constant) for SECONDS;
#                             MY_BANK_PID; stopped at exit
#   my_bank_load_stop [wait]  stop it now (or wait for its end); MY_BANK_TXNS = transfers committed
#                             (to within 200)
#   my_bank_total DB [srv|ws] SUM(accounts_a.balance) + SUM(accounts_b.balance)
#   assert_same_my SRC DST [compare_mysql.sh options]  compare_mysql.sh, fail the test on differences
#   assert_ws_my_dbs NAME...  the workstation's database list is exactly NAME...
#   srv_my_remote_sessions    the remote accounts' sessions on the server, one a line
#   wait_my_data_select PID [SECONDS] [USER]  until a data channel reads rows on the server
#   my_fingerprint_ws DB      one md5 for a whole workstation database (schema + rows)

SIPHON_IT_MY_MARIADBD=/usr/sbin/mariadbd
SIPHON_IT_MY_USER=siphon_remote
SIPHON_IT_MY_LIMITED_USER=limited
SIPHON_IT_MY_DEFINER='prod_app@%'
SIPHON_IT_MY_SRC_DB=siphon_src
SIPHON_IT_MY_SRV_TZ=Asia/Kolkata
SIPHON_IT_MY_WS_TZ=America/New_York
# Keep in step with fixture_mysql.sql.
SIPHON_IT_MY_HOSTILE_DB="hostile \`db\` 'q' \"d\"; \$(touch /tmp/siphon-pwned-mydb) ü"
SIPHON_IT_MY=0

# Names that lib.sh writes to $H/env and exports.
_H_MY_VARS="SIPHON_IT_MY SIPHON_IT_MY_SRV_SOCK SIPHON_IT_MY_WS_SOCK SIPHON_IT_MY_SRV_PORT SIPHON_IT_MY_WS_PORT
SIPHON_IT_MY_SRV_LOG SIPHON_IT_MY_WS_LOG SIPHON_IT_MY_SRV_TZ SIPHON_IT_MY_WS_TZ SIPHON_IT_MY_CLIENT_HOME
SIPHON_IT_MY_USER SIPHON_IT_MY_PASSWORD SIPHON_IT_MY_LIMITED_USER SIPHON_IT_MY_LIMITED_PASSWORD
SIPHON_IT_MY_LIMITED_CNF SIPHON_IT_MY_BADPW_CNF SIPHON_IT_MY_DEFINER SIPHON_IT_MY_SRC_DB SIPHON_IT_MY_HOSTILE_DB"

_h_my_client() { # SOCK ARGS...
	local s=$1
	shift
	mariadb --no-defaults --protocol=socket -S "$s" -u root --default-character-set=utf8mb4 \
		--max-allowed-packet=1G "$@"
}
srv_my() { _h_my_client "$SIPHON_IT_MY_SRV_SOCK" "$@"; }
ws_my() { _h_my_client "$SIPHON_IT_MY_WS_SOCK" "$@"; }

# The copies a pull keeps for rollback and reset (siphon_prev_*, siphon_pristine_*) are listed
# apart: ws_my_kept_dbs.
_h_my_dbs_sql="SELECT SCHEMA_NAME FROM information_schema.SCHEMATA
  WHERE SCHEMA_NAME NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')
  AND SCHEMA_NAME NOT LIKE 'siphon\\_prev\\_%' AND SCHEMA_NAME NOT LIKE 'siphon\\_pristine\\_%'
  ORDER BY CAST(SCHEMA_NAME AS BINARY)"
ws_my_dbs() { ws_my -N -B -r -e "$_h_my_dbs_sql"; }
ws_my_kept_dbs() {
	ws_my -N -B -r -e "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA
	  WHERE SCHEMA_NAME LIKE 'siphon\\_prev\\_%' OR SCHEMA_NAME LIKE 'siphon\\_pristine\\_%'
	  ORDER BY CAST(SCHEMA_NAME AS BINARY)"
}

ws_my_env() {
	if [ "${SIPHON_IT_MY:-0}" = 1 ]; then
		export MYSQL_UNIX_PORT=$SIPHON_IT_MY_WS_SOCK
	fi
	unset MYSQL_HOST MYSQL_TCP_PORT MYSQL_PWD MYSQL_HOME MARIADB_HOME
}

it_require_my() {
	[ "${SIPHON_IT_MY:-0}" = 1 ] || it_skip "MariaDB is not available in this harness (install mariadb-server; SIPHON_IT_NO_MYSQL unset)"
}

# A backquoted identifier / a string literal for SQL text (names may be hostile).
my_ident() { local s=${1//\`/\`\`}; printf '`%s`' "$s"; }
my_str() { printf "CONVERT(UNHEX('%s') USING utf8mb4)" "$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n')"; }

# ---------------------------------------------------------------------------------------------
# start / stop

# The SSH logins' ~/.my.cnf: [client] user and password of the backup account. The password is
# generated once and kept (concurrent harnesses share the logins); it is read back from the
# first login's file. Sets SIPHON_IT_MY_PASSWORD.
_h_my_login_cnfs() {
	local home f u pw=""
	home=$(getent passwd "$SIPHON_IT_SSH_USER" | cut -d: -f6)
	[ -n "$home" ] || return 1
	(
		flock 9
		f=$home/.my.cnf
		if [ -f "$f" ] && grep -q '^# siphon-it' "$f"; then
			pw=$(sed -n 's/^password=//p' "$f" | head -n 1)
		fi
		[ -n "$pw" ] || pw=siphon-it-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
		for u in "$SIPHON_IT_SSH_USER" "$SIPHON_IT_DASH_USER"; do
			home=$(getent passwd "$u" | cut -d: -f6)
			[ -n "$home" ] || continue
			f=$home/.my.cnf
			cat >"$f.new" <<-EOF || exit 1
				# siphon-it: the MariaDB backup account of this login, written by tests/harness/mysql.sh.
				# The socket comes from \$MYSQL_HOME/my.cnf, which each harness's sshd sets (SetEnv).
				[client]
				user=$SIPHON_IT_MY_USER
				password=$pw
			EOF
			chown "$u:" "$f.new" && chmod 600 "$f.new" && mv "$f.new" "$f" || exit 1
		done
		echo "$pw" >"$H/my-login-password"
	) 9>/run/siphon-it.lock || return 1
	SIPHON_IT_MY_PASSWORD=$(cat "$H/my-login-password") && rm -f "$H/my-login-password"
}

_h_my_server_start() { # NAME PORT TZ ROLE(srv|ws)
	local name=$1 port=$2 tz=$3 role=$4 d=$H/my-$1 i pid
	mkdir -p "$d/data" "$d/tmp" || return 1
	chown mysql: "$d" "$d/data" "$d/tmp" && chmod 755 "$d" || return 1
	: >"$H/logs/my-$name.log" && chown mysql: "$H/logs/my-$name.log" || return 1
	{
		echo "# siphon integration harness (throwaway): MariaDB \"$name\""
		echo "[mariadbd]"
		echo "user = mysql"
		echo "datadir = $d/data"
		echo "socket = $d/mysqld.sock"
		echo "pid-file = $d/mysqld.pid"
		echo "log-error = $H/logs/my-$name.log"
		echo "tmpdir = $d/tmp"
		echo "port = $port"
		echo "bind-address = 127.0.0.1"
		echo "skip-name-resolve"
		echo "character-set-server = utf8mb4"
		echo "collation-server = utf8mb4_general_ci"
		echo "innodb_flush_log_at_trx_commit = 0"
		echo "innodb_doublewrite = 0"
		echo "innodb_buffer_pool_size = ${SIPHON_IT_MY_BUFFER_POOL:-256M}"
		[ -n "${SIPHON_IT_MY_LOG_FILE_SIZE:-}" ] && echo "innodb_log_file_size = $SIPHON_IT_MY_LOG_FILE_SIZE"
		echo "max_allowed_packet = 256M"
		echo "max_connections = 200"
		echo "performance_schema = OFF"
		echo "event_scheduler = ON"
		echo "sync_binlog = 0"
		if [ "$role" = srv ]; then
			echo "log_bin = $d/data/binlog"
			echo "binlog_format = ROW"
			echo "server_id = 1"
		else
			echo "skip-log-bin"
			echo "server_id = 2"
		fi
	} >"$d/my.cnf" || return 1
	# Its own tmpdir, also for the bootstrap: a starting mariadbd deletes the #sql* files in its
	# tmpdir, and other servers on this machine (the other harness server, other harnesses) start
	# at the same moment.
	mariadb-install-db --no-defaults --user=mysql --datadir="$d/data" --tmpdir="$d/tmp" --skip-test-db \
		--auth-root-authentication-method=socket >"$H/logs/my-$name.install.log" 2>&1 ||
		{ _h_log "mariadb-install-db $name failed:"; tail -n 20 "$H/logs/my-$name.install.log" >&2; return 1; }
	# setsid: its own session, like pg_ctl's postmaster (a ^C to the test must not reach it).
	TZ=$tz setsid "$SIPHON_IT_MY_MARIADBD" --defaults-file="$d/my.cnf" </dev/null >>"$H/logs/my-$name.log" 2>&1 &
	pid=$!
	echo "$pid" >"$d/started.pid"
	for i in $(seq 1 600); do
		if mariadb-admin --no-defaults --protocol=socket -S "$d/mysqld.sock" -u root ping >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	_h_log "MariaDB $name did not start:"
	tail -n 20 "$H/logs/my-$name.log" >&2
	return 1
}

# Accounts on the server (before the fixture: prod_app must exist for its DEFINER clauses).
_h_my_accounts_sql() {
	local pw=${SIPHON_IT_MY_PASSWORD//\'/\'\'} lpw=${SIPHON_IT_MY_LIMITED_PASSWORD//\'/\'\'}
	cat <<-EOF
		CREATE USER 'siphon_remote'@'localhost' IDENTIFIED BY '$pw';
		GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, RELOAD, PROCESS, BINLOG MONITOR
		  ON *.* TO 'siphon_remote'@'localhost';
		CREATE USER 'limited'@'localhost' IDENTIFIED BY '$lpw';
		CREATE USER 'prod_app'@'%' IDENTIFIED BY '$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')' ACCOUNT LOCK;
	EOF
}

# Everything MariaDB of harness_start, run in the background (in parallel with the PostgreSQL
# clusters and sshd): both servers, the accounts, the fixture. Status in $H/my/rc.
_h_my_job() {
	local rc=0 p1 p2
	_h_my_server_start srv "$SIPHON_IT_MY_SRV_PORT" "$SIPHON_IT_MY_SRV_TZ" srv &
	p1=$!
	_h_my_server_start ws "$SIPHON_IT_MY_WS_PORT" "$SIPHON_IT_MY_WS_TZ" ws &
	p2=$!
	wait "$p1" || rc=1
	wait "$p2" || rc=1
	if [ "$rc" = 0 ]; then
		_h_my_accounts_sql | srv_my >"$H/logs/my-accounts.log" 2>&1 ||
			{ _h_log "MariaDB accounts failed:"; cat "$H/logs/my-accounts.log" >&2; rc=1; }
	fi
	if [ "$rc" = 0 ] && [ "${SIPHON_IT_NO_FIXTURE:-0}" != 1 ]; then
		local t0 t1
		t0=$(date +%s.%N)
		if srv_my --comments <"$SIPHON_IT_LIB_DIR/fixture_mysql.sql" >"$H/logs/my-fixture.log" 2>&1 &&
			srv_my -e "GRANT SELECT ON siphon_src.texts TO 'limited'@'localhost'" >>"$H/logs/my-fixture.log" 2>&1; then
			t1=$(date +%s.%N)
			echo "$(_h_secs "$t0" "$t1")" >"$H/my/fixture-secs"
		else
			_h_log "MariaDB fixture load failed:"
			tail -n 20 "$H/logs/my-fixture.log" >&2
			rc=1
		fi
	fi
	echo "$rc" >"$H/my/rc"
}

# Called by harness_start after $H exists: decides names, ports and passwords, starts _h_my_job.
_h_my_begin() {
	SIPHON_IT_MY=0
	SIPHON_IT_MY_SRV_SOCK=$H/my-srv/mysqld.sock
	SIPHON_IT_MY_WS_SOCK=$H/my-ws/mysqld.sock
	SIPHON_IT_MY_SRV_LOG=$H/logs/my-srv.log
	SIPHON_IT_MY_WS_LOG=$H/logs/my-ws.log
	SIPHON_IT_MY_CLIENT_HOME=$H/my-srv/client
	SIPHON_IT_MY_SRV_PORT= SIPHON_IT_MY_WS_PORT=
	SIPHON_IT_MY_LIMITED_CNF=$H/my-srv/limited.cnf
	SIPHON_IT_MY_BADPW_CNF=$H/my-srv/badpw.cnf
	if [ "${SIPHON_IT_NO_MYSQL:-0}" = 1 ]; then
		return 0
	fi
	if [ ! -x "$SIPHON_IT_MY_MARIADBD" ] || ! command -v mariadb-install-db >/dev/null 2>&1 ||
		! command -v mariadb >/dev/null 2>&1 || ! getent passwd mysql >/dev/null; then
		_h_log "MariaDB is not installed (tests/harness/install-deps.sh): MySQL tests will be skipped"
		return 0
	fi
	mkdir -p "$H/my" || return 1
	SIPHON_IT_MY_SRV_PORT=$(_h_free_port) || return 1
	SIPHON_IT_MY_WS_PORT=$(_h_free_port) || return 1
	[ "$SIPHON_IT_MY_WS_PORT" != "$SIPHON_IT_MY_SRV_PORT" ] || SIPHON_IT_MY_WS_PORT=$(_h_free_port) || return 1
	_h_ensure_user "$SIPHON_IT_SSH_USER" /bin/bash || return 1
	_h_ensure_user "$SIPHON_IT_DASH_USER" /bin/sh || return 1
	_h_my_login_cnfs || { _h_log "writing the logins' ~/.my.cnf failed"; return 1; }
	SIPHON_IT_MY_LIMITED_PASSWORD=limited-$(od -An -N9 -tx1 /dev/urandom | tr -d ' \n')
	_h_my_job >"$H/logs/my-start.log" 2>&1 &
	_h_my_pid=$!
}

# Called by harness_start at the end: waits for _h_my_job, writes the client files, checks the
# remote chain (ssh -> ~/.my.cnf + MYSQL_HOME -> the server as siphon_remote).
_h_my_end() {
	[ -n "${_h_my_pid:-}" ] || return 0
	wait "$_h_my_pid"
	_h_my_pid=
	if [ "$(cat "$H/my/rc" 2>/dev/null)" != 0 ]; then
		_h_log "MariaDB did not come up:"
		cat "$H/logs/my-start.log" >&2
		return 1
	fi
	local d=$H/my-srv
	mkdir -p "$SIPHON_IT_MY_CLIENT_HOME" && chmod 755 "$SIPHON_IT_MY_CLIENT_HOME" || return 1
	printf '# siphon integration harness: MYSQL_HOME of the remote sessions\n[client]\nsocket=%s\n' \
		"$SIPHON_IT_MY_SRV_SOCK" >"$SIPHON_IT_MY_CLIENT_HOME/my.cnf" || return 1
	printf '[client]\nsocket=%s\nuser=limited\npassword=%s\n' "$SIPHON_IT_MY_SRV_SOCK" \
		"$SIPHON_IT_MY_LIMITED_PASSWORD" >"$SIPHON_IT_MY_LIMITED_CNF" || return 1
	printf '[client]\nsocket=%s\nuser=%s\npassword=wrong-%s\n' "$SIPHON_IT_MY_SRV_SOCK" \
		"$SIPHON_IT_MY_USER" "$SIPHON_IT_MY_PASSWORD" >"$SIPHON_IT_MY_BADPW_CNF" || return 1
	chmod 644 "$SIPHON_IT_MY_CLIENT_HOME/my.cnf" "$SIPHON_IT_MY_LIMITED_CNF" "$SIPHON_IT_MY_BADPW_CNF"
	chmod 755 "$d"
	SIPHON_IT_MY=1
	local who
	who=$(ssh_remote 'mariadb -N -B -e "SELECT CURRENT_USER()"' 2>>"$H/logs/ssh-check.log") ||
		{ _h_log "ssh check (MariaDB) failed:"; cat "$H/logs/ssh-check.log" >&2; return 1; }
	[ "$who" = "$SIPHON_IT_MY_USER@localhost" ] ||
		{ _h_log "ssh check (MariaDB): expected $SIPHON_IT_MY_USER@localhost, got '$who'"; return 1; }
	[ -s "$H/my/fixture-secs" ] && _h_my_fixture_secs=$(cat "$H/my/fixture-secs")
	return 0
}

_h_my_stop() {
	local name pid i
	[ -n "${_h_my_pid:-}" ] && { kill "$_h_my_pid" 2>/dev/null; wait "$_h_my_pid" 2>/dev/null; }
	local f
	for name in ws srv; do
		for f in "$H/my-$name/mysqld.pid" "$H/my-$name/started.pid"; do
			pid=$(cat "$f" 2>/dev/null) || continue
			[ -n "$pid" ] || continue
			# Only a mariadbd whose command line names this harness's config.
			grep -qF -- "$H/my-$name/my.cnf" "/proc/$pid/cmdline" 2>/dev/null || continue
			kill -9 "$pid" 2>/dev/null
			for i in $(seq 1 100); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.02
			done
		done
	done
}

# ---------------------------------------------------------------------------------------------
# test helpers

ws_my_reset() {
	[ "${SIPHON_IT_MY:-0}" = 1 ] || return 0
	local db q=
	while IFS= read -r db; do
		[ -n "$db" ] || continue
		q="$q DROP DATABASE $(my_ident "$db");"
	done < <(ws_my_dbs; ws_my_kept_dbs)
	# One client for them all.
	[ -z "$q" ] || ws_my -e "$q" || it_fail "could not drop the workstation's MariaDB databases:$q"
}

assert_ws_my_dbs() { # NAME...
	local want got
	want=$(printf '%s\n' "$@" | LC_ALL=C sort)
	got=$(ws_my_dbs)
	[ "$want" = "$got" ] || it_fail "workstation MariaDB databases: want [$(echo $want)] got [$(echo $got)]"
}

assert_same_my() { # SRC_DB DST_DB [OPTIONS...]
	local s=$1 d=$2
	shift 2
	"$SIPHON_IT_LIB_DIR/compare_mysql.sh" "$@" "$s" "$d" >"$H/run/compare" 2>&1 || {
		cat "$H/run/compare" >&2
		it_fail "compare_mysql.sh '$s' '$d' found differences"
	}
	it_note "$(tail -n 1 "$H/run/compare")"
}

my_fingerprint_ws() { "$SIPHON_IT_LIB_DIR/compare_mysql.sh" --fingerprint "$1"; }

# Sessions of the remote accounts on the server ("id user db command info" lines).
srv_my_remote_sessions() {
	srv_my -N -B -e "SELECT ID, USER, IFNULL(DB, '-'), COMMAND, LEFT(IFNULL(INFO, ''), 60)
	  FROM information_schema.PROCESSLIST WHERE USER IN ('siphon_remote', 'limited', 'mysql') AND ID <> CONNECTION_ID()"
}

# Wait until a data channel of siphon reads rows on the server: a SELECT CONCAT('v', ... (the
# channels' row query; the catalog queries do not look like it) by USER (default siphon_remote).
# Fails if PID exits first or after SECONDS.
wait_my_data_select() { # PID [SECONDS] [USER]
	local i n
	for i in $(seq 1 $((${2:-30} * 20))); do
		n=$(srv_my -N -B -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST
		  WHERE USER = '${3:-$SIPHON_IT_MY_USER}' AND COMMAND = 'Query' AND INFO LIKE 'SELECT CONCAT(''v'', %'")
		[ "$n" -ge 1 ] 2>/dev/null && return 0
		kill -0 "$1" 2>/dev/null || it_fail "siphon exited before a data channel was seen reading rows"
		sleep 0.05
	done
	it_fail "no data channel seen reading rows within ${2:-30}s"
}

# siphon_big: about 100 MB of data (2 x 500,000 barely compressible rows; a --hex-blob dump is
# ~145 MB), made on first use (~4 s).
ws_my_small_server() { # MB
	local d=$H/my-small port
	mkdir -p "$d/data" || return 1
	mount -t tmpfs -o "size=${1}m,mode=755" none "$d/data" 2>/dev/null || return 1
	# (mariadb-admin shutdown returns once the server is down; no loop variable here: the handlers
	# run inside _h_exit's loop.)
	harness_on_exit "mariadb-admin --no-defaults --protocol=socket -S '$d/mysqld.sock' -u root shutdown >/dev/null 2>&1 || kill -9 \$(cat '$d/started.pid') 2>/dev/null; umount -l '$d/data' 2>/dev/null"
	port=$(_h_free_port) || return 1
	SIPHON_IT_MY_LOG_FILE_SIZE=8M SIPHON_IT_MY_BUFFER_POOL=64M _h_my_server_start small "$port" UTC ws || return 1
	WS_MY_SMALL_SOCK=$d/mysqld.sock
	WS_MY_SMALL_DIR=$d/data
}

srv_my_ensure_big() {
	if [ "$(srv_my -N -B -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'siphon_big'")" = 2 ]; then
		return 0
	fi
	srv_my >/dev/null <<-'EOF'
		DROP DATABASE IF EXISTS siphon_big_tmp;
		CREATE DATABASE siphon_big_tmp;
		USE siphon_big_tmp;
		CREATE TABLE siphon_big_tmp.blob_rows (id BIGINT PRIMARY KEY, a VARCHAR(64) NOT NULL, b VARBINARY(32) NOT NULL) ENGINE=InnoDB;
		INSERT INTO siphon_big_tmp.blob_rows
		  SELECT seq, CONCAT(MD5(seq), MD5(seq * 7)), UNHEX(CONCAT(MD5(seq * 13), MD5(seq * 17))) FROM seq_1_to_500000;
		CREATE TABLE siphon_big_tmp.more_rows LIKE siphon_big_tmp.blob_rows;
		INSERT INTO siphon_big_tmp.more_rows SELECT * FROM siphon_big_tmp.blob_rows;
		CREATE DATABASE IF NOT EXISTS siphon_big;
		RENAME TABLE siphon_big_tmp.blob_rows TO siphon_big.blob_rows, siphon_big_tmp.more_rows TO siphon_big.more_rows;
		DROP DATABASE siphon_big_tmp;
	EOF
}

# The bank: accounts_a and accounts_b always sum to ROWS * 2000 when every transfer is seen whole.
my_bank_create() { # DB [ROWS]
	local q rows=${2:-50000}
	q=$(my_ident "$1")
	srv_my >/dev/null <<-EOF
		DROP DATABASE IF EXISTS $q;
		CREATE DATABASE $q;
		USE $q;
		CREATE TABLE $q.accounts_a (id INT PRIMARY KEY, balance BIGINT NOT NULL, pad CHAR(100) NOT NULL) ENGINE=InnoDB;
		CREATE TABLE $q.accounts_b (id INT PRIMARY KEY, balance BIGINT NOT NULL, pad CHAR(100) NOT NULL) ENGINE=InnoDB;
		INSERT INTO $q.accounts_a SELECT seq, 1000, MD5(seq) FROM seq_1_to_$rows;
		INSERT INTO $q.accounts_b SELECT seq, 1000, MD5(-seq) FROM seq_1_to_$rows;
	EOF
}

my_bank_total() { # DB [srv|ws]
	local q
	q=$(my_ident "$1")
	"${2:-srv}_my" -N -B -e "SELECT (SELECT SUM(balance) FROM $q.accounts_a) + (SELECT SUM(balance) FROM $q.accounts_b)"
}

# One client session runs transfers for SECONDS: each transaction moves a random amount from a
# random row of one table to a random row of the other (directions alternate), so the total never
# changes for a reader that sees one instant. The generator and the client run in their own
# process group (MY_BANK_PID is its leader), killed at exit.
my_bank_load_start() { # DB SECONDS
	local q rows
	q=$(my_ident "$1")
	rows=$(srv_my -N -B -e "SELECT COUNT(*) FROM $q.accounts_a") || it_fail "bank $1: no accounts_a"
	: >"$H/run/bank.out"
	setsid bash -c '
		awk -v secs="$1" -v rows="$2" '\''BEGIN {
			srand(); end = systime() + secs; n = 0
			while (systime() < end) {
				for (i = 0; i < 200; i++) {
					a = 1 + int(rand() * rows); b = 1 + int(rand() * rows); x = 1 + int(rand() * 50)
					if (n % 2) { f = "accounts_a"; t = "accounts_b" } else { f = "accounts_b"; t = "accounts_a" }
					printf "START TRANSACTION; UPDATE %s SET balance = balance - %d WHERE id = %d; UPDATE %s SET balance = balance + %d WHERE id = %d; COMMIT;\n", f, x, a, t, x, b
					n++
				}
				printf "SELECT %d;\n", n
				fflush()
			}
		}'\'' | mariadb --no-defaults --protocol=socket -S "$3" -u root -N -B --unbuffered -D "$4"' \
		bank "$2" "$rows" "$SIPHON_IT_MY_SRV_SOCK" "$1" >"$H/run/bank.out" 2>"$H/run/bank.err" </dev/null &
	MY_BANK_PID=$!
	harness_on_exit "kill -- -$MY_BANK_PID 2>/dev/null"
	it_note "bank load on $1 for ${2}s (pid $MY_BANK_PID)"
}
# Stop the load now (or wait for its end with WAIT): MY_BANK_TXNS = transfers committed (within 200).
my_bank_load_stop() { # [wait]
	[ -n "${MY_BANK_PID:-}" ] || return 0
	[ "${1:-}" = wait ] || kill -- -"$MY_BANK_PID" 2>/dev/null
	wait "$MY_BANK_PID" 2>/dev/null
	MY_BANK_TXNS=$(tail -n 1 "$H/run/bank.out" 2>/dev/null)
	MY_BANK_PID=
}
