/* tcp.c - the TCP transport: resolve, connect each address with a timeout, tune the socket. */
#include "ssh/transport.h"
#include "ssh/wait.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * Keepalive probes start after this much silence and are repeated this often
 * and this many times, and unacknowledged data is given up on after
 * USER_TIMEOUT_MS: a vanished peer (a laptop lid closed, a NAT that dropped
 * the mapping) is noticed within about 90 s, before the 120 s stall
 * watchdog, while a short network hiccup is ridden out.
 */
#define KEEPIDLE_S 30
#define KEEPINTVL_S 10
#define KEEPCNT 6
#define USER_TIMEOUT_MS 90000

struct tcp {
	struct siphon_transport base;   /* first: the ops see a struct tcp */
	char *host;
	int port;
	int timeout_s;
	struct addrinfo *res;
	const struct addrinfo *ai;      /* the address being tried, or the next */
	int fd;                         /* the socket: connecting or connected */
	int connected;
	int64_t deadline;               /* of the address being tried */
	char addr[NI_MAXHOST];          /* its numeric form */
	int err;                        /* the failure the message reports */
	char where[sizeof(((struct siphon_transport *)0)->desc) + NI_MAXHOST + 3];
};

void
siphon_ssh_hostport(char *buf, size_t cap, const char *host, int port)
{
	if (strchr(host, ':') != NULL)
		snprintf(buf, cap, "[%s]:%d", host, port);
	else
		snprintf(buf, cap, "%s:%d", host, port);
}

void
siphon_transport_free(struct siphon_transport *t)
{
	if (t != NULL)
		t->ops->free(t);
}

/* Options that only tune the connection: a failure is not worth stopping for. */
static void
tune(int fd)
{
	int one = 1;
	int v;
	unsigned int ut = USER_TIMEOUT_MS;

	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	v = KEEPIDLE_S;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v));
	v = KEEPINTVL_S;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v));
	v = KEEPCNT;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof(ut));
	/* SSH packets are whole messages; Nagle only delays the small ones. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Failures that only say this address family is unusable here. */
static int
uninteresting(int err)
{
	return err == ENETUNREACH || err == EAFNOSUPPORT ||
	       err == EADDRNOTAVAIL;
}

static const char *
hint(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return "is sshd running there? check host and port";
	case ETIMEDOUT:
		return "is the host up? a firewall may be dropping the packets; "
		       "check host and port";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "check the host name and your network or VPN";
	default:
		return "check host and port";
	}
}

static int
tcp_start(struct siphon_transport *t)
{
	struct tcp *c = (struct tcp *)t;
	struct addrinfo hints;
	char portstr[16];
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%d", c->port);
	/* Name resolution cannot be cancelled: getaddrinfo blocks. */
	r = getaddrinfo(c->host, portstr, &hints, &c->res);
	if (r != 0) {
		c->res = NULL;
		if (r == EAI_SYSTEM)
			return siphon_err(t->ctx, SIPHON_ECONNECT,
			                  "cannot resolve host name %s: %s", c->host,
			                  strerror(errno));
		return siphon_err(t->ctx, SIPHON_ECONNECT,
		                  "cannot resolve host name %s: %s (check the "
		                  "spelling, your DNS or /etc/hosts)", c->host,
		                  gai_strerror(r));
	}
	c->ai = c->res;
	snprintf(c->where, sizeof(c->where), "%s", t->desc);
	return 0;
}

/*
 * The address being tried failed with e: keeps the failure the message
 * will report, and moves on to the next address.
 */
static void
failed(struct tcp *c, int e)
{
	siphon_log(c->base.ctx, SIPHON_LOG_DEBUG, "connect to %s (%s): %s",
	           c->base.desc, c->addr, strerror(e));
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	/*
	 * Report the first failure that says something about the host
	 * rather than about an address family this machine lacks.
	 */
	if (c->err == 0 || (uninteresting(c->err) && !uninteresting(e))) {
		c->err = e;
		/* Name the address when the host was given as a name. */
		if (strcmp(c->addr, c->host) != 0)
			snprintf(c->where, sizeof(c->where), "%s (%s)", c->base.desc,
			         c->addr);
		else
			snprintf(c->where, sizeof(c->where), "%s", c->base.desc);
	}
	c->ai = c->ai->ai_next;
}

/*
 * Begins a connect to the next address.  Returns 1 when it is in progress
 * or done (c->connected), 0 when it failed at once (recorded, moved on).
 */
static int
begin(struct tcp *c)
{
	const struct addrinfo *ai = c->ai;

	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, c->addr, sizeof(c->addr),
	                NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(c->addr, sizeof(c->addr), "?");
	siphon_log(c->base.ctx, SIPHON_LOG_DEBUG, "connecting to %s (%s)",
	           c->base.desc, c->addr);
	c->fd = socket(ai->ai_family,
	               ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	               ai->ai_protocol);
	if (c->fd < 0) {
		failed(c, errno);
		return 0;
	}
	tune(c->fd);
	c->deadline = siphon_ssh_deadline(c->timeout_s);
	if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		c->connected = 1;
		return 1;
	}
	if (errno != EINPROGRESS) {
		failed(c, errno);
		return 0;
	}
	return 1;
}

/* The connect in progress: 1 done, 0 not yet, -1 failed (recorded). */
static int
finish(struct tcp *c)
{
	struct pollfd p = { .fd = c->fd, .events = POLLOUT };
	socklen_t len;
	int soerr = 0;

	if (poll(&p, 1, 0) <= 0) {
		if (siphon_ssh_now_ms() < c->deadline)
			return 0;
		failed(c, ETIMEDOUT);
		return -1;
	}
	len = sizeof(soerr);
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr != 0) {
		failed(c, soerr);
		return -1;
	}
	c->connected = 1;
	return 1;
}

static int
tcp_step(struct siphon_transport *t, struct siphon_pollwant *w)
{
	struct tcp *c = (struct tcp *)t;

	while (!c->connected) {
		if (c->fd < 0) {
			if (c->ai == NULL)
				break;
			if (!begin(c))
				continue;
			if (c->connected)
				break;
		}
		if (finish(c) == 0) {
			w->fd = c->fd;
			w->events = POLLOUT;
			w->deadline_ms = c->deadline;
			return SIPHON_AGAIN;
		}
	}
	if (c->connected) {
		freeaddrinfo(c->res);
		c->res = NULL;
		c->ai = NULL;
		return 0;
	}
	if (c->err == ETIMEDOUT)
		return siphon_err(t->ctx, SIPHON_ECONNECT,
		                  "cannot connect to %s: no answer within %d s (%s)",
		                  c->where, c->timeout_s, hint(c->err));
	return siphon_err(t->ctx, SIPHON_ECONNECT, "cannot connect to %s: %s (%s)",
	                  c->where, c->err != 0 ? strerror(c->err) : "no address",
	                  hint(c->err));
}

static int
tcp_fd(struct siphon_transport *t)
{
	struct tcp *c = (struct tcp *)t;

	return c->connected ? c->fd : -1;
}

ssize_t
siphon_sock_send(int fd, const void *buf, size_t len)
{
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

	if (n >= 0)
		return n;
	/* An interrupted call moved nothing: the caller simply tries again. */
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return -EAGAIN;
	return -errno;
}

ssize_t
siphon_sock_recv(int fd, void *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, 0);

	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return -EAGAIN;
	return -errno;
}

int
siphon_sock_peer_closed(int fd)
{
	char b;
	ssize_t n;

	if (fd < 0)
		return 1;
	n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	                  errno != EINTR);
}

static ssize_t
tcp_send(struct siphon_transport *t, const void *buf, size_t len)
{
	return siphon_sock_send(((struct tcp *)t)->fd, buf, len);
}

static ssize_t
tcp_recv(struct siphon_transport *t, void *buf, size_t len)
{
	return siphon_sock_recv(((struct tcp *)t)->fd, buf, len);
}

static int
tcp_peer_closed(struct siphon_transport *t)
{
	return siphon_sock_peer_closed(((struct tcp *)t)->fd);
}

static void
tcp_free(struct siphon_transport *t)
{
	struct tcp *c = (struct tcp *)t;

	if (c->res != NULL)
		freeaddrinfo(c->res);
	if (c->fd >= 0)
		close(c->fd);
	free(c->host);
	free(c);
}

static const struct siphon_transport_ops tcp_ops = {
	.name = "tcp",
	.start = tcp_start,
	.step = tcp_step,
	.fd = tcp_fd,
	.send = tcp_send,
	.recv = tcp_recv,
	.peer_closed = tcp_peer_closed,
	.free = tcp_free,
};

int
siphon_transport_tcp_new(struct siphon_transport **out, struct siphon_ctx *ctx,
                         const char *host, int port, int timeout_s)
{
	struct tcp *c;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return siphon_err_oom(ctx);
	c->base.ops = &tcp_ops;
	c->base.ctx = ctx;
	c->fd = -1;
	c->port = port;
	c->timeout_s = timeout_s;
	if ((c->host = strdup(host)) == NULL) {
		free(c);
		return siphon_err_oom(ctx);
	}
	siphon_ssh_hostport(c->base.desc, sizeof(c->base.desc), host, port);
	*out = &c->base;
	return 0;
}
