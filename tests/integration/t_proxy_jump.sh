#!/bin/bash
# ProxyJump: the target sshd listens only on the loopback of a network namespace (bastion.sh), so
# a direct connection fails (exit 3); through the bastion inside the namespace (-J, one hop) and
# through the host's loopback bastion then that one (two hops) the pulls equal their sources
# (PostgreSQL: app_lite -j 2 over one hop, app's volume -j 4 over two, each channel inside the
# channels of both hops; and MariaDB). A wrong host key at the bastion, and at the target, each fail
# with exit 4 and the hop named in the one line; nothing is left on either side or open at the
# bastions. The same routes from a real ~/.ssh/config in a temporary HOME (ProxyJump naming Hosts
# of the file, each hop resolved there: its HostName, Port, User, key and known hosts; and a
# ProxyCommand with %h %p): `siphon pull prod:app_lite` with no SSH option, compared (app_lite:
# these check how the route is read; app's volume went through two hops above); doctor names
# the jump hosts.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/bastion.sh"
bastion_test_begin

j1=$SIPHON_IT_SSH_USER@$BASTION_ADDR:$BASTION_PORT
j2=$SIPHON_IT_SSH_USER@127.0.0.1:$BASTION2_PORT
hop() { siphon_run pull "$(bastion_target "$1")" -i "$SIPHON_IT_KEY" --known-hosts "$2" "${@:3}"; }

pg_keep
contract_before pg keep

# Only the namespace reaches the target.
hop app "$BASTION_KH" --into keep
assert_failed_cleanly pg 3 "cannot connect to $TARGET_HOST:$TARGET_PORT"

hop app_lite "$BASTION_KH" -J "$j1" --into app_j1 -j 2
assert_rc 0 "pull through one jump host"
assert_same app_lite app_j1

hop app "$BASTION_KH" -J "$j2,$j1" --into app_j2 -j 4
assert_rc 0 "pull through two jump hosts"
assert_same app app_j2

if my_available >/dev/null; then
	hop "$SIPHON_IT_MY_SRC_DB" "$BASTION_KH" -J "$j1" --engine mysql --into my_j1
	assert_rc 0 "MariaDB pull through one jump host"
	assert_same_my "$SIPHON_IT_MY_SRC_DB" my_j1
else
	it_note "MariaDB: skipped ($(my_available))"
fi
bastion_idle 10

# A changed host key at each hop: refused there, before any credential, the hop named.
contract_before pg keep
esc=${BASTION_ADDR//./\\.}
hop app "$BASTION_KH_WRONG_BASTION" -J "$j1" --into keep
assert_failed_cleanly pg 4 "^siphon: jump host $esc \(1 of 1\): host key for .* has CHANGED"
hop app "$BASTION_KH_WRONG_BASTION" -J "$j2,$j1" --into keep
assert_failed_cleanly pg 4 "^siphon: jump host $esc \(2 of 2\): host key for .* has CHANGED"
hop app "$BASTION_KH_WRONG_TARGET" -J "$j1" --into keep
assert_failed_cleanly pg 4 "^siphon: server 127\.0\.0\.1 via $esc: host key for .* has CHANGED"
hop app "$BASTION_KH_WRONG_TARGET" -J "$j2,$j1" --into keep
assert_failed_cleanly pg 4 "^siphon: server 127\.0\.0\.1 via 127\.0\.0\.1 and $esc: host key for .* has CHANGED"

# A jump host that cannot reach the next hop.
hop app "$BASTION_KH" -J "$j2" --into keep
assert_failed_cleanly pg 3 "^siphon: server 127\.0\.0\.1 via 127\.0\.0\.1: 127\.0\.0\.1 could not connect to 127\.0\.0\.1:$TARGET_PORT"
bastion_idle 10

# The user's own ~/.ssh/config: the hops are Hosts of the file, nothing on the command line.
home=$H/home-proxyjump
mkdir -p "$home/.ssh"
cat > "$home/.ssh/config" <<EOF
Host bastion
	HostName $BASTION_ADDR
	Port $BASTION_PORT
Host edge
	HostName 127.0.0.1
	Port $BASTION2_PORT
Host prod
	HostName $TARGET_HOST
	Port $TARGET_PORT
	ProxyJump bastion
Host prod2
	HostName $TARGET_HOST
	Port $TARGET_PORT
	ProxyJump edge,bastion
Host prodcmd
	HostName $TARGET_HOST
	Port $TARGET_PORT
	ProxyCommand ip netns exec $BASTION_NS socat - TCP:%h:%p
Host *
	User $SIPHON_IT_SSH_USER
	IdentityFile $SIPHON_IT_KEY
	UserKnownHostsFile $BASTION_KH
	StrictHostKeyChecking yes
EOF
chmod 700 "$home/.ssh"; chmod 600 "$home/.ssh/config"
HOME=$home siphon_run pull prod:app_lite --into app_cfg1
assert_rc 0 "pull through ProxyJump of ~/.ssh/config"
assert_same app_lite app_cfg1
HOME=$home siphon_run pull prod2:app_lite --into app_cfg2 -j 2
assert_rc 0 "pull through two jump hosts of ~/.ssh/config"
assert_same app_lite app_cfg2
HOME=$home siphon_run pull prodcmd:app_lite --into app_cfg3
assert_rc 0 "pull through ProxyCommand of ~/.ssh/config"
assert_same app_lite app_cfg3
HOME=$home siphon_run doctor prod2:app --into app_cfg2
assert_rc 0 "doctor through two jump hosts"
grep -q "^  ok    reach .* via jump host 127\.0\.0\.1 port $BASTION2_PORT and $esc port $BASTION_PORT" "$H/run/out" ||
	it_fail "doctor does not name the jump hosts: $(cat "$H/run/out")"
bastion_idle 10

assert_ws_dbs app_j1 app_j2 app_cfg1 app_cfg2 app_cfg3 keep
assert_no_pwned
