# shellcheck shell=bash
# SQLite helpers for the integration tests (sourced by lib.sh; call sq_dirs after harness_start).
# The failure contract's SQLite adapter (keep.db, leftovers) is adapter_sqlite.sh.
#
# The "server" is this machine seen through the harness's sshd as siphon_remote, so its SQLite
# files live in a directory that siphon_remote owns (under its home); the local side is a
# directory of the harness. Both are removed when the test exits.
#
#   sq_dirs              SQ_SRV (server directory, owned by siphon_remote) and SQ_WS (local)
#   sq_srv_file FILE SQL...  sqlite3 as siphon_remote (on the server)
#   sq_make_fixture FILE a database with tables, indexes, views, triggers, blobs, unicode,
#                        WITHOUT ROWID and AUTOINCREMENT tables, user_version 42 and
#                        application_id 1095782722
#   sq_make_big FILE MB  one table of random blobs, about MB megabytes
#   sq_fingerprint FILE  user_version/application_id, the schema (sqlite_master), and per table
#                        its row count and a SHA3 of its rows
#   sq_assert_same SRC DST   fingerprints equal, DST passes integrity_check
#   sq_assert_mode FILE MODE
#   sq_srv_tmp_dirs      the server's temporary copies (siphon-sqlite.* in /tmp of siphon_remote
#                        or postgres)
#   sq_wait_vacuum PID   until the server's VACUUM INTO is writing its copy (fails if PID exits)
#   sq_wait_received PID MB  until the local temporary file holds MB megabytes
#   sq_sshd_fake_sqlite3 missing|old   a second sshd (same keys and users) in a private mount
#                        namespace where /usr/bin/sqlite3 is an empty non-executable file (no
#                        sqlite3 on the server) or a script that says it is 3.22.0; sets SQ_NS_PORT
#                        and SQ_NS_KNOWN_HOSTS; stopped when the test exits. Nothing on the machine
#                        is changed. Returns 1 when unshare -m is not permitted.

sq_dirs() {
	SQ_SRV=$(mktemp -d "/home/$SIPHON_IT_SSH_USER/sqlite-it.XXXXXX") || it_fail "mktemp on the server side"
	chown "$SIPHON_IT_SSH_USER:" "$SQ_SRV" && chmod 755 "$SQ_SRV" || it_fail "chown $SQ_SRV"
	SQ_WS=$(mktemp -d "$H/sqlite-ws.XXXXXX") || it_fail "mktemp on the local side"
	harness_on_exit "rm -rf '$SQ_SRV' '$SQ_WS'"
}

sq_srv_file() { # FILE SQL...
	local f=$1
	shift
	runuser -u "$SIPHON_IT_SSH_USER" -- sqlite3 -init /dev/null -batch -bail "$f" "$@"
}

sq_make_fixture() { # FILE
	sq_srv_file "$1" >/dev/null <<-'EOF' || it_fail "could not create the fixture $1"
		PRAGMA user_version = 42;
		PRAGMA application_id = 1095782722;
		CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT UNIQUE, note TEXT);
		CREATE TABLE "order lines; $(touch /tmp/siphon-pwned) 'q'" (id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customers(id), qty REAL, blob BLOB);
		CREATE TABLE kv (k TEXT PRIMARY KEY, v ANY) WITHOUT ROWID;
		CREATE TABLE plain (a, b, c);
		CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT, at TEXT);
		CREATE INDEX customers_name ON customers (name COLLATE NOCASE);
		CREATE INDEX lines_customer ON "order lines; $(touch /tmp/siphon-pwned) 'q'" (customer, qty DESC);
		CREATE UNIQUE INDEX plain_ab ON plain (a, b) WHERE a IS NOT NULL;
		CREATE VIEW big_customers AS SELECT c.name, sum(l.qty) AS total FROM customers c JOIN "order lines; $(touch /tmp/siphon-pwned) 'q'" l ON l.customer = c.id GROUP BY c.id;
		CREATE TRIGGER customers_audit AFTER UPDATE ON customers BEGIN INSERT INTO audit (what, at) VALUES ('update ' || new.id, 'now'); END;
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
		INSERT INTO customers (name, email, note) SELECT 'cust ' || i || ' ünïcødé 名前 😀', 'c' || i || '@example.com',
		  CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN 'line1' || char(10) || 'line2' || char(13) WHEN 2 THEN 'quote '' and "dq" and \ backslash' ELSE '' END FROM n;
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
		INSERT INTO "order lines; $(touch /tmp/siphon-pwned) 'q'" (customer, qty, blob) SELECT 1 + i % 3000, i * 0.25, CASE i % 3 WHEN 0 THEN randomblob(200 + i % 700) WHEN 1 THEN zeroblob(64) ELSE x'00ff00ff' END FROM n;
		INSERT INTO kv VALUES ('int', 1), ('real', 2.5), ('text', 'tëxt'), ('blob', x'deadbeef'), ('null', NULL), ('big', 9223372036854775807);
		INSERT INTO plain VALUES (1, 2, 3), (NULL, NULL, NULL), ('x', x'00', -0.0), (1, 3, 'dup a');
		UPDATE customers SET note = 'updated' WHERE id % 500 = 0;
		DELETE FROM customers WHERE id % 1000 = 7;
	EOF
}

sq_make_big() { # FILE MB
	sq_srv_file "$1" >/dev/null <<-EOF || it_fail "could not create the big database $1"
		PRAGMA journal_mode = WAL;
		CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB);
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $(($2 * 128)))
		INSERT INTO blobs SELECT i, randomblob(8000) FROM n;
	EOF
}

sq_fingerprint() { # FILE
	local f=$1 q
	sqlite3 -init /dev/null -batch -bail "$f" \
		"SELECT 'meta', user_version, application_id FROM pragma_user_version, pragma_application_id;" \
		"SELECT 'schema', type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name;" || return 1
	# One SELECT per table, built by SQLite itself so that any table name is quoted right.
	q=$(sqlite3 -init /dev/null -batch -bail "$f" "SELECT group_concat('SELECT ' || quote(name) || ', count(*), hex(sha3_query(' ||
		quote('SELECT * FROM \"' || replace(name, '\"', '\"\"') || '\"') || ')) FROM \"' || replace(name, '\"', '\"\"') || '\"', ' UNION ALL ')
		FROM sqlite_master WHERE type = 'table'") || return 1
	[ -z "$q" ] || sqlite3 -init /dev/null -batch -bail "$f" "SELECT 'table', * FROM ($q) ORDER BY 2"
}

sq_assert_same() { # SRC DST
	local a b ic
	a=$(sq_fingerprint "$1") || it_fail "cannot read $1"
	b=$(sq_fingerprint "$2") || it_fail "cannot read $2"
	if [ "$a" != "$b" ]; then
		diff <(echo "$a") <(echo "$b") | head -n 20 >&2
		it_fail "$2 differs from $1"
	fi
	ic=$(sqlite3 -init /dev/null -batch "$2" 'PRAGMA integrity_check') || it_fail "integrity_check of $2 did not run"
	[ "$ic" = ok ] || it_fail "integrity_check of $2: $ic"
	it_note "$2 equals $1 ($(grep -c '^table' <<<"$a") tables)"
}

sq_assert_mode() { # FILE MODE
	local m
	m=$(stat -c %a "$1") || it_fail "no $1"
	[ "$m" = "$2" ] || it_fail "$1 has mode $m, expected $2"
}


# The server's temporary copies: of the SSH user, or of postgres (--remote-sudo postgres).
sq_srv_tmp_dirs() { find /tmp -maxdepth 1 -name 'siphon-sqlite.*' \( -user "$SIPHON_IT_SSH_USER" -o -user postgres \) 2>/dev/null; }


sq_sshd_fake_sqlite3() { # missing|old
	local d=$H/sshd-sqlite-$1 fake port
	unshare -m --propagation private true 2>/dev/null || return 1
	mkdir -p "$d" || return 1
	fake=$d/sqlite3
	if [ "$1" = old ]; then
		printf '#!/bin/sh\necho "3.22.0 2018-01-22 18:45:57 0c55d179733b46d8d0ba4d88e01a25e10677046ee3da1d5b1581e86726f2alt1"\n' >"$fake"
		chmod 755 "$fake"
	else
		: >"$fake"
		chmod 644 "$fake"
	fi
	port=$(_h_free_port) || return 1
	_h_write_sshd_config "$d/sshd_config" "$port" "$d/sshd.pid"
	unshare -m --propagation private /bin/sh -c \
		'mount --bind "$3" /usr/bin/sqlite3 && exec /usr/sbin/sshd -f "$1" -E "$2"' \
		sh "$d/sshd_config" "$H/logs/sshd-sqlite-$1.log" "$fake" || return 1
	_h_sshd_ready "$d" "$port" || return 1
	export SQ_NS_PORT=$port SQ_NS_KNOWN_HOSTS=$d/known_hosts
}

sq_wait_vacuum() { # PID
	local d
	for _ in $(seq 1 600); do
		for d in $(sq_srv_tmp_dirs); do
			[ -s "$d/copy.db" ] && return 0
		done
		kill -0 "$1" 2>/dev/null || it_fail "siphon exited before the server's VACUUM INTO was seen"
		sleep 0.01
	done
	it_fail "no VACUUM INTO seen on the server within 6 s"
}

sq_wait_received() { # PID MB
	for _ in $(seq 1 1000); do
		[ -n "$(find "$SQ_WS" -name '.*.siphon_tmp_*' -size +"$2"M 2>/dev/null)" ] && return 0
		kill -0 "$1" 2>/dev/null || it_fail "siphon exited before $2 MB had arrived (database too small for this test?)"
		sleep 0.01
	done
	it_fail "$2 MB did not arrive within 10 s"
}


