#!/bin/bash
# t_targets.sh - what the real siphon offers the completion scripts as targets
# (`__complete-targets`): the profile names, then the plain Host names of
# ~/.ssh/config (Includes followed, wildcards and negations left out) as
# "HOST:", for the database name to follow; `__complete-profiles` only the
# profiles. A temporary HOME; no server, no root.
#
# usage: t_targets.sh BUILDDIR
set -u
bin=$(cd "${1:?usage: t_targets.sh BUILDDIR}" && pwd)/siphon
tmp=$(mktemp -d /tmp/siphon-t-targets-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/.ssh" "$tmp/.config/siphon"
cat > "$tmp/.ssh/config" <<'CFG'
Host prod db2
	HostName 10.0.0.1
Host *.example.com !bad.example.com
	User app
Match host foo
	Port 2222
Include conf.d/*
CFG
mkdir -p "$tmp/.ssh/conf.d"
printf 'Host staging\n' > "$tmp/.ssh/conf.d/a"
printf '[defaults]\njobs = 2\n\n[nightly]\nssh = prod\ndatabase = shop\n' > "$tmp/.config/siphon/config"
chmod 600 "$tmp/.config/siphon/config"

fails=0
got=$(env -u XDG_CONFIG_HOME -u SIPHON_CONFIG HOME="$tmp" "$bin" __complete-targets)
want=$(printf 'nightly\nprod:\ndb2:\nstaging:')
[ "$got" = "$want" ] || { echo "FAIL: __complete-targets gave: $got"; fails=1; }
got=$(env -u XDG_CONFIG_HOME -u SIPHON_CONFIG HOME="$tmp" "$bin" __complete-profiles)
[ "$got" = nightly ] || { echo "FAIL: __complete-profiles gave: $got"; fails=1; }
# A broken ssh_config offers the profiles and no error.
printf 'Host\n' > "$tmp/.ssh/config"
got=$(env -u XDG_CONFIG_HOME -u SIPHON_CONFIG HOME="$tmp" "$bin" __complete-targets 2>&1)
[ "$got" = nightly ] || { echo "FAIL: with a broken ssh_config: $got"; fails=1; }
echo "t_targets: $((fails == 0 ? 0 : 1)) failed"
exit $fails
