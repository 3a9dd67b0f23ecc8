#!/bin/bash
# The SSH connection dies mid-pull (the sshd processes serving it are killed), on every engine:
#   pg      while a COPY streams (-j 2, zstd on the server)
#   my      while a data channel reads rows (-j 2, zstd on the server)
#   sqlite  while the server makes its copy (VACUUM INTO), and while the copy streams (gzip)
# --retries 0: the pull fails at the cut (t_resume_cut.sh reconnects).
# Each time the failure contract (contract.sh): exit 3, one error line, the local target as it was,
# no temporary database or file left, and on the server no session, no process (the dump, the
# compressor, the VACUUM) and no temporary copy left.
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin

for e in pg my sqlite; do
	engine_try "$e" || continue
	"${e}_keep"
	"${e}_big"
	contract_before "$e" "$KEEP_TARGET"
	for phase in $("${e}_phases"); do
		"${e}_bg_big_pull" "$phase" --retries 0
		pids=$(sshd_session_pids)
		[ -n "$pids" ] || it_fail "$e: no sshd session processes found"
		it_note "$e ($phase): killing sshd session processes: $(echo $pids)"
		# shellcheck disable=SC2086
		kill -9 $pids
		siphon_wait 60
		assert_failed_cleanly "$e" 3 'SSH connection was lost'
	done
done
