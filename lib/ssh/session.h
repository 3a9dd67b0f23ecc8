/*
 * session.h - an authenticated SSH session to the server, over one byte
 * transport (ssh/transport.h: a TCP connection today), ready for channels.
 *
 * Connecting is a non-blocking state machine that the event loop drives:
 *
 *   TRANSPORT_START -> TRANSPORT -> HANDSHAKE -> HOSTKEY -> AUTH -> READY
 *
 * (any state -> FAILED).  Set-up verifies the server's host key against known_hosts before any
 * credential is sent, authenticates with ssh-agent keys or key files, and
 * leaves the session in non-blocking mode for the event loop.  libssh2 1.10
 * is not thread-safe across sessions during libssh2_init/exit: connect and
 * free sessions from one thread.
 */
#ifndef SIPHON_SSH_SESSION_H
#define SIPHON_SSH_SESSION_H

#include "ssh/auth.h"
#include "ssh/knownhosts.h"
#include "ssh/transport.h"
#include "util/ctx.h"

#include <libssh2.h>

/*
 * What the connection does, as siphon's options and the user's ssh_config
 * say (source/ssh_setup.c fills it from both).  Zero is a usable default
 * for every field but host and port.  Lists are arrays of strings with a
 * count; the entry "none" in a known_hosts list stands for no file.
 */
struct siphon_ssh_opts {
	const char *user;        /* NULL: $USER / getpwuid */
	const char *host;        /* the name or address connected to (HostName) */
	const char *alias;       /* the name the user typed (an ssh_config Host),
	                            for messages; NULL: host */
	int port;
	const char *identity;    /* -i key file or NULL: tried first, must exist */
	const char *const *identity_files; /* IdentityFile, after identity;
	                            missing ones are skipped.  None of either:
	                            ~/.ssh/id_ed25519, id_ecdsa, id_rsa */
	size_t n_identity_files;
	int identities_only;     /* IdentitiesOnly: agent keys only when they
	                            match a key file's .pub */
	const char *identity_agent; /* NULL: $SSH_AUTH_SOCK; "none": no agent;
	                            else the agent's socket */
	const char *const *certificate_files; /* CertificateFile: not used
	                            (libssh2 1.10 has no certificates), said once */
	size_t n_certificate_files;
	const char *known_hosts; /* --known-hosts: the one user file; NULL: the list */
	const char *const *user_known_hosts; /* 0: ~/.ssh/known_hosts, known_hosts2 */
	size_t n_user_known_hosts;
	const char *const *global_known_hosts; /* 0: /etc/ssh/ssh_known_hosts,
	                            ssh_known_hosts2 */
	size_t n_global_known_hosts;
	/* StrictHostKeyChecking: ASK (0) unless set; accept_new_host_key beats it */
	enum siphon_hostkey_policy hostkey_policy;
	int accept_new_host_key; /* add unknown keys (OpenSSH accept-new); never
	                            replaces changed keys */
	int hash_known_hosts;    /* HashKnownHosts: new entries hashed */
	int connect_timeout;     /* seconds */
	int keepalive_s;         /* ServerAliveInterval: seconds between SSH
	                            keepalives; 0: siphon's 15; -1: none */
};

/* Owns the transport and the LIBSSH2_SESSION. */
struct siphon_ssh;

/*
 * Prepares a connection over transport t (not yet started; NULL: a TCP
 * transport to o->host:o->port with the connect timeout), without any I/O.
 * Takes t whatever it returns.  Errors: SIPHON_EUSAGE (bad options, one
 * line on ctx), SIPHON_ENOMEM, SIPHON_EINTERNAL.  The strings in o are
 * copied.
 */
int siphon_ssh_start(struct siphon_ssh **out, struct siphon_ctx *ctx,
                     const struct siphon_ssh_opts *o,
                     struct siphon_transport *t);

/*
 * Advances the connection as far as it goes without waiting.  Returns 0
 * when the session is authenticated and ready for channels (in
 * NON-BLOCKING mode); SIPHON_AGAIN with *w saying what to wait for: step
 * again when that happens or at w->deadline_ms (a step after a deadline
 * reports the timeout: SIPHON_ECONNECT "... no answer ... within N s");
 * or a negative code with one line on ctx: SIPHON_ECONNECT,
 * SIPHON_EHOSTKEY (checked before any credential is sent), SIPHON_EAUTH,
 * SIPHON_ENOMEM.  After a failure every step returns the same code.  The
 * step that authenticates may ask for a key's passphrase on the terminal
 * (ctx->prompt_fn), which blocks until the user answers.  Cancellation is
 * the driver's business: it polls the context's cancel descriptor.
 */
int siphon_ssh_step(struct siphon_ssh *s, struct siphon_pollwant *w);

/* The descriptor the session's bytes travel on; -1 until the transport is connected. */
int siphon_ssh_pollfd(struct siphon_ssh *s);

/*
 * Drives the machine to the end with poll(2), honouring the context's
 * cancel descriptor (SIPHON_EINTR, "interrupted").  Returns what the last
 * step returned.
 */
int siphon_ssh_wait_ready(struct siphon_ssh *s);

/*
 * Start and wait_ready in one, over TCP: resolves, connects (non-blocking
 * connect with timeout, tries every address), handshakes, verifies the host
 * key BEFORE authentication, authenticates.  On success *out is ready for
 * channels; on failure *out is NULL and everything is freed.
 */
int siphon_ssh_connect(struct siphon_ssh **out, struct siphon_ctx *ctx,
                       const struct siphon_ssh_opts *o);

/*
 * The session, owned by s.  The session's abstract pointer
 * (libssh2_session_abstract) and its send, receive and DISCONNECT callbacks
 * belong to s too: do not change them.
 */
LIBSSH2_SESSION *siphon_ssh_session(struct siphon_ssh *s);

/*
 * The receive gate of the session made by siphon_ssh_start that owns
 * session (loop/chan.h rx_gate): on (1) or off (0); either way the next
 * read asks the transport again.
 */
void siphon_ssh_rx_gate(LIBSSH2_SESSION *session, int on);
/* The same as siphon_ssh_pollfd (the name lib/pull.c knows). */
int siphon_ssh_socket(struct siphon_ssh *s);

/* How the session logged in (SIPHON_LOGIN_NONE until ready). */
enum siphon_ssh_login siphon_ssh_login(const struct siphon_ssh *s);

/*
 * What the server said in its DISCONNECT message (printable, at most 255
 * bytes), or "" when it has not sent one.  libssh2 1.10 turns a DISCONNECT
 * into LIBSSH2_ERROR_SOCKET_DISCONNECT or into whatever error the waiting
 * call reports; this says what really happened.
 */
const char *siphon_ssh_peer_reason(struct siphon_ssh *s);

/*
 * Says goodbye to the server (best effort, never waits for it), frees the
 * session and closes the transport.  Accepts NULL.
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
