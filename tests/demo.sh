#!/bin/bash
# make demo: start a throwaway "production" (sshd + PostgreSQL on loopback with
# sample data) and a "workstation" PostgreSQL, pull the database with siphon,
# and show that the copy matches.  Everything is removed at the end.
set -u
SIPHON_BIN=${1:?usage: tests/demo.sh /path/to/siphon}
export SIPHON_BIN
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness/lib.sh
. "$here/harness/lib.sh"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "starting a sandbox: sshd on 127.0.0.1, a \"server\" and a \"workstation\" PostgreSQL"
harness_start || exit 1

say "production (over ssh as $SIPHON_IT_SSH_USER@127.0.0.1:$SIPHON_IT_SSH_PORT): database app"
srv_psql -d app -c "SELECT n.nspname AS schema, c.relname AS table, pg_size_pretty(pg_table_size(c.oid)) AS size
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  ORDER BY pg_table_size(c.oid) DESC LIMIT 8"

say "the local database app_copy before: $(ws_psql -Atc "SELECT count(*) FROM pg_database WHERE datname = 'app_copy'" -d postgres | sed 's/^0$/does not exist/;s/^1$/exists/')"

cmd=("$SIPHON_BIN" pull -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS"
	"$SIPHON_IT_SSH_USER@127.0.0.1:$SIPHON_IT_SSH_PORT:app" --into app_copy)
say "running: siphon pull ${cmd[*]:2}"
"${cmd[@]}" || { echo "demo: the pull failed" >&2; exit 1; }

say "comparing every table (rows and content hash), sequences, indexes, constraints, views..."
"$SIPHON_IT_LIB_DIR/compare.sh" app app_copy && echo "the copy matches the source"

say "pulling again replaces the copy atomically (a failure would leave it as it was)"
"${cmd[@]}" -q && echo "done"
