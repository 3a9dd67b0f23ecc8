#!/usr/bin/env bash
# bench/jump.sh - bytes per second through jump hosts against a direct connection: one exec channel
# streaming `head -c BYTES /dev/zero` (bench/jump_stream.c: the transport alone, no database, no
# restore), and the tunnel's window (ssh/tunnel.h) varied.
#
#   bench/jump.sh BUILD_DIR        (e.g. build: links BUILD_DIR/libsiphon.a; needs root)
#
# Starts the integration harness and its bastions (tests/harness/lib.sh, bastion.sh), then runs:
#   direct           siphon's libssh2 to the harness sshd on 127.0.0.1
#   1 jump, window W the bastion on 127.0.0.1, then the harness sshd (all loopback), W = 2, 8, 16,
#                    32 MiB
#   2 jumps          the loopback bastion, the namespace's bastion (veth), the target
# each BENCH_TRIES times (default 3), the best kept. BENCH_BYTES (default 2000000000).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
b=${1:?usage: bench/jump.sh BUILD_DIR}
case $b in /*) ;; *) b=$PWD/$b ;; esac
[ -f "$b/libsiphon.a" ] || { echo "jump.sh: no $b/libsiphon.a (make B=... first)" >&2; exit 2; }
bytes=${BENCH_BYTES:-2000000000}
tries=${BENCH_TRIES:-3}

out=$(mktemp -d /tmp/siphon-bench-jump.XXXXXX)
# shellcheck disable=SC2046
cc -std=c17 -D_GNU_SOURCE -O2 -I"$top/lib" $(pkg-config --cflags libssh2) -o "$out/jump_stream" \
	"$here/jump_stream.c" "$b/libsiphon.a" $(pkg-config --libs libssh2 zlib libzstd libarchive openssl) ||
	exit 1

export SIPHON_IT_NO_FIXTURE=1
# shellcheck source=../tests/harness/lib.sh
. "$top/tests/harness/lib.sh"
# shellcheck source=../tests/harness/bastion.sh
. "$top/tests/harness/bastion.sh"
harness_start || exit 1
harness_on_exit "rm -rf '$out'"
bastion_start || exit 1
kh=$out/known_hosts
cat "$SIPHON_IT_KNOWN_HOSTS" "$BASTION_KH" >"$kh"
u=$SIPHON_IT_SSH_USER
direct=$u@127.0.0.1:$SIPHON_IT_SSH_PORT
b2=$u@127.0.0.1:$BASTION2_PORT
b1=$u@$BASTION_ADDR:$BASTION_PORT
tgt=$u@$TARGET_HOST:$TARGET_PORT

best() { # LABEL WINDOW HOP...
	local label=$1 w=$2 r line best_rate=0 best_line=
	shift 2
	for _ in $(seq 1 "$tries"); do
		line=$("$out/jump_stream" "$SIPHON_IT_KEY" "$kh" "$bytes" "$w" "$@") || { echo "$label: failed" >&2; return 1; }
		r=${line##*MB/s=}
		if [ "$r" -gt "$best_rate" ]; then best_rate=$r; best_line=$line; fi
	done
	printf '%-22s %6s MB/s   (%s)\n' "$label" "$best_rate" "$best_line"
}

echo "bytes per run: $bytes; best of $tries"
best "direct" $((16 << 20)) "$direct"
for w in 2 8 16 32; do
	best "1 jump, window ${w} MiB" $((w << 20)) "$b2" "$direct"
done
best "2 jumps, window 16 MiB" $((16 << 20)) "$b2" "$b1" "$tgt"
