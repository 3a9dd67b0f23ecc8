/*
 * test_ssh_setup.c - siphon's SSH options merged with ssh_config: a value
 * given to siphon beats ssh_config, which beats the defaults, key by key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

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
	siphon_ssh_setup_merge(&s, o, "prod", NULL, 0, prod_cfg());
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
	siphon_ssh_setup_merge(&s, o, "prod", "me", 22, prod_cfg());
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
	siphon_ssh_setup_merge(&s, o, "db.example", NULL, 0, empty_cfg("db.example"));
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
	siphon_ssh_setup_merge(&s, o, "db.example", NULL, 0, c);
	assert_int_equal(s.so.keepalive_s, -1);
	assert_int_equal(s.dead_after_s, 0);
	assert_int_equal(s.so.hostkey_policy, SIPHON_HOSTKEY_NO);
	siphon_ssh_setup_clear(&s);

	c = empty_cfg("db.example");
	c->server_alive_interval = 5;
	c->server_alive_count_max = 2;
	c->strict_host_key = SIPHON_SHK_ACCEPT_NEW;
	siphon_ssh_setup_merge(&s, o, "db.example", NULL, 0, c);
	assert_int_equal(s.dead_after_s, 10);
	assert_int_equal(s.so.hostkey_policy, SIPHON_HOSTKEY_ACCEPT_NEW);
	siphon_ssh_setup_clear(&s);
	siphon_opts_free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssh_setup_config_fills_what_siphon_was_not_given),
		cmocka_unit_test(test_ssh_setup_siphon_options_win),
		cmocka_unit_test(test_ssh_setup_defaults_when_nothing_says),
		cmocka_unit_test(test_ssh_setup_server_alive_zero_turns_keepalives_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
