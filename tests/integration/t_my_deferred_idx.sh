#!/bin/bash
# needs-real-siphon
# MariaDB: secondary indexes built after each table's load (my_index.c, my_keys.h). With
# --late-index-mb 0 every InnoDB table waits for its keys: tables with secondary, unique, prefix,
# descending, composite, spatial, IGNORED and FULLTEXT keys, foreign keys both ways (a key that
# backs one, a unique key one references, a self reference), an AUTO_INCREMENT column that leads
# no primary key, a table without a primary key, and awkward table and index names. The copy is
# compared with its source (rows and hashes, every index definition: compare_mysql.sh), and each
# table's SHOW CREATE TABLE must be the source's (the same keys in the same order), under -j 4 and
# under one transaction (-j 1); then a default pull (the tables are small: nothing waits) gives the
# same copy.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin

SRC=late_idx
ODD="odd \`t\` 'q' ü, (x)"
ODDQ=$(my_ident "$ODD")
srv_my -e "DROP DATABASE IF EXISTS $SRC; CREATE DATABASE $SRC" || it_fail "create $SRC"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS $SRC'"
srv_my -D "$SRC" <<EOF || it_fail "fill $SRC"
CREATE TABLE codes (id INT PRIMARY KEY, code CHAR(8) NOT NULL, label VARCHAR(40),
  KEY by_label (label), UNIQUE KEY uq_code (code)) ENGINE=InnoDB;
INSERT INTO codes SELECT seq, CONCAT('c', seq), CONCAT('label ', seq % 7) FROM seq_1_to_500;
CREATE TABLE customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(80) NOT NULL,
  name VARCHAR(60), city VARCHAR(30), born DATE, referrer BIGINT,
  UNIQUE KEY uq_email (email), KEY by_city_born (city, born DESC), KEY name_prefix (name(5)),
  KEY by_born (born) COMMENT 'a comment, with (parens)',
  KEY by_referrer (referrer),
  CONSTRAINT fk_referrer FOREIGN KEY (referrer) REFERENCES customers (id)) ENGINE=InnoDB;
INSERT INTO customers (email, name, city, born, referrer)
  SELECT CONCAT('u', seq, '@example.org'), CONCAT('name ', seq), CONCAT('city ', seq % 13),
    '1970-01-01' + INTERVAL seq DAY, IF(seq > 1, seq - 1, NULL) FROM seq_1_to_3000;
CREATE TABLE $ODDQ (\`id, "x"\` INT NOT NULL PRIMARY KEY, customer BIGINT NOT NULL, code CHAR(8),
  note TEXT, amount DECIMAL(10,2), at DATETIME(3), g POINT NOT NULL,
  KEY \`k, "a" \`\`b\`\`\` (amount, at), KEY by_note (note(12)), SPATIAL KEY sp (g),
  KEY ign (at) IGNORED, FULLTEXT KEY ft_note (note),
  KEY by_customer (customer),
  CONSTRAINT fk_customer FOREIGN KEY (customer) REFERENCES customers (id),
  CONSTRAINT fk_code FOREIGN KEY (code) REFERENCES codes (code)) ENGINE=InnoDB;
INSERT INTO $ODDQ SELECT seq, 1 + seq % 3000, CONCAT('c', 1 + seq % 500),
  CONCAT('note number ', seq, ' of the awkward table'), seq / 7, '2020-01-01' + INTERVAL seq SECOND,
  POINT(seq % 100, seq % 37) FROM seq_1_to_5000;
CREATE TABLE ai (a INT NOT NULL, n INT NOT NULL AUTO_INCREMENT, b INT,
  PRIMARY KEY (a, n), KEY kb (b), KEY kn (n)) ENGINE=InnoDB;
INSERT INTO ai (a, b) SELECT seq % 10, seq FROM seq_1_to_2000;
CREATE TABLE nopk (a INT NOT NULL, b INT, c VARCHAR(10), UNIQUE KEY ua (a), KEY kb (b), KEY kc (c))
  ENGINE=InnoDB;
INSERT INTO nopk SELECT seq, seq % 50, CONCAT('c', seq % 9) FROM seq_1_to_2000;
CREATE TABLE few (id INT PRIMARY KEY, v INT, KEY kv (v)) ENGINE=InnoDB;
INSERT INTO few VALUES (1, 1);
CREATE TABLE empty_one (id INT PRIMARY KEY, v INT, KEY kv (v)) ENGINE=InnoDB;
CREATE TABLE myisam_one (id INT PRIMARY KEY, v INT, KEY kv (v)) ENGINE=MyISAM;
INSERT INTO myisam_one SELECT seq, seq FROM seq_1_to_100;
EOF

# Each table's SHOW CREATE TABLE (without its AUTO_INCREMENT counter) on the server and the copy.
show_creates() { # srv|ws DB
	local t
	"$1_my" -N -B -r -e "SELECT HEX(TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$2'
	  AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME" | while read -r t; do
		"$1_my" -N -B -r -D "$2" -e "SELECT CONCAT('SHOW CREATE TABLE \`', REPLACE(CONVERT(UNHEX('$t') USING utf8mb4), '\`', '\`\`'), '\`')" |
			"$1_my" -N -B -r -D "$2" | sed 's/ AUTO_INCREMENT=[0-9]*//'
	done
}
assert_same_creates() { # DST
	show_creates srv "$SRC" >"$H/run/creates.srv"
	show_creates ws "$1" >"$H/run/creates.ws"
	[ -s "$H/run/creates.srv" ] || it_fail "no SHOW CREATE TABLE read from the server"
	diff "$H/run/creates.srv" "$H/run/creates.ws" >&2 || it_fail "SHOW CREATE TABLE of $1 differs from the source's"
}

my_pull "$SRC" --into late_copy --late-index-mb 0 -v
assert_rc 0 "pull with every table's keys after its load"
# codes, customers, the odd table, ai, nopk, few, empty_one: 7 tables (not the MyISAM one).
my_expect_stderr '^siphon: [0-9]+ secondary index(es)? of 7 tables built after each table.s load' "the index build line"
assert_same_my "$SRC" late_copy --definer-of root@localhost
assert_same_creates late_copy
# The indexes work: a unique key refuses a duplicate, the fulltext key answers.
ws_my -D late_copy -e "INSERT INTO customers (email, name) VALUES ('u1@example.org', 'dup')" 2>/dev/null &&
	it_fail "uq_email took a duplicate in the copy"
[ "$(ws_my -N -B -D late_copy -e "SELECT COUNT(*) FROM $ODDQ WHERE MATCH(note) AGAINST ('awkward')")" = 5000 ] ||
	it_fail "the fulltext key of the odd table does not answer"

# One transaction, one channel: the builds overlap the load of the other tables all the same.
my_pull "$SRC" --into late_one -j 1 --late-index-mb 0
assert_rc 0 "pull -j 1 with every table's keys after its load"
assert_same_my "$SRC" late_one --definer-of root@localhost
assert_same_creates late_one

# The default threshold: tables this small are made with their keys, and the copy is the same.
my_pull "$SRC" --into late_default -v
assert_rc 0 "pull with the default threshold"
grep -q 'built after each table' "$H/run/err" && it_fail "small tables waited for their keys by default"
assert_same_creates late_default

assert_ws_my_dbs late_copy late_default late_one
assert_no_pwned
assert_left_clean my
