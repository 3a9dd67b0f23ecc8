#!/bin/bash
# A stand-in for siphon, written with the OpenSSH client, pg_dump -Fc and pg_restore, that follows
# the CLI contract the integration tests check (exit codes, one "siphon: " error line, the local
# database untouched on failure; the error lines the tests match say what the real ones say, in
# fewer words). It exists only to test the tests: tests/harness/selftest.sh runs
# tests/integration/run.sh with SIPHON_BIN pointing here. It is not the product and not fast.
set -u
prog=siphon
die() { # CODE MESSAGE
	echo "$prog: $2" >&2
	cleanup
	exit "$1"
}
usage() { die 2 "$* (see 'siphon pull --help')"; }
tmpdb="" tmpfile="" sshpid=""
cleanup() {
	[ -n "$sshpid" ] && kill "$sshpid" 2>/dev/null
	[ -n "$tmpfile" ] && rm -f "$tmpfile"
	if [ -n "$tmpdb" ]; then
		psql -X -q -d postgres -v db="$tmpdb" <<<'DROP DATABASE IF EXISTS :"db" WITH (FORCE)' >/dev/null 2>&1
	fi
	tmpdb="" tmpfile="" sshpid=""
}
trap 'die 130 "interrupted"' INT
trap 'die 143 "terminated"' TERM

[ "${1:-}" = pull ] || die 2 "unknown command '${1:-}' (see 'siphon --help')"
shift
spec="" into="" jobs=2 compress=auto level="" key="" kh="" accept=0 pgopts="" sudo_user="" force=0 stall=30
while [ $# -gt 0 ]; do
	case $1 in
	--into) into=${2-}; shift 2 || usage "--into needs a name" ;;
	-j) jobs=${2-}; shift 2 || usage "-j needs a number" ;;
	--compress) compress=${2-}; shift 2 || usage "--compress needs a method" ;;
	--level) level=${2-}; shift 2 || usage "--level needs a number" ;;
	-i) key=${2-}; shift 2 || usage "-i needs a file" ;;
	--known-hosts) kh=${2-}; shift 2 || usage "--known-hosts needs a file" ;;
	--accept-new-host-key) accept=1; shift ;;
	--remote-pg-opts) pgopts=${2-}; shift 2 || usage "--remote-pg-opts needs a value" ;;
	--remote-sudo) sudo_user=${2-}; shift 2 || usage "--remote-sudo needs a user" ;;
	--force) force=1; shift ;;
	--engine) [ "${2-}" = postgres ] || usage "the fake knows --engine postgres only"; shift 2 ;;
	--stall-timeout) stall=${2-}; shift 2 || usage "--stall-timeout needs seconds" ;;
	-*) usage "unknown option '$1'" ;;
	*) [ -z "$spec" ] || usage "one source only"; spec=$1; shift ;;
	esac
done
[ -n "$spec" ] || usage "missing target [user@]host[:port]:DBNAME"
case $compress in auto | zstd | pigz | gzip | none) ;; *) usage "bad value '$compress' for --compress (expected auto, zstd, pigz, gzip or none)" ;; esac
case $jobs in '' | *[!0-9]* | 0) usage "bad value '$jobs' for -j (expected a number from 1 to 64)" ;; esac
userhost=${spec%%:*}
rest=${spec#*:}
[ "$rest" != "$spec" ] || usage "missing ':DBNAME' in target '$spec' (expected [user@]host[:port]:DBNAME)"
port=22
case $rest in [0-9]*:*) port=${rest%%:*}; rest=${rest#*:} ;; esac
db=$rest
[ -n "$db" ] || usage "empty database name"
case $userhost in *@*) user=${userhost%%@*}; host=${userhost#*@} ;; *) user=$(id -un); host=$userhost ;; esac
[ -n "$into" ] || into=$db

sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
ssh_base=(ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o GlobalKnownHostsFile=/dev/null
	-o ConnectTimeout=10 -o ServerAliveInterval=1 -o "ServerAliveCountMax=$stall" -o LogLevel=ERROR -p "$port")
[ -n "$key" ] && ssh_base+=(-i "$key")
[ -n "$kh" ] && ssh_base+=(-o "UserKnownHostsFile=$kh")
if [ "$accept" = 1 ]; then ssh_base+=(-o StrictHostKeyChecking=accept-new); else ssh_base+=(-o StrictHostKeyChecking=yes); fi
ssh_base+=("$user@$host")

# Connect once to classify connection / host key / authentication problems.
err=$("${ssh_base[@]}" true 2>&1 >/dev/null)
rc=$?
if [ "$rc" != 0 ]; then
	case $err in
	*"IDENTIFICATION HAS CHANGED"*)
		die 4 "host key for [$host]:$port has CHANGED: refusing to connect" ;;
	*"Host key verification failed"* | *"host key is known"* | *"Host key for"*)
		fp=$(ssh-keyscan -p "$port" -t ed25519 "$host" 2>/dev/null | ssh-keygen -lf - 2>/dev/null | awk '{print $2}')
		die 4 "unknown host key for [$host]:$port: ${fp:-SHA256:?}" ;;
	*"Permission denied"*) die 5 "authentication failed for $user@$host: the server refused the key" ;;
	*) die 3 "cannot connect to $host port $port: $(echo "$err" | tail -n 1)" ;;
	esac
fi

prefix=""
[ -n "$sudo_user" ] && prefix="sudo -n -u $(sq "$sudo_user") "
remote() { "${ssh_base[@]}" "$@"; }
bin=$(remote 'for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_dump" ] && echo "$d"; done | sort -V | tail -n 1' 2>/dev/null) ||
	die 3 "the SSH connection was lost while looking for pg_dump"
[ -n "$bin" ] || die 6 "pg_dump was not found on $host (looked in /usr/lib/postgresql/*/bin)"

q_db=$(sq "$db")
exts=$(remote "${prefix}$(sq "$bin/psql") -X -At $pgopts -d $q_db -c 'SELECT extname FROM pg_extension' 2>&1")
rc=$?
[ "$rc" = 255 ] && die 3 "the SSH connection was lost while reading the catalog"
case $rc:$exts in
0:*) ;;
*"database \"$db\" does not exist"*) die 6 "no database named \"$db\" on $host (looked in PostgreSQL)" ;;
*) die 6 "remote: $(echo "$exts" | tail -n 1)" ;;
esac
for e in $exts; do
	[ "$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = '$e'")" = 1 ] ||
		die 8 "the source database uses extensions that the local PostgreSQL does not have: $e"
done
settings=$(remote "${prefix}$(sq "$bin/psql") -X -At $pgopts -d $q_db -c \"SELECT s FROM pg_db_role_setting r, unnest(r.setconfig) s WHERE r.setrole = 0 AND r.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())\"") ||
	die 6 "remote: cannot read database settings"

busy() {
	[ "$(psql -X -At -d postgres -v db="$into" <<<"SELECT count(*) FROM pg_stat_activity WHERE datname = :'db'")" != 0 ]
}
exists=$(psql -X -At -d postgres -v db="$into" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db'") ||
	die 7 "cannot reach the local server"
[ "$exists" = 1 ] && [ "$force" = 0 ] && busy && die 9 "local database $into is in use (use --force)"

tmpfile=$(mktemp /tmp/fake-siphon.XXXXXX)
# (LogLevel INFO: ssh says "Timeout, server ... not responding" only at that level: the stall.)
"${ssh_base[@]/#LogLevel=ERROR/LogLevel=INFO}" "${prefix}$(sq "$bin/pg_dump") -Fc -Z1 $pgopts -d $q_db" >"$tmpfile" 2>"$tmpfile.err" &
sshpid=$!
wait "$sshpid"
rc=$?
sshpid=""
err=$(tail -n 1 "$tmpfile.err")
errs=$(cat "$tmpfile.err")
rm -f "$tmpfile.err"
case $rc:$errs in
0:*) ;;
255:*"not responding"*) die 3 "no data from $host for $stall s: the transfer stalled" ;;
255:*) die 3 "the SSH connection was lost while reading ($host)" ;;
*"row-level security"*) die 6 "the remote role cannot bypass row-level security on $host" ;;
*"permission denied"*) die 6 "permission denied on $host; the remote role needs to read every table" ;;
*) die 6 "remote pg_dump failed: $err" ;;
esac

tmpdb="siphon_tmp_$$"
psql -X -q -d postgres -v db="$tmpdb" <<<'CREATE DATABASE :"db"' >/dev/null 2>&1 || die 7 "cannot create a local database"
pg_restore --no-owner --no-acl --exit-on-error -j "$jobs" -d "$tmpdb" "$tmpfile" 2>"$tmpfile.err" ||
	die 7 "restore failed: $(tail -n 1 "$tmpfile.err")"
rm -f "$tmpfile.err"
while IFS= read -r s; do
	[ -n "$s" ] || continue
	psql -X -q -d postgres -c "ALTER DATABASE \"$tmpdb\" SET ${s%%=*} = ${s#*=}" >/dev/null 2>&1 ||
		psql -X -q -d postgres -v db="$tmpdb" -v name="${s%%=*}" -v val="${s#*=}" \
			<<<'ALTER DATABASE :"db" SET :"name" = :'"'val'" >/dev/null 2>&1 ||
		die 7 "cannot apply database setting $s"
done <<<"$settings"

if [ "$exists" = 1 ]; then
	if busy; then
		[ "$force" = 1 ] || die 9 "local database $into is in use (use --force)"
	fi
	psql -X -q -d postgres -v db="$into" -v old="siphon_old_$$" -v tmp="$tmpdb" >/dev/null 2>&1 <<-'EOF' ||
		SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'db';
		ALTER DATABASE :"db" RENAME TO :"old";
		ALTER DATABASE :"tmp" RENAME TO :"db";
		DROP DATABASE :"old" WITH (FORCE);
	EOF
		die 7 "cannot replace $into"
else
	psql -X -q -d postgres -v db="$into" -v tmp="$tmpdb" <<<'ALTER DATABASE :"tmp" RENAME TO :"db"' >/dev/null 2>&1 ||
		die 7 "cannot rename the new database to $into"
fi
tmpdb=""
cleanup
exit 0
