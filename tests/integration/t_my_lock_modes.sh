#!/bin/bash
# needs-real-siphon
# MariaDB: how siphon gets one instant when the global read lock is not an option, and what
# --lock-all and the default mode do to production's writes. Each copy is compared with its source.
#   1. default: the lock is gone once the data flows (a write on the server goes through at once)
#   2. --lock-all: the lock stays for the whole copy (a write is blocked), and is gone afterwards
#   3. a query running for >= 1 s: siphon does not take the lock (it would stall every write behind
#      that query) and says so; the binlog positions give the instant; --lock-all then fails (6)
#   4. a session holding LOCK TABLES ... WRITE: FLUSH TABLES WITH READ LOCK gives up after its 2 s
#      lock_wait_timeout; the binlog positions give the instant
#   5. no RELOAD and no binary log: one channel, one transaction. The "remote" server is the
#      workstation's MariaDB (no binary log), reached through --remote-mysql-opts with an account
#      that lacks RELOAD; the source is a copy of siphon_src made there first.
#   6. --no-lock with --lock-all: a usage error
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/my_lib.sh"
harness_start || exit 1
my_begin
src=$SIPHON_IT_MY_SRC_DB
bank=siphon_it_lockbank
my_bank_create "$bank" "${SIPHON_IT_MY_BANK_ROWS:-100000}" || it_fail "creating $bank"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS $bank'"

# 1. Default: the lock lasts while the channels start, not while they read.
siphon_bg pull "$(remote_spec "$bank")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --engine mysql --into bank_default
wait_my_data_select "$SIPHON_PID"
# (The first rows may be read before siphon has released the lock: the UNLOCK follows the last
# channel's report. Then it must go within a moment.)
ok=0
for _ in $(seq 1 40); do
	kill -0 "$SIPHON_PID" 2>/dev/null || break
	srv_my_try_write "$bank" accounts_a && { ok=1; break; }
	sleep 0.05
done
if [ "$ok" = 1 ]; then
	kill -0 "$SIPHON_PID" 2>/dev/null && it_note "default mode: a write went through while siphon was reading the data" ||
		it_note "default mode: siphon was done before the write went through (inconclusive, the copy was fast)"
else
	kill -0 "$SIPHON_PID" 2>/dev/null && it_fail "default mode: writes stayed blocked for 2 s while siphon was reading the data"
	it_note "default mode: siphon was done before a write went through (inconclusive, the copy was fast)"
fi
siphon_wait 60
assert_rc 0 "default mode"
my_expect_stderr '^siphon: one instant for 2 channels: global read lock held [0-9]+ ms$' "the lock line"
assert_same_my "$bank" bank_default

# 2. --lock-all: writes wait for the whole copy.
siphon_bg pull "$(remote_spec "$bank")" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" --engine mysql --into bank_lockall --lock-all
wait_my_data_select "$SIPHON_PID"
if srv_my_try_write "$bank" accounts_b; then
	kill -0 "$SIPHON_PID" 2>/dev/null && it_fail "--lock-all: a write went through while siphon was reading the data"
	it_fail "--lock-all: siphon was done before the write probe; make the bank bigger (SIPHON_IT_MY_BANK_ROWS)"
fi
it_note "--lock-all: a write during the copy was blocked ($(cat "$H/run/write.err"))"
siphon_wait 60
assert_rc 0 "--lock-all"
my_expect_stderr '^siphon: --lock-all: the global read lock is held until the copy is done' "the --lock-all line"
srv_my_try_write "$bank" accounts_b || it_fail "--lock-all: writes are still blocked after siphon ended"
assert_same_my "$bank" bank_lockall

# 3. A long query: no lock, the binlog positions; --lock-all refused.
my_keep
srv_my_sleep_start 60
my_pull "$src" --into long_query
assert_rc 0 "pull while a long query runs"
my_expect_stderr '^siphon: 127\.0\.0\.1: 1 query is running for up to [0-9]+s; a global read lock would wait behind it and stall production.s writes, so siphon does not take it$' "the long-query line"
my_expect_stderr '^siphon: one instant for [0-9]+ channels: their snapshots share one binary log position$' "the binlog line"
assert_same_my "$src" long_query --definer-of root@localhost
contract_before my keep
my_pull "$src" --into keep --lock-all
assert_failed_cleanly my 6 '--lock-all needs the global read lock'
my_sleep_stop

# 4. LOCK TABLES ... WRITE held by an idle session elsewhere: FLUSH TABLES WITH READ LOCK times out.
srv_my -e "DROP DATABASE IF EXISTS siphon_it_locked; CREATE DATABASE siphon_it_locked; CREATE TABLE siphon_it_locked.t (x INT)" || it_fail "create siphon_it_locked"
harness_on_exit "srv_my -e 'DROP DATABASE IF EXISTS siphon_it_locked'"
rm -f "$H/run/locker.fifo"
mkfifo "$H/run/locker.fifo" || it_fail "mkfifo"
srv_my -N -B -n <"$H/run/locker.fifo" >"$H/run/locker.out" 2>&1 &
locker=$!
harness_on_exit "kill $locker 2>/dev/null"
exec 7>"$H/run/locker.fifo"
echo "LOCK TABLES siphon_it_locked.t WRITE; SELECT 'locked';" >&7
for _ in $(seq 1 100); do grep -q locked "$H/run/locker.out" && break; sleep 0.05; done
grep -q locked "$H/run/locker.out" || it_fail "LOCK TABLES: $(cat "$H/run/locker.out")"
my_pull "$src" --into table_locked
assert_rc 0 "pull while a session holds LOCK TABLES ... WRITE"
my_expect_stderr '^siphon: 127\.0\.0\.1: the global read lock was refused \(.*Lock wait timeout exceeded' "the refused lock"
my_expect_stderr '^siphon: one instant for [0-9]+ channels: their snapshots share one binary log position$' "the binlog line"
assert_same_my "$src" table_locked --definer-of root@localhost
exec 7>&-
wait "$locker" 2>/dev/null
rm -f "$H/run/locker.fifo"

# 5. No RELOAD, no binary log: one channel. Source: a copy of siphon_src on the workstation server.
my_pull "$src" --into ws_source
assert_rc 0 "the source on the workstation server"
my_ws_account_create siphon_it_nobinlog "SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, PROCESS, BINLOG MONITOR"
[ "$(ws_my -N -B -e 'SELECT @@log_bin')" = 0 ] || it_fail "the workstation MariaDB has a binary log"
siphon_pull ws_source --engine mysql --into ws_single -j 4 --remote-mysql-opts "--defaults-file=$MY_WS_ACCOUNT_CNF"
assert_rc 0 "no RELOAD, no binary log"
my_expect_stderr 'the global read lock was refused .*RELOAD' "the refused lock"
my_expect_stderr '^siphon: warning: no way to give several channels one instant on 127\.0\.0\.1 \(no global read lock, no binary log\): copying over one channel in one transaction' "the one-channel warning"
my_expect_stderr 'over 1 channel \(one transaction\)' "one channel"
assert_same_my ws_source ws_single --src "$SIPHON_IT_MY_WS_SOCK" --definer-of root@localhost

# 6. Contradicting options.
contract_before my keep
my_pull "$src" --into keep --no-lock --lock-all
assert_failed_cleanly my 2 '--no-lock and --lock-all'

assert_ws_my_dbs keep long_query table_locked ws_source ws_single bank_default bank_lockall
assert_no_pwned
assert_left_clean my
