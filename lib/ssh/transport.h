/*
 * transport.h - the byte stream an SSH session runs over, as a const ops
 * table: a TCP socket (tcp.c), a child's stdin/stdout (proxycmd.c:
 * ProxyCommand) or a direct-tcpip channel of the previous hop's session
 * (tunnel.c, tunnel.h: ProxyJump).
 *
 * Connecting is non-blocking: start() begins, step() advances, and while it
 * answers SIPHON_AGAIN it fills a struct siphon_pollwant that says what to
 * wait for.  The SSH session (session.c) reads and writes through send() and
 * recv() by libssh2's custom I/O callbacks, so a new transport plugs in
 * without changing the session.
 */
#ifndef SIPHON_SSH_TRANSPORT_H
#define SIPHON_SSH_TRANSPORT_H

#include "loop/pollwant.h"
#include "util/ctx.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* SIPHON_AGAIN and struct siphon_pollwant: loop/pollwant.h. */

struct siphon_transport;

struct siphon_transport_ops {
	const char *name;               /* "tcp", for debug lines */
	/*
	 * Begins connecting (may block for name resolution).  0, or a
	 * negative SIPHON_E* code with the message set on the context.
	 */
	int (*start)(struct siphon_transport *t);
	/*
	 * Advances the connect: 0 when connected, SIPHON_AGAIN with *w
	 * filled, or a negative SIPHON_E* code with the message set.
	 */
	int (*step)(struct siphon_transport *t, struct siphon_pollwant *w);
	/*
	 * The descriptor to poll once connected (-1 before).  It must be a
	 * real, open descriptor (a hop over another session gives that
	 * session's): libssh2 also sends ssh-agent's traffic through the
	 * session's callbacks, which tell the two apart by descriptor.
	 */
	int (*fd)(struct siphon_transport *t);
	/*
	 * Once connected: bytes sent or received, 0 from recv at end of file,
	 * or -errno, -EAGAIN when it would block: the convention of libssh2's
	 * LIBSSH2_SEND_FUNC / LIBSSH2_RECV_FUNC, which call these.
	 */
	ssize_t (*send)(struct siphon_transport *t, const void *buf, size_t len);
	ssize_t (*recv)(struct siphon_transport *t, void *buf, size_t len);
	/*
	 * True when the peer has closed (end of file or an error is pending)
	 * without consuming any byte, for telling a refusal from a hang-up.
	 */
	int (*peer_closed)(struct siphon_transport *t);
	/* Closes and frees. */
	void (*free)(struct siphon_transport *t);
};

/* Every transport starts with this; the implementation's state follows. */
struct siphon_transport {
	const struct siphon_transport_ops *ops;
	struct siphon_ctx *ctx;
	char desc[300];                 /* "host:port", for messages */
};

/* Frees t through its ops; accepts NULL. */
void siphon_transport_free(struct siphon_transport *t);

/*
 * A TCP transport to host:port (not yet started).  Connecting tries every
 * address getaddrinfo returns, timeout_s seconds each; the socket is
 * non-blocking, close-on-exec, with keepalive, TCP_USER_TIMEOUT and
 * TCP_NODELAY.  Failures are SIPHON_ECONNECT with one line naming host:port
 * and a hint.  The strings are copied.  SIPHON_ENOMEM, or 0 with *out set
 * (the caller owns it).
 */
int siphon_transport_tcp_new(struct siphon_transport **out,
                             struct siphon_ctx *ctx, const char *host,
                             int port, int timeout_s);

/*
 * A ProxyCommand transport (not yet started): start() runs
 * `/bin/sh -c command` (already %-expanded by the caller) in its own
 * process group, its stdin and stdout one end of a socket pair, whose
 * other end (non-blocking, close-on-exec) is fd().  The command's stderr
 * lines go to the log at SIPHON_LOG_INFO ("ProxyCommand: ..."); when the
 * command ends or closes its output, the failure is SIPHON_ECONNECT with
 * one line naming the command, its exit status and the last line it
 * wrote on stderr.  free() closes the socket, then reaps the child
 * (SIGTERM to its group after a short grace, then SIGKILL): it never
 * leaves a zombie.  The command is copied.  SIPHON_EUSAGE (empty command),
 * SIPHON_ENOMEM, or 0 with *out set (the caller owns it).
 */
int siphon_transport_proxycmd_new(struct siphon_transport **out,
                                  struct siphon_ctx *ctx, const char *command);

/*
 * A socket transport's send, recv and peer_closed on descriptor fd (TCP,
 * ProxyCommand): bytes, 0 at end of file, -EAGAIN, or -errno, as the ops.
 */
ssize_t siphon_sock_send(int fd, const void *buf, size_t len);
ssize_t siphon_sock_recv(int fd, void *buf, size_t len);
int siphon_sock_peer_closed(int fd);

/*
 * Writes "host:port", or "[host]:port" for an IPv6 literal, into buf (always
 * NUL-terminated).  For messages.
 */
void siphon_ssh_hostport(char *buf, size_t cap, const char *host, int port);

#endif
