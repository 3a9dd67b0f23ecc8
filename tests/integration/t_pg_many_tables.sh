#!/bin/bash
# PostgreSQL, many small tables (issue 12): 400 tables of up to 200 rows in two schemas, each with
# a primary key and an index, every tenth with a foreign key to the one before, some empty, one
# with an awkward name. The copy is compared table by table with its source (compare.sh: rows,
# indexes, constraints), every table's start has its end in the JSON events, and the post-data
# entries built during the copy and after it add up to all of them.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

SRC=many_small
srv_psql -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "CREATE DATABASE $SRC" >/dev/null || it_fail "create $SRC"
harness_on_exit "srv_psql -q -d postgres -c 'DROP DATABASE IF EXISTS $SRC' >/dev/null"
{
	echo 'BEGIN; CREATE SCHEMA other;'
	for t in $(seq 1 400); do
		s=public
		[ $((t % 2)) = 0 ] && s=other
		echo "CREATE TABLE $s.s$t (id integer PRIMARY KEY, k integer NOT NULL, c text);"
		echo "CREATE INDEX s${t}_k ON $s.s$t (k);"
		[ $((t % 7)) = 0 ] && continue
		echo "INSERT INTO $s.s$t SELECT i, i % 13, CASE WHEN i = 2 THEN NULL ELSE 'row ' || i || E' of s$t\\t\\\\' END FROM generate_series(1, $((1 + (t * 37) % 200))) i;"
	done
	for t in $(seq 10 10 400); do
		p=$((t - 1))
		ps=public
		[ $((p % 2)) = 0 ] && ps=other
		# the referenced table has a row of every id 1..n(t) when it is not empty
		[ $((p % 7)) = 0 ] && continue
		[ $((1 + (t * 37) % 200)) -le $((1 + (p * 37) % 200)) ] || continue
		echo "ALTER TABLE other.s$t ADD CONSTRAINT s${t}_fk FOREIGN KEY (id) REFERENCES $ps.s$p (id);"
	done
	echo "CREATE TABLE \"odd 'q\"\" t\" (id integer PRIMARY KEY, v text);"
	echo "INSERT INTO \"odd 'q\"\" t\" SELECT i, repeat('x', i) FROM generate_series(1, 50) i;"
	echo 'COMMIT; ANALYZE;'
} | srv_psql -q -d "$SRC" >/dev/null || it_fail "fill $SRC"

ev=$H/run/events.json
siphon_pull "$SRC" --into many_copy -v --progress=json --progress-fd 3 3>"$ev"
assert_rc 0 "pull $SRC"
assert_same "$SRC" many_copy
starts=$(jq -r 'select(.event == "table_start") | "\(.table.schema).\(.table.name)"' "$ev" | sort)
ends=$(jq -r 'select(.event == "table_end") | "\(.table.schema).\(.table.name)"' "$ev" | sort)
[ "$starts" = "$ends" ] || it_fail "tables started and ended differ: $(diff <(echo "$starts") <(echo "$ends") | head -n 5)"
n=$(echo "$starts" | sort -u | wc -l)
[ "$n" -ge 344 ] || it_fail "only $n tables started (expected the 344 with rows and the odd one at least)"
it_note "$n tables with rows; $(grep -c 'during the copy:' "$H/run/err") post-data entries during the copy"
ws_psql -q -d postgres -c 'DROP DATABASE many_copy' >/dev/null
