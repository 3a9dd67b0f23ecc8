#!/bin/bash
# Ctrl-C (SIGINT) mid-pull, on every engine:
#   pg      while a COPY streams
#   my      while a data channel reads rows
#   sqlite  while the server makes its copy (VACUUM INTO), and while the copy streams (the remote
#           script's heartbeat notices that the client is gone)
# Each time the failure contract (contract.sh): exit 130, one error line, the local target as it
# was, no temporary database or file left, and within 5 s nothing of siphon's on the server (no
# session, no process, no temporary copy) nor on the workstation.
# Then MariaDB only (--lock-all is a MySQL option): the same during a --lock-all copy, and
# production's writes go through again within 5 s.
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
it_begin

for e in pg my sqlite; do
	engine_try "$e" || continue
	"${e}_keep"
	"${e}_big"
	contract_before "$e" "$KEEP_TARGET"
	for phase in $("${e}_phases"); do
		"${e}_bg_big_pull" "$phase"
		kill -INT "$SIPHON_PID"
		siphon_wait 30
		assert_failed_cleanly "$e" 130 '^siphon: interrupted' 5
	done
done

# --lock-all: the global read lock must not outlive the interrupted copy.
engine_try my || exit 0
srv_my -e "DROP DATABASE IF EXISTS siphon_it_probe; CREATE DATABASE siphon_it_probe; CREATE TABLE siphon_it_probe.t (id INT PRIMARY KEY, balance INT); INSERT INTO siphon_it_probe.t VALUES (1, 0)" ||
	it_fail "create the probe table"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS siphon_it_probe'"
my_big
KEEP_TARGET=keep
contract_before my keep
my_bg_big_pull stream --lock-all
srv_my_try_write siphon_it_probe t && it_fail "--lock-all: a write went through during the copy"
kill -INT "$SIPHON_PID"
siphon_wait 30
ok=0
for _ in $(seq 1 50); do
	srv_my_try_write siphon_it_probe t && { ok=1; break; }
	sleep 0.1
done
[ "$ok" = 1 ] || it_fail "writes on the server are still blocked 5 s after the interrupted --lock-all copy"
srv_my -e 'DROP DATABASE siphon_it_probe'
assert_failed_cleanly my 130 '^siphon: interrupted' 5
