/* watch.c - the remote watchdog's script and the registration lines. */
#include "remote/watch.h"

#include <string.h>

static int
key_ok(const char *key)
{
	size_t n = strlen(key);

	return n > 0 && n < SIPHON_WATCH_KEY_MAX && strspn(key, "0123456789abcdef") == n;
}

int
siphon_watch_script(struct siphon_strbuf *sb, const char *key, int secs)
{
	if (!key_ok(key) || secs < 5 || secs > 86400)
		return -2;
	/*
	 * SIGPIPE is ignored so that a dead channel cannot kill the watchdog
	 * before it fires.  `timeout ... dd` reads one byte with a deadline:
	 * dd's exit 0 with nothing read is EOF, timeout's 124 is silence.
	 */
	if (siphon_strbuf_printf(sb,
	        "(\n"
	        "d=\"${TMPDIR:-/tmp}/siphon-run-%s\"\n"
	        "command -v timeout >/dev/null 2>&1 && command -v dd >/dev/null 2>&1 || { printf n; exit 0; }\n"
	        "umask 077\n"
	        "mkdir \"$d\" || exit 1\n"
	        "trap '' PIPE HUP\n"
	        "fire() {\n"
	        "  for f in \"$d\"/p*; do [ -f \"$f\" ] && kill -TERM -\"${f##*/p}\" 2>/dev/null; done\n"
	        /* TERM lets the scripts' traps clean up; KILL what is left after 3 s. */
	        "  n=0\n"
	        "  while [ $n -lt 3 ]; do\n"
	        "    a=\n"
	        "    for f in \"$d\"/p*; do [ -f \"$f\" ] && kill -0 -\"${f##*/p}\" 2>/dev/null && a=1; done\n"
	        "    [ -z \"$a\" ] && break\n"
	        "    sleep 1\n"
	        "    n=$((n + 1))\n"
	        "  done\n"
	        "  for f in \"$d\"/p*; do [ -f \"$f\" ] && kill -KILL -\"${f##*/p}\" 2>/dev/null; done\n"
	        "  rm -rf \"$d\"\n"
	        "}\n"
	        "printf r\n"
	        "while b=$(timeout %d dd bs=1 count=1 2>/dev/null); do\n"
	        "  case $b in\n"
	        "  h) printf h ;;\n"
	        /* "l<level>;": the level the compressors of the pull switch to (remote/zsplit.h). */
	        "  l) v=\n"
	        "     while c=$(timeout 5 dd bs=1 count=1 2>/dev/null) && [ -n \"$c\" ] && [ \"$c\" != \";\" ]; do v=$v$c; done\n"
	        "     case $v in ''|*[!0-9-]*|????*) ;; *) printf '%%s\\n' \"$v\" >\"$d/level.t\" && mv -f \"$d/level.t\" \"$d/level\" ;; esac\n"
	        "     printf h ;;\n"
	        "  q) rm -rf \"$d\"; exit 0 ;;\n"
	        "  k) fire; exit 0 ;;\n"
	        "  *) break ;;\n"
	        "  esac\n"
	        "done\n"
	        "printf X\n"
	        "echo \"siphon watchdog: no heartbeat from siphon for %d s: ending the pull's remote processes\" >&2\n"
	        "fire\n"
	        "exit 3\n"
	        ")", key, secs, secs) != 0)
		return -1;
	return 0;
}

int
siphon_watch_register(struct siphon_strbuf *sb, const char *key)
{
	if (!key_ok(key))
		return -2;
	/*
	 * The process group: from /proc where there is one (no fork), else
	 * from ps.  sshd starts every channel's command as a session and
	 * group leader, so this group holds the whole command.
	 */
	if (siphon_strbuf_printf(sb,
	        "siphon_g=\n"
	        "if read -r siphon_st </proc/$$/stat 2>/dev/null; then siphon_st=${siphon_st##*) }; set -- $siphon_st; siphon_g=$3; set --; fi\n"
	        "[ -n \"$siphon_g\" ] || siphon_g=$(ps -o pgid= -p $$ 2>/dev/null | tr -d ' ')\n"
	        "siphon_w=\"${TMPDIR:-/tmp}/siphon-run-%s\"\n"
	        "case $siphon_g in ''|*[!0-9]*) echo \"siphon: cannot find this command's process group on the server (no /proc, no ps)\" >&2; exit 125;; esac\n"
	        "[ -d \"$siphon_w\" ] && : >\"$siphon_w/p$siphon_g\" || { echo \"siphon: the pull's watchdog has already ended it on the server\" >&2; exit 125; }\n",
	        key) != 0)
		return -1;
	return 0;
}

int
siphon_watch_unregister(struct siphon_strbuf *sb, const char *key)
{
	if (!key_ok(key))
		return -2;
	return siphon_strbuf_puts(sb, "\nrm -f \"$siphon_w/p$siphon_g\"\n") != 0 ? -1 : 0;
}
