# bench/load_my.sh - sourced: load_sbtest creates the MySQL benchmark's database "sbtest" on the
# harness's server MariaDB: $BENCH_TABLES sysbench tables of $BENCH_ROWS rows (`sysbench
# oltp_read_write prepare`; without sysbench, the same layout from sequence tables), then ANALYZE.
# Needs the harness (srv_my, $SIPHON_IT_MY_SRV_SOCK), a scratch directory $B, and say/now/secs from
# the script that sources it. counts srv|ws DB: the sanity check of a copy (row counts of every
# table, the number of indexes). Shared by bench/pull_mysql.sh and bench/reset_my.sh.

load_sbtest() {
	local t0 t
	t0=$(now)
	srv_my -e "CREATE DATABASE sbtest" || return 1
	if command -v sysbench >/dev/null 2>&1; then
		sysbench oltp_read_write --db-driver=mysql --mysql-socket="$SIPHON_IT_MY_SRV_SOCK" --mysql-user=root \
			--mysql-db=sbtest --tables="$BENCH_TABLES" --table-size="$BENCH_ROWS" --threads=2 prepare \
			>"$B/sysbench.log" 2>&1 || { say "sysbench prepare failed:"; tail -n 5 "$B/sysbench.log" >&2; return 1; }
	else
		# sysbench's layout and value shapes: c = 11 groups of 11 digits, pad = 5 groups of 11.
		for t in $(seq 1 "$BENCH_TABLES"); do
			srv_my -D sbtest -e "
				CREATE TABLE sbtest$t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL DEFAULT 0,
				  c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_$t (k)) ENGINE=InnoDB;
				INSERT INTO sbtest$t (k, c, pad)
				  SELECT FLOOR(1 + RAND() * $BENCH_ROWS),
				    CONCAT_WS('-', LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
				      LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
				      LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
				      LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
				      LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0')),
				    CONCAT_WS('-', LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
				      LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
				      LPAD(FLOOR(RAND() * 1e11), 11, '0'))
				  FROM seq_1_to_$BENCH_ROWS;" || return 1
		done
	fi
	srv_my -D sbtest -N -B -e "SELECT CONCAT('ANALYZE TABLE ', TABLE_NAME, ';') FROM information_schema.TABLES
	  WHERE TABLE_SCHEMA = 'sbtest'" | srv_my -D sbtest >/dev/null || return 1
	say "database sbtest loaded in $(secs "$t0" "$(now)")s"
}

# The sanity check of a copy.
COUNT_SQL="SELECT CONCAT('SELECT ''', TABLE_NAME, ' '', COUNT(*) FROM \`', TABLE_NAME, '\`;')
  FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME"
IDX_SQL="SELECT CONCAT('indexes ', COUNT(DISTINCT TABLE_NAME, INDEX_NAME)) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
counts() { # srv|ws DB
	{
		"$1_my" -D "$2" -N -B -e "$COUNT_SQL" | "$1_my" -D "$2" -N -B
		"$1_my" -D "$2" -N -B -e "$IDX_SQL"
	} 2>&1
}
