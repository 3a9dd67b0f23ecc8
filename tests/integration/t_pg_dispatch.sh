#!/bin/bash
# Pieces go to channels as they come free (lib/engine/dispatch.c): a pull of "big" (two tables of
# ~100 MB, each cut into pieces) with -j 4. A fixed plan, largest first, would start all four
# channels on pieces of the first table; dispatched, the first pieces of the four channels name
# both tables. The copy is compared table by table; every piece started is a piece ended, each
# table's pieces all arrived once. (A saved pull keeps each channel's list fixed, so that a restore
# replays the channels as they came: t_snap_pg, t_snaponly_pg.)
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
srv_ensure_big || it_fail "could not create the database big"

ev=$H/run/events.json
siphon_pull big --into big_disp -j 4 -v --progress=json --progress-fd 3 3>"$ev"
assert_rc 0 "pull big -j 4"
grep -q 'pieces over 4 channels, each piece to the channel that comes free' "$H/run/err" ||
	it_fail "-v does not say that pieces are dispatched: $(grep 'pieces over' "$H/run/err")"
assert_same big big_disp

# The first piece each channel received, and every piece's start and end.
firsts=$(jq -r 'select(.event == "table_start") | "\(.table.channel) \(.table.name)"' "$ev" |
	awk '!seen[$1]++ { print $2 }' | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
it_note "first pieces per table: $firsts"
case $firsts in
*blob_rows:*more_rows:*) ;;
*) it_fail "the four channels did not start on both tables: $firsts" ;;
esac
pieces=$(jq -r 'select(.event == "table_start") | "\(.table.name) \(.table.piece)/\(.table.pieces)"' "$ev" | sort)
ends=$(jq -r 'select(.event == "table_end") | "\(.table.name) \(.table.piece)/\(.table.pieces)"' "$ev" | sort)
[ "$pieces" = "$ends" ] || it_fail "pieces started and ended differ: $(diff <(echo "$pieces") <(echo "$ends") | head -n 5)"
[ "$(echo "$pieces" | sort -u | wc -l)" = "$(echo "$pieces" | wc -l)" ] || it_fail "a piece arrived twice: $pieces"
for t in blob_rows more_rows; do
	n=$(echo "$pieces" | grep -c "^$t ")
	of=$(echo "$pieces" | awk -v t="$t" '$1 == t { split($2, a, "/"); print a[2]; exit }')
	[ "$n" -ge 2 ] && [ "$n" = "$of" ] || it_fail "$t: $n pieces arrived of $of (expected at least 2, all of them)"
done
it_note "pieces: $(echo "$pieces" | tr '\n' ' ')"
ws_psql -q -d postgres -c 'DROP DATABASE big_disp' >/dev/null

