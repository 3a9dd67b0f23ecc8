#!/bin/bash
# needs-real-siphon
# A compromised server's sqlite3: a wrapper (bind mount in a private mount namespace of a second
# sshd) around the real one. Attacks:
#   schema    the copy it sends carries views and a trigger calling writefile(), edit(),
#             load_extension() and fts3_tokenizer(): copied as data (it is the server's file), but
#             nothing of it runs here, neither in the check nor when the next pull settles the old
#             file (the local sqlite3 runs with -safe and trusted_schema off)
#   pages     the inspection reports 2^63-1 pages (overflow of pages x page size)
#   copymeta  the copy is described with 2^63-1 pages of 64 KiB
#   esc       sqlite3 fails with ESC ]0;title BEL and CSI sequences in its stderr
# Each failing pull is one clear line, keep.db is byte-identical, nothing is left on either side,
# no marker file exists, no raw ESC reaches siphon's stderr.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
sq_dirs
sq_make_fixture "$SQ_SRV/app.db"

d=$(sshd_wrap_dir sq) || it_fail "wrap dir"
cat >"$d/sqlite3" <<EOF
#!/bin/bash
real='$d/real-sqlite3'
mode=\$(cat '$d/attack' 2>/dev/null)
case "\$mode:\$*" in
*pages:*"'pages'"*)
	echo 'pages 9223372036854775807 0 4096'
	exit 0 ;;
*copymeta:*siphon-sqlite-copy*)
	echo 'siphon-sqlite-copy|0|0|1|9223372036854775807|65536'
	exit 0 ;;
*esc:*"VACUUM INTO"*)
	printf '\033]0;pwned title\007\033[2J\033[31mError: disk I/O error\033[0m\n' >&2
	exit 1 ;;
*schema:*"VACUUM INTO"*)
	"\$real" "\$@" || exit \$?
	"\$real" -batch copy.db "CREATE VIEW pwn_write AS SELECT writefile('/tmp/siphon-pwned', 'x') AS w;
		CREATE VIEW pwn_edit AS SELECT edit('x', 'touch /tmp/siphon-pwned') AS e;
		CREATE VIEW pwn_ext AS SELECT load_extension('/tmp/siphon-pwned.so') AS l, fts3_tokenizer('simple') AS f;
		CREATE TABLE pwn_t (x);
		CREATE TRIGGER pwn_trg AFTER INSERT ON pwn_t BEGIN SELECT writefile('/tmp/siphon-pwned', 'x'); END;" >&2
	exit \$? ;;
esac
exec "\$real" "\$@"
EOF
chmod 755 "$d/sqlite3"
sshd_wrapped_start sq sqlite3 || it_skip "cannot start an sshd in a private mount namespace"

attack_pull() { # MODE
	echo "$1" >"$d/attack"
	chmod 644 "$d/attack"
	siphon_run pull "$(remote_spec "$SQ_SRV/app.db" "$SIPHON_IT_SSH_USER" "$WRAP_PORT")" -i "$SIPHON_IT_KEY" \
		--known-hosts "$WRAP_KNOWN_HOSTS" --into "$SQ_WS/keep.db" --compress gzip
	it_note "$1: exit $RC: $(tail -n 1 "$H/run/err")"
	! grep -q "$(printf '\033')" "$H/run/err" || it_fail "$1: a raw ESC byte reached siphon's stderr"
	assert_no_pwned
}

sqlite_keep
contract_before sqlite "$KEEP_TARGET"
for m in pages copymeta esc; do
	attack_pull "$m"
	re='impossible page count'
	[ "$m" = esc ] && re='an I/O error on .*\\x1b\]0;pwned title'
	assert_failed_cleanly sqlite 6 "$re"
done

# The hostile schema: copied (it is the server's data), never run here; then pulled over again,
# so that the old copy (with those objects) is opened to settle it.
attack_pull schema
assert_rc 0 "schema"
[ "$(sqlite3 -safe "$SQ_WS/keep.db" "SELECT count(*) FROM sqlite_master WHERE name LIKE 'pwn%'")" = 5 ] ||
	it_fail "the copy does not hold the server's objects"
attack_pull schema
assert_rc 0 "schema, over the hostile copy"
assert_left_clean sqlite
assert_no_pwned
[ ! -e /tmp/siphon-pwned.so ] || it_fail "/tmp/siphon-pwned.so exists"
