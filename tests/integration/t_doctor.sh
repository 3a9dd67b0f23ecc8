#!/bin/bash
# `siphon doctor`: the checklist of a pull, on every engine, changing nothing.
#   - a working set-up: exit 0, every check "ok" (the login with a key file needs nobody at the
#     keyboard), the local target as it was and nothing left on either side;
#   - each kind of broken one: the failing step is FAIL with its one-line reason, the steps after
#     it "skip", and the exit status is the one a pull would end with: an unknown host key (4),
#     a refused key (5), a missing database (6);
#   - `doctor PROFILE` from a profile file in a temporary HOME, and a broken profile file: the
#     "config" finding fails with the file, the line and the did-you-mean, exit 2;
#   - findings that do not stop a pull are warnings, exit 0: a busy local database (the checks
#     after it still run), more channels than the server's MaxSessions (10 in the harness).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

line() { # STATUS NAME: the checklist has that line
	grep -qE "^  $1 +$2 " "$H/run/out" || it_fail "$3: no '$1 $2' line in: $(cat "$H/run/out")"
}

doctor_ok() { # ENGINE SOURCE [ARGS...]
	local e=$1 src=$2
	shift 2
	siphon_run doctor "$(remote_spec "$src")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--into "$KEEP_TARGET" "$@"
	assert_rc 0 "$e: doctor on a working set-up"
	for c in config reach hostkey auth unattended tools compressor database read local create sessions; do
		line ok "$c" "$e"
	done
	tail -n 1 "$H/run/out" | grep -q "^all 12 checks passed$" || it_fail "$e: no closing line: $(tail -n 1 "$H/run/out")"
	assert_target_unchanged "$e"
	assert_left_clean "$e"
}

for e in pg my sqlite; do
	engine_try "$e" || continue
	"${e}_keep"
	contract_before "$e" "$KEEP_TARGET"
	case $e in
	pg) src=app ;;
	my) src=$SIPHON_IT_MY_SRC_DB ;;
	sqlite) src=$SQ_SRV/doctor.db; sq_make_fixture "$src" ;;
	esac
	doctor_ok "$e" "$src"

	siphon_run doctor "$(remote_spec "$src")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS_WRONG" \
		--into "$KEEP_TARGET"
	assert_rc 4 "$e: doctor with a changed host key"
	line ok reach "$e"; line FAIL hostkey "$e"; line skip auth "$e"; line skip sessions "$e"
	grep -q "^  FAIL  hostkey .*host key" "$H/run/out" || it_fail "$e: the FAIL line does not say why"

	siphon_run doctor "$(remote_spec "$src")" -i "$SIPHON_IT_OTHER_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--into "$KEEP_TARGET"
	assert_rc 5 "$e: doctor with a refused key"
	line ok hostkey "$e"; line FAIL auth "$e"; line skip tools "$e"
	grep -q "^1 check failed" "$H/run/out" || it_fail "$e: no failure total"
	assert_target_unchanged "$e"
	assert_left_clean "$e"
done

if engine_try pg; then
	KEEP_TARGET=keep
	contract_before pg "$KEEP_TARGET"
	siphon_run doctor "$(remote_spec no_such_db)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--into "$KEEP_TARGET"
	assert_rc 6 "pg: doctor of a missing database"
	line ok tools pg; line FAIL database pg; line skip read pg
	grep -q 'no database named "no_such_db"' "$H/run/out" || it_fail "pg: the reason is not given"

	# A session on the local copy: a warning, and the checks after it still run.
	ws_psql -d "$KEEP_TARGET" -c "select pg_sleep(30)" >/dev/null 2>&1 &
	holder=$!
	for _ in $(seq 50); do
		[ "$(ws_psql -Atc "select count(*) from pg_stat_activity where datname = '$KEEP_TARGET'")" -ge 1 ] && break
		sleep 0.1
	done
	siphon_run doctor "$(remote_spec app)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--into "$KEEP_TARGET"
	assert_rc 0 "pg: doctor with a busy local database"
	line warn local pg; line ok create pg; line ok sessions pg
	grep -q "open connection" "$H/run/out" || it_fail "pg: the busy warning does not say why"
	kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

	# More channels than the harness sshd's MaxSessions (10).
	siphon_run doctor "$(remote_spec app)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--into "$KEEP_TARGET" -j 16
	assert_rc 0 "pg: doctor over MaxSessions"
	line warn sessions pg
	grep -q "MaxSessions" "$H/run/out" || it_fail "pg: the sessions warning does not name MaxSessions"
	assert_left_clean pg

	home=$H/home-doctor
	mkdir -p "$home/.config/siphon"
	cat > "$home/.config/siphon/config" <<EOF
[prod]
ssh = $SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT
database = app
into = $KEEP_TARGET
identity = $SIPHON_IT_KEY
known-hosts = $SIPHON_IT_KNOWN_HOSTS
EOF
	chmod 600 "$home/.config/siphon/config"
	HOME=$home siphon_run doctor prod
	assert_rc 0 "pg: doctor of a profile"
	head -n 1 "$H/run/out" | grep -q "^checking a pull of profile prod " || it_fail "pg: no heading for the profile"
	line ok read pg
	grep -q "^  ok    tools .*pg_dump and psql [0-9.]* in /" "$H/run/out" || it_fail "pg: the tools line does not give their version and place"
	printf '[prod]\nssh = x\ndatabse = app\n' > "$home/bad.conf"
	HOME=$home siphon_run doctor --config "$home/bad.conf" prod
	assert_rc 2 "pg: doctor of a broken profile file"
	grep -q "^  FAIL  config .*bad.conf:3: unknown key 'databse'.*did you mean 'database'" "$H/run/out" ||
		it_fail "pg: the config finding does not say what is wrong: $(cat "$H/run/out")"
	assert_target_unchanged pg
fi
cat "$H/run/out"  # the last checklist, for the log
