/*
 * test_transport.c - unit tests of the byte transport (lib/ssh/tcp.c)
 * against a listening socket of the test's own on loopback, and of the SSH
 * connect state machine (lib/ssh/session.c) on the paths reachable without
 * an SSH server: bad options, a refused connection, a peer that never
 * speaks (the handshake's timeout), a peer that is not an SSH server,
 * cancellation.  The paths past the handshake (host key, authentication)
 * are covered by the integration tests against a real sshd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ssh/session.h"
#include "ssh/transport.h"
#include "ssh/wait.h"
#include "util/ctx.h"

/* A listening TCP socket on 127.0.0.1 and its port. */
static int
listen_loopback(int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A port on loopback where nothing listens (bound once, then closed). */
static int
closed_port(void)
{
	int port, fd = listen_loopback(&port);

	close(fd);
	return port;
}

/* Steps a transport's connect to the end, as a driver would. */
static int
connect_all(struct siphon_transport *t)
{
	struct siphon_pollwant w;
	int r;

	if ((r = t->ops->start(t)) != 0)
		return r;
	while ((r = t->ops->step(t, &w)) == SIPHON_AGAIN) {
		assert_true(w.deadline_ms > 0);
		assert_int_equal(siphon_ssh_poll(t->ctx, w.fd, w.events,
		                                 w.deadline_ms) >= 0, 1);
	}
	return r;
}

static void
test_tcp_connect_send_recv(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_transport *t;
	char buf[64];
	int port, lfd, cfd;
	ssize_t n;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	lfd = listen_loopback(&port);
	assert_int_equal(siphon_transport_tcp_new(&t, ctx, "127.0.0.1", port, 5),
	                 0);
	snprintf(buf, sizeof(buf), "127.0.0.1:%d", port);
	assert_string_equal(t->desc, buf);
	assert_int_equal(t->ops->fd(t), -1);
	assert_int_equal(connect_all(t), 0);
	assert_true(t->ops->fd(t) >= 0);
	assert_true((cfd = accept(lfd, NULL, NULL)) >= 0);

	/* Nothing to read yet: would block, and the peer is there. */
	assert_int_equal(t->ops->recv(t, buf, sizeof(buf)), -EAGAIN);
	assert_false(t->ops->peer_closed(t));

	assert_int_equal(t->ops->send(t, "ping", 4), 4);
	assert_int_equal(read(cfd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "ping", 4);

	assert_int_equal(write(cfd, "pong!", 5), 5);
	/* peer_closed peeks: the bytes stay for recv. */
	assert_false(t->ops->peer_closed(t));
	n = t->ops->recv(t, buf, sizeof(buf));
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "pong!", 5);

	close(cfd);
	assert_true(t->ops->peer_closed(t));
	assert_int_equal(t->ops->recv(t, buf, sizeof(buf)), 0);
	siphon_transport_free(t);
	siphon_transport_free(NULL);
	close(lfd);
	siphon_ctx_free(ctx);
}

static void
test_tcp_refused(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_transport *t;
	char want[200];
	int port = closed_port();

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(siphon_transport_tcp_new(&t, ctx, "127.0.0.1", port, 5),
	                 0);
	assert_int_equal(connect_all(t), SIPHON_ECONNECT);
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1:%d: Connection "
	         "refused (is sshd running there? check host and port)", port);
	assert_string_equal(siphon_ctx_errmsg(ctx), want);
	assert_int_equal(t->ops->fd(t), -1);
	siphon_transport_free(t);
	siphon_ctx_free(ctx);
}

/* A name resolves to several addresses: each is tried, the message names the one that said something. */
static void
test_tcp_every_address(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_transport *t;
	int port = closed_port();

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	/* localhost is ::1 and 127.0.0.1 here; neither listens. */
	assert_int_equal(siphon_transport_tcp_new(&t, ctx, "localhost", port, 5),
	                 0);
	assert_int_equal(connect_all(t), SIPHON_ECONNECT);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "cannot connect to "
	                       "localhost:"));
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "(is sshd running "
	                       "there? check host and port)"));
	siphon_transport_free(t);
	siphon_ctx_free(ctx);
}

/*
 * A listener whose accept queue is full drops new SYNs: the connect hangs
 * until the timeout, and the message says so.  The queue is filled by
 * connects until one of them times out (Linux queues backlog + 1).
 */
static void
test_tcp_timeout(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_transport *t, *fill[4];
	char want[200];
	int port, lfd, n = 0, r;
	int64_t t0;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	lfd = listen_loopback(&port);
	assert_int_equal(listen(lfd, 0), 0);
	/* Fill the queue: connects that complete without an accept. */
	for (n = 0; n < 4; n++) {
		assert_int_equal(siphon_transport_tcp_new(&fill[n], ctx, "127.0.0.1",
		                                          port, 1), 0);
		r = connect_all(fill[n]);
		if (r != 0) {
			siphon_transport_free(fill[n]);
			break;
		}
	}
	if (n == 4) {
		/* This kernel queues more than it should: nothing to test here. */
		while (n-- > 0)
			siphon_transport_free(fill[n]);
		close(lfd);
		siphon_ctx_free(ctx);
		skip();
	}
	siphon_err_clear(ctx);
	assert_int_equal(siphon_transport_tcp_new(&t, ctx, "127.0.0.1", port, 1),
	                 0);
	t0 = siphon_ssh_now_ms();
	assert_int_equal(connect_all(t), SIPHON_ECONNECT);
	assert_true(siphon_ssh_now_ms() - t0 >= 900);
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1:%d: no answer "
	         "within 1 s (is the host up? a firewall may be dropping the "
	         "packets; check host and port)", port);
	assert_string_equal(siphon_ctx_errmsg(ctx), want);
	siphon_transport_free(t);
	while (n-- > 0)
		siphon_transport_free(fill[n]);
	close(lfd);
	siphon_ctx_free(ctx);
}

static void
test_hostport(void **state)
{
	char buf[64];

	(void)state;
	siphon_ssh_hostport(buf, sizeof(buf), "db.example", 22);
	assert_string_equal(buf, "db.example:22");
	siphon_ssh_hostport(buf, sizeof(buf), "::1", 2222);
	assert_string_equal(buf, "[::1]:2222");
}

/* Options for a connection to 127.0.0.1:port with no known_hosts file. */
static void
opts_for(struct siphon_ssh_opts *o, int port, int timeout_s)
{
	memset(o, 0, sizeof(*o));
	o->user = "nobody";
	o->host = "127.0.0.1";
	o->port = port;
	o->known_hosts = "/nonexistent/siphon-test/known_hosts";
	o->connect_timeout = timeout_s;
}

static void
test_ssh_start_bad_options(void **state)
{
	static const struct {
		const char *host;
		int port;
		const char *user, *identity;
		int timeout;
		const char *msg;
	} cases[] = {
		{ NULL, 22, "u", NULL, 0, "no SSH host given" },
		{ "", 22, "u", NULL, 0, "no SSH host given" },
		{ "h", 70000, "u", NULL, 0, "SSH port out of range: 70000" },
		{ "h", 22, "u", NULL, -1, "connect timeout must not be negative: -1" },
		{ "h", 22, "", NULL, 0, "empty SSH user name" },
		{ "h", 22, "u", "/nonexistent/siphon-test/id", 0,
		  "cannot read identity file /nonexistent/siphon-test/id: No such "
		  "file or directory" },
	};
	struct siphon_ctx *ctx;
	struct siphon_ssh_opts o;
	struct siphon_ssh *s;
	struct siphon_transport *t;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(siphon_ctx_new(&ctx), 0);
		memset(&o, 0, sizeof(o));
		o.host = cases[i].host;
		o.port = cases[i].port;
		o.user = cases[i].user;
		o.identity = cases[i].identity;
		o.connect_timeout = cases[i].timeout;
		/* The transport is taken even when the options are refused. */
		assert_int_equal(siphon_transport_tcp_new(&t, ctx, "h", 22, 1), 0);
		s = (struct siphon_ssh *)&o;
		assert_int_equal(siphon_ssh_start(&s, ctx, &o, t), SIPHON_EUSAGE);
		assert_null(s);
		assert_string_equal(siphon_ctx_errmsg(ctx), cases[i].msg);
		siphon_ctx_free(ctx);
	}
}

static void
test_ssh_refused(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_ssh_opts o;
	struct siphon_ssh *s;
	struct siphon_pollwant w;
	char want[200];
	int port = closed_port();

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	opts_for(&o, port, 5);
	assert_int_equal(siphon_ssh_start(&s, ctx, &o, NULL), 0);
	assert_int_equal(siphon_ssh_pollfd(s), -1);
	assert_int_equal(siphon_ssh_wait_ready(s), SIPHON_ECONNECT);
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1:%d: Connection "
	         "refused (is sshd running there? check host and port)", port);
	assert_string_equal(siphon_ctx_errmsg(ctx), want);
	/* A failed machine stays failed. */
	assert_int_equal(siphon_ssh_step(s, &w), SIPHON_ECONNECT);
	siphon_ssh_free(s);
	siphon_ssh_free(NULL);
	/* The blocking form says the same and leaves nothing behind. */
	siphon_err_clear(ctx);
	s = (struct siphon_ssh *)&o;
	assert_int_equal(siphon_ssh_connect(&s, ctx, &o), SIPHON_ECONNECT);
	assert_null(s);
	assert_string_equal(siphon_ctx_errmsg(ctx), want);
	siphon_ctx_free(ctx);
}

/* The server accepts the connection and never says a word. */
static void
test_ssh_handshake_timeout(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_ssh_opts o;
	struct siphon_ssh *s;
	struct siphon_pollwant w;
	char want[200];
	int port, lfd, r;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	lfd = listen_loopback(&port);
	opts_for(&o, port, 1);
	assert_int_equal(siphon_ssh_start(&s, ctx, &o, NULL), 0);
	/* Stepped by hand: every AGAIN names a descriptor and a deadline. */
	while ((r = siphon_ssh_step(s, &w)) == SIPHON_AGAIN) {
		assert_true(w.fd >= 0);
		assert_true(w.deadline_ms <= siphon_ssh_now_ms() + 1000);
		assert_int_equal(siphon_ssh_poll(ctx, w.events ? w.fd : -1,
		                                 w.events, w.deadline_ms) >= 0, 1);
	}
	assert_int_equal(r, SIPHON_ECONNECT);
	snprintf(want, sizeof(want), "SSH handshake with 127.0.0.1:%d: no answer "
	         "from the server within 1 s", port);
	assert_string_equal(siphon_ctx_errmsg(ctx), want);
	siphon_ssh_free(s);
	close(lfd);
	siphon_ctx_free(ctx);
}

/* The server is not an SSH server: it answers with text and hangs up. */
static void
test_ssh_not_ssh(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_ssh_opts o;
	struct siphon_ssh *s;
	int port, lfd, st;
	pid_t pid;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	lfd = listen_loopback(&port);
	if ((pid = fork()) == 0) {
		int c = accept(lfd, NULL, NULL);
		static const char reply[] = "HTTP/1.0 400 Bad Request\r\n\r\n";

		if (c >= 0 && write(c, reply, sizeof(reply) - 1) < 0)
			_exit(1);
		_exit(0);
	}
	assert_true(pid > 0);
	opts_for(&o, port, 5);
	assert_int_equal(siphon_ssh_connect(&s, ctx, &o), SIPHON_ECONNECT);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "SSH handshake with "
	                       "127.0.0.1:"));
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "failed (is it an SSH "
	                       "server, and does it let us in?)"));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(lfd);
	siphon_ctx_free(ctx);
}

/* Ctrl-C while the server says nothing: interrupted, at once. */
static void
test_ssh_cancelled(void **state)
{
	struct siphon_ctx *ctx;
	struct siphon_ssh_opts o;
	struct siphon_ssh *s;
	int port, lfd, p[2];
	int64_t t0;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	siphon_ctx_set_cancel_fd(ctx, p[0]);
	lfd = listen_loopback(&port);
	opts_for(&o, port, 30);
	t0 = siphon_ssh_now_ms();
	assert_int_equal(siphon_ssh_connect(&s, ctx, &o), SIPHON_EINTR);
	assert_string_equal(siphon_ctx_errmsg(ctx), "interrupted");
	assert_true(siphon_ssh_now_ms() - t0 < 5000);
	close(lfd);
	close(p[0]);
	close(p[1]);
	siphon_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_connect_send_recv),
		cmocka_unit_test(test_tcp_refused),
		cmocka_unit_test(test_tcp_every_address),
		cmocka_unit_test(test_tcp_timeout),
		cmocka_unit_test(test_hostport),
		cmocka_unit_test(test_ssh_start_bad_options),
		cmocka_unit_test(test_ssh_refused),
		cmocka_unit_test(test_ssh_handshake_timeout),
		cmocka_unit_test(test_ssh_not_ssh),
		cmocka_unit_test(test_ssh_cancelled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
