# shellcheck shell=bash
# A server behind bastions, for the ProxyJump and ProxyCommand tests (source after lib.sh, call
# after harness_start):
#
#   bastion_start   a network namespace of this test (unique name) joined to the host by a veth
#                   pair with private addresses; in it a TARGET sshd listening only on the
#                   namespace's own 127.0.0.1 (nothing outside the namespace reaches it) and a
#                   BASTION sshd on the namespace's veth address (reachable from the host); on the
#                   host's loopback a second bastion BASTION2 (two hops: BASTION2, then BASTION).
#                   Each sshd has its own host key, the harness's users and keys, and the main
#                   sshd's SetEnv, so the target's remote tools reach the harness's PostgreSQL and
#                   MariaDB (their Unix sockets are in the file system, which the namespace
#                   shares). Everything (sshds, veth, namespace) goes when the test exits,
#                   whatever happened (harness_on_exit).
#   bastion_test_begin   a test's start: harness_start, bastion_start, it_begin
#   bastion_target DB  siphon's "user@127.0.0.1:PORT:DB" for the target, as the bastion resolves it
#   bastion_idle [SECONDS]   fails the test while a bastion or the target still serves a
#                   connection (siphon left something open) after SECONDS (default 10)
#
# Sets and exports:
#   BASTION_NS                 the namespace's name
#   BASTION_ADDR, BASTION_PORT the bastion inside the namespace (veth address)
#   BASTION2_PORT              the bastion on the host's 127.0.0.1
#   TARGET_HOST, TARGET_PORT   127.0.0.1 and the target's port, as the bastion resolves them
#   BASTION_KH                 known_hosts with the right keys of all three
#   BASTION_KH_WRONG_BASTION   the same with a wrong key for the bastion
#   BASTION_KH_WRONG_TARGET    the same with a wrong key for the target

_bastion_cleanup() {
	local pf
	for pf in "${_BASTION_DIR:-/nonexistent}"/*/sshd.pid; do
		[ -s "$pf" ] || continue
		# shellcheck disable=SC2046
		kill -9 $(_h_tree "$(cat "$pf")") 2>/dev/null
	done
	[ -n "${_BASTION_VETH:-}" ] && ip link del "$_BASTION_VETH" 2>/dev/null
	[ -n "${BASTION_NS:-}" ] && ip netns del "$BASTION_NS" 2>/dev/null
	return 0
}

# An sshd of the harness's kind in DIR with its own host key: NAME ADDR PORT [NETNS].
_bastion_sshd() {
	local d=$_BASTION_DIR/$1 addr=$2 port=$3 ns=${4:-}
	mkdir -p "$d" || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" || return 1
	_h_write_sshd_config "$d/sshd_config" "$port" "$d/sshd.pid"
	sed -i -e "s|^ListenAddress .*|ListenAddress $addr|" -e '/^HostKey /d' "$d/sshd_config"
	printf 'HostKey %s\nAllowTcpForwarding yes\n' "$d/host_key" >>"$d/sshd_config"
	if [ -n "$ns" ]; then
		ip netns exec "$ns" /usr/sbin/sshd -f "$d/sshd_config" -E "$H/logs/sshd-$1.log" || return 1
	else
		/usr/sbin/sshd -f "$d/sshd_config" -E "$H/logs/sshd-$1.log" || return 1
	fi
	for _ in $(seq 1 50); do
		[ -s "$d/sshd.pid" ] && return 0
		sleep 0.05
	done
	_h_log "sshd $1 did not start, see $H/logs/sshd-$1.log"
	return 1
}

# "[ADDR]:PORT keytype key" for known_hosts.
_bastion_kh_line() { echo "[$1]:$2 $(cut -d' ' -f1-2 "$3")"; }

bastion_start() {
	local id sub
	id=$(printf '%04x%02x' $((RANDOM)) $((RANDOM % 256)))
	BASTION_NS=siphon-it-$id
	_BASTION_VETH=sih$id
	_BASTION_DIR=$H/bastion-$id
	harness_on_exit _bastion_cleanup
	# A /30 of 10.213.0.0/16 picked at random: the host end .1, the namespace end .2.
	sub=$((RANDOM % 256)).$(((RANDOM % 64) * 4))
	BASTION_ADDR=10.213.${sub%.*}.$((${sub#*.} + 2))
	local host_addr=10.213.${sub%.*}.$((${sub#*.} + 1))
	ip netns add "$BASTION_NS" || { _h_log "ip netns add failed"; return 1; }
	ip link add "$_BASTION_VETH" type veth peer name "sin$id" &&
		ip link set "sin$id" netns "$BASTION_NS" &&
		ip addr add "$host_addr/30" dev "$_BASTION_VETH" &&
		ip link set "$_BASTION_VETH" up &&
		ip netns exec "$BASTION_NS" ip addr add "$BASTION_ADDR/30" dev "sin$id" &&
		ip netns exec "$BASTION_NS" ip link set "sin$id" up &&
		ip netns exec "$BASTION_NS" ip link set lo up || { _h_log "veth set-up failed"; return 1; }

	TARGET_HOST=127.0.0.1
	TARGET_PORT=$(_h_free_port) || return 1
	BASTION_PORT=$(_h_free_port) || return 1
	BASTION2_PORT=$(_h_free_port) || return 1
	_bastion_sshd target 127.0.0.1 "$TARGET_PORT" "$BASTION_NS" || return 1
	_bastion_sshd bastion "$BASTION_ADDR" "$BASTION_PORT" "$BASTION_NS" || return 1
	_bastion_sshd bastion2 127.0.0.1 "$BASTION2_PORT" || return 1

	local b=$_BASTION_DIR
	ssh-keygen -q -t ed25519 -N '' -f "$b/wrong_key" || return 1
	BASTION_KH=$b/known_hosts
	BASTION_KH_WRONG_BASTION=$b/known_hosts_wrong_bastion
	BASTION_KH_WRONG_TARGET=$b/known_hosts_wrong_target
	{
		_bastion_kh_line "$TARGET_HOST" "$TARGET_PORT" "$b/target/host_key.pub"
		_bastion_kh_line "$BASTION_ADDR" "$BASTION_PORT" "$b/bastion/host_key.pub"
		_bastion_kh_line 127.0.0.1 "$BASTION2_PORT" "$b/bastion2/host_key.pub"
	} >"$BASTION_KH"
	sed "s|^\[$BASTION_ADDR\]:$BASTION_PORT .*|$(_bastion_kh_line "$BASTION_ADDR" "$BASTION_PORT" "$b/wrong_key.pub")|" \
		"$BASTION_KH" >"$BASTION_KH_WRONG_BASTION"
	sed "s|^\[$TARGET_HOST\]:$TARGET_PORT .*|$(_bastion_kh_line "$TARGET_HOST" "$TARGET_PORT" "$b/wrong_key.pub")|" \
		"$BASTION_KH" >"$BASTION_KH_WRONG_TARGET"
	export BASTION_NS BASTION_ADDR BASTION_PORT BASTION2_PORT TARGET_HOST TARGET_PORT BASTION_KH \
		BASTION_KH_WRONG_BASTION BASTION_KH_WRONG_TARGET

	# The set-up as OpenSSH sees it: the target through the bastion, and its databases.
	local who
	who=$(bastion_ssh_target 'psql -X -d postgres -Atc "select current_user"' 2>"$H/logs/bastion-check.log") ||
		{ _h_log "ssh through the bastion failed:"; cat "$H/logs/bastion-check.log" >&2; return 1; }
	[ "$who" = "$SIPHON_IT_SSH_USER" ] || { _h_log "bastion check: expected role $SIPHON_IT_SSH_USER, got '$who'"; return 1; }
	_h_log "bastion up: namespace $BASTION_NS, bastion $BASTION_ADDR:$BASTION_PORT, bastion2 127.0.0.1:$BASTION2_PORT, target $TARGET_HOST:$TARGET_PORT inside"
}

# OpenSSH client options for one hop, as siphon is given them.
bastion_ssh_opts() {
	printf '%s\n' -F /dev/null -i "$SIPHON_IT_KEY" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o UserKnownHostsFile="$BASTION_KH" -o GlobalKnownHostsFile=/dev/null \
		-o StrictHostKeyChecking=yes -o LogLevel=ERROR
}

# "ssh -W %h:%p" through the bastion, as a ProxyCommand (for siphon and for OpenSSH).
bastion_w_command() {
	local opts
	opts=$(bastion_ssh_opts | tr '\n' ' ')
	printf 'ssh %s -p %s -W %%h:%%p %s@%s' "$opts" "$BASTION_PORT" "$SIPHON_IT_SSH_USER" "$BASTION_ADDR"
}

# CMD on the target through the bastion, with OpenSSH.
bastion_ssh_target() {
	local opts
	mapfile -t opts < <(bastion_ssh_opts)
	ssh "${opts[@]}" -o ProxyCommand="$(bastion_w_command)" -p "$TARGET_PORT" \
		"$SIPHON_IT_SSH_USER@$TARGET_HOST" "$@"
}

# Connections the three sshds still serve: a listener's children.
_bastion_sessions() {
	local n pf
	for n in target bastion bastion2; do
		pf=$_BASTION_DIR/$n/sshd.pid
		[ -s "$pf" ] || continue
		pgrep -P "$(cat "$pf")" | sed "s/^/$n: sshd /"
	done
}

bastion_idle() { # [SECONDS]
	local left
	for _ in $(seq 1 $((${1:-10} * 4))); do
		left=$(_bastion_sessions)
		[ -z "$left" ] && return 0
		sleep 0.25
	done
	it_fail "connections left open: $(echo "$left" | tr '\n' ';')"
}

bastion_test_begin() {
	harness_start || exit 1
	bastion_start || it_fail "the bastion set-up did not start"
	it_begin
}

bastion_target() { printf '%s@%s:%s:%s' "$SIPHON_IT_SSH_USER" "$TARGET_HOST" "$TARGET_PORT" "$1"; }
