/*
 * tunnel.c - the ProxyJump transport: a direct-tcpip channel of the
 * previous hop's session carries the next hop's SSH connection.
 *
 * No socket pair and no pump: the inner session's receive callback reads
 * the channel (libssh2 reads the previous session's socket into its queue
 * as it goes), its send callback writes the channel.  The inner session
 * reads until EAGAIN, and so drains this channel until EAGAIN: the first
 * of libssh2 1.10's disciplines holds through every hop.
 */
#include "ssh/tunnel.h"
#include "ssh/wait.h"

#include <errno.h>
#include <libssh2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What libssh2 sends in one channel packet at most. */
#define PACKET_SIZE 32768

/* Which call left a partly sent packet on the previous session. */
enum owner { OWNER_NONE, OWNER_SEND, OWNER_RECV };

struct tunnel {
	struct siphon_transport base;   /* first: the ops see a struct tunnel */
	struct siphon_ssh *prev;        /* borrowed */
	LIBSSH2_SESSION *s;             /* prev's session */
	LIBSSH2_CHANNEL *ch;            /* NULL until open */
	char *via, *host;
	int port, timeout_s;
	unsigned window;
	int64_t deadline;               /* of the open */
	unsigned char req[600];         /* the direct-tcpip request */
	size_t reqlen;
	enum owner owner;
	/* A copy of the bytes of a send that would block, repeated as they were. */
	unsigned char pend[PACKET_SIZE];
	size_t pendlen;
};

/* SSH's string and uint32 encodings (RFC 4251), for the request. */
static size_t
put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

static size_t
put_str(unsigned char *p, const char *s)
{
	size_t n = strlen(s);

	put_u32(p, (uint32_t)n);
	memcpy(p + 4, s, n);
	return 4 + n;
}

/*
 * RFC 4254 7.2: host to connect, port, originator address and port.  The
 * originator is only informative; 127.0.0.1:22 is what OpenSSH's ssh -W
 * sends when it has no better one.
 */
static int
tn_start(struct siphon_transport *t)
{
	struct tunnel *c = (struct tunnel *)t;
	size_t n = 0;

	if (strlen(c->host) > 255)
		return siphon_err(t->ctx, SIPHON_EUSAGE, "host name too long: %s",
		                  c->host);
	n += put_str(c->req + n, c->host);
	n += put_u32(c->req + n, (uint32_t)c->port);
	n += put_str(c->req + n, "127.0.0.1");
	n += put_u32(c->req + n, 22);
	c->reqlen = n;
	c->deadline = siphon_ssh_deadline(c->timeout_s);
	return 0;
}

/* What prev waits for, as a pollwant. */
static void
want_prev(struct tunnel *c, struct siphon_pollwant *w)
{
	int dirs = libssh2_session_block_directions(c->s);

	w->fd = siphon_ssh_pollfd(c->prev);
	w->events = POLLIN;
	if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		w->events |= POLLOUT;
	w->deadline_ms = c->deadline;
}

/* libssh2's words for prev's last error, or its code. */
static const char *
prev_error(struct tunnel *c, char *buf, size_t cap, int rc)
{
	char *msg = NULL;

	libssh2_session_last_error(c->s, &msg, NULL, 0);
	if (msg != NULL && *msg != '\0')
		return msg;
	snprintf(buf, cap, "libssh2 error %d", rc);
	return buf;
}

static int
tn_step(struct siphon_transport *t, struct siphon_pollwant *w)
{
	struct tunnel *c = (struct tunnel *)t;
	char buf[64];
	int rc;

	if (c->ch != NULL)
		return 0;
	c->ch = libssh2_channel_open_ex(c->s, "direct-tcpip",
	                                sizeof("direct-tcpip") - 1, c->window,
	                                PACKET_SIZE, (const char *)c->req,
	                                (unsigned int)c->reqlen);
	if (c->ch != NULL) {
		siphon_log(t->ctx, SIPHON_LOG_DEBUG, "%s: tunnel to %s open "
		           "(window %u)", c->via, t->desc, c->window);
		return 0;
	}
	rc = libssh2_session_last_errno(c->s);
	if (rc == LIBSSH2_ERROR_EAGAIN) {
		if (siphon_ssh_now_ms() >= c->deadline)
			return siphon_err(t->ctx, SIPHON_ECONNECT, "%s did not open a "
			                  "connection to %s within %d s", c->via,
			                  t->desc, c->timeout_s);
		want_prev(c, w);
		return SIPHON_AGAIN;
	}
	if (rc == LIBSSH2_ERROR_ALLOC)
		return siphon_err_oom(t->ctx);
	return siphon_err(t->ctx, SIPHON_ECONNECT, "%s could not connect to %s: "
	                  "%s (can it reach that host and port, and does its "
	                  "sshd allow TCP forwarding?)", c->via, t->desc,
	                  prev_error(c, buf, sizeof(buf), rc));
}

static int
tn_fd(struct siphon_transport *t)
{
	struct tunnel *c = (struct tunnel *)t;

	return c->ch != NULL ? siphon_ssh_pollfd(c->prev) : -1;
}

/* A partly sent packet is left on prev: the call that left it owns it. */
static int
left_pending(struct tunnel *c)
{
	return (libssh2_session_block_directions(c->s) &
	        LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0;
}

/* prev failed under us: one line naming the hop, then -EPIPE for libssh2. */
static ssize_t
failed(struct tunnel *c, const char *what, ssize_t rc)
{
	char buf[64];

	siphon_err(c->base.ctx, SIPHON_ECONNECT, "the connection through %s to "
	           "%s was lost while %s: %s", c->via, c->base.desc, what,
	           prev_error(c, buf, sizeof(buf), (int)rc));
	return -EPIPE;
}

static ssize_t
tn_send(struct siphon_transport *t, const void *buf, size_t len)
{
	struct tunnel *c = (struct tunnel *)t;
	ssize_t n;

	if (c->owner == OWNER_RECV)
		return -EAGAIN;
	/*
	 * libssh2 repeats a send that would block with the same bytes; the
	 * copy makes the repeat independent of the caller's buffer.
	 */
	if (c->owner == OWNER_NONE) {
		c->pendlen = len < sizeof(c->pend) ? len : sizeof(c->pend);
		memcpy(c->pend, buf, c->pendlen);
	}
	n = libssh2_channel_write(c->ch, (const char *)c->pend, c->pendlen);
	if (n > 0) {
		c->owner = OWNER_NONE;
		return n;
	}
	/* 0: the channel's window is closed; nothing was queued. */
	if (n == 0 || n == LIBSSH2_ERROR_EAGAIN) {
		c->owner = left_pending(c) ? OWNER_SEND : OWNER_NONE;
		return -EAGAIN;
	}
	c->owner = OWNER_NONE;
	return failed(c, "sending", n);
}

static ssize_t
tn_recv(struct siphon_transport *t, void *buf, size_t len)
{
	struct tunnel *c = (struct tunnel *)t;
	ssize_t n;

	if (c->owner == OWNER_SEND)
		return -EAGAIN;
	n = libssh2_channel_read(c->ch, buf, len);
	if (n > 0) {
		c->owner = OWNER_NONE;
		return n;
	}
	if (n == 0 || n == LIBSSH2_ERROR_EAGAIN) {
		/* A read may have left a window adjustment half sent. */
		c->owner = n != 0 && left_pending(c) ? OWNER_RECV : OWNER_NONE;
		/* 0 is end of file only when the channel says so. */
		if (n == 0 && libssh2_channel_eof(c->ch) == 1)
			return 0;
		return -EAGAIN;
	}
	c->owner = OWNER_NONE;
	return failed(c, "receiving", n);
}

static int
tn_peer_closed(struct siphon_transport *t)
{
	struct tunnel *c = (struct tunnel *)t;

	return c->ch == NULL || libssh2_channel_eof(c->ch) == 1;
}

static void
tn_free(struct siphon_transport *t)
{
	struct tunnel *c = (struct tunnel *)t;

	/*
	 * Best effort, without waiting: a channel libssh2 cannot close now is
	 * freed with prev's session, which goes next (last hop first).
	 */
	if (c->ch != NULL)
		(void)libssh2_channel_free(c->ch);
	free(c->via);
	free(c->host);
	free(c);
}

static const struct siphon_transport_ops tunnel_ops = {
	.name = "tunnel",
	.start = tn_start,
	.step = tn_step,
	.fd = tn_fd,
	.send = tn_send,
	.recv = tn_recv,
	.peer_closed = tn_peer_closed,
	.free = tn_free,
};

int
siphon_transport_tunnel_new(struct siphon_transport **out,
                            struct siphon_ctx *ctx, struct siphon_ssh *prev,
                            const char *via, const char *host, int port,
                            unsigned window, int timeout_s)
{
	struct tunnel *c;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return siphon_err_oom(ctx);
	c->base.ops = &tunnel_ops;
	c->base.ctx = ctx;
	c->prev = prev;
	c->s = siphon_ssh_session(prev);
	c->port = port;
	c->window = window;
	c->timeout_s = timeout_s;
	if ((c->via = strdup(via)) == NULL || (c->host = strdup(host)) == NULL) {
		free(c->via);
		free(c);
		return siphon_err_oom(ctx);
	}
	siphon_ssh_hostport(c->base.desc, sizeof(c->base.desc), host, port);
	*out = &c->base;
	return 0;
}
