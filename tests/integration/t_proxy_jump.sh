#!/bin/bash
# ProxyJump: the target sshd listens only on the loopback of a network namespace (bastion.sh), so
# a direct connection fails (exit 3); through the bastion inside the namespace (-J, one hop) and
# through the host's loopback bastion then that one (two hops) the pulls equal their sources
# (PostgreSQL -j 4 and MariaDB). A wrong host key at the bastion, and at the target, each fail
# with exit 4 and the hop named in the one line; nothing is left on either side or open at the
# bastions.
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

hop app "$BASTION_KH" -J "$j1" --into app_j1 -j 4
assert_rc 0 "pull through one jump host"
assert_same app app_j1

hop app "$BASTION_KH" -J "$j2,$j1" --into app_j2 -j 2
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

assert_ws_dbs app_j1 app_j2 keep
assert_no_pwned
