/*
 * test_config.c - the profile file: parsing (sections, keys, quotes,
 * comments, CRLF), every error line, applying [defaults] then a profile
 * under the command line and the environment, edits that keep the rest of
 * the file byte for byte, the atomic write and its modes, secrets, the
 * did-you-mean, the ssh option's parts, and the CLI's choice of target.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "config/config.h"
#include "opt/opt.h"
#include "profile.h"
#include "util/ctx.h"

static const char *const front_end[] = {"quiet", "verbose", "help", NULL};

static struct siphon_ctx *
new_ctx(void)
{
	struct siphon_ctx *ctx = NULL;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	return ctx;
}

/* Parses text strictly; returns the object, or NULL with the message in err. */
static struct siphon_config *
parse(const char *text, unsigned mode, char *err, size_t cap)
{
	struct siphon_ctx *ctx = new_ctx();
	struct siphon_config *cfg = NULL;
	int r = siphon_config_parse(ctx, "/p/config", text, strlen(text), mode, 1, front_end, &cfg);

	snprintf(err, cap, "%s", siphon_ctx_errmsg(ctx));
	if (r != 0)
		assert_int_equal(r, SIPHON_EUSAGE);
	siphon_ctx_free(ctx);
	return cfg;
}

static void
assert_parse_error(const char *text, const char *want)
{
	char err[1024];
	struct siphon_config *cfg = parse(text, 0600, err, sizeof(err));

	if (cfg != NULL || strcmp(err, want) != 0)
		fail_msg("parsing:\n%s\n got: '%s'\nwant: '%s'", text, err, want);
}

static const char sample[] =
	"# siphon profiles\n"
	"[defaults]\n"
	"jobs = 8\n"
	"compress = zstd   # fast\n"
	"\n"
	"; production\n"
	"[prod]\n"
	"ssh = deploy@db1:2222     # a Host, or user@host:port\n"
	"database = shop\n"
	"  into = \"shop dev #1\"  # quoted: keeps the '#'\n"
	"remote_pg_opts = -h /run/postgresql\n"
	"no-nice = on\n"
	"\n"
	"[staging.eu-1]\n"
	"ssh = staging\n"
	"database=shop\n"
	"jobs = 2\n";

static void
test_config_parse(void **state)
{
	char err[1024];
	struct siphon_config *cfg;
	int line = 0;

	(void)state;
	cfg = parse(sample, 0600, err, sizeof(err));
	assert_non_null(cfg);
	assert_int_equal(siphon_config_profile_count(cfg), 2);
	assert_string_equal(siphon_config_profile_name(cfg, 0), "prod");
	assert_string_equal(siphon_config_profile_name(cfg, 1), "staging.eu-1");
	assert_null(siphon_config_profile_name(cfg, 2));
	assert_true(siphon_config_has(cfg, "defaults", &line));
	assert_int_equal(line, 2);
	assert_string_equal(siphon_config_get(cfg, "defaults", "compress", NULL), "zstd");
	assert_string_equal(siphon_config_get(cfg, "prod", "ssh", &line), "deploy@db1:2222");
	assert_int_equal(line, 8);
	assert_string_equal(siphon_config_get(cfg, "prod", "into", NULL), "shop dev #1");
	/* Either spelling finds the key. */
	assert_string_equal(siphon_config_get(cfg, "prod", "remote-pg-opts", NULL), "-h /run/postgresql");
	assert_string_equal(siphon_config_get(cfg, "prod", "remote_pg_opts", NULL), "-h /run/postgresql");
	assert_string_equal(siphon_config_get(cfg, "staging.eu-1", "database", NULL), "shop");
	assert_null(siphon_config_get(cfg, "prod", "jobs", NULL));
	assert_null(siphon_config_get(cfg, "nope", "jobs", NULL));
	siphon_config_free(cfg);

	/* Quotes: escapes, blanks kept, '#' inside; '#' without a blank before is text. */
	cfg = parse("[a]\ninto = \"  a \\\"b\\\" \\\\ c  \"\nremote-sudo = x#y\n"
	            "identity = \"\"  \n", 0600, err, sizeof(err));
	assert_null(cfg);
	assert_string_equal(err, "/p/config:4: empty value for identity");
	cfg = parse("[a]\r\ninto = \"  a \\\"b\\\" \\\\ c  \"\r\nremote-sudo = x#y\r\n", 0600, err, sizeof(err));
	assert_non_null(cfg);
	assert_string_equal(siphon_config_get(cfg, "a", "into", NULL), "  a \"b\" \\ c  ");
	assert_string_equal(siphon_config_get(cfg, "a", "remote-sudo", NULL), "x#y");
	siphon_config_free(cfg);

	/* An empty file, comments only, a BOM, no end of line at the end. */
	cfg = parse("", 0600, err, sizeof(err));
	assert_non_null(cfg);
	assert_int_equal(siphon_config_profile_count(cfg), 0);
	siphon_config_free(cfg);
	cfg = parse("\xef\xbb\xbf# c\n  ; c\n[x]  # the x\njobs = 3", 0600, err, sizeof(err));
	assert_non_null(cfg);
	assert_string_equal(siphon_config_get(cfg, "x", "jobs", NULL), "3");
	siphon_config_free(cfg);
}

static void
test_config_errors(void **state)
{
	(void)state;
	assert_parse_error("jobs = 4\n",
	                   "/p/config:1: 'jobs' comes before any [profile]: put it under [defaults] "
	                   "(every profile) or a [name]");
	assert_parse_error("[a]\njobs 4\n",
	                   "/p/config:2: expected 'key = value', a '[profile]' line or a '# comment'");
	assert_parse_error("[a]\n= 4\n",
	                   "/p/config:2: expected 'key = value', a '[profile]' line or a '# comment'");
	assert_parse_error("[a\n", "/p/config:1: missing ']' after the profile name");
	assert_parse_error("[a b]\n", "/p/config:1: bad profile name: use up to 64 letters, digits, "
	                   "'.', '_' or '-'");
	assert_parse_error("[a] x\n", "/p/config:1: text after ']': start a comment with '#'");
	assert_parse_error("[a]\njobs = 1\n[b]\n[a]\n",
	                   "/p/config:4: [a] again (first at line 1): merge the two into one");
	assert_parse_error("[a]\njobs = 1\ninto = x\njobs = 2\n",
	                   "/p/config:4: 'jobs' again in [a] (first at line 2): keep one");
	assert_parse_error("[a]\nremote-pg-opts = 1\nremote_pg_opts = 2\n",
	                   "/p/config:3: 'remote-pg-opts' again in [a] (first at line 2): keep one");
	assert_parse_error("[a]\ninto = \"abc\n",
	                   "/p/config:2: unterminated quote in the value of 'into': end it with '\"' "
	                   "(write \\\" for a quote inside)");
	assert_parse_error("[a]\ninto = \"abc\" def\n",
	                   "/p/config:2: text after the closing quote of 'into': start a comment "
	                   "with ' #'");
	assert_parse_error("[a]\njbos = 4\n", "/p/config:2: unknown key 'jbos' in [a]; did you mean 'jobs'?");
	assert_parse_error("[a]\nremote_pg_opt = x\n",
	                   "/p/config:2: unknown key 'remote-pg-opt' in [a]; did you mean 'remote-pg-opts'?");
	assert_parse_error("[a]\nbanana = 4\n",
	                   "/p/config:2: unknown key 'banana' in [a]: the keys are pull's options "
	                   "(siphon pull --help)");
	assert_parse_error("[a]\nverbose = yes\n",
	                   "/p/config:2: 'verbose' is a command-line option, not a profile key: remove "
	                   "the line (give --verbose when running siphon)");
	assert_parse_error("[a]\njobs = 0\n",
	                   "/p/config:2: bad value '0' for jobs (expected a number from 1 to 64)");
	assert_parse_error("[a]\nforce = maybe\n",
	                   "/p/config:2: bad value 'maybe' for force (expected yes or no)");
	assert_parse_error("[a]\ncompress = lz4\n",
	                   "/p/config:2: bad value 'lz4' for compress (expected auto, zstd, pigz, gzip "
	                   "or none)");
	assert_parse_error("[a]\nssh = a b\n",
	                   "/p/config:2: bad value 'a b' for ssh (expected [user@]host[:port] or a "
	                   "Host of ~/.ssh/config; bad host name)");
	assert_parse_error("[a]\nssh = h:99999\n",
	                   "/p/config:2: bad value 'h:99999' for ssh (expected [user@]host[:port] or a "
	                   "Host of ~/.ssh/config; a port is 1 to 65535)");
	{
		struct siphon_ctx *ctx = new_ctx();
		struct siphon_config *cfg = NULL;

		assert_int_equal(siphon_config_parse(ctx, "/p/config", "[a]\ninto = x\0y\n", 14, 0600, 1,
		                                     NULL, &cfg), SIPHON_EUSAGE);
		assert_string_equal(siphon_ctx_errmsg(ctx), "/p/config holds a NUL byte: not a text file");
		siphon_ctx_free(ctx);
	}
}

/* A file with a password: refused while others can read it. */
static void
test_config_secrets(void **state)
{
	static const char *const secret[] = {
		"[a]\nremote-mysql-opts = -u backup -pS3cret\n",
		"[a]\nlocal-mysql-opts = --password=S3cret\n",
		"[a]\nremote-mysql-opts = --pass=x\n",
		"[a]\nremote-pg-opts = \"host=db password=x\"\n",
	};
	static const char *const plain[] = {
		"[a]\nremote-mysql-opts = -u backup -p\n",
		"[a]\nremote-pg-opts = -p 5433 -h db\n",
		"[a]\nremote-pg-opts = -p5433\n",
		"[a]\nlocal-mysql-opts = --password\n",
	};
	struct siphon_opts *o = NULL;
	char err[1024];
	struct siphon_config *cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		cfg = parse(secret[i], 0600, err, sizeof(err));
		assert_non_null(cfg);
		siphon_config_free(cfg);
		cfg = parse(secret[i], 0640, err, sizeof(err));
		assert_null(cfg);
		assert_string_equal(err, "/p/config holds a password and others can read it; run: "
		                    "chmod 600 /p/config");
	}
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		cfg = parse(plain[i], 0644, err, sizeof(err));
		if (cfg == NULL)
			fail_msg("%s: %s", plain[i], err);
		siphon_config_free(cfg);
	}
	assert_int_equal(siphon_opts_new(&o), 0);
	assert_false(siphon_opt_is_secret(siphon_opts_find(o, "jobs"), "8"));
	assert_true(siphon_opt_is_secret(siphon_opts_find(o, "remote-mysql-opts"), "-pX"));
	assert_false(siphon_opt_is_secret(siphon_opts_find(o, "remote-pg-opts"), "-pX"));
	siphon_opts_free(o);
}

/* Command line > environment > profile > [defaults] > default. */
static void
test_config_apply(void **state)
{
	char *env[] = {"SIPHON_COMPRESS=gzip", "SIPHON_INTO=", "SIPHON_IT_H=/x", "SIPHON_BIN=y",
	               "PATH=/bin", NULL};
	struct siphon_ctx *ctx = new_ctx();
	struct siphon_opts *o = NULL;
	char err[1024];
	struct siphon_config *cfg = parse(sample, 0600, err, sizeof(err));
	const char *where;

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(siphon_opts_new(&o), 0);
	assert_int_equal(siphon_opts_set(o, "jobs", "3", SIPHON_ORIGIN_CLI, "-j"), 0);
	assert_int_equal(siphon_opts_apply_env(o, env), 0);
	assert_int_equal(siphon_config_apply(ctx, cfg, "prod", o), 0);
	/* The command line's, over [defaults]' 8. */
	assert_int_equal(siphon_opts_int(o, "jobs"), 3);
	assert_int_equal(siphon_opts_origin(o, "jobs", &where), SIPHON_ORIGIN_CLI);
	assert_string_equal(where, "-j");
	/* The environment's, over [defaults]'. */
	assert_string_equal(siphon_opts_str(o, "compress"), "gzip");
	assert_int_equal(siphon_opts_origin(o, "compress", &where), SIPHON_ORIGIN_ENV);
	assert_string_equal(where, "SIPHON_COMPRESS");
	/* An empty variable is unset: the profile's. */
	assert_string_equal(siphon_opts_str(o, "into"), "shop dev #1");
	assert_int_equal(siphon_opts_origin(o, "into", &where), SIPHON_ORIGIN_PROFILE);
	assert_string_equal(where, "/p/config:10");
	/* ssh sets its parts. */
	assert_string_equal(siphon_opts_str(o, "host"), "db1");
	assert_string_equal(siphon_opts_str(o, "user"), "deploy");
	assert_int_equal(siphon_opts_int(o, "port"), 2222);
	assert_int_equal(siphon_opts_int(o, "no-nice"), 1);
	assert_string_equal(siphon_opts_str(o, "remote-pg-opts"), "-h /run/postgresql");
	assert_int_equal(siphon_opts_origin(o, "level", NULL), SIPHON_ORIGIN_DEFAULT);
	siphon_opts_free(o);

	/* The profile over [defaults]; [defaults] alone for NULL. */
	assert_int_equal(siphon_opts_new(&o), 0);
	assert_int_equal(siphon_config_apply(ctx, cfg, "staging.eu-1", o), 0);
	assert_int_equal(siphon_opts_int(o, "jobs"), 2);
	assert_string_equal(siphon_opts_str(o, "compress"), "zstd");
	assert_string_equal(siphon_opts_str(o, "host"), "staging");
	assert_null(siphon_opts_str(o, "user"));
	siphon_opts_free(o);
	assert_int_equal(siphon_opts_new(&o), 0);
	assert_int_equal(siphon_config_apply(ctx, cfg, NULL, o), 0);
	assert_int_equal(siphon_opts_int(o, "jobs"), 8);
	assert_null(siphon_opts_str(o, "host"));
	assert_int_equal(siphon_config_apply(ctx, cfg, "nope", o), SIPHON_EUSAGE);
	assert_string_equal(siphon_ctx_errmsg(ctx), "no profile 'nope' in /p/config");
	siphon_opts_free(o);

	/* A bad value in the environment names the variable. */
	assert_int_equal(siphon_opts_new(&o), 0);
	{
		char *bad[] = {"SIPHON_JOBS=lots", NULL};

		assert_int_equal(siphon_opts_apply_env(o, bad), SIPHON_EUSAGE);
		assert_string_equal(siphon_opts_errmsg(o),
		                    "bad value 'lots' for SIPHON_JOBS (expected a number from 1 to 64)");
	}
	siphon_opts_free(o);
	siphon_config_free(cfg);
	siphon_ctx_free(ctx);
}

/* Edits change their lines only: the rest comes back byte for byte. */
static void
test_config_edit(void **state)
{
	struct siphon_ctx *ctx = new_ctx();
	char err[1024];
	struct siphon_config *cfg = parse(sample, 0600, err, sizeof(err));
	char *out;
	size_t len;

	(void)state;
	assert_non_null(cfg);
	/* Unchanged, it renders as read. */
	out = siphon_cfg_render(cfg, &len);
	assert_string_equal(out, sample);
	free(out);
	/* In place, the comment kept; the key's spelling kept. */
	assert_int_equal(siphon_config_set(ctx, cfg, "prod", "ssh", "other"), 0);
	assert_int_equal(siphon_config_set(ctx, cfg, "prod", "remote-pg-opts", "-h x"), 0);
	assert_int_equal(siphon_config_set(ctx, cfg, "prod", "into", "plain"), 0);
	/* Added after the section's last key, indented as it; quoted when needed. */
	assert_int_equal(siphon_config_set(ctx, cfg, "prod", "jobs", "6"), 0);
	assert_int_equal(siphon_config_set(ctx, cfg, "defaults", "remote_sudo", " a#b\"\\ "), 0);
	assert_int_equal(siphon_config_unset(ctx, cfg, "staging.eu-1", "jobs"), 0);
	/* A new section at the end. */
	assert_int_equal(siphon_config_set(ctx, cfg, "new", "database", "x"), 0);
	out = siphon_cfg_render(cfg, &len);
	assert_string_equal(out,
		"# siphon profiles\n"
		"[defaults]\n"
		"jobs = 8\n"
		"compress = zstd   # fast\n"
		"remote-sudo = \" a#b\\\"\\\\ \"\n"
		"\n"
		"; production\n"
		"[prod]\n"
		"ssh = other     # a Host, or user@host:port\n"
		"database = shop\n"
		"  into = plain  # quoted: keeps the '#'\n"
		"remote_pg_opts = -h x\n"
		"no-nice = on\n"
		"jobs = 6\n"
		"\n"
		"[staging.eu-1]\n"
		"ssh = staging\n"
		"database=shop\n"
		"\n"
		"[new]\n"
		"database = x\n");
	free(out);
	/* What was written reads back. */
	assert_string_equal(siphon_config_get(cfg, "defaults", "remote-sudo", NULL), " a#b\"\\ ");
	assert_string_equal(siphon_config_get(cfg, "prod", "ssh", NULL), "other");

	/* Refusals: unknown key, bad value, line breaks, bad names, doubles. */
	assert_int_equal(siphon_config_set(ctx, cfg, "prod", "jbos", "6"), SIPHON_EUSAGE);
	assert_string_equal(siphon_ctx_errmsg(ctx), "unknown key 'jbos'; did you mean 'jobs'?");
	siphon_err_clear(ctx);
	assert_int_equal(siphon_config_set(ctx, cfg, "prod", "jobs", "65"), SIPHON_EUSAGE);
	assert_string_equal(siphon_ctx_errmsg(ctx), "bad value '65' for jobs (expected a number from 1 to 64)");
	siphon_err_clear(ctx);
	assert_int_equal(siphon_config_set(ctx, cfg, "prod", "into", "a\nb"), SIPHON_EUSAGE);
	siphon_err_clear(ctx);
	assert_int_equal(siphon_config_set(ctx, cfg, "a b", "jobs", "1"), SIPHON_EUSAGE);
	siphon_err_clear(ctx);
	assert_int_equal(siphon_config_add(ctx, cfg, "prod"), SIPHON_EUSAGE);
	assert_string_equal(siphon_ctx_errmsg(ctx), "[prod] is already in /p/config (line 8): change it "
	                    "with siphon config set prod KEY VALUE");
	siphon_err_clear(ctx);
	assert_int_equal(siphon_config_unset(ctx, cfg, "prod", "level"), SIPHON_EUSAGE);
	assert_string_equal(siphon_ctx_errmsg(ctx), "no key 'level' in [prod] of /p/config");
	siphon_err_clear(ctx);
	siphon_config_free(cfg);

	/* CRLF stays CRLF; a last line without an end gets one. */
	cfg = parse("[a]\r\njobs = 1 # one\r\n[b]\r\njobs = 2", 0600, err, sizeof(err));
	assert_non_null(cfg);
	assert_int_equal(siphon_config_set(ctx, cfg, "a", "jobs", "3"), 0);
	assert_int_equal(siphon_config_set(ctx, cfg, "b", "into", "x"), 0);
	assert_int_equal(siphon_config_add(ctx, cfg, "c"), 0);
	out = siphon_cfg_render(cfg, &len);
	assert_string_equal(out, "[a]\r\njobs = 3 # one\r\n[b]\r\njobs = 2\r\ninto = x\r\n\r\n[c]\r\n");
	free(out);
	siphon_config_free(cfg);
	siphon_ctx_free(ctx);
}

/* The write: atomic, 0600 for a new file in a new 0700 directory, the mode of an old one kept. */
static void
test_config_write(void **state)
{
	char dir[] = "/tmp/siphon-test-config-XXXXXX", path[256], cmd[300], buf[256];
	struct siphon_ctx *ctx = new_ctx();
	struct siphon_config *cfg = NULL;
	struct stat st;
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a/b/config", dir);
	/* Missing: an error when named, no profiles otherwise. */
	assert_int_equal(siphon_config_load(ctx, path, 0, 1, NULL, &cfg), SIPHON_EUSAGE);
	siphon_err_clear(ctx);
	assert_int_equal(siphon_config_load(ctx, path, 1, 1, NULL, &cfg), 0);
	assert_false(siphon_config_exists(cfg));
	assert_int_equal(siphon_config_set(ctx, cfg, "p", "ssh", "h"), 0);
	assert_int_equal(siphon_config_write(ctx, cfg), 0);
	siphon_config_free(cfg);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(buf, sizeof(buf), "%s/a/b", dir);
	assert_int_equal(stat(buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, "[p]\nssh = h\n");

	/* An existing file keeps its mode; a password then is refused. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(siphon_config_load(ctx, path, 0, 1, NULL, &cfg), 0);
	assert_int_equal(siphon_config_set(ctx, cfg, "p", "jobs", "2"), 0);
	assert_int_equal(siphon_config_write(ctx, cfg), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(siphon_config_set(ctx, cfg, "p", "local-mysql-opts", "-pX"), 0);
	assert_int_equal(siphon_config_write(ctx, cfg), SIPHON_EUSAGE);
	siphon_config_free(cfg);
	/* Nothing left behind. */
	snprintf(cmd, sizeof(cmd), "test $(ls -A '%s/a/b' | wc -l) = 1", dir);
	assert_int_equal(system(cmd), 0);

	/* The last-pull record. */
	{
		struct siphon_last_pull lp = {.time = 1700000000, .exit_code = 6, .seconds = 1.5, .bytes = 42};
		struct siphon_last_pull back;

		snprintf(buf, sizeof(buf), "%s/state", dir);
		assert_int_equal(setenv("XDG_STATE_HOME", buf, 1), 0);
		assert_int_equal(siphon_last_pull_read("p", &back), -1);
		assert_int_equal(siphon_last_pull_write(ctx, "p", &lp), 0);
		assert_int_equal(siphon_last_pull_read("p", &back), 0);
		assert_int_equal(back.time, 1700000000);
		assert_int_equal(back.exit_code, 6);
		assert_int_equal(back.bytes, 42);
		assert_true(back.seconds > 1.4 && back.seconds < 1.6);
		assert_int_equal(siphon_last_pull_write(ctx, "../x", &lp), SIPHON_EUSAGE);
		unsetenv("XDG_STATE_HOME");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	siphon_ctx_free(ctx);
}

/* Where the file is: --config, SIPHON_CONFIG, XDG_CONFIG_HOME, ~/.config. */
static void
test_config_path(void **state)
{
	struct siphon_ctx *ctx = new_ctx();
	char buf[256], *home = getenv("HOME") != NULL ? strdup(getenv("HOME")) : NULL;
	int req = -1;

	(void)state;
	setenv("HOME", "/home/ann", 1);
	unsetenv("SIPHON_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(siphon_config_path(ctx, NULL, buf, sizeof(buf), &req), 0);
	assert_string_equal(buf, "/home/ann/.config/siphon/config");
	assert_int_equal(req, 0);
	setenv("XDG_CONFIG_HOME", "/x", 1);
	assert_int_equal(siphon_config_path(ctx, NULL, buf, sizeof(buf), &req), 0);
	assert_string_equal(buf, "/x/siphon/config");
	setenv("SIPHON_CONFIG", "/y", 1);
	assert_int_equal(siphon_config_path(ctx, NULL, buf, sizeof(buf), &req), 0);
	assert_string_equal(buf, "/y");
	assert_int_equal(req, 1);
	assert_int_equal(siphon_config_path(ctx, "z", buf, sizeof(buf), &req), 0);
	assert_string_equal(buf, "z");
	unsetenv("SIPHON_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	{
		char *d = siphon_cfg_display_path("/home/ann/.config/siphon/config");

		assert_string_equal(d, "~/.config/siphon/config");
		free(d);
		d = siphon_cfg_display_path("/home/annex/c");
		assert_string_equal(d, "/home/annex/c");
		free(d);
	}
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);
	siphon_ctx_free(ctx);
}

/* The ssh option: [user@]host[:port], IPv6 in brackets. */
static void
test_config_server(void **state)
{
	struct siphon_opt_server sv;
	char why[128];

	(void)state;
	assert_int_equal(siphon_opt_server_split("prod", &sv, why, sizeof(why)), 0);
	assert_string_equal(sv.host, "prod");
	assert_null(sv.user);
	assert_int_equal(sv.port, 0);
	assert_int_equal(siphon_opt_server_split("bob@db1:2222", &sv, why, sizeof(why)), 0);
	assert_string_equal(sv.user, "bob");
	assert_string_equal(sv.host, "db1");
	assert_int_equal(sv.port, 2222);
	assert_int_equal(siphon_opt_server_split("[::1]:22", &sv, why, sizeof(why)), 0);
	assert_string_equal(sv.host, "::1");
	assert_int_equal(sv.port, 22);
	assert_int_equal(siphon_opt_server_split("u@[fe80::1]", &sv, why, sizeof(why)), 0);
	assert_string_equal(sv.host, "fe80::1");
	static const char *const bad[] = {"", "-oProxyCommand=x", "a b", "h:", "h:0", "h:x", "@h",
	                                  "[::1", "[::1]x", "h/x", "a:b:c", "u:x@h"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (siphon_opt_server_split(bad[i], &sv, why, sizeof(why)) == 0)
			fail_msg("'%s' was taken", bad[i]);
}

/* The did-you-mean: near names only. */
static void
test_config_suggest(void **state)
{
	struct siphon_opts *o = NULL;

	(void)state;
	assert_int_equal(siphon_opts_new(&o), 0);
	assert_string_equal(siphon_opts_suggest(o, "job"), "jobs");
	assert_string_equal(siphon_opts_suggest(o, "jbos"), "jobs");
	assert_string_equal(siphon_opts_suggest(o, "databse"), "database");
	assert_string_equal(siphon_opts_suggest(o, "compres"), "compress");
	assert_string_equal(siphon_opts_suggest(o, "nonice"), "no-nice");
	assert_null(siphon_opts_suggest(o, "banana"));
	assert_null(siphon_opts_suggest(o, ""));
	siphon_opts_free(o);
}

/* parse_pull as test_args does, then the resolver. */
static int
resolve(const char *config_text, char *err, size_t cap, const char **profile,
        struct cli_pull_args *pa, ...)
{
	char dir[] = "/tmp/siphon-test-resolve-XXXXXX", path[128], cmd[160];
	char *argv[16] = {"pull"};
	int argc = 1, r;
	struct siphon_ctx *ctx = new_ctx();
	struct siphon_config *cfg = NULL;
	const char *a;
	va_list ap;
	FILE *f;

	va_start(ap, pa);
	while ((a = va_arg(ap, const char *)) != NULL)
		argv[argc++] = (char *)a;
	va_end(ap);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(config_text, f);
	fclose(f);
	assert_int_equal(cli_pull_args_parse(pa, argc, argv, err, cap), 0);
	r = cli_pull_resolve(ctx, pa, path, &cfg, profile, err, cap);
	siphon_config_free(cfg);
	siphon_ctx_free(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return r;
}

static void
test_config_resolve(void **state)
{
	static const char file[] = "[defaults]\njobs = 2\n[prod]\nssh = bob@db1\ndatabase = shop\n"
	                           "[nodb]\nssh = x\n[nohost]\ndatabase = d\n";
	struct cli_pull_args pa;
	const char *profile;
	char err[CLI_ERR_MAX];

	(void)state;
	unsetenv("SIPHON_JOBS");
	/* A profile; --into over it. */
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "prod", "--into", "x", NULL), 0);
	assert_string_equal(profile, "prod");
	assert_string_equal(siphon_opts_str(pa.opts, "host"), "db1");
	assert_string_equal(siphon_opts_str(pa.opts, "user"), "bob");
	assert_string_equal(siphon_opts_str(pa.opts, "database"), "shop");
	assert_string_equal(siphon_opts_str(pa.opts, "into"), "x");
	assert_int_equal(siphon_opts_int(pa.opts, "jobs"), 2);
	cli_pull_args_free(&pa);
	/* The environment over the profile. */
	setenv("SIPHON_JOBS", "7", 1);
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "prod", NULL), 0);
	assert_int_equal(siphon_opts_int(pa.opts, "jobs"), 7);
	cli_pull_args_free(&pa);
	unsetenv("SIPHON_JOBS");
	/* HOST:DB: [defaults] apply, no profile. */
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "h:d", NULL), 0);
	assert_null(profile);
	assert_string_equal(siphon_opts_str(pa.opts, "host"), "h");
	assert_int_equal(siphon_opts_int(pa.opts, "jobs"), 2);
	cli_pull_args_free(&pa);
	/* A word that is no profile, with --database: the server. */
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "web1", "--database", "d", NULL), 0);
	assert_null(profile);
	assert_string_equal(siphon_opts_str(pa.opts, "host"), "web1");
	cli_pull_args_free(&pa);
	/* --ssh and --database alone. */
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "--ssh", "u@h:22", "--database",
	                         "d", NULL), 0);
	assert_string_equal(siphon_opts_str(pa.opts, "user"), "u");
	cli_pull_args_free(&pa);
	/* --ssh over the profile's. */
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "prod", "--ssh", "other", NULL), 0);
	assert_string_equal(siphon_opts_str(pa.opts, "host"), "other");
	assert_null(siphon_opts_str(pa.opts, "user"));
	cli_pull_args_free(&pa);
	/* The errors. */
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "nosuch", NULL), SIPHON_EUSAGE);
	assert_non_null(strstr(err, "no profile 'nosuch' in /tmp/siphon-test-resolve-"));
	assert_non_null(strstr(err, "/config; for a server's database write HOST:DATABASE, or add a "
	                       "profile: siphon config add nosuch --ssh HOST --database DB"));
	cli_pull_args_free(&pa);
	/* No profile can be named so: the target lacks its database. */
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "bob@db1", NULL), SIPHON_EUSAGE);
	assert_string_equal(err, "missing ':DBNAME' in target 'bob@db1' (expected "
	                    "[user@]host[:port]:DBNAME)");
	cli_pull_args_free(&pa);
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "bob@db1", "--database", "x", NULL), 0);
	assert_string_equal(siphon_opts_str(pa.opts, "user"), "bob");
	cli_pull_args_free(&pa);
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "nodb", NULL), SIPHON_EUSAGE);
	assert_non_null(strstr(err, "names no database: siphon config set nodb database DB"));
	cli_pull_args_free(&pa);
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "nohost", NULL), SIPHON_EUSAGE);
	assert_non_null(strstr(err, "names no server: siphon config set nohost ssh HOST"));
	cli_pull_args_free(&pa);
	assert_int_equal(resolve(file, err, sizeof(err), &profile, &pa, "-j", "4", NULL), SIPHON_EUSAGE);
	assert_string_equal(err, "missing target: a PROFILE, [user@]host[:port]:DBNAME, or --ssh HOST "
	                    "--database DB");
	cli_pull_args_free(&pa);
	assert_int_equal(resolve("[a]\njbos = 1\n", err, sizeof(err), &profile, &pa, "a", NULL),
	                 SIPHON_EUSAGE);
	assert_non_null(strstr(err, "/config:2: unknown key 'jbos' in [a]; did you mean 'jobs'?"));
	cli_pull_args_free(&pa);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_parse),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_secrets),
		cmocka_unit_test(test_config_apply),
		cmocka_unit_test(test_config_edit),
		cmocka_unit_test(test_config_write),
		cmocka_unit_test(test_config_path),
		cmocka_unit_test(test_config_server),
		cmocka_unit_test(test_config_suggest),
		cmocka_unit_test(test_config_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
