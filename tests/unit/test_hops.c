/*
 * test_hops.c - unit tests of what reaches a server through hops without
 * an SSH server: the ProxyCommand transport (lib/ssh/proxycmd.c) with real
 * /bin/sh commands (bytes both ways through `cat`, a command that is not
 * found or exits at once: one line with its status and last stderr line;
 * a command that ignores the end of its input is terminated, never left a
 * zombie; stderr lines reach the log), the source a pull's -J and
 * --proxy-command name and ProxyCommand %-expansion (lib/run/hops.c), the hop prefix of an error, and the chained
 * source's refusals before any I/O (lib/source/chain.c).  The tunnel and
 * the chain's connect are covered by t_proxy_jump against real sshds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/hops.h"
#include "source/source.h"
#include "ssh/transport.h"
#include "ssh/wait.h"
#include "util/ctx.h"

struct logged {
	char lines[8][256];
	int n;
};

static void
on_log(void *arg, enum siphon_log_level level, const char *line)
{
	struct logged *l = arg;

	(void)level;
	if (l->n < 8)
		snprintf(l->lines[l->n++], sizeof(l->lines[0]), "%s", line);
}

static struct siphon_ctx *
new_ctx(struct logged *l)
{
	struct siphon_ctx *ctx;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	if (l != NULL)
		siphon_ctx_set_log(ctx, on_log, l, SIPHON_LOG_INFO);
	return ctx;
}

static struct siphon_transport *
started(struct siphon_ctx *ctx, const char *cmd)
{
	struct siphon_transport *t;
	struct siphon_pollwant w;

	assert_int_equal(siphon_transport_proxycmd_new(&t, ctx, cmd), 0);
	assert_int_equal(t->ops->start(t), 0);
	assert_int_equal(t->ops->step(t, &w), 0);
	assert_true(t->ops->fd(t) >= 0);
	return t;
}

/* Receives until n bytes, end of file or failure; the bytes received, or < 0. */
static ssize_t
recv_all(struct siphon_transport *t, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = t->ops->recv(t, buf + got, n - got);
		if (k == -EAGAIN) {
			struct pollfd p = { .fd = t->ops->fd(t), .events = POLLIN };

			assert_true(poll(&p, 1, 5000) == 1);
			continue;
		}
		if (k <= 0)
			return got > 0 ? (ssize_t)got : k;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

static void
test_proxycmd_cat(void **state)
{
	struct siphon_ctx *ctx = new_ctx(NULL);
	struct siphon_transport *t = started(ctx, "exec cat");
	char buf[64];

	(void)state;
	assert_int_equal(t->ops->send(t, "SSH-2.0-x\r\n", 11), 11);
	assert_int_equal(recv_all(t, buf, 11), 11);
	assert_memory_equal(buf, "SSH-2.0-x\r\n", 11);
	assert_false(t->ops->peer_closed(t));
	/* Freed: cat sees end of file and leaves; it is reaped. */
	siphon_transport_free(t);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	siphon_ctx_free(ctx);
}

static void
test_proxycmd_not_found(void **state)
{
	struct siphon_ctx *ctx = new_ctx(NULL);
	struct siphon_transport *t = started(ctx, "siphon-test-no-such-command 1 2");
	char buf[16];

	(void)state;
	assert_int_equal(recv_all(t, buf, sizeof(buf)), 0);
	assert_int_equal(siphon_ctx_errcode(ctx), SIPHON_ECONNECT);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "ProxyCommand \"siphon-test-no-such-command 1 2\" exited with status 127 (command not found?): \""));
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "not found\""));
	siphon_transport_free(t);
	siphon_ctx_free(ctx);
}

static void
test_proxycmd_exits_at_once(void **state)
{
	struct logged l = {0};
	struct siphon_ctx *ctx = new_ctx(&l);
	struct siphon_transport *t = started(ctx, "echo first >&2; echo 'access \033[31mdenied' >&2; exit 3");
	char buf[16];

	(void)state;
	assert_int_equal(recv_all(t, buf, sizeof(buf)), 0);
	assert_string_equal(siphon_ctx_errmsg(ctx),
	                    "ProxyCommand \"echo first >&2; echo 'access \\x1b[31mdenied' >&2; exit 3\" exited with status 3: "
	                    "\"access \\x1b[31mdenied\" (run it by hand to see why; it must relay the SSH connection on its stdin and stdout)");
	/* Every line reached the log, made safe for a terminal. */
	assert_int_equal(l.n, 2);
	assert_string_equal(l.lines[0], "ProxyCommand: first");
	assert_string_equal(l.lines[1], "ProxyCommand: access \\x1b[31mdenied");
	siphon_transport_free(t);
	siphon_ctx_free(ctx);
}

static void
test_proxycmd_terminated(void **state)
{
	struct siphon_ctx *ctx = new_ctx(NULL);
	struct siphon_transport *t;
	int64_t t0 = siphon_ssh_now_ms();

	(void)state;
	/* A relay that ignores the end of its input (and SIGHUP): SIGTERM ends it. */
	t = started(ctx, "trap '' HUP; sleep 30 </dev/null");
	siphon_transport_free(t);
	assert_true(siphon_ssh_now_ms() - t0 < 3000);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	siphon_ctx_free(ctx);
}

static void
test_proxycmd_empty(void **state)
{
	struct siphon_ctx *ctx = new_ctx(NULL);
	struct siphon_transport *t = NULL;

	(void)state;
	assert_int_equal(siphon_transport_proxycmd_new(&t, ctx, ""), SIPHON_EUSAGE);
	assert_null(t);
	siphon_ctx_free(ctx);
}

/* The options of a pull to db1 (user u) with the given -J and ProxyCommand. */
static struct siphon_pull_opts
pull_opts(const char *jump, const char *proxy)
{
	struct siphon_pull_opts o;

	memset(&o, 0, sizeof(o));
	o.user = "u";
	o.host = "db1";
	o.port = 22;
	o.known_hosts = "/dev/null";
	o.connect_timeout = 5;
	o.jump = jump;
	o.proxy_command = proxy;
	return o;
}

static void
test_hops_source(void **state)
{
	struct siphon_ctx *ctx = new_ctx(NULL);
	struct siphon_source *src = NULL;
	struct siphon_pull_opts o;

	(void)state;
	/* -J by ProxyJump's grammar (sshcfg); made without I/O. */
	o = pull_opts("a@b1:2222,ssh://[::1]:22", NULL);
	assert_int_equal(siphon_hops_source_new(&src, ctx, &o), 0);
	assert_string_equal(src->desc, "db1");
	assert_null(siphon_source_ssh(src));
	siphon_source_free(src);
	/* "none": directly, the plain source. */
	o = pull_opts("none", "none");
	assert_int_equal(siphon_hops_source_new(&src, ctx, &o), 0);
	assert_non_null(siphon_source_ssh(src));
	siphon_source_free(src);
	o = pull_opts("a,,b", NULL);
	src = (void *)1;
	assert_int_equal(siphon_hops_source_new(&src, ctx, &o), SIPHON_EUSAGE);
	assert_null(src);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "bad ProxyJump hop"));
	siphon_err_clear(ctx);
	/* What %h and %r put into /bin/sh is a plain word. */
	o = pull_opts("x$(id)", "nc %h %p");
	assert_int_equal(siphon_hops_source_new(&src, ctx, &o), SIPHON_EUSAGE);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "cannot go into a ProxyCommand"));
	siphon_err_clear(ctx);
	o = pull_opts(NULL, "nc %h %p");
	o.user = "u;id";
	assert_int_equal(siphon_hops_source_new(&src, ctx, &o), SIPHON_EUSAGE);
	siphon_err_clear(ctx);
	o = pull_opts(NULL, "nc %z");
	assert_int_equal(siphon_hops_source_new(&src, ctx, &o), SIPHON_EUSAGE);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "unknown %-token %z"));
	siphon_ctx_free(ctx);
}

static void
test_proxycmd_expand(void **state)
{
	struct siphon_ctx *ctx = new_ctx(NULL);
	char buf[64];

	(void)state;
	assert_int_equal(siphon_proxycmd_expand(ctx, buf, sizeof(buf), "nc %h %p # %r %n 100%%",
	                                        "db1", 2222, "ann"), 0);
	assert_string_equal(buf, "nc db1 2222 # ann db1 100%");
	assert_int_equal(siphon_proxycmd_expand(ctx, buf, sizeof(buf), "x %q", "h", 1, "u"), SIPHON_EUSAGE);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "unknown %-token %q"));
	siphon_err_clear(ctx);
	assert_int_equal(siphon_proxycmd_expand(ctx, buf, sizeof(buf), "x %", "h", 1, "u"), SIPHON_EUSAGE);
	siphon_err_clear(ctx);
	assert_int_equal(siphon_proxycmd_expand(ctx, buf, 8, "%h%h", "abcd", 1, "u"), SIPHON_EUSAGE);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "too long"));
	siphon_ctx_free(ctx);
}

static void
test_err_prefix(void **state)
{
	struct siphon_ctx *ctx = new_ctx(NULL);
	char big[2000];

	(void)state;
	siphon_err_prefix(ctx, "nothing recorded: ");
	assert_string_equal(siphon_ctx_errmsg(ctx), "");
	siphon_err(ctx, SIPHON_EHOSTKEY, "host key changed");
	siphon_err_prefix(ctx, "jump host %s (1 of 2): ", "b\033x");
	assert_string_equal(siphon_ctx_errmsg(ctx), "jump host b\\x1bx (1 of 2): host key changed");
	assert_int_equal(siphon_ctx_errcode(ctx), SIPHON_EHOSTKEY);
	/* A long message keeps its prefix and loses its end. */
	siphon_err_clear(ctx);
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	siphon_err(ctx, SIPHON_ECONNECT, "%s", big);
	siphon_err_prefix(ctx, "server x: ");
	assert_int_equal(strncmp(siphon_ctx_errmsg(ctx), "server x: mmm", 13), 0);
	assert_int_equal(strlen(siphon_ctx_errmsg(ctx)), SIPHON_ERRMSG_MAX - 1);
	siphon_ctx_free(ctx);
}

static void
test_chain_refusals(void **state)
{
	struct siphon_ctx *ctx = new_ctx(NULL);
	struct siphon_source *src = NULL;
	struct siphon_ssh_opts hops[3];

	(void)state;
	memset(hops, 0, sizeof(hops));
	for (int i = 0; i < 3; i++) {
		hops[i].port = 22;
		hops[i].connect_timeout = 5;
		hops[i].user = "u";
		hops[i].known_hosts = "/dev/null";
	}
	hops[0].host = "b1";
	hops[1].host = "b2";
	hops[2].host = "db1";
	hops[1].port = 0;
	assert_int_equal(siphon_source_ssh_chain_new(&src, ctx, hops, 3, NULL), SIPHON_EUSAGE);
	assert_null(src);
	assert_string_equal(siphon_ctx_errmsg(ctx), "jump host b2 (2 of 2): SSH port out of range: 0");
	siphon_err_clear(ctx);
	hops[1].port = 22;
	hops[2].identity = "/nonexistent/key";
	assert_int_equal(siphon_source_ssh_chain_new(&src, ctx, hops, 3, NULL), SIPHON_EUSAGE);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "server db1 via b1 and b2: cannot read identity file /nonexistent/key"));
	siphon_err_clear(ctx);
	/* Made without I/O; freed unstarted. */
	hops[2].identity = NULL;
	assert_int_equal(siphon_source_ssh_chain_new(&src, ctx, hops, 3, NULL), 0);
	assert_string_equal(src->desc, "db1");
	assert_true(src->has_shell);
	siphon_source_free(src);
	siphon_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proxycmd_cat),
		cmocka_unit_test(test_proxycmd_not_found),
		cmocka_unit_test(test_proxycmd_exits_at_once),
		cmocka_unit_test(test_proxycmd_terminated),
		cmocka_unit_test(test_proxycmd_empty),
		cmocka_unit_test(test_hops_source),
		cmocka_unit_test(test_proxycmd_expand),
		cmocka_unit_test(test_err_prefix),
		cmocka_unit_test(test_chain_refusals),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
