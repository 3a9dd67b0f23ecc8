/*
 * tcp.h - the TCP connection under an SSH session: name resolution, a
 * connect bounded by a timeout that tries every address, and the socket
 * options a long bulk transfer wants.
 */
#ifndef SIPHON_SSH_TCP_H
#define SIPHON_SSH_TCP_H

#include "util/ctx.h"

/*
 * Connects to host:port, trying each address getaddrinfo returns in turn
 * with timeout_s seconds for each.  On success *sock is a non-blocking,
 * close-on-exec socket with keepalive, TCP_USER_TIMEOUT and TCP_NODELAY set,
 * and the caller owns it.  Failures are SIPHON_ECONNECT with one line naming
 * host:port and a hint, or SIPHON_EINTR when the run is cancelled.  Name
 * resolution itself cannot be cancelled (getaddrinfo blocks).
 */
int siphon_ssh_tcp_connect(int *sock, struct siphon_ctx *ctx,
                           const char *host, int port, int timeout_s);

/*
 * Writes "host:port", or "[host]:port" for an IPv6 literal, into buf (always
 * NUL-terminated).  For messages.
 */
void siphon_ssh_hostport(char *buf, size_t cap, const char *host, int port);

#endif
