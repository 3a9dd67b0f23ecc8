/*
 * tunnel.h - the ProxyJump transport: the next hop's SSH bytes inside a
 * direct-tcpip channel of the previous hop's session, all on the one
 * thread and loop (no ssh subprocess).
 */
#ifndef SIPHON_SSH_TUNNEL_H
#define SIPHON_SSH_TUNNEL_H

#include "ssh/session.h"
#include "ssh/transport.h"

/*
 * The receive window of a tunnel's channel.  Every channel of the sessions
 * inside shares it (their windows add up to about 8 MiB: engine/eng.c), so
 * it is at least that, with room for their packets' overhead; larger
 * only grows libssh2's packet list.  bench/jump.sh, one jump on loopback,
 * a loaded 2-core machine: 2 MiB 66 MB/s, 8 MiB 70, 16 MiB 78, 32 MiB 53
 * (direct: 126).
 */
#define SIPHON_TUNNEL_WINDOW (16u * 1024 * 1024)

/*
 * A transport to host:port through prev, a session that is ready when the
 * transport is started (the chain, source/chain.c, starts a hop only once
 * the hop before it is ready).  start() builds the direct-tcpip request
 * (originator 127.0.0.1:22); step() opens the channel without blocking
 * (window bytes, 32 KiB packets), within timeout_s seconds; fd() is prev's
 * descriptor.  send and recv go through libssh2_channel_write/read on the
 * channel, keeping libssh2 1.10's rule: while one of them left a partly
 * sent packet on prev, the other answers -EAGAIN without calling libssh2,
 * and only the call that left it is repeated.  via names prev for
 * messages ("bastion").  prev is borrowed and must outlive the transport;
 * the strings are copied.  SIPHON_ENOMEM or 0 with *out set.
 */
int siphon_transport_tunnel_new(struct siphon_transport **out,
                                struct siphon_ctx *ctx, struct siphon_ssh *prev,
                                const char *via, const char *host, int port,
                                unsigned window, int timeout_s);

#endif
