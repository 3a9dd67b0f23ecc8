/*
 * session.h - an authenticated SSH session to the server, on one TCP
 * connection, ready for channels.
 *
 * Set-up verifies the server's host key against known_hosts before any
 * credential is sent, authenticates with ssh-agent keys or key files, and
 * leaves the session in non-blocking mode for the event loop.  libssh2 1.10
 * is not thread-safe across sessions during libssh2_init/exit: connect and
 * free sessions from one thread.
 */
#ifndef SIPHON_SSH_SESSION_H
#define SIPHON_SSH_SESSION_H

#include "util/ctx.h"

#include <libssh2.h>

struct siphon_ssh_opts {
	const char *user;        /* NULL: $USER / getpwuid */
	const char *host;
	int port;                /* 0: 22 */
	const char *identity;    /* -i key file or NULL */
	const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
	int accept_new_host_key; /* add unknown keys (OpenSSH accept-new); never replaces changed keys */
	int connect_timeout;     /* seconds, 0: 15 */
};

/* Owns the socket and the LIBSSH2_SESSION. */
struct siphon_ssh;

/*
 * Resolves, connects (non-blocking connect with timeout, tries every
 * address), handshakes, verifies the host key BEFORE authentication,
 * authenticates.  On return the session is in NON-BLOCKING mode
 * (libssh2_session_set_blocking(s, 0)) ready for channels.  Every wait is
 * bounded by the connect timeout and honours the context's cancel
 * descriptor (SIPHON_EINTR).  Errors: SIPHON_EUSAGE (bad options),
 * SIPHON_ECONNECT, SIPHON_EHOSTKEY, SIPHON_EAUTH, SIPHON_ENOMEM, each with
 * one line on ctx.  The strings in o are not kept.
 */
int siphon_ssh_connect(struct siphon_ssh **out, struct siphon_ctx *ctx,
                       const struct siphon_ssh_opts *o);

/*
 * The session and its socket, owned by s.  The session's abstract pointer
 * (libssh2_session_abstract) belongs to s too: do not change it.
 */
LIBSSH2_SESSION *siphon_ssh_session(struct siphon_ssh *s);
int siphon_ssh_socket(struct siphon_ssh *s);

/*
 * What the server said in its DISCONNECT message (printable, at most 255
 * bytes), or "" when it has not sent one.  libssh2 1.10 turns a DISCONNECT
 * into LIBSSH2_ERROR_SOCKET_DISCONNECT or into whatever error the waiting
 * call reports; this says what really happened.
 */
const char *siphon_ssh_peer_reason(struct siphon_ssh *s);

/*
 * Says goodbye to the server (best effort, never waits for it), frees the
 * session and closes the socket.  Accepts NULL.
 */
void siphon_ssh_free(struct siphon_ssh *s);

/*
 * Translates a libssh2 error code of session s into a siphon_err() call
 * with code SIPHON_ECONNECT (SIPHON_ENOMEM for LIBSSH2_ERROR_ALLOC) and the
 * message "<what>: <libssh2 message>"; returns the siphon code.  The one
 * place libssh2 errors are translated.
 */
int siphon_ssh_fail(struct siphon_ctx *ctx, LIBSSH2_SESSION *s, int rc,
                    const char *what);

#endif
