#!/bin/bash
# The SSH connection dies mid-pull (the sshd processes serving it are killed) and a MariaDB pull
# resumes (--retries' default), as t_resume_cut.sh checks for PostgreSQL:
#   mid-table      after some tables were loaded: they are kept, the others copied again at a new
#                  instant; a view replaced on the server just before the cut comes as it is at the
#                  new instant; the summary line and the JSON summary say "consistent per table: N
#                  of 8 tables, the views, routines, triggers and events from a later snapshot"
#   several cuts   three cuts in one pull, each after more tables were loaded, under --lock-all
#                  (the global read lock of each lost session must go with it)
#   no table yet   a cut as the first rows stream: nothing was kept, one snapshot
#   schema changed an ALTER TABLE queued on the server at the cut: the copy starts over
#   finish         a cut once every row is in (objects, swap): no reconnect, one snapshot
#   --retries 0    the cut fails the pull (exit 3), the failure contract
# Each time the copy is compared with its source (hostile table names too), and the server is left
# with no session (SHOW PROCESSLIST), no process and no run directory of the pull.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
. "$(dirname "$0")/resume_lib.sh"
my_begin
slow_link_start "$RESUME_LINK_RATE" || it_fail "could not start the slow link"

SRC=resume_my
HOSTILE="it's \"q\" \`bt\` ü"
# Seven tables of ~4.8 MB as a dump (more than a channel's window at -j 2: resume_lib.sh) with a
# foreign key to parent, one of them with a hostile name; a view, a
# trigger, a procedure, a sequence.
srv_my -e "DROP DATABASE IF EXISTS $SRC; CREATE DATABASE $SRC" || it_fail "create $SRC"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS $SRC'"
{
	echo "USE $SRC;"
	echo "CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB;"
	echo "INSERT INTO parent SELECT seq, CONCAT('p', seq) FROM seq_1_to_100;"
	k=0
	for t in t1 t2 t3 t4 t5 t6 "$HOSTILE"; do
		k=$((k + 1))
		q=$(my_ident "$t")
		echo "CREATE TABLE $q (id BIGINT AUTO_INCREMENT PRIMARY KEY, p INT, a VARCHAR(64), b VARBINARY(64),"
		echo "  KEY (a), FOREIGN KEY (p) REFERENCES parent (id)) ENGINE=InnoDB;"
		echo "INSERT INTO $q (p, a, b) SELECT 1 + seq % 100, MD5(seq * $k), UNHEX(SHA2(seq, 256)) FROM seq_1_to_40000;"
	done
	echo "CREATE VIEW v_small AS SELECT id, a FROM t1 WHERE id < 10;"
	echo "CREATE TRIGGER t2_ins BEFORE INSERT ON t2 FOR EACH ROW SET NEW.a = UPPER(NEW.a);"
	echo "CREATE PROCEDURE count_parents() SELECT COUNT(*) FROM parent;"
	echo "CREATE SEQUENCE ids START WITH 100;"
	echo "DO NEXTVAL(ids); DO NEXTVAL(ids);"
} | srv_my || it_fail "fill $SRC"
# The compare's source side (seven tables of 40,000 rows hashed column by column: seconds of
# MariaDB's CPU) is read once per state of the source, not once per pull: a cache of this run's
# own (the harness's is shared by the tests of a worker, and this database is made anew each run),
# emptied where the test changes the source (the view replaced below is replaced before the first
# compare; the ALTER TABLE of the schema case).
SIPHON_IT_COMPARE_CACHE=$H/run/compare-cache.resume_my.$$
rm -rf "$SIPHON_IT_COMPARE_CACHE"
mkdir -p "$SIPHON_IT_COMPARE_CACHE" || it_fail "mkdir $SIPHON_IT_COMPARE_CACHE"
export SIPHON_IT_COMPARE_CACHE
harness_on_exit "rm -rf '$SIPHON_IT_COMPARE_CACHE'"
source_changed() { rm -f "$SIPHON_IT_COMPARE_CACHE"/*; }

# LOADED: how many tables siphon has loaded in this pull so far, from its JSON events (a
# table_end with rc 0: every row arrived and went to its loader; the local server may still be
# committing it); LOADED_FIRST: one of t1..t6 among them.
# (Read with builtins: the loops below look every 30 ms, and a grep pipeline a look cost more CPU
# than the pull it watched.)
count_loaded() {
	local l ended='"event":"table_end".*"rc":0[,}]' name='"name":"(t[1-6])"'
	LOADED=0
	LOADED_FIRST=
	while IFS= read -r l; do
		[[ $l =~ $ended ]] || continue
		LOADED=$((LOADED + 1))
		[ -z "$LOADED_FIRST" ] && [[ $l =~ $name ]] && LOADED_FIRST=${BASH_REMATCH[1]}
	done 2>/dev/null <"$H/run/json"
}

# RECONNECTED: how many times this pull has said it reconnects to fetch what was not finished.
count_reconnected() {
	local l
	RECONNECTED=0
	while IFS= read -r l; do
		[[ $l == *'fetching what was not finished'* ]] && RECONNECTED=$((RECONNECTED + 1))
	done 2>/dev/null <"$H/run/err"
}

# Waits until at least N tables are loaded and siphon has loaded one more since it reconnected
# after the last cut (so that every instant gives the copy a table), then cuts.
CUTS=0
cut_after_loaded() { # N [soft: 1 rather than a failure when siphon ends first]
	local i base=
	for i in $(seq 1 2000); do
		if ! kill -0 "$SIPHON_PID" 2>/dev/null; then
			[ -n "${2:-}" ] && return 1
			it_fail "siphon exited before $1 tables were loaded"
		fi
		# After the reconnect line the lost session's tables are settled (their table_end written).
		count_reconnected
		if [ "$RECONNECTED" -ge "$CUTS" ]; then
			count_loaded
			[ -n "$base" ] || base=$LOADED
			if [ "$LOADED" -ge "$1" ] && [ "$LOADED" -gt "$base" ] && [ -n "$(sshd_session_pids)" ]; then
				CUTS=$((CUTS + 1))
				it_note "$LOADED tables loaded"
				cut_connection
				return
			fi
		fi
		sleep 0.03
	done
	it_fail "$1 tables not loaded within the time"
}

pull_bg() { # INTO [ARGS...]
	local into=$1
	shift
	CUTS=0
	# Over the slow link: a stream slow enough for the test to cut it between two tables, with
	# the server's SELECT still running (uncompressed: each table more than a channel's window).
	siphon_bg pull "$(remote_spec "$SRC" "" "$SLOW_PORT")" -i "$SIPHON_IT_KEY" --known-hosts "$SLOW_KNOWN_HOSTS" \
		--engine mysql --into "$into" -j 2 --compress none -v --progress=json --progress-fd 3 "$@" 3>"$H/run/json"
}

# Mid-table: the loaded tables are kept, the rest come from a second instant, and so does the
# view replaced just before the cut.
pull_bg cut_mid
cut_after_loaded 2
srv_my -D "$SRC" -e "CREATE OR REPLACE VIEW v_small AS SELECT id, a, p FROM t1 WHERE id < 20" || it_fail "replace v_small"
siphon_wait 90
assert_resumed my "$SRC" cut_mid 1
later=$(json_stat tables_later)
# Nine tables (parent, seven, the sequence): at least two were loaded.
[ "$later" -ge 1 ] && [ "$later" -le 7 ] || it_fail "tables_later $later, not between 1 and 7"
want="per table: $later of 9 tables, the views, routines, triggers and events from a later snapshot than the rest (2 snapshots)"
[ "$(json_stat consistency)" = "$want" ] || it_fail "JSON consistency: $(json_stat consistency)"
grep -qF "consistent $want" "$H/run/out" || it_fail "summary: $(cat "$H/run/out")"
my_expect_stderr "[0-9]+ of 9 tables were loaded before the cut and are kept" "the line saying what was kept"
[ "$(ws_my -N -B -e "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'cut_mid' AND TABLE_NAME = 'v_small'")" = 3 ] ||
	it_fail "the view is not the one of the new instant"

# Several cuts in one pull, with the global read lock held by each session for its whole copy.
# The rows of a new instant can all arrive before the test sees one table end: the later cuts
# come when they can (each instant that gave a table counts once in the snapshots).
pull_bg cut_three --lock-all
cut_after_loaded 1
cut_after_loaded 3 soft && cut_after_loaded 5 soft
siphon_wait 120
it_note "$CUTS cuts"
[ "$CUTS" -ge 2 ] || it_note "siphon finished before a second cut"
assert_rc 0 "resumed pull into cut_three"
# A cut that comes once every row is in (the finish) costs nothing: no reconnect for it.
r=$(json_stat reconnects)
[ "$r" -ge 1 ] && [ "$r" -le "$CUTS" ] || it_fail "JSON reconnects $r for $CUTS cuts"
[ "$r" = "$CUTS" ] || it_note "$((CUTS - r)) cut(s) after the last row: no reconnect"
assert_resumed my "$SRC" cut_three "$r"
n=$(json_stat consistency | sed -n 's/.*(\([0-9]*\) snapshots)$/\1/p')
[ -n "$n" ] && [ "$n" -ge 2 ] && [ "$n" -le $((r + 1)) ] || it_fail "JSON consistency: $(json_stat consistency)"
# No lost session holds the global read lock: a write goes through at once.
srv_my -e "SET SESSION lock_wait_timeout = 1; UPDATE $SRC.parent SET name = name WHERE id = 1" 2>"$H/run/write.err" ||
	it_fail "a write on the server is still blocked after the pull: $(cat "$H/run/write.err")"

# As the first rows stream: no table was loaded, so nothing of the first instant is kept.
pull_bg cut_first
wait_my_data_select "$SIPHON_PID"
cut_connection
siphon_wait 90
assert_resumed my "$SRC" cut_first 1
# (siphon's own count: a table may end between the test's look and the cut)
if grep -q ' 0 of 9 tables were loaded before the cut and are kept' "$H/run/err"; then
	[ "$(json_stat consistency)" = "one snapshot" ] || it_fail "JSON consistency: $(json_stat consistency)"
	grep -q "consistent at one snapshot" "$H/run/out" || it_fail "summary: $(cat "$H/run/out")"
else
	it_note "a table was loaded before the cut: resumed per table"
fi

# The schema changes between the instants: an ALTER TABLE of a loaded table waits for the lost
# session's transaction (it read that table) and runs as the cut ends it, before the new session
# reads the catalog (its reads queue behind the ALTER): the copy starts over.
pull_bg cut_schema
for i in $(seq 1 2000); do
	count_loaded
	[ -n "$LOADED_FIRST" ] && break
	kill -0 "$SIPHON_PID" 2>/dev/null || it_fail "siphon exited before a table was loaded"
	sleep 0.03
done
[ -n "$LOADED_FIRST" ] || it_fail "no table t1..t6 loaded within the time"
srv_my -D "$SRC" -e "SET SESSION lock_wait_timeout = 30; ALTER TABLE $LOADED_FIRST ADD COLUMN added INT DEFAULT 7" &
alter=$!
for i in $(seq 1 100); do
	[ "$(srv_my -N -B -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'ALTER TABLE $LOADED_FIRST %'")" -ge 1 ] && break
	sleep 0.05
done
# (A fast build may have every row in before the ALTER is queued: then there is nothing to cut.)
if [ -n "$(sshd_session_pids)" ] && ! grep -q '"event":"phase_start".*"phase":"finish"' "$H/run/json"; then
	cut_connection
	wait "$alter" || it_fail "ALTER TABLE $LOADED_FIRST failed"
	source_changed
	siphon_wait 90
	assert_resumed my "$SRC" cut_schema 1
	my_expect_stderr "the schema on the server changed while the connection was down: starting the copy over" "the start-over line"
	[ "$(json_stat consistency)" = "one snapshot" ] || it_fail "JSON consistency: $(json_stat consistency)"
else
	it_note "every row was in before the ALTER TABLE was queued: no cut for the schema change"
	wait "$alter" || it_fail "ALTER TABLE $LOADED_FIRST failed"
	source_changed
	siphon_wait 90
	assert_rc 0 "pull into cut_schema"
fi

# During the finish (objects made, the swap): every row is in, the server is not needed any more.
pull_bg cut_finish
for i in $(seq 1 3000); do
	kill -0 "$SIPHON_PID" 2>/dev/null || break
	grep -q '"event":"phase_start".*"phase":"finish"' "$H/run/json" 2>/dev/null && break
	sleep 0.02
done
if kill -0 "$SIPHON_PID" 2>/dev/null && [ -n "$(sshd_session_pids)" ]; then
	cut_connection
else
	it_note "the pull ended before the test saw its finish: no cut during the finish"
fi
siphon_wait 90
assert_rc 0 "pull cut during the finish"
assert_same_my "$SRC" cut_finish
grep -q reconnecting "$H/run/err" && it_fail "reconnected though the server was not needed any more"
[ "$(json_stat consistency)" = "one snapshot" ] || it_fail "JSON consistency: $(json_stat consistency)"
assert_left_clean my 20
assert_no_run_dir

# --retries 0: the cut fails the pull, the local database as it was.
my_keep
contract_before my keep
pull_bg keep --retries 0
wait_my_data_select "$SIPHON_PID"
cut_connection
siphon_wait 60
assert_failed_cleanly my 3 'SSH connection was lost'
