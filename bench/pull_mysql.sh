#!/usr/bin/env bash
# bench/pull_mysql.sh - siphon pull --engine mysql against hand-made pipelines on a ~380 MB MariaDB
# database (eight 200,000-row sysbench tables).
#
#   bench/pull_mysql.sh [/abs/path/to/siphon]     (default: $SIPHON, else build/siphon)
#
# Starts the integration harness (tests/harness/lib.sh + mysql.sh: a throwaway sshd on 127.0.0.1,
# a "server" and a "workstation" MariaDB 10.11, all on this machine; no fixtures), loads the
# database "sbtest" on the server with `sysbench oltp_read_write prepare` (8 tables x 200,000 rows;
# without sysbench, the same layout from sequence tables), then copies it into a fresh local
# database "benchcopy" (every workstation database is dropped between runs) in several ways:
#
#   1   siphon pull --engine mysql -j 4                           (fails until the engine exists:
#   1b, 1c...  siphon pull with the extra arguments of             the script goes on and prints
#              BENCH_SIPHON_VARIANTS (";"-separated)                "failed")
#   2   ssh 'mysqldump --single-transaction sbtest' | mariadb benchcopy
#   3   ssh 'mysqldump --single-transaction sbtest | gzip' | gzip -d | mariadb benchcopy
#   4   ssh 'mysqldump --single-transaction sbtest | zstd -T0' | zstd -d | mariadb benchcopy
#   5   ssh 'mysqldump --single-transaction sbtest' > /dev/null  (the dump and the wire alone)
#   6a  ssh 'mydumper -t 2 -o DIR && tar -c DIR' | tar -x    (when mydumper is installed)
#   6b  myloader -t 2 of that directory; 6 = 6a + 6b
#   7   mariadb benchcopy < a local plain dump file             (one client loading, for scale)
#
# The remote commands run as the SSH login siphon_remote, whose ~/.my.cnf and MYSQL_HOME lead
# mysqldump and mydumper to the server MariaDB as its backup account (see tests/harness/mysql.sh).
# Every copy is checked: row counts of all tables and the number of indexes must match the source.
# Columns of the table:
#   seconds   wall-clock seconds of the run ("failed" when it exited non-zero)
#   MiB/s     the source's data + index size (information_schema) / seconds
#   wire MiB  bytes the local ssh client read, i.e. what crossed the SSH connection (encrypted),
#             from /proc/PID/io polled every 0.02 s: approximate, a little low. For siphon, the
#             figure siphon itself prints in its summary ("MB on the wire"), marked *.
#   max RSS   /usr/bin/time's %M: peak RSS of the largest single local process of the run (siphon
#             or one of the clients it spawns; ssh, gzip -d, zstd -d, mariadb, myloader otherwise)
#   busy%     the whole machine's CPU use just before the run (100 = all cores; others may share it)
#
# Environment knobs:
#   SIPHON=/path            the siphon binary (when no argument is given)
#   BENCH_TABLES=8 BENCH_ROWS=200000  size of the database
#   BENCH_CASES="1 2 3 4 5 6 7"       which cases to run
#   BENCH_SIPHON_ARGS="-j 4"          arguments of case 1 (after pull SPEC --into benchcopy -i KEY
#                                     --known-hosts FILE --engine mysql)
#   BENCH_SIPHON_VARIANTS="-j 8;--compress none"  more siphon runs (1b, 1c, ...)
#   BENCH_TIMEOUT=600       seconds after which one run is killed (and reported as failed)
#   BENCH_QUIET_PCT=25 BENCH_QUIET_WAIT=30   before each run, wait up to 30 s for the machine to be
#                           at most 25% busy
#   BENCH_MY_POOL=1G BENCH_MY_LOG=512M   innodb_buffer_pool_size and innodb_log_file_size of both
#                           servers
#   BENCH_KEEP=1            keep the harness logs (SIPHON_IT_KEEP_LOGS=1)
#
# Everything runs on one machine: the "server" side (sshd, mysqldump, the compressor, the server
# MariaDB) and the "workstation" side compete for the same CPU cores, and the data is in memory
# (warm runs). Read the figures as relative ones.

set -u -o pipefail

# shellcheck disable=SC2034 # read by common.sh
BENCH_TAG=bench
# shellcheck source=common.sh disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SIPHON=${1:-${SIPHON:-$ROOT/build/siphon}}
case $SIPHON in /*) ;; *) SIPHON=$PWD/$SIPHON ;; esac
BENCH_TABLES=${BENCH_TABLES:-8}
BENCH_ROWS=${BENCH_ROWS:-200000}
BENCH_CASES=${BENCH_CASES:-1 2 3 4 5 6 7}
BENCH_SIPHON_ARGS=${BENCH_SIPHON_ARGS:--j 4}
BENCH_SIPHON_VARIANTS=${BENCH_SIPHON_VARIANTS:-}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
BENCH_QUIET_PCT=${BENCH_QUIET_PCT:-25}
BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-30}

# ---------------------------------------------------------------------------------------------
# tools

bench_root "the harness creates users and runs sshd"
if [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/sbin/mariadbd ] || [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
	say "installing the harness packages (tests/harness/install-deps.sh)"
	sh "$ROOT/tests/harness/install-deps.sh" || die "install-deps.sh failed"
fi
missing=""
[ -x /usr/bin/time ] || missing="$missing time"
command -v zstd >/dev/null 2>&1 || missing="$missing zstd"
command -v sysbench >/dev/null 2>&1 || missing="$missing sysbench"
command -v mydumper >/dev/null 2>&1 || missing="$missing mydumper"
if [ -n "$missing" ]; then
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1; apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; } ||
		say "could not install$missing (going on without)"
fi
[ -x /usr/bin/time ] || die "/usr/bin/time is missing"
if [ ! -x "$SIPHON" ]; then
	say "no siphon binary at $SIPHON: its cases will fail"
fi

# ---------------------------------------------------------------------------------------------
# harness

bench_harness_env "${BENCH_KEEP:-0}"
export SIPHON_IT_MY_BUFFER_POOL=${BENCH_MY_POOL:-1G}
export SIPHON_IT_MY_LOG_FILE_SIZE=${BENCH_MY_LOG:-512M}
# shellcheck source=../tests/harness/lib.sh disable=SC1091
. "$ROOT/tests/harness/lib.sh"
harness_start || die "harness_start failed"
[ "${SIPHON_IT_MY:-0}" = 1 ] || die "the harness has no MariaDB"
B=$H/bench
mkdir -p "$B" || die "mkdir $B"

mapfile -t _opts < <(ssh_opts)
{
	echo '#!/bin/sh'
	printf 'exec ssh'
	printf ' %q' "${_opts[@]}" "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST"
	printf ' "$@"\n'
} >"$B/ssh" || die "writing $B/ssh"
chmod 755 "$B/ssh"
SSH=$B/ssh
[ "$("$SSH" 'mariadb -N -B -e "SELECT 1"')" = 1 ] || die "ssh to the server MariaDB does not work"
# The local client, as the hand pipelines use it (Debian's option files name another socket).
LOCAL_MY="mariadb --socket=$SIPHON_IT_MY_WS_SOCK"

# ---------------------------------------------------------------------------------------------
# the database

# shellcheck source=load_my.sh disable=SC1091
. "$BENCH_DIR/load_my.sh"

say "loading sbtest on the server: $BENCH_TABLES x $BENCH_ROWS sysbench rows"
load_sbtest || die "loading the database failed"
DB_BYTES=$(srv_my -N -B -e "SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'sbtest'") ||
	die "reading the size of sbtest"
DB_MIB=$(awk -v b="$DB_BYTES" 'BEGIN { printf "%.0f", b / 1048576 }')
say "sbtest is $DB_MIB MiB (data + indexes, information_schema)"

counts srv sbtest >"$B/counts.src" || die "counting the source rows"
say "source: $(tr '\n' ',' <"$B/counts.src" | sed 's/,$//; s/,/, /g')"

verify_copy() { # -> "ok" or "MISMATCH"
	if counts ws benchcopy >"$B/counts.dst" && cmp -s "$B/counts.src" "$B/counts.dst"; then
		echo ok
	else
		diff "$B/counts.src" "$B/counts.dst" | head -n 20 >&2
		echo MISMATCH
	fi
}

ws_clean() {
	local db
	while IFS= read -r db; do
		[ -n "$db" ] || continue
		ws_my -e "DROP DATABASE $(my_ident "$db")" || say "could not drop $db"
	done < <(ws_my_dbs)
}

# ---------------------------------------------------------------------------------------------
# measuring

cpu_snap() {
	local _cpu u n s i w irq sirq st
	read -r _cpu u n s i w irq sirq st _ </proc/stat
	echo "$((u + n + s + irq + sirq + st)) $((i + w))"
}
busy_pct() { # SECS
	local a b
	a=$(cpu_snap)
	sleep "$1"
	b=$(cpu_snap)
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
		d = (y[1] - x[1]) + (y[2] - x[2]); printf "%.0f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }'
}
wait_quiet() {
	local t0=$SECONDS
	while :; do
		QUIET_BEFORE=$(busy_pct 1)
		[ "$QUIET_BEFORE" -le "$BENCH_QUIET_PCT" ] && return 0
		if [ $((SECONDS - t0)) -ge "$BENCH_QUIET_WAIT" ]; then
			say "the machine is still ${QUIET_BEFORE}% busy (other processes); running anyway"
			return 0
		fi
		sleep 2
	done
}

# Bytes read by the ssh clients / siphon under PID: the process tree is scanned every 0.5 s, the
# rchar of each ssh/siphon process found is read every 0.02 s (builtins only), and the sum of the
# last value seen per process goes to OUT when PID is gone. What is missed: a process's last
# 0.02 s, and a process that lived less than 0.5 s.
poll_wire() { # PID OUT
	local -A rd
	local p c k v tot i=0
	while kill -0 "$1" 2>/dev/null; do
		if [ $((i % 25)) = 0 ]; then
			for p in $(_h_tree "$1"); do
				[ -n "${rd[$p]:-}" ] && continue
				{ read -r c <"/proc/$p/comm"; } 2>/dev/null || continue
				case $c in ssh | siphon) rd[$p]=0 ;; esac
			done
		fi
		i=$((i + 1))
		for p in "${!rd[@]}"; do
			{
				while read -r k v; do
					[ "$k" = rchar: ] && { rd[$p]=$v; break; }
				done <"/proc/$p/io"
			} 2>/dev/null
		done
		sleep 0.02
	done
	tot=0
	for p in "${!rd[@]}"; do tot=$((tot + rd[$p])); done
	echo "$tot" >"$2"
}

declare -A R_LABEL R_WALL R_RSS R_WIRE R_SWIRE R_RC R_CHECK R_QUIET
ORDER=()

# measure ID LABEL VERIFY CMD...: runs CMD under /usr/bin/time, with a timeout.
measure() {
	local id=$1 label=$2 verify=$3 tf=$B/time.$1 wf=$B/wire.$1 ef=$B/err.$1 rc tpid
	shift 3
	ws_clean
	wait_quiet
	say "[$id] $label"
	: >"$wf"
	timeout -k 10 "$BENCH_TIMEOUT" /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$B/out.$id" 2>"$ef" </dev/null &
	tpid=$!
	poll_wire "$tpid" "$wf" &
	local wpid=$!
	wait "$tpid"
	rc=$?
	wait "$wpid" 2>/dev/null
	ORDER+=("$id")
	R_LABEL[$id]=$label
	R_RC[$id]=$rc
	R_QUIET[$id]=$QUIET_BEFORE
	read -r R_WALL[$id] R_RSS[$id] < <(grep -E '^[0-9.]+ [0-9]+$' "$tf" | tail -n 1)
	[ -n "${R_WALL[$id]:-}" ] || R_WALL[$id]=?
	R_WIRE[$id]=$(cat "$wf" 2>/dev/null)
	# siphon's own figure, from its closing summary on stdout ("(123.4 MB on the wire, zstd)"):
	# its rchar also counts what it reads from its local pipes.
	R_SWIRE[$id]=$(grep -o '([0-9.]* MB on the wire' "$B/out.$id" 2>/dev/null | tail -n 1 | tr -dc '0-9.')
	R_CHECK[$id]=-
	if [ "$rc" != 0 ]; then
		say "[$id] FAILED with exit $rc after ${R_WALL[$id]}s; last lines of stderr:"
		tail -n 5 "$ef" >&2
		return "$rc"
	fi
	[ "$verify" = 1 ] && R_CHECK[$id]=$(verify_copy)
	say "[$id] ${R_WALL[$id]}s, wire $(wire "$id"), max RSS $(mib_k "${R_RSS[$id]}") MiB, check ${R_CHECK[$id]}"
	return 0
}

mib_k() { [ -n "${1:-}" ] && [ "$1" != 0 ] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' || echo -; }
mib_b() { [ -n "${1:-}" ] && [ "$1" != 0 ] && awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }' || echo -; }
# "12.3" MiB from rchar, or "12.3 MB*" as siphon reported it.
wire() { # ID
	if [ -n "${R_SWIRE[$1]:-}" ]; then echo "${R_SWIRE[$1]} MB*"; else mib_b "${R_WIRE[$1]}"; fi
}
mibs() { awk -v b="$DB_BYTES" -v s="$1" 'BEGIN { if (s + 0 > 0) printf "%.1f", b / 1048576 / s; else print "-" }'; }
want() { case " $BENCH_CASES " in *" $1 "*) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------------------------------------
# the runs

DUMP="mysqldump --single-transaction sbtest"
LOAD="$LOCAL_MY benchcopy"
CREATE="$LOCAL_MY -e 'CREATE DATABASE benchcopy'"
T_START=$(now)
SIPHON_VERSION="$("$SIPHON" --version 2>&1 | head -n 1), tree $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"
say "siphon: $SIPHON ($SIPHON_VERSION)"

if want 1; then
	siphon_base=(pull "$(remote_spec sbtest)" --into benchcopy -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --engine mysql)
	# shellcheck disable=SC2206
	extra=($BENCH_SIPHON_ARGS)
	measure 1 "siphon pull --engine mysql $BENCH_SIPHON_ARGS" 1 "$SIPHON" "${siphon_base[@]}" "${extra[@]}"
	if [ -n "$BENCH_SIPHON_VARIANTS" ]; then
		n=0
		IFS=';' read -r -a variants <<<"$BENCH_SIPHON_VARIANTS"
		for v in "${variants[@]}"; do
			n=$((n + 1))
			id=1$(printf "\\x$(printf %x $((97 + n)))")
			# shellcheck disable=SC2206
			extra=($v)
			measure "$id" "siphon pull --engine mysql $v" 1 "$SIPHON" "${siphon_base[@]}" "${extra[@]}"
		done
	fi
fi
if want 2; then
	measure 2 "ssh '$DUMP' | mariadb" 1 bash -c "set -o pipefail; $CREATE && \"\$0\" '$DUMP' | $LOAD" "$SSH"
fi
if want 3; then
	measure 3 "ssh '$DUMP | gzip' | gzip -d | mariadb" 1 bash -c \
		"set -o pipefail; $CREATE && \"\$0\" '$DUMP | gzip' | gzip -d | $LOAD" "$SSH"
fi
if want 4; then
	measure 4 "ssh '$DUMP | zstd -T0' | zstd -d | mariadb" 1 bash -c \
		"set -o pipefail; $CREATE && \"\$0\" '$DUMP | zstd -q -T0' | zstd -q -d | $LOAD" "$SSH"
fi
if want 5; then
	measure 5 "ssh '$DUMP' > /dev/null (dump alone)" 0 bash -c "\"\$0\" '$DUMP' >/dev/null" "$SSH"
fi
if want 6; then
	if command -v mydumper >/dev/null 2>&1 && command -v myloader >/dev/null 2>&1 &&
		"$SSH" 'command -v mydumper' >/dev/null 2>&1; then
		rm -rf "$B/mydumper"
		mkdir -p "$B/mydumper"
		# mydumper (libmariadb) reads ~/.my.cnf and $MYSQL_HOME/my.cnf as the other clients do.
		if measure 6a "ssh 'mydumper -t 2 -o DIR && tar -c DIR' | tar -x" 0 bash -c \
			"set -o pipefail; \"\$0\" 'set -e; d=\$(mktemp -d); trap \"rm -rf \$d\" EXIT; mydumper -t 2 -B sbtest -o \$d/dump -v 1; tar -C \$d/dump -cf - .' | tar -C '$B/mydumper' -xf -" "$SSH"; then
			measure 6b "myloader -t 2 of that directory" 1 bash -c \
				"$CREATE && myloader -t 2 -d '$B/mydumper' -B benchcopy -S '$SIPHON_IT_MY_WS_SOCK' -u root -v 1"
		fi
		rm -rf "$B/mydumper"
	else
		say "mydumper/myloader not installed: no case 6"
	fi
fi
if want 7; then
	if "$SSH" "$DUMP" >"$B/plain.sql" 2>"$B/plain.err"; then
		PLAIN_MIB=$(mib_b "$(stat -c %s "$B/plain.sql")")
		measure 7 "mariadb < local plain dump file ($PLAIN_MIB MiB)" 1 bash -c "$CREATE && $LOAD <'$B/plain.sql'"
	else
		say "making the local dump file failed: $(tail -n 3 "$B/plain.err")"
	fi
	rm -f "$B/plain.sql"
fi
ws_clean
T_END=$(now)

# ---------------------------------------------------------------------------------------------
# report

echo
echo "siphon MySQL bench: database sbtest = $DB_MIB MiB ($BENCH_TABLES x $BENCH_ROWS sysbench rows), MariaDB $(srv_my -N -B -e 'SELECT VERSION()'), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "$SIPHON_VERSION; server and workstation on one machine over loopback SSH; warm; runs took $(secs "$T_START" "$T_END")s"
echo
fmt='%-4s %-74s %8s %6s %10s %8s %6s  %s\n'
# shellcheck disable=SC2059
printf "$fmt" case what seconds MiB/s "wire MiB" "max RSS" busy% "check/exit"
for id in "${ORDER[@]}"; do
	w=${R_WALL[$id]}
	[ "${R_RC[$id]}" = 0 ] || w=failed
	# shellcheck disable=SC2059
	printf "$fmt" "$id" "${R_LABEL[$id]}" "$w" "$([ "$w" = failed ] && echo - || mibs "$w")" "$(wire "$id")" \
		"$(mib_k "${R_RSS[$id]}")" "${R_QUIET[$id]}" "${R_CHECK[$id]}/${R_RC[$id]}"
done
if [ "${R_RC[6a]:-1}" = 0 ] && [ "${R_RC[6b]:-1}" = 0 ]; then
	s6=$(awk -v a="${R_WALL[6a]}" -v b="${R_WALL[6b]}" 'BEGIN { printf "%.1f", a + b }')
	# shellcheck disable=SC2059
	printf "$fmt" 6 "6a + 6b (mydumper, transfer, myloader -t 2)" "$s6" "$(mibs "$s6")" "" "" "" ""
fi

[ -n "$(printf '%s' "${R_SWIRE[@]}")" ] && echo "* wire figure as siphon reports it (its closing summary); the others are MiB read by the local ssh client"

fail=0
for id in "${ORDER[@]}"; do
	case $id in 1*) continue ;; esac # siphon's own failures are reported, not fatal (yet)
	[ "${R_RC[$id]}" = 0 ] || fail=1
	[ "${R_CHECK[$id]}" = ok ] || [ "${R_CHECK[$id]}" = - ] || fail=1
done
exit "$fail"
