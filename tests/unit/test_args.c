/*
 * test_args.c - the command line of siphon: target syntax, every option,
 * defaults, usage messages, --help, exit statuses, the summary line, the
 * generated completions and the generated man page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "completion.h"
#include "exitcodes.h"
#include "help.h"
#include "man.h"
#include "summary.h"

#define MAX_ARGS 32

/* Parses `pull ARGS...` (NULL-terminated); argv outlives the call. */
static int
parse_pull(struct cli_pull_args *pa, char *err, ...)
{
	static char *argv[MAX_ARGS];
	va_list ap;
	int argc = 0;

	argv[argc++] = (char *)"pull";
	va_start(ap, err);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
		assert_true(argc < MAX_ARGS - 1);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;
	return cli_pull_args_parse(pa, argc, argv, err, CLI_ERR_MAX);
}

/* Expects `pull ARGS...` to fail with exactly the message want. */
#define assert_pull_error(want, ...)                                        \
	do {                                                                \
		struct cli_pull_args pa_;                                   \
		char err_[CLI_ERR_MAX];                                     \
		assert_int_equal(parse_pull(&pa_, err_, __VA_ARGS__, NULL), -1); \
		assert_string_equal(err_, want);                            \
		cli_pull_args_free(&pa_);                                   \
	} while (0)

/* Everything a stream wrote, as a string the caller frees. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void
capture_start(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static char *
capture_end(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	return c->buf;
}

static char *
help_text(void (*fn)(FILE *))
{
	struct capture c;

	capture_start(&c);
	fn(c.f);
	return capture_end(&c);
}

static void
help_pull(FILE *out)
{
	assert_int_equal(cli_help_pull(out), 0);
}

static char *
man_text(void)
{
	struct capture c;

	capture_start(&c);
	assert_int_equal(cli_man_generate(c.f), 0);
	return capture_end(&c);
}

static char *
man_conf_text(void)
{
	struct capture c;

	capture_start(&c);
	assert_int_equal(cli_man_conf_generate(c.f), 0);
	return capture_end(&c);
}

/* The value of a library option, as text and as a number. */
#define STR(pa, name) siphon_opts_str((pa).opts, name)
#define INT(pa, name) siphon_opts_int((pa).opts, name)

static char *
completion_text(const char *shell)
{
	struct capture c;

	capture_start(&c);
	assert_int_equal(cli_completion_generate(c.f, shell), 0);
	return capture_end(&c);
}

static char *
read_file(const char *rel)
{
	const char *dir = getenv("SIPHON_SRCDIR");
	char path[1024];
	struct capture c;
	FILE *f;
	int ch;

	/* make runs the tests from the top of the tree. */
	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : ".", rel);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s (run from the top of the tree or set "
		         "SIPHON_SRCDIR)", path);
	capture_start(&c);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, c.f);
	fclose(f);
	return capture_end(&c);
}

/* ---- targets ---- */

struct target_case {
	const char *spec;
	const char *user, *host;
	int port;
	const char *dbname;
};

static void
check_target(const struct target_case *tc)
{
	struct cli_target t;
	char err[CLI_ERR_MAX];

	if (cli_target_parse(tc->spec, &t, err, sizeof(err)) != 0)
		fail_msg("'%s': %s", tc->spec, err);
	if (tc->user == NULL)
		assert_null(t.user);
	else
		assert_string_equal(t.user, tc->user);
	assert_string_equal(t.host, tc->host);
	assert_int_equal(t.port, tc->port);
	assert_string_equal(t.dbname, tc->dbname);
	cli_target_free(&t);
	assert_null(t.buf);
}

/* A flag whose default is yes: --no-NAME says no on the command line; the others have no such form. */
static void
test_args_negated_flags(void **state)
{
	struct cli_pull_args pa;
	char err[CLI_ERR_MAX];
	const char *where;

	(void)state;
	assert_int_equal(parse_pull(&pa, err, "--no-keep-pristine", "app:db", NULL), 0);
	assert_int_equal(INT(pa, "keep-pristine"), 0);
	assert_int_equal(siphon_opts_origin(pa.opts, "keep-pristine", &where), SIPHON_ORIGIN_CLI);
	assert_string_equal(where, "--no-keep-pristine");
	assert_int_equal(INT(pa, "keep-previous"), 1);
	cli_pull_args_free(&pa);
	/* The last one given wins, as for every option. */
	assert_int_equal(parse_pull(&pa, err, "--no-keep-previous", "--keep-previous", "--no-keep-pristine",
	                            "app:db", NULL), 0);
	assert_int_equal(INT(pa, "keep-previous"), 1);
	assert_int_equal(INT(pa, "keep-pristine"), 0);
	cli_pull_args_free(&pa);
	assert_pull_error("option '--no-keep-pristine' takes no argument", "--no-keep-pristine=yes", "app:db");
	assert_pull_error("unknown option '--no-force'", "--no-force", "app:db");
	/* --no-nice is a flag of its own (default no), not a negation. */
	assert_int_equal(parse_pull(&pa, err, "--no-nice", "app:db", NULL), 0);
	assert_int_equal(INT(pa, "no-nice"), 1);
	cli_pull_args_free(&pa);
}

static void
test_args_target_forms(void **state)
{
	static const struct target_case cases[] = {
		{ "db1:app", NULL, "db1", 0, "app" },
		{ "bob@db1:app", "bob", "db1", 0, "app" },
		{ "db1:2222:app", NULL, "db1", 2222, "app" },
		{ "bob@db1:2222:app", "bob", "db1", 2222, "app" },
		{ "db1.example.com:5:x", NULL, "db1.example.com", 5, "x" },
		{ "10.0.0.7:app", NULL, "10.0.0.7", 0, "app" },
		{ "h:65535:d", NULL, "h", 65535, "d" },
		{ "h:1:d", NULL, "h", 1, "d" },
		{ "h:0022:d", NULL, "h", 22, "d" },
		{ "my_host-2:d", NULL, "my_host-2", 0, "d" },
		{ "ad.min@h:d", "ad.min", "h", 0, "d" },
		/* IPv6 in brackets, with and without user and port */
		{ "[::1]:app", NULL, "::1", 0, "app" },
		{ "[::1]:2222:app", NULL, "::1", 2222, "app" },
		{ "bob@[::1]:app", "bob", "::1", 0, "app" },
		{ "bob@[2001:db8::7]:5432:app", "bob", "2001:db8::7", 5432, "app" },
		{ "[fe80::1%eth0]:d", NULL, "fe80::1%eth0", 0, "d" },
		{ "[db1]:d", NULL, "db1", 0, "d" },
		{ "[::1]:2222", NULL, "::1", 0, "2222" },
		{ "[::1]:a:b", NULL, "::1", 0, "a:b" },
		/* what follows the host and port is the name, colons and all */
		{ "h:a:b", NULL, "h", 0, "a:b" },
		{ "h:2222:a:b", NULL, "h", 2222, "a:b" },
		{ "h:2222:3333:b", NULL, "h", 2222, "3333:b" },
		{ "h:2222", NULL, "h", 0, "2222" },
		{ "h:22x:d", NULL, "h", 0, "22x:d" },
		{ "h::d", NULL, "h", 0, ":d" },
		{ "h:d:", NULL, "h", 0, "d:" },
		/* '@' after the host part belongs to the database name */
		{ "h:d@x", NULL, "h", 0, "d@x" },
		{ "bob@h:d@x", "bob", "h", 0, "d@x" },
		{ "[::1]:a@b", NULL, "::1", 0, "a@b" },
		{ "u:p@h:d", NULL, "u", 0, "p@h:d" },
		/* hostile names go through untouched */
		{ "h:'; DROP DATABASE prod; --", NULL, "h", 0,
		  "'; DROP DATABASE prod; --" },
		{ "h:my db", NULL, "h", 0, "my db" },
		{ "h:$(rm -rf ~)", NULL, "h", 0, "$(rm -rf ~)" },
		{ "h:`id`", NULL, "h", 0, "`id`" },
		{ "h:\"quoted\"", NULL, "h", 0, "\"quoted\"" },
		{ "h:a\\b", NULL, "h", 0, "a\\b" },
		{ "h:semi;colon", NULL, "h", 0, "semi;colon" },
		{ "h:-d", NULL, "h", 0, "-d" },
		{ "h:na\xc3\xafve_\xe6\x97\xa5\xe6\x9c\xac", NULL, "h", 0,
		  "na\xc3\xafve_\xe6\x97\xa5\xe6\x9c\xac" },
		{ "h:line\nbreak", NULL, "h", 0, "line\nbreak" },
		{ "h:[x]", NULL, "h", 0, "[x]" },
		{ "h:%s%n", NULL, "h", 0, "%s%n" },
		{ "h:8:8:8", NULL, "h", 8, "8:8" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_target(&cases[i]);
}

static void
check_target_error(const char *spec, const char *want)
{
	struct cli_target t;
	char err[CLI_ERR_MAX];

	if (cli_target_parse(spec, &t, err, sizeof(err)) == 0)
		fail_msg("'%s' parsed as host '%s' db '%s'", spec, t.host, t.dbname);
	assert_string_equal(err, want);
	/* A failed parse leaves nothing to free. */
	assert_null(t.buf);
	assert_null(t.host);
	assert_null(t.dbname);
}

static void
test_args_target_errors(void **state)
{
	(void)state;
	check_target_error("", "missing ':DBNAME' in target '' (expected "
	                   "[user@]host[:port]:DBNAME)");
	check_target_error("db1", "missing ':DBNAME' in target 'db1' (expected "
	                   "[user@]host[:port]:DBNAME)");
	check_target_error("bob@db1", "missing ':DBNAME' in target 'bob@db1' "
	                   "(expected [user@]host[:port]:DBNAME)");
	check_target_error(":app", "missing host in target ':app'");
	check_target_error("bob@:app", "missing host in target 'bob@:app'");
	check_target_error("[]:app", "missing host in target '[]:app'");
	check_target_error("@db1:app", "missing user before '@' in target "
	                   "'@db1:app'");
	check_target_error("db1:", "missing database name in target 'db1:'");
	check_target_error("db1:2222:", "missing database name in target "
	                   "'db1:2222:'");
	check_target_error("[::1]:", "missing database name in target '[::1]:'");
	check_target_error("[::1]:2222:", "missing database name in target "
	                   "'[::1]:2222:'");
	check_target_error("[::1", "missing ']' in target '[::1'");
	check_target_error("[::1:app", "missing ']' in target '[::1:app'");
	check_target_error("[::1]app", "expected ':' after ']' in target "
	                   "'[::1]app'");
	check_target_error("[::1]", "expected ':' after ']' in target '[::1]'");
	check_target_error("h:0:app", "bad port '0' in target 'h:0:app' "
	                   "(expected 1 to 65535)");
	check_target_error("h:65536:app", "bad port '65536' in target "
	                   "'h:65536:app' (expected 1 to 65535)");
	check_target_error("h:99999999999999999999:d", "bad port "
	                   "'99999999999999999999' in target "
	                   "'h:99999999999999999999:d' (expected 1 to 65535)");
	check_target_error("[::1]:0:d", "bad port '0' in target '[::1]:0:d' "
	                   "(expected 1 to 65535)");
	check_target_error("a@b@c:d", "bad host name 'b@c' in target 'a@b@c:d'");
	check_target_error("-oProxyCommand=x:d", "bad host name "
	                   "'-oProxyCommand=x' in target '-oProxyCommand=x:d'");
	check_target_error("my host:d", "bad host name 'my host' in target "
	                   "'my host:d'");
	check_target_error("h;id:d", "bad host name 'h;id' in target 'h;id:d'");
	check_target_error("$(id):d", "bad host name '$(id)' in target "
	                   "'$(id):d'");
	check_target_error("[::1 ]:d", "bad host name '::1 ' in target "
	                   "'[::1 ]:d'");
	/* A message stays on one line whatever the target holds. */
	check_target_error("h\nx:d", "bad host name 'h?x' in target 'h?x:d'");
}

/* ---- options ---- */

static void
test_args_defaults(void **state)
{
	static const char *const unset[] = {
		"user", "into", "level", "identity", "known-hosts", "engine",
		"remote-pg-opts", "remote-mysql-opts", "local-mysql-opts",
		"remote-sudo", "remote-threads",
	};
	struct cli_pull_args pa;
	char err[CLI_ERR_MAX];
	const char *where;

	(void)state;
	assert_int_equal(parse_pull(&pa, err, "db1:app", NULL), 0);
	assert_string_equal(STR(pa, "host"), "db1");
	assert_string_equal(STR(pa, "database"), "app");
	assert_int_equal(siphon_opts_origin(pa.opts, "host", &where), SIPHON_ORIGIN_CLI);
	assert_string_equal(where, "target");
	/* Nothing else was given: unset, and the defaults are the library's. */
	for (size_t i = 0; i < sizeof(unset) / sizeof(unset[0]); i++) {
		assert_false(siphon_opts_is_set(pa.opts, unset[i]));
		assert_null(STR(pa, unset[i]));
	}
	assert_false(siphon_opts_is_set(pa.opts, "port"));
	assert_int_equal(INT(pa, "port"), 22);
	assert_int_equal(siphon_opts_origin(pa.opts, "port", &where), SIPHON_ORIGIN_DEFAULT);
	assert_null(where);
	/* Unset: chosen for each pull (engine/tune.h). */
	assert_int_equal(INT(pa, "jobs"), 0);
	assert_string_equal(STR(pa, "compress"), "auto");
	assert_int_equal(INT(pa, "level"), 0);
	assert_int_equal(INT(pa, "connect-timeout"), 15);
	assert_int_equal(INT(pa, "stall-timeout"), 120);
	assert_int_equal(INT(pa, "heartbeat-timeout"), 60);
	assert_int_equal(INT(pa, "accept-new-host-key"), 0);
	assert_int_equal(INT(pa, "no-nice"), 0);
	assert_int_equal(INT(pa, "force"), 0);
	assert_int_equal(INT(pa, "allow-older-local"), 0);
	assert_int_equal(INT(pa, "no-lock"), 0);
	assert_int_equal(INT(pa, "lock-all"), 0);
	assert_int_equal(pa.quiet, 0);
	assert_int_equal(pa.verbose, 0);
	assert_int_equal(pa.help, 0);
	cli_pull_args_free(&pa);
	assert_null(pa.opts);
}

/* Each option, by hand, landing in the value its name promises. */
static void
test_args_every_option(void **state)
{
	struct cli_pull_args pa;
	char err[CLI_ERR_MAX];
	const char *where;

	(void)state;
	assert_int_equal(parse_pull(&pa, err, "--into", "copy", "-j", "8",
	                            "--compress", "pigz", "--level", "9",
	                            "-i", "/k/id_ed25519",
	                            "--known-hosts", "/k/known",
	                            "--accept-new-host-key",
	                            "--engine", "postgres",
	                            "--remote-pg-opts", "-h /run/pg -p 5433",
	                            "--remote-sudo", "postgres",
	                            "--remote-threads", "3", "--no-nice",
	                            "--force", "--allow-older-local",
	                            "--connect-timeout", "7",
	                            "--stall-timeout", "600", "-q",
	                            "alice@[::1]:2222:app", NULL), 0);
	assert_string_equal(STR(pa, "user"), "alice");
	assert_string_equal(STR(pa, "host"), "::1");
	assert_int_equal(INT(pa, "port"), 2222);
	assert_int_equal(siphon_opts_origin(pa.opts, "port", NULL), SIPHON_ORIGIN_CLI);
	assert_string_equal(STR(pa, "database"), "app");
	assert_string_equal(STR(pa, "into"), "copy");
	assert_int_equal(INT(pa, "jobs"), 8);
	assert_int_equal(siphon_opts_origin(pa.opts, "jobs", &where), SIPHON_ORIGIN_CLI);
	assert_string_equal(where, "-j");
	assert_string_equal(STR(pa, "compress"), "pigz");
	assert_int_equal(INT(pa, "compress"), SIPHON_COMPRESS_PIGZ);
	assert_int_equal(INT(pa, "level"), 9);
	assert_string_equal(STR(pa, "identity"), "/k/id_ed25519");
	assert_string_equal(STR(pa, "known-hosts"), "/k/known");
	assert_int_equal(INT(pa, "accept-new-host-key"), 1);
	assert_string_equal(STR(pa, "engine"), "postgres");
	assert_string_equal(STR(pa, "remote-pg-opts"), "-h /run/pg -p 5433");
	assert_string_equal(STR(pa, "remote-sudo"), "postgres");
	assert_int_equal(INT(pa, "remote-threads"), 3);
	assert_int_equal(INT(pa, "no-nice"), 1);
	assert_int_equal(INT(pa, "force"), 1);
	assert_int_equal(INT(pa, "allow-older-local"), 1);
	assert_int_equal(INT(pa, "connect-timeout"), 7);
	assert_int_equal(INT(pa, "stall-timeout"), 600);
	assert_int_equal(pa.quiet, 1);
	assert_int_equal(pa.verbose, 0);
	cli_pull_args_free(&pa);

	assert_int_equal(parse_pull(&pa, err, "--jobs=64", "--identity=k",
	                            "--verbose", "h:d", NULL), 0);
	assert_int_equal(INT(pa, "jobs"), 64);
	assert_int_equal(siphon_opts_origin(pa.opts, "jobs", &where), SIPHON_ORIGIN_CLI);
	assert_string_equal(where, "--jobs");
	assert_string_equal(STR(pa, "identity"), "k");
	assert_int_equal(pa.verbose, 1);
	cli_pull_args_free(&pa);

	/* Short options stuck together, with an attached value. */
	assert_int_equal(parse_pull(&pa, err, "-vj3", "-ik", "h:d", NULL), 0);
	assert_int_equal(pa.verbose, 1);
	assert_int_equal(INT(pa, "jobs"), 3);
	assert_string_equal(STR(pa, "identity"), "k");
	cli_pull_args_free(&pa);

	/* A later option overrides an earlier one. */
	assert_int_equal(parse_pull(&pa, err, "-j", "2", "--jobs", "5", "h:d",
	                            NULL), 0);
	assert_int_equal(INT(pa, "jobs"), 5);
	cli_pull_args_free(&pa);

	/* A negative level (zstd --fast=3) is a value, not an option. */
	assert_int_equal(parse_pull(&pa, err, "--level", "-3", "h:d", NULL), 0);
	assert_int_equal(INT(pa, "level"), -3);
	cli_pull_args_free(&pa);
	assert_int_equal(parse_pull(&pa, err, "--level=-20", "h:d", NULL), 0);
	assert_int_equal(INT(pa, "level"), -20);
	cli_pull_args_free(&pa);

	/* The MySQL engine's options. */
	assert_int_equal(parse_pull(&pa, err, "--remote-mysql-opts", "-u b",
	                            "--local-mysql-opts", "-P 3307", "--lock-all",
	                            "h:d", NULL), 0);
	assert_string_equal(STR(pa, "remote-mysql-opts"), "-u b");
	assert_string_equal(STR(pa, "local-mysql-opts"), "-P 3307");
	assert_int_equal(INT(pa, "lock-all"), 1);
	assert_int_equal(INT(pa, "no-lock"), 0);
	cli_pull_args_free(&pa);
}

/*
 * Every option of the list, driven by its type: whatever is added later
 * (in the library or an engine) is covered too, including its bounds.
 */
static void
test_args_table_options(void **state)
{
	struct cli_optlist l;

	(void)state;
	assert_int_equal(cli_optlist_pull(&l), 0);
	for (size_t i = 0; i < l.n; i++) {
		const struct siphon_optdef *o = l.defs[i];
		struct cli_pull_args pa;
		char err[CLI_ERR_MAX], arg[128], bad[128];

		/* The CLI's own (-q, -v, --help) are tested by hand. */
		if (strcmp(o->scope, "cli") == 0)
			continue;
		switch (o->type) {
		case SIPHON_OPT_FLAG:
			snprintf(arg, sizeof(arg), "--%s", o->name);
			assert_int_equal(parse_pull(&pa, err, arg, "h:d", NULL), 0);
			assert_int_equal(INT(pa, o->name), 1);
			assert_true(siphon_opts_is_set(pa.opts, o->name));
			cli_pull_args_free(&pa);
			break;
		case SIPHON_OPT_INT:
			snprintf(arg, sizeof(arg), "--%s=%d", o->name, o->min);
			assert_int_equal(parse_pull(&pa, err, arg, "h:d", NULL), 0);
			assert_int_equal(INT(pa, o->name), o->min);
			cli_pull_args_free(&pa);
			snprintf(arg, sizeof(arg), "--%s=%d", o->name, o->max);
			assert_int_equal(parse_pull(&pa, err, arg, "h:d", NULL), 0);
			assert_int_equal(INT(pa, o->name), o->max);
			cli_pull_args_free(&pa);
			snprintf(arg, sizeof(arg), "--%s=%d", o->name, o->max + 1);
			snprintf(bad, sizeof(bad), "bad value '%d' for --%s (expected "
			         "a number from %d to %d)", o->max + 1, o->name, o->min,
			         o->max);
			assert_pull_error(bad, arg, "h:d");
			snprintf(arg, sizeof(arg), "--%s=%d", o->name, o->min - 1);
			snprintf(bad, sizeof(bad), "bad value '%d' for --%s (expected "
			         "a number from %d to %d)", o->min - 1, o->name, o->min,
			         o->max);
			assert_pull_error(bad, arg, "h:d");
			break;
		case SIPHON_OPT_STRING:
		case SIPHON_OPT_FILE:
			/* A server is checked as one (test_config.c). */
			if (o->flags & SIPHON_OPTDEF_SERVER)
				break;
			snprintf(arg, sizeof(arg), "--%s", o->name);
			/* No target: --database would contradict one. */
			assert_int_equal(parse_pull(&pa, err, arg, "a b'c", NULL),
			                 0);
			assert_string_equal(STR(pa, o->name), "a b'c");
			cli_pull_args_free(&pa);
			snprintf(bad, sizeof(bad), "empty value for --%s", o->name);
			assert_pull_error(bad, arg, "", NULL);
			break;
		case SIPHON_OPT_CHOICE:
			for (size_t c = 0; o->choices[c] != NULL; c++) {
				snprintf(arg, sizeof(arg), "--%s=%s", o->name,
				         o->choices[c]);
				assert_int_equal(parse_pull(&pa, err, arg, "h:d", NULL), 0);
				assert_string_equal(STR(pa, o->name), o->choices[c]);
				assert_int_equal(INT(pa, o->name), (int)c);
				cli_pull_args_free(&pa);
			}
			break;
		}
		/* The short form sets the same value as the long one. */
		if (o->short_name != 0 && o->type == SIPHON_OPT_FLAG) {
			snprintf(arg, sizeof(arg), "-%c", o->short_name);
			assert_int_equal(parse_pull(&pa, err, arg, "h:d", NULL), 0);
			assert_int_equal(INT(pa, o->name), 1);
			cli_pull_args_free(&pa);
		}
	}
	cli_optlist_free(&l);
}

static void
test_args_compress_values(void **state)
{
	static const struct {
		const char *name;
		enum siphon_compress value;
	} cases[] = {
		{ "auto", SIPHON_COMPRESS_AUTO }, { "zstd", SIPHON_COMPRESS_ZSTD },
		{ "pigz", SIPHON_COMPRESS_PIGZ }, { "gzip", SIPHON_COMPRESS_GZIP },
		{ "none", SIPHON_COMPRESS_NONE },
	};
	static const char *const engines[] = { "postgres", "mysql", "mariadb", "sqlite" };
	struct cli_pull_args pa;
	char err[CLI_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse_pull(&pa, err, "--compress", cases[i].name,
		                            "h:d", NULL), 0);
		assert_int_equal(INT(pa, "compress"), cases[i].value);
		cli_pull_args_free(&pa);
	}
	assert_pull_error("bad value 'lz4' for --compress (expected auto, zstd, "
	                  "pigz, gzip or none)", "--compress", "lz4", "h:d");
	assert_pull_error("bad value 'ZSTD' for --compress (expected auto, zstd, "
	                  "pigz, gzip or none)", "--compress=ZSTD", "h:d");
	assert_pull_error("bad value 'oracle' for --engine (expected postgres, "
	                  "mysql, mariadb or sqlite)", "--engine", "oracle", "h:d");
	/* The engine is a name (an alias stays as given; the library maps it). */
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++) {
		assert_int_equal(parse_pull(&pa, err, "--engine", engines[i], "h:d",
		                            NULL), 0);
		assert_string_equal(STR(pa, "engine"), engines[i]);
		cli_pull_args_free(&pa);
	}
}

/* GNU getopt lets options follow the target, and "--" end them. */
static void
test_args_option_order(void **state)
{
	struct cli_pull_args pa;
	char err[CLI_ERR_MAX];

	(void)state;
	assert_int_equal(parse_pull(&pa, err, "h:d", "-j", "4", "--force", NULL),
	                 0);
	assert_string_equal(STR(pa, "database"), "d");
	assert_int_equal(INT(pa, "jobs"), 4);
	assert_int_equal(INT(pa, "force"), 1);
	cli_pull_args_free(&pa);

	assert_int_equal(parse_pull(&pa, err, "-q", "--", "h:--force", NULL), 0);
	assert_string_equal(STR(pa, "database"), "--force");
	assert_int_equal(INT(pa, "force"), 0);
	cli_pull_args_free(&pa);

	/* A value that looks like an option is still the value. */
	assert_int_equal(parse_pull(&pa, err, "--into", "--force", "h:d", NULL),
	                 0);
	assert_string_equal(STR(pa, "into"), "--force");
	assert_int_equal(INT(pa, "force"), 0);
	cli_pull_args_free(&pa);
}

static void
test_args_int_errors(void **state)
{
	(void)state;
	assert_pull_error("bad value '0' for -j (expected a number from 1 to 64)",
	                  "-j", "0", "h:d");
	assert_pull_error("bad value '65' for -j (expected a number from 1 to 64)",
	                  "-j", "65", "h:d");
	assert_pull_error("bad value '-1' for -j (expected a number from 1 to 64)",
	                  "-j", "-1", "h:d");
	assert_pull_error("bad value 'four' for --jobs (expected a number from 1 "
	                  "to 64)", "--jobs", "four", "h:d");
	assert_pull_error("bad value '4x' for --jobs (expected a number from 1 "
	                  "to 64)", "--jobs=4x", "h:d");
	assert_pull_error("bad value ' 4' for -j (expected a number from 1 to 64)",
	                  "-j", " 4", "h:d");
	assert_pull_error("bad value '+4' for -j (expected a number from 1 to 64)",
	                  "-j", "+4", "h:d");
	assert_pull_error("bad value '' for -j (expected a number from 1 to 64)",
	                  "-j", "", "h:d");
	assert_pull_error("bad value '99999999999999999999' for -j (expected a "
	                  "number from 1 to 64)", "-j", "99999999999999999999",
	                  "h:d");
	/* Negative: zstd's fast levels; 0: chosen, as when unset. */
	assert_pull_error("bad value '-21' for --level (expected a number from -20 "
	                  "to 22)", "--level", "-21", "h:d");
	assert_pull_error("bad value '23' for --level (expected a number from -20 "
	                  "to 22)", "--level", "23", "h:d");
	assert_pull_error("bad value '0' for --connect-timeout (expected a number "
	                  "from 1 to 3600)", "--connect-timeout", "0", "h:d");
}

static void
test_args_option_errors(void **state)
{
	(void)state;
	assert_pull_error("unknown option '--bogus'", "--bogus", "h:d");
	assert_pull_error("unknown option '--bogus'", "--bogus=1", "h:d");
	assert_pull_error("unknown option '-x'", "-x", "h:d");
	assert_pull_error("unknown option '-x'", "-qx", "h:d");
	assert_pull_error("ambiguous option '--co' (--compress, --connect-timeout, --config)",
	                  "--co", "zstd", "h:d");
	assert_pull_error("ambiguous option '--re' (--remote-sudo, "
	                  "--remote-threads, --retries, --resume, --remote-pg-opts, --remote-mysql-opts)",
	                  "--re=x", "h:d");
	assert_pull_error("option '--into' requires an argument", "h:d", "--into");
	assert_pull_error("option '-j' requires an argument", "h:d", "-j");
	assert_pull_error("option '-i' requires an argument", "h:d", "-qi");
	assert_pull_error("option '--force' takes no argument", "--force=yes",
	                  "h:d");
	/* No target, or a word, is for cli_pull_resolve (test_config.c). */
	assert_pull_error("the target 'h:d' names the server and the database: drop "
	                  "--ssh and --database, or the target", "--database", "x", "h:d");
	assert_pull_error("unexpected argument 'other:db'", "h:d", "other:db");
	assert_pull_error("--quiet and --verbose cannot be used together", "-q",
	                  "-v", "h:d");
	assert_pull_error("empty value for --into", "--into=", "h:d");
	assert_pull_error("bad port '70000' in target 'h:70000:d' (expected 1 to "
	                  "65535)", "h:70000:d");
	assert_pull_error("missing ':DBNAME' in target 'db1/x' (expected "
	                  "[user@]host[:port]:DBNAME)", "db1/x");
	/* The parts of the target are not options of their own. */
	assert_pull_error("unknown option '--host'", "--host=x", "h:d");
	assert_pull_error("unknown option '--port'", "--port", "22", "h:d");
	/* User input in a message cannot break the line. */
	assert_pull_error("unknown option '--a?b'", "--a\nb", "h:d");
	/* Abbreviations that name one option are GNU getopt's gift. */
	{
		struct cli_pull_args pa;
		char err[CLI_ERR_MAX];

		assert_int_equal(parse_pull(&pa, err, "--comp", "none", "h:d", NULL),
		                 0);
		assert_int_equal(INT(pa, "compress"), SIPHON_COMPRESS_NONE);
		cli_pull_args_free(&pa);
	}
}

static void
test_args_help(void **state)
{
	struct cli_pull_args pa;
	char err[CLI_ERR_MAX];

	(void)state;
	assert_int_equal(parse_pull(&pa, err, "--help", NULL), 0);
	assert_int_equal(pa.help, 1);
	cli_pull_args_free(&pa);
	assert_int_equal(parse_pull(&pa, err, "-h", NULL), 0);
	assert_int_equal(pa.help, 1);
	cli_pull_args_free(&pa);
	/* --help ends parsing: what follows is not checked... */
	assert_int_equal(parse_pull(&pa, err, "h:d", "--help", "--bogus", "x",
	                            NULL), 0);
	assert_int_equal(pa.help, 1);
	cli_pull_args_free(&pa);
	/* ...but a mistake before it is still reported. */
	assert_pull_error("unknown option '--bogus'", "--bogus", "--help");
}

static void
test_args_main_options(void **state)
{
	struct cli_main_args ma;
	char err[CLI_ERR_MAX];
	char *a1[] = { (char *)"siphon", (char *)"pull", (char *)"-j", (char *)"4",
	               (char *)"h:d", NULL };
	char *a2[] = { (char *)"siphon", (char *)"--help", (char *)"pull", NULL };
	char *a3[] = { (char *)"siphon", (char *)"--version", NULL };
	char *a4[] = { (char *)"siphon", (char *)"--bogus", (char *)"pull", NULL };
	char *a5[] = { (char *)"siphon", NULL };
	char *a6[] = { (char *)"siphon", (char *)"-h", NULL };

	(void)state;
	/* Parsing stops at the command, leaving its options alone. */
	assert_int_equal(cli_main_args_parse(&ma, 5, a1, err, sizeof(err)), 1);
	assert_int_equal(ma.help + ma.version, 0);
	assert_string_equal(a1[2], "-j");
	assert_int_equal(cli_main_args_parse(&ma, 3, a2, err, sizeof(err)), 2);
	assert_int_equal(ma.help, 1);
	assert_int_equal(cli_main_args_parse(&ma, 2, a3, err, sizeof(err)), 2);
	assert_int_equal(ma.version, 1);
	assert_int_equal(cli_main_args_parse(&ma, 3, a4, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown option '--bogus'");
	assert_int_equal(cli_main_args_parse(&ma, 1, a5, err, sizeof(err)), 1);
	assert_int_equal(cli_main_args_parse(&ma, 2, a6, err, sizeof(err)), 2);
	assert_int_equal(ma.help, 1);
}

/* Every option is well-formed: the generated texts rely on it. */
static void
test_args_table_sane(void **state)
{
	struct cli_optlist lists[2];

	(void)state;
	cli_optlist_main(&lists[0]);
	assert_int_equal(cli_optlist_pull(&lists[1]), 0);
	for (size_t t = 0; t < 2; t++) {
		const struct cli_optlist *l = &lists[t];

		for (size_t i = 0; i < l->n; i++) {
			const struct siphon_optdef *o = l->defs[i];

			assert_non_null(o->name);
			assert_non_null(o->help);
			assert_true(strlen(o->help) > 0);
			assert_ptr_equal(cli_optlist_find(l, o->name), o);
			/* Names go into shell code unquoted. */
			assert_int_equal(strspn(o->name, "abcdefghijklmnopqrstuvwxyz-"),
			                 strlen(o->name));
			assert_false(o->flags & SIPHON_OPTDEF_TARGET);
			if (o->type == SIPHON_OPT_INT || o->type == SIPHON_OPT_STRING ||
			    o->type == SIPHON_OPT_FILE)
				assert_non_null(o->metavar);
			/* Below 0 only --level: zstd's fast levels. */
			if (o->type == SIPHON_OPT_INT)
				assert_true((o->min >= 0 || strcmp(o->name, "level") == 0) && o->min <= o->max);
			if (o->type == SIPHON_OPT_CHOICE)
				assert_non_null(o->choices[0]);
			for (size_t j = i + 1; j < l->n; j++) {
				assert_string_not_equal(o->name, l->defs[j]->name);
				assert_true(o->short_name == 0 ||
				            o->short_name != l->defs[j]->short_name);
			}
		}
	}
	assert_null(cli_optlist_find(&lists[1], "bogus"));
	assert_null(cli_optlist_find(&lists[1], "host"));
	cli_optlist_free(&lists[1]);
}

/* ---- --help ---- */

static void
check_help_lists(const char *text, const struct cli_optlist *l)
{
	char want[128];

	for (size_t i = 0; i < l->n; i++) {
		const struct siphon_optdef *d = l->defs[i];

		if (d->short_name != 0)
			snprintf(want, sizeof(want), "  -%c, --%s", d->short_name,
			         d->name);
		else
			snprintf(want, sizeof(want), "      --%s", d->name);
		if (strstr(text, want) == NULL)
			fail_msg("--help lacks '%s'", want);
		if (d->metavar != NULL) {
			snprintf(want, sizeof(want), "--%s %s", d->name, d->metavar);
			if (strstr(text, want) == NULL)
				fail_msg("--help lacks '%s'", want);
		}
		for (size_t c = 0; d->type == SIPHON_OPT_CHOICE &&
		                   d->choices[c] != NULL; c++)
			if (strstr(text, d->choices[c]) == NULL)
				fail_msg("--help lacks '%s'", d->choices[c]);
	}
}

static void
check_line_width(const char *text)
{
	for (const char *p = text; *p != '\0';) {
		size_t len = strcspn(p, "\n");

		if (len > 79)
			fail_msg("line too long: %.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

static void
test_args_help_lists_every_option(void **state)
{
	char *pull = help_text(help_pull);
	char *top = help_text(cli_help_main);
	struct cli_optlist lp, lm;

	(void)state;
	assert_int_equal(cli_optlist_pull(&lp), 0);
	cli_optlist_main(&lm);
	check_help_lists(pull, &lp);
	check_help_lists(top, &lm);
	cli_optlist_free(&lp);
	for (size_t i = 0; i < cli_commands_count; i++) {
		char want[64];

		snprintf(want, sizeof(want), "\n  %s ", cli_commands[i].name);
		assert_non_null(strstr(top, want));
	}
	assert_non_null(strstr(pull, "usage: siphon pull [options] "
	                             "PROFILE | [user@]host[:port]:DBNAME\n"));
	assert_non_null(strstr(top, "usage: siphon <command> [options]\n"));
	/* The exit statuses are documented in both. */
	assert_non_null(strstr(pull, cli_exit_codes_text));
	assert_non_null(strstr(top, cli_exit_codes_text));
	check_line_width(pull);
	check_line_width(top);
	free(pull);
	free(top);
}

/* ---- exit statuses ---- */

static void
test_args_exit_codes(void **state)
{
	static const struct {
		int status, code;
	} cases[] = {
		{ SIPHON_OK, 0 },        { SIPHON_EINTERNAL, 1 },
		{ SIPHON_ENOMEM, 1 },    { SIPHON_EUSAGE, 2 },
		{ SIPHON_ECONNECT, 3 },  { SIPHON_EHOSTKEY, 4 },
		{ SIPHON_EAUTH, 5 },     { SIPHON_EREMOTE, 6 },
		{ SIPHON_ELOCAL, 7 },    { SIPHON_EVERSION, 8 },
		{ SIPHON_EBUSY, 9 },     { SIPHON_EINTR, 130 },
		{ -1000, 1 },            { 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[16];

		assert_int_equal(cli_exit_code(cases[i].status), cases[i].code);
		/* Each status the CLI can end with is explained. */
		snprintf(want, sizeof(want), "\n  %d ", cases[i].code);
		if (strstr(cli_exit_codes_text, want) == NULL)
			fail_msg("exit status %d is not documented", cases[i].code);
	}
	check_line_width(cli_exit_codes_text);
}

/* ---- summary ---- */

static void
test_args_format_bytes(void **state)
{
	static const struct {
		uint64_t n;
		const char *want;
	} cases[] = {
		{ 0, "0 B" },
		{ 999, "999 B" },
		{ 1000, "1.0 kB" },
		{ 1234567, "1.2 MB" },
		{ 999949, "999.9 kB" },
		{ 999950, "1.0 MB" },
		{ 5432109876ULL, "5.4 GB" },
		{ UINT64_MAX, "18.4 EB" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cli_format_bytes(buf, sizeof(buf), cases[i].n);
		assert_string_equal(buf, cases[i].want);
	}
}

static void
test_args_summary(void **state)
{
	struct siphon_opts *o;
	struct siphon_pull_stats st = {
		.wire_bytes = 1234567890, .raw_bytes = 5432109876ULL,
		.tables = 42, .seconds = 12.34, .codec = "zstd",
	};
	char buf[256];

	(void)state;
	assert_int_equal(siphon_opts_new(&o), 0);
	assert_int_equal(siphon_opts_set(o, "host", "db1", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opts_set(o, "database", "app", SIPHON_ORIGIN_CLI, NULL), 0);
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_string_equal(buf, "pulled app from db1 into app: 42 tables, "
	                    "5.4 GB (1.2 GB on the wire, zstd) in 12.3 s, "
	                    "440.2 MB/s");

	assert_int_equal(siphon_opts_set(o, "into", "app_copy", SIPHON_ORIGIN_CLI, NULL), 0);
	st.tables = 1;
	st.seconds = 0;
	memset(st.codec, 0, sizeof(st.codec));
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_string_equal(buf, "pulled app from db1 into app_copy: 1 table, "
	                    "5.4 GB (1.2 GB on the wire) in 0.0 s");

	/* A codec filling the array without a NUL, hostile names. */
	memset(st.codec, 'z', sizeof(st.codec));
	siphon_opts_free(o);
	assert_int_equal(siphon_opts_new(&o), 0);
	assert_int_equal(siphon_opts_set(o, "host", "db1", SIPHON_ORIGIN_CLI, NULL), 0);
	assert_int_equal(siphon_opts_set(o, "database", "a\nb\x1b[2J", SIPHON_ORIGIN_CLI, NULL), 0);
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_string_equal(buf, "pulled a?b?[2J from db1 into a?b?[2J: 1 table, "
	                    "5.4 GB (1.2 GB on the wire, zzzzzzzzzzzzzzzz) "
	                    "in 0.0 s");

	/* A small buffer is cut, never overrun. */
	cli_format_summary(buf, 8, o, &st);
	assert_string_equal(buf, "pulled ");

	/* Where the library says the copy went wins (SQLite: the local file). */
	assert_int_equal(siphon_opts_set(o, "database", "/srv/app/db.sqlite3", SIPHON_ORIGIN_CLI, NULL), 0);
	snprintf(st.codec, sizeof(st.codec), "none");
	snprintf(st.into, sizeof(st.into), "/home/dev/db.sqlite3");
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_string_equal(buf, "pulled /srv/app/db.sqlite3 from db1 into /home/dev/db.sqlite3: 1 table, "
	                    "5.4 GB (1.2 GB on the wire, none) in 0.0 s");
	/* A field filled to the end without a NUL is read to its end only. */
	memset(st.into, 'x', sizeof(st.into));
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_non_null(strstr(buf, " into xxxx"));

	/* Things not copied exactly are counted on the same line. */
	st.into[0] = '\0';
	st.left_out = 3;
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_non_null(strstr(buf, " in 0.0 s; 3 things not copied exactly (warnings above)"));
	st.left_out = 1;
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_non_null(strstr(buf, "; 1 thing not copied exactly (warnings above)"));

	/* A resumed pull says what the copy is consistent to. */
	st.left_out = 0;
	st.reconnects = 2;
	st.tables_later = 3;
	snprintf(st.consistency, sizeof(st.consistency), "per table: 3 of 8 tables from a later snapshot");
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_non_null(strstr(buf, " in 0.0 s; resumed after 2 lost connections, consistent per table: 3 of 8 tables from a later snapshot"));
	st.reconnects = 1;
	st.tables_later = 0;
	snprintf(st.consistency, sizeof(st.consistency), "one snapshot");
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_non_null(strstr(buf, "; resumed after 1 lost connection, consistent at one snapshot"));
	/* pull --resume: an interrupted pull's copy, with or without lost connections of its own. */
	st.resumed_run = 1;
	st.tables_later = 3;
	snprintf(st.consistency, sizeof(st.consistency), "per table: 3 of 8 tables from a later snapshot");
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_non_null(strstr(buf, "; resumed an interrupted pull's partial copy and 1 lost connection, consistent per table: 3 of 8"));
	st.reconnects = 0;
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_non_null(strstr(buf, "; resumed an interrupted pull's partial copy, consistent per table: 3 of 8"));
	st.resumed_run = 0;
	st.reconnects = 1;
	st.tables_later = 0;
	/* Every table kept, only the objects from the later snapshot (MySQL). */
	snprintf(st.consistency, sizeof(st.consistency), "per table: 0 of 9 tables, the views from a later snapshot");
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_non_null(strstr(buf, ", consistent per table: 0 of 9 tables, the views from a later snapshot"));
	/* Not terminated by the library: read to the field's end only. */
	memset(st.consistency, 'c', sizeof(st.consistency));
	cli_format_summary(buf, sizeof(buf), o, &st);
	assert_non_null(strstr(buf, "consistent at cccc"));
	siphon_opts_free(o);
}

/* ---- completions ---- */

static void
check_completion_lists(const char *shell)
{
	char *text = completion_text(shell);
	char want[128];
	struct cli_optlist lp, lm;
	/* fish spells an option -l jobs -s j. */
	const char *lpre = strcmp(shell, "fish") == 0 ? "-l " : "--";
	const char *spre = strcmp(shell, "fish") == 0 ? "-s " : "-";

	assert_int_equal(cli_optlist_pull(&lp), 0);
	cli_optlist_main(&lm);
	for (size_t i = 0; i < lp.n; i++) {
		const struct siphon_optdef *o = lp.defs[i];

		snprintf(want, sizeof(want), "%s%s", lpre, o->name);
		if (strstr(text, want) == NULL)
			fail_msg("%s completion lacks %s", shell, want);
		if (o->short_name != 0) {
			snprintf(want, sizeof(want), "%s%c", spre, o->short_name);
			if (strstr(text, want) == NULL)
				fail_msg("%s completion lacks %s", shell, want);
		}
		for (size_t c = 0; o->type == SIPHON_OPT_CHOICE &&
		                   o->choices[c] != NULL; c++)
			if (strstr(text, o->choices[c]) == NULL)
				fail_msg("%s completion lacks %s", shell,
				         o->choices[c]);
		/* A flag whose default is yes: its --no-NAME too. */
		snprintf(want, sizeof(want), "%sno-%s", lpre, o->name);
		if (cli_opt_negatable(o) && strstr(text, want) == NULL)
			fail_msg("%s completion lacks %s", shell, want);
	}
	for (size_t i = 0; i < lm.n; i++) {
		snprintf(want, sizeof(want), "%s%s", lpre, lm.defs[i]->name);
		assert_non_null(strstr(text, want));
	}
	cli_optlist_free(&lp);
	for (size_t i = 0; i < cli_commands_count; i++) {
		/* A subcommand appears as its own word ("config set": set). */
		const char *word = strrchr(cli_commands[i].name, ' ');

		word = word != NULL ? word + 1 : cli_commands[i].name;
		if (strstr(text, word) == NULL)
			fail_msg("%s completion lacks the command %s", shell, word);
	}
	/* Every key of a profile, for config set/unset/add. */
	assert_int_equal(cli_optlist_keys(&lp), 0);
	for (size_t i = 0; i < lp.n; i++)
		if (strstr(text, lp.defs[i]->name) == NULL)
			fail_msg("%s completion lacks the key %s", shell, lp.defs[i]->name);
	cli_optlist_free(&lp);
	/* Every placeholder was filled. */
	assert_null(strstr(text, "@@"));
	free(text);
}

static void
test_args_completion_lists_every_option(void **state)
{
	struct capture c;

	(void)state;
	check_completion_lists("bash");
	check_completion_lists("zsh");
	check_completion_lists("fish");
	capture_start(&c);
	assert_int_equal(cli_completion_generate(c.f, "tcsh"), -1);
	free(capture_end(&c));
}

/*
 * --no-NAME in each shell's own words: bash offers it beside --NAME, zsh
 * with a "do not" description, the two excluding each other, fish with one.
 */
static void
test_args_completion_negated_flags(void **state)
{
	char *text;

	(void)state;
	text = completion_text("bash");
	assert_non_null(strstr(text, "--no-keep-pristine"));
	assert_null(strstr(text, "--no-force"));
	free(text);

	text = completion_text("zsh");
	assert_non_null(strstr(text, "'(--no-keep-pristine)--keep-pristine[keep a second"));
	assert_non_null(strstr(text, "'(--keep-pristine)--no-keep-pristine[do not keep a second, "
	                             "untouched copy of what was pulled, for `siphon reset`]' \\\n"));
	assert_non_null(strstr(text, "'(--keep-previous)--no-keep-previous[do not keep the copy "
	                             "a pull replaces, for `siphon rollback`]'"));
	/* A flag that defaults to no has no negation. */
	assert_null(strstr(text, "--no-force"));
	assert_null(strstr(text, "--no-no-nice"));
	free(text);

	text = completion_text("fish");
	assert_non_null(strstr(text, "complete -c siphon -n '__siphon_optset pull' -l no-keep-pristine "
	                             "-d 'do not keep a second, untouched copy of what was pulled, "
	                             "for `siphon reset`'\n"));
	assert_non_null(strstr(text, "'__siphon_optset keys' -l no-keep-previous -d 'do not keep"));
	assert_null(strstr(text, "-l no-force"));
	free(text);
}

static void
test_args_complete_options(void **state)
{
	struct capture c;
	char *text;

	(void)state;
	capture_start(&c);
	assert_int_equal(cli_complete_options(c.f, "pull"), 0);
	text = capture_end(&c);
	assert_non_null(strstr(text, "--into\n-j\n--jobs\n--compress\n"));
	assert_non_null(strstr(text, "\n--lock-all\n--lock-timeout\n-q\n--quiet\n"));
	assert_non_null(strstr(text, "\n--keep-previous\n--no-keep-previous\n--keep-pristine\n"
	                             "--no-keep-pristine\n"));
	assert_null(strstr(text, "--no-force"));
	free(text);

	capture_start(&c);
	assert_int_equal(cli_complete_options(c.f, ""), 0);
	text = capture_end(&c);
	assert_string_equal(text, "-h\n--help\n--version\n--config\n");
	free(text);

	capture_start(&c);
	assert_int_equal(cli_complete_options(c.f, "push"), -1);
	free(capture_end(&c));
}

/* The keys of a profile: ssh and database, then pull's library options. */
static void
test_args_profile_keys(void **state)
{
	struct cli_optlist l;

	(void)state;
	assert_int_equal(cli_optlist_keys(&l), 0);
	assert_true(l.n > 3);
	assert_string_equal(l.defs[0]->name, "ssh");
	assert_string_equal(l.defs[1]->name, "database");
	assert_non_null(cli_optlist_find(&l, "jobs"));
	assert_non_null(cli_optlist_find(&l, "identity"));
	/* The target's parts are ssh and database; the CLI's are no keys. */
	assert_null(cli_optlist_find(&l, "host"));
	assert_null(cli_optlist_find(&l, "user"));
	assert_null(cli_optlist_find(&l, "help"));
	assert_null(cli_optlist_find(&l, "quiet"));
	cli_optlist_free(&l);
}

/* The committed scripts are exactly what the tables generate today. */
static void
test_args_completion_files_current(void **state)
{
	static const struct {
		const char *shell, *path;
	} files[] = {
		{ "bash", "completions/siphon.bash" },
		{ "zsh", "completions/_siphon" },
		{ "fish", "completions/siphon.fish" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *want = completion_text(files[i].shell);
		char *have = read_file(files[i].path);

		if (strcmp(want, have) != 0)
			fail_msg("%s is stale: run 'make completions'", files[i].path);
		free(want);
		free(have);
	}
}

/* ---- the man page ---- */

/* name with its minus signs escaped for roff, into buf. */
static void
roff_name(char *buf, size_t cap, const char *name)
{
	size_t k = 0;

	for (const char *p = name; *p != '\0' && k + 3 < cap; p++) {
		if (*p == '-')
			buf[k++] = '\\';
		buf[k++] = *p;
	}
	buf[k] = '\0';
}

/* docs/siphon.1 and docs/siphon.conf.5 are exactly what the definitions generate today. */
static void
test_args_man_file_current(void **state)
{
	char *want = man_text();
	char *have = read_file("docs/siphon.1");

	(void)state;
	if (strcmp(want, have) != 0)
		fail_msg("docs/siphon.1 is stale: run 'make man'");
	free(want);
	free(have);
	want = man_conf_text();
	have = read_file("docs/siphon.conf.5");
	if (strcmp(want, have) != 0)
		fail_msg("docs/siphon.conf.5 is stale: run 'make man'");
	free(want);
	free(have);
}

/* siphon.conf(5) lists every key; siphon(1) every command and its own sections. */
static void
test_args_man_sections(void **state)
{
	char *conf = man_conf_text(), *page = man_text();
	const char *keys_sec = strstr(conf, "\n.SH KEYS\n");
	static const char *const sections[] = {
		"SYNOPSIS", "COMMANDS", "TARGET", "PROFILES", "SSH CONFIGURATION",
		"OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES",
		"SEE ALSO",
	};
	const char *prev = page;
	struct cli_optlist l;
	char want[160];

	(void)state;
	assert_non_null(keys_sec);
	assert_int_equal(cli_optlist_keys(&l), 0);
	for (size_t i = 0; i < l.n; i++) {
		char name[80];

		roff_name(name, sizeof(name), l.defs[i]->name);
		snprintf(want, sizeof(want), "\n.B %s\n", name);
		if (strstr(keys_sec, want) != NULL)
			continue;
		snprintf(want, sizeof(want), "\n\\fB%s\\fR = ", name);
		if (strstr(keys_sec, want) == NULL)
			fail_msg("siphon.conf(5) lacks the key %s", l.defs[i]->name);
	}
	cli_optlist_free(&l);
	/* In this order, each once. */
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		const char *at;

		snprintf(want, sizeof(want), "\n.SH %s\n", sections[i]);
		if ((at = strstr(prev, want)) == NULL)
			fail_msg("siphon(1) lacks %s, or has it out of order", sections[i]);
		prev = at + 1;
	}
	assert_non_null(strstr(page, "\n.SH EXAMPLES\n"
	                              "Pull the profile\n"));
	assert_non_null(strstr(page, "\nsiphon pull prod\n"));
	for (size_t i = 0; i < cli_commands_count; i++) {
		snprintf(want, sizeof(want), "\n.TP\n\\fB%s\\fR", cli_commands[i].name);
		if (strstr(page, want) == NULL)
			fail_msg("siphon(1) lacks the command %s", cli_commands[i].name);
	}
	free(conf);
	free(page);
}

/* Every option is in the OPTIONS section, minus signs escaped for roff. */
static void
test_args_man_lists_every_option(void **state)
{
	char *text = man_text();
	const char *opts_sec = strstr(text, "\n.SH OPTIONS\n");
	struct cli_optlist l;
	char want[160];

	(void)state;
	assert_non_null(opts_sec);
	assert_int_equal(cli_optlist_pull(&l), 0);
	for (size_t i = 0; i < l.n; i++) {
		char name[80];

		roff_name(name, sizeof(name), l.defs[i]->name);
		snprintf(want, sizeof(want), "\\fB\\-\\-%s\\fR", name);
		if (strstr(opts_sec, want) == NULL)
			fail_msg("the man page lacks %s", want);
	}
	cli_optlist_free(&l);
	/* Nothing in it reads as a roff request by accident. */
	for (const char *p = text; *p != '\0'; p = strchr(p, '\n') + 1) {
		if (*p == '\'')
			fail_msg("line starts with a quote: %.40s", p);
		if (strchr(p, '\n') == NULL)
			break;
	}
	free(text);
}

static void
test_args_sanitize(void **state)
{
	char s[] = "a\tb\nc\rd\x7f" "e\x1b" "f \xc3\xa9";

	(void)state;
	cli_sanitize(s);
	assert_string_equal(s, "a?b?c?d?e?f \xc3\xa9");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_target_forms),
		cmocka_unit_test(test_args_negated_flags),
		cmocka_unit_test(test_args_target_errors),
		cmocka_unit_test(test_args_defaults),
		cmocka_unit_test(test_args_every_option),
		cmocka_unit_test(test_args_table_options),
		cmocka_unit_test(test_args_compress_values),
		cmocka_unit_test(test_args_option_order),
		cmocka_unit_test(test_args_int_errors),
		cmocka_unit_test(test_args_option_errors),
		cmocka_unit_test(test_args_help),
		cmocka_unit_test(test_args_main_options),
		cmocka_unit_test(test_args_table_sane),
		cmocka_unit_test(test_args_help_lists_every_option),
		cmocka_unit_test(test_args_exit_codes),
		cmocka_unit_test(test_args_format_bytes),
		cmocka_unit_test(test_args_summary),
		cmocka_unit_test(test_args_completion_lists_every_option),
		cmocka_unit_test(test_args_completion_negated_flags),
		cmocka_unit_test(test_args_complete_options),
		cmocka_unit_test(test_args_profile_keys),
		cmocka_unit_test(test_args_completion_files_current),
		cmocka_unit_test(test_args_man_file_current),
		cmocka_unit_test(test_args_man_lists_every_option),
		cmocka_unit_test(test_args_man_sections),
		cmocka_unit_test(test_args_sanitize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
