# shellcheck shell=bash
# bench/load_pg.sh - sourced: load_bench creates the benchmark's database $BENCH_DB (default "bench")
# on the server cluster: pgbench -i -s $BENCH_SCALE plus $BENCH_SB_TABLES sysbench tables of
# $BENCH_SB_ROWS rows (about 650 MB at the defaults of bench/pull_pg.sh). The sysbench tables come
# from SQL of our own (the sbtest layout, c and pad md5 hex text) or, with BENCH_SB_TOOL=sysbench,
# from `sysbench oltp_common --db-driver=pgsql prepare` itself (bench/net.sh).
# Needs srv_psql (psql as postgres on the server cluster), the cluster's socket directory and port
# in BENCH_PG_HOST and BENCH_PG_PORT (default: the harness's $SIPHON_IT_SRV_HOST/PORT), a scratch
# directory $B, and say/now/secs from the script that sources it. COUNT_SQL: the sanity check of a
# copy.

load_bench() {
	local t0 t1 n=$BENCH_SB_TABLES rows=$BENCH_SB_ROWS db=${BENCH_DB:-bench}
	local host=${BENCH_PG_HOST:-$SIPHON_IT_SRV_HOST} port=${BENCH_PG_PORT:-$SIPHON_IT_SRV_PORT}
	t0=$(now)
	srv_psql -q -d postgres -v db="$db" <<<'CREATE DATABASE :"db"' >/dev/null || return 1
	pgbench -h "$host" -p "$port" -U postgres -i -q -s "$BENCH_SCALE" "$db" >"$B/pgbench-init.log" 2>&1 &
	local pgb=$!
	# sysbench's sbtest layout; c and pad are md5 hex text, which zstd shrinks to about half
	# (not absurdly).
	sb_sql() { # FIRST LAST
		local t
		for t in $(seq "$1" "$2"); do
			cat <<-EOF2
				CREATE TABLE sbtest$t (id serial PRIMARY KEY, k integer NOT NULL DEFAULT 0,
				  c char(120) NOT NULL DEFAULT '', pad char(60) NOT NULL DEFAULT '');
				INSERT INTO sbtest$t (k, c, pad)
				  SELECT (random() * $rows)::int,
				         substr(md5(i::text) || md5(random()::text) || md5(random()::text) || md5(random()::text), 1, 120),
				         substr(md5(random()::text) || md5((i * $t)::text), 1, 60)
				  FROM generate_series(1, $rows) i;
				CREATE INDEX k_$t ON sbtest$t (k);
				VACUUM ANALYZE sbtest$t;
			EOF2
		done
	}
	local half=$(((n + 1) / 2)) p1="" p2="" rc=0
	if [ "$n" -gt 0 ] && [ "${BENCH_SB_TOOL:-sql}" = sysbench ]; then
		# sysbench's own values (c and pad: groups of random digits); two threads share the tables.
		sysbench oltp_common --db-driver=pgsql --pgsql-host="$host" --pgsql-port="$port" --pgsql-user=postgres \
			--pgsql-db="$db" --tables="$n" --table-size="$rows" --threads=2 prepare >"$B/sb1.log" 2>&1 &
		p1=$!
	elif [ "$n" -gt 0 ]; then
		sb_sql 1 "$half" | srv_psql -q -d "$db" >"$B/sb1.log" 2>&1 &
		p1=$!
		if [ "$n" -gt "$half" ]; then
			sb_sql $((half + 1)) "$n" | srv_psql -q -d "$db" >"$B/sb2.log" 2>&1 &
			p2=$!
		fi
	fi
	wait "$pgb" || { say "pgbench -i failed:"; tail -n 5 "$B/pgbench-init.log" >&2; rc=1; }
	if [ -n "$p1" ]; then wait "$p1" || { say "sbtest load failed:"; tail -n 5 "$B/sb1.log" >&2; rc=1; }; fi
	if [ -n "$p2" ]; then wait "$p2" || { say "sbtest load failed:"; tail -n 5 "$B/sb2.log" >&2; rc=1; }; fi
	[ "$rc" = 0 ] || return 1
	if [ "${BENCH_SB_TOOL:-sql}" = sysbench ]; then
		srv_psql -q -d "$db" -c 'VACUUM ANALYZE' >/dev/null || return 1
	fi
	srv_psql -q -d "$db" -c 'CHECKPOINT' >/dev/null || return 1
	t1=$(now)
	say "database $db loaded in $(secs "$t0" "$t1")s"
}

# "table count" lines of every user table, plus the number of indexes: the sanity check.
# shellcheck disable=SC2034 # used by the scripts that source this file
COUNT_SQL="SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I', c.relname, n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY c.relname \\gexec
SELECT 'indexes ' || count(*) FROM pg_indexes WHERE schemaname = 'public';"
