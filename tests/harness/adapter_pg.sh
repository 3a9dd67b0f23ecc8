# shellcheck shell=bash
# PostgreSQL's adapter for the failure contract (contract.sh; sourced by lib.sh). The target is a
# database of the workstation cluster.

pg_available() { engine_selected pg; }

# A workstation database "keep" with known content.
pg_keep() {
	ws_psql -q -d postgres -c 'CREATE DATABASE keep' >/dev/null || it_fail "create keep"
	ws_psql -q -d keep >/dev/null <<-'EOF' || it_fail "fill keep"
		CREATE TABLE precious (id int PRIMARY KEY, v text);
		INSERT INTO precious SELECT i, 'keep me ' || i FROM generate_series(1, 1000) i;
		CREATE INDEX precious_v ON precious (v);
	EOF
	KEEP_TARGET=keep
}

# Schema and every row, from compare.sh's catalog query ("absent" when there is no such database:
# a failed pull must not create it).
pg_target_fingerprint() {
	if ws_dbs | grep -qxF -- "$1"; then ws_fingerprint "$1"; else echo absent; fi
}
# An interrupted pull keeps its temporary database for `pull --resume`, named by its state file:
# that one is neither a change of the local side nor a leftover (t_resume_runs checks that it is
# kept, used and removed).
pg_resume_kept() { sed -n 's/^temp=//p' "$(siphon_home)"/.local/state/siphon/resume/* 2>/dev/null; }
pg_local_list() {
	local kept dbs
	kept=$(pg_resume_kept)
	dbs=$(ws_dbs) || return 1
	[ -n "$dbs" ] || return 0
	printf '%s\n' "$dbs" | grep -vxF -e "${kept:-siphon_none}" || true
}
pg_local_leftovers() { pg_local_list | sed -n 's/^siphon_\(tmp\|old\)_.*/temporary database &/p'; }

# Client sessions on the server cluster (siphon's pg_dump/psql, or anyone's through sudo).
pg_remote_leftovers() {
	srv_psql -At -d postgres -c "SELECT 'session ' || usename || '@' || datname || ': ' || left(query, 60)
	  FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
}

pg_pull() { siphon_pull "$@"; }

pg_big() {
	srv_ensure_big || it_fail "could not create database big"
	BIG_SOURCE=big
}

pg_phases() { echo stream; }

# Until a COPY of big streams on the server (and a moment more); zstd runs there too.
pg_bg_big_pull() { # PHASE [ARGS...]
	shift
	siphon_bg pull "$(remote_spec "$BIG_SOURCE")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--into "$KEEP_TARGET" -j 2 --compress zstd "$@"
	wait_remote_copy "$BIG_SOURCE" "$SIPHON_PID"
	sleep 0.3
}
