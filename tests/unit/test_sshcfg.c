/*
 * test_sshcfg.c - unit tests of lib/sshcfg: ssh_config files as OpenSSH
 * reads them (Host and Match blocks, Include, quoting, first value wins,
 * token expansion, bad values named by file and line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sshcfg_fixture.h"

static struct siphon_sshcfg *
resolve_ok(struct fixture *fx, const struct siphon_sshcfg_query *q)
{
	struct siphon_sshcfg *c = NULL;
	int r = siphon_sshcfg_resolve(fx->ctx, q, &c);

	if (r != 0)
		fail_msg("resolve %s: %d %s", q->host, r, siphon_ctx_errmsg(fx->ctx));
	return c;
}

static struct siphon_sshcfg *
lookup(struct fixture *fx, const char *host)
{
	struct siphon_sshcfg_query q = fixture_query(fx, host);

	return resolve_ok(fx, &q);
}

/* Resolves host and expects SIPHON_EUSAGE with a message containing want. */
static void
expect_error(struct fixture *fx, const char *host, const char *want)
{
	struct siphon_sshcfg_query q = fixture_query(fx, host);
	struct siphon_sshcfg *c = NULL;

	siphon_err_clear(fx->ctx);
	assert_int_equal(siphon_sshcfg_resolve(fx->ctx, &q, &c), SIPHON_EUSAGE);
	assert_null(c);
	if (strstr(siphon_ctx_errmsg(fx->ctx), want) == NULL)
		fail_msg("error '%s' lacks '%s'", siphon_ctx_errmsg(fx->ctx), want);
}

static const char realistic[] =
	"# My ssh config\n"
	"Host bastion\n"
	"    HostName bastion.example.com\n"
	"    User jump\n"
	"    IdentityFile ~/.ssh/id_bastion\n"
	"\n"
	"Host prod prod-*  !prod-legacy\n"
	"    HostName %h.db.example.com\n"
	"    User deploy\n"
	"    Port 2222\n"
	"    ProxyJump bastion\n"
	"    IdentityFile ~/.ssh/id_%h\n"
	"    IdentitiesOnly yes\n"
	"\n"
	"Host staging\n"
	"\tHostName=10.0.0.5\n"
	"\tUser = \"stage user\"\n"
	"\tProxyCommand ssh -W %h:%p jump@bastion\n"
	"\n"
	"Host *.internal\n"
	"    StrictHostKeyChecking accept-new\n"
	"    UserKnownHostsFile ~/.ssh/known_hosts.internal /dev/null\n"
	"\n"
	"Host *\n"
	"    User fallback\n"
	"    IdentityFile ~/.ssh/id_ed25519\n"
	"    ServerAliveInterval 30\n"
	"    ServerAliveCountMax 4\n"
	"    ConnectTimeout 1m\n"
	"    HashKnownHosts yes\n";

static void
test_sshcfg_realistic_blocks(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;
	char want[512];

	fixture_write(fx, ".ssh/config", realistic);

	c = lookup(fx, "prod");
	assert_string_equal(c->hostname, "prod.db.example.com");
	assert_string_equal(c->user, "deploy");
	assert_int_equal(c->port, 2222);
	assert_string_equal(c->proxy_jump, "bastion");
	assert_int_equal(c->proxy_jump_first, 1);
	assert_null(c->proxy_command);
	assert_int_equal(c->n_identity_files, 2);
	snprintf(want, sizeof(want), "%s/.ssh/id_prod.db.example.com", fx->home);
	assert_string_equal(c->identity_files[0], want);
	snprintf(want, sizeof(want), "%s/.ssh/id_ed25519", fx->home);
	assert_string_equal(c->identity_files[1], want);
	assert_int_equal(c->identities_only, 1);
	assert_int_equal(c->server_alive_interval, 30);
	assert_int_equal(c->server_alive_count_max, 4);
	assert_int_equal(c->connect_timeout, 60);
	assert_int_equal(c->hash_known_hosts, 1);
	assert_int_equal(c->strict_host_key, SIPHON_SHK_UNSET);
	siphon_sshcfg_free(c);

	/* prod-eu matches prod-*; prod-legacy is excluded by the negation. */
	c = lookup(fx, "prod-eu");
	assert_string_equal(c->hostname, "prod-eu.db.example.com");
	siphon_sshcfg_free(c);
	c = lookup(fx, "prod-legacy");
	assert_string_equal(c->hostname, "prod-legacy");
	assert_string_equal(c->user, "fallback");
	assert_null(c->proxy_jump);
	assert_int_equal(c->identities_only, -1);
	siphon_sshcfg_free(c);

	c = lookup(fx, "staging");
	assert_string_equal(c->hostname, "10.0.0.5");
	assert_string_equal(c->user, "stage user");
	assert_int_equal(c->port, -1);
	assert_string_equal(c->proxy_command, "ssh -W 10.0.0.5:22 jump@bastion");
	assert_null(c->proxy_jump);
	assert_int_equal(c->proxy_jump_first, 0);
	siphon_sshcfg_free(c);

	c = lookup(fx, "db1.internal");
	assert_int_equal(c->strict_host_key, SIPHON_SHK_ACCEPT_NEW);
	assert_int_equal(c->n_user_known_hosts, 2);
	snprintf(want, sizeof(want), "%s/.ssh/known_hosts.internal", fx->home);
	assert_string_equal(c->user_known_hosts[0], want);
	assert_string_equal(c->user_known_hosts[1], "/dev/null");
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_query_beats_files(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg_query q;
	struct siphon_sshcfg *c;

	fixture_write(fx, ".ssh/config", realistic);
	q = fixture_query(fx, "prod");
	q.user = "cli";
	q.port = 5432;
	c = resolve_ok(fx, &q);
	assert_string_equal(c->user, "cli");
	assert_int_equal(c->port, 5432);
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_unset_and_no_files(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c = lookup(fx, "Some.Host");

	/* No file at all is not an error; everything unset. */
	assert_string_equal(c->hostname, "some.host");
	assert_null(c->user);
	assert_int_equal(c->port, -1);
	assert_int_equal(c->n_identity_files, 0);
	assert_int_equal(c->identities_only, -1);
	assert_null(c->identity_agent);
	assert_int_equal(c->n_certificate_files, 0);
	assert_int_equal(c->n_user_known_hosts, 0);
	assert_int_equal(c->n_global_known_hosts, 0);
	assert_int_equal(c->strict_host_key, SIPHON_SHK_UNSET);
	assert_int_equal(c->hash_known_hosts, -1);
	assert_int_equal(c->connect_timeout, -1);
	assert_int_equal(c->server_alive_interval, -1);
	assert_int_equal(c->server_alive_count_max, -1);
	assert_null(c->proxy_jump);
	assert_null(c->proxy_command);
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_syntax(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;

	fixture_write(fx, ".ssh/config",
	              SSHCFG_SYNTAX_HEAD
	              "  UnknownKey whatever\r\n"
	              "  \"ConnectTimeout\" 7\r\n"
	              "Host=other\r\n"
	              "  User other\r\n");
	c = lookup(fx, "quoted");
	assert_string_equal(c->hostname, "real.example");
	assert_string_equal(c->user, "single q");
	assert_int_equal(c->n_identity_files, 2);
	assert_string_equal(c->identity_files[0], "/keys/with space");
	assert_string_equal(c->identity_files[1], "/keys/esc aped");
	assert_int_equal(c->port, 2200);
	assert_string_equal(c->proxy_command, "nc real.example 2200 # kept, as ssh does");
	assert_int_equal(c->connect_timeout, 7);
	siphon_sshcfg_free(c);
	c = lookup(fx, "other");
	assert_string_equal(c->user, "other");
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_first_value_wins(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;

	fixture_write(fx, ".ssh/config",
	              "Host a\n  User first\n  Port 1001\n  StrictHostKeyChecking no\n"
	              "  UserKnownHostsFile /k1 /k2\n  IdentityFile /i1\n  CertificateFile /c1\n"
	              "Host a\n  User second\n  Port 1002\n  StrictHostKeyChecking yes\n"
	              "  UserKnownHostsFile /k3\n  IdentityFile /i2\n  IdentityFile /i1\n"
	              "  CertificateFile /c2\n  GlobalKnownHostsFile /g1 /g2\n"
	              "Host *\n  GlobalKnownHostsFile /g3\n  HostName h1\n  HostName h2\n");
	c = lookup(fx, "a");
	assert_string_equal(c->user, "first");
	assert_int_equal(c->port, 1001);
	assert_int_equal(c->strict_host_key, SIPHON_SHK_NO);
	assert_int_equal(c->n_user_known_hosts, 2);
	assert_string_equal(c->user_known_hosts[1], "/k2");
	/* Lists accumulate, without repeats. */
	assert_int_equal(c->n_identity_files, 2);
	assert_string_equal(c->identity_files[0], "/i1");
	assert_string_equal(c->identity_files[1], "/i2");
	assert_int_equal(c->n_certificate_files, 2);
	assert_string_equal(c->certificate_files[1], "/c2");
	assert_int_equal(c->n_global_known_hosts, 2);
	assert_string_equal(c->global_known_hosts[0], "/g1");
	assert_string_equal(c->hostname, "h1");
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_strict_values(void **state)
{
	static const struct {
		const char *text;
		enum siphon_strict_hostkey want;
	} cases[] = {
		{ "yes", SIPHON_SHK_YES }, { "True", SIPHON_SHK_YES },
		{ "accept-new", SIPHON_SHK_ACCEPT_NEW }, { "no", SIPHON_SHK_NO },
		{ "off", SIPHON_SHK_NO }, { "false", SIPHON_SHK_NO }, { "ASK", SIPHON_SHK_ASK },
	};
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;
	char text[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "StrictHostKeyChecking %s\n", cases[i].text);
		fixture_write(fx, ".ssh/config", text);
		c = lookup(fx, "h");
		assert_int_equal(c->strict_host_key, cases[i].want);
		siphon_sshcfg_free(c);
	}
}

static void
test_sshcfg_bad_values(void **state)
{
	struct fixture *fx = *state;

	fixture_write(fx, ".ssh/config", "Host h\n\n  StrictHostKeyChecking maybe\n");
	expect_error(fx, "h", "~/.ssh/config:3: bad value 'maybe' for StrictHostKeyChecking "
	             "(expected yes, accept-new, no or ask)");
	/* A bad value is refused even in a block that does not apply, as ssh does. */
	fixture_write(fx, ".ssh/config", "Host other\n  Port 0\n");
	expect_error(fx, "h", "~/.ssh/config:2: bad value '0' for Port");
	fixture_write(fx, ".ssh/config", "IdentitiesOnly perhaps\n");
	expect_error(fx, "h", "~/.ssh/config:1: bad value 'perhaps' for IdentitiesOnly");
	fixture_write(fx, ".ssh/config", "ConnectTimeout 10x\n");
	expect_error(fx, "h", "~/.ssh/config:1: bad value '10x' for ConnectTimeout");
	fixture_write(fx, ".ssh/config", "ServerAliveCountMax -1\n");
	expect_error(fx, "h", "bad value '-1' for ServerAliveCountMax");
	fixture_write(fx, ".ssh/config", "Host h\n  User \"unterminated\n");
	expect_error(fx, "h", "~/.ssh/config:2: unterminated quote");
	fixture_write(fx, ".ssh/config", "Host h\n  User\n");
	expect_error(fx, "h", "~/.ssh/config:2: no value after 'user'");
	fixture_write(fx, ".ssh/config", "User a b\n");
	expect_error(fx, "h", "~/.ssh/config:1: User takes one value");
	fixture_write(fx, ".ssh/config", "ProxyJump a,,b\n");
	expect_error(fx, "h", "~/.ssh/config:1: bad value 'a,,b' for ProxyJump");
	fixture_write(fx, ".ssh/config", "UserKnownHostsFile none /x\n");
	expect_error(fx, "h", "UserKnownHostsFile none must stand alone");
	fixture_write(fx, ".ssh/config", "Match nonsense x\n");
	expect_error(fx, "h", "~/.ssh/config:1: unsupported Match attribute 'nonsense'");
	fixture_write(fx, ".ssh/config", "Match host a all\n");
	expect_error(fx, "h", "'all' cannot be combined");
	fixture_write(fx, ".ssh/config", "Host h\n  IdentityFile ~/id_%z\n");
	expect_error(fx, "h", "~/.ssh/config:2: IdentityFile: unknown token %z");
	fixture_write(fx, ".ssh/config", "Host h\n  ProxyCommand nc %d\n");
	expect_error(fx, "h", "~/.ssh/config:2: ProxyCommand: unknown token %d");
}

static void
test_sshcfg_long_line(void **state)
{
	struct fixture *fx = *state;
	size_t n = 20000;
	char *text = malloc(n + 32);

	assert_non_null(text);
	strcpy(text, "Host h\nUser ");
	memset(text + strlen(text), 'a', n);
	strcpy(text + 12 + n, "\n");
	fixture_write(fx, ".ssh/config", text);
	free(text);
	expect_error(fx, "h", "~/.ssh/config:2: line longer than");
}

static void
test_sshcfg_negation(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;

	/* The negation excludes even when it comes after a match, or before. */
	fixture_write(fx, ".ssh/config",
	              "Host *.example.com !secret.example.com\n  User wild\n"
	              "Host !*.dev *\n  Port 2022\n"
	              "Host db?\n  HostName db-host\n");
	c = lookup(fx, "www.example.com");
	assert_string_equal(c->user, "wild");
	assert_int_equal(c->port, 2022);
	siphon_sshcfg_free(c);
	c = lookup(fx, "secret.example.com");
	assert_null(c->user);
	siphon_sshcfg_free(c);
	c = lookup(fx, "box.dev");
	assert_int_equal(c->port, -1);
	siphon_sshcfg_free(c);
	c = lookup(fx, "db1");
	assert_string_equal(c->hostname, "db-host");
	siphon_sshcfg_free(c);
	c = lookup(fx, "db12");
	assert_string_equal(c->hostname, "db12");
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_match(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg_query q;
	struct siphon_sshcfg *c;

	fixture_write(fx, ".ssh/config",
	              "Host short\n  HostName long.example.com\n"
	              "Match host *.example.com\n  User by-hostname\n"
	              "Match originalhost short\n  Port 2201\n"
	              "Match user admin\n  IdentityFile /admin-key\n"
	              "Match localuser me !host *.example.com\n  ConnectTimeout 5\n"
	              "Match !localuser me\n  ServerAliveInterval 9\n"
	              "Match canonical\n  HashKnownHosts no\n"
	              "Match all\n  ServerAliveCountMax 7\n");
	c = lookup(fx, "short");
	assert_string_equal(c->hostname, "long.example.com");
	assert_string_equal(c->user, "by-hostname");
	assert_int_equal(c->port, 2201);
	assert_int_equal(c->n_identity_files, 0);
	assert_int_equal(c->connect_timeout, -1);
	assert_int_equal(c->server_alive_interval, -1);
	assert_int_equal(c->hash_known_hosts, -1);
	assert_int_equal(c->server_alive_count_max, 7);
	siphon_sshcfg_free(c);

	q = fixture_query(fx, "other");
	q.user = "admin";
	c = resolve_ok(fx, &q);
	assert_string_equal(c->user, "admin");
	assert_int_equal(c->port, -1);
	assert_int_equal(c->n_identity_files, 1);
	assert_int_equal(c->connect_timeout, 5);
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_match_user_from_file(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;

	/* Match user sees the User obtained so far, else the local user. */
	fixture_write(fx, ".ssh/config",
	              "Match user me\n  Port 1\n"
	              "Host h\n  User dba\n"
	              "Match user dba\n  Port 2\n");
	c = lookup(fx, "h");
	assert_int_equal(c->port, 1);
	siphon_sshcfg_free(c);
	fixture_write(fx, ".ssh/config",
	              "Host h\n  User dba\n"
	              "Match user me\n  Port 1\n"
	              "Match user dba\n  Port 2\n");
	c = lookup(fx, "h");
	assert_int_equal(c->port, 2);
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_match_final(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;

	/* A Match final applies in ssh's second pass, with the final HostName. */
	fixture_write(fx, ".ssh/config",
	              "Host alias\n  HostName Real.Example\n  IdentityFile /k1\n"
	              "Match final host real.example\n  Port 2200\n  IdentityFile /k2\n");
	c = lookup(fx, "alias");
	assert_string_equal(c->hostname, "real.example");
	assert_int_equal(c->port, 2200);
	assert_int_equal(c->n_identity_files, 2);
	assert_string_equal(c->identity_files[1], "/k2");
	siphon_sshcfg_free(c);

	/* In the second reading Host compares the final name, and HostName is
	 * already that name: a HostName in a Match final block is too late. */
	fixture_write(fx, ".ssh/config",
	              "Host a1\n  HostName alias-%h\n"
	              "Host !a1 *\n  User second-reading\n"
	              "Match final\n  HostName too-late\n");
	c = lookup(fx, "a1");
	assert_string_equal(c->hostname, "alias-a1");
	assert_string_equal(c->user, "second-reading");
	siphon_sshcfg_free(c);
	fixture_write(fx, ".ssh/config", "Host !a1 *\n  User never\n");
	c = lookup(fx, "a1");
	assert_null(c->user);
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_match_exec_skipped(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;

	fixture_write(fx, ".ssh/config",
	              "Host h\n"
	              "Match exec \"touch /tmp/siphon-must-not-exist\"\n  User exec-user\n"
	              "Match !exec \"false\"\n  Port 9\n"
	              "Match all\n  User plain\n");
	c = lookup(fx, "h");
	assert_string_equal(c->user, "plain");
	assert_int_equal(c->port, -1);
	assert_int_equal(fx->warnings, 1);
	assert_non_null(strstr(fx->log, "~/.ssh/config:2: Match exec is not run by siphon; "
	                               "block skipped"));
	assert_int_equal(access("/tmp/siphon-must-not-exist", F_OK), -1);
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_include(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;
	char text[512];

	fixture_write_includes(fx, ".ssh/config.d");
	fixture_write(fx, ".ssh/extra/abs.conf", "Host abs\n  User abs-user\n");
	snprintf(text, sizeof(text),
	         "Include config.d/*.conf missing/*.conf\n"
	         "Include %s/.ssh/extra/abs.conf\n"
	         "Host scoped\n"
	         "  Include ~/.ssh/config.d/scoped.inc\n"
	         "  User after-include\n"
	         "Host *\n  User default\n", fx->home);
	fixture_write(fx, ".ssh/config", text);

	c = lookup(fx, "prod");
	assert_string_equal(c->hostname, "prod.example");
	/* The Match all of 20-stage.conf applies to everything read after it. */
	assert_int_equal(c->port, 2020);
	assert_string_equal(c->user, "default");
	assert_int_equal(c->connect_timeout, -1);
	siphon_sshcfg_free(c);
	c = lookup(fx, "abs");
	assert_string_equal(c->user, "abs-user");
	siphon_sshcfg_free(c);
	/* An Include inside a Host block applies only when the block does; the
	 * block's state comes back after the file. */
	c = lookup(fx, "scoped");
	assert_int_equal(c->connect_timeout, 3);
	assert_string_equal(c->user, "after-include");
	assert_int_equal(c->port, 2020);
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_include_loop(void **state)
{
	struct fixture *fx = *state;

	fixture_write(fx, ".ssh/config", "Include config\n");
	expect_error(fx, "h", "Include nested more than 16 deep");
}

static void
test_sshcfg_include_refused(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg_query q;
	struct siphon_sshcfg *c = NULL;
	char sys[512];

	/* Directories and devices are not read: a glob must not wander. */
	fixture_write(fx, ".ssh/sub/x", "");
	fixture_write(fx, ".ssh/config", "Include sub\n");
	expect_error(fx, "h", "~/.ssh/config:1: cannot read ssh config file ~/.ssh/sub: Is a directory");
	fixture_write(fx, ".ssh/config", "Host h\n  Include /dev/zero\n");
	expect_error(fx, "h", "cannot read ssh config file /dev/zero: not a regular file");
	/* /dev/null is an empty file; a missing one is nothing; a path that
	 * cannot be expanded is skipped with a warning, as ssh does. */
	unsetenv("SIPHON_TEST_UNSET");
	fixture_write(fx, ".ssh/config", "Include /dev/null nothing-here ${SIPHON_TEST_UNSET}/x "
	              "%z\nUser u\n");
	c = lookup(fx, "h");
	assert_string_equal(c->user, "u");
	assert_int_equal(fx->warnings, 2);
	assert_non_null(strstr(fx->log, "~/.ssh/config:1: Include: environment variable "
	                                "SIPHON_TEST_UNSET is not set"));
	siphon_sshcfg_free(c);
	/* A system file may not Include from a home. */
	fixture_write(fx, "etc/ssh_config", "Include ~/.ssh/x\n");
	snprintf(sys, sizeof(sys), "%s/etc/ssh_config", fx->home);
	q = fixture_query(fx, "h");
	q.system_file = sys;
	c = NULL;
	siphon_err_clear(fx->ctx);
	assert_int_equal(siphon_sshcfg_resolve(fx->ctx, &q, &c), SIPHON_EUSAGE);
	assert_non_null(strstr(siphon_ctx_errmsg(fx->ctx), "may not start with ~ in a system file"));
}

static void
test_sshcfg_host_case_and_addresses(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;

	/* As ssh: Host patterns compare the name as typed byte for byte; the
	 * resulting name is lowercased unless it is an address. */
	fixture_write(fx, ".ssh/config",
	              "Host prod\n  User lower\n"
	              "Host PROD\n  User upper\n"
	              "Host v6\n  HostName FE80::1\n"
	              "Match originalhost PROD\n  Port 1\n");
	c = lookup(fx, "PROD");
	assert_string_equal(c->user, "upper");
	assert_string_equal(c->hostname, "prod");
	/* Match host and originalhost ignore case (match_hostname). */
	assert_int_equal(c->port, 1);
	siphon_sshcfg_free(c);
	c = lookup(fx, "prod");
	assert_string_equal(c->user, "lower");
	assert_int_equal(c->port, 1);
	siphon_sshcfg_free(c);
	c = lookup(fx, "v6");
	assert_string_equal(c->hostname, "FE80::1");
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_system_file(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg_query q;
	struct siphon_sshcfg *c;
	char sys[512];

	fixture_write(fx, ".ssh/config", "Host h\n  User from-user-file\n");
	fixture_write(fx, "etc/ssh_config", "Host h\n  User from-system\n  Port 2345\n");
	snprintf(sys, sizeof(sys), "%s/etc/ssh_config", fx->home);
	q = fixture_query(fx, "h");
	q.system_file = sys;
	c = resolve_ok(fx, &q);
	assert_string_equal(c->user, "from-user-file");
	assert_int_equal(c->port, 2345);
	siphon_sshcfg_free(c);

	/* -F: that file alone; "none": no file. */
	q.file = sys;
	c = resolve_ok(fx, &q);
	assert_string_equal(c->user, "from-system");
	siphon_sshcfg_free(c);
	q.file = "none";
	c = resolve_ok(fx, &q);
	assert_null(c->user);
	siphon_sshcfg_free(c);
	q.file = "/nonexistent/siphon/config";
	c = NULL;
	siphon_err_clear(fx->ctx);
	assert_int_equal(siphon_sshcfg_resolve(fx->ctx, &q, &c), SIPHON_EUSAGE);
	assert_non_null(strstr(siphon_ctx_errmsg(fx->ctx), "/nonexistent/siphon/config"));
}

static void
test_sshcfg_tokens(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg_query q;
	struct siphon_sshcfg *c;
	char want[1024];

	setenv("SIPHON_TEST_DIR", "/env/dir", 1);
	setenv("SIPHON_TEST_SOCK", "/run/agent.sock", 1);
	fixture_write(fx, ".ssh/config",
	              "Host tok\n"
	              "  HostName %h.example.com\n"
	              "  User remote\n"
	              "  Port 2222\n"
	              "  IdentityFile ~/.ssh/%h_%r_%p_%u_%n_100%%\n"
	              "  IdentityFile %d/keys/%k\n"
	              "  IdentityFile ${SIPHON_TEST_DIR}/key\n"
	              "  CertificateFile ~/.ssh/%r@%h-cert.pub\n"
	              "  UserKnownHostsFile ~/.ssh/known_%n %d/kh2\n"
	              "  GlobalKnownHostsFile /etc/%h_not_expanded\n"
	              "  IdentityAgent ~/agent-%u.sock\n"
	              "  ProxyCommand connect %h %p %r %n 100%%\n"
	              "Host agentvar\n  IdentityAgent $SIPHON_TEST_SOCK\n"
	              "Host agentnone\n  IdentityAgent none\n  ProxyCommand none\n"
	              "Host agentenv\n  IdentityAgent SSH_AUTH_SOCK\n");
	c = lookup(fx, "tok");
	assert_string_equal(c->hostname, "tok.example.com");
	snprintf(want, sizeof(want), "%s/.ssh/tok.example.com_remote_2222_me_tok_100%%", fx->home);
	assert_string_equal(c->identity_files[0], want);
	snprintf(want, sizeof(want), "%s/keys/tok", fx->home);
	assert_string_equal(c->identity_files[1], want);
	assert_string_equal(c->identity_files[2], "/env/dir/key");
	snprintf(want, sizeof(want), "%s/.ssh/remote@tok.example.com-cert.pub", fx->home);
	assert_string_equal(c->certificate_files[0], want);
	snprintf(want, sizeof(want), "%s/.ssh/known_tok", fx->home);
	assert_string_equal(c->user_known_hosts[0], want);
	snprintf(want, sizeof(want), "%s/kh2", fx->home);
	assert_string_equal(c->user_known_hosts[1], want);
	assert_string_equal(c->global_known_hosts[0], "/etc/%h_not_expanded");
	snprintf(want, sizeof(want), "%s/agent-me.sock", fx->home);
	assert_string_equal(c->identity_agent, want);
	assert_string_equal(c->proxy_command, "connect tok.example.com 2222 remote tok 100%");
	siphon_sshcfg_free(c);

	/* %r is the local user when no User is known; the command line's port. */
	q = fixture_query(fx, "tok");
	q.port = 7;
	c = resolve_ok(fx, &q);
	assert_string_equal(c->proxy_command, "connect tok.example.com 7 remote tok 100%");
	siphon_sshcfg_free(c);

	c = lookup(fx, "agentvar");
	assert_string_equal(c->identity_agent, "/run/agent.sock");
	siphon_sshcfg_free(c);
	c = lookup(fx, "agentnone");
	assert_string_equal(c->identity_agent, "none");
	assert_null(c->proxy_command);
	siphon_sshcfg_free(c);
	setenv("SSH_AUTH_SOCK", "/tmp/agent.x", 1);
	c = lookup(fx, "agentenv");
	assert_string_equal(c->identity_agent, "/tmp/agent.x");
	siphon_sshcfg_free(c);
	unsetenv("SSH_AUTH_SOCK");
	c = lookup(fx, "agentenv");
	assert_null(c->identity_agent);
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_proxy_order(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg *c;

	fixture_write(fx, ".ssh/config",
	              "Host jc\n  ProxyJump j1\n  ProxyCommand nc %h %p\n"
	              "Host cj\n  ProxyCommand nc %h %p\n  ProxyJump j1\n"
	              "Host nonej\n  ProxyJump none\n  ProxyCommand nc %h\n  ProxyJump j2\n"
	              "Host nonec\n  ProxyCommand none\n  ProxyJump j1\n"
	              "Host *\n  ProxyJump u@fallback:2222 # comment\n");
	c = lookup(fx, "jc");
	assert_string_equal(c->proxy_jump, "j1");
	assert_null(c->proxy_command);
	assert_int_equal(c->proxy_jump_first, 1);
	siphon_sshcfg_free(c);
	c = lookup(fx, "cj");
	assert_null(c->proxy_jump);
	assert_string_equal(c->proxy_command, "nc cj 22");
	assert_int_equal(c->proxy_jump_first, 0);
	siphon_sshcfg_free(c);
	/* ProxyJump none stops later ProxyJump lines, not a ProxyCommand (as ssh). */
	c = lookup(fx, "nonej");
	assert_null(c->proxy_jump);
	assert_string_equal(c->proxy_command, "nc nonej");
	siphon_sshcfg_free(c);
	c = lookup(fx, "nonec");
	assert_null(c->proxy_jump);
	assert_null(c->proxy_command);
	siphon_sshcfg_free(c);
	c = lookup(fx, "x");
	assert_string_equal(c->proxy_jump, "u@fallback:2222");
	siphon_sshcfg_free(c);
}

static void
test_sshcfg_parse_jumps(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg_jump *j = NULL;
	size_t n = 0;
	static const char *bad[] = {
		"", ",", "a,", "@h", "h:0", "h:99999", "h:x", "[::1", "[]", "a b", "ssh://",
		"ssh://@h", "ssh://h:0", "u@",
	};
	size_t i;

	assert_int_equal(siphon_sshcfg_parse_jumps(fx->ctx,
	                 "bastion,ops@gw.example:2222,ssh://deploy@inner:2200/,[fe80::1]:22,"
	                 "u@[::1],ssh://a%40b;fp=x@h6,x@y@z,h:", &j, &n), 0);
	assert_int_equal(n, 8);
	assert_null(j[0].user);
	assert_string_equal(j[0].host, "bastion");
	assert_int_equal(j[0].port, -1);
	assert_string_equal(j[1].user, "ops");
	assert_string_equal(j[1].host, "gw.example");
	assert_int_equal(j[1].port, 2222);
	assert_string_equal(j[2].user, "deploy");
	assert_string_equal(j[2].host, "inner");
	assert_int_equal(j[2].port, 2200);
	assert_null(j[3].user);
	assert_string_equal(j[3].host, "fe80::1");
	assert_int_equal(j[3].port, 22);
	assert_string_equal(j[4].user, "u");
	assert_string_equal(j[4].host, "::1");
	assert_string_equal(j[5].user, "a@b");
	assert_string_equal(j[5].host, "h6");
	assert_string_equal(j[6].user, "x@y");
	assert_string_equal(j[6].host, "z");
	assert_string_equal(j[7].host, "h");
	assert_int_equal(j[7].port, -1);
	siphon_sshcfg_jumps_free(j, n);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = NULL;
		siphon_err_clear(fx->ctx);
		if (siphon_sshcfg_parse_jumps(fx->ctx, bad[i], &j, &n) != SIPHON_EUSAGE)
			fail_msg("ProxyJump '%s' accepted", bad[i]);
		assert_null(j);
		assert_non_null(strstr(siphon_ctx_errmsg(fx->ctx), "ProxyJump"));
	}
}

static void
test_sshcfg_host_names(void **state)
{
	struct fixture *fx = *state;
	struct siphon_sshcfg_query q;
	char **names = NULL;
	size_t n = 0, i;

	fixture_write(fx, ".ssh/conf.d/a.conf", "Host included other\n  User x\n");
	fixture_write(fx, ".ssh/config",
	              "Host prod staging *.internal !bad db?\n  User u\n"
	              "Match host foo\n  Include conf.d/*.conf\n"
	              "Host prod\n  Port 1\n"
	              "Host last\n");
	q = fixture_query(fx, NULL);
	assert_int_equal(siphon_sshcfg_host_names(fx->ctx, &q, &names, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(names[0], "prod");
	assert_string_equal(names[1], "staging");
	assert_string_equal(names[2], "included");
	assert_string_equal(names[3], "other");
	assert_string_equal(names[4], "last");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SSHCFG_TEST(test_sshcfg_realistic_blocks),
		SSHCFG_TEST(test_sshcfg_query_beats_files),
		SSHCFG_TEST(test_sshcfg_unset_and_no_files),
		SSHCFG_TEST(test_sshcfg_syntax),
		SSHCFG_TEST(test_sshcfg_first_value_wins),
		SSHCFG_TEST(test_sshcfg_strict_values),
		SSHCFG_TEST(test_sshcfg_bad_values),
		SSHCFG_TEST(test_sshcfg_long_line),
		SSHCFG_TEST(test_sshcfg_negation),
		SSHCFG_TEST(test_sshcfg_match),
		SSHCFG_TEST(test_sshcfg_match_user_from_file),
		SSHCFG_TEST(test_sshcfg_match_final),
		SSHCFG_TEST(test_sshcfg_match_exec_skipped),
		SSHCFG_TEST(test_sshcfg_include),
		SSHCFG_TEST(test_sshcfg_include_loop),
		SSHCFG_TEST(test_sshcfg_include_refused),
		SSHCFG_TEST(test_sshcfg_host_case_and_addresses),
		SSHCFG_TEST(test_sshcfg_system_file),
		SSHCFG_TEST(test_sshcfg_tokens),
		SSHCFG_TEST(test_sshcfg_proxy_order),
		SSHCFG_TEST(test_sshcfg_parse_jumps),
		SSHCFG_TEST(test_sshcfg_host_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
