/*
 * test_ssh_setup.c - siphon's SSH options merged with ssh_config: a value
 * given to siphon beats ssh_config, which beats the defaults, key by key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opt/opt.h"
#include "source/ssh_setup.h"
#include "sshcfg/sshcfg.h"

static char **
strv(const char *a, const char *b)
{
	char **v = calloc(2, sizeof(*v));

	assert_non_null(v);
	v[0] = strdup(a);
	if (b != NULL)
		v[1] = strdup(b);
	return v;
}

/* What the reader returns for "Host prod" with every key siphon reads. */
static struct siphon_sshcfg *
prod_cfg(void)
{
	struct siphon_sshcfg *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->hostname = strdup("db1.example.com");
	c->user = strdup("deploy");
	c->port = 2222;
	c->identity_files = strv("/home/me/.ssh/prod", "/home/me/.ssh/other");
	c->n_identity_files = 2;
	c->identities_only = 1;
	c->identity_agent = strdup("none");
	c->user_known_hosts = strv("/home/me/.ssh/kh_prod", NULL);
	c->n_user_known_hosts = 1;
	c->strict_host_key = SIPHON_SHK_YES;
	c->hash_known_hosts = 1;
	c->connect_timeout = 7;
	c->server_alive_interval = 10;
	c->server_alive_count_max = -1;
	c->proxy_jump = strdup("bastion");
	c->proxy_jump_first = 1;
	return c;
}

/* An ssh_config that says nothing. */
static struct siphon_sshcfg *
empty_cfg(const char *host)
{
	struct siphon_sshcfg *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->hostname = strdup(host);
	c->port = -1;
	c->identities_only = c->hash_known_hosts = c->connect_timeout = -1;
	c->server_alive_interval = c->server_alive_count_max = -1;
	return c;
}

/* siphon_ssh_setup_merge with a context of its own. */
static void
merge(struct siphon_ssh_setup *s, const struct siphon_opts *o, const char *host,
      const char *user, int port, struct siphon_sshcfg *cfg)
{
	struct siphon_ctx *ctx = NULL;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(siphon_ssh_setup_merge(s, ctx, o, host, user, port, cfg), 0);
	siphon_ctx_free(ctx);
}

static struct siphon_opts *
new_opts(void)
{
	struct siphon_opts *o = NULL;

	assert_int_equal(siphon_opts_new(&o), 0);
	assert_int_equal(siphon_opts_set(o, "host", "prod", SIPHON_ORIGIN_CLI, "HOST"), 0);
	return o;
}

static void
test_ssh_setup_config_fills_what_siphon_was_not_given(void **state)
{
	struct siphon_opts *o = new_opts();
	struct siphon_ssh_setup s;

	(void)state;
	merge(&s, o, "prod", NULL, 0, prod_cfg());
	assert_string_equal(s.so.host, "db1.example.com");
	assert_string_equal(s.so.alias, "prod");
	assert_string_equal(s.so.user, "deploy");
	assert_int_equal(s.so.port, 2222);
	assert_null(s.so.identity);
	assert_int_equal(s.so.n_identity_files, 2);
	assert_string_equal(s.so.identity_files[0], "/home/me/.ssh/prod");
	assert_int_equal(s.so.identities_only, 1);
	assert_string_equal(s.so.identity_agent, "none");
	assert_null(s.so.known_hosts);
	assert_int_equal(s.so.n_user_known_hosts, 1);
	assert_int_equal(s.so.hostkey_policy, SIPHON_HOSTKEY_YES);
	assert_int_equal(s.so.accept_new_host_key, 0);
	assert_int_equal(s.so.hash_known_hosts, 1);
	assert_int_equal(s.so.connect_timeout, 7);
	assert_int_equal(s.so.keepalive_s, 10);
	/* ServerAliveCountMax unset: OpenSSH's 3. */
	assert_int_equal(s.dead_after_s, 30);
	assert_string_equal(s.proxy_jump, "bastion");
	assert_null(s.proxy_command);
	siphon_ssh_setup_clear(&s);
	siphon_opts_free(o);
}

static void
test_ssh_setup_siphon_options_win(void **state)
{
	struct siphon_opts *o = new_opts();
	struct siphon_ssh_setup s;

	(void)state;
	assert_int_equal(siphon_opts_set(o, "identity", "/k/cli", SIPHON_ORIGIN_CLI, "-i"), 0);
	assert_int_equal(siphon_opts_set(o, "known-hosts", "/k/kh", SIPHON_ORIGIN_PROFILE, "f:1"), 0);
	assert_int_equal(siphon_opts_set(o, "accept-new-host-key", "yes", SIPHON_ORIGIN_CLI,
	                                 "--accept-new-host-key"), 0);
	assert_int_equal(siphon_opts_set(o, "connect-timeout", "3", SIPHON_ORIGIN_ENV, "X"), 0);
	/* user@ and a port in the target reach the reader as the query's. */
	merge(&s, o, "prod", "me", 22, prod_cfg());
	assert_int_equal(s.so.port, 22);
	assert_string_equal(s.so.identity, "/k/cli");
	assert_int_equal(s.so.n_identity_files, 2);
	assert_string_equal(s.so.known_hosts, "/k/kh");
	assert_int_equal(s.so.accept_new_host_key, 1);
	assert_int_equal(s.so.connect_timeout, 3);
	siphon_ssh_setup_clear(&s);
	siphon_opts_free(o);
}

static void
test_ssh_setup_defaults_when_nothing_says(void **state)
{
	struct siphon_opts *o = new_opts();
	struct siphon_ssh_setup s;

	(void)state;
	merge(&s, o, "db.example", NULL, 0, empty_cfg("db.example"));
	assert_string_equal(s.so.host, "db.example");
	assert_null(s.so.user);
	assert_int_equal(s.so.port, 22);
	assert_int_equal(s.so.n_identity_files, 0);
	assert_null(s.so.identity_agent);
	assert_int_equal(s.so.n_user_known_hosts, 0);
	/* OpenSSH's default: ask (refused without a terminal). */
	assert_int_equal(s.so.hostkey_policy, SIPHON_HOSTKEY_ASK);
	assert_int_equal(s.so.hash_known_hosts, 0);
	assert_int_equal(s.so.connect_timeout, 15);
	assert_int_equal(s.so.keepalive_s, 0);
	assert_int_equal(s.dead_after_s, 0);
	assert_null(s.proxy_jump);
	siphon_ssh_setup_clear(&s);
	siphon_opts_free(o);
}

static void
test_ssh_setup_server_alive_zero_turns_keepalives_off(void **state)
{
	struct siphon_opts *o = new_opts();
	struct siphon_sshcfg *c = empty_cfg("db.example");
	struct siphon_ssh_setup s;

	(void)state;
	c->server_alive_interval = 0;
	c->strict_host_key = SIPHON_SHK_NO;
	merge(&s, o, "db.example", NULL, 0, c);
	assert_int_equal(s.so.keepalive_s, -1);
	assert_int_equal(s.dead_after_s, 0);
	assert_int_equal(s.so.hostkey_policy, SIPHON_HOSTKEY_NO);
	siphon_ssh_setup_clear(&s);

	c = empty_cfg("db.example");
	c->server_alive_interval = 5;
	c->server_alive_count_max = 2;
	c->strict_host_key = SIPHON_SHK_ACCEPT_NEW;
	merge(&s, o, "db.example", NULL, 0, c);
	assert_int_equal(s.dead_after_s, 10);
	assert_int_equal(s.so.hostkey_policy, SIPHON_HOSTKEY_ACCEPT_NEW);
	siphon_ssh_setup_clear(&s);
	siphon_opts_free(o);
}

/* A config of jump hosts and proxies, read with -F (no other file). */
static const char route_config[] =
	"Host target\n"
	"  HostName t.example\n"
	"  ProxyJump a,b@bhost:2200\n"
	"Host a\n"
	"  HostName a.example\n"
	"  User ua\n"
	"  ProxyCommand nc %h %p\n"
	"Host bhost\n"
	"  HostName b.example\n"
	"  ProxyJump ignored-as-a-later-hop\n"
	"Host direct\n"
	"  HostName d.example\n"
	"  ProxyCommand connect %h %p\n"
	"  ProxyJump never-the-second\n"
	"Host loop1\n"
	"  ProxyJump loop2\n"
	"Host loop2\n"
	"  ProxyJump loop1\n";

/*
 * Resolves the route to host with route_config as the -F file, jump and
 * proxy as the command line's; the error message goes to msg.
 */
static int
route(struct siphon_ssh_route *rt, const char *host, const char *jump,
      const char *proxy, char *msg, size_t cap)
{
	struct siphon_ctx *ctx = NULL;
	struct siphon_opts *o = NULL;
	char path[64];
	FILE *f;
	int fd, r;

	snprintf(path, sizeof(path), "/tmp/test_ssh_setup.XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	assert_true(fputs(route_config, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(siphon_opts_new(&o), 0);
	assert_int_equal(siphon_opts_set(o, "host", host, SIPHON_ORIGIN_CLI, "HOST"), 0);
	assert_int_equal(siphon_opts_set(o, "ssh-config", path, SIPHON_ORIGIN_CLI, "-F"), 0);
	r = siphon_ssh_route_resolve(rt, ctx, o, jump, proxy);
	snprintf(msg, cap, "%s", siphon_ctx_errmsg(ctx));
	siphon_opts_free(o);
	siphon_ctx_free(ctx);
	unlink(path);
	return r;
}

static void
test_ssh_setup_route_through_jump_hosts(void **state)
{
	struct siphon_ssh_route rt;
	char msg[SIPHON_ERRMSG_MAX];

	(void)state;
	assert_int_equal(route(&rt, "target", NULL, NULL, msg, sizeof(msg)), 0);
	assert_int_equal(rt.n, 3);
	/* a as its own entry says: User, and its ProxyCommand reaches it. */
	assert_string_equal(rt.hops[0].so.alias, "a");
	assert_string_equal(rt.hops[0].so.host, "a.example");
	assert_string_equal(rt.hops[0].so.user, "ua");
	assert_int_equal(rt.hops[0].so.port, 22);
	assert_string_equal(rt.proxy_command, "nc a.example 22");
	assert_int_equal(rt.proxy_command_expanded, 1);
	/* b: the user and port of the ProxyJump entry, its own ProxyJump ignored. */
	assert_string_equal(rt.hops[1].so.host, "b.example");
	assert_string_equal(rt.hops[1].so.user, "b");
	assert_int_equal(rt.hops[1].so.port, 2200);
	assert_string_equal(rt.hops[2].so.host, "t.example");
	assert_string_equal(rt.hops[2].so.alias, "target");
	siphon_ssh_route_clear(&rt);

	/* The command line's -J replaces ProxyJump; "none" is not given. */
	assert_int_equal(route(&rt, "target", "x.example:2222", "none", msg, sizeof(msg)), 0);
	assert_int_equal(rt.n, 2);
	assert_string_equal(rt.hops[0].so.host, "x.example");
	assert_int_equal(rt.hops[0].so.port, 2222);
	assert_null(rt.proxy_command);
	siphon_ssh_route_clear(&rt);

	/* -J and --proxy-command: the command reaches the first jump host. */
	assert_int_equal(route(&rt, "target", "a", "ssh-proxy %h", msg, sizeof(msg)), 0);
	assert_int_equal(rt.n, 2);
	assert_string_equal(rt.proxy_command, "ssh-proxy %h");
	assert_int_equal(rt.proxy_command_expanded, 0);
	siphon_ssh_route_clear(&rt);
}

static void
test_ssh_setup_route_proxy_command_and_loops(void **state)
{
	struct siphon_ssh_route rt;
	char msg[SIPHON_ERRMSG_MAX];

	(void)state;
	/* ProxyCommand came first: it wins over ProxyJump. */
	assert_int_equal(route(&rt, "direct", NULL, NULL, msg, sizeof(msg)), 0);
	assert_int_equal(rt.n, 1);
	assert_string_equal(rt.proxy_command, "connect d.example 22");
	siphon_ssh_route_clear(&rt);

	assert_int_equal(route(&rt, "loop1", NULL, NULL, msg, sizeof(msg)), SIPHON_EUSAGE);
	assert_non_null(strstr(msg, "levels of jump hosts"));
	siphon_ssh_route_clear(&rt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssh_setup_config_fills_what_siphon_was_not_given),
		cmocka_unit_test(test_ssh_setup_siphon_options_win),
		cmocka_unit_test(test_ssh_setup_defaults_when_nothing_says),
		cmocka_unit_test(test_ssh_setup_server_alive_zero_turns_keepalives_off),
		cmocka_unit_test(test_ssh_setup_route_through_jump_hosts),
		cmocka_unit_test(test_ssh_setup_route_proxy_command_and_loops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
