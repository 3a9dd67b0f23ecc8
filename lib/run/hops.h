/*
 * hops.h - the SSH source a pull's options name: the server, reached
 * directly, through jump hosts (-J, ProxyJump) and/or through a
 * ProxyCommand that reaches the first hop.
 */
#ifndef SIPHON_RUN_HOPS_H
#define SIPHON_RUN_HOPS_H

#include "opt/opt.h"
#include "source/source.h"
#include "sshcfg/sshcfg.h"
#include "util/ctx.h"

/*
 * Expands a ProxyCommand's %h (host), %p (port), %r (user), %n (the host
 * as given) and %% into buf.  SIPHON_EUSAGE for an unknown %-token or a
 * result that does not fit.
 */
int siphon_proxycmd_expand(struct siphon_ctx *ctx, char *buf, size_t cap,
                           const char *cmd, const char *host, int port,
                           const char *user);

/*
 * The source o names: the chain of o->jump's hosts (split by
 * siphon_sshcfg_parse_jumps, ProxyJump's grammar) and the server (each
 * jump host with its own user and port, the server's key, known hosts and
 * timeouts), hop 0 over o->proxy_command when given.  Not yet stepped.
 */
int siphon_hops_source_new(struct siphon_source **out, struct siphon_ctx *ctx,
                           const struct siphon_pull_opts *o);

#endif
