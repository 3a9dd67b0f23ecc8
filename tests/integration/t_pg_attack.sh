#!/bin/bash
# needs-real-siphon
# A compromised PostgreSQL server: its pg_dump and psql are wrappers (bind mounts in a private mount
# namespace of a second sshd) that run the real tools and splice psql meta-commands into what they
# print. Each attack:
#   pre       "\! touch" at the top of the schema dump
#   lexer     the schema dump turns standard_conforming_strings back on behind a DO block after
#             saying "off", so that siphon's lexer sees a "\!" line inside a literal and psql does
#             not: only siphon's own \restrict stands between the server and the workstation's shell
#   post      "\!" after pg_dump's "\unrestrict" in the post-data section
#   lane      a table's end marker sent as "\.\r" followed by SQL and "\!" (psql ends COPY there)
#   esc       pg_dump fails with ESC ]0;title BEL and CSI sequences in its stderr
#   flood     pg_dump writes endless stderr and no data: the stall watchdog still ends the pull
#             (exit 3), and Ctrl-C still ends it within a second or two (exit 130)
# Each pull fails with one clear line; nothing runs on the workstation (no marker file), the local
# database is as it was, nothing is left behind; no raw ESC reaches the terminal. (The pulls are of
# app_lite: the attacks need its schema and a data channel, not app's volume.)
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
pg_keep
contract_before pg keep

bin=/usr/lib/postgresql/15/bin
pwned=/tmp/siphon-pwned-pg-$$
harness_on_exit "rm -f '$pwned'"
d=$(sshd_wrap_dir pg) || it_fail "wrap dir"
# The spliced texts, as files: no quoting through two shells.
printf '\\! touch %s\n' "$pwned" >"$d/pre.txt"
{
	printf 'SET standard_conforming_strings = off;\n'
	printf 'DO $$BEGIN EXECUTE $q$SET standard_conforming_strings = on$q$; END$$;\n'
	printf "SELECT 'x\\\\';\n\\\\! touch %s\n-- ';\n" "$pwned"
} >"$d/lexer.txt"
printf '\\! touch %s\n' "$pwned" >"$d/post.txt"
printf '\\.\r\nCREATE TABLE siphon_pwned ();\n\\! touch %s\n' "$pwned" >"$d/lane.txt"
chmod 644 "$d"/*.txt
cat >"$d/pg_dump" <<WRAP
#!/bin/bash
mode=\$(cat '$d/attack' 2>/dev/null)
case "\$mode:\$*" in
esc:*--snapshot*)
	printf 'pg_dump: error: \033]0;pwned title\007\033[2J\033[31mconnection failed\033[0m\n' >&2
	exit 1 ;;
flood:*--section=pre-data*)
	exec yes 'pg_dump: warning: flood' >&2 ;;
pre:*--section=pre-data*|lexer:*--section=pre-data*)
	cat '$d/'"\$mode".txt
	exec '$d/real-pg_dump' "\$@" ;;
post:*--section=post-data*)
	'$d/real-pg_dump' "\$@"
	st=\$?
	cat '$d/post.txt'
	exit \$st ;;
esac
exec '$d/real-pg_dump' "\$@"
WRAP
cat >"$d/psql" <<WRAP
#!/bin/bash
# The lane attack: the first end-of-table line of a data channel becomes the spliced text.
if [ "\$(cat '$d/attack' 2>/dev/null)" = lane ]; then
	'$d/real-psql' "\$@" | awk -v f='$d/lane.txt' '\$0 == "\\\\." && !done { while ((getline l < f) > 0) print l; done = 1 } { print; fflush() }'
	exit \${PIPESTATUS[0]}
fi
exec '$d/real-psql' "\$@"
WRAP
chmod 755 "$d/pg_dump" "$d/psql"
sshd_wrapped_start pg "$bin/pg_dump" "$bin/psql" || it_skip "cannot start an sshd in a private mount namespace"

attack() { # MODE EXPECTED_RC ERROR_REGEX [SIPHON ARGS...]
	local mode=$1 rc=$2 re=$3
	shift 3
	echo "$mode" >"$d/attack"
	chmod 644 "$d/attack"
	siphon_run pull "$(remote_spec app_lite "$SIPHON_IT_SSH_USER" "$WRAP_PORT")" -i "$SIPHON_IT_KEY" \
		--known-hosts "$WRAP_KNOWN_HOSTS" --into keep "$@"
	set -- "$mode" "$rc"
	it_note "$1: $(tail -n 1 "$H/run/err")"
	[ ! -e "$pwned" ] || it_fail "$1: the server ran a command on the workstation"
	assert_failed_cleanly pg "$2" "$re"
	! grep -q "$(printf '\033')" "$H/run/err" || it_fail "$1: a raw ESC byte reached siphon's stderr"
}

attack pre 6 'holds a psql command'
attack lexer 6 'tried to run a psql command on this workstation'
attack post 6 'psql command'
attack lane 6 'not the end-of-data line'
attack esc 6 '\\x1b\]0;pwned title\\x07'
attack flood 3 'the transfer stalled' --stall-timeout 5 --retries 0

# Ctrl-C while the server floods stderr.
echo flood >"$d/attack"
siphon_bg pull "$(remote_spec app_lite "$SIPHON_IT_SSH_USER" "$WRAP_PORT")" -i "$SIPHON_IT_KEY" \
	--known-hosts "$WRAP_KNOWN_HOSTS" --into keep
sleep 3
t0=$(date +%s.%N)
kill -INT "$SIPHON_PID"
siphon_wait 20
t1=$(date +%s.%N)
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
it_note "flood: Ctrl-C ended the pull in ${took}s"
awk -v t="$took" 'BEGIN { exit !(t <= 3) }' || it_fail "Ctrl-C took ${took}s under a stderr flood"
assert_failed_cleanly pg 130 '^siphon: interrupted'
[ ! -e "$pwned" ] || it_fail "flood: the server ran a command on the workstation"
