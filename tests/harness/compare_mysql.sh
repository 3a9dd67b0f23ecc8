#!/bin/bash
# compare_mysql.sh: is a copied MariaDB/MySQL database the same as its source?
#
#   compare_mysql.sh [--src SOCK] [--dst SOCK] [--no-cache] [--definer-of USER@HOST]
#                    [--float-as-text] [--skip-table NAME]... [--any-engine NAME]... SRC_DB DST_DB
#   compare_mysql.sh --fingerprint [--dst SOCK] DB      print one md5 for the whole database
#
# SRC_DB is read on the "server" MariaDB (default socket $SIPHON_IT_MY_SRV_SOCK), DST_DB on the
# "workstation" one (default $SIPHON_IT_MY_WS_SOCK), both as root; either name may be hostile.
# Compared (compare_mysql.sql, one item a line, sorted): the database's default character set,
# collation and comment; every table and view with its type, engine, row format, collation, create
# options, comment and AUTO_INCREMENT counter; columns (type, nullability, default, character set,
# collation, key, extra incl. INVISIBLE, generation expression, comment); indexes; constraints;
# foreign keys (a reference into the same database is written <DB>); CHECK constraints;
# partitions; views (definition text, algorithm, SQL SECURITY, check option, client character
# set); triggers (timing, event, order, statement, sql_mode); routines (type, body, parameters,
# SQL SECURITY, sql_mode, comment); events (body, schedule, time zone, comment); sequences' state
# (next_not_cached_value, min, max, start, increment, cache, cycle option, cycles done). And per
# table with rows (base tables, sequences, system-versioned tables with every history row FOR
# SYSTEM_TIME ALL and their row start and end, implicit ones too): the row count and a content
# hash computed the same way on both sides, in time_zone '+00:00': per row an md5 of
# "`column`=value" items in the order of the column names (by name, not by position: a value in
# the neighbouring column is caught; invisible and generated columns included; strings and blobs
# by md5 of their bytes, numbers and temporal values as text, FLOAT exactly as `f + 0e0`, BIT as
# a number, ENUM/SET as value and index), summed over the rows in 4 x 32 bits (order-free,
# duplicates count). Rows of FEDERATED/CONNECT/SPIDER tables (on another server) are not read.
# --skip-table NAME leaves out every line about table NAME on both sides (a table siphon leaves
# out and names); --any-engine NAME compares table NAME's engine and row format as '*' (a table
# made with the local default engine).
#
# Not compared: definers (siphon rewrites them to the local user) and event statuses, which follow
# rules of their own: every event of DST_DB must be DISABLED or SLAVESIDE_DISABLED (an ENABLED one
# is reported), and with --definer-of USER@HOST every definer in DST_DB (views, triggers,
# routines, events; written as information_schema does, e.g. root@localhost) must be USER@HOST.
# --float-as-text hashes FLOAT columns by MariaDB's text form (6 significant digits), which is
# what mysqldump/mariadb-dump write: a copy made by them differs from its source otherwise.
#
# Exit 0: equal. 1: different (the differences are printed, the first COMPARE_MAX_LINES (40) of
# the diff). 2: could not read a side. With SIPHON_IT_COMPARE_CACHE set (the harness sets it), the
# source side is cached per socket and database: tests never modify the server's fixture
# databases; --no-cache reads it afresh (do that for a database under a write load).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${SIPHON_IT_MY_SRV_SOCK:-}
dst=${SIPHON_IT_MY_WS_SOCK:-}
cache=${SIPHON_IT_COMPARE_CACHE:-}
fingerprint=0
definer_of=
float_text=0
skip_tables=()
any_engines=()
max=${COMPARE_MAX_LINES:-40}
while [ $# -gt 0 ]; do
	case $1 in
	--src) src=$2; shift 2 ;;
	--dst) dst=$2; shift 2 ;;
	--no-cache) cache=; shift ;;
	--fingerprint) fingerprint=1; shift ;;
	--definer-of) definer_of=$2; shift 2 ;;
	--float-as-text) float_text=1; shift ;;
	--skip-table) skip_tables+=("$2"); shift 2 ;;
	--any-engine) any_engines+=("$2"); shift 2 ;;
	--) shift; break ;;
	-*) echo "compare_mysql.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done

my() { # SOCK ARGS...
	local s=$1
	shift
	mariadb --no-defaults --protocol=socket -S "$s" -u root --default-character-set=utf8mb4 \
		--max-allowed-packet=1G "$@"
}

# Per table with rows (base tables, system-versioned ones with all their history rows, sequences
# with their one row of state): one statement that prints "data 'name' rows=N hash=MD5". Each row's
# md5 is over "`column`=value" items in the order of the column names, so a value that lands in the
# neighbouring column is caught and the columns' order (compared by the column lines) does not
# matter here. Implicit row start/end columns are invisible to information_schema: added by name.
# Tables whose rows live on another server (FEDERATED, CONNECT, SPIDER) are not read.
GEN_SQL=$(
	cat <<-'EOF'
		SET SESSION group_concat_max_len = 67108864;
		SET @qdb = CONCAT('`', REPLACE(@db, '`', '``'), '`.');
		SELECT CONCAT(
		  'SELECT CONCAT_WS('' '', ''data'', ', QUOTE(QUOTE(t.TABLE_NAME)), ', CONCAT(''rows='', COUNT(*)), ',
		  'CONCAT(''hash='', MD5(CONCAT_WS(''/'', ',
		  'IFNULL(SUM(CAST(CONV(SUBSTR(h, 1, 8), 16, 10) AS UNSIGNED)), 0), ',
		  'IFNULL(SUM(CAST(CONV(SUBSTR(h, 9, 8), 16, 10) AS UNSIGNED)), 0), ',
		  'IFNULL(SUM(CAST(CONV(SUBSTR(h, 17, 8), 16, 10) AS UNSIGNED)), 0), ',
		  'IFNULL(SUM(CAST(CONV(SUBSTR(h, 25, 8), 16, 10) AS UNSIGNED)), 0))))) ',
		  'FROM (SELECT MD5(CONCAT_WS(''|'', ',
		  GROUP_CONCAT(
		    CONCAT(QUOTE(CONCAT(c.q, '=')), ', ',
		    CASE
		      WHEN c.DATA_TYPE = 'float' AND @float_text = 0
		        THEN CONCAT('IFNULL(CAST(', c.q, ' + 0e0 AS CHAR), ''~'')')
		      WHEN c.DATA_TYPE IN ('tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'float',
		                           'double', 'year', 'date', 'datetime', 'timestamp', 'time')
		        THEN CONCAT('IFNULL(CAST(', c.q, ' AS CHAR), ''~'')')
		      WHEN c.DATA_TYPE = 'bit' THEN CONCAT('IFNULL(CAST(', c.q, ' + 0 AS CHAR), ''~'')')
		      WHEN c.DATA_TYPE IN ('enum', 'set') THEN CONCAT('IFNULL(CONCAT(HEX(', c.q, '), '':'', ', c.q, ' + 0), ''~'')')
		      ELSE CONCAT('IFNULL(MD5(', c.q, '), ''~'')')
		    END)
		    ORDER BY CAST(c.q AS BINARY) SEPARATOR ', '),
		  ')) AS h FROM ', @qdb, '`', REPLACE(t.TABLE_NAME, '`', '``'), '`',
		  IF(t.TABLE_TYPE = 'SYSTEM VERSIONED', ' FOR SYSTEM_TIME ALL', ''), ') AS x;')
		FROM information_schema.TABLES t
		JOIN (SELECT TABLE_SCHEMA, TABLE_NAME, DATA_TYPE,
		             CONCAT('`', REPLACE(COLUMN_NAME, '`', '``'), '`') AS q
		      FROM information_schema.COLUMNS
		      WHERE TABLE_SCHEMA = @db AND CAST(TABLE_SCHEMA AS BINARY) = CAST(@db AS BINARY)
		      UNION ALL
		      SELECT v.TABLE_SCHEMA, v.TABLE_NAME, 'timestamp', p.q
		      FROM information_schema.TABLES v
		      JOIN (SELECT '`ROW_START`' AS q, 'ROW START' AS g UNION ALL SELECT '`ROW_END`', 'ROW END') p
		      WHERE v.TABLE_SCHEMA = @db AND CAST(v.TABLE_SCHEMA AS BINARY) = CAST(@db AS BINARY)
		        AND v.TABLE_TYPE = 'SYSTEM VERSIONED'
		        AND NOT EXISTS (SELECT 1 FROM information_schema.COLUMNS e WHERE e.TABLE_SCHEMA = v.TABLE_SCHEMA
		                        AND e.TABLE_NAME = v.TABLE_NAME AND e.GENERATION_EXPRESSION = p.g)) c
		  ON c.TABLE_NAME = t.TABLE_NAME AND CAST(c.TABLE_NAME AS BINARY) = CAST(t.TABLE_NAME AS BINARY)
		WHERE t.TABLE_SCHEMA = @db AND CAST(t.TABLE_SCHEMA AS BINARY) = CAST(@db AS BINARY)
		  AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE')
		  AND IFNULL(t.ENGINE, '') NOT IN ('FEDERATED', 'CONNECT', 'SPIDER', 'SPHINX')
		GROUP BY t.TABLE_NAME, t.TABLE_TYPE;
		SELECT CONCAT('SELECT CONCAT_WS('' '', ''sequence'', ', QUOTE(QUOTE(t.TABLE_NAME)),
		  ', CONCAT(''next='', next_not_cached_value), CONCAT(''min='', minimum_value), CONCAT(''max='', maximum_value),',
		  ' CONCAT(''start='', start_value), CONCAT(''increment='', increment), CONCAT(''cache='', cache_size),',
		  ' CONCAT(''cycle='', cycle_option), CONCAT(''cycles='', cycle_count)) FROM ', @qdb,
		  '`', REPLACE(t.TABLE_NAME, '`', '``'), '`;')
		FROM information_schema.TABLES t
		WHERE t.TABLE_SCHEMA = @db AND CAST(t.TABLE_SCHEMA AS BINARY) = CAST(@db AS BINARY) AND t.TABLE_TYPE = 'SEQUENCE';
	EOF
)

describe() { # SOCK DB OUTFILE
	local set_db n
	set_db="SET @db = CONVERT(UNHEX('$(printf '%s' "$2" | od -An -v -tx1 | tr -d ' \n')') USING utf8mb4); SET @float_text = $float_text;"
	n=$(my "$1" -N -B -e "$set_db SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE CAST(SCHEMA_NAME AS BINARY) = CAST(@db AS BINARY)" 2>"$3.err") ||
		{ echo "compare_mysql.sh: cannot connect to $1:" >&2; cat "$3.err" >&2; return 2; }
	[ "$n" = 1 ] || { echo "compare_mysql.sh: no database '$2' at $1" >&2; return 2; }
	# The schema in UTC too: a TIMESTAMP column's literal DEFAULT is shown in the session's zone.
	{ echo "$set_db SET time_zone = '+00:00';"; cat "$here/compare_mysql.sql"; } | my "$1" -N -B >"$3.raw" 2>"$3.err" &&
		{ echo "$set_db"; echo "$GEN_SQL"; } | my "$1" -N -B -r >"$3.gen" 2>>"$3.err" &&
		{ echo "SET time_zone = '+00:00';"; cat "$3.gen"; } | my "$1" -N -B >>"$3.raw" 2>>"$3.err" ||
		{ echo "compare_mysql.sh: cannot read database '$2' at $1:" >&2; cat "$3.err" >&2; return 2; }
	LC_ALL=C sort "$3.raw" >"$3" && rm -f "$3.raw" "$3.gen" "$3.err"
}

tmp=$(mktemp -d /tmp/siphon-compare-my.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT

if [ "$fingerprint" = 1 ]; then
	[ $# = 1 ] || { echo "usage: compare_mysql.sh --fingerprint [--dst SOCK] DB" >&2; exit 2; }
	describe "$dst" "$1" "$tmp/d" || exit 2
	md5sum <"$tmp/d" | cut -d' ' -f1
	exit 0
fi
[ $# = 2 ] || { echo "usage: compare_mysql.sh [--src SOCK] [--dst SOCK] [--no-cache] [--definer-of USER@HOST] [--float-as-text] [--skip-table NAME]... [--any-engine NAME]... SRC_DB DST_DB" >&2; exit 2; }
[ -n "$src" ] && [ -n "$dst" ] || { echo "compare_mysql.sh: no sockets (--src/--dst, or SIPHON_IT_MY_SRV_SOCK/SIPHON_IT_MY_WS_SOCK)" >&2; exit 2; }

srcfile=$tmp/src
if [ -n "$cache" ] && [ -d "$cache" ]; then
	key=$(printf 'mysql\n%s\n%s\n%s\n' "$src" "$1" "$float_text" | md5sum | cut -d' ' -f1)
	srcfile=$cache/my-$key
fi
pid=
if [ ! -s "$srcfile" ]; then
	describe "$src" "$1" "$srcfile.tmp" &
	pid=$!
fi
describe "$dst" "$2" "$tmp/dst" || { [ -n "$pid" ] && wait "$pid"; exit 2; }
if [ -n "$pid" ]; then
	wait "$pid" || exit 2
	mv "$srcfile.tmp" "$srcfile"
fi

# The rules of their own: events disabled on the copy, definers.
: >"$tmp/rules"
grep -a '^~eventstatus ' "$tmp/dst" | grep -a -v -e ' DISABLED$' -e ' SLAVESIDE_DISABLED$' |
	sed 's/^~eventstatus \(.*\) \([A-Z_]*\)$/event \1 is \2 on the copy (must be DISABLED)/' >>"$tmp/rules"
if [ -n "$definer_of" ]; then
	grep -a '^~definer ' "$tmp/dst" | while IFS= read -r l; do
		d=${l##* }
		[ "$d" = "$definer_of" ] || printf 'definer: %s is %s (want %s)\n' "$(printf '%s' "${l% *}" | cut -d' ' -f2-)" "$d" "$definer_of"
	done >>"$tmp/rules"
fi
# --skip-table: lines whose second word is 'NAME'; --any-engine: the engine and row format of its table line.
adjust() { # IN OUT
	local t sq
	grep -a -v '^~' "$1" >"$2.tmp"
	for t in "${skip_tables[@]}"; do
		sq="'${t//\'/\\\'}'"
		awk -v n="$sq" '$2 != n' "$2.tmp" >"$2.tmp2" && mv "$2.tmp2" "$2.tmp"
	done
	for t in "${any_engines[@]}"; do
		sq="'${t//\'/\\\'}'"
		awk -v n="$sq" '$1 == "table" && $2 == n { if ($3 == "BASE") { $5 = "*"; $6 = "*" } else { $4 = "*"; $5 = "*" } } { print }' \
			"$2.tmp" >"$2.tmp2" && mv "$2.tmp2" "$2.tmp"
	done
	mv "$2.tmp" "$2"
}
adjust "$srcfile" "$tmp/s"
adjust "$tmp/dst" "$tmp/d"

n=$(wc -l <"$tmp/s")
nr=$(grep -c '' "$tmp/rules")
if cmp -s "$tmp/s" "$tmp/d" && [ "$nr" = 0 ]; then
	extra=""
	[ -n "$definer_of" ] && extra=", every definer $definer_of"
	echo "compare: '$1' and '$2' are equal ($n items$extra)"
	exit 0
fi
if [ "$nr" != 0 ]; then
	echo "compare: '$2' breaks $nr rule(s):"
	cat "$tmp/rules"
fi
if ! cmp -s "$tmp/s" "$tmp/d"; then
	diff -U0 "$tmp/s" "$tmp/d" | grep -a -v '^@@' | tail -n +3 >"$tmp/diff"
	nd=$(grep -c '' "$tmp/diff")
	echo "compare: '$1' (-, source) and '$2' (+, copy) differ: $nd lines; the first $max (long lines cut):"
	head -n "$max" "$tmp/diff" | cut -c1-400
fi
exit 1
