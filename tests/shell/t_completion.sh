#!/bin/bash
# t_completion.sh - the committed completion scripts, driven in the real
# shells through their own completion entry points, asserting on what each
# offers: bash (with bash-completion loaded, _siphon called as readline
# would), zsh (compinit in a zpty, compadd wrapped to record the matches)
# and fish (complete -C).  Then bash (with and without bash-completion) and
# zsh interactive in a pseudo-terminal, TAB typed, to see the line as the
# user does: what is inserted, and whether a space follows.  A fake siphon
# on PATH answers the hidden __complete-targets and __complete-profiles.
# Needs no server and no root: `make shell-test` runs it (and `make check`).
#
# usage: t_completion.sh [SRCDIR]   (default: the tree this script is in)
set -u
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
tmp=$(mktemp -d /tmp/siphon-t-completion-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0

# A fake siphon: profiles prod and staging; Hosts db1 and db2.example.com
# (offered as "host:", to go on with the database name).
mkdir -p "$tmp/bin" "$tmp/home/keys"
cat > "$tmp/bin/siphon" <<'FAKE'
#!/bin/sh
case $1 in
__complete-targets) printf '%s\n' prod staging db1: db2.example.com: ;;
__complete-profiles) printf '%s\n' prod staging ;;
*) exit 2 ;;
esac
FAKE
chmod +x "$tmp/bin/siphon"
: > "$tmp/home/id_test"
: > "$tmp/home/id_other"
: > "$tmp/home/keys/k1"
export PATH="$tmp/bin:$PATH" HOME="$tmp/home"
cd "$tmp/home" || exit 1

# ---- bash: bash-completion loaded, then the script, as a login shell
# would; _siphon called as readline does, each line in a subshell.
bash_completion=/usr/share/bash-completion/bash_completion
cat > "$tmp/bash-driver.sh" <<'DRIVER'
source "$1" || exit 1
source "$2" || exit 1
spec=$(complete -p siphon) || exit 1
[[ $spec == *"-F _siphon siphon" ]] || exit 1
shift 2
for COMP_LINE; do
	(
		COMP_POINT=${#COMP_LINE}
		# COMP_WORDS split at blanks (readline also splits at
		# COMP_WORDBREAKS: _siphon reads COMP_LINE for that reason).
		read -ra COMP_WORDS <<< "$COMP_LINE"
		[[ $COMP_LINE == *[[:space:]] || ${#COMP_WORDS[@]} -eq 0 ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_siphon siphon "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" || exit 1
		((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}"
	) || echo "(_siphon failed)"
	echo --
done
DRIVER
run_bash()
{
	bash --norc --noprofile "$tmp/bash-driver.sh" "$bash_completion" \
		"$src/completions/siphon.bash" "$@"
}

# ---- zsh: compinit in a pseudo-terminal, once for every line (compinit is
# slow); every compadd that adds matches records them (after zsh's own
# matching) in a file; TAB, then the line is killed and a sentinel printed,
# so the read knows completion is over.  Prints each line's matches, then a
# line "--".
cat > "$tmp/zsh-driver.zsh" <<'DRIVER'
zmodload zsh/zpty || exit 1
zmodload zsh/zselect || exit 1
local hits=$2 line i=0 w
zpty z zsh -f -i
zpty -w z "PS1='' PROMPT='' RPROMPT=''; unsetopt zle_bracketed_paste auto_list auto_menu beep"
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "compadd() { local -a _h; if (( \${@[(I)-[OAD]*]} )); then builtin compadd \"\$@\"; return; fi; builtin compadd -O _h \"\$@\"; (( \$#_h )) && print -rl -- \"\${_h[@]}\" >> ${(q)hits}; builtin compadd \"\$@\"; }"
zpty -w z "print SETUP''DONE"
zpty -r z out '*SETUPDONE*' || exit 1
shift 2
for line; do
	i=$((i + 1))
	: > $hits
	zpty -w -n z "$line"$'\t'
	# What comes next must not be typeahead while the completion runs (zsh may drop the
	# completion then, as seen on a loaded machine): wait until it has recorded its matches
	# (at most 2 s, which a line with no match costs).
	for w in {1..20}; do [[ -s $hits ]] && break; zselect -t 10; done
	zpty -w -n z $'\C-e\C-u'
	zpty -w z "print END''MARK$i"
	zpty -r z out "*ENDMARK$i*" || exit 1
	cat $hits
	print -- --
done
zpty -d z
DRIVER

run_zsh()
{
	zsh -f "$tmp/zsh-driver.zsh" "$src/completions" "$tmp/zsh-hits" "$@"
}

# ---- fish: its completion path holds the script, autoloaded as installed.
run_fish()
{
	fish --no-config -c '
		set -p fish_complete_path $argv[1]
		for line in $argv[2..-1]
			complete -C $line | string replace -r "\t.*" ""
			printf "%s\n" --
		end' "$src/completions" "$@"
}

# ---- the line as the user sees it: each shell interactive in a pseudo-
# terminal (zsh's zpty), TAB typed.  What the lines above cannot show: what
# is inserted, and whether a space follows ("db1:" goes on with the
# database name, "prod" is a whole target).
cat > "$tmp/tty-driver.zsh" <<'DRIVER'
# tty-driver.zsh SHELL SETUP LINE...: runs SHELL interactively in a
# pseudo-terminal, runs SETUP in it, then for each LINE types it and TAB,
# then an X (the cursor is at the end), and makes the line an echo: prints
# what the line became ("siphon pull db1:X": no space after the ':").
zmodload zsh/zpty || exit 1
local shell=$1 setup=$2 line out i=0
shift 2
zpty t ${=shell}
zpty -w t "$setup"
zpty -w t "echo SETUP''DONE"
zpty -r t out '*SETUPDONE*' || exit 1
for line; do
	i=$((i + 1))
	zpty -w -n t "$line"$'\t'
	# LINE1''= in the command line (if the terminal echoes it), LINE1= in
	# the output alone.
	zpty -w -n t $'X\C-aecho LINE'$i"''="$'\C-m'
	zpty -r t out "*LINE$i=*"$'\n' || exit 1
	out=${out##*LINE$i=}
	print -r -- ${out%%[[:space:]]#}
done
zpty -d t
DRIVER
run_tty()
{
	zsh -f "$tmp/tty-driver.zsh" "$tty_shell" "$tty_setup" "$@" | tr -d '\r' | sed '/^$/d;s/$/\n--/'
}

# Every shell's checks are queued (lines, wants), then run_SHELL completes
# all of its lines at once, each one's candidates followed by a line "--".
lines=()
wants=()

# check SHELL LINE WANT...: the shell offers exactly WANT (any order) when
# completing LINE with the cursor at its end.
check()
{
	lines+=("$2")
	shift 2
	wants+=("$(printf '%s\n' "$@" | sed '/^$/d' | LC_ALL=C sort -u | tr '\n' ' ')")
}

run()
{
	local shell=$1 label=${2:-$1} i=0 line have
	local -a out
	mapfile -t out < <("run_$shell" "${lines[@]}")
	have=
	for line in "${out[@]}"; do
		if [[ $line != -- ]]; then
			have+="$line"$'\n'
			continue
		fi
		have=$(printf '%s' "$have" | LC_ALL=C sort -u | tr '\n' ' ')
		checks=$((checks + 1))
		if [[ $have != "${wants[i]}" ]]; then
			printf 'FAIL %s: completing "%s"\n  got:  %s\n  want: %s\n' \
				"$label" "${lines[i]}" "$have" "${wants[i]}"
			fails=$((fails + 1))
		fi
		have=
		i=$((i + 1))
	done
	if ((i != ${#lines[@]})); then
		echo "FAIL $label: the driver answered $i of ${#lines[@]} lines"
		fails=$((fails + 1))
	fi
	lines=()
	wants=()
}

# The candidates every shell must offer alike.
common()
{
	local sh=$1
	check "$sh" "siphon " pull plan doctor rollback reset profiles snapshots restore verify config schedule unschedule help version
	check "$sh" "siphon p" pull plan profiles
	check "$sh" "siphon pu" pull
	check "$sh" "siphon config " show set unset add path
	check "$sh" "siphon config s" show set
	check "$sh" "siphon help " pull plan doctor rollback reset profiles snapshots restore verify config schedule unschedule help version
	check "$sh" "siphon pull --co" --compress --config --connect-timeout
	check "$sh" "siphon plan --comp" --compress
	check "$sh" "siphon pull --compress " auto zstd pigz gzip none
	check "$sh" "siphon pull --compress z" zstd
	check "$sh" "siphon pull --engine " postgres mysql mariadb sqlite
	check "$sh" "siphon pull -i id_" id_test id_other
	check "$sh" "siphon pull " prod staging db1: db2.example.com:
	check "$sh" "siphon pull d" db1: db2.example.com:
	check "$sh" "siphon plan -j 4 --into x s" staging
	# --no-lock and --no-nice are flags of their own (default no); the
	# others are the --no-NAME of a flag whose default is yes.
	check "$sh" "siphon doctor --no-" --no-lock --no-nice --no-keep-previous --no-keep-pristine
	check "$sh" "siphon pull --no-keep-pr" --no-keep-previous --no-keep-pristine
	check "$sh" "siphon pull --no-keep-pri" --no-keep-pristine
	check "$sh" "siphon config add prod --no-keep-pre" --no-keep-previous
	check "$sh" "siphon doctor p" prod
	check "$sh" "siphon pull db1:" ""
	check "$sh" "siphon config show " prod staging
	check "$sh" "siphon config set " prod staging
	check "$sh" "siphon config set prod j" jobs jump
	check "$sh" "siphon config set prod comp" compress
	check "$sh" "siphon config set prod compress " auto zstd pigz gzip none
	check "$sh" "siphon config set prod engine my" mysql
	check "$sh" "siphon config set prod identity id_" id_test id_other
	check "$sh" "siphon config set prod remote_sudo " ""
	check "$sh" "siphon config unset prod s" ssh ssh-config stall-timeout save snapshot-only
	check "$sh" "siphon config add prod --s" --ssh --ssh-config --stall-timeout --save --snapshot-only
	check "$sh" "siphon restore s" staging
	check "$sh" "siphon config add " ""
	check "$sh" "siphon config add prod --engine s" sqlite
	check "$sh" "siphon schedule " prod staging
	check "$sh" "siphon schedule prod --r" --random-delay
	check "$sh" "siphon schedule --l" --list
	check "$sh" "siphon unschedule " prod staging
}

if [[ -r $bash_completion ]]; then
	common bash
	check bash "siphon -" --config --help --version
	check bash "siphon pull --compress=p" pigz
	check bash "siphon pull --identity=id_t" id_test
	# readline replaces from the '@' on, so the candidates keep it.
	# bash-completion turns hostcomplete off: '@' is no word break.
	check bash "siphon pull bob@d" bob@db1: bob@db2.example.com:
	check bash "siphon pull -j " ""
	check bash "siphon pull --known-hosts keys/" keys/k1
	check bash "siphon version " ""
	check bash "siphon help pull " ""
	check bash "siphon pull prod " ""
	check bash "siphon pull prod --f" --force
	check bash "siphon config set prod key_file " ""
	check bash "siphon config set prod known_hosts k" keys
	check bash "siphon bogus " ""
	run bash
else
	echo "SKIP bash: $bash_completion missing (install bash-completion)"
fi

if command -v zsh >/dev/null 2>&1; then
	common zsh
	check zsh "siphon pull --compress=p" pigz
	check zsh "siphon pull bob@d" db1: db2.example.com:
	check zsh "siphon version " ""
	check zsh "siphon pull prod --f" --force
	check zsh "siphon pull --known-hosts keys/" k1
	# --NAME and --no-NAME exclude each other.
	check zsh "siphon pull --keep-pristine --no-keep-pri" ""
	check zsh "siphon pull --no-keep-pristine --keep-pri" ""
	check zsh "siphon pull --no-keep-pristine --no-keep-pr" --no-keep-previous
	run zsh
else
	echo "SKIP zsh: not installed"
fi

if command -v fish >/dev/null 2>&1; then
	common fish
	check fish "siphon -" -h --config --help --version
	check fish "siphon pull --known-hosts keys/" keys/k1
	check fish "siphon pull --compress=p" --compress=pigz
	check fish "siphon pull bob@d" bob@db1: bob@db2.example.com:
	check fish "siphon version " ""
	check fish "siphon pull prod --f" --force
	run fish
else
	echo "SKIP fish: not installed"
fi

# check_tty LINE WANT: TAB at the end of LINE makes it WANT (X marks the
# end of the line).
check_tty()
{
	check tty "$1" "$2"
}

tty_lines()
{
	check_tty "siphon pull db1" "siphon pull db1:X"
	check_tty "siphon pull pro" "siphon pull prod X"
	check_tty "siphon pull --compress=zs" "siphon pull --compress=zstd X"
	check_tty "siphon pull bob@db2" "siphon pull bob@db2.example.com:X"
	check_tty "siphon pull --known-hosts key" "siphon pull --known-hosts keys/X"
	check_tty "siphon config set prod comp" "siphon config set prod compress X"
	check_tty "siphon config set prod compress g" "siphon config set prod compress gzip X"
	check_tty "siphon pull --no-keep-pri" "siphon pull --no-keep-pristine X"
}

if command -v zsh >/dev/null 2>&1; then
	if [[ -r $bash_completion ]]; then
		tty_shell="bash --norc --noprofile -i"
		tty_setup="PS1=''; bind 'set enable-bracketed-paste off'; source $bash_completion; source $src/completions/siphon.bash"
		tty_lines
		run tty "bash (bash-completion) in a terminal"
	fi
	# Without bash-completion, '@' is a word break (hostcomplete).
	tty_shell="bash --norc --noprofile -i"
	tty_setup="PS1=''; bind 'set enable-bracketed-paste off'; source $src/completions/siphon.bash"
	tty_lines
	run tty
	tty_shell="zsh -f -i"
	tty_setup="PS1='' PROMPT='' RPROMPT=''; unsetopt zle_bracketed_paste beep; fpath=($src/completions \$fpath); autoload -Uz compinit; compinit -u -D"
	tty_lines
	run tty "zsh in a terminal"
fi

echo "t_completion: $checks checks, $fails failed"
((fails == 0))
