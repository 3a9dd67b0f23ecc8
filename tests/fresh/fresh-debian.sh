#!/bin/bash
# make fresh-check: do the README's commands work as the very first command on a fresh Debian 12?
#
#   tests/fresh/fresh-debian.sh [TARGET...]     default: $FRESH_TARGETS, else "demo"
#   FRESH_TARGETS="demo check" make fresh-check
#
# For each TARGET: a pristine Debian 12 root (debootstrap --variant=minbase, plus git and make, from
# $FRESH_MIRROR) in a scratch directory, a git clone of this repository's committed HEAD in
# /root/siphon, and `make TARGET` as the first command, as root, in a chroot inside private mount
# and PID namespaces (/proc, /sys, /dev, /dev/pts, /dev/shm and /run mounted there only). The
# network namespace is the host's: the demo's servers bind 127.0.0.1 on free ports.
# Every target starts from its own pristine copy. At exit (also on failure or Ctrl-C) the
# namespaces end, which kills every process started inside and drops the mounts, and the scratch
# directory is removed. Needs root; installs debootstrap on the host if it is missing.
#
# Environment:
#   FRESH_MIRROR    Debian mirror (default http://deb.debian.org/debian)
#   FRESH_SUITE     default bookworm (Debian 12)
#   FRESH_CACHE     default /var/cache/siphon-fresh: the bootstrap as a tarball (rebuilt when older
#                   than FRESH_MAX_AGE_DAYS, default 14, or when FRESH_REFRESH=1), the downloaded
#                   .debs (reused by apt inside; FRESH_APT_CACHE=0 to download everything again),
#                   and the logs of the last runs (logs/)
#   FRESH_SCRATCH   where the roots are unpacked (default /var/tmp)
#   FRESH_REV       the commit to check (default HEAD)
#   FRESH_KEEP=1    keep a failed root (no process runs in it any more) for inspection
#
# What differs from a real installation: no init system runs (packages' services are not started:
# /usr/sbin/policy-rc.d says no, as in any chroot), /etc/resolv.conf is the host's, and /etc/hosts
# has the two localhost lines when debootstrap did not write one.
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
MIRROR=${FRESH_MIRROR:-http://deb.debian.org/debian}
SUITE=${FRESH_SUITE:-bookworm}
CACHE=${FRESH_CACHE:-/var/cache/siphon-fresh}
SCRATCH=${FRESH_SCRATCH:-/var/tmp}
INCLUDE=git,make

say() { printf 'fresh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }

# ---------------------------------------------------------------------------------------------
# Inside the namespaces (PID 1 of the new PID namespace): mount, chroot, run make TARGET.
# When this process ends, the kernel kills everything left in the PID namespace.
if [ "${1:-}" = --inner ]; then
	root=$2 target=$3 debs=$4
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# The root a mount point of its own, as / is on a real system: else `unshare -m` inside (the
	# harness's private mount namespaces) cannot change the propagation of / (EINVAL).
	mount --bind "$root" "$root"
	mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
	mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
	mount --rbind /dev "$root/dev"
	mount -t tmpfs -o nosuid,nodev,mode=1777 shm "$root/dev/shm"
	mount -t tmpfs -o nosuid,nodev,mode=755 run "$root/run"
	mkdir -m 1777 "$root/run/lock"
	if [ -n "$debs" ]; then
		mount --bind "$debs" "$root/var/cache/apt/archives"
	fi
	# A root login's environment: nothing but what login and /etc/profile give.
	# shellcheck disable=SC2016 # $1 is for the shell in the chroot
	chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash \
		TERM="${TERM:-dumb}" /bin/bash -l -c 'cd /root/siphon && make "$1"' make "$target" </dev/null &
	wait $!
	exit
fi

# ---------------------------------------------------------------------------------------------
# Outside

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, mount namespaces)"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || read -r -a targets <<<"${FRESH_TARGETS:-demo}"
[ ${#targets[@]} -gt 0 ] || die "no target"
for t in "${targets[@]}"; do
	case $t in demo | check | all | deps) ;; *) die "unknown target '$t' (demo, check, all, deps)" ;; esac
done
repo=$(git -C "$here" rev-parse --show-toplevel)
rev=$(git -C "$repo" rev-parse --verify "${FRESH_REV:-HEAD}^{commit}") || die "no commit ${FRESH_REV:-HEAD}"
if [ -z "${FRESH_REV:-}" ] && [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
	say "note: the working tree has uncommitted changes; this checks the committed HEAD ${rev:0:12} only"
fi
for b in unshare chroot mount tar flock; do
	command -v "$b" >/dev/null 2>&1 || die "missing $b"
done
if ! command -v debootstrap >/dev/null 2>&1; then
	say "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null ||
		die "could not install debootstrap (apt-get install debootstrap)"
fi
mkdir -p "$CACHE/debs/partial" "$CACHE/logs"
tarball=$CACHE/$SUITE-minbase-${INCLUDE//,/-}.tar

# Scratch roots of runs that were killed (their owner process is gone) are removed first.
sweep() {
	local d pid
	for d in "$SCRATCH"/siphon-fresh.*; do
		[ -d "$d" ] || continue
		pid=$(cat "$d/owner" 2>/dev/null) || pid=
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && continue
		[ -e "$d/keep" ] && continue
		grep -qF " $d/" /proc/self/mountinfo && continue
		say "removing the left-over $d"
		rm -rf --one-file-system "$d"
	done
}

# The bootstrap, once: debootstrap into a temporary directory, then a tarball of it.
bootstrap() {
	local age=${FRESH_MAX_AGE_DAYS:-14} tmp t0 t1
	if [ "${FRESH_REFRESH:-0}" != 1 ] && [ -s "$tarball" ] &&
		[ -z "$(find "$tarball" -mtime "+$age" 2>/dev/null)" ]; then
		say "bootstrap: cached $tarball ($(cat "$tarball.info" 2>/dev/null || echo "?"))"
		return 0
	fi
	tmp=$(mktemp -d "$SCRATCH/siphon-fresh.XXXXXX")
	echo $$ >"$tmp/owner"
	cleanup_dirs+=("$tmp")
	say "bootstrap: debootstrap --variant=minbase --include=$INCLUDE $SUITE from $MIRROR (a few minutes)"
	t0=$(now)
	if ! nice -n 19 debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$tmp/root" "$MIRROR" \
		>"$CACHE/logs/debootstrap.log" 2>&1; then
		tail -n 20 "$CACHE/logs/debootstrap.log" >&2
		die "debootstrap failed; log: $CACHE/logs/debootstrap.log"
	fi
	t1=$(now)
	rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*_Packages
	tar --numeric-owner --xattrs -C "$tmp/root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
	echo "debootstrap took $(secs "$t0" "$t1")s on $(date -u +%Y-%m-%d)" >"$tarball.info"
	say "bootstrap: debootstrap $(secs "$t0" "$t1")s, tarball $(du -h "$tarball" | cut -f1)"
	rm -rf --one-file-system "$tmp"
}

cleanup_dirs=()
ns_pid=
W=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local rc=$? i c
	trap '' INT TERM
	if [ -n "$ns_pid" ] && kill -0 "$ns_pid" 2>/dev/null; then
		# unshare ignores INT/TERM and waits for its child, the namespace's PID 1: stop that one.
		for c in $(pgrep -P "$ns_pid"); do kill -TERM "$c" 2>/dev/null || true; done
		for i in $(seq 1 100); do
			kill -0 "$ns_pid" 2>/dev/null || break
			[ "$i" = 50 ] && for c in $(pgrep -P "$ns_pid"); do kill -KILL "$c" 2>/dev/null || true; done
			sleep 0.2
		done
		wait "$ns_pid" 2>/dev/null || true
	fi
	for d in "${cleanup_dirs[@]}"; do
		[ -d "$d" ] || continue
		if grep -qF " $d/" /proc/self/mountinfo; then
			say "not removing $d: something is still mounted under it"
		elif [ -e "$d/keep" ]; then
			say "kept $d/root (remove it with: rm -rf --one-file-system $d)"
		else
			rm -rf --one-file-system "$d"
		fi
	done
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sweep
t0=$(now)
exec 9>"$CACHE/lock"
flock 9 # one bootstrap at a time; a second run waits, then uses the tarball
bootstrap
exec 9>&-
t_boot=$(secs "$t0" "$(now)")

# apt in two roots must not share the .deb cache at once: a concurrent run downloads again.
debs_locked=0
exec 8>"$CACHE/debs.lock"
if flock -n 8; then
	debs_locked=1
elif [ "${FRESH_APT_CACHE:-1}" = 1 ]; then
	say "another run is using $CACHE/debs: this one downloads its packages"
fi

summary=()
fail=0
for target in "${targets[@]}"; do
	t0=$(now)
	W=$(mktemp -d "$SCRATCH/siphon-fresh.XXXXXX")
	echo $$ >"$W/owner"
	cleanup_dirs+=("$W")
	r=$W/root
	mkdir "$r"
	tar --numeric-owner --xattrs -xpf "$tarball" -C "$r"
	# What an installed system has and a chroot does not: name service and no services started.
	cat /etc/resolv.conf >"$r/etc/resolv.conf"
	[ -s "$r/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$r/etc/hosts"
	printf '#!/bin/sh\n# fresh-debian.sh: no services start in this chroot\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
	chmod 755 "$r/usr/sbin/policy-rc.d"
	# The README's first step, "git clone", of the committed HEAD.
	git clone -q --no-hardlinks "$repo" "$r/root/siphon"
	git -C "$r/root/siphon" checkout -q --detach "$rev"
	debs=
	[ "${FRESH_APT_CACHE:-1}" = 1 ] && [ "$debs_locked" = 1 ] && debs=$CACHE/debs
	t1=$(now)
	log=$CACHE/logs/$target-$(date +%Y%m%d-%H%M%S).log
	say "make $target as the first command on a fresh $SUITE (${rev:0:12}; root prepared in $(secs "$t0" "$t1")s); log: $log"
	ionice=()
	command -v ionice >/dev/null 2>&1 && ionice=(ionice -c 3)
	nice -n 19 "${ionice[@]}" unshare --mount --pid --fork --propagation private --kill-child \
		"$self" --inner "$r" "$target" "$debs" > >(tee "$log") 2>&1 &
	ns_pid=$!
	rc=0
	wait "$ns_pid" || rc=$?
	ns_pid=
	t2=$(now)
	if [ "$rc" = 0 ]; then
		summary+=("make $target: ok in $(secs "$t1" "$t2")s")
	else
		fail=1
		summary+=("make $target: FAILED (exit $rc) after $(secs "$t1" "$t2")s, log $log")
		[ "${FRESH_KEEP:-0}" = 1 ] && : >"$W/keep"
	fi
	# Nothing runs in the root any more (its PID namespace has ended): remove it now.
	if ! grep -qF " $W/" /proc/self/mountinfo && [ ! -e "$W/keep" ]; then
		rm -rf --one-file-system "$W"
	fi
	# Keep the last five logs of each target.
	find "$CACHE/logs" -maxdepth 1 -name "$target-*.log" -printf '%T@ %p\n' | sort -rn | tail -n +6 |
		cut -d' ' -f2- | xargs -r rm -f
done

say "bootstrap ${t_boot}s ($(cat "$tarball.info"))"
for s in "${summary[@]}"; do say "$s"; done
exit "$fail"
