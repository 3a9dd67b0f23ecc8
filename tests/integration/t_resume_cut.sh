#!/bin/bash
# The SSH connection dies mid-pull (the sshd processes serving it are killed) and siphon resumes
# (PostgreSQL, --retries' default):
#   mid-table      after some tables were loaded: they are kept, the others copied again in a new
#                  snapshot; the summary line and the JSON summary say "consistent per table: N of 9
#                  tables ... from a later snapshot" with N < 9
#   several cuts   three cuts in one pull, each after more tables were loaded
#   schema         while the schema dump runs: the copy starts over (nothing of the first snapshot)
#   post-data      while the local indexes are built after the last row: the server is no longer
#                  needed, nothing resumes (those built during the copy are kept through a resume)
#   --retries 0    the cut fails the pull (exit 3), as t_fail_cut checks for every engine
#   --save         mid-table: the pull resumes, its snapshot is dropped with one warning (a restore
#                  replays one session), no file left; --snapshot-only, cut: exit 3, no file
# Each time the copy is compared with its source, and the server is left with no session, no process
# and no run directory of the pull.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
. "$(dirname "$0")/resume_lib.sh"
it_begin
slow_link_start "$RESUME_LINK_RATE" || it_fail "could not start the slow link"

# Eight tables of 30,000 rows (~4.2 MB each as COPY text, more than a channel's window at -j 2:
# resume_lib.sh), with indexes, a foreign key and a sequence.
srv_psql -q -d postgres -c 'CREATE DATABASE resume_src' >/dev/null || it_fail "create resume_src"
srv_psql -q -d resume_src -v rows=30000 >/dev/null <<-'EOF' || it_fail "fill resume_src"
	SELECT set_config('resume.rows', :'rows', false);
	CREATE TABLE parent (id int PRIMARY KEY, name text);
	INSERT INTO parent SELECT i, 'p' || i FROM generate_series(1, 100) i;
	DO $$BEGIN FOR k IN 1..8 LOOP
		EXECUTE format('CREATE TABLE t%s (id bigserial PRIMARY KEY, p int REFERENCES parent, a text, b bytea)', k);
		EXECUTE format('INSERT INTO t%s (p, a, b) SELECT 1 + i %% 100, md5(i::text) || md5((i * %s)::text),
		                decode(md5((i * 13)::text) || md5((i * 17)::text), ''hex'') FROM generate_series(1, %s) i',
		               k, k, current_setting('resume.rows'));
		EXECUTE format('CREATE INDEX t%s_a ON t%s (a)', k, k);
	END LOOP; END$$;
EOF

# LOADED: how many of t1..t8 siphon has committed locally in this pull so far (its -v line
# '"public"."tN": every row committed locally', written once the local COPY's commit came back:
# the tables a resume keeps). Read from its stderr rather than asked of the local server: a psql
# (and a backend) per look, 50 looks a second, cost this test more CPU than the pulls.
# Each table's line comes once (a resume keeps the tables loaded before the cut without a line);
# read with builtins only: no process a look.
count_loaded() {
	local l
	LOADED=0
	while IFS= read -r l; do
		[[ $l == 'siphon: "public"."t'[1-8]'": every row committed locally' ]] && LOADED=$((LOADED + 1))
	done <"$H/run/err"
}

# The server backends that run a COPY of resume_src now, one pid a line.
copy_backends() {
	srv_psql -At -d postgres -c "SELECT pid FROM pg_stat_activity WHERE datname = 'resume_src' AND state = 'active' AND query ~* '^\\s*copy\\M' ORDER BY pid" 2>/dev/null
}

# Waits until at least N tables are loaded locally while the server streams on a session the last
# cut did not end (after a cut the old backends may linger a moment), then cuts. With "soft", a
# pull that ends first returns 1 instead of failing the test (the rest of its tables can all come
# in before the test sees them loaded).
CUT_BACKENDS=
CUTS=0
cut_after_loaded() { # N [soft]
	local i now
	for i in $(seq 1 2400); do
		if ! kill -0 "$SIPHON_PID" 2>/dev/null; then
			[ -n "${2:-}" ] && return 1
			it_fail "siphon exited before $1 tables were loaded while it streamed"
		fi
		count_loaded
		if [ "$LOADED" -ge "$1" ]; then
			now=$(copy_backends)
			if [ -n "$(comm -13 <(echo "$CUT_BACKENDS" | sort) <(echo "$now" | sort))" ] && [ -n "$(sshd_session_pids)" ]; then
				CUT_BACKENDS=$now
				CUTS=$((CUTS + 1))
				cut_connection
				return
			fi
		fi
		sleep 0.05
	done
	it_fail "$1 tables not loaded within the time"
}

pull_bg() { # INTO [ARGS...]
	local into=$1
	shift
	CUT_BACKENDS=
	CUTS=0
	# Over the slow link: a stream slow enough for the test to cut it between two tables, with
	# the server's COPY still running (uncompressed: each table more than a channel's window).
	siphon_bg pull "$(remote_spec resume_src "" "$SLOW_PORT")" -i "$SIPHON_IT_KEY" --known-hosts "$SLOW_KNOWN_HOSTS" \
		--into "$into" -j 2 --compress none -v --progress=json --progress-fd 3 "$@" 3>"$H/run/json"
}

# Mid-table: the loaded tables are kept, the rest come from a second snapshot.
pull_bg cut_mid
cut_after_loaded 2
siphon_wait 120
assert_resumed pg resume_src cut_mid 1
later=$(json_stat tables_later)
# Nine tables (parent and t1..t8): at least one was loaded, at least one was streaming.
[ "$later" -ge 1 ] && [ "$later" -le 8 ] || it_fail "tables_later $later, not between 1 and 8"
json_stat consistency | grep -qx "per table: $later of 9 tables, the sequences and the indexes from a later snapshot than the rest (2 snapshots)" ||
	it_fail "JSON consistency: $(json_stat consistency)"
grep -qE "consistent per table: $later of 9 tables, the sequences and the indexes from a later snapshot than the rest \(2 snapshots\)" "$H/run/out" ||
	it_fail "summary: $(cat "$H/run/out")"
grep -q "tables were loaded before the cut and are kept" "$H/run/err" || it_fail "no line says what was kept"

# --save: the pull resumes without its snapshot (one warning), and no snapshot file is left.
SNAPS=$(siphon_home)/.local/share/siphon/snapshots
pull_bg cut_save --save
cut_after_loaded 1
siphon_wait 120
assert_resumed pg resume_src cut_save 1
[ "$(grep -c 'the snapshot being saved (--save) is dropped: a restore replays one session' "$H/run/err")" = 1 ] ||
	it_fail "not one line says the snapshot was dropped: $(grep -i snapshot "$H/run/err")"
grep -q 'snapshot saved' "$H/run/err" && it_fail "a snapshot was said to be saved"
[ -z "$(find "$SNAPS" -type f 2>/dev/null)" ] || it_fail "snapshot files left: $(find "$SNAPS" -type f)"
# --snapshot-only: the snapshot is all it makes; a cut fails it, and no file is left.
pull_bg cut_only --snapshot-only
for i in $(seq 1 3000); do
	[ -n "$(copy_backends)" ] && break
	kill -0 "$SIPHON_PID" 2>/dev/null || break
	sleep 0.02
done
[ -n "$(copy_backends)" ] || it_fail "the --snapshot-only pull's COPY was not seen on the server"
cut_connection
siphon_wait 60
assert_rc 3 "--snapshot-only cut mid-table"
assert_error_line
grep -q reconnecting "$H/run/err" && it_fail "--snapshot-only reconnected"
[ -z "$(find "$SNAPS" -type f 2>/dev/null)" ] || it_fail "snapshot files left: $(find "$SNAPS" -type f)"
ws_dbs | grep -qx cut_only && it_fail "--snapshot-only made a local database"
assert_left_clean pg 20

# Several cuts in one pull. The rows of a new snapshot can all arrive before the test sees the
# fifth table loaded: the third cut then does not come (as in t_resume_my).
pull_bg cut_three
cut_after_loaded 1
cut_after_loaded 3
cut_after_loaded 5 soft || it_note "siphon finished before a third cut"
siphon_wait 180
assert_rc 0 "resumed pull into cut_three"
# The last cut may come once every row is in (the rest of the tables can end together): it costs
# nothing then, no reconnect.
r=$(json_stat reconnects)
[ "$r" -ge 2 ] && [ "$r" -le "$CUTS" ] || it_fail "JSON reconnects $r for $CUTS cuts"
[ "$r" = "$CUTS" ] || it_note "the last cut came after the last row: no reconnect"
assert_resumed pg resume_src cut_three "$r"
json_stat consistency | grep -q "($((r + 1)) snapshots)" || it_fail "JSON consistency: $(json_stat consistency)"

# During the schema: nothing of the first snapshot is kept.
pull_bg cut_schema
# (This pull's schema dump: another worker's test may dump another database's at the same moment.)
schema_dump() { pgrep -af 'section=pre-data' | grep -q resume_src; }
seen=0
for i in $(seq 1 3000); do
	schema_dump && { seen=1; break; }
	kill -0 "$SIPHON_PID" 2>/dev/null || break
	sleep 0.01
done
# The dump of a small schema can end between two looks: the cut then lands in the data (below).
[ "$seen" = 1 ] || it_note "the schema dump ended before the test saw it: the cut comes later"
cut_connection
siphon_wait 120
if [ "$(json_stat reconnects 2>/dev/null)" = 0 ]; then
	# The schema dump is quick: the cut may find the pull past its transfer (nothing to resume).
	assert_rc 0 "pull into cut_schema"
	assert_same resume_src cut_schema
	it_note "the cut came once every row was in: no reconnect"
else
	assert_resumed pg resume_src cut_schema 1
fi
if grep -q 'before the schema was restored: starting the copy over' "$H/run/err"; then
	[ "$(json_stat consistency)" = "one snapshot" ] || it_fail "JSON consistency: $(json_stat consistency)"
	grep -q "consistent at one snapshot" "$H/run/out" || it_fail "summary: $(cat "$H/run/out")"
else
	it_note "the cut came after the schema was restored (the schema dump is quick): resumed per table"
fi

# During post-data (the local index builds after the last row; some are built during the copy,
# when the server is still needed): the server is not needed any more.
pull_bg cut_post
for i in $(seq 1 3000); do
	kill -0 "$SIPHON_PID" 2>/dev/null || break
	grep -q '"phase":"finish","text":"indexes, constraints, triggers"' "$H/run/json" && break
	sleep 0.02
done
if kill -0 "$SIPHON_PID" 2>/dev/null; then
	cut_connection
else
	it_note "the indexes were built before the test saw them: no cut during post-data"
fi
siphon_wait 120
assert_rc 0 "pull cut during post-data"
assert_same resume_src cut_post
grep -q reconnecting "$H/run/err" && it_fail "reconnected though the server was not needed any more"
assert_left_clean pg 20
assert_no_run_dir

# --retries 0: the cut fails the pull.
pg_keep
contract_before pg keep
pull_bg keep --retries 0
cut_after_loaded 1
siphon_wait 60
assert_failed_cleanly pg 3 'SSH connection was lost'
