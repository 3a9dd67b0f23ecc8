#!/bin/bash
# The compression level moves while a MySQL/MariaDB or an SQLite pull runs. Their data comes as one
# long stream per channel (a MySQL channel is one session, the consistent snapshot; SQLite's is
# one file), so the level cannot change per piece as PostgreSQL's does: the channel's compressor
# is remote/zsplit.h's stage (perl feeding zstd, which looks at the run directory's "level" file
# every 8 MiB and starts a new zstd frame at the level named there), and siphon sends each new
# level through the watchdog's channel. The server is an sshd in a network namespace (bastion.sh's
# bastion, over its veth: no loopback), the link shaped to 16 Mbit/s (tc tbf); siphon starts at
# zstd 1 and, the link being the limit and samples of the rows saying zstd 3 saves bytes, raises
# the level: `plan` says it will, the -v line says so, a JSON tune event names the new level, the
# copy equals the source, and (MySQL) it took fewer bytes on the wire than the same pull at
# --level 1: the server's compressor did follow.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/bastion.sh"
. "$(dirname "$0")/my_lib.sh"
bastion_test_begin
it_require_my

ns_dev=sin${_BASTION_VETH#sih}
ip netns exec "$BASTION_NS" tc qdisc add dev "$ns_dev" root tbf rate 16mbit burst 32kb latency 200ms ||
	it_fail "tc tbf in the namespace"

# About 50 MB of rows in eleven tables (one with an awkward name): half of each row random hex
# digits, half one of 3,000 strings of 60 (text that repeats every 180 KB, within zstd's 512 KiB
# window): zstd 1 about halves it, zstd 3 writes a fifth less.
SRC=adapt_src
srv_my -e "DROP DATABASE IF EXISTS $SRC; CREATE DATABASE $SRC" || it_fail "create $SRC"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS $SRC'"
srv_my -D "$SRC" <<'EOF' || it_fail "fill $SRC"
CREATE TABLE `Wide "one" 'q'` (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64), KEY kb (b)) ENGINE=InnoDB;
INSERT INTO `Wide "one" 'q'` SELECT seq, CONCAT(MD5(seq), MD5(seq * 7)),
  SUBSTR(CONCAT(MD5((seq * 7919) % 3000), MD5((seq * 7919) % 3000 + 1)), 1, 60) FROM seq_1_to_36000;
CREATE TABLE t2 (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB SELECT id + 2 AS id, a, b FROM `Wide "one" 'q'`;
CREATE TABLE t3 (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB SELECT id + 3 AS id, a, b FROM `Wide "one" 'q'`;
CREATE TABLE t4 (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB SELECT id + 4 AS id, a, b FROM `Wide "one" 'q'`;
CREATE TABLE t5 (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB SELECT id + 5 AS id, a, b FROM `Wide "one" 'q'`;
CREATE TABLE t6 (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB SELECT id + 6 AS id, a, b FROM `Wide "one" 'q'`;
CREATE TABLE t7 (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB SELECT id + 7 AS id, a, b FROM `Wide "one" 'q'`;
CREATE TABLE t8 (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB SELECT id + 8 AS id, a, b FROM `Wide "one" 'q'`;
CREATE TABLE t9 (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB SELECT id + 9 AS id, a, b FROM `Wide "one" 'q'`;
CREATE TABLE t10 (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB SELECT id + 10 AS id, a, b FROM `Wide "one" 'q'`;
CREATE TABLE t11 (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB SELECT id + 11 AS id, a, b FROM `Wide "one" 'q'`;
EOF

spec=$SIPHON_IT_SSH_USER@$BASTION_ADDR:$BASTION_PORT:$SRC
pull() { siphon_run pull "$spec" --engine mysql -i "$SIPHON_IT_KEY" --known-hosts "$BASTION_KH" "$@"; }
wire() { grep '"event": *"summary"' "$H/run/json" | grep -o '"wire_bytes": *[0-9]*' | head -n 1 | grep -o '[0-9]*$'; }

siphon_run plan "$spec" --engine mysql -i "$SIPHON_IT_KEY" --known-hosts "$BASTION_KH" -j 2
assert_rc 0 "plan"
grep -q 'SELECT of its tables.* | .*zstd.* -1 .*perl on the server starts zstd anew' "$H/run/out" ||
	it_fail "plan does not say the level will move: $(cat "$H/run/out")"

pull --into adapt_dst -j 2 -v --progress=json --progress-fd 3 3>"$H/run/json"
assert_rc 0 "pull over the shaped link"
assert_same_my "$SRC" adapt_dst
grep -q '^siphon: channels 2 (-j), zstd -1: link' "$H/run/err" || it_fail "no tune line at zstd 1: $(cat "$H/run/err")"
grep -q '^siphon: compression: zstd -3 on every channel within 8 MiB: the link is the limit' "$H/run/err" ||
	it_fail "no line says the level went up: $(grep -e compression -e channels "$H/run/err")"
moves=$(grep '"event": *"tune"' "$H/run/json" | sed 1d | grep -c '"level": *[3-9]')
[ "$moves" -ge 1 ] || it_fail "no tune event with a higher level: $(grep tune "$H/run/json")"
adaptive=$(wire)
it_note "$(grep '^siphon: compression:' "$H/run/err" | tr '\n' ' ') wire $adaptive"

# The same pull at a level given: it stays, and takes more bytes.
pull --into adapt_fixed -j 2 --level 1 --progress=json --progress-fd 3 3>"$H/run/json"
assert_rc 0 "pull at --level 1"
assert_same_my "$SRC" adapt_fixed
[ "$(grep -c '"event": *"tune"' "$H/run/json")" = 1 ] || it_fail "the level moved though --level was given: $(grep tune "$H/run/json")"
fixed=$(wire)
it_note "wire at --level 1: $fixed"
[ -n "$adaptive" ] && [ -n "$fixed" ] && [ $((adaptive * 100)) -lt $((fixed * 97)) ] ||
	it_fail "the moving level did not save bytes on the wire: $adaptive against $fixed at --level 1"

# SQLite: about 40 MB in one file, rows of the same kind (a pool of 3,000 strings of 60).
sq_dirs
sq_srv_file "$SQ_SRV/adapt.db" >/dev/null <<'EOF' || it_fail "fill adapt.db"
PRAGMA journal_mode = WAL;
CREATE TABLE pool (i INTEGER PRIMARY KEY, s TEXT);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
INSERT INTO pool SELECT i, hex(randomblob(30)) FROM n;
CREATE TABLE "wide 'one'" (id INTEGER PRIMARY KEY, a TEXT, b TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000)
INSERT INTO "wide 'one'" SELECT i, hex(randomblob(16)), (SELECT s FROM pool WHERE pool.i = (n.i * 7919) % 3000) FROM n;
EOF
siphon_run pull "$SIPHON_IT_SSH_USER@$BASTION_ADDR:$BASTION_PORT:$SQ_SRV/adapt.db" --engine sqlite \
	-i "$SIPHON_IT_KEY" --known-hosts "$BASTION_KH" --into "$SQ_WS/adapt.db" -v --progress=json --progress-fd 3 3>"$H/run/json"
assert_rc 0 "SQLite pull over the shaped link"
sq_assert_same "$SQ_SRV/adapt.db" "$SQ_WS/adapt.db"
grep -q '^siphon: compression: zstd -3 on every channel within 8 MiB: the link is the limit' "$H/run/err" ||
	it_fail "no line says the level went up (SQLite): $(grep -e compression -e channel "$H/run/err")"
[ "$(grep '"event": *"tune"' "$H/run/json" | sed 1d | grep -c '"level": *[3-9]')" -ge 1 ] ||
	it_fail "no tune event with a higher level (SQLite): $(grep tune "$H/run/json")"
it_note "SQLite: $(grep '^siphon: compression:' "$H/run/err" | tr '\n' ' ') wire $(wire)"
bastion_idle 10
assert_no_pwned
