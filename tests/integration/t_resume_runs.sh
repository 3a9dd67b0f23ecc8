#!/bin/bash
# pull --resume across runs (PostgreSQL): an interrupted pull keeps its temporary database and a
# state file ($XDG_STATE_HOME/siphon/resume/, 0600); a later pull --resume goes on with it.
#   Ctrl-C mid-table   exit 130, the line says the partial copy is kept; a table then grows on the
#                      server without a row more (its place in the catalog's largest-first order
#                      moves); --resume copies only the rest: compared with the source, the
#                      summary and the JSON say "consistent per table"
#   kill -9 mid-table  no chance to write at the end: the state written as tables finished is used;
#                      meanwhile another pull's stale sweep keeps the temporary the state names
#   schema change      the server's catalog changed between the runs: one line "starting over
#                      because ...", a full pull, compared, the old temporary dropped
#   old, foreign state a state file 25 hours old, or another user's: starting over, nothing left
#   plain pull         without --resume the kept copy is dropped
# After every successful pull: no state file, no temporary database.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
. "$(dirname "$0")/resume_lib.sh"
it_begin
# 1 MB/s: the interrupted pulls are compressed (gzip -1, about half the bytes on the wire), and
# their tables are small (the interruptions are seen from the client, whatever the server does).
slow_link_start 1000000 || it_fail "could not start the slow link"

srv_psql -q -d postgres -c 'DROP DATABASE IF EXISTS runs_src' -c 'CREATE DATABASE runs_src' >/dev/null ||
	it_fail "create runs_src"
# Ten tables of 10,000 rows (~1.4 MB each as COPY text).
srv_psql -q -d runs_src -v rows=10000 >/dev/null <<-'EOF' || it_fail "fill runs_src"
	SELECT set_config('resume.rows', :'rows', false);
	CREATE TABLE parent (id int PRIMARY KEY, name text);
	INSERT INTO parent SELECT i, 'p' || i FROM generate_series(1, 100) i;
	DO $$BEGIN FOR k IN 1..10 LOOP
		EXECUTE format('CREATE TABLE t%s (id bigserial PRIMARY KEY, p int REFERENCES parent, a text, b bytea)', k);
		EXECUTE format('INSERT INTO t%s (p, a, b) SELECT 1 + i %% 100, md5(i::text) || md5((i * %s)::text),
		                decode(md5((i * 13)::text) || md5((i * 17)::text), ''hex'') FROM generate_series(1, %s) i',
		               k, k, current_setting('resume.rows'));
		EXECUTE format('CREATE INDEX t%s_a ON t%s (a)', k, k);
	END LOOP; END$$;
EOF

STATE_DIR=$(siphon_home)/.local/state/siphon/resume
# The harness's HOME is shared by the tests of one worker: a state file another test's failed pull
# kept (t_resume_cut's --retries 0) is not this test's.
rm -rf "$STATE_DIR"

# How many of t1..t10 the running pull has committed locally: its -v lines '"public"."tN": every
# row committed locally' (written once the local COPY's commit came back). Read from its stderr,
# not asked of the local server: a psql and a backend per look, 50 looks a second, were most of
# this test's CPU.
loaded() {
	local l n=0
	while IFS= read -r l; do
		[[ $l == 'siphon: "public"."t'[0-9]*'": every row committed locally' ]] && n=$((n + 1))
	done <"$H/run/err"
	echo "$n"
}

# Starts a pull of runs_src into INTO, slow enough (one channel, the slow link) to be caught
# mid-table; -v for loaded().
pull_bg() { # INTO [ARGS...]
	local into=$1
	shift
	siphon_bg pull "$(remote_spec runs_src "" "$SLOW_PORT")" -i "$SIPHON_IT_KEY" --known-hosts "$SLOW_KNOWN_HOSTS" \
		--into "$into" -j 1 --compress gzip --level 1 -v --progress=json --progress-fd 3 "$@" 3>"$H/run/json"
}

# Waits until N tables are loaded (the state file written after them), then sends SIG.
stop_after() { # N SIG
	local i
	for i in $(seq 1 1500); do
		kill -0 "$SIPHON_PID" 2>/dev/null || it_fail "siphon ended before $1 tables were loaded"
		if [ "$(loaded)" -ge "$1" ] && [ -n "$(grep -l '^done=' "$STATE_DIR"/* 2>/dev/null)" ]; then
			it_note "$(loaded) tables loaded: kill -$2"
			kill "-$2" "$SIPHON_PID"
			return
		fi
		sleep 0.05
	done
	it_fail "$1 tables not loaded in time"
}

resume_pull() { # INTO [ARGS...]
	local into=$1
	shift
	siphon_pull runs_src --into "$into" -j 2 --resume --progress=json --progress-fd 3 "$@" 3>"$H/run/json"
}

# A successful pull into INTO: the same data, no state file, no temporary database.
assert_done() { # INTO
	assert_rc 0 "pull into $1"
	assert_same runs_src "$1"
	[ -z "$(ls -A "$STATE_DIR" 2>/dev/null)" ] || it_fail "state files left: $(ls -A "$STATE_DIR")"
	[ -z "$(ws_dbs | grep '^siphon_tmp_')" ] || it_fail "temporary databases left: $(ws_dbs | grep '^siphon_tmp_')"
}

# The one kept temporary and its state file, after an interruption.
assert_kept() {
	local f mode
	f=$(ls "$STATE_DIR"/postgres-* 2>/dev/null | head -n 1)
	[ -n "$f" ] || it_fail "no state file in $STATE_DIR"
	mode=$(stat -c %a "$f")
	[ "$mode" = 600 ] || it_fail "state file mode $mode, not 600"
	KEPT=$(sed -n 's/^temp=//p' "$f")
	ws_dbs | grep -qxF "$KEPT" || it_fail "the kept temporary $KEPT is not there"
	STATE_FILE=$f
}

# A resumed pull: only the unfinished tables were copied again, and it says so.
assert_resumed_run() { # INTO
	local later
	assert_done "$1"
	grep -q -- "--resume: going on with $KEPT" "$H/run/err" || it_fail "no line says it went on: $(cat "$H/run/err")"
	later=$(json_stat tables_later)
	[ "$later" -ge 1 ] && [ "$later" -le 10 ] || it_fail "tables_later $later, not between 1 and 10"
	[ "$(json_stat resumed_run)" = 1 ] || it_fail "JSON resumed_run $(json_stat resumed_run)"
	json_stat consistency | grep -qx "per table: $later of 11 tables, the sequences and the indexes from a later snapshot than the rest (2 snapshots)" ||
		it_fail "JSON consistency: $(json_stat consistency)"
	grep -q "resumed an interrupted pull's partial copy, consistent per table: $later of 11 tables" "$H/run/out" ||
		it_fail "summary: $(cat "$H/run/out")"
}

# 1. Ctrl-C mid-table, then --resume.
pull_bg r_int
stop_after 2 INT
siphon_wait 30
assert_rc 130 "Ctrl-C"
tail -n 1 "$H/run/err" | grep -q '^siphon: interrupted.*the partial copy is kept (.*): run the same siphon pull with --resume to go on' ||
	it_fail "the Ctrl-C line: $(tail -n 1 "$H/run/err")"
assert_kept
cp "$STATE_FILE" "$H/run/state.sample"
SAMPLE_TEMP=$KEPT
# A table grows on the server while its rows stay (autovacuum does so after a load: a visibility
# map): the catalog lists tables largest first, and that order is no schema change.
srv_psql -q -d runs_src -c 'BEGIN' -c 'INSERT INTO t9 (p, a) SELECT 1, repeat($$x$$, 900) FROM generate_series(1, 3000)' \
	-c 'ROLLBACK' >/dev/null || it_fail "grow t9"
resume_pull r_int
assert_resumed_run r_int

# 2. kill -9 mid-table; another pull's sweep keeps the temporary; then --resume.
pull_bg r_kill
stop_after 2 KILL
siphon_wait 30
assert_kept
siphon_pull runs_src --into r_other -j 2
assert_rc 0 "a pull of another target"
grep -q "kept $KEPT: an interrupted pull's partial copy" "$H/run/err" || it_fail "the sweep did not say it kept $KEPT: $(cat "$H/run/err")"
ws_dbs | grep -qxF "$KEPT" || it_fail "the sweep dropped $KEPT, which a valid state file names"
resume_pull r_kill
assert_resumed_run r_kill

# 3. A state file 25 hours old, then another user's: starting over, nothing left; a plain pull drops
# a kept copy.  Each time a kept copy made as an interrupted pull leaves it (a database named as
# siphon names its temporaries, of a process that is gone, and a state file naming it).
fake_kept() { # INTO
	KEPT=${SAMPLE_TEMP%_*_*}_2147483000_$(date +%s)
	ws_psql -q -d postgres -c "CREATE DATABASE $KEPT" || it_fail "create $KEPT"
	STATE_FILE=$STATE_DIR/postgres-$(printf %s "$1" | sha256sum | cut -c1-16)
	sed -e "s/^into=.*/into=$1/" -e "s/^temp=.*/temp=$KEPT/" -e "s/^time=.*/time=$(date +%s)/" \
		"$H/run/state.sample" >"$STATE_FILE"
	chmod 600 "$STATE_FILE"
}

fake_kept r_old
sed -i "s/^time=.*/time=$(($(date +%s) - 25 * 3600))/" "$STATE_FILE"
resume_pull r_old
grep -q -- "--resume: starting over because the partial copy cannot be used: it is 25 hours old" "$H/run/err" ||
	it_fail "old state: $(cat "$H/run/err")"
assert_done r_old

fake_kept r_foreign
chown nobody "$STATE_FILE"
resume_pull r_foreign
grep -q -- "--resume: starting over because the state file of r_foreign cannot be used: it belongs to another user" "$H/run/err" ||
	it_fail "foreign state: $(cat "$H/run/err")"
assert_done r_foreign

fake_kept r_plain
siphon_pull runs_src --into r_plain -j 2
grep -q "dropped $KEPT, the partial copy an interrupted pull kept" "$H/run/err" || it_fail "plain pull: $(cat "$H/run/err")"
assert_done r_plain

# 4. The schema changes between the runs: starts over, full pull.
pull_bg r_schema
stop_after 2 INT
siphon_wait 30
assert_kept
srv_psql -q -d runs_src -c 'ALTER TABLE t10 ADD COLUMN c int DEFAULT 7' || it_fail "alter t10"
# The harness caches a source's fingerprint (servers' databases never change, but this one did).
export SIPHON_IT_COMPARE_CACHE=
resume_pull r_schema
grep -q -- "--resume: starting over because the partial copy cannot be used: the schema on the server changed" "$H/run/err" ||
	it_fail "no line says why it starts over: $(cat "$H/run/err")"
assert_done r_schema
[ "$(json_stat resumed_run)" = 0 ] || it_fail "a full pull reported resumed_run"

assert_left_clean pg 20
srv_psql -q -d postgres -c 'DROP DATABASE runs_src' >/dev/null
