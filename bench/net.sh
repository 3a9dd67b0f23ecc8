#!/usr/bin/env bash
# bench/net.sh - siphon against the pipelines people write by hand, on a two-host set-up that the
# script brings up itself, over links of several speeds (issue 12; `make bench` runs it).
#
#   bench/net.sh /abs/path/to/siphon            (root, Debian 12)
#
# The set-up (everything in a scratch directory, all of it removed at exit, also on ^C):
#   - "production": a network namespace (siphon-bench) with its own sshd (port 22 on 10.214.12.2),
#     PostgreSQL 15 and MariaDB 10.11, started with `ip netns exec`; the SSH login siphon_bench
#     (created once, like the harness's users) reaches PostgreSQL through sshd's SetEnv PGHOST
#     and MariaDB through its ~/.my.cnf (unix_socket authentication);
#   - "the workstation": a PostgreSQL 15 cluster and a MariaDB server in the root namespace, where
#     siphon and the hand pipelines run (as root, with a HOME of their own: no ~/.ssh/config);
#   - a veth pair between them (10.214.12.1 <-> 10.214.12.2);
#   - link profiles (BENCH_PROFILES): "unshaped" (the bare veth), a rate such as "1gbit" or
#     "100mbit" (`tc tbf` on both ends of the veth; burst >= rate/HZ), "rttN" (a round trip of N ms
#     added by bench/relay.c, which listens on 10.214.12.1 and relays to the namespace's sshd,
#     delaying each direction by N/2 ms: netem does not work on this kernel), or both joined by
#     "+" ("100mbit+rtt20"). Connections to 10.214.12.1 are not loopback for siphon: it compresses
#     as it would for a real server.
# Both sides still share this machine's CPU cores and page cache: only the network is remote.
#
# The data ("shop", issue 12): on PostgreSQL pgbench -i -s BENCH_SCALE plus BENCH_SB_TABLES
# sysbench tables of BENCH_SB_ROWS rows (bench/load_pg.sh with sysbench's own pgsql driver); on
# MariaDB BENCH_MY_TABLES sysbench tables of BENCH_MY_ROWS rows (bench/load_my.sh: sysbench
# oltp_read_write prepare).
#
# Cases (BENCH_CASES, default all that can run here), each into an empty local database shop_dev:
#   pg-siphon    siphon pull LOGIN@HOST:PORT:shop --engine postgres (its defaults otherwise)
#   pg-plain     ssh 'pg_dump shop' | psql
#   pg-zstd1     ssh 'pg_dump shop | zstd -T0 -1' | zstd -d | psql
#   pg-zstd3     ssh 'pg_dump shop | zstd -T0 -3' | zstd -d | psql
#   pg-gzip      ssh 'pg_dump shop | gzip' | gzip -d | psql
#   pg-pigz      ssh 'pg_dump shop | pigz' | pigz -d | psql               (pigz on the server)
#   pg-fc        ssh 'pg_dump -Fc shop' > file, then pg_restore -j 2 (the sum; parts in the log)
#   my-siphon    siphon pull LOGIN@HOST:PORT:shop --engine mysql
#   my-plain     ssh 'mysqldump --single-transaction shop' | mariadb
#   my-zstd1, my-zstd3, my-gzip, my-pigz   the same through zstd -T0 -1 / -3, gzip, pigz
#   my-mydumper  ssh 'mydumper -t 2 -o DIR; tar -c DIR' | tar -x, then myloader -t 2 (Debian's
#                0.10.1 has no --stream)
# and the floor's parts, on the unshaped link:
#   pg-dump, my-dump         the dump alone on the server, to /dev/null (over ssh, nothing sent)
#   pg-restore, my-restore   the restore alone from a local file: pg_restore -j 2 of an
#                            uncompressed -Fc file; mariadb < a plain dump
# Every case runs once per round on every profile; the order is shuffled anew each round
# (alternating, so that drift hits every case alike); BENCH_R rounds (default 3). Every copy is
# checked: row counts of every table and the number of indexes must match the source.
#
# Measures, per run (bench/results/*-runs.csv) and per case and profile (medians, *.md/*.csv/*.svg):
#   wall        seconds (/usr/bin/time): median, min, max
#   wire        bytes the veth carried each way during the run (its interface counters: Ethernet
#               frames, headers included; the same with or without tbf or the relay)
#   RSS         the largest process of the run (/usr/bin/time %M), and siphon's own VmHWM
#   CPU         user+sys seconds of the local process tree (/usr/bin/time), and siphon's own
#               (/proc/PID/stat, sampled every 0.1 s: the last 0.1 s may be missed)
#   timeline    siphon's --progress=json events: the first table's start, the last table's end,
#               the start of the finish phase (indexes, constraints, swap) and the end
#   floor       per engine and profile: max(siphon's wire bytes / link rate, the dump alone, the
#               restore alone), medians of the same run
#
# Knobs:
#   BENCH_SIZE=shop|tiny     shop: scale 20, 8 x 200,000 rows each side, R=3 (the issue's);
#                            tiny: scale 1, 2 x 10,000 rows, R=1 (for developing the script)
#                            small: many small tables against few big ones of the same bytes
#                            (bench/load_small.sh: small_many = BENCH_SMALL_TABLES (2000) x
#                            BENCH_SMALL_ROWS (1000) rows, small_few = BENCH_FEW_TABLES (10) tables
#                            of the same rows in all), siphon only (cases pg-many pg-few my-many
#                            my-few), R=2, unshaped; the report gives the ratio many / few
#                            (bench/small.sh runs this)
#   BENCH_BASE=/path/to/another/siphon   adds the siphon cases with that binary (pg-siphon.base,
#                            my-siphon.base; pg-many.base ... for small), alternated with the
#                            others in the same rounds: before and after on the same set-up
#   BENCH_SCALE BENCH_SB_TABLES BENCH_SB_ROWS BENCH_MY_TABLES BENCH_MY_ROWS BENCH_R   override it
#   BENCH_PROFILES="unshaped 1gbit 100mbit rtt20"   BENCH_ENGINES="pg my"   BENCH_CASES="pg-siphon ..."
#                            (only when named here: pg-siphon-jN, my-siphon-jN: siphon with -j N
#                            for N 1, 2 and 8;
#                            pg-siphon-lean: without the pristine twin PostgreSQL keeps by default)
#   BENCH_SIPHON_ARGS="-j 8"  more arguments for siphon (default none: its defaults)
#   BENCH_TIMEOUT=900         seconds before one run is killed (and counted as failed)
#   BENCH_SETTLE_WAIT=120     after the load and after each run, wait up to 120 s for InnoDB to write
#                             out its dirty pages (its flushing after a big load slowed the next run)
#   BENCH_QUIET_PCT=25 BENCH_QUIET_WAIT=30   before each run, wait up to 30 s for the machine to be
#                             at most 25 % busy (other work on it disturbs the figures)
#   BENCH_MY_POOL=1G BENCH_MY_LOG=512M   innodb_buffer_pool_size, innodb_log_file_size (both sides)
#   BENCH_OUT=bench/results   where the results go: DATE-HOST.{md,csv,svg}, -runs.csv, latest.*
#   BENCH_KEEP=1              keep the scratch directory (servers' data, logs, events); otherwise it
#                             goes at exit, and a failure keeps a copy of its logs and events

# "A && B || die" is meant: any failure of the chain is fatal.
# shellcheck disable=SC2015
set -u -o pipefail

# shellcheck disable=SC2034 # read by common.sh
BENCH_TAG=bench-net
# shellcheck source=common.sh disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_siphon "${1:-}"

BENCH_SIZE=${BENCH_SIZE:-shop}
case $BENCH_SIZE in
shop) d_scale=20 d_tables=8 d_rows=200000 d_r=3 d_pool=1G d_log=512M ;;
tiny) d_scale=1 d_tables=2 d_rows=10000 d_r=1 d_pool=128M d_log=48M ;;
small) d_scale=0 d_tables=0 d_rows=0 d_r=2 d_pool=512M d_log=256M ;;
*) echo "BENCH_SIZE: shop, tiny or small, not $BENCH_SIZE" >&2; exit 2 ;;
esac
BENCH_SMALL_TABLES=${BENCH_SMALL_TABLES:-2000}
BENCH_SMALL_ROWS=${BENCH_SMALL_ROWS:-1000}
BENCH_FEW_TABLES=${BENCH_FEW_TABLES:-10}
BENCH_BASE=${BENCH_BASE:-}
if [ -n "$BENCH_BASE" ]; then
	case $BENCH_BASE in /*) ;; *) BENCH_BASE=$PWD/$BENCH_BASE ;; esac
	[ -x "$BENCH_BASE" ] || { echo "BENCH_BASE: $BENCH_BASE is not an executable" >&2; exit 2; }
fi
BENCH_SCALE=${BENCH_SCALE:-$d_scale}
BENCH_SB_TABLES=${BENCH_SB_TABLES:-$d_tables}
BENCH_SB_ROWS=${BENCH_SB_ROWS:-$d_rows}
BENCH_MY_TABLES=${BENCH_MY_TABLES:-$BENCH_SB_TABLES}
BENCH_MY_ROWS=${BENCH_MY_ROWS:-$BENCH_SB_ROWS}
BENCH_R=${BENCH_R:-$d_r}
d_profiles="unshaped 1gbit 100mbit rtt20"
[ "$BENCH_SIZE" = small ] && d_profiles=unshaped
BENCH_PROFILES=${BENCH_PROFILES:-$d_profiles}
BENCH_ENGINES=${BENCH_ENGINES:-pg my}
BENCH_CASES=${BENCH_CASES:-}
BENCH_SIPHON_ARGS=${BENCH_SIPHON_ARGS:-}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
BENCH_QUIET_PCT=${BENCH_QUIET_PCT:-25}
BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-30}
BENCH_SETTLE_WAIT=${BENCH_SETTLE_WAIT:-120}
BENCH_MY_POOL=${BENCH_MY_POOL:-$d_pool}
BENCH_MY_LOG=${BENCH_MY_LOG:-$d_log}
BENCH_OUT=${BENCH_OUT:-$BENCH_DIR/results}
export BENCH_DB=shop BENCH_SB_TOOL=sysbench # for bench/load_pg.sh

NS=siphon-bench
VETH_ROOT=sbench0
VETH_NS=sbench1
ADDR_ROOT=10.214.12.1
ADDR_NS=10.214.12.2
LOGIN=siphon_bench
PGBIN=/usr/lib/postgresql/15/bin
SRV_PG_PORT=5432
WS_PG_PORT=5433
LOCAL_DB=shop_dev

# ---------------------------------------------------------------------------------------------
# tools

bench_root "network namespace, veth, tc, sshd, a login user"
need_ok() {
	local b
	for b in ip tc /usr/sbin/sshd ssh ssh-keygen "$PGBIN/initdb" "$PGBIN/pg_ctl" psql pg_dump pg_restore pgbench \
		createdb /usr/sbin/mariadbd mariadb-install-db mariadb mariadb-admin mysqldump sysbench zstd gzip \
		/usr/bin/time cc runuser shuf; do
		command -v "$b" >/dev/null 2>&1 || { echo "$b"; return 1; }
	done
	[ -f /usr/share/sysbench/oltp_common.lua ] || { echo "sysbench's oltp_common.lua"; return 1; }
}
if ! miss=$(need_ok); then
	say "missing: $miss; installing the harness packages (tests/harness/install-deps.sh)"
	sh "$ROOT/tests/harness/install-deps.sh" || die "install-deps.sh failed"
	miss=$(need_ok) || die "still missing: $miss"
fi
sysbench --version | grep -q '^sysbench 1\.' || die "expected sysbench 1.x, got: $(sysbench --version)"

# One instance at a time: the namespace and veth names are fixed.
exec 9>/run/siphon-bench-net.lock
flock -n 9 || die "another bench/net.sh is running"
if ip netns list 2>/dev/null | grep -q "^$NS\( \|$\)"; then
	say "removing the network namespace $NS that a killed run left"
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$NS" || die "ip netns del $NS"
fi
ip link del "$VETH_ROOT" 2>/dev/null

# ---------------------------------------------------------------------------------------------
# scratch directory and the cleanup

S=$(mktemp -d /tmp/siphon-bench-net.XXXXXX) || die "mktemp"
chmod 755 "$S"
B=$S/work # bench/load_pg.sh's scratch directory
mkdir -p "$B" "$S/logs" "$S/client" "$S/home" "$S/events" "$S/floor" && chmod 700 "$S/client" || die "mkdir $S"
chmod 1777 "$S/logs"
BG_PIDS=()

# shellcheck disable=SC2317 # called by the EXIT trap
tree_pids() { # PID: it and its descendants
	local c
	[ -n "${1:-}" ] || return 0
	echo "$1"
	for c in $(pgrep -P "$1"); do tree_pids "$c"; done
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local rc=$? p pid name keep
	trap - EXIT
	trap '' INT TERM PIPE # finish the cleanup even on a second ^C
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	pid=$(cat "$S/sshd/sshd.pid" 2>/dev/null)
	# shellcheck disable=SC2046
	[ -n "$pid" ] && kill -9 $(tree_pids "$pid") 2>/dev/null
	for name in srv-pg ws-pg; do
		[ -f "$S/$name/data/postmaster.pid" ] &&
			runuser -u postgres -- "$PGBIN/pg_ctl" -D "$S/$name/data" -m immediate -w -t 20 stop >/dev/null 2>&1
	done
	for name in srv-my ws-my; do
		pid=$(cat "$S/$name/started.pid" 2>/dev/null)
		# only the mariadbd that runs our configuration
		[ -n "$pid" ] && grep -qF -- "$S/$name/my.cnf" "/proc/$pid/cmdline" 2>/dev/null && kill -9 "$pid" 2>/dev/null
	done
	if ip netns list 2>/dev/null | grep -q "^$NS\( \|$\)"; then
		ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
		sleep 0.2
		ip netns del "$NS" 2>/dev/null || say "could not delete the network namespace $NS"
	fi
	ip link del "$VETH_ROOT" 2>/dev/null
	if [ -n "${LOGIN_HOME:-}" ]; then
		rm -f "$LOGIN_HOME/.ssh/authorized_keys" "$LOGIN_HOME/.my.cnf"
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		say "scratch directory kept: $S (logs/, work/, events/)"
	else
		# A failure keeps what explains it (not the data directories: gigabytes at full size).
		if [ "$rc" != 0 ] && [ "$rc" != 130 ] && [ "$rc" != 143 ] && keep=$(mktemp -d /tmp/siphon-bench-net-logs.XXXXXX); then
			cp -r "$S/logs" "$S/events" "$keep/" 2>/dev/null
			cp "$S/runs.csv" "$keep/" 2>/dev/null
			say "logs kept in $keep"
		fi
		rm -rf "$S"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# servers

# pg_start NAME PORT [NETNS]: a throwaway PostgreSQL 15 cluster in $S/NAME (socket in NAME/sock),
# the harness's settings (fsync off: the loads are faster, and both sides have it alike).
pg_start() {
	local d=$S/$1 port=$2 pre=()
	[ -n "${3:-}" ] && pre=(ip netns exec "$3")
	mkdir -p "$d/data" "$d/sock" && chown postgres: "$d" "$d/data" "$d/sock" &&
		chmod 700 "$d/data" && chmod 755 "$d" "$d/sock" || return 1
	runuser -u postgres -- "$PGBIN/initdb" -D "$d/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
		--no-sync >"$S/logs/$1.initdb.log" 2>&1 || { tail -n 5 "$S/logs/$1.initdb.log" >&2; return 1; }
	cat >>"$d/data/postgresql.conf" <<-EOF
		# bench/net.sh
		port = $port
		listen_addresses = ''
		unix_socket_directories = '$d/sock'
		fsync = off
		full_page_writes = off
		synchronous_commit = off
		shared_buffers = 128MB
		max_wal_size = 2GB
		max_connections = 100
		log_min_messages = warning
	EOF
	"${pre[@]}" runuser -u postgres -- "$PGBIN/pg_ctl" -D "$d/data" -l "$S/logs/$1.log" -w -t 120 start \
		>"$S/logs/$1.ctl.log" 2>&1 9>&- || { tail -n 10 "$S/logs/$1.log" >&2; return 1; }
}

# my_start NAME srv|ws [NETNS]: a throwaway MariaDB in $S/NAME (socket NAME/mysqld.sock); the
# server side writes a binary log, as production does.
my_start() {
	local d=$S/$1 pre=() pid
	[ -n "${3:-}" ] && pre=(ip netns exec "$3")
	mkdir -p "$d/data" "$d/tmp" && chown mysql: "$d" "$d/data" "$d/tmp" && chmod 755 "$d" || return 1
	{
		echo "[mariadbd]"
		echo "user = mysql"
		echo "datadir = $d/data"
		echo "socket = $d/mysqld.sock"
		echo "pid-file = $d/mysqld.pid"
		echo "log-error = $S/logs/$1.log"
		echo "tmpdir = $d/tmp"
		echo "bind-address = 127.0.0.1"
		echo "port = $([ "$2" = srv ] && echo 3306 || echo 3307)"
		echo "skip-name-resolve"
		echo "character-set-server = utf8mb4"
		echo "collation-server = utf8mb4_general_ci"
		echo "innodb_flush_log_at_trx_commit = 0"
		echo "innodb_doublewrite = 0"
		echo "innodb_buffer_pool_size = $BENCH_MY_POOL"
		echo "innodb_log_file_size = $BENCH_MY_LOG"
		echo "max_allowed_packet = 256M"
		echo "max_connections = 200"
		echo "performance_schema = OFF"
		if [ "$2" = srv ]; then
			echo "log_bin = $d/data/binlog"
			echo "binlog_format = ROW"
			echo "server_id = 1"
			echo "sync_binlog = 0"
		else
			echo "skip-log-bin"
			echo "server_id = 2"
		fi
	} >"$d/my.cnf" || return 1
	: >"$S/logs/$1.log" && chown mysql: "$S/logs/$1.log" || return 1
	mariadb-install-db --no-defaults --user=mysql --datadir="$d/data" --tmpdir="$d/tmp" --skip-test-db \
		--auth-root-authentication-method=socket >"$S/logs/$1.install.log" 2>&1 ||
		{ tail -n 5 "$S/logs/$1.install.log" >&2; return 1; }
	"${pre[@]}" setsid /usr/sbin/mariadbd --defaults-file="$d/my.cnf" </dev/null >>"$S/logs/$1.log" 2>&1 9>&- &
	pid=$!
	echo "$pid" >"$d/started.pid"
	for _ in $(seq 1 1200); do
		mariadb-admin --no-defaults --protocol=socket -S "$d/mysqld.sock" -u root ping >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	tail -n 10 "$S/logs/$1.log" >&2
	return 1
}

srv_psql() { psql -X -v ON_ERROR_STOP=1 -h "$S/srv-pg/sock" -p "$SRV_PG_PORT" -U postgres "$@"; }
ws_psql() { psql -X -v ON_ERROR_STOP=1 -h "$S/ws-pg/sock" -p "$WS_PG_PORT" -U postgres "$@"; }
srv_my() { mariadb --no-defaults --protocol=socket -S "$S/srv-my/mysqld.sock" -u root "$@"; }
ws_my() { mariadb --no-defaults --protocol=socket -S "$S/ws-my/mysqld.sock" -u root "$@"; }
want_engine() { case " $BENCH_ENGINES " in *" $1 "*) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------------------------------------
# the network and the server side

say "scratch directory $S"
ip netns add "$NS" || die "ip netns add $NS"
ip netns exec "$NS" ip link set lo up &&
	ip link add "$VETH_ROOT" type veth peer name "$VETH_NS" &&
	ip link set "$VETH_NS" netns "$NS" &&
	ip addr add "$ADDR_ROOT/30" dev "$VETH_ROOT" &&
	ip link set "$VETH_ROOT" up &&
	ip netns exec "$NS" ip addr add "$ADDR_NS/30" dev "$VETH_NS" &&
	ip netns exec "$NS" ip link set "$VETH_NS" up || die "setting up the veth pair"

say "starting PostgreSQL and MariaDB, in the namespace and on the workstation"
pids=()
pg_start srv-pg "$SRV_PG_PORT" "$NS" & pids+=($!)
pg_start ws-pg "$WS_PG_PORT" & pids+=($!)
if want_engine my; then
	my_start srv-my srv "$NS" & pids+=($!)
	my_start ws-my ws & pids+=($!)
fi
for p in "${pids[@]}"; do wait "$p" || die "a server did not start (logs in $S/logs)"; done

# The login of the server side: its own user (the harness's are shared with concurrent tests).
getent passwd "$LOGIN" >/dev/null || useradd -m -s /bin/bash -p '*' "$LOGIN" || die "useradd $LOGIN"
usermod -s /bin/bash -p '*' "$LOGIN" 2>/dev/null
LOGIN_HOME=$(getent passwd "$LOGIN" | cut -d: -f6)
KEY=$S/client/id_ed25519
ssh-keygen -q -t ed25519 -N '' -C siphon-bench -f "$KEY" || die "ssh-keygen"
install -d -m 700 -o "$LOGIN" -g "$(id -gn "$LOGIN")" "$LOGIN_HOME/.ssh" &&
	install -m 600 -o "$LOGIN" -g "$(id -gn "$LOGIN")" "$KEY.pub" "$LOGIN_HOME/.ssh/authorized_keys" ||
	die "authorized_keys of $LOGIN"
if want_engine my; then
	printf '[client]\nsocket=%s\n' "$S/srv-my/mysqld.sock" >"$LOGIN_HOME/.my.cnf" &&
		chown "$LOGIN:" "$LOGIN_HOME/.my.cnf" && chmod 600 "$LOGIN_HOME/.my.cnf" || die "~$LOGIN/.my.cnf"
	srv_my -e "CREATE USER '$LOGIN'@'localhost' IDENTIFIED VIA unix_socket;
		GRANT ALL PRIVILEGES ON *.* TO '$LOGIN'@'localhost'" || die "the MariaDB account $LOGIN"
fi

mkdir -p "$S/sshd" /run/sshd && chmod 755 /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$S/sshd/host_key" || die "ssh-keygen (host key)"
cat >"$S/sshd/sshd_config" <<EOF
# bench/net.sh: the server side's sshd, in the namespace $NS
Port 22
ListenAddress $ADDR_NS
HostKey $S/sshd/host_key
PidFile $S/sshd/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $LOGIN
StrictModes yes
MaxSessions 20
MaxStartups 100:30:200
X11Forwarding no
PrintMotd no
PrintLastLog no
SetEnv PGHOST=$S/srv-pg/sock PGPORT=$SRV_PG_PORT PGUSER=postgres
EOF
ip netns exec "$NS" /usr/sbin/sshd -t -f "$S/sshd/sshd_config" || die "sshd -t"
ip netns exec "$NS" /usr/sbin/sshd -f "$S/sshd/sshd_config" -E "$S/logs/sshd.log" 9>&- || die "sshd"
for _ in $(seq 1 100); do [ -s "$S/sshd/sshd.pid" ] && break; sleep 0.05; done
[ -s "$S/sshd/sshd.pid" ] || die "sshd did not start: $(tail -n 3 "$S/logs/sshd.log")"

# The round-trip relays, one per RTT the profiles name, all started now (an idle one costs
# nothing): RELAY_PORT[ms].
cc -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$S/relay" "$BENCH_DIR/relay.c" || die "building relay.c"
declare -A RELAY_PORT
KH=$S/client/known_hosts
# port 22: OpenSSH looks the plain address up, siphon may ask for either form
{
	echo "$ADDR_NS $(cut -d' ' -f1-2 "$S/sshd/host_key.pub")"
	echo "[$ADDR_NS]:22 $(cut -d' ' -f1-2 "$S/sshd/host_key.pub")"
} >"$KH"
for prof in $BENCH_PROFILES; do
	for part in ${prof//+/ }; do
		case $part in
		rtt[0-9]*)
			ms=${part#rtt}
			[ -n "${RELAY_PORT[$ms]:-}" ] && continue
			"$S/relay" "$ADDR_ROOT" 0 "$ADDR_NS" 22 "$ms" >"$S/relay-$ms.out" 2>"$S/logs/relay-$ms.log" 9>&- &
			BG_PIDS+=($!)
			for _ in $(seq 1 100); do [ -s "$S/relay-$ms.out" ] && break; sleep 0.02; done
			RELAY_PORT[$ms]=$(awk '$1 == "ready" { print $2 }' "$S/relay-$ms.out")
			[ -n "${RELAY_PORT[$ms]}" ] || die "relay ($ms ms) did not start: $(cat "$S/logs/relay-$ms.log")"
			echo "[$ADDR_ROOT]:${RELAY_PORT[$ms]} $(cut -d' ' -f1-2 "$S/sshd/host_key.pub")" >>"$KH"
			;;
		unshaped | [0-9]*bit) ;;
		*) die "unknown link profile part '$part' (unshaped, RATEbit, rttMS, joined by +)" ;;
		esac
	done
done

# The local side's environment (siphon's and the pipelines' clients) and an OpenSSH client as a
# command; the pipelines reach the host and port of the current profile (BENCH_SSH_HOST/PORT).
unset SSH_AUTH_SOCK PGDATABASE PGOPTIONS PGSERVICE PGPASSWORD MYSQL_HOST MYSQL_TCP_PORT MYSQL_PWD MYSQL_HOME
export HOME=$S/home PGHOST=$S/ws-pg/sock PGPORT=$WS_PG_PORT PGUSER=postgres MYSQL_UNIX_PORT=$S/ws-my/mysqld.sock
{
	echo '#!/bin/sh'
	printf 'exec ssh'
	printf ' %q' -F /dev/null -i "$KEY" -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile="$KH" \
		-o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o LogLevel=ERROR
	# shellcheck disable=SC2016 # expanded when the wrapper runs
	printf ' -p "$BENCH_SSH_PORT" %q@"$BENCH_SSH_HOST" "$@"\n' "$LOGIN"
} >"$S/ssh" && chmod 755 "$S/ssh" || die "writing $S/ssh"
SSH=$S/ssh
export BENCH_SSH_HOST=$ADDR_NS BENCH_SSH_PORT=22
# shellcheck disable=SC2016 # expanded on the server
chk=$("$SSH" 'echo "$SSH_CONNECTION"; psql -X -d postgres -Atc "select current_user"' 2>&1) ||
	die "ssh to the namespace failed: $chk"
say "ssh into the namespace: SSH_CONNECTION=$(head -n 1 <<<"$chk"), PostgreSQL role $(tail -n 1 <<<"$chk")"
if want_engine my; then
	chk=$("$SSH" 'mariadb -N -B -e "SELECT CURRENT_USER()"' 2>&1) || die "ssh to the namespace's MariaDB: $chk"
	[ "$chk" = "$LOGIN@localhost" ] || die "MariaDB over ssh: expected $LOGIN@localhost, got $chk"
fi

# ---------------------------------------------------------------------------------------------
# the data

# shellcheck source=load_pg.sh disable=SC1091
. "$BENCH_DIR/load_pg.sh"
export BENCH_PG_HOST=$S/srv-pg/sock BENCH_PG_PORT=$SRV_PG_PORT

# load_sbtest and counts: bench/load_my.sh (shared with pull_mysql.sh and reset_my.sh).
# shellcheck source=load_my.sh disable=SC1091
. "$BENCH_DIR/load_my.sh"
export BENCH_MY_DB=shop BENCH_MY_SOCK=$S/srv-my/mysqld.sock
load_my() { BENCH_TABLES=$BENCH_MY_TABLES BENCH_ROWS=$BENCH_MY_ROWS load_sbtest; }
my_counts() { counts "$@"; }
pg_counts() { # srv|ws DB
	"$1_psql" -At -d "$2" <<<"$COUNT_SQL"
}

SIZES=""
if [ "$BENCH_SIZE" = small ]; then
	# shellcheck source=load_small.sh disable=SC1091
	. "$BENCH_DIR/load_small.sh"
	pids=()
	if want_engine pg; then load_small pg & pids+=($!); fi
	if want_engine my; then load_small my & pids+=($!); fi
	for p in "${pids[@]}"; do wait "$p" || die "loading the data failed"; done
	for db in small_many small_few; do
		if want_engine pg; then
			pg_counts srv "$db" >"$B/pg.$db.counts" || die "counting the PostgreSQL rows of $db"
			SIZES+="${SIZES:+; }PostgreSQL $db: $(srv_psql -At -d postgres -c "SELECT round(pg_database_size('$db') / 1e6)") MB on disk"
		fi
		if want_engine my; then
			my_counts srv "$db" >"$B/my.$db.counts" || die "counting the MariaDB rows of $db"
			SIZES+="${SIZES:+; }MariaDB $db: $(srv_my -N -B -e "SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1e6) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db'") MB on disk"
		fi
	done
	say "$SIZES"
else
	want_engine pg && say "loading shop into PostgreSQL: pgbench -s $BENCH_SCALE + $BENCH_SB_TABLES x $BENCH_SB_ROWS sysbench rows"
	want_engine my && say "loading shop into MariaDB: $BENCH_MY_TABLES x $BENCH_MY_ROWS sysbench rows"
	pids=()
	if want_engine pg; then load_bench & pids+=($!); fi
	if want_engine my; then load_my & pids+=($!); fi
	for p in "${pids[@]}"; do wait "$p" || die "loading the data failed"; done
	if want_engine my; then my_settle srv; fi

	if want_engine pg; then
		pg_counts srv shop >"$B/pg.counts" || die "counting the PostgreSQL rows"
		PG_DB_MB=$(srv_psql -At -d postgres -c "SELECT round(pg_database_size('shop') / 1e6)")
		# the floor's restore file (uncompressed custom format), made over the bare link
		"$SSH" 'pg_dump -Fc -Z0 shop' >"$S/floor/shop.fc" || die "pg_dump -Fc for the floor"
		SIZES+="PostgreSQL shop: $PG_DB_MB MB on disk, $(awk -v b="$(stat -c %s "$S/floor/shop.fc")" 'BEGIN { printf "%.0f", b / 1e6 }') MB as an uncompressed pg_dump -Fc"
	fi
	if want_engine my; then
		my_counts srv shop >"$B/my.counts" || die "counting the MariaDB rows"
		MY_DB_MB=$(srv_my -N -B -e "SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1e6) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop'")
		"$SSH" 'mysqldump --single-transaction shop' >"$S/floor/shop.sql" || die "mysqldump for the floor"
		SIZES+="${SIZES:+; }MariaDB shop: $MY_DB_MB MB on disk (data + indexes), $(awk -v b="$(stat -c %s "$S/floor/shop.sql")" 'BEGIN { printf "%.0f", b / 1e6 }') MB as SQL"
	fi
	say "$SIZES"
fi

# ---------------------------------------------------------------------------------------------
# cases

HAVE_PIGZ=0
"$SSH" 'command -v pigz' >/dev/null 2>&1 && command -v pigz >/dev/null 2>&1 && HAVE_PIGZ=1
HAVE_MYDUMPER=0
"$SSH" 'command -v mydumper' >/dev/null 2>&1 && command -v myloader >/dev/null 2>&1 && HAVE_MYDUMPER=1

ALL_CASES=""
if want_engine pg; then
	ALL_CASES+=" pg-siphon pg-plain pg-zstd1 pg-zstd3 pg-gzip"
	[ "$HAVE_PIGZ" = 1 ] && ALL_CASES+=" pg-pigz"
	ALL_CASES+=" pg-fc pg-dump pg-restore"
fi
if want_engine my; then
	ALL_CASES+=" my-siphon my-plain my-zstd1 my-zstd3 my-gzip"
	[ "$HAVE_PIGZ" = 1 ] && ALL_CASES+=" my-pigz"
	[ "$HAVE_MYDUMPER" = 1 ] && ALL_CASES+=" my-mydumper"
	ALL_CASES+=" my-dump my-restore"
fi
if [ "$BENCH_SIZE" = small ]; then
	ALL_CASES=""
	want_engine pg && ALL_CASES+=" pg-many pg-few"
	want_engine my && ALL_CASES+=" my-many my-few"
	if [ -n "$BENCH_BASE" ]; then
		want_engine pg && ALL_CASES+=" pg-many.base pg-few.base"
		want_engine my && ALL_CASES+=" my-many.base my-few.base"
	fi
fi
# Only when asked for (BENCH_CASES): siphon with -j 8 (bench/scale.sh: peak RSS with 8 channels).
EXTRA_CASES=""
want_engine pg && EXTRA_CASES+=" pg-siphon-j1 pg-siphon-j2 pg-siphon-j8 pg-siphon-lean"
want_engine my && EXTRA_CASES+=" my-siphon-j1 my-siphon-j2 my-siphon-j8"
if [ -n "$BENCH_BASE" ] && [ "$BENCH_SIZE" != small ]; then
	want_engine pg && ALL_CASES+=" pg-siphon.base"
	want_engine my && ALL_CASES+=" my-siphon.base"
fi
CASES=${BENCH_CASES:-$ALL_CASES}
for c in $CASES; do
	case " $ALL_CASES $EXTRA_CASES " in *" $c "*) ;; *) die "case $c is unknown or cannot run here (cases: $ALL_CASES)" ;; esac
done

PSQL_IN="psql -X -q -v ON_ERROR_STOP=1 -d $LOCAL_DB >/dev/null"
MY_IN="mariadb --socket=$S/ws-my/mysqld.sock $LOCAL_DB"
PG_CREATE="createdb $LOCAL_DB"
MY_CREATE="mariadb --socket=$S/ws-my/mysqld.sock -e 'CREATE DATABASE $LOCAL_DB'"
PG_DUMP="pg_dump shop"
MY_DUMP="mysqldump --single-transaction shop"

# case_def ID: CASE_KIND (siphon, pipe, floor), CASE_LABEL, CASE_SH (a bash -c text run with $0 =
# the ssh wrapper; not for siphon), CASE_VERIFY (pg, my or empty), CASE_DB (the server's database).
case_def() {
	local e=${1%%-*} dump in create dec=""
	CASE_KIND=pipe CASE_VERIFY=$e CASE_DB=shop CASE_BIN=$SIPHON CASE_ARGS="" CASE_ENV=""
	if [ "$e" = pg ]; then dump=$PG_DUMP in=$PSQL_IN create=$PG_CREATE; else dump=$MY_DUMP in=$MY_IN create=$MY_CREATE; fi
	case ${1#*-} in
	siphon) CASE_KIND=siphon CASE_LABEL="siphon pull${BENCH_SIPHON_ARGS:+ $BENCH_SIPHON_ARGS}" ;;
	siphon.base) CASE_KIND=siphon CASE_BIN=$BENCH_BASE CASE_LABEL="siphon pull${BENCH_SIPHON_ARGS:+ $BENCH_SIPHON_ARGS} (BENCH_BASE)" ;;
	siphon-lean) CASE_KIND=siphon CASE_ENV="SIPHON_KEEP_PRISTINE=no" CASE_LABEL="siphon pull, no pristine twin (SIPHON_KEEP_PRISTINE=no)" ;;
	siphon-j[0-9]*)
		CASE_KIND=siphon CASE_ARGS="-j ${1##*-j}"
		CASE_LABEL="siphon pull $CASE_ARGS${BENCH_SIPHON_ARGS:+ $BENCH_SIPHON_ARGS}"
		;;
	many | few | many.base | few.base)
		CASE_KIND=siphon CASE_DB=small_${1#*-}
		CASE_DB=${CASE_DB%.base}
		CASE_LABEL="siphon pull $CASE_DB${BENCH_SIPHON_ARGS:+ $BENCH_SIPHON_ARGS}"
		case $1 in *.base) CASE_BIN=$BENCH_BASE CASE_LABEL="$CASE_LABEL (BENCH_BASE)" ;; esac
		;;
	plain) CASE_LABEL="ssh '${dump%% *}' | ${in%% *}" ;;
	zstd1) dec="zstd -q -T0 -1|zstd -q -d" CASE_LABEL="ssh '${dump%% *} | zstd -T0 -1' | zstd -d | ${in%% *}" ;;
	zstd3) dec="zstd -q -T0 -3|zstd -q -d" CASE_LABEL="ssh '${dump%% *} | zstd -T0 -3' | zstd -d | ${in%% *}" ;;
	gzip) dec="gzip|gzip -d" CASE_LABEL="ssh '${dump%% *} | gzip' | gzip -d | ${in%% *}" ;;
	pigz) dec="pigz|pigz -d" CASE_LABEL="ssh '${dump%% *} | pigz' | pigz -d | ${in%% *}" ;;
	fc)
		CASE_LABEL="ssh 'pg_dump -Fc' > file; pg_restore -j 2"
		CASE_SH="set -o pipefail; rm -f '$B/case.fc'; t0=\$EPOCHREALTIME; \"\$0\" 'pg_dump -Fc shop' >'$B/case.fc' &&
			t1=\$EPOCHREALTIME && $create && pg_restore -j 2 -d $LOCAL_DB '$B/case.fc' && t2=\$EPOCHREALTIME &&
			awk -v a=\$t0 -v b=\$t1 -v c=\$t2 'BEGIN { printf \"parts: dump and transfer %.1fs, pg_restore -j 2 %.1fs\\n\", b - a, c - b }' >&2
			rc=\$?; rm -f '$B/case.fc'; exit \$rc"
		;;
	mydumper)
		CASE_LABEL="ssh 'mydumper -t 2; tar' | tar -x; myloader -t 2"
		CASE_SH="set -o pipefail; rm -rf '$B/mydumper'; mkdir '$B/mydumper' &&
			\"\$0\" 'set -e; d=\$(mktemp -d); trap \"rm -rf \$d\" EXIT; mydumper -S $S/srv-my/mysqld.sock -t 2 -B shop -o \$d/x >/dev/null; tar -C \$d/x -cf - .' |
			tar -C '$B/mydumper' -xf - && $create &&
			myloader -t 2 -d '$B/mydumper' -B $LOCAL_DB -S '$S/ws-my/mysqld.sock' -u root; rc=\$?; rm -rf '$B/mydumper'; exit \$rc"
		;;
	dump)
		CASE_KIND=floor CASE_VERIFY="" CASE_LABEL="floor: ${dump%% *} alone on the server to /dev/null"
		CASE_SH="\"\$0\" '$dump >/dev/null'"
		;;
	restore)
		CASE_KIND=floor
		if [ "$e" = pg ]; then
			CASE_LABEL="floor: pg_restore -j 2 of a local file"
			CASE_SH="$create && pg_restore -j 2 -d $LOCAL_DB '$S/floor/shop.fc'"
		else
			CASE_LABEL="floor: mariadb < a local file"
			CASE_SH="$create && $in <'$S/floor/shop.sql'"
		fi
		;;
	esac
	case ${1#*-} in
	plain) CASE_SH="set -o pipefail; $create && \"\$0\" '$dump' | $in" ;;
	zstd1 | zstd3 | gzip | pigz) CASE_SH="set -o pipefail; $create && \"\$0\" '$dump | ${dec%%|*}' | ${dec#*|} | $in" ;;
	esac
}

# ---------------------------------------------------------------------------------------------
# link profiles

CUR_PROFILE=""
LINK_BPS=0 # bits per second of the shaped link, 0 when unshaped
rate_bps() { # 100mbit -> 100000000 (tc's units are decimal)
	awk -v r="$1" 'BEGIN { n = r + 0; u = substr(r, length(n "") + 1)
		m = (u == "kbit") ? 1e3 : (u == "mbit") ? 1e6 : (u == "gbit") ? 1e9 : (u == "bit") ? 1 : -1
		if (m < 0 || n <= 0) exit 1; printf "%.0f", n * m }'
}
profile_apply() { # PROFILE ("floor": the bare link)
	local part rate="" rtt=0 burst bps
	[ "$1" = "$CUR_PROFILE" ] && return 0
	if [ "$1" != floor ]; then
		for part in ${1//+/ }; do
			case $part in
			rtt*) rtt=${part#rtt} ;;
			*bit) rate=$part ;;
			esac
		done
	fi
	if [ -n "$rate" ]; then
		bps=$(rate_bps "$rate") || die "bad rate $rate"
		# burst >= rate/HZ; the 100 Mbit/s figures of issue 12 were made with 256kbit
		burst=32768
		[ "$bps" -ge 500000000 ] && burst=$((bps / 8 / 60))
		tc qdisc replace dev "$VETH_ROOT" root tbf rate "$rate" burst "$burst" latency 50ms &&
			ip netns exec "$NS" tc qdisc replace dev "$VETH_NS" root tbf rate "$rate" burst "$burst" latency 50ms ||
			die "tc tbf $rate"
		LINK_BPS=$bps
	else
		tc qdisc del dev "$VETH_ROOT" root 2>/dev/null
		ip netns exec "$NS" tc qdisc del dev "$VETH_NS" root 2>/dev/null
		LINK_BPS=0
	fi
	if [ "$rtt" -gt 0 ]; then
		BENCH_SSH_HOST=$ADDR_ROOT BENCH_SSH_PORT=${RELAY_PORT[$rtt]}
	else
		BENCH_SSH_HOST=$ADDR_NS BENCH_SSH_PORT=22
	fi
	CUR_PROFILE=$1
}
wire_bytes() { # "down up": what the veth carried server -> client, client -> server
	echo "$(cat "/sys/class/net/$VETH_ROOT/statistics/rx_bytes") $(cat "/sys/class/net/$VETH_ROOT/statistics/tx_bytes")"
}

# ---------------------------------------------------------------------------------------------
# one run

cpu_snap() { # "busy idle" jiffies of the whole machine
	local _c u n s i w irq sirq st
	read -r _c u n s i w irq sirq st _ </proc/stat
	echo "$((u + n + s + irq + sirq + st)) $((i + w))"
}
QUIET=0
wait_quiet() { # QUIET: the machine's busy percentage over the last second measured
	local t0=$SECONDS a b
	while :; do
		a=$(cpu_snap)
		sleep 1
		b=$(cpu_snap)
		QUIET=$(awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
			d = y[1] - x[1] + y[2] - x[2]; printf "%.0f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }')
		[ "$QUIET" -le "$BENCH_QUIET_PCT" ] && return 0
		[ $((SECONDS - t0)) -ge "$BENCH_QUIET_WAIT" ] && return 0
		sleep 1
	done
}

ws_reset() { # every user database of both local servers goes
	local db
	while IFS= read -r db; do
		[ -n "$db" ] && ws_psql -q -d postgres -v db="$db" <<<'DROP DATABASE :"db" WITH (FORCE)' >/dev/null
	done < <(ws_psql -At -d postgres -c "SELECT datname FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1')")
	if want_engine my; then
		while IFS= read -r db; do
			[ -n "$db" ] && ws_my -e "DROP DATABASE \`${db//\`/\`\`}\`"
		done < <(ws_my -N -B -e "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA
			WHERE SCHEMA_NAME NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')")
	fi
	ws_psql -q -d postgres -c CHECKPOINT >/dev/null
	srv_psql -q -d postgres -c CHECKPOINT >/dev/null
	if want_engine my; then my_settle ws; fi
}

# InnoDB writes a load's pages out for a minute after it ended (2 GB: both cores busy), which
# slowed whichever run came next: flush them now, at most BENCH_SETTLE_WAIT seconds.
my_settle() { # srv|ws
	local t0=$SECONDS dirty
	"$1_my" -e 'SET GLOBAL innodb_max_dirty_pages_pct = 0' || return 0
	while dirty=$("$1_my" -N -B -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
		WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'") && [ "${dirty:-0}" -gt 100 ] &&
		[ $((SECONDS - t0)) -lt "$BENCH_SETTLE_WAIT" ]; do
		sleep 1
	done
	"$1_my" -e 'SET GLOBAL innodb_max_dirty_pages_pct = DEFAULT'
}

# Siphon's own peak RSS and CPU, from /proc every 0.1 s while it runs: "VmHWM_kB cpu_ticks" to OUT.
watch_siphon() { # PIDFILE OUT
	local pid="" k v _u hwm=0 f=() cpu=0
	for _ in $(seq 1 500); do
		[ -s "$1" ] && pid=$(cat "$1") && [ -n "$pid" ] && break
		sleep 0.01
	done
	[ -n "$pid" ] || return 0
	while [ -r "/proc/$pid/status" ]; do
		while read -r k v _u; do
			[ "$k" = VmHWM: ] && { hwm=$v; break; }
		done <"/proc/$pid/status" 2>/dev/null
		read -r -a f <"/proc/$pid/stat" 2>/dev/null && [ "${#f[@]}" -gt 15 ] && cpu=$((f[13] + f[14]))
		sleep 0.1
	done
	echo "$hwm $cpu" >"$2"
}
HZ=$(getconf CLK_TCK)

# siphon's timeline from its JSON events: "first_row last_row finish end wire_bytes codec channels"
timeline() { # EVENTS
	awk '
		function num(key,   m) { if (match($0, "\"" key "\":[0-9.]+")) { m = substr($0, RSTART, RLENGTH); sub(/.*:/, "", m); return m } return "" }
		function str(key,   m) { if (match($0, "\"" key "\":\"[^\"]*\"")) { m = substr($0, RSTART, RLENGTH); sub(/^[^:]*:"/, "", m); sub(/"$/, "", m); return m } return "" }
		/"event":"table_start"/ { if (first == "") first = num("seconds") }
		/"event":"table_end"/ { last = num("seconds") }
		/"event":"phase_start"/ && /"phase":"finish"/ { fin = num("seconds") }
		/"event":"summary"/ { end = num("seconds"); s = $0; sub(/.*"stats":/, "", s); $0 = s; wire = num("wire_bytes"); codec = str("codec"); ch = num("channels") }
		END { printf "%s %s %s %s %s %s %s\n", first == "" ? "-" : first, last == "" ? "-" : last, fin == "" ? "-" : fin,
			end == "" ? "-" : end, wire == "" ? "-" : wire, codec == "" ? "-" : codec, ch == "" ? "-" : ch }' "$1"
}

verify() { # pg|my DB -> ok or MISMATCH
	local src=$B/$1.counts
	[ "$2" = shop ] || src=$B/$1.$2.counts
	if "${1}_counts" ws "$LOCAL_DB" >"$B/counts.dst" 2>&1 && cmp -s "$src" "$B/counts.dst"; then
		echo ok
	else
		diff "$src" "$B/counts.dst" | head -n 10 >&2
		echo MISMATCH
	fi
}

RUNS_CSV=$S/runs.csv
echo "round,profile,case,kind,rc,check,wall_s,wire_down_bytes,wire_up_bytes,max_rss_kb,local_cpu_s,siphon_rss_kb,siphon_cpu_s,first_row_s,last_row_s,finish_s,end_s,siphon_wire_bytes,codec,channels,link_bps,busy_before_pct,label" >"$RUNS_CSV"

run_one() { # ROUND PROFILE CASE
	local round=$1 prof=$2 id=$3 tag=$2.$3.$1 tf ef pf wf ev rc w0 w1 line check=- tl="- - - - - - -" sw=""
	local wall rss cpu shwm="" scpu=""
	case_def "$id"
	profile_apply "$prof"
	tf=$B/time.$tag ef=$S/logs/err.$tag pf=$B/pid.$tag wf=$B/watch.$tag ev=$S/events/$tag.jsonl
	ws_reset
	wait_quiet
	say "round $round, $prof, $id: $CASE_LABEL (machine ${QUIET}% busy before)"
	w0=$(wire_bytes)
	if [ "$CASE_KIND" = siphon ]; then
		local eng=postgres args=()
		[ "${id%%-*}" = my ] && eng=mysql
		# shellcheck disable=SC2206 # words, on purpose
		args=($BENCH_SIPHON_ARGS $CASE_ARGS)
		watch_siphon "$pf" "$wf" &
		sw=$!
		# shellcheck disable=SC2016 # $$ and $@ are the inner shell's
		/usr/bin/time -f '%e %M %U %S' -o "$tf" timeout -k 5 "$BENCH_TIMEOUT" bash -c 'echo $$ >"$0"; exec "$@"' "$pf" \
			env $CASE_ENV "$CASE_BIN" pull "$LOGIN@$BENCH_SSH_HOST:$BENCH_SSH_PORT:$CASE_DB" --engine "$eng" --into "$LOCAL_DB" -i "$KEY" \
			--known-hosts "$KH" --progress=json --progress-fd 3 "${args[@]}" \
			>"$S/logs/out.$tag" 2>"$ef" 3>"$ev" </dev/null
		rc=$?
	else
		/usr/bin/time -f '%e %M %U %S' -o "$tf" timeout -k 5 "$BENCH_TIMEOUT" bash -c "$CASE_SH" "$SSH" \
			>"$S/logs/out.$tag" 2>"$ef" </dev/null
		rc=$?
	fi
	w1=$(wire_bytes)
	[ -n "$sw" ] && wait "$sw" 2>/dev/null
	line=$(grep -E '^[0-9.]+ [0-9]+ [0-9.]+ [0-9.]+$' "$tf" 2>/dev/null | tail -n 1)
	# shellcheck disable=SC2086
	set -- $line
	wall=${1:--} rss=${2:--}
	cpu=$(awk -v u="${3:-0}" -v s="${4:-0}" 'BEGIN { printf "%.2f", u + s }')
	if [ "$rc" != 0 ]; then
		say "  FAILED (exit $rc); the last lines of its stderr:"
		tail -n 5 "$ef" >&2
	elif [ -n "$CASE_VERIFY" ]; then
		check=$(verify "$CASE_VERIFY" "$CASE_DB")
		[ "$check" = ok ] || say "  the copy differs from the source"
	fi
	if [ "$CASE_KIND" = siphon ]; then
		if [ -s "$wf" ]; then
			read -r shwm scpu <"$wf"
			scpu=$(awk -v t="$scpu" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')
		fi
		tl=$(timeline "$ev")
	fi
	grep -h '^parts:' "$ef" 2>/dev/null | sed 's/^/  /' >&2
	read -r -a w0 <<<"$w0"
	read -r -a w1 <<<"$w1"
	local down=$((w1[0] - w0[0])) up=$((w1[1] - w0[1]))
	# shellcheck disable=SC2086
	set -- $tl
	say "  ${wall}s, wire $(awk -v b="$down" 'BEGIN { printf "%.1f", b / 1e6 }') MB down," \
		"largest process $((${rss/-/0} / 1024)) MiB, local CPU ${cpu}s${shwm:+, siphon $((shwm / 1024)) MiB and ${scpu}s CPU}," \
		"check $check${sw:+; siphon timeline: first row ${1}s, last row ${2}s, finish ${3}s, end ${4}s, codec ${6}, ${7} channels}"
	echo "$round,$prof,$id,$CASE_KIND,$rc,$check,$wall,$down,$up,$rss,$cpu,${shwm:--},${scpu:--},$1,$2,$3,$4,$5,$6,$7,$LINK_BPS,$QUIET,${CASE_LABEL//,/;}" >>"$RUNS_CSV"
}

# ---------------------------------------------------------------------------------------------
# the rounds

ENTRIES=()
for c in $CASES; do
	case_def "$c"
	if [ "$CASE_KIND" = floor ]; then
		ENTRIES+=("floor $c")
	else
		for prof in $BENCH_PROFILES; do ENTRIES+=("$prof $c"); done
	fi
done
SIPHON_VERSION="$("$SIPHON" --version 2>&1 | head -n 1) ($(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'))"
say "$SIPHON_VERSION; ${#ENTRIES[@]} runs a round, $BENCH_R rounds"
T0=$(now)
for round in $(seq 1 "$BENCH_R"); do
	while read -r prof c; do
		run_one "$round" "$prof" "$c"
	done < <(printf '%s\n' "${ENTRIES[@]}" | shuf)
done
ws_reset
say "the runs took $(secs "$T0" "$(now)")s"

# ---------------------------------------------------------------------------------------------
# the report

mkdir -p "$BENCH_OUT" || die "mkdir $BENCH_OUT"
HOST_NAME=$(hostname -s 2>/dev/null || uname -n)
STEM=$BENCH_OUT/$(date -u +%Y%m%d-%H%M)-$HOST_NAME
MACHINE="$(date -u +%Y-%m-%dT%H:%MZ) on $HOST_NAME: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores, $(awk '$1 == "MemTotal:" { printf "%.0f GB", $2 / 1e6 }' /proc/meminfo) RAM, Linux $(uname -r)"
if [ "$BENCH_SIZE" = small ]; then
	# its own names: the latest.* links stay the issue's main bench
	STEM=$STEM-small
	cp "$RUNS_CSV" "$STEM-runs.csv"
	"$BENCH_DIR/small_report.sh" "$STEM" "$MACHINE" "$SIPHON_VERSION" "$SIZES; $BENCH_R rounds" ||
		die "the report failed (the runs are in $STEM-runs.csv)"
else
	cp "$RUNS_CSV" "$STEM-runs.csv"
	"$BENCH_DIR/net_report.sh" "$STEM" "$BENCH_PROFILES" "$MACHINE" "$SIPHON_VERSION" \
		"$SIZES; BENCH_SIZE=$BENCH_SIZE (pgbench -s $BENCH_SCALE + $BENCH_SB_TABLES x $BENCH_SB_ROWS rows; MariaDB $BENCH_MY_TABLES x $BENCH_MY_ROWS rows), $BENCH_R rounds" ||
		die "the report failed (the runs are in $STEM-runs.csv)"
	for ext in md csv svg; do
		[ -f "$STEM.$ext" ] && ln -sf "$(basename "$STEM.$ext")" "$BENCH_OUT/latest.$ext"
	done
	ln -sf "$(basename "$STEM-runs.csv")" "$BENCH_OUT/latest-runs.csv"
fi
cat "$STEM.md"
say "results: $STEM.md, .csv, -runs.csv"
fail=0
awk -F, 'NR > 1 && ($5 != 0 || ($6 != "ok" && $6 != "-")) { bad = 1 } END { exit bad }' "$RUNS_CSV" || fail=1
exit "$fail"
