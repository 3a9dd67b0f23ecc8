#!/bin/sh
# Installs what siphon needs to build and test, on Debian 12 / Ubuntu.
# zsh, fish and tcsh: the remote login shells the tests run commands under; bash-completion, zsh
# and fish also drive the completion scripts (tests/shell/t_completion.sh); man-db and groff-base:
# the man page checks (man --warnings, lexgrog, man -w after make install);
# pgbouncer: the connection pooler test. mariadb-server/-client: the MySQL engine's two servers;
# mydumper, sysbench, time: bench/pull_mysql.sh (data and the myloader anchor; /usr/bin/time).
# socat: a ProxyCommand relay into the bastion's namespace (t_proxy_command); tmux: the live
# display's terminal (t_progress_live); python3: the JSON stream's checker (t_progress_json).
# cron: the crontab command that `siphon schedule` edits (tests/shell/t_schedule.sh); tzdata: the
# time zones test_sched computes next runs across daylight saving changes in.
set -e
PKGS="build-essential pkg-config libssh2-1-dev zlib1g-dev libzstd-dev libarchive-dev libssl-dev libcmocka-dev
postgresql postgresql-contrib openssh-server openssh-client zstd pigz gzip sqlite3 procps iproute2 sudo util-linux
zsh fish tcsh bash-completion man-db groff-base pgbouncer mariadb-server mariadb-client mydumper sysbench time clang libclang-rt-14-dev
socat tmux python3 cron tzdata"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing (minutes on a fresh system)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || true
# shellcheck disable=SC2086 # one word per package
apt-get install -y -q --no-install-recommends $missing >/dev/null
