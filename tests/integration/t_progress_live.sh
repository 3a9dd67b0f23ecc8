#!/bin/bash
# The live display in a real terminal (tmux, tests/harness/tty.sh): a pull of "big" (~100 MB) at
# 100x30, then at 40 columns with a resize to 70 and back in the middle. While it runs the block
# shows the tables, the phase and the total line, and none of its lines is wrapped (no row of
# the block fills the width: the display's lines stop a column short); at the end the screen holds
# the summary line and no line of the block; stdout and stderr of a pull into a pipe stay
# animation-free (no escape sequence).
. "$(dirname "$0")/../harness/lib.sh"
harness_start || exit 1
it_begin
tty_available || it_skip "tmux is not installed"
srv_ensure_big || it_fail "could not create the database big"

# Lines of the live block: a table (two blanks, then a name), a phase, the total.
block_re='^(  [^ ].*|(connect|probe|choose|inspect|check|plan|transfer|finish|cleanup|starting)(:.*)?|total .* on the wire, .*)$'

# Snapshots of NAME every 0.2 s while siphon runs: joined into $H/run/snaps-NAME (a "----" line
# between), and as the screen's rows into $H/run/rows-NAME, each snapshot after a line
# "---- WIDTH" (the terminal's width then).
watch_screens() { # NAME
	local n=0
	: >"$H/run/snaps-$1"
	: >"$H/run/rows-$1"
	while tty_running "$1" && [ $n -lt 900 ]; do
		{ tty_screen_joined "$1"; echo ----; } >>"$H/run/snaps-$1"
		{ echo "---- $(tty_width "$1")"; tty_screen "$1"; } >>"$H/run/rows-$1"
		n=$((n + 1))
		sleep 0.2
	done
}

# No row of the block fills the width (a line that wrapped fills its first row; the display's
# lines stop a column short). Snapshots within 1.6 s of a resize are skipped: the terminal has
# reflowed the old frame's lines, and the next frame redraws them (on a loaded machine the frame
# after a resize came later than 0.6 s).
assert_no_wrap() { # NAME
	local long
	long=$(awk -v re="$block_re" '
		/^---- [0-9]+$/ { if ($2 != w) { w = $2; skip = 8 } else if (skip > 0) skip--; next }
		skip == 0 && $0 ~ re && length($0) >= w { print w ": " $0 }' "$H/run/rows-$1" | head -n 3)
	[ -z "$long" ] || it_fail "$1: block lines that fill the width (wrapped): $long"
}

# The last screen: the summary, nothing of the block.
assert_clean_end() { # NAME
	tty_screen_joined "$1" >"$H/run/final-$1"
	grep -q '^pulled big from .* into big_live' "$H/run/final-$1" ||
		it_fail "$1: no summary line on the final screen: $(cat "$H/run/final-$1")"
	if grep -E '^(  [^ ].*[0-9.]+ [kMG]?B|(transfer|finish|cleanup)(:.*)?|total .* on the wire, .*)$' \
		"$H/run/final-$1"; then
		it_fail "$1: the live block was left on the final screen"
	fi
}

spec=$(remote_spec big)
tty_start wide 100 30 "$SIPHON_BIN" pull "$spec" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
	--into big_live -j 2
watch_screens wide
tty_wait wide 120
assert_rc 0 "live pull at 100x30"
it_note "wide: $(grep -cE "$block_re" "$H/run/snaps-wide") block lines in $(grep -c '^----$' "$H/run/snaps-wide") snapshots"
grep -qE '^  public\.blob_rows( \[[0-9]+/[0-9]+\])? +[0-9.]+ [kMG]?B' "$H/run/snaps-wide" ||
	it_fail "no table line seen while copying; seen: $(grep -E "$block_re" "$H/run/snaps-wide" | sort | uniq -c | sort -rn | head -n 12)"
grep -qE '^transfer(: table data)?; [0-9]+ tables? done' "$H/run/snaps-wide" || it_fail "no transfer line seen"
grep -qE '^total [0-9.]+ [kMG]?B on the wire, [0-9.]+ [kMG]?B raw' "$H/run/snaps-wide" || it_fail "no total line seen"
grep -qE '^finish: ' "$H/run/snaps-wide" || it_note "the finish went by between two snapshots"
assert_no_wrap wide
assert_clean_end wide
# The display shows in place: a frame never leaves a copy of itself above (one total line at a time).
awk '/^----$/ { if (n > 1) bad = 1; n = 0; next } /^total .* on the wire, / { n++ } END { exit bad }' \
	"$H/run/snaps-wide" || it_fail "a snapshot held two total lines: the block did not redraw in place"

# 40 columns, resized to 70 and back while it runs.
ws_reset
tty_start narrow 40 30 "$SIPHON_BIN" pull "$spec" -i "$SIPHON_IT_KEY" --known-hosts "$SIPHON_IT_KNOWN_HOSTS" \
	--into big_live -j 2
( sleep 1.5; tty_resize narrow 70 30; sleep 1; tty_resize narrow 40 30 ) &
resizer=$!
watch_screens narrow
wait $resizer
tty_wait narrow 120
assert_rc 0 "live pull at 40 columns"
assert_no_wrap narrow
grep -q '^---- 70$' "$H/run/rows-narrow" || it_note "narrow: the run ended before the resize to 70"
# Once back at 40 and at the end, the lines fit 40 again.
tty_screen_joined narrow | grep -E "$block_re" | awk 'length($0) > 39 { bad = 1 } END { exit bad }' ||
	it_fail "narrow: block lines wider than 39 columns at the end"
assert_clean_end narrow

# Not a terminal: no escape sequence anywhere, one line per stage done.
ws_reset
siphon_pull small --into small_text
assert_rc 0 "pull into a pipe"
grep -q $'\033' "$H/run/err" "$H/run/out" && it_fail "escape sequences on a pipe"
grep -qE '^siphon: transfer done in [0-9.]+ s$' "$H/run/err" || it_fail "no line per stage done on a pipe"

# --progress=live where there is no terminal falls back to text; --progress=none prints no progress.
siphon_pull small --into small_text --progress=live
assert_rc 0 "--progress=live on a pipe"
grep -q $'\033' "$H/run/err" && it_fail "escape sequences with --progress=live on a pipe"
siphon_pull small --into small_text --progress=none
assert_rc 0 "--progress=none"
grep -q 'done in' "$H/run/err" && it_fail "--progress=none printed stage lines"
assert_left_clean pg
