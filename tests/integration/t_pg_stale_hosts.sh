#!/bin/bash
# needs-real-siphon
# One local PostgreSQL server shared by two machines (two UTS namespaces with different host
# names): a pull killed outright on machine B leaves its temporary database, named with B's host
# id; machine A's next pull leaves it alone (it cannot know whether B's siphon is alive); B's next
# pull removes it.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
srv_ensure_big || it_fail "could not create database big"
pg_keep
contract_before pg keep

real=$SIPHON_BIN
machine_b=$H/siphon-on-machine-b
cat >"$machine_b" <<EOF2
#!/bin/sh
exec unshare -u sh -c 'hostname siphon-it-machine-b && exec "\$0" "\$@"' '$real' "\$@"
EOF2
chmod +x "$machine_b"

SIPHON_BIN=$machine_b
siphon_bg pull "$(remote_spec big)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into bigb -j 2
wait_remote_copy big "$SIPHON_PID"
tmpb=
for _ in $(seq 1 100); do
	tmpb=$(ws_dbs | grep '^siphon_tmp_' | head -n 1)
	[ -n "$tmpb" ] && break
	sleep 0.1
done
[ -n "$tmpb" ] || it_fail "machine B's pull has no temporary database"
[[ $tmpb =~ ^siphon_tmp_[0-9a-f]{8}_[0-9]+_[0-9]+$ ]] || it_fail "temporary name $tmpb does not carry a host id"
kill -9 "$SIPHON_PID"
siphon_wait 10
it_note "machine B's pull killed; its temporary database: $tmpb"
# A pull killed after its schema was in keeps a state file for `pull --resume`, and the sweep leaves
# the temporary it names alone for a day: here the sweep is under test, as after that day.
rm -f "$(siphon_home)"/.local/state/siphon/resume/*
assert_server_clean pg 40

SIPHON_BIN=$real
siphon_run pull "$(remote_spec small)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into smalla
assert_rc 0 "machine A's pull"
ws_dbs | grep -qx "$tmpb" || it_fail "machine A dropped machine B's temporary database $tmpb"
grep -q "$tmpb" "$H/run/err" && it_fail "machine A mentions machine B's database"

SIPHON_BIN=$machine_b
siphon_run pull "$(remote_spec small)" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --into smallb
assert_rc 0 "machine B's next pull"
ws_dbs | grep -qx "$tmpb" && it_fail "machine B's next pull left its dead run's $tmpb"
assert_stderr_contains "removed $tmpb"
assert_same small smalla
assert_same small smallb
ws_psql -q -d postgres -c 'DROP DATABASE smalla' -c 'DROP DATABASE smallb' >/dev/null
assert_target_unchanged pg
