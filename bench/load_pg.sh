# bench/load_pg.sh - sourced: load_bench creates the benchmark's database "bench" on the harness's
# server cluster: pgbench -i -s $BENCH_SCALE plus $BENCH_SB_TABLES sysbench-like tables of
# $BENCH_SB_ROWS rows (about 650 MB at the defaults). Needs the harness (srv_psql, $SIPHON_IT_SRV_*),
# a scratch directory $B, and say/now/secs from the script that sources it. COUNT_SQL: the
# sanity check of a copy.

load_bench() {
	local t0 t1 i n=$BENCH_SB_TABLES rows=$BENCH_SB_ROWS
	t0=$(now)
	srv_psql -q -d postgres -c 'CREATE DATABASE bench' >/dev/null || return 1
	pgbench -h "$SIPHON_IT_SRV_HOST" -p "$SIPHON_IT_SRV_PORT" -U postgres -i -q -s "$BENCH_SCALE" bench \
		>"$B/pgbench-init.log" 2>&1 &
	local pgb=$!
	# sysbench's sbtest layout; c and pad are md5 hex text, which zstd shrinks to about half
	# (not absurdly).
	sb_sql() { # FIRST LAST
		local t
		for t in $(seq "$1" "$2"); do
			cat <<-EOF
				CREATE TABLE sbtest$t (id serial PRIMARY KEY, k integer NOT NULL DEFAULT 0,
				  c char(120) NOT NULL DEFAULT '', pad char(60) NOT NULL DEFAULT '');
				INSERT INTO sbtest$t (k, c, pad)
				  SELECT (random() * $rows)::int,
				         substr(md5(i::text) || md5(random()::text) || md5(random()::text) || md5(random()::text), 1, 120),
				         substr(md5(random()::text) || md5((i * $t)::text), 1, 60)
				  FROM generate_series(1, $rows) i;
				CREATE INDEX k_$t ON sbtest$t (k);
				VACUUM ANALYZE sbtest$t;
			EOF
		done
	}
	local half=$(((n + 1) / 2)) p1 p2 rc=0
	sb_sql 1 "$half" | srv_psql -q -d bench >"$B/sb1.log" 2>&1 &
	p1=$!
	if [ "$n" -gt "$half" ]; then
		sb_sql $((half + 1)) "$n" | srv_psql -q -d bench >"$B/sb2.log" 2>&1 &
		p2=$!
	else
		p2=
	fi
	wait "$pgb" || { say "pgbench -i failed:"; tail -n 5 "$B/pgbench-init.log" >&2; rc=1; }
	wait "$p1" || { say "sbtest load failed:"; tail -n 5 "$B/sb1.log" >&2; rc=1; }
	if [ -n "$p2" ]; then wait "$p2" || { say "sbtest load failed:"; tail -n 5 "$B/sb2.log" >&2; rc=1; }; fi
	[ "$rc" = 0 ] || return 1
	srv_psql -q -d bench -c 'CHECKPOINT' >/dev/null || return 1
	t1=$(now)
	say "database bench loaded in $(secs "$t0" "$t1")s"
}

# "table count" lines of every user table, plus the number of indexes: the sanity check.
COUNT_SQL="SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I', c.relname, n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY c.relname \\gexec
SELECT 'indexes ' || count(*) FROM pg_indexes WHERE schemaname = 'public';"
