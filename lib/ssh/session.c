/* session.c - connect, handshake, verify and authenticate, step by step; free. */
#include "ssh/session.h"
#include "ssh/auth.h"
#include "ssh/knownhosts.h"
#include "ssh/localuser.h"
#include "ssh/wait.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* How long freeing may wait for the transport, in case it ever has to. */
#define FREE_TIMEOUT_MS 1000
/*
 * When libssh2 says EAGAIN without naming a direction (it waits on something
 * other than the transport, such as the agent), we look again this soon.
 */
#define IDLE_RETRY_MS 10

/*
 * aes128-ctr first: the fastest cipher libssh2 1.10 has (it has no AES-GCM
 * and no chacha20-poly1305).  The other CTR ciphers follow for servers that
 * disable it; CBC and arcfour stay off.
 */
static const char cipher_prefs[] = "aes128-ctr,aes256-ctr,aes192-ctr";
/* The dump stream is compressed on the server already. */
static const char comp_prefs[] = "none";

/* A list of strings, owned. */
struct strv {
	char **v;
	size_t n;
};

/* Appends a copy of str.  0, or -1 when out of memory. */
static int
strv_add(struct strv *sv, const char *str)
{
	char **v = realloc(sv->v, (sv->n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	sv->v = v;
	if ((v[sv->n] = strdup(str)) == NULL)
		return -1;
	sv->n++;
	return 0;
}

static void
strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

/* The first state is where a new machine starts (calloc). */
enum ssh_state {
	S_TRANSPORT_START,
	S_TRANSPORT,
	S_HANDSHAKE,
	S_HOSTKEY,
	S_AUTH,
	S_READY,
	S_FAILED,
};

struct siphon_ssh {
	struct siphon_ctx *ctx;
	struct siphon_transport *t;
	LIBSSH2_SESSION *session;
	enum ssh_state state;
	int err;                 /* the code of S_FAILED */
	int64_t deadline;        /* of the handshake */
	int initialized;         /* libssh2_init() was called for us */
	int handshaken;          /* a DISCONNECT can be sent */
	int closing;             /* freeing: the transport is no longer used */
	int io_fd;               /* the descriptor the handshake was given */
	int rx_gate;             /* siphon_ssh_rx_gate: on */
	int rx_dry;              /* under the gate, the transport said EAGAIN */
	char peer_reason[256];   /* the server's DISCONNECT message */
	struct siphon_knownhosts *kh;
	struct siphon_ssh_auth *auth;
	struct siphon_ssh_auth_opts ao;
	enum siphon_ssh_login login;  /* how the login went, once READY */
	/* the options, copied */
	char *host, *alias;
	struct strv ids, user_kh, global_kh;
	char *agent;
	int port, timeout_s, keepalive_s, identities_only, hash;
	enum siphon_hostkey_policy policy;
	char user[256], spec[SIPHON_HOSTSPEC_MAX];
	char hp[SIPHON_HOSTSPEC_MAX * 2 + 4]; /* "prod (db1.example.com:22)" */
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
siphon_ssh_pollfd(struct siphon_ssh *s)
{
	return s->t != NULL ? s->t->ops->fd(s->t) : -1;
}

int
siphon_ssh_socket(struct siphon_ssh *s)
{
	return siphon_ssh_pollfd(s);
}

void
siphon_ssh_free(struct siphon_ssh *s)
{
	if (s == NULL)
		return;
	siphon_ssh_auth_free(s->auth);
	siphon_knownhosts_free(s->kh);
	if (s->session != NULL) {
		/*
		 * One non-blocking try at a polite DISCONNECT; if the transport
		 * would block, the server learns from the closed connection.
		 */
		if (s->handshaken)
			(void)libssh2_session_disconnect(s->session,
			                                 "siphon closing");
		/*
		 * From now on the send and receive callbacks fail at once, so
		 * whatever libssh2 still wants to send while freeing (channel
		 * CLOSE messages) does not wait on a peer that may be gone;
		 * blocking mode with a timeout makes libssh2 finish the free
		 * rather than return EAGAIN and leak it.
		 */
		s->closing = 1;
		libssh2_session_set_timeout(s->session, FREE_TIMEOUT_MS);
		libssh2_session_set_blocking(s->session, 1);
		(void)libssh2_session_free(s->session);
	}
	siphon_transport_free(s->t);
	/* libssh2 1.10 counts init/exit calls; this undoes ours only. */
	if (s->initialized)
		libssh2_exit();
	free(s->host);
	free(s->alias);
	free(s->agent);
	strv_free(&s->ids);
	strv_free(&s->user_kh);
	strv_free(&s->global_kh);
	free(s);
}

/*
 * libssh2's I/O callbacks (LIBSSH2_SEND_FUNC, LIBSSH2_RECV_FUNC in 1.10):
 * the session's bytes go through the transport, whatever it is.  The
 * session's abstract pointer is the struct siphon_ssh.  libssh2 also talks
 * to ssh-agent through these callbacks, with the agent's socket as sock:
 * bytes for any descriptor other than the session's go to that descriptor,
 * as libssh2's own callbacks would send them.
 */
/* A send or recv result in the callbacks' convention: bytes, or -errno. */
static ssize_t
io_result(ssize_t n)
{
	if (n >= 0)
		return n;
	return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

static ssize_t
on_send(libssh2_socket_t sock, const void *buf, size_t len, int flags,
        void **abstract)
{
	struct siphon_ssh *ssh = *abstract;

	if (sock != ssh->io_fd || ssh->io_fd < 0)
		return io_result(send(sock, buf, len, flags));
	if (ssh->closing)
		return -EPIPE;
	return ssh->t->ops->send(ssh->t, buf, len);
}

static ssize_t
on_recv(libssh2_socket_t sock, void *buf, size_t len, int flags,
        void **abstract)
{
	struct siphon_ssh *ssh = *abstract;
	ssize_t n;

	if (sock != ssh->io_fd || ssh->io_fd < 0)
		return io_result(recv(sock, buf, len, flags));
	if (ssh->closing)
		return 0;
	if (ssh->rx_dry)
		return -EAGAIN;
	n = ssh->t->ops->recv(ssh->t, buf, len);
	if (n == -EAGAIN && ssh->rx_gate)
		ssh->rx_dry = 1;
	return n;
}

void
siphon_ssh_rx_gate(LIBSSH2_SESSION *session, int on)
{
	struct siphon_ssh *ssh = *libssh2_session_abstract(session);

	ssh->rx_gate = on;
	ssh->rx_dry = 0;
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

enum siphon_ssh_login
siphon_ssh_login(const struct siphon_ssh *s)
{
	return s->login;
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
	if (o->port < 1 || o->port > 65535)
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

/* The transport's view of a hang-up, for authentication. */
static int
peer_closed(void *arg)
{
	struct siphon_ssh *ssh = arg;

	return ssh->t->ops->peer_closed(ssh->t);
}

/*
 * Copies a known_hosts list, without the "none" entries; an empty list
 * stands for the defaults (home-relative ones under the user's home).
 */
static int
take_kh(struct siphon_ssh *ssh, struct strv *sv, const char *const *v,
        size_t n, const char *const *defs, size_t ndefs, int in_home)
{
	char path[PATH_MAX];
	int r;

	if (n == 0) {
		v = defs;
		n = ndefs;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i], "none") == 0)
			continue;
		if (v == defs && in_home) {
			if ((r = siphon_ssh_localuser_path(ssh->ctx, path, sizeof(path),
			                                   v[i])) != 0)
				return r;
		} else if (snprintf(path, sizeof(path), "%s", v[i]) >=
		           (int)sizeof(path)) {
			return siphon_err(ssh->ctx, SIPHON_EUSAGE, "known_hosts path "
			                  "too long: %s", v[i]);
		}
		if (strv_add(sv, path) != 0)
			return siphon_err_oom(ssh->ctx);
	}
	return 0;
}

/* The known_hosts files: --known-hosts alone, else the lists or defaults. */
static int
take_known_hosts(struct siphon_ssh *ssh, const struct siphon_ssh_opts *o)
{
	static const char *const user_defs[] = { ".ssh/known_hosts",
	                                         ".ssh/known_hosts2" };
	static const char *const global_defs[] = { "/etc/ssh/ssh_known_hosts",
	                                           "/etc/ssh/ssh_known_hosts2" };
	int r;

	if (o->known_hosts != NULL)
		r = take_kh(ssh, &ssh->user_kh, &o->known_hosts, 1, NULL, 0, 0);
	else
		r = take_kh(ssh, &ssh->user_kh, o->user_known_hosts,
		            o->n_user_known_hosts, user_defs, 2, 1);
	if (r != 0)
		return r;
	return take_kh(ssh, &ssh->global_kh, o->global_known_hosts,
	               o->n_global_known_hosts, global_defs, 2, 0);
}

/* The key files: -i first, then IdentityFile; none: auth's defaults. */
static int
take_identities(struct siphon_ssh *ssh, const struct siphon_ssh_opts *o)
{
	if (o->identity != NULL && strv_add(&ssh->ids, o->identity) != 0)
		return siphon_err_oom(ssh->ctx);
	for (size_t i = 0; i < o->n_identity_files; i++)
		if (strv_add(&ssh->ids, o->identity_files[i]) != 0)
			return siphon_err_oom(ssh->ctx);
	/* libssh2 1.10 cannot offer a certificate: say so once, use the key. */
	if (o->n_certificate_files > 0)
		siphon_log(ssh->ctx, SIPHON_LOG_WARN, "CertificateFile %s%s is not "
		           "used: libssh2 1.10 has no certificate authentication; "
		           "trying the key alone", o->certificate_files[0],
		           o->n_certificate_files > 1 ? " (and others)" : "");
	if (o->identity_agent != NULL &&
	    (ssh->agent = strdup(o->identity_agent)) == NULL)
		return siphon_err_oom(ssh->ctx);
	ssh->identities_only = o->identities_only;
	return 0;
}

/* "host:port", or "alias (host:port)" when the user typed another name. */
static void
set_label(struct siphon_ssh *ssh, const char *host, const char *alias)
{
	char hp[SIPHON_HOSTSPEC_MAX];

	siphon_ssh_hostport(hp, sizeof(hp), host, ssh->port);
	if (alias != NULL && strcmp(alias, host) != 0)
		snprintf(ssh->hp, sizeof(ssh->hp), "%s (%s)", alias, hp);
	else
		snprintf(ssh->hp, sizeof(ssh->hp), "%s", hp);
}

/* Copies the options; resolves the defaults (user, known_hosts). */
static int
take_opts(struct siphon_ssh *ssh, const struct siphon_ssh_opts *o)
{
	struct siphon_ctx *ctx = ssh->ctx;
	int r;

	/* Resolved values: the defaults live in the option registry (opt/). */
	ssh->port = o->port;
	ssh->timeout_s = o->connect_timeout;
	ssh->keepalive_s = o->keepalive_s;
	ssh->policy = o->accept_new_host_key ? SIPHON_HOSTKEY_ACCEPT_NEW :
	              o->hostkey_policy;
	ssh->hash = o->hash_known_hosts;
	if (o->user != NULL) {
		if (snprintf(ssh->user, sizeof(ssh->user), "%s", o->user) >=
		    (int)sizeof(ssh->user))
			return siphon_err(ctx, SIPHON_EUSAGE, "SSH user name too long");
	} else if ((r = siphon_ssh_localuser_name(ctx, ssh->user,
	                                          sizeof(ssh->user))) != 0) {
		return r;
	}
	if ((r = take_known_hosts(ssh, o)) != 0 ||
	    (r = take_identities(ssh, o)) != 0)
		return r;
	if (siphon_knownhosts_hostspec(ssh->spec, sizeof(ssh->spec), o->host,
	                               ssh->port) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "host name too long: %s",
		                  o->host);
	set_label(ssh, o->host, o->alias);
	if ((ssh->host = strdup(o->host)) == NULL ||
	    (ssh->alias = strdup(o->alias != NULL ? o->alias : o->host)) == NULL)
		return siphon_err_oom(ctx);
	return 0;
}

int
siphon_ssh_start(struct siphon_ssh **out, struct siphon_ctx *ctx,
                 const struct siphon_ssh_opts *o, struct siphon_transport *t)
{
	struct siphon_ssh *ssh = NULL;
	size_t len;
	int r;

	*out = NULL;
	if ((r = check_opts(ctx, o)) != 0)
		goto out;
	if ((ssh = calloc(1, sizeof(*ssh))) == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	ssh->ctx = ctx;
	ssh->io_fd = -1;
	ssh->t = t;
	t = NULL;
	if ((r = take_opts(ssh, o)) != 0)
		goto out;
	if (ssh->t == NULL) {
		if ((r = siphon_transport_tcp_new(&ssh->t, ctx, ssh->host, ssh->port,
		                                  ssh->timeout_s)) != 0)
			goto out;
		/* Its messages name the host as the user typed it too (cut short if need be). */
		len = strnlen(ssh->hp, sizeof(ssh->t->desc) - 1);
		memcpy(ssh->t->desc, ssh->hp, len);
		ssh->t->desc[len] = '\0';
	}
	if (libssh2_init(0) != 0) {
		r = siphon_err(ctx, SIPHON_EINTERNAL, "libssh2_init failed");
		goto out;
	}
	ssh->initialized = 1;
	if ((ssh->session = libssh2_session_init_ex(NULL, NULL, NULL,
	                                            ssh)) == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	libssh2_session_callback_set(ssh->session, LIBSSH2_CALLBACK_DISCONNECT,
	                             (void *)on_disconnect);
	libssh2_session_callback_set(ssh->session, LIBSSH2_CALLBACK_SEND,
	                             (void *)on_send);
	libssh2_session_callback_set(ssh->session, LIBSSH2_CALLBACK_RECV,
	                             (void *)on_recv);
	libssh2_session_set_blocking(ssh->session, 0);
	/*
	 * SSH keepalives every 15 s (ServerAliveInterval), answered by the
	 * server: they keep NAT and firewall state alive through quiet phases
	 * (a long local index build); the loop sends them.  Whether the server
	 * still answers is the heartbeat's job (engine/heartbeat.c, whose
	 * timeout ServerAliveCountMax sets): libssh2 never reports missing
	 * replies.
	 */
	if (ssh->keepalive_s >= 0)
		libssh2_keepalive_config(ssh->session, 1, ssh->keepalive_s > 0 ?
		                         (unsigned)ssh->keepalive_s : 15);
	*out = ssh;
	ssh = NULL;
out:
	siphon_transport_free(t);
	siphon_ssh_free(ssh);
	return r;
}

/* The one place the state changes. */
static void
set_state(struct siphon_ssh *ssh, enum ssh_state st)
{
	static const char *const names[] = {
		[S_TRANSPORT_START] = "transport-start",
		[S_TRANSPORT] = "transport", [S_HANDSHAKE] = "handshake",
		[S_HOSTKEY] = "hostkey", [S_AUTH] = "auth", [S_READY] = "ready",
		[S_FAILED] = "failed",
	};

	siphon_log(ssh->ctx, SIPHON_LOG_DEBUG, "%s: SSH %s -> %s", ssh->hp,
	           names[ssh->state], names[st]);
	ssh->state = st;
}

/* What libssh2 waits for, until deadline. */
static void
want_session(struct siphon_ssh *ssh, struct siphon_pollwant *w,
             int64_t deadline)
{
	int64_t retry = siphon_ssh_now_ms() + IDLE_RETRY_MS;
	int dirs = libssh2_session_block_directions(ssh->session);

	w->fd = siphon_ssh_pollfd(ssh);
	w->events = 0;
	if (dirs & LIBSSH2_SESSION_BLOCK_INBOUND)
		w->events |= POLLIN;
	if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		w->events |= POLLOUT;
	w->deadline_ms = deadline;
	/* Nothing to wait for on the transport: look again soon. */
	if (w->events == 0 && retry < deadline)
		w->deadline_ms = retry;
}

/*
 * The transport is connected: ask for a host key of a type known_hosts
 * holds (libssh2 1.10 prefers ECDSA, so a host known by its ed25519 key
 * would otherwise look unknown), and set the other preferences.
 */
static int
before_handshake(struct siphon_ssh *ssh)
{
	char prefs[256];
	unsigned types;
	int r;

	if ((r = siphon_knownhosts_load_files(&ssh->kh, ssh->ctx, ssh->session,
	                                      (const char *const *)ssh->user_kh.v,
	                                      ssh->user_kh.n,
	                                      (const char *const *)ssh->global_kh.v,
	                                      ssh->global_kh.n)) != 0)
		return r;
	types = siphon_knownhosts_types(ssh->kh, ssh->spec);
	if (siphon_knownhosts_hostkey_prefs(prefs, sizeof(prefs), types) != 0)
		return siphon_err(ssh->ctx, SIPHON_EINTERNAL, "host key preferences "
		                  "do not fit");
	siphon_log(ssh->ctx, SIPHON_LOG_DEBUG, "known_hosts (%zu files) hold %s "
	           "key types for %s; asking for %s",
	           ssh->user_kh.n + ssh->global_kh.n, types ? "these" : "no",
	           ssh->spec, prefs);
	if ((r = set_prefs(ssh->ctx, ssh->session, prefs)) != 0)
		return r;
	ssh->deadline = siphon_ssh_deadline(ssh->timeout_s);
	return 0;
}

static int
handshake(struct siphon_ssh *ssh, struct siphon_pollwant *w)
{
	char what[sizeof(((struct siphon_ssh *)0)->hp) + 128];
	int rc;

	ssh->io_fd = siphon_ssh_pollfd(ssh);
	rc = libssh2_session_handshake(ssh->session, ssh->io_fd);
	if (rc == LIBSSH2_ERROR_EAGAIN) {
		if (siphon_ssh_now_ms() >= ssh->deadline)
			return siphon_err(ssh->ctx, SIPHON_ECONNECT, "SSH handshake "
			                  "with %s: no answer from the server within "
			                  "%d s", ssh->hp, ssh->timeout_s);
		want_session(ssh, w, ssh->deadline);
		return SIPHON_AGAIN;
	}
	if (rc != 0) {
		/* The server's own words beat libssh2's "socket disconnect". */
		if (ssh->peer_reason[0] != '\0')
			return siphon_err(ssh->ctx, SIPHON_ECONNECT, "SSH handshake "
			                  "with %s failed: the server said \"%s\"",
			                  ssh->hp, ssh->peer_reason);
		snprintf(what, sizeof(what), "SSH handshake with %s failed%s",
		         ssh->hp, handshake_hint(rc));
		return siphon_ssh_fail(ssh->ctx, ssh->session, rc, what);
	}
	ssh->handshaken = 1;
	siphon_log(ssh->ctx, SIPHON_LOG_DEBUG, "%s: %s; host key %s, cipher %s, "
	           "MAC %s", ssh->hp, nz(libssh2_session_banner_get(ssh->session)),
	           nz(libssh2_session_methods(ssh->session,
	                                      LIBSSH2_METHOD_HOSTKEY)),
	           nz(libssh2_session_methods(ssh->session,
	                                      LIBSSH2_METHOD_CRYPT_SC)),
	           nz(libssh2_session_methods(ssh->session,
	                                      LIBSSH2_METHOD_MAC_SC)));
	return 0;
}

/* The server's host key, against the known_hosts files. */
static int
verify_host(struct siphon_ssh *ssh)
{
	struct siphon_hostkey_check c = {
		.host = ssh->host, .port = ssh->port, .alias = ssh->alias,
		.label = ssh->hp, .policy = ssh->policy, .hash = ssh->hash,
	};

	return siphon_knownhosts_verify(ssh->kh, ssh->ctx, ssh->session, &c);
}

/* Host key checked: authentication may begin (the key was not sent before). */
static int
begin_auth(struct siphon_ssh *ssh)
{
	siphon_knownhosts_free(ssh->kh);
	ssh->kh = NULL;
	ssh->ao.user = ssh->user;
	ssh->ao.host = ssh->alias;
	ssh->ao.identities = (const char *const *)ssh->ids.v;
	ssh->ao.n_identities = ssh->ids.n;
	ssh->ao.identities_only = ssh->identities_only;
	ssh->ao.agent_socket = ssh->agent;
	ssh->ao.timeout_s = ssh->timeout_s;
	ssh->ao.peer_reason = ssh->peer_reason;
	ssh->ao.peer_closed = peer_closed;
	ssh->ao.peer_arg = ssh;
	return siphon_ssh_auth_new(&ssh->auth, ssh->ctx, ssh->session, &ssh->ao);
}

/* One state's work: 0 when it is done (the state moved on), else AGAIN or an error. */
static int
advance(struct siphon_ssh *ssh, struct siphon_pollwant *w)
{
	int64_t deadline;
	int r;

	switch (ssh->state) {
	case S_TRANSPORT_START:
		if ((r = ssh->t->ops->start(ssh->t)) != 0)
			return r;
		set_state(ssh, S_TRANSPORT);
		return 0;
	case S_TRANSPORT:
		if ((r = ssh->t->ops->step(ssh->t, w)) != 0 ||
		    (r = before_handshake(ssh)) != 0)
			return r;
		set_state(ssh, S_HANDSHAKE);
		return 0;
	case S_HANDSHAKE:
		if ((r = handshake(ssh, w)) != 0)
			return r;
		set_state(ssh, S_HOSTKEY);
		return 0;
	case S_HOSTKEY:
		if ((r = verify_host(ssh)) != 0 ||
		    (r = begin_auth(ssh)) != 0)
			return r;
		set_state(ssh, S_AUTH);
		return 0;
	case S_AUTH:
		r = siphon_ssh_auth_step(ssh->auth, &deadline);
		if (r == SIPHON_AGAIN)
			want_session(ssh, w, deadline);
		if (r != 0)
			return r;
		ssh->login = siphon_ssh_auth_login(ssh->auth);
		siphon_ssh_auth_free(ssh->auth);
		ssh->auth = NULL;
		siphon_log(ssh->ctx, SIPHON_LOG_INFO, "connected to %s as %s",
		           ssh->hp, ssh->user);
		set_state(ssh, S_READY);
		return 0;
	case S_READY:
	case S_FAILED:
		break;
	}
	return 0;
}

int
siphon_ssh_step(struct siphon_ssh *ssh, struct siphon_pollwant *w)
{
	int r;

	while (ssh->state != S_READY && ssh->state != S_FAILED) {
		r = advance(ssh, w);
		if (r == SIPHON_AGAIN)
			return r;
		if (r < 0) {
			ssh->err = r;
			set_state(ssh, S_FAILED);
		}
	}
	return ssh->state == S_READY ? 0 : ssh->err;
}

static int
step_fn(void *arg, struct siphon_pollwant *w)
{
	return siphon_ssh_step(arg, w);
}

int
siphon_ssh_wait_ready(struct siphon_ssh *s)
{
	return siphon_ssh_drive(s->ctx, step_fn, s);
}

int
siphon_ssh_connect(struct siphon_ssh **out, struct siphon_ctx *ctx,
                   const struct siphon_ssh_opts *o)
{
	struct siphon_ssh *ssh = NULL;
	int r;

	*out = NULL;
	if ((r = siphon_ssh_start(&ssh, ctx, o, NULL)) != 0 ||
	    (r = siphon_ssh_wait_ready(ssh)) != 0)
		goto out;
	*out = ssh;
	ssh = NULL;
out:
	siphon_ssh_free(ssh);
	return r;
}
