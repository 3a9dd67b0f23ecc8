# tty.sh - run a program in a pseudo-terminal of a given size and read its screen: tmux, on a
# server of its own (socket in $H), so that a test sees what a person at a terminal would.
# Sourced by lib.sh; needs tmux (tty_available says whether it is there).
#
#   tty_start NAME COLS ROWS CMD [ARGS...]   start CMD in a detached session NAME (TERM as tmux
#                                            sets it); its exit status goes to $H/run/tty-NAME.rc
#   tty_wait NAME [SECONDS]                  wait for CMD to end (default 120 s); sets RC
#                                            (124 when it did not end in time)
#   tty_running NAME                         whether CMD still runs
#   tty_screen NAME                          print the screen now, one line per row (lines that
#                                            the terminal wrapped stay cut where it wrapped them)
#   tty_screen_joined NAME                   the same with wrapped lines joined back (a line
#                                            longer than the width here was wrapped)
#   tty_width NAME                           the terminal's width now
#   tty_resize NAME COLS ROWS                change the terminal's size (the program gets SIGWINCH)
#   tty_stop NAME                            end the session (also done at exit)
# The session stays open after CMD ends (remain-on-exit), so that its last screen can be read.

tty_available() { command -v tmux >/dev/null 2>&1; }

_tty() { tmux -S "$H/run/tmux.sock" "$@"; }

tty_start() { # NAME COLS ROWS CMD [ARGS...]
	local name=$1 cols=$2 rows=$3 script
	shift 3
	script="$H/run/tty-$name.sh"
	rm -f "$H/run/tty-$name.rc"
	{
		printf '#!/bin/bash\n'
		printf '%q ' "$@"
		printf '\necho $? >%q\n' "$H/run/tty-$name.rc"
	} >"$script"
	chmod +x "$script"
	# A shell-less session: the screen holds the program's output and nothing else.
	_tty -f /dev/null new-session -d -s "$name" -x "$cols" -y "$rows" "$script" ||
		it_fail "tmux could not start session $name"
	_tty set-option -t "$name" remain-on-exit on >/dev/null
	# The window keeps the size asked for, whatever clients attach.
	_tty set-option -t "$name" window-size manual >/dev/null 2>&1
	_tty resize-window -t "$name" -x "$cols" -y "$rows" >/dev/null 2>&1
	harness_on_exit "tmux -S '$H/run/tmux.sock' kill-server 2>/dev/null"
}

tty_running() { [ ! -e "$H/run/tty-$1.rc" ]; }

tty_wait() { # NAME [SECONDS]
	local i
	for i in $(seq 1 $((${2:-120} * 10))); do
		tty_running "$1" || break
		sleep 0.1
	done
	if tty_running "$1"; then
		RC=124
		return 0
	fi
	RC=$(cat "$H/run/tty-$1.rc")
	# Let tmux draw the last bytes.
	sleep 0.3
}

tty_screen() { _tty capture-pane -p -t "$1"; }
tty_width() { _tty display-message -p -t "$1" '#{pane_width}'; }
tty_screen_joined() { _tty capture-pane -p -J -t "$1"; }

tty_resize() { # NAME COLS ROWS
	_tty resize-window -t "$1" -x "$2" -y "$3" || it_fail "tmux could not resize $1"
}

tty_stop() { _tty kill-session -t "$1" 2>/dev/null; }
