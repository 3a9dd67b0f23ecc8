#!/usr/bin/env bash
# bench/pull_pg_net.sh - siphon pull against hand-made pipelines over a shaped 100 Mbit link.
#
#   bench/pull_pg_net.sh /abs/path/to/siphon
#
# Starts the integration harness (tests/harness/lib.sh, no test fixture: a "server" and a
# "workstation" PostgreSQL 15 cluster on this machine), then makes the server look like another
# machine on a slow link:
#
#   - a network namespace (BENCH_NETNS, default siphon-bench-srv) joined to the root namespace by a
#     veth pair sbn-root (10.213.7.1/30, root side) <-> sbn-srv (10.213.7.2/30, in the namespace);
#   - a second sshd started inside the namespace, listening on 10.213.7.2 only (the harness's sshd
#     configuration with another ListenAddress and port, same host keys, same SetEnv PGHOST=...);
#   - tbf on both ends of the veth (rate BENCH_RATE, default 100mbit, burst 256kbit, latency 50ms):
#     server->client on sbn-srv, client->server on sbn-root. netem is not available on this
#     kernel, so there is no added delay: the round trip is the tbf queue only.
#
# The server cluster itself stays where the harness put it (root namespace, Unix socket in the
# shared file system): pg_dump/psql started by the namespaced sshd reach it through the socket
# directory of SetEnv PGHOST, so the only TCP traffic of a run is the SSH connection over the veth.
# Everything (sshd, namespace, veth) is torn down at exit.
#
# The database "bench" on the server: pgbench -i -s BENCH_SCALE (20) plus BENCH_SB_TABLES (4)
# sysbench-like tables of BENCH_SB_ROWS (170,000) rows with md5 text: about 480 MB on disk, a
# 330 MB plain dump that zstd -3 shrinks to about 70 MB (pgbench's filler is blanks; the md5
# text halves). Cases, each into a fresh local database "benchcopy":
#
#   1  siphon pull -j 4 (--compress auto: the peer 10.213.7.2 is not loopback, so zstd)
#   2  siphon pull -j 4 --compress none
#   3  ssh 'pg_dump bench' | psql
#   4  ssh 'pg_dump bench | zstd -T0' | zstd -d | psql
#   5  ssh 'pg_dump bench | gzip -1' | gunzip | psql
#
# Every case runs BENCH_REPEAT (2) times, round-robin; the table shows the fastest good run of
# each case and lists all of them. Every copy is checked (row counts of every table and the
# number of indexes, as on the source). Columns:
#   seconds      wall clock (/usr/bin/time)
#   MiB/s        pg_database_size of the source / seconds
#   wire MiB     bytes that tbf sent during the run, s->c on sbn-srv and c->s on sbn-root
#                (Ethernet frames with their headers)
#   Mbit/s       s->c wire bytes / seconds: how full the link was
#   max RSS      /usr/bin/time %M: the largest process of the run (for siphon the larger of siphon
#                and the psql it spawns)
#   siphon RSS   siphon's own VmHWM, polled every 0.1 s
#   local CPU s  user+sys of the local process tree (siphon and its psql, or ssh, zstd -d, gunzip,
#                psql), not the clusters' backends nor the server side
#   busy%        CPU use of the whole machine just before the run
#
# Before each run (and before loading the data) the script waits for other benchmarks of this
# repository (bench/pull_pg.sh) to finish, at most BENCH_OTHER_WAIT seconds (3600), then for the
# machine to be at most BENCH_QUIET_PCT (20) % busy, at most BENCH_QUIET_WAIT (30) seconds.
#
# Knobs: BENCH_SCALE BENCH_SB_TABLES BENCH_SB_ROWS BENCH_CASES="1 2 3 4 5" BENCH_REPEAT=2
#        BENCH_RATE=100mbit BENCH_TIMEOUT=400 (per run) BENCH_NETNS BENCH_KEEP=1 (harness logs)
#
# Two cores, one machine: the server side (sshd, pg_dump, zstd) and the local side (siphon or the
# pipeline, psql, the local cluster) still share the CPU; only the network is "remote".

set -u -o pipefail

# shellcheck disable=SC2034 # read by common.sh
BENCH_TAG=bench-net
# shellcheck source=common.sh disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_siphon "${1:-}"
BENCH_SCALE=${BENCH_SCALE:-20}
BENCH_SB_TABLES=${BENCH_SB_TABLES:-4}
BENCH_SB_ROWS=${BENCH_SB_ROWS:-170000}
BENCH_CASES=${BENCH_CASES:-1 2 3 4 5}
BENCH_RATE=${BENCH_RATE:-100mbit}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-400}
BENCH_REPEAT=${BENCH_REPEAT:-2}
BENCH_OTHER_WAIT=${BENCH_OTHER_WAIT:-3600}
BENCH_QUIET_PCT=${BENCH_QUIET_PCT:-20}
BENCH_QUIET_WAIT=${BENCH_QUIET_WAIT:-30}
NS=${BENCH_NETNS:-siphon-bench-srv}
VETH_ROOT=sbn-root
VETH_NS=sbn-srv
ADDR_ROOT=10.213.7.1
ADDR_NS=10.213.7.2

# ---------------------------------------------------------------------------------------------
# tools

bench_root "network namespace, veth, sshd, harness users"
if [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
	say "installing the harness packages (tests/harness/install-deps.sh)"
	sh "$ROOT/tests/harness/install-deps.sh" || die "install-deps.sh failed"
fi
missing=""
command -v pgbench >/dev/null 2>&1 || missing="$missing postgresql-client-15"
[ -x /usr/bin/time ] || missing="$missing time"
command -v zstd >/dev/null 2>&1 || missing="$missing zstd"
command -v gzip >/dev/null 2>&1 || missing="$missing gzip"
{ command -v ip && command -v tc; } >/dev/null 2>&1 || missing="$missing iproute2"
if [ -n "$missing" ]; then
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1; apt-get install -y -q --no-install-recommends $missing >/dev/null; } ||
		die "apt-get install$missing failed"
fi

# ---------------------------------------------------------------------------------------------
# sharing the machine

cpu_snap() { # "busy idle" jiffies of the whole machine
	local _cpu u n s i w irq sirq st
	read -r _cpu u n s i w irq sirq st _ </proc/stat
	echo "$((u + n + s + irq + sirq + st)) $((i + w))"
}
busy_pct() { # SECS: percentage of the machine's CPU in use over SECS seconds
	local a b
	a=$(cpu_snap)
	sleep "$1"
	b=$(cpu_snap)
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
		d = (y[1] - x[1]) + (y[2] - x[2]); printf "%.0f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }'
}

OTHER_WAITED=0 # seconds spent waiting for other benchmarks
OTHER_RAN=""   # set when a run had to start while another benchmark was still running
# Waits for bench/pull_pg.sh (another benchmark of this repository) to finish, then for the
# machine to be nearly idle; QUIET_BEFORE is the busy percentage measured last.
wait_idle() {
	local t0=$SECONDS said=0
	while pgrep -f 'bench/pull_pg\.sh' >/dev/null 2>&1; do
		if [ $((SECONDS - t0)) -ge "$BENCH_OTHER_WAIT" ]; then
			say "bench/pull_pg.sh is still running after ${BENCH_OTHER_WAIT}s: going on anyway"
			OTHER_RAN=1
			break
		fi
		if [ $(((SECONDS - t0) / 60)) -ge "$said" ]; then
			say "bench/pull_pg.sh is running: waiting for it to finish ($((SECONDS - t0))s so far)"
			said=$((said + 1))
		fi
		sleep 5
	done
	OTHER_WAITED=$((OTHER_WAITED + SECONDS - t0))
	t0=$SECONDS
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

# One instance at a time (the veth names are fixed). A namespace of this name that exists while
# no other instance runs was left by a run that died.
others=""
for p in $(pgrep -f 'bench/pull_pg_net\.sh'); do
	[ "$p" = $$ ] || [ "$(ps -o ppid= -p "$p" | tr -d ' ')" = $$ ] || others+="$p "
done
[ -z "$others" ] || die "another bench/pull_pg_net.sh is running (pid $others)"
if ip netns list 2>/dev/null | grep -qx "$NS\( (id: [0-9]*)\)\?"; then
	say "removing the leftover network namespace $NS"
	ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$NS" || die "ip netns del $NS"
fi
ip link del "$VETH_ROOT" 2>/dev/null

wait_idle

# ---------------------------------------------------------------------------------------------
# harness

unset SSH_AUTH_SOCK
bench_harness_env "${BENCH_KEEP:-0}"
# shellcheck source=../tests/harness/lib.sh disable=SC1091
. "$ROOT/tests/harness/lib.sh"
harness_start || die "harness_start failed"
# From here on the harness's EXIT trap runs the harness_on_exit commands (LIFO), then stops sshd
# and both clusters and removes $H.
B=$H/bench-net
mkdir -p "$B/sshd" || die "mkdir $B"
BG_PIDS=()
# shellcheck disable=SC2016 # evaluated at exit
harness_on_exit 'for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done'

# ---------------------------------------------------------------------------------------------
# the network: namespace, veth, tbf, sshd

NET_UP=0
# shellcheck disable=SC2317 # called at exit
tree_pids() { # PID: PID and all its descendants
	local c
	[ -n "$1" ] || return 0
	echo "$1"
	for c in $(pgrep -P "$1"); do tree_pids "$c"; done
}
# shellcheck disable=SC2317 # called at exit
net_down() {
	[ "$NET_UP" = 1 ] || return 0
	local pids
	pids=$(tree_pids "$(cat "$B/sshd/sshd.pid" 2>/dev/null)" | tr '\n' ' ')
	# shellcheck disable=SC2086
	[ -n "${pids// /}" ] && kill $pids 2>/dev/null
	sleep 0.2
	# anything still running in the namespace (sshd sessions that outlived the listener)
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$NS" 2>/dev/null || say "could not delete the network namespace $NS"
	ip link del "$VETH_ROOT" 2>/dev/null # normally gone with the namespace
	NET_UP=0
}
harness_on_exit net_down

net_up() {
	local nsx=(ip netns exec "$NS")
	NET_UP=1
	ip netns add "$NS" || return 1
	"${nsx[@]}" ip link set lo up || return 1
	ip link add "$VETH_ROOT" type veth peer name "$VETH_NS" || return 1
	ip link set "$VETH_NS" netns "$NS" || return 1
	ip addr add "$ADDR_ROOT/30" dev "$VETH_ROOT" || return 1
	ip link set "$VETH_ROOT" up || return 1
	"${nsx[@]}" ip addr add "$ADDR_NS/30" dev "$VETH_NS" || return 1
	"${nsx[@]}" ip link set "$VETH_NS" up || return 1
	"${nsx[@]}" tc qdisc add dev "$VETH_NS" root tbf rate "$BENCH_RATE" burst 256kbit latency 50ms || return 1
	tc qdisc add dev "$VETH_ROOT" root tbf rate "$BENCH_RATE" burst 256kbit latency 50ms || return 1

	# sshd inside the namespace: the harness's configuration, another address and port.
	NET_PORT=$(_h_free_port) || return 1
	_h_write_sshd_config "$B/sshd/sshd_config" "$NET_PORT" "$B/sshd/sshd.pid"
	sed -i "s/^ListenAddress .*/ListenAddress $ADDR_NS/" "$B/sshd/sshd_config" || return 1
	grep -qx "ListenAddress $ADDR_NS" "$B/sshd/sshd_config" || { say "no ListenAddress line to replace"; return 1; }
	"${nsx[@]}" /usr/sbin/sshd -t -f "$B/sshd/sshd_config" || return 1
	"${nsx[@]}" /usr/sbin/sshd -f "$B/sshd/sshd_config" -E "$H/logs/sshd-net.log" || return 1
	for _ in $(seq 1 50); do
		[ -s "$B/sshd/sshd.pid" ] && break
		sleep 0.05
	done
	if [ ! -s "$B/sshd/sshd.pid" ] || ! kill -0 "$(cat "$B/sshd/sshd.pid")" 2>/dev/null; then
		say "the namespaced sshd did not start:"; tail -n 5 "$H/logs/sshd-net.log" >&2
		return 1
	fi

	KNOWN_HOSTS=$B/known_hosts
	echo "[$ADDR_NS]:$NET_PORT $(cut -d' ' -f1-2 "$H/sshd/ssh_host_ed25519_key.pub")" >"$KNOWN_HOSTS" || return 1
	# An OpenSSH client with the same key and known_hosts as siphon, as a command.
	{
		echo '#!/bin/sh'
		printf 'exec ssh'
		printf ' %q' -F /dev/null -i "$SIPHON_IT_KEY" -o IdentitiesOnly=yes -o BatchMode=yes \
			-o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
			-o StrictHostKeyChecking=yes -o LogLevel=ERROR -p "$NET_PORT" "$SIPHON_IT_SSH_USER@$ADDR_NS"
		printf ' "$@"\n'
	} >"$B/ssh" && chmod 755 "$B/ssh" || return 1
	SSH=$B/ssh
}

net_up || die "setting up the namespace $NS failed"
# The chain: key login over the veth, the host key, SetEnv reaching the server cluster.
# shellcheck disable=SC2016 # expanded remotely
chk=$("$SSH" 'echo "$SSH_CONNECTION"; psql -X -d postgres -Atc "select current_user"' 2>&1) ||
	die "ssh over the veth failed: $chk"
say "ssh over the veth: SSH_CONNECTION=$(head -n 1 <<<"$chk"), server role $(tail -n 1 <<<"$chk")"
case $(head -n 1 <<<"$chk") in "$ADDR_ROOT "*" $ADDR_NS $NET_PORT") ;; *) die "unexpected SSH_CONNECTION: $chk" ;; esac

tx_bytes() { # NETNS-or-"" DEV: bytes sent by its root qdisc (tbf)
	local pre=()
	[ -n "$1" ] && pre=(ip netns exec "$1")
	"${pre[@]}" tc -s qdisc show dev "$2" | awk '$1 == "Sent" { print $2; exit }'
}
tbf_drops() { # NETNS-or-"" DEV
	local pre=()
	[ -n "$1" ] && pre=(ip netns exec "$1")
	"${pre[@]}" tc -s qdisc show dev "$2" | awk '$1 == "Sent" { gsub(/,/, "", $7); print $7; exit }'
}

# ---------------------------------------------------------------------------------------------
# the database

# load_bench and COUNT_SQL: bench/load_pg.sh (shared with pull_pg.sh, reset_pg.sh and net.sh).
# shellcheck source=load_pg.sh disable=SC1091
. "$BENCH_DIR/load_pg.sh"

say "loading bench on the server: pgbench -i -s $BENCH_SCALE + $BENCH_SB_TABLES x $BENCH_SB_ROWS-row sbtest tables"
load_bench || die "loading the database failed"
DB_BYTES=$(srv_psql -At -d postgres -c "SELECT pg_database_size('bench')") || die "pg_database_size"
DB_MIB=$(awk -v b="$DB_BYTES" 'BEGIN { printf "%.0f", b / 1048576 }')
say "bench is $DB_MIB MiB ($DB_BYTES bytes)"

srv_psql -At -d bench <<<"$COUNT_SQL" >"$B/counts.src" || die "counting the source rows"
say "source: $(tr '\n' ',' <"$B/counts.src" | sed 's/,$//; s/,/, /g')"

verify_copy() { # -> "ok" or "MISMATCH"
	if ws_psql -At -d benchcopy <<<"$COUNT_SQL" >"$B/counts.dst" 2>"$B/counts.err" &&
		cmp -s "$B/counts.src" "$B/counts.dst"; then
		echo ok
	else
		diff "$B/counts.src" "$B/counts.dst" >&2
		cat "$B/counts.err" >&2
		echo MISMATCH
	fi
}

ws_clean() { # drop every database of the workstation cluster
	local db
	while IFS= read -r db; do
		[ -n "$db" ] || continue
		ws_psql -q -d postgres -v db="$db" <<<'DROP DATABASE :"db" WITH (FORCE)' >/dev/null ||
			say "could not drop $db"
	done < <(ws_dbs)
	ws_psql -q -d postgres -c CHECKPOINT >/dev/null
	srv_psql -q -d postgres -c CHECKPOINT >/dev/null
}

# ---------------------------------------------------------------------------------------------
# measuring

poll_hwm() { # PIDFILE OUT: VmHWM (kB) of that pid until it is gone
	local pid="" k v _u
	for _ in $(seq 1 250); do
		[ -s "$1" ] && pid=$(cat "$1") && [ -n "$pid" ] && break
		sleep 0.02
	done
	[ -n "$pid" ] || return 0
	while [ -r "/proc/$pid/status" ]; do
		while read -r k v _u; do
			[ "$k" = VmHWM: ] && { echo "$v" >"$2"; break; }
		done <"/proc/$pid/status" 2>/dev/null
		sleep 0.1
	done
}

declare -A R_LABEL R_WALL R_RSS R_HWM R_SC R_CS R_DROP R_CHECK R_RC R_QUIET R_NOTE R_ALL R_BAD R_CPU
ORDER=()

# run_case ID LABEL KIND CMD... : KIND "siphon" (its own VmHWM is polled too) or "pipe". Called
# BENCH_REPEAT times per case; the fastest good attempt is the one kept (R_ALL lists them all,
# R_BAD counts the failed or wrong ones).
run_case() {
	local id=$1 label=$2 kind=$3
	shift 3
	local tf=$B/time.$id pf=$B/pid.$id hf=$B/hwm.$id ef=$B/err.$id of=$B/out.$id
	local sc0 cs0 sc1 cs1 d0 d1 t0 t1 rc poller="" line wall rss cpu hwm check note=""
	rm -f "$tf" "$pf" "$hf"
	ws_clean
	wait_idle
	say "[$id] $label (machine ${QUIET_BEFORE}% busy before)"
	sc0=$(tx_bytes "$NS" "$VETH_NS") cs0=$(tx_bytes "" "$VETH_ROOT") d0=$(tbf_drops "$NS" "$VETH_NS")
	t0=$(now)
	if [ "$kind" = siphon ]; then
		poll_hwm "$pf" "$hf" &
		poller=$!
		BG_PIDS+=("$poller")
		# shellcheck disable=SC2016 # $$ and $@ are the inner shell's
		/usr/bin/time -f '%e %M %U %S' -o "$tf" timeout -k 5 "$BENCH_TIMEOUT" \
			bash -c 'echo $$ >"$0"; exec "$@"' "$pf" "$@" >"$of" 2>"$ef" </dev/null
	else
		/usr/bin/time -f '%e %M %U %S' -o "$tf" timeout -k 5 "$BENCH_TIMEOUT" "$@" >"$of" 2>"$ef" </dev/null
	fi
	rc=$?
	t1=$(now)
	sc1=$(tx_bytes "$NS" "$VETH_NS") cs1=$(tx_bytes "" "$VETH_ROOT") d1=$(tbf_drops "$NS" "$VETH_NS")
	[ -n "$poller" ] && wait "$poller" 2>/dev/null
	line=$(tail -n 1 "$tf" 2>/dev/null)
	# shellcheck disable=SC2086
	set -- $line
	wall=${1:-$(secs "$t0" "$t1")}
	rss=${2:-0}
	cpu=$(awk -v u="${3:-0}" -v s="${4:-0}" 'BEGIN { printf "%.1f", u + s }')
	hwm=$(cat "$hf" 2>/dev/null || echo "")
	check=-
	if [ "$rc" != 0 ]; then
		say "[$id] FAILED with exit $rc; last lines of stderr:"
		tail -n 5 "$ef" >&2
	else
		check=$(verify_copy)
		[ "$check" = ok ] || say "[$id] row counts of the copy differ from the source"
	fi
	if [ "$kind" = siphon ]; then
		# what siphon said about compression, and its summary line
		note=$(grep -i -m 2 -E 'compress|zstd|loopback' "$ef" | sed 's/^siphon: //' | tr '\n' ' ')
		[ -n "$note" ] && say "[$id] siphon: $note"
		[ -s "$of" ] && say "[$id] siphon summary: $(tail -n 1 "$of")"
		grep -qi loopback "$ef" && say "[$id] ODD: siphon thinks the peer is loopback"
	fi
	say "[$id] ${wall}s, local CPU ${cpu}s, wire s->c $(((sc1 - sc0) / 1048576)) MiB, c->s $(((cs1 - cs0) / 1048576)) MiB, max RSS $((rss / 1024)) MiB${hwm:+, siphon $((hwm / 1024)) MiB}, check $check"

	if [ -z "${R_LABEL[$id]:-}" ]; then
		ORDER+=("$id")
		R_BAD[$id]=0
	fi
	R_ALL[$id]="${R_ALL[$id]:-}${R_ALL[$id]:+ }$wall$([ "$check" = ok ] || echo '!')"
	[ "$check" = ok ] || R_BAD[$id]=$((R_BAD[$id] + 1))
	# keep this attempt if it is the first, or good and faster than the kept one (or the kept
	# one was bad)
	if [ -z "${R_LABEL[$id]:-}" ] ||
		{ [ "$check" = ok ] && { [ "${R_CHECK[$id]}" != ok ] ||
			awk -v a="$wall" -v b="${R_WALL[$id]}" 'BEGIN { exit !(a < b) }'; }; }; then
		R_LABEL[$id]=$label
		R_RC[$id]=$rc
		R_QUIET[$id]=$QUIET_BEFORE
		R_WALL[$id]=$wall
		R_RSS[$id]=$rss
		R_CPU[$id]=$cpu
		R_HWM[$id]=$hwm
		R_SC[$id]=$((sc1 - sc0))
		R_CS[$id]=$((cs1 - cs0))
		R_DROP[$id]=$((d1 - d0))
		R_CHECK[$id]=$check
		R_NOTE[$id]=$note
	fi
	return "$rc"
}

want() { case " $BENCH_CASES " in *" $1 "*) return 0 ;; esac; return 1; }

SIPHON_ARGS=(pull "$SIPHON_IT_SSH_USER@$ADDR_NS:$NET_PORT:bench" --into benchcopy -i "$SIPHON_IT_KEY"
	--known-hosts "$KNOWN_HOSTS" -j 4)
PSQL_IN='psql -X -q -v ON_ERROR_STOP=1 -d benchcopy >/dev/null'

T_START=$(now)
SIPHON_VERSION="$("$SIPHON" --version 2>&1 | head -n 1), tree $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"
say "siphon: $SIPHON ($SIPHON_VERSION)"

for round in $(seq 1 "$BENCH_REPEAT"); do
	[ "$BENCH_REPEAT" = 1 ] || say "round $round of $BENCH_REPEAT"
	want 1 && run_case 1 "siphon pull -j 4 (auto => zstd)" siphon "$SIPHON" "${SIPHON_ARGS[@]}" --compress auto
	want 2 && run_case 2 "siphon pull -j 4 --compress none" siphon "$SIPHON" "${SIPHON_ARGS[@]}" --compress none
	want 3 && run_case 3 "ssh 'pg_dump' | psql" pipe bash -c \
		"set -o pipefail; createdb benchcopy && \"\$0\" 'pg_dump bench' | $PSQL_IN" "$SSH"
	want 4 && run_case 4 "ssh 'pg_dump | zstd -T0' | zstd -d | psql" pipe bash -c \
		"set -o pipefail; createdb benchcopy && \"\$0\" 'pg_dump bench | zstd -q -T0' | zstd -q -d | $PSQL_IN" "$SSH"
	want 5 && run_case 5 "ssh 'pg_dump | gzip -1' | gunzip | psql" pipe bash -c \
		"set -o pipefail; createdb benchcopy && \"\$0\" 'pg_dump bench | gzip -1' | gunzip | $PSQL_IN" "$SSH"
done
ws_clean
T_END=$(now)

# ---------------------------------------------------------------------------------------------
# report

mibs() { awk -v b="$DB_BYTES" -v s="$1" 'BEGIN { if (s > 0) printf "%.1f", b / 1048576 / s; else print "-" }'; }
mib() { [ -n "$1" ] && [ "$1" != 0 ] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' || echo -; }
bmib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
mbit() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b * 8 / s / 1e6; else print "-" }'; }

echo
echo "siphon bench over a $BENCH_RATE tbf link (veth into network namespace $NS, sshd on $ADDR_NS, no added delay)"
echo "database bench = $DB_MIB MiB (pgbench -s $BENCH_SCALE + $BENCH_SB_TABLES x $BENCH_SB_ROWS sbtest rows), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "$SIPHON_VERSION; runs took $(secs "$T_START" "$T_END")s${OTHER_WAITED:+, waited ${OTHER_WAITED}s for bench/pull_pg.sh}"
echo
fmt='%-3s %-40s %7s %6s | %8s %8s %7s %5s | %7s %7s %6s | %5s %-8s | %s\n'
# shellcheck disable=SC2059
printf "$fmt" "" "" "" "" "wire MiB" "wire MiB" "s->c" "tbf" "max RSS" "siphon" "local" "busy%" "" "all runs"
# shellcheck disable=SC2059
printf "$fmt" case what seconds MiB/s "s->c" "c->s" Mbit/s drops MiB "RSS MiB" "CPU s" before check/rc "(seconds)"
for id in "${ORDER[@]}"; do
	# shellcheck disable=SC2059
	printf "$fmt" "$id" "${R_LABEL[$id]}" "${R_WALL[$id]}" "$(mibs "${R_WALL[$id]}")" "$(bmib "${R_SC[$id]}")" \
		"$(bmib "${R_CS[$id]}")" "$(mbit "${R_SC[$id]}" "${R_WALL[$id]}")" "${R_DROP[$id]}" "$(mib "${R_RSS[$id]}")" \
		"$(mib "${R_HWM[$id]}")" "${R_CPU[$id]}" "${R_QUIET[$id]}" "${R_CHECK[$id]}/${R_RC[$id]}" "${R_ALL[$id]}"
done
for id in "${ORDER[@]}"; do
	[ -n "${R_NOTE[$id]:-}" ] && echo "case $id, siphon said: ${R_NOTE[$id]}"
done
echo "seconds and the other columns: the fastest good run of the case; all runs in order, '!' = failed or wrong copy"
[ -n "$OTHER_RAN" ] && echo "NOTE: bench/pull_pg.sh was still running during some runs: figures disturbed"

fail=0
for id in "${ORDER[@]}"; do
	[ "${R_RC[$id]}" = 0 ] && [ "${R_CHECK[$id]}" = ok ] && [ "${R_BAD[$id]}" = 0 ] || fail=1
done
exit "$fail"
