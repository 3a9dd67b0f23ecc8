/*
 * hops.h - the SSH source a pull's options name: the server, reached
 * directly, through jump hosts (-J, ProxyJump) and/or through a
 * ProxyCommand that reaches the first hop.
 */
#ifndef SIPHON_RUN_HOPS_H
#define SIPHON_RUN_HOPS_H

#include "opt/opt.h"
#include "source/source.h"
#include "source/ssh_setup.h"
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
 * The source of route rt (source/ssh_setup.h: the hops in the order they
 * are crossed, each as ssh_config and the options resolve it, the server
 * last): the chain of their sessions, hop 0 over rt's ProxyCommand when it
 * has one (expanded here for hop 0 unless ssh_config's reader already
 * did).  Not yet stepped; the strings are copied.
 */
int siphon_hops_source_new(struct siphon_source **out, struct siphon_ctx *ctx,
                           const struct siphon_ssh_route *rt);

#endif
