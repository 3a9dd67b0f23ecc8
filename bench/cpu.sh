#!/usr/bin/env bash
# bench/cpu.sh - siphon's own CPU per byte on the client, against `ssh` + `zstd -d` on the same kind
# of bytes (issue 12: "no more than 1.5x ssh + zstd -d").
#
#   bench/cpu.sh /abs/path/to/siphon [/abs/path/to/other-siphon ...]
#
# Starts the integration harness (tests/harness/lib.sh: a throwaway sshd on 127.0.0.1, a "server"
# and a "workstation" PostgreSQL 15 cluster and MariaDB server, all on this machine), loads a small
# database "bench" (bench/load_pg.sh: pgbench -s CPU_SCALE plus CPU_SB_TABLES sysbench-like tables),
# and then, CPU_RUNS rounds, each round in this order:
#
#   siphon   every binary given, in turn: siphon pull --compress zstd -j CPU_JOBS into a fresh local
#            database (no kept copies). Measured: siphon's own CPU (perf stat --no-inherit
#            task-clock: user + sys of the siphon process alone, not the local psql it spawns), its
#            wall time, and the table data bytes raw and on the wire (its JSON summary).
#   ssh      the local side of `ssh HOST 'cat dump.zst' | zstd -d > /dev/null` (ssh + zstd -d, perf
#            stat task-clock of the whole pipeline), with OpenSSH's default cipher;
#   ssh-aes  the same with `-c aes128-ctr -m hmac-sha2-256`, the best libssh2 1.10 offers, so that
#            what the cipher costs is told apart from what siphon does;
#   zstd-d   `zstd -d < dump.zst > /dev/null` alone (the decoder's share).
#
# dump.zst is `pg_dump bench | zstd -3 --zstd=wlog=19` made on the server once: the same data, at
# the level and window siphon asks the server for, so its bytes per raw byte are close to
# siphon's (siphon's wire is several streams, each compressed alone).
# The figures are CPU seconds per GB (10^9 bytes) raw (decoded) and on the wire; the closing lines
# give, for each binary, min and median over the rounds, and the ratio of siphon's median per raw
# GB to ssh-aes's (the issue's target: <= 1.5).
#
# Environment:
#   CPU_RUNS=3                 rounds
#   CPU_SCALE=10 CPU_SB_TABLES=4 CPU_SB_ROWS=170000   the database (about 300 MB as COPY text)
#   CPU_JOBS=4                 siphon's -j
#   CPU_COMPRESS=zstd          siphon's --compress (none: measures the uncompressed path)
#   CPU_ENGINE=pg              pg, or my (MariaDB: CPU_MY_TABLES=8 x CPU_MY_ROWS=200000 sysbench rows,
#                              the reference file from mariadb-dump --tab-like SELECT output)
#   CPU_PERF=1                 one more run of the first binary under `perf record -g`: its hottest
#                              functions and libraries
#   CPU_STRACE=1               one more run of the first binary under `strace -c` (siphon alone): its
#                              system calls, counts and errors (EAGAIN)
#   CPU_KEEP=1                 keep the harness logs
#
# Everything runs on one machine (2 cores shared with the server side and other sessions): CPU
# seconds of one process are far steadier than wall time there, which is why this script reports
# them. Run it niced and alone (flock /tmp/siphon-it.lock nice -n 10 bench/cpu.sh ...).
#
# Measured on 2026-12-05 (AMD EPYC, 2 vCPUs shared with other sessions, pgbench -s 10 + 4 x 170,000
# sbtest rows: 228 MB raw, 69 MB of zstd on the wire; 4 rounds, CPU s of siphon alone, min / median):
#   before (main at 9b2fe97)                   0.69 / 0.74 s   3.24 s/GB raw   0.49 x ssh-aes
#   + socket asked once per round (rx_gate)    0.66 / 0.79 s   3.45 s/GB raw   (noise: 0.66-1.12)
#   + pipes tried when poll says so            0.65 / 0.70 s   3.05 s/GB raw
#   + lane scanner by backslash                0.65 / 0.66 s   2.89 s/GB raw   0.43 x ssh-aes
#   ssh + zstd -d (OpenSSH default cipher)     0.94 / 1.40 s   6.11 s/GB raw
#   ssh -c aes128-ctr -m hmac-sha2-256 + zstd  1.24 / 1.52 s   6.66 s/GB raw
#   zstd -d alone                              0.23 / 0.24 s   1.04 s/GB raw
# strace -c of siphon (same pull): recvfrom 25,617 calls (20,660 EAGAIN) -> 7,139 (2,286); read
# 28,504 (28,392 EAGAIN) -> 7,773 (7,662); write 8,616 (6,634 EAGAIN) -> 6,309 (4,025); poll 4,915
# -> 2,648. What remains (perf): zstd's decoding 26 %, libcrypto (aes128-ctr, hmac-sha2-256 in
# libssh2) 19 %, the copy into the local psql's pipe 7 %, libssh2's packet copies (memmove) 8 %.

set -u -o pipefail

if [ $# -lt 1 ]; then
	echo "usage: $0 /abs/path/to/siphon [/abs/path/to/other-siphon ...]" >&2
	exit 2
fi
BINS=()
for b in "$@"; do
	case $b in /*) ;; *) b=$PWD/$b ;; esac
	[ -x "$b" ] || { echo "cpu.sh: $b is not an executable file" >&2; exit 2; }
	BINS+=("$b")
done
# shellcheck disable=SC2034 # read by common.sh
BENCH_TAG=cpu
# shellcheck source=common.sh disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CPU_RUNS=${CPU_RUNS:-3}
CPU_JOBS=${CPU_JOBS:-4}
CPU_COMPRESS=${CPU_COMPRESS:-zstd}
CPU_ENGINE=${CPU_ENGINE:-pg}
BENCH_SCALE=${CPU_SCALE:-10}
BENCH_SB_TABLES=${CPU_SB_TABLES:-4}
BENCH_SB_ROWS=${CPU_SB_ROWS:-170000}
BENCH_TABLES=${CPU_MY_TABLES:-8}
BENCH_ROWS=${CPU_MY_ROWS:-200000}

bench_root "the harness creates users and runs sshd"
for t in perf zstd pgbench; do
	command -v "$t" >/dev/null 2>&1 || die "$t is missing (apt-get install linux-perf zstd postgresql-client-15)"
done
[ "${CPU_STRACE:-0}" != 1 ] || command -v strace >/dev/null 2>&1 || die "strace is missing"

bench_harness_env "${CPU_KEEP:-0}"
# shellcheck source=../tests/harness/lib.sh disable=SC1091
. "$ROOT/tests/harness/lib.sh"
harness_start || die "harness_start failed"
B=$H/cpu
mkdir -p "$B" "$B/home" || die "mkdir $B"
# siphon's state, config and snapshots stay in the scratch directory; no kept copies to drop.
export HOME=$B/home XDG_STATE_HOME=$B/home/state XDG_CONFIG_HOME=$B/home/config XDG_DATA_HOME=$B/home/data
export SIPHON_KEEP_PREVIOUS=no SIPHON_KEEP_PRISTINE=no

# An OpenSSH client with the harness's key and known_hosts, as a command; $SSH_AES with libssh2 1.10's
# cipher and MAC.
mapfile -t _opts < <(ssh_opts)
write_ssh() { # FILE EXTRA...
	local f=$1
	shift
	{
		echo '#!/bin/sh'
		printf 'exec ssh'
		printf ' %q' "${_opts[@]}" "$@" "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST"
		printf ' "$@"\n'
	} >"$f" && chmod 755 "$f"
}
SSH=$B/ssh
SSH_AES=$B/ssh-aes
write_ssh "$SSH" || die "writing $SSH"
write_ssh "$SSH_AES" -c aes128-ctr -m hmac-sha2-256 || die "writing $SSH_AES"

# ---------------------------------------------------------------------------------------------
# the database and the reference file

REF=$B/ref.zst
# The remote user writes the reference file; root reads it.
chown "$SIPHON_IT_SSH_USER" "$B" || die "chown $B"
ZSTD_ARGS="-q -c -3 -T0 --zstd=wlog=19"
if [ "$CPU_ENGINE" = pg ]; then
	# shellcheck source=load_pg.sh disable=SC1091
	. "$BENCH_DIR/load_pg.sh"
	say "loading bench on the server: pgbench -i -s $BENCH_SCALE + $BENCH_SB_TABLES x $BENCH_SB_ROWS sbtest rows"
	load_bench || die "loading the database failed"
	TARGET=$(remote_spec bench)
	"$SSH" "pg_dump -O -x bench | zstd $ZSTD_ARGS > '$REF'" || die "making $REF on the server"
	ws_clean() {
		local db
		while IFS= read -r db; do
			[ -n "$db" ] || continue
			ws_psql -q -d postgres -v db="$db" <<<'DROP DATABASE :"db" WITH (FORCE)' >/dev/null ||
				say "could not drop $db"
		done < <(ws_dbs; ws_kept_dbs)
		ws_psql -q -d postgres -c CHECKPOINT >/dev/null
	}
elif [ "$CPU_ENGINE" = my ]; then
	# shellcheck source=load_my.sh disable=SC1091
	. "$BENCH_DIR/load_my.sh"
	say "loading sbtest on the server MariaDB: $BENCH_TABLES x $BENCH_ROWS sysbench rows"
	load_sbtest || die "loading the database failed"
	TARGET=$(remote_spec sbtest)
	# What siphon's workers select, roughly: every row as tab-separated text.
	"$SSH" "for t in \$(mysql -N -B -D sbtest -e 'SHOW TABLES'); do mysql -N -B -D sbtest -e \"SELECT * FROM \$t\"; done | zstd $ZSTD_ARGS > '$REF'" ||
		die "making $REF on the server"
	ws_clean() {
		local db
		for db in $(ws_my -N -B -e "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'benchcopy%' OR SCHEMA_NAME LIKE 'siphon\\_%'"); do
			ws_my -e "DROP DATABASE \`$db\`" || say "could not drop $db"
		done
	}
else
	die "CPU_ENGINE must be pg or my, not $CPU_ENGINE"
fi
REF_WIRE=$(stat -c %s "$REF") || die "no $REF"
REF_RAW=$(zstd -q -d -c "$REF" | wc -c) || die "zstd -d $REF"
say "reference: $REF_WIRE bytes of zstd, $REF_RAW bytes decoded"

SIPHON_ARGS=(pull "$TARGET" --into benchcopy -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS"
	--compress "$CPU_COMPRESS" -j "$CPU_JOBS" -q --progress json --progress-fd 3)

# ---------------------------------------------------------------------------------------------
# measuring

# task-clock milliseconds, context switches from perf stat -x, output
task_ms() { awk -F, '$3 == "task-clock" { printf "%.0f", $1 }' "$1"; }
csw_of() { awk -F, '$3 == "context-switches" { printf "%.0f", $1 }' "$1"; }

# The JSON summary's stats field NAME.
stat_of() { # FILE NAME
	sed -n 's/.*"event":"summary".*"stats":{\([^}]*\)}.*/\1/p' "$1" | tr ',' '\n' |
		awk -F: -v k="\"$2\"" '$1 == k { print $2 }'
}

declare -A CPU WALL RAW WIRE CSW
CASES=()

# record CASE RUN CPU_MS WALL_S RAW WIRE [CONTEXT_SWITCHES]
record() {
	[ -n "${CPU[$1]:-}" ] || CASES+=("$1")
	CPU[$1]="${CPU[$1]:-} $3"
	WALL[$1]="${WALL[$1]:-} $4"
	RAW[$1]=$5
	WIRE[$1]=$6
	CSW[$1]="${CSW[$1]:-} ${7:-}"
}

run_siphon() { # INDEX RUN
	local bin=${BINS[$1]} id="siphon$(($1 + 1))" ps=$B/perfstat.$1.$2 js=$B/json.$1.$2 t0 t1 rc ms
	ws_clean
	t0=$(now)
	perf stat --no-inherit -x, -e task-clock,context-switches -o "$ps" -- "$bin" "${SIPHON_ARGS[@]}" \
		3>"$js" 2>"$B/err.$1.$2" </dev/null
	rc=$?
	t1=$(now)
	[ "$rc" = 0 ] || { say "$id run $2 failed (exit $rc):"; tail -n 5 "$B/err.$1.$2" >&2; return 1; }
	ms=$(task_ms "$ps")
	record "$id" "$2" "$ms" "$(secs "$t0" "$t1")" "$(stat_of "$js" raw_bytes)" "$(stat_of "$js" wire_bytes)" \
		"$(csw_of "$ps")"
	say "$id run $2: ${ms} ms CPU, $(csw_of "$ps") context switches, $(secs "$t0" "$t1") s wall"
}

run_pipe() { # ID RUN CMD
	local id=$1 ps=$B/perfstat.$1.$2 t0 t1 ms
	t0=$(now)
	perf stat -x, -e task-clock -o "$ps" -- bash -c "$3" </dev/null || { say "$id failed"; return 1; }
	t1=$(now)
	ms=$(task_ms "$ps")
	record "$id" "$2" "$ms" "$(secs "$t0" "$t1")" "$REF_RAW" "$REF_WIRE"
	say "$id run $2: ${ms} ms CPU"
}

T_START=$(now)
for run in $(seq 1 "$CPU_RUNS"); do
	for i in "${!BINS[@]}"; do
		run_siphon "$i" "$run" || die "siphon failed"
	done
	run_pipe ssh "$run" "'$SSH' \"cat '$REF'\" | zstd -q -d > /dev/null"
	run_pipe ssh-aes "$run" "'$SSH_AES' \"cat '$REF'\" | zstd -q -d > /dev/null"
	run_pipe zstd-d "$run" "zstd -q -d < '$REF' > /dev/null"
done

if [ "${CPU_PERF:-0}" = 1 ]; then
	ws_clean
	say "perf record -g of ${BINS[0]}"
	perf record -g -i -q -o "$B/perf.data" -- "${BINS[0]}" "${SIPHON_ARGS[@]}" 3>/dev/null 2>"$B/err.perf" </dev/null ||
		say "the profiled run failed"
	echo "== perf: siphon's CPU by library"
	perf report -i "$B/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep . | head -n 12
	echo "== perf: siphon's hottest functions (self)"
	perf report -i "$B/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null |
		grep -v '^#' | grep . | head -n 40
	echo "== perf: with what they call (children)"
	perf report -i "$B/perf.data" --children --sort sym --stdio -g none 2>/dev/null |
		grep -v '^#' | grep . | head -n 50
	cp "$B/perf.data" "${CPU_PERF_OUT:-/tmp/siphon-cpu-perf.data}" 2>/dev/null
fi
if [ "${CPU_STRACE:-0}" = 1 ]; then
	ws_clean
	say "strace -c of ${BINS[0]} (siphon alone, not its children)"
	strace -c -o "$B/strace.txt" -- "${BINS[0]}" "${SIPHON_ARGS[@]}" 3>"$B/json.strace" 2>"$B/err.strace" </dev/null ||
		say "the straced run failed"
	echo "== strace -c: siphon's system calls ($(stat_of "$B/json.strace" wire_bytes) bytes on the wire)"
	head -n 30 "$B/strace.txt"
fi
ws_clean
T_END=$(now)

# ---------------------------------------------------------------------------------------------
# report

# min and median of a list of numbers
minmed() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%s %s", v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
per_gb() { awk -v ms="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", ms / 1000 / (b / 1e9); else print "-" }'; }

echo
echo "siphon CPU per byte: engine $CPU_ENGINE, --compress $CPU_COMPRESS -j $CPU_JOBS, $CPU_RUNS rounds, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $(secs "$T_START" "$T_END") s"
for i in "${!BINS[@]}"; do
	echo "siphon$((i + 1)) = ${BINS[$i]} ($("${BINS[$i]}" --version 2>&1 | head -n 1))"
done
echo "reference file: pg_dump/SELECT | zstd -3 --zstd=wlog=19, $REF_WIRE bytes, $REF_RAW decoded"
fmt='%-9s %10s %10s %12s %10s %10s %10s %10s %8s %8s\n'
# shellcheck disable=SC2059
printf "$fmt" case "CPU s min" "CPU s med" "wall s med" "raw MB" "wire MB" "s/GB raw" "s/GB wire" "x ssh-aes" "csw med"
read -r _ aes_med <<<"$(minmed <<<"${CPU[ssh-aes]}")"
aes_gb=$(per_gb "$aes_med" "${RAW[ssh-aes]}")
for c in "${CASES[@]}"; do
	read -r mn md <<<"$(minmed <<<"${CPU[$c]}")"
	read -r _ wmd <<<"$(minmed <<<"${WALL[$c]}")"
	gb=$(per_gb "$md" "${RAW[$c]}")
	# shellcheck disable=SC2059
	printf "$fmt" "$c" "$(awk -v m="$mn" 'BEGIN { printf "%.2f", m / 1000 }')" \
		"$(awk -v m="$md" 'BEGIN { printf "%.2f", m / 1000 }')" "$wmd" \
		"$(awk -v b="${RAW[$c]}" 'BEGIN { printf "%.1f", b / 1e6 }')" \
		"$(awk -v b="${WIRE[$c]}" 'BEGIN { printf "%.1f", b / 1e6 }')" \
		"$gb" "$(per_gb "$md" "${WIRE[$c]}")" \
		"$(awk -v a="$gb" -v b="$aes_gb" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" \
		"$(minmed <<<"${CSW[$c]}" | awk '{ print ($2 == "" ? "-" : $2) }')"
done
echo "(CPU s: task-clock of siphon alone / of the whole ssh | zstd -d pipeline; s/GB: median CPU seconds"
echo " per 10^9 bytes; x ssh-aes: siphon's s/GB raw over ssh-aes's, the issue's target is <= 1.5;"
echo " csw: siphon's context switches, about one per wait: the CPU per byte grows with them)"
for c in "${CASES[@]}"; do
	echo "$c runs (ms):${CPU[$c]}"
done
