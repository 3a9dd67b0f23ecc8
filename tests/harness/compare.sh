#!/bin/bash
# compare.sh: is a copied database the same as its source?
#
#   compare.sh [--src HOST:PORT] [--dst HOST:PORT] [--no-cache] SRC_DB DST_DB
#   compare.sh --fingerprint [--dst HOST:PORT] DB      print one md5 for the whole database
#
# SRC_DB is read on the "server" cluster (default $SIPHON_IT_SRV_HOST:$SIPHON_IT_SRV_PORT), DST_DB on
# the "workstation" cluster (default $SIPHON_IT_WS_HOST:$SIPHON_IT_WS_PORT); HOST may be a socket
# directory. Both are read as role postgres with compare.sql: every user table (each partition leaf,
# all non-system schemas) with its row count and an md5 of its sorted rows (each row's columns in
# the order of their names, so values are compared by column name), sequences' values and definitions, relations (populated or
# not), columns, indexes, constraints, views, functions, triggers and event triggers with their
# enabled state, rules, policies, publications, types and enum labels, comments, extensions, large
# objects (oid, size, md5, privileges to PUBLIC) and the database-level settings. Owners and other
# privileges are not compared (the clusters' roles differ).
#
# Exit 0: equal. 1: different (the first differences are printed). 2: could not read a side.
# With SIPHON_IT_COMPARE_CACHE set (the harness sets it), the source side is cached per database:
# tests never modify the server's databases; --no-cache reads it afresh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${SIPHON_IT_SRV_HOST:-}:${SIPHON_IT_SRV_PORT:-}
dst=${SIPHON_IT_WS_HOST:-}:${SIPHON_IT_WS_PORT:-}
cache=${SIPHON_IT_COMPARE_CACHE:-}
fingerprint=0
max=${COMPARE_MAX_LINES:-40}
while [ $# -gt 0 ]; do
	case $1 in
	--src) src=$2; shift 2 ;;
	--dst) dst=$2; shift 2 ;;
	--no-cache) cache=; shift ;;
	--fingerprint) fingerprint=1; shift ;;
	--) shift; break ;;
	-*) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done

describe() { # HOST:PORT DB OUTFILE
	local host=${1%:*} port=${1##*:}
	# psql itself, not Debian's pg_wrapper (a Perl script: lib.sh's srv_psql says why).
	PGOPTIONS='' PGDATABASE='' "${SIPHON_IT_PGBIN:-/usr/lib/postgresql/15/bin}/psql" -X -q -h "$host" -p "$port" -U postgres -d "$2" -f "$here/compare.sql" >"$3.raw" 2>"$3.err" ||
		{ echo "compare.sh: cannot read database '$2' at $1:" >&2; cat "$3.err" >&2; return 2; }
	LC_ALL=C sort "$3.raw" >"$3" && rm -f "$3.raw"
}

tmp=$(mktemp -d /tmp/siphon-compare.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT

if [ "$fingerprint" = 1 ]; then
	[ $# = 1 ] || { echo "usage: compare.sh --fingerprint [--dst HOST:PORT] DB" >&2; exit 2; }
	describe "$dst" "$1" "$tmp/d" || exit 2
	md5sum <"$tmp/d" | cut -d' ' -f1
	exit 0
fi
[ $# = 2 ] || { echo "usage: compare.sh [--src HOST:PORT] [--dst HOST:PORT] [--no-cache] SRC_DB DST_DB" >&2; exit 2; }

srcfile=$tmp/src
if [ -n "$cache" ] && [ -d "$cache" ]; then
	key=$(printf '%s\n%s\n' "$src" "$1" | md5sum | cut -d' ' -f1)
	srcfile=$cache/$key
fi
pid=
if [ ! -s "$srcfile" ]; then
	describe "$src" "$1" "$srcfile.tmp" &
	pid=$!
fi
describe "$dst" "$2" "$tmp/dst" || { [ -n "$pid" ] && wait "$pid"; exit 2; }
if [ -n "$pid" ]; then
	wait "$pid" || exit 2
	mv "$srcfile.tmp" "$srcfile"
fi

n=$(wc -l <"$srcfile")
if cmp -s "$srcfile" "$tmp/dst"; then
	echo "compare: '$1' and '$2' are equal ($n items)"
	exit 0
fi
diff -U0 "$srcfile" "$tmp/dst" | grep -v '^@@' | tail -n +3 >"$tmp/diff"
nd=$(grep -c '' "$tmp/diff")
echo "compare: '$1' (-, source) and '$2' (+, copy) differ: $nd lines; the first $max (long lines cut):"
head -n "$max" "$tmp/diff" | cut -c1-400
exit 1
