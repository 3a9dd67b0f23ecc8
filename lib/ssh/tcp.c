/* tcp.c - resolve, connect with a timeout, and tune the socket. */
#include "ssh/tcp.h"
#include "ssh/wait.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
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

void
siphon_ssh_hostport(char *buf, size_t cap, const char *host, int port)
{
	if (strchr(host, ':') != NULL)
		snprintf(buf, cap, "[%s]:%d", host, port);
	else
		snprintf(buf, cap, "%s:%d", host, port);
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

/*
 * One attempt on one address.  Returns 0 with *fdp set, 1 with *err set to
 * the errno of the failure (ETIMEDOUT when the timeout passed), or a
 * negative SIPHON_E* code (cancelled, or poll failed) with the message set.
 */
static int
try_address(int *fdp, int *err, struct siphon_ctx *ctx,
            const struct addrinfo *ai, int timeout_s)
{
	socklen_t len;
	int fd, r, soerr;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	            ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return 1;
	}
	tune(fd);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		*fdp = fd;
		return 0;
	}
	if (errno != EINPROGRESS) {
		*err = errno;
		r = 1;
		goto fail;
	}
	r = siphon_ssh_poll(ctx, fd, POLLOUT, siphon_ssh_deadline(timeout_s));
	if (r < 0)
		goto fail;
	if (r == 0) {
		*err = ETIMEDOUT;
		r = 1;
		goto fail;
	}
	soerr = 0;
	len = sizeof(soerr);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr == 0) {
		*fdp = fd;
		return 0;
	}
	*err = soerr;
	r = 1;
fail:
	close(fd);
	return r;
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

int
siphon_ssh_tcp_connect(int *sock, struct siphon_ctx *ctx, const char *host,
                       int port, int timeout_s)
{
	struct addrinfo hints, *res = NULL, *ai;
	char hp[300], portstr[16], addr[NI_MAXHOST];
	char where[sizeof(hp) + NI_MAXHOST + 3];
	int err = 0, r;

	*sock = -1;
	siphon_ssh_hostport(hp, sizeof(hp), host, port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%d", port);
	r = getaddrinfo(host, portstr, &hints, &res);
	if (r != 0) {
		if (r == EAI_SYSTEM)
			return siphon_err(ctx, SIPHON_ECONNECT,
			                  "cannot resolve host name %s: %s", host,
			                  strerror(errno));
		return siphon_err(ctx, SIPHON_ECONNECT,
		                  "cannot resolve host name %s: %s (check the "
		                  "spelling, your DNS or /etc/hosts)", host,
		                  gai_strerror(r));
	}
	snprintf(where, sizeof(where), "%s", hp);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		int e = 0, fd = -1;

		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr),
		                NULL, 0, NI_NUMERICHOST) != 0)
			snprintf(addr, sizeof(addr), "?");
		siphon_log(ctx, SIPHON_LOG_DEBUG, "connecting to %s (%s)", hp,
		           addr);
		r = try_address(&fd, &e, ctx, ai, timeout_s);
		if (r == 0) {
			*sock = fd;
			goto out;
		}
		if (r < 0)
			goto out;	/* cancelled; the message is set */
		siphon_log(ctx, SIPHON_LOG_DEBUG, "connect to %s (%s): %s", hp,
		           addr, strerror(e));
		/*
		 * Report the first failure that says something about the host
		 * rather than about an address family this machine lacks.
		 */
		if (err == 0 || (uninteresting(err) && !uninteresting(e))) {
			err = e;
			/* Name the address when the host was given as a name. */
			if (strcmp(addr, host) != 0)
				snprintf(where, sizeof(where), "%s (%s)", hp, addr);
			else
				snprintf(where, sizeof(where), "%s", hp);
		}
	}
	if (err == ETIMEDOUT)
		r = siphon_err(ctx, SIPHON_ECONNECT,
		               "cannot connect to %s: no answer within %d s (%s)",
		               where, timeout_s, hint(err));
	else
		r = siphon_err(ctx, SIPHON_ECONNECT, "cannot connect to %s: %s (%s)",
		               where, err != 0 ? strerror(err) : "no address",
		               hint(err));
out:
	freeaddrinfo(res);
	return r;
}
