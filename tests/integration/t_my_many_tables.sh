#!/bin/bash
# needs-real-siphon
# MariaDB, many small tables (issue 12): 250 tables of up to 200 rows, some empty, one with an
# awkward name, and between them one table too big to batch. Small tables' rows go to files that
# one local loader per batch loads (my_batch.h); the copy is compared table by table with its
# source, -v says how the batches went, and no file or directory of rows is left behind. Then the
# same with -j 1 (one lane: every batch behind the big table's loader), with a directory of rows a
# killed siphon left in TMPDIR (removed by the stale sweep) beside a live process's (kept).
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin

SRC=many_small
srv_my -e "DROP DATABASE IF EXISTS $SRC; CREATE DATABASE $SRC" || it_fail "create $SRC"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS $SRC'"
{
	for t in $(seq 1 250); do
		echo "CREATE TABLE s$t (id INT PRIMARY KEY, k INT NOT NULL, c VARCHAR(60), KEY k_$t (k)) ENGINE=InnoDB;"
		# every seventh table stays empty; the others have 1 to 200 rows, one NULL a table
		[ $((t % 7)) = 0 ] && continue
		echo "INSERT INTO s$t SELECT seq, seq % 13, IF(seq = 2, NULL, CONCAT('row ', seq, ' of s$t\\t\\\\')) FROM seq_1_to_$((1 + (t * 37) % 200));"
	done
	echo "CREATE TABLE \`odd 'q' t\` (id INT PRIMARY KEY, v TEXT) ENGINE=InnoDB;"
	echo "INSERT INTO \`odd 'q' t\` SELECT seq, REPEAT('x', seq) FROM seq_1_to_50;"
	# about 8 MB: loaded by a loader of its own, streamed
	echo "CREATE TABLE big (id INT PRIMARY KEY, pad CHAR(200) NOT NULL) ENGINE=InnoDB;"
	echo "INSERT INTO big SELECT seq, MD5(seq) FROM seq_1_to_40000;"
	echo "ANALYZE TABLE big;"
} | srv_my -D "$SRC" >/dev/null || it_fail "fill $SRC"

tmp=$H/run/tmp
mkdir -p "$tmp"
for j in "" 1; do
	copy=many_copy${j:+_j$j}
	if [ -n "$j" ]; then
		# A siphon killed while it loaded left its directory of rows (named as its staging
		# database is: this machine's id, its PID): this run removes it; a live one's stays.
		host=$(sed -n 's/.*siphon_tmp_\([0-9a-f]\{8\}\)_.*/\1/p' "$H/run/err" | head -n 1)
		[ -n "$host" ] || it_fail "no staging database name in -v"
		sh -c 'exit 0' & dead=$!
		wait "$dead"
		left=$tmp/siphon_tmp_${host}_${dead}_1700000000-Ab12Cd
		mkdir -m 700 "$left" && echo rows >"$left/t3" || it_fail "make $left"
		mine=$tmp/siphon_tmp_${host}_$$_1700000000-Ef34Gh
		mkdir -m 700 "$mine" || it_fail "make $mine"
	fi
	TMPDIR=$tmp my_pull "$SRC" --into "$copy" -v ${j:+-j $j}
	assert_rc 0 "pull $SRC${j:+ -j $j}"
	my_expect_stderr 'data channel [0-9]+: [0-9]+ small tables' "a batch of small tables in -v"
	assert_same_my "$SRC" "$copy"
	if [ -n "$j" ]; then
		my_expect_stderr "removed $left, left by an interrupted siphon run" "a dead run's directory of rows"
		[ -d "$mine" ] || it_fail "the sweep removed a live process's directory"
		rmdir "$mine"
	fi
	[ -z "$(ls -A "$tmp")" ] || it_fail "files of rows left behind: $(ls -A "$tmp" | head -n 3)"
	batches=$(grep -c 'small tables, [0-9]* bytes' "$H/run/err")
	it_note "${j:+-j $j: }$batches batches"
	ws_my -e "DROP DATABASE $copy"
done
