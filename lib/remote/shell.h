/*
 * shell.h - building commands for the remote side.
 *
 * The server runs whatever string we send through the SSH user's login
 * shell, which may be sh, dash, bash, zsh, fish or csh.  siphon therefore
 * writes every remote command as a POSIX sh script and sends it wrapped by
 * siphon_sh_wrap(), whose outer form means the same in all of those shells.
 * Inside the script every word that comes from the user or from a catalog is
 * quoted with siphon_sh_quote().
 */
#ifndef SIPHON_REMOTE_SHELL_H
#define SIPHON_REMOTE_SHELL_H

#include "util/status_tag.h"
#include "util/strbuf.h"

/* Appends word as one single-quoted POSIX sh word.  0 or -1 (no memory). */
int siphon_sh_quote(struct siphon_strbuf *sb, const char *word);

/*
 * Appends the command that makes /bin/sh run script, whatever the login
 * shell: /bin/sh -c 'eval "$(printf %b "...")"' where every byte that any
 * of those shells could treat specially is written as a \0NNN octal escape.
 */
int siphon_sh_wrap(struct siphon_strbuf *sb, const char *script);

/*
 * Splits a user-supplied option string (--remote-pg-opts) into words with
 * sh-like rules (blanks separate, '...' and "..." group, backslash escapes
 * outside single quotes) and appends each word quoted, preceded by a space.
 * Returns 0, -1 (no memory) or -2 (unbalanced quote).
 */
int siphon_sh_append_words(struct siphon_strbuf *sb, const char *opts);


/*
 * Appends a POSIX sh pipeline of n stages (shell snippets) that reports every
 * stage's status on fd 2 without relying on pipefail:
 *   exec 3>&2; { S1; echo "siphon-status N1 $?" >&3; } | { S2; ...; }
 */
int siphon_sh_pipeline(struct siphon_strbuf *sb, const char *const *stages,
                       const char *const *names, int n);

/*
 * Appends the script preamble that every remote command starts with: a PATH
 * that holds the usual tool directories (non-interactive sessions often get
 * a minimal one), and the NICE variable: "nice -n 10 ionice -c 2 -n 7" where
 * those tools exist, empty when nice is 0.
 */
int siphon_sh_preamble(struct siphon_strbuf *sb, int nice);

#endif
