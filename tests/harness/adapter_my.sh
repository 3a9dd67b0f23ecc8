# shellcheck shell=bash
# MariaDB's adapter for the failure contract (contract.sh; sourced by lib.sh). The target is a
# database of the workstation MariaDB.

my_available() {
	engine_selected my || return 1
	[ "${SIPHON_IT_MY:-0}" = 1 ] && return 0
	echo "MariaDB is not available in this harness"
	return 1
}

# A workstation database "keep": a table with rows, a view, a trigger, a function, a procedure and
# an event (an old copy as siphon would leave it).
my_keep() {
	ws_my >/dev/null <<-'SQL' || it_fail "create MariaDB keep"
		CREATE DATABASE keep CHARACTER SET latin1 COMMENT 'the old copy';
		USE keep;
		CREATE TABLE precious (id INT PRIMARY KEY, v VARCHAR(40), KEY (v)) ENGINE=InnoDB;
		INSERT INTO precious SELECT seq, CONCAT('keep me ', seq) FROM seq_1_to_1000;
		CREATE TABLE precious_log (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(40)) ENGINE=InnoDB;
		CREATE TABLE texts (id INT PRIMARY KEY, local_only VARCHAR(10)) ENGINE=InnoDB;
		INSERT INTO texts VALUES (1, 'mine');
		CREATE VIEW precious_view AS SELECT id FROM precious WHERE id < 10;
		CREATE TRIGGER precious_ins AFTER INSERT ON precious FOR EACH ROW INSERT INTO precious_log (what) VALUES ('ins');
		CREATE FUNCTION keep_fn() RETURNS INT DETERMINISTIC NO SQL RETURN 7;
		CREATE PROCEDURE keep_proc() SELECT 1;
		CREATE EVENT keep_ev ON SCHEDULE EVERY 1 DAY STARTS '2037-01-01 00:00:00' DISABLE DO DELETE FROM precious_log;
	SQL
	KEEP_TARGET=keep
}

# compare_mysql.sh --fingerprint: schema items and every row ("absent" when there is no such
# database: a failed pull must not create it).
my_target_fingerprint() {
	if ws_my_dbs | grep -qxF -- "$1"; then my_fingerprint_ws "$1"; else echo absent; fi
}
my_local_list() { ws_my_dbs; }
my_local_leftovers() { ws_my_dbs | sed -n 's/^siphon_\(tmp\|old\)_.*/temporary database &/p'; }

# Sessions of any account but root on the server (the test's own clients, loads and sleepers are
# root), and sessions on the workstation but this query's and the ones given (ids).
my_remote_leftovers() { # [WS_SESSION_ID_TO_IGNORE...]
	local not=0 id
	for id in "$@"; do not="$not,$id"; done
	srv_my -N -B -e "SELECT CONCAT_WS(' ', 'session', ID, USER, IFNULL(DB, '-'), COMMAND, LEFT(IFNULL(INFO, ''), 60))
	  FROM information_schema.PROCESSLIST
	  WHERE ID <> CONNECTION_ID() AND USER NOT IN ('root', 'system user', 'event_scheduler') AND COMMAND <> 'Daemon'"
	ws_my -N -B -e "SELECT CONCAT_WS(' ', 'workstation session', ID, USER, IFNULL(DB, '-'), COMMAND, LEFT(IFNULL(INFO, ''), 60))
	  FROM information_schema.PROCESSLIST
	  WHERE ID <> CONNECTION_ID() AND ID NOT IN ($not) AND USER NOT IN ('system user', 'event_scheduler') AND COMMAND <> 'Daemon'"
}

my_pull() { # SOURCE [ARGS...]
	local db=$1
	shift
	siphon_pull "$db" --engine mysql "$@"
}

my_big() {
	srv_my_ensure_big || it_fail "could not create siphon_big"
	BIG_SOURCE=siphon_big
}

my_phases() { echo stream; }

# Until a data channel reads rows on the server (and a moment more: rows are flowing); zstd runs
# there too.
my_bg_big_pull() { # PHASE [ARGS...]
	shift
	siphon_bg pull "$(remote_spec "$BIG_SOURCE")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
		--engine mysql --into "$KEEP_TARGET" -j 2 --compress zstd "$@"
	wait_my_data_select "$SIPHON_PID"
	sleep 0.3
}
