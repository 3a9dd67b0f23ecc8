# shellcheck shell=bash
# bench/load_small.sh - sourced by bench/net.sh (BENCH_SIZE=small, issue 12 "many small tables"):
# two databases of the same bytes in the same columns, on the server's PostgreSQL and MariaDB:
#   small_many   BENCH_SMALL_TABLES tables of BENCH_SMALL_ROWS rows   (2,000 x 1,000)
#   small_few    BENCH_FEW_TABLES tables of the same rows in all       (10 x 200,000)
# Every table is the sbtest layout (id primary key, k with an index, c char(120), pad char(60)),
# its values md5 hex text computed from the row number and the table number: the bytes differ
# between the two databases only in the digits of the ids. Each database is one generated SQL
# script through one client (a few seconds for 2,000 tables), not a client per table.
# Needs srv_psql, srv_my (from net.sh), $B, say, now, secs.

# small_pg_sql TABLES ROWS: the PostgreSQL script of one database.
small_pg_sql() {
	local t
	echo 'BEGIN;'
	for t in $(seq 1 "$1"); do
		printf 'CREATE TABLE t%d (id integer PRIMARY KEY, k integer NOT NULL, c char(120) NOT NULL, pad char(60) NOT NULL);\n' "$t"
		printf "INSERT INTO t%d SELECT i, (i * 7919) %% %d, substr(md5(i::text) || md5((i + %d)::text) || md5((i * 3)::text) || md5((i * 5)::text), 1, 120), substr(md5((i * 7)::text) || md5((i + 11 * %d)::text), 1, 60) FROM generate_series(1, %d) i;\n" \
			"$t" "$2" "$t" "$t" "$2"
		printf 'CREATE INDEX t%d_k ON t%d (k);\n' "$t" "$t"
	done
	echo 'COMMIT;'
	echo 'VACUUM ANALYZE;'
}

# small_my_sql TABLES ROWS: the MariaDB script of one database (sequence tables for the rows).
small_my_sql() {
	local t
	for t in $(seq 1 "$1"); do
		printf 'CREATE TABLE t%d (id INT NOT NULL PRIMARY KEY, k INT NOT NULL, c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL, KEY t%d_k (k)) ENGINE=InnoDB;\n' "$t" "$t"
		printf "INSERT INTO t%d SELECT seq, (seq * 7919) %% %d, LEFT(CONCAT(MD5(seq), MD5(seq + %d), MD5(seq * 3), MD5(seq * 5)), 120), LEFT(CONCAT(MD5(seq * 7), MD5(seq + 11 * %d)), 60) FROM seq_1_to_%d;\n" \
			"$t" "$2" "$t" "$t" "$2"
	done
	echo 'SELECT 1;'
}

# load_small pg|my: both databases of one engine (the two loads side by side).
load_small() {
	local t0 few_rows rc=0 p1 p2
	few_rows=$((BENCH_SMALL_TABLES * BENCH_SMALL_ROWS / BENCH_FEW_TABLES))
	t0=$(now)
	if [ "$1" = pg ]; then
		srv_psql -q -d postgres -c 'CREATE DATABASE small_many' -c 'CREATE DATABASE small_few' >/dev/null || return 1
		small_pg_sql "$BENCH_SMALL_TABLES" "$BENCH_SMALL_ROWS" | srv_psql -q -d small_many >"$B/small-pg-many.log" 2>&1 &
		p1=$!
		small_pg_sql "$BENCH_FEW_TABLES" "$few_rows" | srv_psql -q -d small_few >"$B/small-pg-few.log" 2>&1 &
		p2=$!
	else
		srv_my -e 'CREATE DATABASE small_many; CREATE DATABASE small_few' || return 1
		small_my_sql "$BENCH_SMALL_TABLES" "$BENCH_SMALL_ROWS" | srv_my -D small_many >"$B/small-my-many.log" 2>&1 &
		p1=$!
		small_my_sql "$BENCH_FEW_TABLES" "$few_rows" | srv_my -D small_few >"$B/small-my-few.log" 2>&1 &
		p2=$!
	fi
	wait "$p1" || { say "loading $1 small_many failed:"; tail -n 5 "$B/small-$1-many.log" >&2; rc=1; }
	wait "$p2" || { say "loading $1 small_few failed:"; tail -n 5 "$B/small-$1-few.log" >&2; rc=1; }
	[ "$rc" = 0 ] || return 1
	if [ "$1" = my ]; then
		local db
		for db in small_many small_few; do
			srv_my -D "$db" -N -B -e "SELECT CONCAT('ANALYZE TABLE \`', TABLE_NAME, '\`;') FROM information_schema.TABLES
			  WHERE TABLE_SCHEMA = DATABASE()" | srv_my -D "$db" >/dev/null || return 1
		done
	else
		srv_psql -q -d postgres -c CHECKPOINT >/dev/null || return 1
	fi
	say "$1: small_many ($BENCH_SMALL_TABLES x $BENCH_SMALL_ROWS) and small_few ($BENCH_FEW_TABLES x $few_rows) loaded in $(secs "$t0" "$(now)")s"
}
