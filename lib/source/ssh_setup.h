/*
 * ssh_setup.h - the options of one SSH connection, from siphon's options
 * and the user's OpenSSH client configuration (~/.ssh/config, as
 * sshcfg/sshcfg.h reads it).
 *
 * Precedence, key by key: a value given to siphon (command line,
 * environment or profile: any origin above the default) > ssh_config >
 * siphon's default.  So user@ and --port beat User and Port; -i is tried
 * before the IdentityFile entries; --known-hosts replaces
 * UserKnownHostsFile (GlobalKnownHostsFile still counts);
 * --accept-new-host-key beats StrictHostKeyChecking; an unset
 * --connect-timeout lets ConnectTimeout win.  When nothing says,
 * StrictHostKeyChecking is "ask", as in OpenSSH: on a terminal siphon asks
 * yes/no with the fingerprint, elsewhere it refuses an unknown key.
 *
 * The same function resolves a jump host (ProxyJump), as OpenSSH looks
 * every hop up in ssh_config too: the hop's own user and port come from
 * the ProxyJump entry, and siphon's options other than the target's user
 * and port (-i, --known-hosts, --accept-new-host-key, --connect-timeout,
 * -F) apply to every hop.
 */
#ifndef SIPHON_SOURCE_SSH_SETUP_H
#define SIPHON_SOURCE_SSH_SETUP_H

#include "siphon.h"
#include "ssh/session.h"
#include "util/ctx.h"

struct siphon_sshcfg;

/* One host, resolved: what to connect to and how it is reached. */
struct siphon_ssh_setup {
	struct siphon_ssh_opts so;   /* the connection; its strings live in
	                                this struct until _clear */
	/*
	 * How the host is reached, for the hop chain (source/ transports):
	 * ProxyJump as written ("a,b@c:2222"; siphon_sshcfg_parse_jumps
	 * splits it, and each hop is resolved with siphon_ssh_setup_host),
	 * ProxyCommand with its %-tokens expanded.  NULL when unset or
	 * "none"; when both are set, proxy_jump_first says which one OpenSSH
	 * would use (the first in the file).
	 */
	const char *proxy_jump;
	const char *proxy_command;
	int proxy_jump_first;
	/*
	 * ServerAliveInterval x ServerAliveCountMax: the silence after which
	 * the server counts as dead (the heartbeat's timeout, unless
	 * --heartbeat-timeout is given); 0 when ssh_config does not say.
	 */
	int dead_after_s;
	/* Owned: the strings behind so and the proxy fields. */
	struct siphon_sshcfg *cfg;
	char *alias, *user;
};

/*
 * Resolves host as the user typed it (an ssh_config Host, or a name or
 * address), with user and port when the caller has them for this host
 * (NULL and 0: none; ssh_config, then the defaults decide), applying the
 * SSH options of opts that are not the target's user and port.  Fills
 * *out (clear it with _clear, also after a failure).  Errors: those of
 * siphon_sshcfg_resolve (SIPHON_EUSAGE naming the file and line),
 * SIPHON_ENOMEM.
 */
int siphon_ssh_setup_host(struct siphon_ssh_setup *out, struct siphon_ctx *ctx,
                          const struct siphon_opts *opts, const char *host,
                          const char *user, int port);

/*
 * The target of a pull: the "host" option, with the "user" and "port"
 * options when they were given (at any origin above the default).
 */
int siphon_ssh_setup_target(struct siphon_ssh_setup *out, struct siphon_ctx *ctx,
                            const struct siphon_opts *opts);

/*
 * The pure part of _host: merges cfg (taken: _clear frees it, also after
 * a failure) with opts for host; user and port as for _host.  0, or
 * SIPHON_ENOMEM.
 */
int siphon_ssh_setup_merge(struct siphon_ssh_setup *out, struct siphon_ctx *ctx,
                           const struct siphon_opts *opts, const char *host,
                           const char *user, int port,
                           struct siphon_sshcfg *cfg);

/*
 * The whole way to the target, as OpenSSH goes: the hosts crossed in
 * order, the target last, each resolved through ssh_config (its own user,
 * port, keys, known hosts and timeouts: host key check and login at every
 * hop).  A ProxyJump list a,b,c: a is reached the way a's own ssh_config
 * entry says (its ProxyJump or ProxyCommand, recursively), b and c through
 * the hop before them whatever their entries say (ssh -J does the same).
 * proxy_command reaches hops[0]; NULL: TCP.
 */
struct siphon_ssh_route {
	struct siphon_ssh_setup *hops;
	size_t n;
	const char *proxy_command;   /* borrowed from the caller or hops[0] */
	int proxy_command_expanded;  /* from ssh_config: %-tokens already
	                                expanded (for hops[0]); else as given */
};

/*
 * Resolves the route to the target of opts.  jump and proxy_command are
 * the command line's -J and --proxy-command (NULL or "none": not given);
 * either one given replaces both of the target's ssh_config ProxyJump and
 * ProxyCommand (the command line comes first, and the first of the two
 * wins, as in OpenSSH); both given: the command reaches the first jump
 * host.  Neither: the target's ssh_config decides.  Fill *out (clear it
 * with _route_clear, also after a failure).  Errors: those of _host and of
 * siphon_sshcfg_parse_jumps, SIPHON_EUSAGE for ProxyJump chains nested
 * deeper than 8 (a loop), SIPHON_ENOMEM.
 */
int siphon_ssh_route_resolve(struct siphon_ssh_route *out, struct siphon_ctx *ctx,
                             const struct siphon_opts *opts, const char *jump,
                             const char *proxy_command);
void siphon_ssh_route_clear(struct siphon_ssh_route *r);

/* Frees what _host filled; the struct may be set up again.  Accepts a zeroed one. */
void siphon_ssh_setup_clear(struct siphon_ssh_setup *s);

#endif
