#!/bin/bash
# Profiles: `siphon config add` writes a profile (0600 in a 0700 directory), `siphon pull prod`
# pulls from it (the copy compared with its source), --into and SIPHON_INTO override it, `siphon
# profiles` shows the last pull, `config show` says where each value comes from, `config set`
# keeps the file's comments and order; every kind of bad file is one line with the file and line,
# exit 2, before anything is touched; a file with a password that others can read is refused
# with the chmod to run. All in a temporary HOME with no XDG variables.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

T=$(mktemp -d /tmp/siphon-it-profiles.XXXXXX)
harness_on_exit "rm -rf '$T'"
export HOME=$T/home
mkdir -p "$HOME"
unset XDG_CONFIG_HOME XDG_STATE_HOME SIPHON_CONFIG
for v in $(env | grep -o '^SIPHON_[A-Z_]*' | grep -v '^SIPHON_IT_\|^SIPHON_BIN$'); do unset "$v"; done
CFG=$HOME/.config/siphon/config

# No file yet: no profiles, and a word that is none says how to make one.
siphon_run profiles
assert_rc 0 "profiles without a file"
grep -q "no profiles in ~/.config/siphon/config" "$H/run/err" || it_fail "profiles: no hint without a file"
siphon_run pull prod
assert_rc 2 "pull of a missing profile"
assert_error_line
assert_stderr_contains "no profile 'prod' in ~/.config/siphon/config; for a server's database write HOST:DATABASE, or add a profile: siphon config add prod --ssh HOST --database DB"

# config add: the file, private.
siphon_run config add prod --ssh "$SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT" \
	--database small -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into prod_copy -j 2
assert_rc 0 "config add"
[ "$(stat -c %a "$CFG")" = 600 ] || it_fail "a new profile file is not 0600: $(stat -c %a "$CFG")"
[ "$(stat -c %a "$(dirname "$CFG")")" = 700 ] || it_fail "a new profile directory is not 0700"
grep -qx "ssh = $SIPHON_IT_SSH_USER@$SIPHON_IT_SSH_HOST:$SIPHON_IT_SSH_PORT" "$CFG" || it_fail "config add: no ssh line"
siphon_run config add prod --ssh x --database y
assert_rc 2 "config add of an existing profile"
assert_stderr_contains "[prod] is already in ~/.config/siphon/config"

# siphon pull prod, compared; the record of the last pull.
siphon_run pull prod
assert_rc 0 "pull prod"
assert_same small prod_copy
siphon_run profiles
assert_rc 0 "profiles"
grep -q "^prod .*$SIPHON_IT_SSH_HOST.* small *prod_copy .* ok, " "$H/run/out" ||
	{ cat "$H/run/out" >&2; it_fail "profiles does not show prod's last pull"; }
[ -f "$HOME/.local/state/siphon/last/prod" ] || it_fail "no last-pull record"

# plan PROFILE: the same target, nothing changed.
siphon_run plan prod
assert_rc 0 "plan prod"
grep -q "(engine " "$H/run/out" || it_fail "plan prod printed no plan"

# One key overridden on the command line; then by the environment; the command line over both.
siphon_run pull prod --into cli_copy
assert_rc 0 "pull prod --into"
assert_same small cli_copy
SIPHON_INTO=env_copy siphon_run pull prod
assert_rc 0 "SIPHON_INTO=env_copy pull prod"
assert_same small env_copy
assert_ws_dbs cli_copy env_copy prod_copy

# config show: each value's origin.
SIPHON_JOBS=3 siphon_run config show prod
assert_rc 0 "config show"
grep -Eq '^jobs += 3   \(SIPHON_JOBS\)$' "$H/run/out" || it_fail "config show: jobs from SIPHON_JOBS"
grep -Eq '^into += prod_copy   \(~/\.config/siphon/config:[0-9]+\)$' "$H/run/out" || it_fail "config show: into from the file"
grep -Eq '^compress += auto   \(default\)$' "$H/run/out" || it_fail "config show: compress by default"

# config set/unset keep comments, order and the rest of each line.
{
	echo "# my profiles"
	cat "$CFG"
	echo "# end"
} >"$T/c" && cat "$T/c" >"$CFG"
sed -i 's/^jobs = 2$/jobs = 2   # two channels/' "$CFG"
siphon_run config set prod jobs 3
assert_rc 0 "config set jobs"
siphon_run config set prod remote-pg-opts "-h $SIPHON_IT_SRV_HOST # socket"
assert_rc 0 "config set a value starting with '-'"
siphon_run config set staging database "a b"
assert_rc 0 "config set in a new profile"
siphon_run config unset prod known-hosts
assert_rc 0 "config unset"
grep -qx "jobs = 3   # two channels" "$CFG" || it_fail "config set lost the comment after the value"
head -n 1 "$CFG" | grep -qx "# my profiles" || it_fail "config set lost the first comment"
grep -qx "remote-pg-opts = \"-h $SIPHON_IT_SRV_HOST # socket\"" "$CFG" || it_fail "config set did not quote a '#'"
grep -q "known-hosts" "$CFG" && it_fail "config unset left the key"
[ "$(tail -n 4 "$CFG" | tr '\n' '|')" = "# end||[staging]|database = a b|" ] ||
	{ cat "$CFG" >&2; it_fail "config set: the new profile is not at the end, after a blank line"; }
siphon_run config set prod jbos 3
assert_rc 2 "config set of an unknown key"
assert_stderr_contains "unknown key 'jbos'; did you mean 'jobs'?"
siphon_run config set prod verbose yes
assert_rc 2 "config set of a command-line option"
assert_stderr_contains "'verbose' is a command-line option, not a profile key"

# Bad files: one line each, with the file and the line, exit 2, nothing pulled.
bad() { # WHAT EXPECTED-LINE-PART FILE-CONTENTS
	printf '%s' "$3" >"$T/bad"
	chmod 600 "$T/bad"
	siphon_run pull prod --config "$T/bad"
	assert_rc 2 "$1"
	assert_error_line
	assert_stderr_contains "$2"
}
bad "unknown key" "$T/bad:3: unknown key 'jbos' in [prod]; did you mean 'jobs'?" $'[prod]\nssh = h\njbos = 4\n'
bad "bad value" "$T/bad:2: bad value 'many' for jobs (expected a number from 1 to 64)" $'[prod]\njobs = many\n'
bad "duplicate section" "$T/bad:3: [prod] again (first at line 1): merge the two into one" $'[prod]\n\n[prod]\n'
bad "duplicate key" "$T/bad:3: 'into' again in [prod] (first at line 2): keep one" $'[prod]\ninto = a\ninto = b\n'
bad "syntax" "$T/bad:2: expected 'key = value', a '[profile]' line or a '# comment'" $'[prod]\njobs 4\n'
bad "unterminated quote" "$T/bad:2: unterminated quote in the value of 'into'" $'[prod]\ninto = "x\n'
bad "command-line option" "$T/bad:2: 'quiet' is a command-line option, not a profile key" $'[prod]\nquiet = yes\n'
siphon_run pull prod --config "$T/none"
assert_rc 2 "a missing --config file"
assert_stderr_contains "cannot open the profile file $T/none"
SIPHON_JOBS=lots siphon_run pull prod
assert_rc 2 "a bad SIPHON_JOBS"
assert_stderr_contains "bad value 'lots' for SIPHON_JOBS (expected a number from 1 to 64)"

# A password that others can read: refused with the chmod; fine once it is run.
printf '[prod]\nssh = h\ndatabase = d\nremote-pg-opts = "password=hunter2"\n' >"$T/secret"
chmod 644 "$T/secret"
SIPHON_CONFIG=$T/secret siphon_run config show prod
assert_rc 2 "a readable file with a password"
assert_error_line
assert_stderr_contains "$T/secret holds a password and others can read it; run: chmod 600 $T/secret"
chmod 600 "$T/secret"
SIPHON_CONFIG=$T/secret siphon_run config show prod
assert_rc 0 "the same file, chmod 600"
grep -q "hunter2" "$H/run/out" && it_fail "config show printed a password"

# The completion scripts' list.
siphon_run __complete-targets
assert_rc 0 "__complete-targets"
[ "$(tr '\n' ' ' <"$H/run/out")" = "prod staging " ] || it_fail "__complete-targets: $(cat "$H/run/out")"

assert_ws_dbs cli_copy env_copy prod_copy
assert_left_clean pg
