/* session.c - connect, handshake, verify and authenticate; free. */
#include "ssh/session.h"
#include "ssh/auth.h"
#include "ssh/knownhosts.h"
#include "ssh/localuser.h"
#include "ssh/tcp.h"
#include "ssh/wait.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_PORT 22
#define DEFAULT_TIMEOUT_S 15
/* How long freeing may wait for the socket, in case it ever has to. */
#define FREE_TIMEOUT_MS 1000

/*
 * aes128-ctr first: the fastest cipher libssh2 1.10 has (it has no AES-GCM
 * and no chacha20-poly1305).  The other CTR ciphers follow for servers that
 * disable it; CBC and arcfour stay off.
 */
static const char cipher_prefs[] = "aes128-ctr,aes256-ctr,aes192-ctr";
/* The dump stream is compressed on the server already. */
static const char comp_prefs[] = "none";

struct siphon_ssh {
	LIBSSH2_SESSION *session;
	int sock;
	int initialized;         /* libssh2_init() was called for us */
	int handshaken;          /* a DISCONNECT can be sent */
	char peer_reason[256];   /* the server's DISCONNECT message */
};

int
siphon_ssh_fail(struct siphon_ctx *ctx, LIBSSH2_SESSION *s, int rc,
                const char *what)
{
	char *msg = NULL;

	if (rc == LIBSSH2_ERROR_ALLOC)
		return siphon_err_oom(ctx);
	if (s != NULL)
		libssh2_session_last_error(s, &msg, NULL, 0);
	if (msg == NULL || *msg == '\0')
		return siphon_err(ctx, SIPHON_ECONNECT, "%s: libssh2 error %d",
		                  what, rc);
	return siphon_err(ctx, SIPHON_ECONNECT, "%s: %s", what, msg);
}

LIBSSH2_SESSION *
siphon_ssh_session(struct siphon_ssh *s)
{
	return s->session;
}

int
siphon_ssh_socket(struct siphon_ssh *s)
{
	return s->sock;
}

void
siphon_ssh_free(struct siphon_ssh *s)
{
	if (s == NULL)
		return;
	if (s->session != NULL) {
		/*
		 * One non-blocking try at a polite DISCONNECT; if the socket
		 * would block, the server learns from the closed connection.
		 */
		if (s->handshaken)
			(void)libssh2_session_disconnect(s->session,
			                                 "siphon closing");
		/*
		 * With the socket shut down, whatever libssh2 still wants to send
		 * while freeing (channel CLOSE messages) fails at once instead of
		 * waiting on a peer that may be gone; blocking mode with a
		 * timeout makes libssh2 finish the free rather than return EAGAIN
		 * and leak it.
		 */
		if (s->sock >= 0)
			(void)shutdown(s->sock, SHUT_RDWR);
		libssh2_session_set_timeout(s->session, FREE_TIMEOUT_MS);
		libssh2_session_set_blocking(s->session, 1);
		(void)libssh2_session_free(s->session);
	}
	if (s->sock >= 0)
		close(s->sock);
	/* libssh2 1.10 counts init/exit calls; this undoes ours only. */
	if (s->initialized)
		libssh2_exit();
	free(s);
}

/*
 * libssh2's DISCONNECT callback; the session's abstract pointer is the
 * struct siphon_ssh.  Keeps the server's words, printable and bounded, for
 * messages.
 */
static void
on_disconnect(LIBSSH2_SESSION *session, int reason, const char *message,
              int message_len, const char *language, int language_len,
              void **abstract)
{
	struct siphon_ssh *ssh = *abstract;
	size_t n = 0;

	(void)session;
	(void)language;
	(void)language_len;
	for (int i = 0; message != NULL && i < message_len &&
	     n < sizeof(ssh->peer_reason) - 1; i++) {
		unsigned char c = (unsigned char)message[i];

		ssh->peer_reason[n++] = c >= 0x20 && c != 0x7f ? (char)c : ' ';
	}
	/* A DISCONNECT without words still counts. */
	if (n == 0)
		n = (size_t)snprintf(ssh->peer_reason, sizeof(ssh->peer_reason),
		                     "reason %d", reason);
	ssh->peer_reason[n] = '\0';
}

const char *
siphon_ssh_peer_reason(struct siphon_ssh *s)
{
	return s->peer_reason;
}

static int
check_opts(struct siphon_ctx *ctx, const struct siphon_ssh_opts *o)
{
	if (o->host == NULL || o->host[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "no SSH host given");
	if (o->port < 0 || o->port > 65535)
		return siphon_err(ctx, SIPHON_EUSAGE, "SSH port out of range: %d",
		                  o->port);
	if (o->connect_timeout < 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "connect timeout must not be "
		                  "negative: %d", o->connect_timeout);
	if (o->user != NULL && o->user[0] == '\0')
		return siphon_err(ctx, SIPHON_EUSAGE, "empty SSH user name");
	/* Said now rather than after connecting to the server. */
	if (o->identity != NULL && access(o->identity, R_OK) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "cannot read identity file "
		                  "%s: %s", o->identity, strerror(errno));
	return 0;
}

/* Method preferences, set before the handshake. */
static int
set_prefs(struct siphon_ctx *ctx, LIBSSH2_SESSION *s, const char *hostkeys)
{
	static const struct {
		int method;
		const char *what;
	} crypt[] = {
		{ LIBSSH2_METHOD_CRYPT_CS, "client-to-server ciphers" },
		{ LIBSSH2_METHOD_CRYPT_SC, "server-to-client ciphers" },
	};
	int rc;

	if ((rc = libssh2_session_method_pref(s, LIBSSH2_METHOD_HOSTKEY,
	                                      hostkeys)) != 0)
		return siphon_ssh_fail(ctx, s, rc, "setting host key types");
	for (size_t i = 0; i < 2; i++)
		if ((rc = libssh2_session_method_pref(s, crypt[i].method,
		                                      cipher_prefs)) != 0)
			return siphon_ssh_fail(ctx, s, rc, crypt[i].what);
	if ((rc = libssh2_session_method_pref(s, LIBSSH2_METHOD_COMP_CS,
	                                      comp_prefs)) != 0 ||
	    (rc = libssh2_session_method_pref(s, LIBSSH2_METHOD_COMP_SC,
	                                      comp_prefs)) != 0)
		return siphon_ssh_fail(ctx, s, rc, "setting compression");
	return 0;
}

/* What a handshake failure most likely means, for the message. */
static const char *
handshake_hint(int rc)
{
	switch (rc) {
	case LIBSSH2_ERROR_BANNER_RECV:
	case LIBSSH2_ERROR_BANNER_SEND:
	case LIBSSH2_ERROR_SOCKET_DISCONNECT:
	case LIBSSH2_ERROR_SOCKET_RECV:
	case LIBSSH2_ERROR_PROTO:
		return " (is it an SSH server, and does it let us in?)";
	case LIBSSH2_ERROR_KEX_FAILURE:
	case LIBSSH2_ERROR_KEY_EXCHANGE_FAILURE:
	case LIBSSH2_ERROR_METHOD_NONE:
		return " (no algorithms in common; libssh2 1.10 lacks the newest)";
	default:
		return "";
	}
}

/* libssh2 names or "?", for log lines. */
static const char *
nz(const char *s)
{
	return s != NULL ? s : "?";
}

static int
handshake(struct siphon_ssh *ssh, struct siphon_ctx *ctx, const char *hp,
          int timeout_s)
{
	int64_t deadline = siphon_ssh_deadline(timeout_s);
	char what[400];
	int rc, r;

	snprintf(what, sizeof(what), "SSH handshake with %s", hp);
	while ((rc = libssh2_session_handshake(ssh->session, ssh->sock)) ==
	       LIBSSH2_ERROR_EAGAIN)
		if ((r = siphon_ssh_wait(ctx, ssh->session, ssh->sock, deadline,
		                         timeout_s, what)) != 0)
			return r;
	if (rc != 0) {
		/* The server's own words beat libssh2's "socket disconnect". */
		if (ssh->peer_reason[0] != '\0')
			return siphon_err(ctx, SIPHON_ECONNECT, "SSH handshake with %s "
			                  "failed: the server said \"%s\"", hp,
			                  ssh->peer_reason);
		snprintf(what, sizeof(what), "SSH handshake with %s failed%s", hp,
		         handshake_hint(rc));
		return siphon_ssh_fail(ctx, ssh->session, rc, what);
	}
	ssh->handshaken = 1;
	siphon_log(ctx, SIPHON_LOG_DEBUG, "%s: %s; host key %s, cipher %s, MAC "
	           "%s", hp, nz(libssh2_session_banner_get(ssh->session)),
	           nz(libssh2_session_methods(ssh->session,
	                                      LIBSSH2_METHOD_HOSTKEY)),
	           nz(libssh2_session_methods(ssh->session,
	                                      LIBSSH2_METHOD_CRYPT_SC)),
	           nz(libssh2_session_methods(ssh->session,
	                                      LIBSSH2_METHOD_MAC_SC)));
	return 0;
}

int
siphon_ssh_connect(struct siphon_ssh **out, struct siphon_ctx *ctx,
                   const struct siphon_ssh_opts *o)
{
	struct siphon_ssh *ssh = NULL;
	struct siphon_knownhosts *kh = NULL;
	struct siphon_ssh_auth_opts ao;
	char user[256], khpath[PATH_MAX], spec[SIPHON_HOSTSPEC_MAX];
	char prefs[256], hp[SIPHON_HOSTSPEC_MAX];
	int port, timeout_s, r;
	unsigned types;

	*out = NULL;
	if ((r = check_opts(ctx, o)) != 0)
		return r;
	port = o->port != 0 ? o->port : DEFAULT_PORT;
	timeout_s = o->connect_timeout != 0 ? o->connect_timeout :
	            DEFAULT_TIMEOUT_S;
	if (o->user != NULL) {
		if (snprintf(user, sizeof(user), "%s", o->user) >= (int)sizeof(user))
			return siphon_err(ctx, SIPHON_EUSAGE, "SSH user name too long");
	} else if ((r = siphon_ssh_localuser_name(ctx, user, sizeof(user))) != 0) {
		return r;
	}
	if (o->known_hosts != NULL) {
		if (snprintf(khpath, sizeof(khpath), "%s", o->known_hosts) >=
		    (int)sizeof(khpath))
			return siphon_err(ctx, SIPHON_EUSAGE, "known_hosts path too "
			                  "long");
	} else if ((r = siphon_ssh_localuser_path(ctx, khpath, sizeof(khpath),
	                                          ".ssh/known_hosts")) != 0) {
		return r;
	}
	if (siphon_knownhosts_hostspec(spec, sizeof(spec), o->host, port) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "host name too long: %s",
		                  o->host);
	siphon_ssh_hostport(hp, sizeof(hp), o->host, port);

	if ((ssh = calloc(1, sizeof(*ssh))) == NULL)
		return siphon_err_oom(ctx);
	ssh->sock = -1;
	if (libssh2_init(0) != 0) {
		r = siphon_err(ctx, SIPHON_EINTERNAL, "libssh2_init failed");
		goto out;
	}
	ssh->initialized = 1;
	if ((r = siphon_ssh_tcp_connect(&ssh->sock, ctx, o->host, port,
	                                timeout_s)) != 0)
		goto out;
	if ((ssh->session = libssh2_session_init_ex(NULL, NULL, NULL,
	                                            ssh)) == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	libssh2_session_callback_set(ssh->session, LIBSSH2_CALLBACK_DISCONNECT,
	                             (void *)on_disconnect);
	libssh2_session_set_blocking(ssh->session, 0);
	/*
	 * SSH keepalives every 15 s, answered by the server: they keep NAT and
	 * firewall state alive through quiet phases (a long local index build).
	 * Whether the server still answers is the heartbeat's job
	 * (engine/heartbeat.c): libssh2 never reports missing replies.
	 */
	libssh2_keepalive_config(ssh->session, 1, 15);

	/*
	 * Ask for a host key of a type known_hosts holds: libssh2 1.10 prefers
	 * ECDSA, so a host known by its ed25519 key would otherwise look
	 * unknown.
	 */
	if ((r = siphon_knownhosts_load(&kh, ctx, ssh->session, khpath)) != 0)
		goto out;
	types = siphon_knownhosts_types(kh, spec);
	if (siphon_knownhosts_hostkey_prefs(prefs, sizeof(prefs), types) != 0) {
		r = siphon_err(ctx, SIPHON_EINTERNAL, "host key preferences do not "
		               "fit");
		goto out;
	}
	siphon_log(ctx, SIPHON_LOG_DEBUG, "%s holds %s key types for %s; "
	           "asking for %s", khpath, types ? "these" : "no", spec, prefs);
	if ((r = set_prefs(ctx, ssh->session, prefs)) != 0 ||
	    (r = handshake(ssh, ctx, hp, timeout_s)) != 0 ||
	    (r = siphon_knownhosts_verify(kh, ctx, ssh->session, o->host, port,
	                                  o->accept_new_host_key)) != 0)
		goto out;

	ao.user = user;
	ao.host = o->host;
	ao.identity = o->identity;
	ao.timeout_s = timeout_s;
	ao.peer_reason = ssh->peer_reason;
	if ((r = siphon_ssh_auth(ctx, ssh->session, ssh->sock, &ao)) != 0)
		goto out;
	siphon_log(ctx, SIPHON_LOG_INFO, "connected to %s as %s", hp, user);
	*out = ssh;
	ssh = NULL;
out:
	siphon_knownhosts_free(kh);
	siphon_ssh_free(ssh);
	return r;
}
