#!/bin/bash
# needs-real-siphon
# pull --snapshot-only, MariaDB: siphon_src (-j 3, zstd) and a small database with a sequence used
# as a DEFAULT and a system-versioned table with history rows, each saved with no local server
# reachable (MYSQL_UNIX_PORT names nothing) and no local client in PATH: no snapshot-only pull makes
# anything local; the manifest records what the server was asked for (facts mysql-sequences and
# mysql-history, both yes: the most a local server could take). With the server unreachable,
# `restore` rebuilds each copy in the real local MariaDB, equal to its source table by table and
# object by object (views, routines, triggers, events; the sequence's state, the history rows).
# A local server that refuses the restore (local_infile off) does so with one line, exit 7, and
# leaves the copy restored before as it was.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
src=$SIPHON_IT_MY_SRC_DB
SNAPS=$(siphon_home)/.local/share/siphon/snapshots

srv_my >/dev/null <<-'SQL' || it_fail "create the source database snaponly_seq"
	DROP DATABASE IF EXISTS snaponly_seq;
	CREATE DATABASE snaponly_seq;
	USE snaponly_seq;
	CREATE SEQUENCE order_seq START WITH 1000 INCREMENT BY 10 NOCACHE;
	CREATE TABLE orders (id BIGINT NOT NULL DEFAULT NEXTVAL(order_seq) PRIMARY KEY, note VARCHAR(20));
	INSERT INTO orders (note) VALUES ('first'), ('second'), (NULL);
	CREATE TABLE prices (id INT PRIMARY KEY, price DECIMAL(10,2)) WITH SYSTEM VERSIONING;
	INSERT INTO prices VALUES (1, 10.00), (2, 20.00);
	UPDATE prices SET price = 11.00 WHERE id = 1;
	DELETE FROM prices WHERE id = 2;
SQL
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS snaponly_seq' >/dev/null 2>&1"
harness_on_exit "ws_my -e 'SET GLOBAL local_infile = 1' >/dev/null 2>&1"

for p in myo:"$src":my_only myseq:snaponly_seq:seq_only; do
	IFS=: read -r prof db into <<<"$p"
	siphon_run config add "$prof" --ssh "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT" \
		--database "$db" --engine mysql -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--into "$into" -j 3 --compress zstd
	assert_rc 0 "config add $prof"
done

# No local server (a socket that names nothing) and no local client (PATH without mariadb or mysql).
nobin=$H/snaponly-nobin
mkdir -p "$nobin" || it_fail "mkdir $nobin"
for f in /usr/local/bin/* /usr/bin/* /bin/*; do
	case ${f##*/} in mariadb* | mysql*) continue ;; esac
	[ -e "$nobin/${f##*/}" ] || ln -s "$f" "$nobin/${f##*/}"
done
PATH=$nobin command -v mariadb mysql && it_fail "a mariadb or mysql client is still in PATH"
before=$(ws_my_dbs)
for prof in myo myseq; do
	MYSQL_UNIX_PORT=/nonexistent-siphon-snapshot-only/mysqld.sock PATH=$nobin siphon_run pull "$prof" --snapshot-only
	assert_rc 0 "pull $prof --snapshot-only with no local server or client"
	grep -q " into a snapshot only: " "$H/run/out" || it_fail "$prof: the summary: $(cat "$H/run/out")"
	grep -q "snapshot saved: " "$H/run/err" || it_fail "$prof: no line names the snapshot"
	snap=$(ls "$SNAPS/$prof"/*.siphon.tar 2>/dev/null)
	[ "$(printf '%s\n' "$snap" | grep -c .)" = 1 ] || it_fail "$prof: not exactly one snapshot: $snap"
	[ "$(stat -c %a "$snap")" = 600 ] || it_fail "$prof: the snapshot is not 0600"
	siphon_run verify "$snap"
	assert_rc 0 "verify $prof"
	# What the server was asked for: hex of mysql-sequences / mysql-history, and yes (796573).
	for fact in 6d7973716c2d73657175656e636573 6d7973716c2d686973746f7279; do
		tar xOf "$snap" manifest | grep -qx "fact $fact 796573" || it_fail "$prof: the manifest lacks fact $fact yes: $(tar xOf "$snap" manifest | grep '^fact')"
	done
done
[ "$(ws_my_dbs)" = "$before" ] || it_fail "a snapshot-only pull changed the workstation's databases: $(echo $(ws_my_dbs))"

# The server unreachable: each snapshot alone makes its copy in the real local server.
siphon_run config set myo port 1
siphon_run config set myseq port 1
siphon_run restore myo@latest
assert_rc 0 "restore myo@latest"
assert_same_my "$src" my_only --definer-of root@localhost
siphon_run restore myseq@latest
assert_rc 0 "restore myseq@latest"
assert_same_my snaponly_seq seq_only
grep -q 'not copied exactly' "$H/run/err" && it_fail "the restore left something out: $(grep 'not copied exactly' "$H/run/err")"
[ "$(ws_my -N -B -e 'SELECT COUNT(*) FROM seq_only.prices FOR SYSTEM_TIME ALL')" = 3 ] ||
	it_fail "the copy of prices lacks its history rows (1 current, 2 history)"
[ "$(ws_my -N -B -e 'SELECT NEXTVAL(seq_only.order_seq)')" = "$(srv_my -N -B -e 'SELECT NEXTVAL(snaponly_seq.order_seq)')" ] ||
	it_fail "the copy's sequence does not give the source's next value"
assert_ws_my_dbs my_only seq_only

# A local server that cannot take the restore: one line, exit 7, the copy restored above untouched.
fp=$(my_fingerprint_ws my_only)
ws_my -e "SET GLOBAL local_infile = 0" || it_fail "local_infile off"
siphon_run restore myo@latest
assert_rc 7 "restore into a server that refuses LOAD DATA LOCAL"
assert_error_line
tail -n 1 "$H/run/err" | grep -q "the local server .* refuses LOAD DATA LOCAL" || it_fail "the reason: $(tail -n 1 "$H/run/err")"
ws_my -e "SET GLOBAL local_infile = 1" || it_fail "local_infile on"
[ "$(my_fingerprint_ws my_only)" = "$fp" ] || it_fail "the refused restore changed the local copy"
assert_ws_my_dbs my_only seq_only
assert_no_pwned
