#!/bin/bash
# needs-real-siphon
# MariaDB: the workstation's server folds table names to lower case (lower_case_table_names = 1, as
# on Windows and macOS): a source database with tables `T1` and `t1` cannot be copied there: exit 8,
# the message names them, nothing is created on that server. A third MariaDB, started here in a
# fresh data directory with lower_case_table_names = 1, plays the workstation (MYSQL_UNIX_PORT).
# A source without such a pair is copied there (its names folded).
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin

d=$H/my-lctn
sock=$d/mysqld.sock
lctn_my() { mariadb --no-defaults --protocol=socket -S "$sock" -u root --default-character-set=utf8mb4 "$@"; }
t0=$(date +%s.%N)
rm -rf "$d"
mkdir -p "$d/data" "$d/tmp" && chown mysql: "$d" "$d/data" "$d/tmp" && chmod 755 "$d" || it_fail "mkdir $d"
cat >"$d/my.cnf" <<-CNF
	[mariadbd]
	user = mysql
	datadir = $d/data
	socket = $sock
	pid-file = $d/mysqld.pid
	log-error = $H/logs/my-lctn.log
	tmpdir = $d/tmp
	skip-networking
	skip-name-resolve
	skip-log-bin
	lower_case_table_names = 1
	character-set-server = utf8mb4
	collation-server = utf8mb4_general_ci
	innodb_buffer_pool_size = 32M
	innodb_log_file_size = 16M
	innodb_flush_log_at_trx_commit = 0
	innodb_doublewrite = 0
	performance_schema = OFF
	max_allowed_packet = 256M
CNF
mariadb-install-db --defaults-file="$d/my.cnf" --skip-test-db --auth-root-authentication-method=socket \
	>"$H/logs/my-lctn.install.log" 2>&1 || it_fail "mariadb-install-db (lctn): $(tail -n 5 "$H/logs/my-lctn.install.log")"
setsid /usr/sbin/mariadbd --defaults-file="$d/my.cnf" </dev/null >>"$H/logs/my-lctn.log" 2>&1 &
lpid=$!
disown "$lpid"
harness_on_exit "kill -9 $lpid 2>/dev/null; sleep 0.2; rm -rf '$d'"
for _ in $(seq 1 400); do
	lctn_my -e 'SELECT 1' >/dev/null 2>&1 && break
	kill -0 "$lpid" 2>/dev/null || it_fail "the lower_case_table_names=1 server died: $(tail -n 5 "$H/logs/my-lctn.log")"
	sleep 0.05
done
[ "$(lctn_my -N -B -e 'SELECT @@lower_case_table_names')" = 1 ] || it_fail "the third server does not have lower_case_table_names = 1"
it_note "a MariaDB with lower_case_table_names = 1 started in $(_h_secs "$t0" "$(date +%s.%N)")s"

srv_my >/dev/null <<-'SQL' || it_fail "create the case databases on the server"
	DROP DATABASE IF EXISTS siphon_it_case;
	CREATE DATABASE siphon_it_case;
	CREATE TABLE siphon_it_case.`T1` (id INT PRIMARY KEY);
	CREATE TABLE siphon_it_case.`t1` (id INT PRIMARY KEY, v VARCHAR(10));
	CREATE TABLE siphon_it_case.`Other` (id INT PRIMARY KEY);
	DROP DATABASE IF EXISTS siphon_it_nocase;
	CREATE DATABASE siphon_it_nocase;
	CREATE TABLE siphon_it_nocase.`Mixed Case` (id INT PRIMARY KEY, `Value` VARCHAR(10));
	INSERT INTO siphon_it_nocase.`Mixed Case` VALUES (1, 'One'), (2, 'Two');
	CREATE TABLE siphon_it_nocase.`UPPER` (id INT PRIMARY KEY);
	INSERT INTO siphon_it_nocase.`UPPER` VALUES (7);
SQL
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS siphon_it_case; DROP DATABASE IF EXISTS siphon_it_nocase'"

MYSQL_UNIX_PORT=$sock my_pull siphon_it_case --into case_copy
assert_rc 8 "tables differing only in case, local lower_case_table_names = 1"
assert_error_line
tail -n 1 "$H/run/err" | grep -q 'T1.*t1\|t1.*T1' || it_fail "the error does not name T1 and t1"
tail -n 1 "$H/run/err" | grep -q 'lower_case_table_names' || it_fail "the error does not name lower_case_table_names"
left=$(lctn_my -N -B -e "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')")
[ -z "$left" ] || it_fail "databases were created on the lower_case_table_names = 1 server: $(echo $left)"
assert_ws_my_dbs

MYSQL_UNIX_PORT=$sock my_pull siphon_it_nocase --into nocase_copy
assert_rc 0 "mixed-case names without a pair, local lower_case_table_names = 1"
[ "$(lctn_my -N -B -e 'SELECT GROUP_CONCAT(`Value` ORDER BY id) FROM nocase_copy.`mixed case`')" = "One,Two" ] || it_fail "nocase_copy.\`mixed case\`"
[ "$(lctn_my -N -B -e 'SELECT id FROM nocase_copy.upper')" = 7 ] || it_fail "nocase_copy.upper"
left=$(lctn_my -N -B -e "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')")
# The copy alone (MySQL keeps a pristine twin only when keep_pristine is set); nothing else.
[ "$(echo $left | tr ' ' '\n' | sort | tr '\n' ' ')" = "nocase_copy " ] ||
	it_fail "databases on the lower_case_table_names = 1 server: $(echo $left)"
assert_ws_my_dbs
assert_left_clean my
