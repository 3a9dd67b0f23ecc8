/* args.c - option tables, getopt_long-driven parsing and target syntax. */
#include "args.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Choice options are stored through an int lvalue whatever their enum type;
 * that is only sound while the enums are int-sized, which GCC and Clang give
 * every enum whose values fit in an int.
 */
_Static_assert(sizeof(enum siphon_compress) == sizeof(int),
               "choice fields are stored as int");
_Static_assert(sizeof(enum siphon_engine_kind) == sizeof(int),
               "choice fields are stored as int");

/* More than any table needs; parse_options() refuses a bigger table. */
#define CLI_OPT_MAX 48
/*
 * getopt_long hands back this plus the table index for a long option, so a
 * message can name the option as the user spelled it (-j or --jobs).
 */
#define LONG_VAL_BASE 0x100

#define PULL(f) offsetof(struct cli_pull_args, f)
#define MAIN(f) offsetof(struct cli_main_args, f)

static const struct cli_choice compress_choices[] = {
	{ "auto", SIPHON_COMPRESS_AUTO },
	{ "zstd", SIPHON_COMPRESS_ZSTD },
	{ "pigz", SIPHON_COMPRESS_PIGZ },
	{ "gzip", SIPHON_COMPRESS_GZIP },
	{ "none", SIPHON_COMPRESS_NONE },
	{ NULL, 0 },
};

static const struct cli_choice engine_choices[] = {
	{ "postgres", SIPHON_ENGINE_POSTGRES },
	{ "mysql", SIPHON_ENGINE_MYSQL },
	{ "mariadb", SIPHON_ENGINE_MYSQL },
	{ "sqlite", SIPHON_ENGINE_SQLITE },
	{ NULL, 0 },
};

const struct cli_option cli_main_options[] = {
	{ .name = "help", .short_name = 'h', .kind = CLI_OPT_EXIT,
	  .field = MAIN(help),
	  .help = "show this help and exit" },
	{ .name = "version", .kind = CLI_OPT_EXIT,
	  .field = MAIN(version),
	  .help = "print the version and exit" },
};
const size_t cli_main_options_count =
	sizeof(cli_main_options) / sizeof(cli_main_options[0]);

const struct cli_option cli_pull_options[] = {
	{ .name = "into", .kind = CLI_OPT_STRING, .metavar = "LOCALNAME",
	  .field = PULL(opts.into),
	  .help = "name of the local database to create or replace, or for "
	          "SQLite the local file (default: DBNAME; for SQLite its base "
	          "name)" },
	{ .name = "jobs", .short_name = 'j', .kind = CLI_OPT_INT,
	  .metavar = "N", .min = 1, .max = 64,
	  .field = PULL(opts.jobs),
	  .help = "copy over N parallel channels of the one SSH session "
	          "(default 4)" },
	{ .name = "compress", .kind = CLI_OPT_CHOICE,
	  .choices = compress_choices,
	  .field = PULL(opts.compress),
	  .help = "compressor to run on the server; auto picks the best one "
	          "installed there, none when the server is this machine "
	          "(default auto)" },
	{ .name = "level", .kind = CLI_OPT_INT, .metavar = "N",
	  .min = 1, .max = 22,
	  .field = PULL(opts.level),
	  .help = "compression level: 1-22 for zstd, 1-9 for pigz and gzip "
	          "(default: 3 for zstd, 1 for pigz and gzip)" },
	{ .name = "identity", .short_name = 'i', .kind = CLI_OPT_FILE,
	  .metavar = "KEYFILE",
	  .field = PULL(opts.identity),
	  .help = "SSH private key to log in with (default: the usual files "
	          "in ~/.ssh)" },
	{ .name = "known-hosts", .kind = CLI_OPT_FILE, .metavar = "FILE",
	  .field = PULL(opts.known_hosts),
	  .help = "known hosts file to check the server's key against "
	          "(default ~/.ssh/known_hosts)" },
	{ .name = "accept-new-host-key", .kind = CLI_OPT_FLAG,
	  .field = PULL(opts.accept_new_host_key),
	  .help = "trust a server seen for the first time and record its key; "
	          "a changed key is still refused" },
	{ .name = "engine", .kind = CLI_OPT_CHOICE, .choices = engine_choices,
	  .field = PULL(opts.engine),
	  .help = "database engine: postgres, mysql (also MariaDB) or sqlite "
	          "(default: sqlite for a file path, else what the server "
	          "has; asks when both could fit)" },
	{ .name = "remote-pg-opts", .kind = CLI_OPT_STRING, .metavar = "OPTS",
	  .field = PULL(opts.remote_pg_opts),
	  .help = "extra connection options for pg_dump and psql on the "
	          "server, e.g. '-h /run/postgresql -p 5433'" },
	{ .name = "remote-mysql-opts", .kind = CLI_OPT_STRING, .metavar = "OPTS",
	  .field = PULL(opts.remote_mysql_opts),
	  .help = "extra options for the mysql/mariadb client on the server, "
	          "e.g. '-S /run/mysqld/mysqld.sock -u backup' (passwords "
	          "belong in the server's ~/.my.cnf)" },
	{ .name = "local-mysql-opts", .kind = CLI_OPT_STRING, .metavar = "OPTS",
	  .field = PULL(opts.local_mysql_opts),
	  .help = "extra options for the local mysql/mariadb client, e.g. "
	          "'-h 127.0.0.1 -P 3307'" },
	{ .name = "no-lock", .kind = CLI_OPT_FLAG,
	  .field = PULL(opts.no_lock),
	  .help = "MySQL: take no global read lock; the channels may then see "
	          "different instants" },
	{ .name = "lock-all", .kind = CLI_OPT_FLAG,
	  .field = PULL(opts.lock_all),
	  .help = "MySQL: hold the global read lock for the whole dump, so "
	          "that MyISAM tables are consistent too (blocks writes)" },
	{ .name = "remote-sudo", .kind = CLI_OPT_STRING, .metavar = "USER",
	  .field = PULL(opts.remote_sudo),
	  .help = "run the database tools on the server as USER, through sudo" },
	{ .name = "remote-threads", .kind = CLI_OPT_INT, .metavar = "N",
	  .min = 1, .max = 1024,
	  .field = PULL(opts.remote_threads),
	  .help = "use at most N compressor threads on the server "
	          "(default: all cores)" },
	{ .name = "no-nice", .kind = CLI_OPT_FLAG,
	  .field = PULL(opts.no_nice),
	  .help = "do not lower the CPU and I/O priority of the remote tools" },
	{ .name = "force", .kind = CLI_OPT_FLAG,
	  .field = PULL(opts.force),
	  .help = "replace the local database even while sessions are "
	          "connected to it (PostgreSQL, MySQL: they are ended; SQLite: "
	          "a program that has the file open keeps the old copy)" },
	{ .name = "allow-older-local", .kind = CLI_OPT_FLAG,
	  .field = PULL(opts.allow_older_local),
	  .help = "try even if the local server is older than the remote one" },
	{ .name = "connect-timeout", .kind = CLI_OPT_INT, .metavar = "SECS",
	  .min = 1, .max = 3600,
	  .field = PULL(opts.connect_timeout),
	  .help = "give up connecting after SECS seconds (default 15)" },
	{ .name = "heartbeat-timeout", .kind = CLI_OPT_INT, .metavar = "SECS",
	  .min = 15, .max = 86400,
	  .field = PULL(opts.heartbeat_timeout),
	  .help = "the server ends the pull (its processes, sessions and "
	          "locks) when it has heard nothing from siphon for SECS "
	          "seconds, and siphon gives up on a server silent that long "
	          "(default 60)" },
	{ .name = "stall-timeout", .kind = CLI_OPT_INT, .metavar = "SECS",
	  .min = 1, .max = 86400,
	  .field = PULL(opts.stall_timeout),
	  .help = "abort when no data has arrived for SECS seconds "
	          "(default 120)" },
	{ .name = "quiet", .short_name = 'q', .kind = CLI_OPT_FLAG,
	  .field = PULL(quiet),
	  .help = "print only warnings and errors" },
	{ .name = "verbose", .short_name = 'v', .kind = CLI_OPT_FLAG,
	  .field = PULL(verbose),
	  .help = "also print debugging details" },
	{ .name = "help", .short_name = 'h', .kind = CLI_OPT_EXIT,
	  .field = PULL(help),
	  .help = "show this help and exit" },
};
const size_t cli_pull_options_count =
	sizeof(cli_pull_options) / sizeof(cli_pull_options[0]);

const struct cli_command cli_commands[] = {
	{ "pull", "copy a database from a server into a local database" },
	{ "help", "show this help, or with a command that command's help" },
	{ "version", "print the version" },
};
const size_t cli_commands_count =
	sizeof(cli_commands) / sizeof(cli_commands[0]);

void
cli_sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int usage_err(char *err, size_t errcap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats a one-line message into err and returns -1. */
static int
usage_err(char *err, size_t errcap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errcap, fmt, ap);
	va_end(ap);
	/* The arguments quote user input, which may hold newlines or escapes. */
	cli_sanitize(err);
	return -1;
}

const struct cli_option *
cli_option_find(const struct cli_option *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

static const struct cli_option *
find_short(const struct cli_option *table, size_t n, int c)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].short_name != 0 && table[i].short_name == c)
			return &table[i];
	return NULL;
}

/*
 * A strict decimal: digits only, no sign, no spaces, no suffix, so that
 * "-j 4x" or "-j ' 4'" is an error rather than a surprise.  max >= 0.
 */
static int
parse_int(const char *s, int min, int max, int *out)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		/* Stopping here also keeps v far from overflowing. */
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = (int)v;
	return 0;
}

/* "auto, zstd, pigz, gzip or none" for a message. */
static void
list_choices(const struct cli_choice *c, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; c[i].name != NULL && len < cap; i++) {
		const char *sep = i == 0 ? "" : c[i + 1].name == NULL ? " or " : ", ";
		int w = snprintf(buf + len, cap - len, "%s%s", sep, c[i].name);

		if (w < 0)
			break;
		len += (size_t)w;
	}
}

static int
store(const struct cli_option *o, const char *spelled, const char *arg,
      void *base, char *err, size_t errcap)
{
	char *field = (char *)base + o->field;
	char names[128];
	int v;

	switch (o->kind) {
	case CLI_OPT_FLAG:
	case CLI_OPT_EXIT:
		*(int *)(void *)field = 1;
		return 0;
	case CLI_OPT_INT:
		if (parse_int(arg, o->min, o->max, &v) != 0)
			return usage_err(err, errcap,
			                 "bad value '%s' for %s (expected a number "
			                 "from %d to %d)", arg, spelled, o->min, o->max);
		*(int *)(void *)field = v;
		return 0;
	case CLI_OPT_STRING:
	case CLI_OPT_FILE:
		if (*arg == '\0')
			return usage_err(err, errcap, "empty value for %s", spelled);
		*(const char **)(void *)field = arg;
		return 0;
	case CLI_OPT_CHOICE:
		for (size_t i = 0; o->choices[i].name != NULL; i++) {
			if (strcmp(o->choices[i].name, arg) == 0) {
				*(int *)(void *)field = o->choices[i].value;
				return 0;
			}
		}
		list_choices(o->choices, names, sizeof(names));
		return usage_err(err, errcap, "bad value '%s' for %s (expected %s)",
		                 arg, spelled, names);
	}
	return usage_err(err, errcap, "internal error: option kind %d",
	                 (int)o->kind);
}

/*
 * getopt_long reports an unknown or ambiguous long option alike; telling
 * them apart (and naming the candidates) saves the user a trip to --help.
 */
static int
bad_long_option(const struct cli_option *table, size_t n, const char *word,
                char *err, size_t errcap)
{
	const char *name = word + 2;
	size_t len = strcspn(name, "=");
	char cands[256];
	size_t clen = 0;
	int matches = 0;

	cands[0] = '\0';
	for (size_t i = 0; i < n && len > 0; i++) {
		if (strncmp(table[i].name, name, len) != 0)
			continue;
		if (clen < sizeof(cands)) {
			int w = snprintf(cands + clen, sizeof(cands) - clen, "%s--%s",
			                 matches == 0 ? "" : ", ", table[i].name);
			if (w > 0)
				clen += (size_t)w;
		}
		matches++;
	}
	if (matches > 1)
		return usage_err(err, errcap, "ambiguous option '--%.*s' (%s)",
		                 (int)len, name, cands);
	return usage_err(err, errcap, "unknown option '--%.*s'", (int)len, name);
}

/*
 * Runs getopt_long over argv with the options of table, storing into base.
 * stop_at_word: stop at the first non-option (top level, before the
 * subcommand) instead of letting GNU getopt move options after the target
 * ("siphon pull host:db -j 8") to the front.  Returns the index of the first
 * non-option word, or -1 with a message.
 */
static int
parse_options(const struct cli_option *table, size_t n, void *base,
              int argc, char **argv, int stop_at_word, char *err,
              size_t errcap)
{
	struct option longopts[CLI_OPT_MAX + 1];
	char shortopts[2 * CLI_OPT_MAX + 3];
	size_t s = 0;
	int c;

	if (n > CLI_OPT_MAX)
		return usage_err(err, errcap, "internal error: %zu options", n);
	if (stop_at_word)
		shortopts[s++] = '+';
	/* A leading ':' makes getopt tell a missing argument (':') apart. */
	shortopts[s++] = ':';
	for (size_t i = 0; i < n; i++) {
		int has_arg = table[i].kind == CLI_OPT_FLAG ||
		              table[i].kind == CLI_OPT_EXIT ? no_argument
		                                            : required_argument;

		longopts[i] = (struct option){ table[i].name, has_arg, NULL,
		                               LONG_VAL_BASE + (int)i };
		if (table[i].short_name != 0) {
			shortopts[s++] = table[i].short_name;
			if (has_arg == required_argument)
				shortopts[s++] = ':';
		}
	}
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[s] = '\0';

	/* optind 0 makes glibc start afresh, as the tests parse many times. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct cli_option *o;
		char spelled[64];

		/*
		 * optopt says which option went wrong: one of ours (a long one
		 * lacking or given a needless argument), a short one (unknown, or
		 * lacking its argument), or 0 for a long one getopt did not know.
		 */
		if (c == ':' || c == '?') {
			if (optopt >= LONG_VAL_BASE)
				snprintf(spelled, sizeof(spelled), "--%s",
				         table[optopt - LONG_VAL_BASE].name);
			else if (optopt != 0)
				snprintf(spelled, sizeof(spelled), "-%c", optopt);
			else
				return bad_long_option(table, n, argv[optind - 1], err,
				                       errcap);
			if (c == ':')
				return usage_err(err, errcap,
				                 "option '%s' requires an argument", spelled);
			if (optopt >= LONG_VAL_BASE)
				return usage_err(err, errcap,
				                 "option '%s' takes no argument", spelled);
			return usage_err(err, errcap, "unknown option '%s'", spelled);
		}
		if (c >= LONG_VAL_BASE) {
			o = &table[c - LONG_VAL_BASE];
			snprintf(spelled, sizeof(spelled), "--%s", o->name);
		} else {
			o = find_short(table, n, c);
			snprintf(spelled, sizeof(spelled), "-%c", c);
		}
		if (o == NULL)
			return usage_err(err, errcap, "internal error: option %d", c);
		if (store(o, spelled, optarg, base, err, errcap) != 0)
			return -1;
		/* --help and --version need nothing else to be right. */
		if (o->kind == CLI_OPT_EXIT)
			return optind;
	}
	return optind;
}

int
cli_main_args_parse(struct cli_main_args *ma, int argc, char **argv,
                    char *err, size_t errcap)
{
	memset(ma, 0, sizeof(*ma));
	err[0] = '\0';
	return parse_options(cli_main_options, cli_main_options_count, ma, argc,
	                     argv, 1, err, errcap);
}

/* The host as ssh would take it; anything else is surely a typo or worse. */
static int
host_ok(const char *h)
{
	/* A leading '-' would read as an option should a host reach a command. */
	if (*h == '-')
		return 0;
	for (; *h != '\0'; h++) {
		unsigned char ch = (unsigned char)*h;

		if (ch <= ' ' || ch == 0x7f || strchr("@/[]\\'\"`$;,", ch) != NULL)
			return 0;
	}
	return 1;
}

int
cli_target_parse(const char *spec, struct cli_target *t, char *err,
                 size_t errcap)
{
	char *s, *at, *start, *host, *rest, *p;
	int r = -1;

	memset(t, 0, sizeof(*t));
	err[0] = '\0';
	if ((t->buf = strdup(spec)) == NULL) {
		usage_err(err, errcap, "out of memory");
		goto out;
	}
	s = t->buf;

	/*
	 * A user name cannot hold '@' but a database name can, so '@' marks a
	 * user only before the host part begins (the first ':' or '[').
	 */
	at = strchr(s, '@');
	start = strpbrk(s, ":[");
	if (at != NULL && (start == NULL || at < start)) {
		if (at == s) {
			usage_err(err, errcap, "missing user before '@' in target '%s'",
			          spec);
			goto out;
		}
		*at = '\0';
		t->user = s;
		s = at + 1;
	}

	if (*s == '[') {
		char *close = strchr(s, ']');

		if (close == NULL) {
			usage_err(err, errcap, "missing ']' in target '%s'", spec);
			goto out;
		}
		*close = '\0';
		host = s + 1;
		if (close[1] != ':') {
			usage_err(err, errcap, "expected ':' after ']' in target '%s'",
			          spec);
			goto out;
		}
		rest = close + 2;
	} else {
		char *colon = strchr(s, ':');

		if (colon == NULL) {
			usage_err(err, errcap, "missing ':DBNAME' in target '%s' "
			          "(expected " CLI_TARGET_SYNOPSIS ")", spec);
			goto out;
		}
		*colon = '\0';
		host = s;
		rest = colon + 1;
	}
	if (*host == '\0') {
		usage_err(err, errcap, "missing host in target '%s'", spec);
		goto out;
	}
	if (!host_ok(host)) {
		usage_err(err, errcap, "bad host name '%s' in target '%s'", host,
		          spec);
		goto out;
	}

	/*
	 * Digits followed by a further ':' are the port; anything else after
	 * the host is the database name, colons and all ("host:2222" names a
	 * database called 2222).
	 */
	for (p = rest; *p >= '0' && *p <= '9'; p++)
		;
	if (p > rest && *p == ':') {
		*p = '\0';
		if (parse_int(rest, 1, 65535, &t->port) != 0) {
			usage_err(err, errcap, "bad port '%s' in target '%s' "
			          "(expected 1 to 65535)", rest, spec);
			goto out;
		}
		rest = p + 1;
	}
	if (*rest == '\0') {
		usage_err(err, errcap, "missing database name in target '%s'", spec);
		goto out;
	}
	t->host = host;
	t->dbname = rest;
	r = 0;
out:
	if (r != 0)
		cli_target_free(t);
	return r;
}

void
cli_target_free(struct cli_target *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

int
cli_pull_args_parse(struct cli_pull_args *pa, int argc, char **argv,
                    char *err, size_t errcap)
{
	struct cli_target t;
	int first;

	memset(pa, 0, sizeof(*pa));
	err[0] = '\0';
	first = parse_options(cli_pull_options, cli_pull_options_count, pa, argc,
	                      argv, 0, err, errcap);
	if (first < 0)
		return -1;
	if (pa->help)
		return 0;
	if (pa->quiet && pa->verbose)
		return usage_err(err, errcap,
		                 "--quiet and --verbose cannot be used together");
	if (first >= argc)
		return usage_err(err, errcap,
		                 "missing target " CLI_TARGET_SYNOPSIS);
	if (argc - first > 1)
		return usage_err(err, errcap, "unexpected argument '%s'",
		                 argv[first + 1]);
	if (cli_target_parse(argv[first], &t, err, errcap) != 0)
		return -1;
	pa->target_buf = t.buf;
	pa->opts.user = t.user;
	pa->opts.host = t.host;
	pa->opts.port = t.port;
	pa->opts.dbname = t.dbname;
	return 0;
}

void
cli_pull_args_free(struct cli_pull_args *pa)
{
	free(pa->target_buf);
	pa->target_buf = NULL;
	pa->opts.user = pa->opts.host = pa->opts.dbname = NULL;
}
