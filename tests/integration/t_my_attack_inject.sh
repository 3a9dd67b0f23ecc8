#!/bin/bash
# needs-real-siphon
# A compromised MariaDB server: its mysql/mariadb client is a wrapper (bind mount in a private mount
# namespace of a second sshd) that runs the real client and edits what it prints. Each attack:
#   view      a view's definition carries "; CREATE DATABASE", and lines "\! touch", "system touch"
#             and "DELIMITER ;" (client commands, if the local client ever read them)
#   routine   a routine's body gets "DELIMITER ;" and "CREATE DATABASE" lines after its BEGIN
#   charset   the database's character set is "utf8mb4' COLLATE ..., -- " (SQL interpolated raw)
#   bignum    a table size of 99999999999999999999999 bytes (arithmetic on server numbers)
#   esc       the client fails with ESC ]0;title BEL and CSI sequences in its stderr
# Each pull fails with one clear line; nothing runs on the workstation (no marker file, no new
# database), the local copy is as it was, nothing is left behind; no raw ESC reaches the terminal.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
my_keep
contract_before my keep

d=$(sshd_wrap_dir my) || it_fail "wrap dir"
cat >"$d/view.sed" <<'EOF'
s/ AS select / AS select 1 AS `x`; CREATE DATABASE siphon_pwned_db; select 1\\n\\\\! touch \/tmp\/siphon-pwned\\nsystem touch \/tmp\/siphon-pwned\\nDELIMITER ;\\nCREATE DATABASE siphon_pwned_db2;\\n select /
EOF
cat >"$d/routine.sed" <<'EOF'
s/BEGIN/BEGIN\\nDELIMITER ;\\nCREATE DATABASE siphon_pwned_db;\\n\\\\! touch \/tmp\/siphon-pwned\\n/
EOF
cat >"$d/charset.sed" <<'EOF'
s/^D\t\([0-9A-F]*\)\tutf8mb4\t/D\t\1\tutf8mb4 COLLATE utf8mb4_bin; CREATE DATABASE siphon_pwned_db; -- \t/
EOF
cat >"$d/bignum.sed" <<'EOF'
s/^\(T\t[0-9A-F]*\tBASE TABLE\t[^\t]*\t[^\t]*\t\)[0-9]*/\199999999999999999999999/
EOF
# Each line goes on as soon as it is edited (stdbuf -oL), as the real client's would: not sed -u,
# whose unbuffered input reads a byte at a time (the data channels' rows took 25 s a pull).
cat >"$d/mariadb" <<EOF
#!/bin/bash
mode=\$(cat '$d/attack' 2>/dev/null)
if [ "\$mode" = esc ]; then
	printf '\033]0;pwned title\007\033[2J\033[31mERROR 1045 (28000): Access denied for user\033[0m\n' >&2
	exit 1
fi
'$d/real-mariadb' "\$@" | stdbuf -oL sed -f "$d/\$mode.sed"
exit \${PIPESTATUS[0]}
EOF
chmod 755 "$d/mariadb"
sshd_wrapped_start my mariadb || it_skip "cannot start an sshd in a private mount namespace"

attack() { # MODE EXPECTED_RC ERROR_REGEX
	echo "$1" >"$d/attack"
	chmod 644 "$d/attack"
	siphon_run pull "$(remote_spec "$SIPHON_IT_MY_SRC_DB" "$SIPHON_IT_SSH_USER" "$WRAP_PORT")" -i "$SIPHON_IT_KEY" \
		--known-hosts "$WRAP_KNOWN_HOSTS" --engine mysql --into keep
	it_note "$1: $(tail -n 1 "$H/run/err")"
	assert_failed_cleanly my "$2" "$3"
	! grep -q "$(printf '\033')" "$H/run/err" || it_fail "$1: a raw ESC byte reached siphon's stderr"
}

attack view 7 'creating the views, routines, triggers and events failed on the local server'
attack routine 7 'creating the views, routines, triggers and events failed on the local server'
attack charset 6 'impossible character set name'
attack bignum 6 'impossible table size'
attack esc 6 'refused the login \(\\x1b\]0;pwned title\\x07'
