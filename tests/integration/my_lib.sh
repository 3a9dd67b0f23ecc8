# shellcheck shell=bash
# Helpers of the MySQL/MariaDB integration tests (t_my_*.sh), sourced after tests/harness/lib.sh
# (which brings mysql.sh: srv_my, ws_my, my_ident, my_str, assert_same_my...). Not a test itself
# (run.sh runs t_*.sh only).
#
#   my_begin                 it_begin (the workstation's databases dropped) + it_require_my
# (my_pull, my_keep and the failure contract are the harness's: adapter_my.sh, contract.sh.)
#   my_account_create NAME PRIVS   NAME@localhost on the server MariaDB with PRIVS ON *.* and an
#                            option file for it in MY_ACCOUNT_CNF (pass it as --remote-mysql-opts
#                            "--defaults-file=$MY_ACCOUNT_CNF"); dropped at exit
#   my_ws_account_create NAME PRIVS   the same on the workstation MariaDB (MY_WS_ACCOUNT_CNF), for
#                            a "remote" server reached through the workstation socket
#   srv_my_sleep_start SECONDS   a server session running SELECT SLEEP(SECONDS) (MY_SLEEP_PID),
#                            returns once the server shows it running for >= 1 s; my_sleep_stop
#   assert_my_objects_work DB   the copied routines, views and triggers run on the workstation
#   my_expect_stderr REGEX [WHAT]  grep -E on siphon's stderr, fails the test without a match
#   srv_my_try_write DB TABLE   an UPDATE that does not wait for locks: 0 done, 1 blocked (1205)
#   my_bank_paced_load_start DB SECONDS PAUSE   the bank load with a pause after every transfer
#   my_kill_marked srv|ws MARK   KILL the sessions whose running query contains MARK
#   sshd_nomy_start          a second sshd that sees no mariadb/mysql client (SIPHON_IT_NOMY_PORT,
#                            SIPHON_IT_NOMY_KNOWN_HOSTS); 1 when the machine does not allow it

my_begin() {
	it_begin "$@"
	it_require_my
}


my_expect_stderr() { # REGEX [WHAT]
	grep -qE -- "$1" "$H/run/err" || it_fail "${2:-stderr} does not match /$1/"
}





# An account on a MariaDB server (srv or ws) with an option file that the SSH logins can read.
_my_account_create() { # srv|ws NAME PRIVS
	local side=$1 name=$2 privs=$3 pw cnf sock
	pw=pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	if [ "$side" = srv ]; then sock=$SIPHON_IT_MY_SRV_SOCK; else sock=$SIPHON_IT_MY_WS_SOCK; fi
	"${side}_my" -e "DROP USER IF EXISTS '$name'@'localhost'; CREATE USER '$name'@'localhost' IDENTIFIED BY '$pw';
	  GRANT $privs ON *.* TO '$name'@'localhost'" || it_fail "creating the account $name on $side"
	harness_on_exit "${side}_my -e \"DROP USER IF EXISTS '$name'@'localhost'\" 2>/dev/null; rm -f '$H/run/$side-$name.cnf'"
	cnf=$H/run/$side-$name.cnf
	printf '[client]\nsocket=%s\nuser=%s\npassword=%s\n' "$sock" "$name" "$pw" >"$cnf" && chmod 644 "$cnf" ||
		it_fail "writing $cnf"
	# The SSH logins must reach it: $H and $H/run are traversable.
	chmod o+x "$H" "$H/run" 2>/dev/null
	MY_ACCOUNT_CNF_OUT=$cnf
}
my_account_create() { _my_account_create srv "$@"; MY_ACCOUNT_CNF=$MY_ACCOUNT_CNF_OUT; }
my_ws_account_create() { _my_account_create ws "$@"; MY_WS_ACCOUNT_CNF=$MY_ACCOUNT_CNF_OUT; }

# A long query on the server: SELECT SLEEP(SECONDS) as root, seen running for >= 1 s.
srv_my_sleep_start() { # SECONDS
	srv_my -N -B -e "SELECT 'siphon-it-sleeper', SLEEP($1)" >/dev/null 2>&1 &
	MY_SLEEP_PID=$!
	harness_on_exit "my_sleep_stop"
	local i n
	for i in $(seq 1 100); do
		n=$(srv_my -N -B -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%siphon-it-sleeper%' AND TIME >= 1 AND ID <> CONNECTION_ID()")
		[ "$n" = 1 ] && return 0
		sleep 0.1
	done
	it_fail "the long query did not show up on the server"
}
my_sleep_stop() {
	[ -n "${MY_SLEEP_PID:-}" ] || return 0
	local id
	for id in $(srv_my -N -B -e "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%siphon-it-sleeper%' AND ID <> CONNECTION_ID()" 2>/dev/null); do
		srv_my -e "KILL $id" 2>/dev/null
	done
	kill "$MY_SLEEP_PID" 2>/dev/null
	wait "$MY_SLEEP_PID" 2>/dev/null
	MY_SLEEP_PID=
}

# The copy's routines, views and triggers run (DEFINER root@localhost exists here, prod_app does
# not); the values are the source's (read from the server). Changes DB (a procedure adds an order).
assert_my_objects_work() { # DB (a copy of siphon_src)
	local q out want
	q=$(my_ident "$1")
	myq() { ws_my -N -B -D "$1" -e "$2" 2>"$H/run/objects.err" || it_fail "on the copy $1: $2: $(cat "$H/run/objects.err")"; }
	want=$(srv_my -N -B -D siphon_src -e "SELECT IFNULL(SUM(amount), 0) FROM orders WHERE customer_id = 1")
	out=$(myq "$1" "SELECT order_total(1)")
	[ "$out" = "$want" ] || it_fail "function order_total(1): got '$out', want '$want'"
	for v in v_customer_totals a_top_customers '0_top names; "v"' v_big_orders; do
		# (As root on the server: prod_app, their definer there, is locked but exists.)
		want=$(srv_my -N -B -D siphon_src -e "SELECT * FROM $(my_ident "$v") ORDER BY 1" | md5sum)
		out=$(myq "$1" "SELECT * FROM $(my_ident "$v") ORDER BY 1" | md5sum)
		[ "$out" = "$want" ] || it_fail "view $v: its rows on the copy differ from the source's"
	done
	out=$(myq "$1" "CALL \`proc \"x\"; 'y'\`()")
	[ "$out" = "it's \"hostile\"; \$(touch /tmp/siphon-pwned)" ] || it_fail "procedure \`proc \"x\"; 'y'\`: got '$out'"
	# Triggers: an order through the procedure fires orders_audit_ins and orders_stats_ins.
	local audit0 n0 next
	audit0=$(myq "$1" "SELECT COUNT(*) FROM audit_log")
	n0=$(myq "$1" "SELECT n FROM order_stats WHERE id = 1")
	next=$(srv_my -N -B -e "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'siphon_src' AND TABLE_NAME = 'orders'")
	out=$(myq "$1" "CALL add_order(2, 12.34, @id); SELECT @id")
	[ "$out" = "$next" ] || it_fail "add_order gave id '$out', the source's AUTO_INCREMENT is $next"
	[ "$(myq "$1" "SELECT COUNT(*) FROM audit_log")" = $((audit0 + 1)) ] || it_fail "trigger orders_audit_ins did not fire on the copy"
	[ "$(myq "$1" "SELECT action, order_id FROM audit_log ORDER BY id DESC LIMIT 1")" = "insert	$next" ] ||
		it_fail "trigger orders_audit_ins wrote the wrong row"
	[ "$(myq "$1" "SELECT n FROM order_stats WHERE id = 1")" = $((n0 + 1)) ] || it_fail "trigger orders_stats_ins did not fire on the copy"
	# A BEFORE UPDATE trigger that refuses, a check option, a BEFORE INSERT trigger on a hostile table.
	ws_my -D "$1" -e "UPDATE orders SET amount = -1 WHERE id = 1" >/dev/null 2>"$H/run/objects.err" &&
		it_fail "trigger orders_check_upd did not refuse a negative amount"
	grep -q 'amount must not be negative' "$H/run/objects.err" || it_fail "orders_check_upd: $(cat "$H/run/objects.err")"
	ws_my -D "$1" -e "INSERT INTO v_big_orders (customer_id, amount) VALUES (1, 5)" >/dev/null 2>"$H/run/objects.err" &&
		it_fail "view v_big_orders lost its CHECK OPTION"
	myq "$1" "INSERT INTO \`it's \"quoted\" \`\`bt\`\`\` (\`col \"x\"\`) VALUES (99)" >/dev/null
	out=$(myq "$1" "SELECT \`semi;\` FROM \`it's \"quoted\" \`\`bt\`\`\` WHERE \`col \"x\"\` = 99")
	[ "$out" = "default;" ] || it_fail "trigger \`trg; \"hostile\"\` did not fire (got '$out')"
	unset -f myq
	it_note "objects of $1 work: function, 4 views, 2 procedures, 4 triggers, check option"
}


# A write on the server that waits at most 0 s for a lock: 0 when it went through, 1 when it was
# blocked (ERROR 1205, e.g. by a global read lock); the error in $H/run/write.err.
srv_my_try_write() { # DB TABLE
	srv_my -e "SET SESSION lock_wait_timeout = 0; UPDATE $(my_ident "$1").$(my_ident "$2") SET balance = balance WHERE id = 1" \
		>/dev/null 2>"$H/run/write.err" && return 0
	grep -q 'ERROR 1205' "$H/run/write.err" || it_fail "the write probe failed otherwise: $(cat "$H/run/write.err")"
	return 1
}

# A second sshd (like lib.sh's sshd_nopg_start) whose view of the file system has no mysql client:
# in its private mount namespace /usr/bin is an overlay whose upper layer has whiteouts for
# mariadb and mysql (/bin is /usr/bin on Debian 12); mariadb-dump and everything else stay. Sets
# SIPHON_IT_NOMY_PORT and SIPHON_IT_NOMY_KNOWN_HOSTS; stopped at exit (harness_stop does not
# know it). Returns 1 when the machine does not allow it (no unshare -m, no overlayfs).
sshd_nomy_start() {
	local d=$H/sshd-nomy port b
	unshare -m --propagation private true 2>/dev/null || { it_note "unshare -m not permitted here"; return 1; }
	mkdir -p "$d/upper" "$d/work" || return 1
	for b in mariadb mysql; do
		[ -e "$d/upper/$b" ] || mknod "$d/upper/$b" c 0 0 || return 1
	done
	port=$(_h_free_port) || return 1
	_h_write_sshd_config "$d/sshd_config" "$port" "$d/sshd.pid"
	unshare -m --propagation private /bin/sh -c \
		'mount -t overlay overlay -o "lowerdir=/usr/bin,upperdir=$1/upper,workdir=$1/work" /usr/bin &&
		 ! command -v mariadb >/dev/null && ! command -v mysql >/dev/null &&
		 exec /usr/sbin/sshd -f "$1/sshd_config" -E "$2"' \
		sh "$d" "$H/logs/sshd-nomy.log" || { it_note "overlay mount or sshd failed: $(tail -n 3 "$H/logs/sshd-nomy.log" 2>/dev/null)"; return 1; }
	_h_sshd_ready "$d" "$port" || return 1
	SIPHON_IT_NOMY_PORT=$port
	SIPHON_IT_NOMY_KNOWN_HOSTS=$d/known_hosts
}

# my_bank_load_start (mysql.sh) with a pause of PAUSE seconds after every transfer (DO SLEEP): a
# write load that leaves short quiet moments between commits, in which MariaDB's binlog positions
# of several snapshots can agree. Same outputs: MY_BANK_PID, $H/run/bank.out; my_bank_load_stop.
my_bank_paced_load_start() { # DB SECONDS PAUSE
	local q rows
	q=$(my_ident "$1")
	rows=$(srv_my -N -B -e "SELECT COUNT(*) FROM $q.accounts_a") || it_fail "bank $1: no accounts_a"
	: >"$H/run/bank.out"
	setsid bash -c '
		awk -v secs="$1" -v rows="$2" -v pause="$5" '\''BEGIN {
			srand(); end = systime() + secs; n = 0
			while (systime() < end) {
				for (i = 0; i < 50; i++) {
					a = 1 + int(rand() * rows); b = 1 + int(rand() * rows); x = 1 + int(rand() * 50)
					if (n % 2) { f = "accounts_a"; t = "accounts_b" } else { f = "accounts_b"; t = "accounts_a" }
					printf "START TRANSACTION; UPDATE %s SET balance = balance - %d WHERE id = %d; UPDATE %s SET balance = balance + %d WHERE id = %d; COMMIT; DO SLEEP(%s);\n", f, x, a, t, x, b, pause
					n++
				}
				printf "SELECT %d;\n", n
				fflush()
			}
		}'\'' | mariadb --no-defaults --protocol=socket -S "$3" -u root -N -B --unbuffered -D "$4"' \
		bank "$2" "$rows" "$SIPHON_IT_MY_SRV_SOCK" "$1" "$3" >"$H/run/bank.out" 2>"$H/run/bank.err" </dev/null &
	MY_BANK_PID=$!
	harness_on_exit "kill -- -$MY_BANK_PID 2>/dev/null"
	it_note "paced bank load on $1 for ${2}s, a pause of ${3}s after each transfer (pid $MY_BANK_PID)"
}

# KILL the sessions of a server (srv|ws) whose query contains MARK (a client killed on this side
# leaves its running query on the server until it ends).
my_kill_marked() { # srv|ws MARK
	local id
	for id in $("${1}_my" -N -B -e "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%$2%' AND ID <> CONNECTION_ID()" 2>/dev/null); do
		"${1}_my" -e "KILL $id" 2>/dev/null
	done
	return 0
}
