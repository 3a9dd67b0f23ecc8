#!/bin/bash
# --progress=json: a real pull of the hostile fixture "app" (-j 4) with the JSON stream on stderr,
# then on --progress-fd 3 (stderr keeps its text lines), then a MariaDB and an SQLite pull. Each
# stream must parse line by line and keep the promised order (tests/harness/progress_check.py;
# the tune event with the channels and compression chosen);
# the rows the events counted must be those of the copy, table by table, the tables' raw bytes
# at most the summary's (which adds the schema); the finish shows its steps.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

check=$(dirname "$0")/../harness/progress_check.py

# The copy's tables and their rows, counted in the local database, as JSON.
ws_counts() { # DB FILE
	ws_psql -At -d "$1" >"$2" <<-'EOF' || it_fail "counting the rows of $1"
		SELECT coalesce(json_agg(json_build_object('schema', n.nspname, 'name', c.relname, 'rows',
		         (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM ONLY %I.%I',
		                                                       n.nspname, c.relname), false, true, '')))[1]::text::bigint)), '[]')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
		  AND n.nspname NOT LIKE 'pg_toast%';
	EOF
}

# What progress_check.py printed: the value of KEY.
field() { sed -n "s/^$1 //p" "$H/run/check"; }

siphon_pull app --into app_json -j 4 --progress=json
assert_rc 0 "pull app --progress=json"
assert_same app app_json
ws_counts app_json "$H/run/counts"
python3 "$check" "$H/run/err" --counts "$H/run/counts" >"$H/run/check" ||
	it_fail "the JSON stream on stderr is not as promised (above)"
[ "$(field compared)" -ge 5 ] || it_fail "only $(field compared) tables had their rows compared"
[ "$(field tables_raw)" -gt 0 ] && [ "$(field tables_raw)" -le "$(field raw)" ] ||
	it_fail "the tables' raw bytes $(field tables_raw) against the summary's $(field raw)"
[ "$(field exit)" = 0 ] || it_fail "summary exit $(field exit)"
case ",$(field steps)," in
*,transfer:schema,*transfer:table\ data,*finish:indexes*,*finish:swap,*) ;;
*) it_fail "the steps are not those of a PostgreSQL pull: $(field steps)" ;;
esac
# -j 4 kept as given, the compressor chosen (the harness's server is this machine).
case $(field tunes) in
4:none:0 | 4:zstd:*) ;;
*) it_fail "the tune event is not -j 4 with a chosen compressor: $(field tunes)" ;;
esac
grep -q '"event":"log","wall":"[^"]*","level":"info"' "$H/run/err" ||
	it_fail "the log lines did not become objects"
grep -q '^pulled app from ' "$H/run/out" || it_fail "no summary line on stdout"
it_note "pg stream: $(wc -l <"$H/run/err") lines, $(field compared) tables compared"

# --progress-fd 3: JSON there, people's lines on stderr.
: >"$H/run/fd3"
siphon_pull small --into small_json --progress=json --progress-fd 3 3>"$H/run/fd3"
assert_rc 0 "pull small --progress-fd 3"
python3 "$check" "$H/run/fd3" >"$H/run/check" || it_fail "the stream on descriptor 3 is not as promised"
grep -q '^{' "$H/run/err" && it_fail "JSON on stderr with --progress-fd 3"
grep -q '^siphon: ' "$H/run/err" || it_fail "no text lines on stderr with --progress-fd 3"

# A failed pull: the summary says why, with the exit status; nothing but JSON on stderr.
siphon_pull no_such_db --into nothing --progress=json
assert_rc 6 "pull no_such_db --progress=json"
python3 "$check" "$H/run/err" >"$H/run/check" || it_fail "the stream of a failed pull is not as promised"
[ "$(field exit)" = 6 ] || it_fail "summary exit $(field exit), not 6"
tail -n 1 "$H/run/err" | python3 -c '
import json, sys
e = json.load(sys.stdin)
sys.exit(0 if e["event"] == "summary" and "no_such_db" in (e["error"] or "") else 1)' ||
	it_fail "the summary does not carry the error"

# A closed descriptor is a usage error.
siphon_pull small --into small_json --progress=json --progress-fd 9
assert_rc 2 "--progress-fd 9 (closed)"
siphon_pull small --into small_json --progress-fd 1
assert_rc 2 "--progress-fd without --progress=json"

# MariaDB and SQLite: the same promises, their own steps.
if [ "${SIPHON_IT_MY:-0}" = 1 ]; then
	my_pull "$SIPHON_IT_MY_SRC_DB" --into my_json --progress=json
	assert_rc 0 "mysql pull --progress=json"
	python3 "$check" "$H/run/err" >"$H/run/check" || it_fail "the MariaDB stream is not as promised"
	case ",$(field steps)," in *finish:swap,*) ;; *) it_fail "MariaDB steps: $(field steps)" ;; esac
fi
sq_dirs
sq_make_fixture "$SQ_SRV/app.db"
siphon_run pull "$(remote_spec "$SQ_SRV/app.db")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
	--into "$SQ_WS/copy.db" --progress=json
assert_rc 0 "sqlite pull --progress=json"
python3 "$check" "$H/run/err" >"$H/run/check" || it_fail "the SQLite stream is not as promised"
case ",$(field steps)," in
*,finish:integrity\ check,finish:swap,*) ;;
*) it_fail "SQLite steps: $(field steps)" ;;
esac
[ "$(field raw)" = "$(field tables_raw)" ] || it_fail "SQLite: summary raw $(field raw) != the file's $(field tables_raw)"

assert_no_pwned
assert_left_clean pg
