#!/bin/bash
# t_install.sh - make install / make uninstall into a scratch DESTDIR: every
# file lands where its ecosystem looks (and each shell, man and lexgrog find
# it there), the man pages format without a groff warning, and uninstall
# removes exactly what install put.  Needs no server and no root: `make
# shell-test` runs it (and `make check`).
#
# usage: t_install.sh [SRCDIR [BUILDDIR]]   (BUILDDIR relative to SRCDIR;
#        default build, the binary must be built)
set -u
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
b=${2:-build}
tmp=$(mktemp -d /tmp/siphon-t-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail()
{
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# --- the pages as committed: no groff warning, a NAME line lexgrog reads.
for page in docs/siphon.1 docs/siphon.conf.5; do
	warnings=$(cd "$src" && LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
	[[ -z $warnings ]] || fail "man --warnings $page: $warnings"
	lexgrog "$src/$page" >/dev/null 2>&1 || fail "lexgrog cannot read the NAME of $page"
done

# install_check PREFIX: installs with that PREFIX into a fresh DESTDIR and
# checks it all; then uninstalls.
install_check()
{
	local prefix=$1 d="$tmp/root$RANDOM" share f before after
	share=$d$prefix/share
	mkdir -p "$d$prefix/share/man/man1"
	# Not ours: uninstall must leave it.
	echo keep > "$d$prefix/share/man/man1/other.1"
	make -s -C "$src" B="$b" install PREFIX="$prefix" DESTDIR="$d" >"$tmp/install.log" 2>&1 ||
		{ fail "make install PREFIX=$prefix: $(tail -3 "$tmp/install.log")"; return; }
	for f in bin/siphon share/man/man1/siphon.1 share/man/man5/siphon.conf.5 \
		share/bash-completion/completions/siphon share/zsh/site-functions/_siphon \
		share/fish/vendor_completions.d/siphon.fish; do
		[[ -f $d$prefix/$f ]] || fail "$prefix/$f not installed"
	done
	[[ $(stat -c %a "$d$prefix/bin/siphon") == 755 ]] || fail "the binary is not mode 755"
	[[ $(stat -c %a "$share/man/man5/siphon.conf.5") == 644 ]] || fail "siphon.conf.5 is not mode 644"
	cmp -s "$d$prefix/share/man/man1/siphon.1" "$src/docs/siphon.1" || fail "siphon.1 differs from docs/"
	"$d$prefix/bin/siphon" --version >/dev/null || fail "the installed siphon does not run"

	# man finds both pages by name.
	[[ $(MANPATH=$share/man man -w siphon 2>&1) == "$share/man/man1/siphon.1" ]] ||
		fail "man -w siphon: $(MANPATH=$share/man man -w siphon 2>&1)"
	[[ $(MANPATH=$share/man man -w 5 siphon.conf 2>&1) == "$share/man/man5/siphon.conf.5" ]] ||
		fail "man -w 5 siphon.conf: $(MANPATH=$share/man man -w 5 siphon.conf 2>&1)"
	MANPATH=$share/man MANPAGER=cat man siphon.conf 2>/dev/null | grep -q 'profiles for siphon' ||
		fail "man siphon.conf does not show the page"
	MANPATH=$share/man MANPAGER=cat man siphon 2>/dev/null | grep -q 'EXAMPLES' ||
		fail "man siphon does not show the page"

	# Each shell loads the script from where it was put.
	if [[ -r /usr/share/bash-completion/bash_completion ]]; then
		XDG_DATA_DIRS=$share:/usr/share bash --norc --noprofile -c '
			source /usr/share/bash-completion/bash_completion
			__load_completion siphon && complete -p siphon' 2>/dev/null | grep -q -- '-F _siphon siphon$' ||
			fail "bash-completion does not load $share/bash-completion/completions/siphon"
	fi
	if command -v zsh >/dev/null 2>&1; then
		[[ $(zsh -f -c "fpath=($share/zsh/site-functions \$fpath); autoload -Uz compinit; compinit -u -D; print -r -- \$_comps[siphon]" 2>&1) == _siphon ]] ||
			fail "compinit does not find $share/zsh/site-functions/_siphon"
	fi
	if command -v fish >/dev/null 2>&1; then
		# Not --no-config: fish's own config sets its completion path.
		mkdir -p "$tmp/home"
		HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home PATH="$d$prefix/bin:$PATH" \
			XDG_DATA_DIRS=$share:/usr/share fish -c 'complete -C "siphon con"' |
			grep -q '^config' || fail "fish does not load $share/fish/vendor_completions.d/siphon.fish"
	fi

	# uninstall removes exactly the files install added.
	make -s -C "$src" B="$b" uninstall PREFIX="$prefix" DESTDIR="$d" >"$tmp/install.log" 2>&1 ||
		{ fail "make uninstall PREFIX=$prefix: $(tail -3 "$tmp/install.log")"; return; }
	after=$(cd "$d" && find . -type f -o -type l | sort | tr '\n' ' ')
	[[ $after == "./${prefix#/}/share/man/man1/other.1 " ]] ||
		fail "after uninstall PREFIX=$prefix, left: $after"
}

install_check /usr/local
install_check /opt/siphon

echo "t_install: $fails failed"
((fails == 0))
