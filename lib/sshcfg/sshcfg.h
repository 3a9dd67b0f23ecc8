/*
 * sshcfg.h - the user's OpenSSH client configuration, read as ssh(1) reads
 * it, for the keys siphon uses: what `ssh -G HOST` would say about them.
 *
 * Files: the -F file alone when given, else ~/.ssh/config then
 * /etc/ssh/ssh_config.  Host patterns (*, ?, !negation, several per line;
 * matched byte for byte against the host as typed, as ssh(1) does, and in
 * the second reading against the host name the first one found),
 * Match blocks (all, host, originalhost (these two ignore case, as
 * OpenSSH's match_hostname), user, localuser; canonical and
 * final are true only in the second reading that a "Match final" asks
 * for, as in ssh(1); exec is never run: the block is skipped with a
 * warning; localnetwork, tagged, command, version, sessiontype: skipped), Include
 * (globs; relative to ~/.ssh in a user file, /etc/ssh in a system file),
 * "key value" and "key=value", double-quoted values, comments, CRLF.  The
 * first value obtained for a key wins; list keys (IdentityFile,
 * CertificateFile) accumulate.  Unknown keys are ignored.
 *
 * Pure parsing and matching: no network, no command run.  Only sshcfg/ and
 * util/ are included here.
 */
#ifndef SIPHON_SSHCFG_SSHCFG_H
#define SIPHON_SSHCFG_SSHCFG_H

#include "util/ctx.h"

#include <stddef.h>

enum siphon_strict_hostkey {
	SIPHON_SHK_UNSET = 0,
	SIPHON_SHK_YES,         /* yes: unknown keys refused */
	SIPHON_SHK_ACCEPT_NEW,  /* accept-new: unknown keys recorded, changed refused */
	SIPHON_SHK_NO,          /* no/off: unknown recorded; changed still refused by siphon */
	SIPHON_SHK_ASK,         /* ask (OpenSSH's default): ask on a terminal, else refuse */
};

/* What to look up. */
struct siphon_sshcfg_query {
	const char *host;        /* as the user typed it ("prod"): Host/originalhost */
	const char *user;        /* from the command line or profile; NULL: none */
	int port;                /* from the command line or profile; 0: none */
	const char *file;        /* -F: only this file ("none": no file); NULL: the usual two */
	const char *system_file; /* NULL: /etc/ssh/ssh_config (tests give their own) */
	const char *home;        /* NULL: $HOME, else the password database */
	const char *local_user;  /* NULL: the password database's name for getuid() */
};

/*
 * The settings for one host.  Strings and arrays are owned by the result.
 * Unset: NULL, 0 entries, -1 for a flag or a number.  %-tokens and ~ are
 * expanded as OpenSSH does for each key (%% %h %p %r %u %d %n %l %L %C
 * where OpenSSH allows them).
 */
struct siphon_sshcfg {
	char *hostname;              /* HostName with %h expanded; else the host typed;
	                                lowercased unless an address (as ssh -G) */
	char *user;                  /* query's user, else User; NULL: none */
	int port;                    /* query's port, else Port; -1: none */
	char **identity_files;       /* IdentityFile, in order, expanded */
	size_t n_identity_files;
	int identities_only;         /* IdentitiesOnly: 1/0; -1 */
	char *identity_agent;        /* IdentityAgent: "none", a socket path, or
	                                NULL (SSH_AUTH_SOCK); "SSH_AUTH_SOCK" and
	                                $VAR values come back as the variable's value
	                                ("none" when $VAR is unset) */
	char **certificate_files;    /* CertificateFile, in order, expanded */
	size_t n_certificate_files;
	char **user_known_hosts;     /* UserKnownHostsFile (several per line); 0: unset;
	                                "none" kept as the one entry */
	size_t n_user_known_hosts;
	char **global_known_hosts;   /* GlobalKnownHostsFile, as written (ssh expands
	                                nothing there); 0: unset */
	size_t n_global_known_hosts;
	enum siphon_strict_hostkey strict_host_key;
	int hash_known_hosts;        /* HashKnownHosts: 1/0; -1 */
	int connect_timeout;         /* ConnectTimeout seconds; -1 */
	int server_alive_interval;   /* ServerAliveInterval seconds; -1 */
	int server_alive_count_max;  /* ServerAliveCountMax; -1 */
	char *proxy_jump;            /* ProxyJump as written, NULL when unset or "none" */
	char *proxy_command;         /* ProxyCommand with %h %p %r %n %% expanded;
	                                NULL when unset or "none" */
	int proxy_jump_first;        /* 1 when ProxyJump came before ProxyCommand (the
	                                first of the two obtained wins, as in OpenSSH) */
};

/*
 * Reads the files and fills *out for q->host.  Warnings (Match exec
 * skipped, an Include that matches nothing is not one) go to the context's
 * log at SIPHON_LOG_WARN.  Errors: SIPHON_EUSAGE with one line naming the
 * file and line ("~/.ssh/config:12: ..."), as ssh(1) would refuse it (bad
 * value of a key siphon reads, unterminated quote, Include depth over 16,
 * unreadable -F file); a missing default file is not an error; SIPHON_ENOMEM.
 */
int siphon_sshcfg_resolve(struct siphon_ctx *ctx, const struct siphon_sshcfg_query *q,
                          struct siphon_sshcfg **out);
void siphon_sshcfg_free(struct siphon_sshcfg *c);

/* One hop of a ProxyJump list: [user@]host[:port] or ssh://[user@]host[:port]. */
struct siphon_sshcfg_jump {
	char *user;                  /* NULL: none */
	char *host;
	int port;                    /* -1: none */
};

/*
 * Splits a ProxyJump value ("a,b@c:2222,ssh://d") into hops, in the order
 * they are connected.  Errors: SIPHON_EUSAGE with one line, SIPHON_ENOMEM.
 */
int siphon_sshcfg_parse_jumps(struct siphon_ctx *ctx, const char *spec,
                              struct siphon_sshcfg_jump **out, size_t *n);
void siphon_sshcfg_jumps_free(struct siphon_sshcfg_jump *j, size_t n);

/*
 * The Host names of the files that are plain names (no *, ?, !), in file
 * order, without repeats, following Includes: for shell completion.  The
 * array and strings are the caller's (free each, then the array).
 */
int siphon_sshcfg_host_names(struct siphon_ctx *ctx, const struct siphon_sshcfg_query *q,
                             char ***names, size_t *n);

#endif
