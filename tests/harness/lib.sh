# shellcheck shell=bash
# Integration test harness for siphon: a throwaway sshd, two PostgreSQL 15 clusters and two MariaDB
# 10.11 servers (the MariaDB part is in mysql.sh, sourced below; its header lists its variables and
# helpers: srv_my, ws_my, compare_mysql.sh, the bank load...).
#
# Source it from bash (tests/integration/t_*.sh do), then call harness_start. Needs root on Debian 12
# with the packages of tests/harness/install-deps.sh.
#
#   harness_start   start everything (or attach to the harness that run.sh already started), load
#                   the fixture, export the SIPHON_IT_* variables below, call ws_env, and register
#                   an EXIT trap that runs harness_on_exit commands and, if this shell started the
#                   harness, harness_stop.
#   harness_stop    stop sshd(s) and both clusters, remove $H (keeps a copy of the logs when the
#                   exit status is non-zero and prints where). Safe after a half-failed start.
#   harness_on_exit CMD...   run CMD (eval'd) when the shell exits, before harness_stop (LIFO).
#   ws_env          export PGHOST/PGPORT/PGUSER for the "workstation" cluster (siphon's local side),
#                   and MYSQL_UNIX_PORT for the workstation MariaDB (ws_my_env).
#   srv_psql ARGS   psql -X -v ON_ERROR_STOP=1 as role postgres on the "server" cluster.
#   ws_psql ARGS    the same on the "workstation" cluster.
#   ssh_remote CMD  run CMD on the "server" over the real sshd as siphon_remote (OpenSSH client).
#   srv_ensure_big  create (once) the ~100 MB database "big" on the server (for cut/stall/^C tests).
#   slow_link_start RATE   a slow link to the sshd (throttle.py: what the server sends goes at RATE
#                   bytes a second): SLOW_PORT, SLOW_KNOWN_HOSTS. For tests that must catch a pull
#                   in flight: a little data over a slow link instead of much data (CPU) on a fast one.
#   sshd_nopg_start start (once) a second sshd in a mount namespace where /usr/lib/postgresql is an
#                   empty tmpfs: "pg_dump missing on the server"; sets SIPHON_IT_NOPG_PORT and
#                   SIPHON_IT_NOPG_KNOWN_HOSTS.
#   sshd_wrap_dir NAME / sshd_wrapped_start NAME TOOL...   a second sshd whose /usr/bin/TOOLs are
#                   wrappers (a compromised server): WRAP_PORT, WRAP_KNOWN_HOSTS.
# Test helpers (it_*/assert_*) are further down; the failure contract (contract_before,
# assert_failed_cleanly ENGINE EXIT REGEX, assert_left_clean...) is in contract.sh and each engine's
# part of it in adapter_pg.sh, adapter_my.sh, adapter_sqlite.sh (all sourced below, with sqlite.sh).
#
# Exported (all state lives in H=$SIPHON_IT_H, e.g. /tmp/siphon-it.AbC123):
#   SIPHON_IT_H                 the harness directory
#   SIPHON_IT_SSH_HOST          127.0.0.1
#   SIPHON_IT_SSH_PORT          port of the throwaway sshd
#   SIPHON_IT_SSH_USER          siphon_remote (login shell bash); SIPHON_IT_DASH_USER siphon_dash (/bin/sh)
#   SIPHON_IT_KEY               $H/client/id_ed25519 (authorized for both users)
#   SIPHON_IT_OTHER_KEY         $H/client/other_ed25519 (authorized for nobody)
#   SIPHON_IT_KNOWN_HOSTS       plain "[127.0.0.1]:PORT ssh-ed25519 ..." (only the ed25519 key, though
#                               the server also offers ecdsa: the common real-world case)
#   SIPHON_IT_KNOWN_HOSTS_HASHED  the same, hashed (ssh-keygen -H)
#   SIPHON_IT_KNOWN_HOSTS_ALL   plain, ed25519 + ecdsa
#   SIPHON_IT_KNOWN_HOSTS_WRONG a different ed25519 key for [127.0.0.1]:PORT ("host key changed")
#   SIPHON_IT_SRV_HOST/PORT     socket dir and port of the "server" cluster
#   SIPHON_IT_WS_HOST/PORT      socket dir and port of the "workstation" cluster
#   SIPHON_IT_WS_NOEXT          extension that the workstation cluster lacks (tablefunc), or empty
#                               when the mount namespace trick was not possible
#   SIPHON_IT_SSHD_LOG, SIPHON_IT_SRV_LOG, SIPHON_IT_WS_LOG   log files
#   SIPHON_IT_MY_*              the MariaDB servers (see mysql.sh)
#
# How the remote side reaches the "server" cluster: sshd_config `SetEnv PGHOST=<srv socket dir>
# PGPORT=<port> PGUSER=siphon_remote MYSQL_HOME=<dir whose my.cnf names the MariaDB server socket>` (OpenSSH 9.2 applies SetEnv to every session, exec channels
# included, and it overrides the client's environment). The role siphon_remote is a superuser of
# the server cluster; `limited` is a plain login role. Both clusters use trust authentication over
# their own Unix sockets only (listen_addresses='').

SIPHON_IT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIPHON_IT_PGBIN=/usr/lib/postgresql/15/bin
SIPHON_IT_SSH_USER=siphon_remote
SIPHON_IT_DASH_USER=siphon_dash
SIPHON_IT_SSH_HOST=127.0.0.1
# Names of the fixture's source databases (see fixture.sql).
SIPHON_IT_HOSTILE_DB="hostile db'; \$(touch /tmp/siphon-pwned-db) \`x\`"
SIPHON_IT_PWNED_FILES="/tmp/siphon-pwned /tmp/siphon-pwned-db /tmp/siphon-pwned-local /tmp/siphon-pwned-mydb"

_h_log() { printf 'harness: %s\n' "$*" >&2; }
_h_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# shellcheck source=mysql.sh
. "$SIPHON_IT_LIB_DIR/mysql.sh"
# shellcheck source=sqlite.sh
. "$SIPHON_IT_LIB_DIR/sqlite.sh"
# shellcheck source=contract.sh
. "$SIPHON_IT_LIB_DIR/contract.sh"
# shellcheck source=adapter_pg.sh
. "$SIPHON_IT_LIB_DIR/adapter_pg.sh"
# shellcheck source=adapter_my.sh
. "$SIPHON_IT_LIB_DIR/adapter_my.sh"
# shellcheck source=adapter_sqlite.sh
. "$SIPHON_IT_LIB_DIR/adapter_sqlite.sh"
# shellcheck source=tty.sh
. "$SIPHON_IT_LIB_DIR/tty.sh"

# ---------------------------------------------------------------------------------------------
# start / stop

_h_free_port() {
	local p i
	for i in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q . &&
			! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

_h_pg_cluster_start() { # NAME PORT [NOEXT]
	local name=$1 port=$2 noext=${3:-} d="$H/$1"
	mkdir -p "$d/data" "$d/sock" || return 1
	chown postgres: "$d" "$d/data" "$d/sock" || return 1
	chmod 700 "$d/data" && chmod 755 "$d" "$d/sock" || return 1
	: >"$H/logs/$name.log" && chown postgres: "$H/logs/$name.log" || return 1
	runuser -u postgres -- "$SIPHON_IT_PGBIN/initdb" -D "$d/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$H/logs/$name.initdb.log" 2>&1 ||
		{ _h_log "initdb $name failed, see $H/logs/$name.initdb.log"; cat "$H/logs/$name.initdb.log" >&2; return 1; }
	cat >>"$d/data/postgresql.conf" <<-EOF
		# siphon integration harness
		port = $port
		listen_addresses = ''
		unix_socket_directories = '$d/sock'
		fsync = off
		full_page_writes = off
		synchronous_commit = off
		max_connections = 60
		shared_buffers = 128MB
		max_wal_size = 2GB
		log_line_prefix = '%m [%p] %q%u@%d '
		log_min_messages = warning
		log_min_error_statement = error
	EOF
	local start=("$SIPHON_IT_PGBIN/pg_ctl" -D "$d/data" -l "$H/logs/$name.log" -w -t 60 start)
	if [ -n "$noext" ]; then
		# The workstation cluster runs in a private mount namespace in which the extension
		# directory is a copy without $noext: "extension missing locally" (exit 8).
		local ext=/usr/share/postgresql/15/extension
		mkdir -p "$H/ext-$name" && cp -a "$ext/." "$H/ext-$name/" && rm -f "$H/ext-$name/$noext"[-.]* || return 1
		if unshare -m --propagation private true 2>/dev/null; then
			unshare -m --propagation private /bin/sh -c \
				'mount --bind "$1" "$2" && shift 2 && exec runuser -u postgres -- "$@"' \
				sh "$H/ext-$name" "$ext" "${start[@]}" >>"$H/logs/$name.ctl.log" 2>&1 &&
				return 0
			_h_log "starting $name in a mount namespace failed; starting it plainly"
		fi
		: >"$H/ws-noext-unavailable"
	fi
	runuser -u postgres -- "${start[@]}" >>"$H/logs/$name.ctl.log" 2>&1 ||
		{ _h_log "pg_ctl start $name failed:"; tail -n 20 "$H/logs/$name.log" >&2; return 1; }
}

_h_pg_cluster_stop() { # NAME
	local d="$H/$1/data" pid
	[ -f "$d/postmaster.pid" ] || return 0
	runuser -u postgres -- "$SIPHON_IT_PGBIN/pg_ctl" -D "$d" -m immediate -w -t 20 stop >/dev/null 2>&1 && return 0
	pid=$(head -n 1 "$d/postmaster.pid" 2>/dev/null)
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	sleep 0.5
}

_h_ensure_user() { # NAME SHELL
	if ! getent passwd "$1" >/dev/null; then
		useradd -m -s "$2" -p '*' "$1" || return 1
	fi
	# Re-assert the state that the harness relies on, whatever an earlier run left.
	usermod -s "$2" -p '*' "$1" 2>/dev/null || true
	local home
	home=$(getent passwd "$1" | cut -d: -f6)
	mkdir -p "$home" && chown "$1:" "$home" && chmod 755 "$home"
}

# authorized_keys of the login users are shared by concurrent harnesses: each adds its own key
# (tagged with its directory's name in the comment) and removes only that line when it stops.
_h_keys_edit() { # USER add|remove [PUBKEYFILE]
	local home tag=siphon-it:${H##*/} f
	home=$(getent passwd "$1" | cut -d: -f6)
	[ -n "$home" ] || return 1
	f=$home/.ssh/authorized_keys
	(
		flock 9
		if [ "$2" = add ]; then
			install -d -m 700 -o "$1" -g "$(id -gn "$1")" "$home/.ssh" || exit 1
			{ [ -f "$f" ] && grep -v -F " $tag" "$f"; echo "$(cut -d' ' -f1-2 "$3") $tag"; } >"$f.new" || exit 1
		else
			[ -f "$f" ] || exit 0
			grep -v -F " $tag" "$f" >"$f.new"
			[ -s "$f.new" ] || { rm -f "$f" "$f.new"; exit 0; }
		fi
		chown "$1:" "$f.new" && chmod 600 "$f.new" && mv "$f.new" "$f"
	) 9>/run/siphon-it.lock
}

_h_write_sshd_config() { # FILE PORT PIDFILE
	cat >"$1" <<-EOF
		# siphon integration harness (throwaway)
		Port $2
		ListenAddress 127.0.0.1
		HostKey $H/sshd/ssh_host_ed25519_key
		HostKey $H/sshd/ssh_host_ecdsa_key
		PidFile $3
		UsePAM no
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		PubkeyAuthentication yes
		PermitRootLogin no
		AllowUsers $SIPHON_IT_SSH_USER $SIPHON_IT_DASH_USER
		StrictModes yes
		MaxSessions 10
		MaxStartups 100:30:200
		LoginGraceTime 30
		X11Forwarding no
		PrintMotd no
		PrintLastLog no
		LogLevel VERBOSE
		SetEnv PGHOST=$SIPHON_IT_SRV_HOST PGPORT=$SIPHON_IT_SRV_PORT PGUSER=$SIPHON_IT_SSH_USER MYSQL_HOME=$SIPHON_IT_MY_CLIENT_HOME
	EOF
}

_h_write_env() {
	{
		local v
		for v in H SIPHON_IT_H SIPHON_IT_SSH_HOST SIPHON_IT_SSH_PORT SIPHON_IT_SSH_USER \
			SIPHON_IT_DASH_USER SIPHON_IT_KEY SIPHON_IT_OTHER_KEY SIPHON_IT_KNOWN_HOSTS \
			SIPHON_IT_KNOWN_HOSTS_HASHED SIPHON_IT_KNOWN_HOSTS_ALL SIPHON_IT_KNOWN_HOSTS_WRONG \
			SIPHON_IT_SRV_HOST SIPHON_IT_SRV_PORT SIPHON_IT_WS_HOST SIPHON_IT_WS_PORT \
			SIPHON_IT_WS_NOEXT SIPHON_IT_SSHD_LOG SIPHON_IT_SRV_LOG SIPHON_IT_WS_LOG \
			SIPHON_IT_COMPARE_CACHE $_H_MY_VARS; do
			printf 'export %s=%q\n' "$v" "${!v}"
		done
	} >"$H/env"
}

_h_exit() {
	local rc=$? i
	trap - EXIT
	trap '' PIPE INT TERM # finish the cleanup even if the output is gone or ^C is pressed again
	for ((i = ${#_h_on_exit[@]} - 1; i >= 0; i--)); do
		eval "${_h_on_exit[i]}" || true
	done
	if [ "${_h_owner:-0}" = 1 ]; then
		harness_stop "$rc"
	fi
	exit "$rc"
}

harness_on_exit() { _h_on_exit+=("$*"); }

harness_start() {
	_h_on_exit=()
	if [ -n "${SIPHON_IT_H:-}" ] && [ -f "$SIPHON_IT_H/env" ] && [ -f "$SIPHON_IT_H/ready" ]; then
		# Attach to the harness started by run.sh.
		# shellcheck disable=SC1091
		. "$SIPHON_IT_H/env"
		_h_owner=0
		trap _h_exit EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
		ws_env
		return 0
	fi
	[ "$(id -u)" = 0 ] || { _h_log "must run as root (creates a login user, runs sshd and initdb)"; return 1; }
	local t0 missing="" b
	t0=$(date +%s.%N)
	for b in /usr/sbin/sshd ssh ssh-keygen "$SIPHON_IT_PGBIN/initdb" "$SIPHON_IT_PGBIN/pg_ctl" "$SIPHON_IT_PGBIN/psql" psql runuser ss; do
		command -v "$b" >/dev/null 2>&1 || missing="$missing $b"
	done
	[ -z "$missing" ] || { _h_log "missing:$missing (run tests/harness/install-deps.sh)"; return 1; }

	H=$(mktemp -d /tmp/siphon-it.XXXXXX) || return 1
	SIPHON_IT_H=$H
	export H SIPHON_IT_H
	_h_owner=1
	trap _h_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	chmod 755 "$H"
	mkdir -p "$H/logs" "$H/client" "$H/sshd" "$H/run" "$H/compare-cache" && chmod 700 "$H/client" || return 1
	chmod 1777 "$H/logs"
	SIPHON_IT_SSHD_LOG=$H/logs/sshd.log
	SIPHON_IT_SRV_LOG=$H/logs/srv.log
	SIPHON_IT_WS_LOG=$H/logs/ws.log
	SIPHON_IT_COMPARE_CACHE=$H/compare-cache

	# --- MariaDB: both servers, accounts and fixture start in the background (mysql.sh)
	_h_my_begin || return 1

	# --- PostgreSQL clusters
	SIPHON_IT_SRV_PORT=$((15000 + RANDOM % 5000))
	SIPHON_IT_WS_PORT=$((SIPHON_IT_SRV_PORT + 1))
	SIPHON_IT_SRV_HOST=$H/srv/sock
	SIPHON_IT_WS_HOST=$H/ws/sock
	SIPHON_IT_WS_NOEXT=tablefunc
	_h_pg_cluster_start srv "$SIPHON_IT_SRV_PORT" || return 1
	_h_pg_cluster_start ws "$SIPHON_IT_WS_PORT" "$SIPHON_IT_WS_NOEXT" || return 1
	[ -f "$H/ws-noext-unavailable" ] && SIPHON_IT_WS_NOEXT=
	srv_psql -q -d postgres -c "CREATE ROLE $SIPHON_IT_SSH_USER LOGIN SUPERUSER" \
		-c "CREATE ROLE limited LOGIN" >/dev/null || return 1

	# --- users and keys
	_h_ensure_user "$SIPHON_IT_SSH_USER" /bin/bash || return 1
	_h_ensure_user "$SIPHON_IT_DASH_USER" /bin/sh || return 1
	SIPHON_IT_KEY=$H/client/id_ed25519
	SIPHON_IT_OTHER_KEY=$H/client/other_ed25519
	ssh-keygen -q -t ed25519 -N '' -C siphon-it-client -f "$SIPHON_IT_KEY" || return 1
	ssh-keygen -q -t ed25519 -N '' -C siphon-it-other -f "$SIPHON_IT_OTHER_KEY" || return 1
	_h_keys_edit "$SIPHON_IT_SSH_USER" add "$SIPHON_IT_KEY.pub" || return 1
	_h_keys_edit "$SIPHON_IT_DASH_USER" add "$SIPHON_IT_KEY.pub" || return 1

	# --- sshd
	mkdir -p /run/sshd && chmod 755 /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$H/sshd/ssh_host_ed25519_key" || return 1
	ssh-keygen -q -t ecdsa -N '' -f "$H/sshd/ssh_host_ecdsa_key" || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$H/sshd/wrong_host_ed25519_key" || return 1
	local ok=0
	for _ in 1 2 3 4 5; do
		SIPHON_IT_SSH_PORT=$(_h_free_port) || return 1
		_h_write_sshd_config "$H/sshd/sshd_config" "$SIPHON_IT_SSH_PORT" "$H/sshd/sshd.pid"
		/usr/sbin/sshd -t -f "$H/sshd/sshd_config" 2>>"$SIPHON_IT_SSHD_LOG" || { _h_log "sshd config rejected, see $SIPHON_IT_SSHD_LOG"; return 1; }
		if /usr/sbin/sshd -f "$H/sshd/sshd_config" -E "$SIPHON_IT_SSHD_LOG"; then
			local w
			for _ in $(seq 1 50); do
				[ -s "$H/sshd/sshd.pid" ] && break
				sleep 0.05
			done
			if [ -s "$H/sshd/sshd.pid" ] && kill -0 "$(cat "$H/sshd/sshd.pid")" 2>/dev/null; then
				ok=1
				break
			fi
		fi
	done
	[ "$ok" = 1 ] || { _h_log "sshd did not start, see $SIPHON_IT_SSHD_LOG"; tail -n 5 "$SIPHON_IT_SSHD_LOG" >&2; return 1; }

	local hp="[127.0.0.1]:$SIPHON_IT_SSH_PORT"
	SIPHON_IT_KNOWN_HOSTS=$H/client/known_hosts
	SIPHON_IT_KNOWN_HOSTS_HASHED=$H/client/known_hosts_hashed
	SIPHON_IT_KNOWN_HOSTS_ALL=$H/client/known_hosts_all
	SIPHON_IT_KNOWN_HOSTS_WRONG=$H/client/known_hosts_wrong
	echo "$hp $(cut -d' ' -f1-2 "$H/sshd/ssh_host_ed25519_key.pub")" >"$SIPHON_IT_KNOWN_HOSTS"
	cp "$SIPHON_IT_KNOWN_HOSTS" "$SIPHON_IT_KNOWN_HOSTS_HASHED"
	ssh-keygen -q -H -f "$SIPHON_IT_KNOWN_HOSTS_HASHED" >/dev/null 2>&1 && rm -f "$SIPHON_IT_KNOWN_HOSTS_HASHED.old"
	{
		cat "$SIPHON_IT_KNOWN_HOSTS"
		echo "$hp $(cut -d' ' -f1-2 "$H/sshd/ssh_host_ecdsa_key.pub")"
	} >"$SIPHON_IT_KNOWN_HOSTS_ALL"
	echo "$hp $(cut -d' ' -f1-2 "$H/sshd/wrong_host_ed25519_key.pub")" >"$SIPHON_IT_KNOWN_HOSTS_WRONG"

	# sudo for --remote-sudo: siphon_remote may become postgres or mysql (not anyone else) without
	# a password, keeping PGHOST/PGPORT so that postgres reaches the server cluster as role postgres,
	# and MYSQL_HOME so that mysql reaches the server MariaDB (as mysql@localhost, unix_socket).
	if [ -d /etc/sudoers.d ] && command -v sudo >/dev/null 2>&1; then
		local sf="/etc/sudoers.d/siphon-it-${H##*.}"
		printf 'Defaults:%s env_keep += "PGHOST PGPORT MYSQL_HOME"\n%s ALL=(postgres,mysql) NOPASSWD: ALL\n' \
			"$SIPHON_IT_SSH_USER" "$SIPHON_IT_SSH_USER" >"$sf.tmp" && chmod 440 "$sf.tmp" &&
			visudo -cq -f "$sf.tmp" && mv "$sf.tmp" "$sf" && echo "$sf" >"$H/sudoers-file"
		rm -f "$sf.tmp"
	fi

	export SIPHON_IT_SSH_HOST SIPHON_IT_SSH_PORT SIPHON_IT_SSH_USER SIPHON_IT_DASH_USER SIPHON_IT_KEY \
		SIPHON_IT_OTHER_KEY SIPHON_IT_KNOWN_HOSTS SIPHON_IT_KNOWN_HOSTS_HASHED SIPHON_IT_KNOWN_HOSTS_ALL \
		SIPHON_IT_KNOWN_HOSTS_WRONG SIPHON_IT_SRV_HOST SIPHON_IT_SRV_PORT SIPHON_IT_WS_HOST \
		SIPHON_IT_WS_PORT SIPHON_IT_WS_NOEXT SIPHON_IT_SSHD_LOG SIPHON_IT_SRV_LOG SIPHON_IT_WS_LOG \
		SIPHON_IT_COMPARE_CACHE SIPHON_IT_HOSTILE_DB

	# Prove the chain that siphon relies on: key login, host key, SetEnv reaching the server cluster.
	local who
	who=$(ssh_remote 'psql -X -d postgres -Atc "select current_user"' 2>>"$H/logs/ssh-check.log") ||
		{ _h_log "ssh check failed:"; cat "$H/logs/ssh-check.log" >&2; tail -n 5 "$SIPHON_IT_SSHD_LOG" >&2; return 1; }
	[ "$who" = "$SIPHON_IT_SSH_USER" ] || { _h_log "ssh check: expected role $SIPHON_IT_SSH_USER, got '$who'"; return 1; }
	local t1
	t1=$(date +%s.%N)

	if [ "${SIPHON_IT_NO_FIXTURE:-0}" != 1 ]; then
		srv_psql -q -d postgres -f "$SIPHON_IT_LIB_DIR/fixture.sql" >"$H/logs/fixture.log" 2>&1 ||
			{ _h_log "fixture load failed:"; tail -n 20 "$H/logs/fixture.log" >&2; return 1; }
	fi
	local t2 t3 _h_my_fixture_secs=-
	t2=$(date +%s.%N)
	_h_my_end || return 1
	t3=$(date +%s.%N)
	# shellcheck disable=SC2086
	export $_H_MY_VARS
	_h_write_env
	: >"$H/ready"
	ws_env
	_h_log "up in $(_h_secs "$t0" "$t3")s (servers+sshd $(_h_secs "$t0" "$t1")s, fixture $(_h_secs "$t1" "$t2")s, then waited $(_h_secs "$t2" "$t3")s for MariaDB, whose fixture took ${_h_my_fixture_secs}s): H=$H, ssh port $SIPHON_IT_SSH_PORT"
}

_h_kill_pidfile() { # PIDFILE
	local pid
	[ -s "$1" ] || return 0
	pid=$(cat "$1")
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || return 0
	local i
	for i in $(seq 1 40); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null
}

harness_stop() { # [EXIT_STATUS]
	local rc=${1:-0}
	[ -n "${H:-}" ] && [ -d "$H" ] || return 0
	case $H in /tmp/siphon-it.*) ;; *) _h_log "refusing to remove unexpected H=$H"; return 1 ;; esac
	# sshd listeners and what they run; then whatever was started through them and outlived its
	# session (found by the PGHOST that our sshd's SetEnv gave it).
	local pids
	pids="$(_h_tree "$(cat "$H/sshd/sshd.pid" 2>/dev/null)") $(_h_tree "$(cat "$H/sshd-nopg/sshd.pid" 2>/dev/null)")"
	# shellcheck disable=SC2086
	[ -n "${pids// /}" ] && kill -9 $pids 2>/dev/null
	pids=$(_h_remote_procs | cut -d' ' -f1 | tr '\n' ' ')
	# shellcheck disable=SC2086
	[ -n "${pids// /}" ] && kill -9 $pids 2>/dev/null
	_h_pg_cluster_stop ws
	_h_pg_cluster_stop srv
	_h_my_stop
	if [ -s "$H/sudoers-file" ]; then
		rm -f "$(cat "$H/sudoers-file")"
	fi
	local u
	for u in "$SIPHON_IT_SSH_USER" "$SIPHON_IT_DASH_USER"; do
		getent passwd "$u" >/dev/null && _h_keys_edit "$u" remove
	done
	if [ "$rc" != 0 ] || [ "${SIPHON_IT_KEEP_LOGS:-0}" = 1 ]; then
		local keep=${SIPHON_IT_LOGDIR:-}
		[ -n "$keep" ] || keep=$(mktemp -d /tmp/siphon-it-logs.XXXXXX)
		mkdir -p "$keep/harness" && cp -r "$H/logs/." "$keep/harness/" 2>/dev/null
		cp "$H/sshd/sshd_config" "$keep/harness/" 2>/dev/null
		_h_log "logs kept in $keep/harness (sshd.log, srv.log, ws.log, fixture.log)"
	fi
	rm -rf "$H"
	H=
}

# ---------------------------------------------------------------------------------------------
# clients

ws_env() {
	export PGHOST=$SIPHON_IT_WS_HOST PGPORT=$SIPHON_IT_WS_PORT PGUSER=postgres
	unset PGDATABASE PGOPTIONS PGSERVICE PGPASSWORD PGSSLMODE PGSERVICEFILE PGPASSFILE
	ws_my_env
}

# The tests' own clients run psql itself, not Debian's /usr/bin/psql: that one is pg_wrapper, a Perl
# script that reads the cluster configuration before it runs psql (about 65 ms of CPU a call here,
# twice psql's own; the tests make thousands of calls). What siphon runs is not changed.
srv_psql() { "$SIPHON_IT_PGBIN/psql" -X -v ON_ERROR_STOP=1 -h "$SIPHON_IT_SRV_HOST" -p "$SIPHON_IT_SRV_PORT" -U postgres "$@"; }
ws_psql() { "$SIPHON_IT_PGBIN/psql" -X -v ON_ERROR_STOP=1 -h "$SIPHON_IT_WS_HOST" -p "$SIPHON_IT_WS_PORT" -U postgres "$@"; }

# OpenSSH client options equivalent to what siphon is given.
ssh_opts() {
	printf '%s\n' -F /dev/null -i "$SIPHON_IT_KEY" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o UserKnownHostsFile="$SIPHON_IT_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
		-o StrictHostKeyChecking=yes -o LogLevel=ERROR -p "$SIPHON_IT_SSH_PORT"
}
ssh_remote() {
	local opts
	mapfile -t opts < <(ssh_opts)
	ssh "${opts[@]}" "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST" "$@"
}

# "user@127.0.0.1:PORT:DB" for siphon pull.
remote_spec() { printf '%s@%s:%s:%s' "${2:-$SIPHON_IT_SSH_USER}" "$SIPHON_IT_SSH_HOST" "${3:-$SIPHON_IT_SSH_PORT}" "$1"; }

# A third "workstation" cluster whose data directory is a tmpfs of MB megabytes (its WAL
# elsewhere), for running out of disk: WS_SMALL_DIR (data/, sock/), WS_SMALL_PORT. Stopped and
# unmounted at exit. Returns 1 when no tmpfs can be mounted here (the caller skips).
ws_small_cluster() { # MB
	local d=$H/small port=$((SIPHON_IT_WS_PORT + 7))
	# An earlier test of this harness may have had one: its WAL is outside the tmpfs.
	rm -rf "$d/wal"
	mkdir -p "$d/data" "$d/sock" "$d/wal"
	mount -t tmpfs -o "size=${1}m,mode=755" none "$d/data" 2>/dev/null || return 1
	harness_on_exit "runuser -u postgres -- '$SIPHON_IT_PGBIN/pg_ctl' -D '$d/data' -m immediate stop >/dev/null 2>&1; umount '$d/data'"
	chown postgres: "$d" "$d/data" "$d/sock" "$d/wal"
	chmod 700 "$d/data" "$d/wal"
	runuser -u postgres -- "$SIPHON_IT_PGBIN/initdb" -D "$d/data" -X "$d/wal/pg_wal" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8 --no-sync >"$H/logs/small.initdb.log" 2>&1 || it_fail "initdb on the small disk"
	cat >>"$d/data/postgresql.conf" <<-EOF2
		port = $port
		listen_addresses = ''
		unix_socket_directories = '$d/sock'
		fsync = off
		shared_buffers = 16MB
	EOF2
	runuser -u postgres -- "$SIPHON_IT_PGBIN/pg_ctl" -D "$d/data" -l "$H/logs/small.log" -w start >/dev/null ||
		it_fail "the small cluster did not start"
	WS_SMALL_DIR=$d
	WS_SMALL_PORT=$port
}

# A relay to the harness's sshd that carries what the server sends at RATE bytes a second (the
# client's bytes at once), and cuts the client's connection as soon as the server's side dies:
# SLOW_PORT (on 127.0.0.1), SLOW_KNOWN_HOSTS (the sshd's key for that port). Stopped at exit.
slow_link_start() { # RATE
	local d=$H/slow-link.$BASHPID w= p= i
	mkdir -p "$d" || return 1
	python3 "$SIPHON_IT_LIB_DIR/throttle.py" "$SIPHON_IT_SSH_PORT" "$1" >"$d/out" 2>>"$H/logs/throttle.log" &
	harness_on_exit "kill $! 2>/dev/null"
	for i in $(seq 1 100); do
		read -r w p <"$d/out" 2>/dev/null
		[ "$w" = ready ] && break
		sleep 0.05
	done
	[ "$w" = ready ] || { _h_log "throttle.py did not start, see $H/logs/throttle.log"; return 1; }
	SLOW_PORT=$p
	SLOW_KNOWN_HOSTS=$d/known_hosts
	echo "[127.0.0.1]:$p $(cut -d' ' -f1-2 "$H/sshd/ssh_host_ed25519_key.pub")" >"$SLOW_KNOWN_HOSTS"
}

# A database "big" of about 100 MB of barely compressible rows, created on first use (~5 s).
srv_ensure_big() {
	if [ "$(srv_psql -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = 'big'")" = 1 ]; then
		return 0
	fi
	srv_psql -q -d postgres -c 'CREATE DATABASE big_tmp' >/dev/null &&
		srv_psql -q -d big_tmp >/dev/null <<-'EOF' &&
			CREATE TABLE blob_rows (id bigint PRIMARY KEY, a text, b bytea);
			INSERT INTO blob_rows
			  SELECT i, md5(i::text) || md5((i * 7)::text), decode(md5((i * 13)::text) || md5((i * 17)::text), 'hex')
			  FROM generate_series(1, 700000) i;
			CREATE TABLE more_rows AS SELECT * FROM blob_rows;
		EOF
		srv_psql -q -d postgres -c 'ALTER DATABASE big_tmp RENAME TO big' >/dev/null
}

# Second sshd whose view of the file system has no PostgreSQL binaries (pg_dump "missing").
sshd_nopg_start() {
	if [ -s "$H/sshd-nopg/sshd.pid" ] && kill -0 "$(cat "$H/sshd-nopg/sshd.pid")" 2>/dev/null; then
		. "$H/sshd-nopg/env"
		return 0
	fi
	unshare -m --propagation private true 2>/dev/null || { _h_log "unshare -m not permitted here"; return 1; }
	mkdir -p "$H/sshd-nopg"
	local port
	port=$(_h_free_port) || return 1
	_h_write_sshd_config "$H/sshd-nopg/sshd_config" "$port" "$H/sshd-nopg/sshd.pid"
	unshare -m --propagation private /bin/sh -c \
		'mount -t tmpfs -o mode=755,size=1m none /usr/lib/postgresql && exec /usr/sbin/sshd -f "$1" -E "$2"' \
		sh "$H/sshd-nopg/sshd_config" "$H/logs/sshd-nopg.log" || return 1
	for _ in $(seq 1 50); do
		[ -s "$H/sshd-nopg/sshd.pid" ] && break
		sleep 0.05
	done
	SIPHON_IT_NOPG_PORT=$port
	SIPHON_IT_NOPG_KNOWN_HOSTS=$H/sshd-nopg/known_hosts
	echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$H/sshd/ssh_host_ed25519_key.pub")" >"$SIPHON_IT_NOPG_KNOWN_HOSTS"
	printf 'SIPHON_IT_NOPG_PORT=%q\nSIPHON_IT_NOPG_KNOWN_HOSTS=%q\n' "$port" "$SIPHON_IT_NOPG_KNOWN_HOSTS" >"$H/sshd-nopg/env"
	export SIPHON_IT_NOPG_PORT SIPHON_IT_NOPG_KNOWN_HOSTS
}

# A second sshd (same keys and users) in a private mount namespace where each /usr/bin/TOOL (or
# each absolute path TOOL) is the executable $(sshd_wrap_dir NAME)/TOOL (its base name), and the
# real program is $(sshd_wrap_dir NAME)/real-TOOL:
# a "compromised server" whose tools lie. Write the wrappers first, then start it. Sets WRAP_PORT
# and WRAP_KNOWN_HOSTS; stopped when the test exits. Returns 1 when unshare -m is not permitted.
# A second sshd started in DIR (sshd.pid) on PORT: waits until it runs, stops it at exit, writes
# DIR/known_hosts for it. 1 when it did not start.
_h_sshd_ready() { # DIR PORT
	for _ in $(seq 1 50); do
		[ -s "$1/sshd.pid" ] && break
		sleep 0.05
	done
	[ -s "$1/sshd.pid" ] || return 1
	harness_on_exit "kill -9 \$(_h_tree \"\$(cat '$1/sshd.pid' 2>/dev/null)\") 2>/dev/null"
	echo "[127.0.0.1]:$2 $(cut -d' ' -f1-2 "$H/sshd/ssh_host_ed25519_key.pub")" >"$1/known_hosts"
}

sshd_wrap_dir() { # NAME
	local d=$H/sshd-wrap-$1
	mkdir -p "$d" && chmod 755 "$d" && chmod o+x "$H" && printf '%s\n' "$d"
}
sshd_wrapped_start() { # NAME TOOL...
	local d port
	d=$(sshd_wrap_dir "$1") || return 1
	shift
	unshare -m --propagation private true 2>/dev/null || return 1
	port=$(_h_free_port) || return 1
	_h_write_sshd_config "$d/sshd_config" "$port" "$d/sshd.pid"
	unshare -m --propagation private /bin/sh -c '
		d=$1 log=$2
		shift 2
		for t; do
			case $t in /*) p=$t n=${t##*/} ;; *) p=/usr/bin/$t n=$t ;; esac
			: >"$d/real-$n" && mount --bind "$p" "$d/real-$n" && mount --bind "$d/$n" "$p" || exit 1
		done
		exec /usr/sbin/sshd -f "$d/sshd_config" -E "$log"' sh "$d" "$H/logs/sshd-wrap.log" "$@" || return 1
	_h_sshd_ready "$d" "$port" || return 1
	WRAP_PORT=$port
	WRAP_KNOWN_HOSTS=$d/known_hosts
	export WRAP_PORT WRAP_KNOWN_HOSTS
}

# pids of the sshd processes that serve connections (children and grandchildren of the listener).
sshd_session_pids() { # [PIDFILE]
	local pf=${1:-$H/sshd/sshd.pid} l c g
	l=$(cat "$pf" 2>/dev/null) || return 0
	for c in $(pgrep -P "$l"); do
		echo "$c"
		for g in $(pgrep -P "$c" -x sshd); do echo "$g"; done
	done
}

# ---------------------------------------------------------------------------------------------
# test helpers

# Names of the workstation's databases, one a line, sorted, without postgres/template0/template1.
# The copies a pull keeps for rollback and reset (siphon_prev_*, siphon_pristine_*) are not
# listed: ws_kept_dbs lists them.
ws_dbs() {
	ws_psql -At -d postgres -c "SELECT datname FROM pg_database WHERE datname NOT IN ('postgres','template0','template1') AND datname !~ '^siphon_(prev|pristine)_' ORDER BY datname COLLATE \"C\""
}
ws_kept_dbs() {
	ws_psql -At -d postgres -c "SELECT datname FROM pg_database WHERE datname ~ '^siphon_(prev|pristine)_' ORDER BY datname COLLATE \"C\""
}
srv_dbs() {
	srv_psql -At -d postgres -c "SELECT datname FROM pg_database WHERE datname NOT IN ('postgres','template0','template1') ORDER BY datname COLLATE \"C\""
}

# A fingerprint of a whole database (schema + every row), from compare.sh's catalog query.
ws_fingerprint() { "$SIPHON_IT_LIB_DIR/compare.sh" --fingerprint --dst "$SIPHON_IT_WS_HOST:$SIPHON_IT_WS_PORT" "$1"; }

it_fail() {
	printf 'FAIL: %s\n' "$*" >&2
	if [ -s "$H/run/err" ]; then
		echo "--- siphon stderr (last run):" >&2
		tail -n 20 "$H/run/err" >&2
	fi
	exit 1
}
# Notes carry the seconds since the test sourced this file: the log shows where its time went.
_h_begin_us=${EPOCHREALTIME//[!0-9]/}
it_note() {
	local d=$(((${EPOCHREALTIME//[!0-9]/} - _h_begin_us) / 100000))
	printf '# %d.%ds %s\n' $((d / 10)) $((d % 10)) "$*" >&2
}
it_skip() { printf 'SKIP: %s\n' "$*" >&2; exit 77; }

# Start of a test: checks SIPHON_BIN (unless --no-siphon), drops every workstation database,
# removes the /tmp/siphon-pwned* markers.
it_begin() {
	if [ "${1:-}" != --no-siphon ]; then
		[ -n "${SIPHON_BIN:-}" ] || it_fail "SIPHON_BIN is not set (path of the siphon binary under test)"
		[ -x "$SIPHON_BIN" ] || it_fail "SIPHON_BIN=$SIPHON_BIN is not an executable file"
	fi
	ws_reset
	ws_my_reset
	# shellcheck disable=SC2086
	rm -f $SIPHON_IT_PWNED_FILES
	: >"$H/run/err"
	: >"$H/run/out"
}

# Drop every non-system database of the workstation cluster (the kept copies too), in one client
# (every test starts with it: a client a database cost more).
ws_reset() {
	ws_psql -q -d postgres >/dev/null <<-'EOF' || it_fail "could not drop the workstation's databases"
		SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database
		WHERE datname NOT IN ('postgres', 'template0', 'template1') ORDER BY datname \gexec
	EOF
}

# Run siphon (never fails): RC, $H/run/out, $H/run/err. Timeout SIPHON_IT_PULL_TIMEOUT (120 s).
# Runs are hermetic: siphon never reads the ~/.ssh/config (nor the siphon config) of the machine running the
# tests. Every run gets the harness's own empty HOME, unless the test gave one (HOME=DIR siphon_run ...).
_H_REAL_HOME=${HOME:-}
siphon_home() {
	if [ "${HOME:-}" = "$_H_REAL_HOME" ]; then
		mkdir -p "$H/home"
		printf '%s' "$H/home"
	else
		printf '%s' "$HOME"
	fi
}

siphon_run() {
	: >"$H/run/out"
	: >"$H/run/err"
	local t0 t1 home
	home=$(siphon_home)
	t0=$(date +%s.%N)
	HOME=$home timeout -k 5 "${SIPHON_IT_PULL_TIMEOUT:-120}" "$SIPHON_BIN" "$@" >"$H/run/out" 2>"$H/run/err" </dev/null
	RC=$?
	t1=$(date +%s.%N)
	it_note "siphon $(printf '%q ' "$@")-> exit $RC in $(_h_secs "$t0" "$t1")s"
	[ "$RC" = 124 ] && it_note "siphon TIMED OUT"
	return 0
}

# siphon pull REMOTE_DB [ARGS...] with the harness's key and known_hosts.
siphon_pull() {
	local db=$1
	shift
	siphon_run pull "$(remote_spec "$db")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" "$@"
}

# Start siphon in the background (SIGINT at its default disposition, not ignored as bash does for
# background jobs): SIPHON_PID. Then siphon_wait [SECONDS] sets RC (124 after SECONDS, killed).
siphon_bg() {
	: >"$H/run/out"
	: >"$H/run/err"
	HOME=$(siphon_home) env --default-signal=INT,QUIT "$SIPHON_BIN" "$@" >"$H/run/out" 2>"$H/run/err" </dev/null &
	SIPHON_PID=$!
	harness_on_exit "kill -9 $SIPHON_PID 2>/dev/null"
	it_note "siphon $(printf '%q ' "$@")& (pid $SIPHON_PID)"
}
siphon_wait() { # [SECONDS]
	local i
	for i in $(seq 1 $((${1:-60} * 10))); do
		kill -0 "$SIPHON_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SIPHON_PID" 2>/dev/null; then
		kill -9 "$SIPHON_PID" 2>/dev/null
		wait "$SIPHON_PID" 2>/dev/null
		RC=124
		it_note "siphon still running after ${1:-60}s: killed"
		return 0
	fi
	wait "$SIPHON_PID"
	RC=$?
	it_note "siphon (pid $SIPHON_PID) -> exit $RC"
}

assert_rc() { # EXPECTED [WHAT]
	[ "$RC" = "$1" ] || it_fail "${2:-siphon}: expected exit $1, got $RC"
}

# The error contract: errors are one line on stderr starting "siphon: ". Progress lines may come
# before it (siphon could print some when stderr is not a terminal), so we require the LAST line
# to be the "siphon: " line and print a note when there were others.
assert_error_line() {
	local n last
	n=$(grep -c '' "$H/run/err")
	[ "$n" -ge 1 ] || it_fail "expected an error line on stderr, stderr is empty"
	last=$(tail -n 1 "$H/run/err")
	case $last in
	"siphon: "?*) ;;
	*) it_fail "last stderr line does not start with 'siphon: ': $last" ;;
	esac
	[ "$n" = 1 ] || { it_note "stderr had $n lines (only the last one must be the error):"; sed 's/^/#   | /' "$H/run/err" | tail -n 12 >&2; }
}
assert_stderr_contains() { # STRING
	grep -qF -- "$1" "$H/run/err" || it_fail "stderr does not contain '$1'"
}
assert_no_pwned() {
	local f
	for f in $SIPHON_IT_PWNED_FILES; do
		[ ! -e "$f" ] || it_fail "$f exists: a hostile name was executed by a shell"
	done
}

# The workstation's database list must be exactly these names (no temporary leftovers).
assert_ws_dbs() { # NAME...
	local want got
	want=$(printf '%s\n' "$@" | LC_ALL=C sort)
	got=$(ws_dbs)
	[ "$want" = "$got" ] || it_fail "workstation databases: want [$(echo $want)] got [$(echo $got)]"
}

# PID and its descendants.
_h_tree() {
	[ -n "${1:-}" ] || return 0
	local c
	echo "$1"
	for c in $(pgrep -P "$1"); do _h_tree "$c"; done
}

# Processes that were started through this harness's sshd (directly, or through sudo): their
# environment has the PGHOST that sshd_config's SetEnv hands out. "PID command" lines.
_h_remote_procs() {
	local e p want="PGHOST=$SIPHON_IT_SRV_HOST"
	# One grep over every environ file (a loop of tr | grep per process takes seconds on a busy box).
	for e in $(grep -lzxF -- "$want" /proc/[0-9]*/environ 2>/dev/null); do
		p=${e#/proc/}
		p=${p%/environ}
		[ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] && continue
		echo "$p $({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)"
	done
}



# compare.sh SRC(server) DST(workstation); fails the test on any difference.
assert_same() { # SRC_DB DST_DB
	"$SIPHON_IT_LIB_DIR/compare.sh" "$1" "$2" >"$H/run/compare" 2>&1 || {
		cat "$H/run/compare" >&2
		it_fail "compare.sh '$1' '$2' found differences"
	}
	it_note "$(tail -n 1 "$H/run/compare")"
}

# Wait until siphon's remote dump is streaming data: a COPY ... TO STDOUT of DB is running on the
# server cluster (as ROLE, default the SSH user). Fails if PID (siphon) exits first or after SECONDS.
wait_remote_copy() { # DB PID [SECONDS] [ROLE]
	local i n
	for i in $(seq 1 $((${3:-30} * 20))); do
		n=$(srv_psql -At -d postgres -v db="$1" -v role="${4:-$SIPHON_IT_SSH_USER}" <<<"SELECT count(*) FROM pg_stat_activity WHERE datname = :'db' AND usename = :'role' AND state = 'active' AND query ~* '^\\s*copy\\M'")
		[ "$n" -ge 1 ] 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || it_fail "siphon exited before its remote COPY was seen (database too small for this test?)"
		sleep 0.05
	done
	it_fail "no remote COPY of $1 seen within ${3:-30}s"
}
