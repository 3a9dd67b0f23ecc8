/* args.c - getopt_long-driven parsing over the library's options; targets. */
#include "args.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * getopt_long hands back this plus the list index for a long option, so a
 * message can name the option as the user spelled it (-j or --jobs).
 */
#define LONG_VAL_BASE 0x100
/* "--no-NAME" of a flag whose default is yes: how the command line says no to it. */
#define NEG_VAL_BASE (LONG_VAL_BASE + CLI_OPT_MAX)

#define CONFIG_HELP "the profile file (default: $SIPHON_CONFIG, else " \
	"$XDG_CONFIG_HOME/siphon/config, else ~/.config/siphon/config)"

const struct siphon_optdef cli_main_options[] = {
	{ .name = "help", .short_name = 'h', .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "show this help and exit" },
	{ .name = "version", .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "print the version and exit" },
	{ .name = "config", .type = SIPHON_OPT_FILE, .metavar = "FILE", .scope = "cli",
	  .help = CONFIG_HELP },
	{ .name = NULL },
};

/* In the order of enum cli_progress_mode. */
static const char *const progress_modes[] = { "auto", "live", "text", "json", "none", NULL };

const struct siphon_optdef cli_pull_cli_options[] = {
	{ .name = "quiet", .short_name = 'q', .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "print only warnings and errors" },
	{ .name = "verbose", .short_name = 'v', .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "also print debugging details" },
	{ .name = "config", .type = SIPHON_OPT_FILE, .metavar = "FILE", .scope = "cli",
	  .help = CONFIG_HELP },
	{ .name = "dry-run", .short_name = 'n', .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "only show what the pull would do, as `siphon plan` does: change nothing" },
	{ .name = "progress", .type = SIPHON_OPT_CHOICE, .choices = progress_modes,
	  .def = "auto", .scope = "cli",
	  .help = "how to show progress: a live display, text lines, JSON objects (one per event) or "
	          "none; auto: live when stderr is a terminal, else text" },
	{ .name = "progress-fd", .type = SIPHON_OPT_INT, .metavar = "N", .min = 0, .max = 1000000,
	  .scope = "cli",
	  .help = "write the JSON objects of --progress=json to descriptor N instead of stderr" },
	{ .name = "unattended", .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "a run no one watches (what siphon schedule installs): never ask anything (an "
	          "unknown host key, a passphrase, which engine: each fails at once, saying why); "
	          "for a profile, also write the run's log to $XDG_STATE_HOME/siphon/PROFILE.log" },
	{ .name = "help", .short_name = 'h', .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "show this help and exit" },
	{ .name = NULL },
};

const struct siphon_optdef cli_schedule_options[] = {
	{ .name = "daily", .type = SIPHON_OPT_STRING, .metavar = "HH:MM", .scope = "cli",
	  .help = "pull every day at this local time" },
	{ .name = "hourly", .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "pull every hour, on the hour" },
	{ .name = "cron", .type = SIPHON_OPT_STRING, .metavar = "EXPR", .scope = "cli",
	  .help = "pull when cron expression EXPR says: five fields (minute hour day-of-month month "
	          "day-of-week: '30 3 * * mon-fri') or @daily, @hourly, @weekly, @monthly" },
	{ .name = "systemd", .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "install a systemd user timer (Persistent: a run missed while the machine was off "
	          "comes at its next start) instead of a crontab entry" },
	{ .name = "random-delay", .type = SIPHON_OPT_STRING, .metavar = "DURATION", .scope = "cli",
	  .help = "with --systemd: start up to DURATION (30min, 1h) late, at random "
	          "(RandomizedDelaySec)" },
	{ .name = "no-check", .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "do not log in to the server to check that the profile can run unattended" },
	{ .name = "list", .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "list every schedule: its times, last run, outcome and next run" },
	{ .name = "config", .type = SIPHON_OPT_FILE, .metavar = "FILE", .scope = "cli",
	  .help = CONFIG_HELP },
	{ .name = "help", .short_name = 'h', .type = SIPHON_OPT_FLAG, .scope = "cli",
	  .help = "show this help and exit" },
	{ .name = NULL },
};

/* Indexes into the tables above. */
enum { MAIN_HELP, MAIN_VERSION, MAIN_CONFIG };
enum { PULL_QUIET, PULL_VERBOSE, PULL_CONFIG, PULL_DRY_RUN, PULL_PROGRESS, PULL_PROGRESS_FD,
       PULL_UNATTENDED, PULL_HELP };
enum { SCHED_DAILY, SCHED_HOURLY, SCHED_CRON, SCHED_SYSTEMD, SCHED_RANDOM_DELAY, SCHED_NO_CHECK,
       SCHED_LIST, SCHED_CONFIG, SCHED_HELP };

/* The names above: options of the command line alone, never profile keys. */
const char *const cli_front_end_keys[] = {"help", "version", "config", "quiet", "verbose",
                                          "dry-run", "progress", "progress-fd", "unattended",
                                          NULL};

const struct cli_command cli_commands[] = {
	{ "pull", "copy a database from a server into a local one", "TARGET", CLI_OPTSET_PULL },
	{ "plan", "show what a pull would do, changing nothing", "TARGET", CLI_OPTSET_PULL },
	{ "doctor", "check every step of a pull, saying how to fix it", "TARGET", CLI_OPTSET_PULL },
	{ "rollback", "put back the copy the last pull replaced (local)", "TARGET", CLI_OPTSET_PULL },
	{ "reset", "make the copy what the last pull got (local)", "TARGET", CLI_OPTSET_PULL },
	{ "profiles", "list the profiles of the config file", "", CLI_OPTSET_NONE },
	{ "snapshots", "list saved snapshots (pull --save); --prune", "[PROFILE]", CLI_OPTSET_NONE },
	{ "restore", "restore a snapshot (PROFILE[@TIME], FILE)", "PROFILE", CLI_OPTSET_PULL },
	{ "verify", "check a snapshot file without restoring it", "FILE", CLI_OPTSET_NONE },
	{ "config", "show or change the config file", "", CLI_OPTSET_NONE },
	{ "config show", "print a profile's settings and their origins", "[PROFILE]", CLI_OPTSET_NONE },
	{ "config set", "set a key of a profile in the config file", "PROFILE KEY VALUE", CLI_OPTSET_NONE },
	{ "config unset", "remove a key from a profile", "PROFILE KEY", CLI_OPTSET_NONE },
	{ "config add", "add a profile (--ssh HOST --database DBNAME ...)", "NAME", CLI_OPTSET_KEYS },
	{ "config path", "print the path of the config file", "", CLI_OPTSET_NONE },
	{ "schedule", "pull a profile at set times (--list: all)",
	  "[PROFILE]", CLI_OPTSET_SCHEDULE },
	{ "unschedule", "remove the schedule of a profile", "PROFILE", CLI_OPTSET_NONE },
	{ "help", "show this help, or that of a command", "[COMMAND]", CLI_OPTSET_NONE },
	{ "version", "print the version", "", CLI_OPTSET_NONE },
};
const size_t cli_commands_count =
	sizeof(cli_commands) / sizeof(cli_commands[0]);

int
cli_command_is_group(size_t i)
{
	size_t len = strlen(cli_commands[i].name);

	for (size_t k = 0; k < cli_commands_count; k++)
		if (strncmp(cli_commands[k].name, cli_commands[i].name, len) == 0 &&
		    cli_commands[k].name[len] == ' ')
			return 1;
	return 0;
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

int
cli_opt_exits(const struct siphon_optdef *d)
{
	return d == &cli_main_options[MAIN_HELP] || d == &cli_main_options[MAIN_VERSION] ||
	       d == &cli_pull_cli_options[PULL_HELP] || d == &cli_schedule_options[SCHED_HELP];
}

int
cli_opt_takes_arg(const struct siphon_optdef *d)
{
	return d->type != SIPHON_OPT_FLAG;
}

int
cli_opt_negatable(const struct siphon_optdef *d)
{
	return d->type == SIPHON_OPT_FLAG && d->def != NULL && strcmp(d->def, "yes") == 0;
}

static void
add_table(struct cli_optlist *l, const struct siphon_optdef *t)
{
	for (size_t i = 0; t[i].name != NULL && l->n < CLI_OPT_MAX; i++)
		l->defs[l->n++] = &t[i];
}

void
cli_optlist_main(struct cli_optlist *l)
{
	memset(l, 0, sizeof(*l));
	add_table(l, cli_main_options);
}

/* The library's options of pull onto l (opts borrowed). */
static int
add_library(struct cli_optlist *l, const struct siphon_opts *opts)
{
	size_t n = siphon_opts_count(opts);

	for (size_t i = 0; i < n; i++) {
		const struct siphon_optdef *d = siphon_opts_def(opts, i);

		/* host, port and user come from a target or ssh. */
		if (d->flags & SIPHON_OPTDEF_TARGET)
			continue;
		if (l->n == CLI_OPT_MAX)
			return -1;
		l->defs[l->n++] = d;
	}
	return 0;
}

/* The library's options of pull, then the CLI's, into l (opts borrowed). */
static int
fill_pull(struct cli_optlist *l, const struct siphon_opts *opts)
{
	if (add_library(l, opts) != 0)
		return -1;
	for (size_t i = 0; cli_pull_cli_options[i].name != NULL; i++) {
		if (l->n == CLI_OPT_MAX)
			return -1;
		l->defs[l->n++] = &cli_pull_cli_options[i];
	}
	return 0;
}

int
cli_optlist_pull(struct cli_optlist *l)
{
	memset(l, 0, sizeof(*l));
	if (siphon_opts_new(&l->opts) != 0)
		return -1;
	if (fill_pull(l, l->opts) != 0) {
		cli_optlist_free(l);
		return -1;
	}
	return 0;
}

int
cli_optlist_keys(struct cli_optlist *l)
{
	memset(l, 0, sizeof(*l));
	if (siphon_opts_new(&l->opts) != 0)
		return -1;
	if (add_library(l, l->opts) != 0) {
		cli_optlist_free(l);
		return -1;
	}
	return 0;
}

void
cli_optlist_schedule(struct cli_optlist *l)
{
	memset(l, 0, sizeof(*l));
	add_table(l, cli_schedule_options);
}

void
cli_optlist_free(struct cli_optlist *l)
{
	siphon_opts_free(l->opts);
	memset(l, 0, sizeof(*l));
}

const struct siphon_optdef *
cli_optlist_find(const struct cli_optlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->defs[i]->name, name) == 0)
			return l->defs[i];
	return NULL;
}

static const struct siphon_optdef *
find_short(const struct cli_optlist *l, int c)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->defs[i]->short_name != 0 && l->defs[i]->short_name == c)
			return l->defs[i];
	return NULL;
}

/*
 * getopt_long reports an unknown or ambiguous long option alike; telling
 * them apart (and naming the candidates) saves the user a trip to --help.
 */
static int
bad_long_option(const struct cli_optlist *l, const char *word, char *err,
                size_t errcap)
{
	const char *name = word + 2;
	size_t len = strcspn(name, "=");
	char cands[256];
	size_t clen = 0;
	int matches = 0;

	cands[0] = '\0';
	for (size_t i = 0; i < l->n && len > 0; i++) {
		if (strncmp(l->defs[i]->name, name, len) != 0)
			continue;
		if (clen < sizeof(cands)) {
			int w = snprintf(cands + clen, sizeof(cands) - clen, "%s--%s",
			                 matches == 0 ? "" : ", ", l->defs[i]->name);
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
 * Where parse_options() hands each option it reads: d as spelled ("-j"),
 * with its argument (NULL for a flag).  Returns 0, or -1 with a message.
 */
typedef int (*store_fn)(void *arg, const struct siphon_optdef *d, const char *spelled,
                        const char *optarg_, char *err, size_t errcap);

/*
 * Runs getopt_long over argv with the options of l, handing each to store.
 * stop_at_word: stop at the first non-option (top level, before the
 * subcommand) instead of letting GNU getopt move options after the target
 * ("siphon pull host:db -j 8") to the front.  Returns the index of the first
 * non-option word, or -1 with a message.
 */
static int
parse_options(const struct cli_optlist *l, store_fn store, void *arg,
              int argc, char **argv, int stop_at_word, char *err,
              size_t errcap)
{
	struct option longopts[2 * CLI_OPT_MAX + 1];
	char shortopts[2 * CLI_OPT_MAX + 3], negnames[CLI_OPT_MAX][64];
	size_t s = 0, nl;
	int c;

	if (stop_at_word)
		shortopts[s++] = '+';
	/* A leading ':' makes getopt tell a missing argument (':') apart. */
	shortopts[s++] = ':';
	for (size_t i = 0; i < l->n; i++) {
		int has_arg = cli_opt_takes_arg(l->defs[i]) ? required_argument : no_argument;

		longopts[i] = (struct option){ l->defs[i]->name, has_arg, NULL,
		                               LONG_VAL_BASE + (int)i };
		if (l->defs[i]->short_name != 0) {
			shortopts[s++] = l->defs[i]->short_name;
			if (has_arg == required_argument)
				shortopts[s++] = ':';
		}
	}
	nl = l->n;
	for (size_t i = 0; i < l->n; i++) {
		if (!cli_opt_negatable(l->defs[i]) ||
		    (size_t)snprintf(negnames[i], sizeof(negnames[i]), "no-%s", l->defs[i]->name) >= sizeof(negnames[i]))
			continue;
		longopts[nl++] = (struct option){ negnames[i], no_argument, NULL, NEG_VAL_BASE + (int)i };
	}
	longopts[nl] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[s] = '\0';

	/* optind 0 makes glibc start afresh, as the tests parse many times. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct siphon_optdef *d;
		char spelled[64];

		/*
		 * optopt says which option went wrong: one of ours (a long one
		 * lacking or given a needless argument), a short one (unknown, or
		 * lacking its argument), or 0 for a long one getopt did not know.
		 */
		if (c == ':' || c == '?') {
			if (optopt >= NEG_VAL_BASE)
				snprintf(spelled, sizeof(spelled), "--no-%s",
				         l->defs[optopt - NEG_VAL_BASE]->name);
			else if (optopt >= LONG_VAL_BASE)
				snprintf(spelled, sizeof(spelled), "--%s",
				         l->defs[optopt - LONG_VAL_BASE]->name);
			else if (optopt != 0)
				snprintf(spelled, sizeof(spelled), "-%c", optopt);
			else
				return bad_long_option(l, argv[optind - 1], err, errcap);
			if (c == ':')
				return usage_err(err, errcap,
				                 "option '%s' requires an argument", spelled);
			if (optopt >= LONG_VAL_BASE)
				return usage_err(err, errcap,
				                 "option '%s' takes no argument", spelled);
			return usage_err(err, errcap, "unknown option '%s'", spelled);
		}
		if (c >= NEG_VAL_BASE) {
			d = l->defs[c - NEG_VAL_BASE];
			snprintf(spelled, sizeof(spelled), "--no-%s", d->name);
			if (store(arg, d, spelled, "no", err, errcap) != 0)
				return -1;
			continue;
		}
		if (c >= LONG_VAL_BASE) {
			d = l->defs[c - LONG_VAL_BASE];
			snprintf(spelled, sizeof(spelled), "--%s", d->name);
		} else {
			d = find_short(l, c);
			snprintf(spelled, sizeof(spelled), "-%c", c);
		}
		if (d == NULL)
			return usage_err(err, errcap, "internal error: option %d", c);
		if (store(arg, d, spelled, optarg, err, errcap) != 0)
			return -1;
		/* --help and --version need nothing else to be right. */
		if (cli_opt_exits(d))
			return optind;
	}
	return optind;
}

static int
store_main(void *arg, const struct siphon_optdef *d, const char *spelled,
           const char *optarg_, char *err, size_t errcap)
{
	struct cli_main_args *ma = arg;

	(void)spelled;
	if (d == &cli_main_options[MAIN_HELP])
		ma->help = 1;
	else if (d == &cli_main_options[MAIN_VERSION])
		ma->version = 1;
	else if (d == &cli_main_options[MAIN_CONFIG])
		ma->config = optarg_;
	else
		return usage_err(err, errcap, "internal error: option --%s", d->name);
	return 0;
}

int
cli_main_args_parse(struct cli_main_args *ma, int argc, char **argv,
                    char *err, size_t errcap)
{
	struct cli_optlist l;

	memset(ma, 0, sizeof(*ma));
	err[0] = '\0';
	cli_optlist_main(&l);
	return parse_options(&l, store_main, ma, argc, argv, 1, err, errcap);
}

/* Sets one library option from the command line; its message on failure. */
static int
set_cli(struct siphon_opts *opts, const char *name, const char *text,
        const char *where, char *err, size_t errcap)
{
	if (siphon_opts_set(opts, name, text, SIPHON_ORIGIN_CLI, where) == 0)
		return 0;
	return usage_err(err, errcap, "%s", siphon_opts_errmsg(opts));
}

static int
store_progress(struct cli_pull_args *pa, const struct siphon_optdef *d, const char *spelled,
               const char *optarg_, char *err, size_t errcap)
{
	for (int i = 0; d->choices[i] != NULL; i++) {
		if (strcmp(optarg_, d->choices[i]) == 0) {
			pa->progress = (enum cli_progress_mode)i;
			return 0;
		}
	}
	return usage_err(err, errcap, "%s: '%s' is not one of auto, live, text, json, none", spelled,
	                 optarg_);
}

static int
store_progress_fd(struct cli_pull_args *pa, const struct siphon_optdef *d, const char *spelled,
                  const char *optarg_, char *err, size_t errcap)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(optarg_, &end, 10);
	if (errno != 0 || end == optarg_ || *end != '\0' || v < d->min || v > d->max)
		return usage_err(err, errcap, "%s: '%s' is not a file descriptor number", spelled,
		                 optarg_);
	pa->progress_fd = (int)v;
	return 0;
}

static int
store_pull(void *arg, const struct siphon_optdef *d, const char *spelled,
           const char *optarg_, char *err, size_t errcap)
{
	struct cli_pull_args *pa = arg;

	if (d == &cli_pull_cli_options[PULL_QUIET])
		pa->quiet = 1;
	else if (d == &cli_pull_cli_options[PULL_VERBOSE])
		pa->verbose = 1;
	else if (d == &cli_pull_cli_options[PULL_DRY_RUN])
		pa->dry_run = 1;
	else if (d == &cli_pull_cli_options[PULL_UNATTENDED])
		pa->unattended = 1;
	else if (d == &cli_pull_cli_options[PULL_HELP])
		pa->help = 1;
	else if (d == &cli_pull_cli_options[PULL_CONFIG])
		pa->config = optarg_;
	else if (d == &cli_pull_cli_options[PULL_PROGRESS])
		return store_progress(pa, d, spelled, optarg_, err, errcap);
	else if (d == &cli_pull_cli_options[PULL_PROGRESS_FD])
		return store_progress_fd(pa, d, spelled, optarg_, err, errcap);
	else
		/* A flag on the command line says yes. */
		return set_cli(pa->opts, d->name, optarg_ != NULL ? optarg_ : "yes",
		               spelled, err, errcap);
	return 0;
}

/* Digits only, 1 to 65535. */
static int
parse_port(const char *s, int *out)
{
	long v = 0;

	for (; *s >= '0' && *s <= '9' && v <= 65535; s++)
		v = v * 10 + (*s - '0');
	if (*s != '\0' || v < 1 || v > 65535)
		return -1;
	*out = (int)v;
	return 0;
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
		if (parse_port(rest, &t->port) != 0) {
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

/* The parts of the target are options too, given on the command line. */
static int
set_target(struct siphon_opts *opts, const struct cli_target *t, char *err, size_t errcap)
{
	char port[16];

	if (t->user != NULL && set_cli(opts, "user", t->user, "target", err, errcap) != 0)
		return -1;
	if (t->port != 0) {
		snprintf(port, sizeof(port), "%d", t->port);
		if (set_cli(opts, "port", port, "target", err, errcap) != 0)
			return -1;
	}
	if (set_cli(opts, "host", t->host, "target", err, errcap) != 0 ||
	    set_cli(opts, "database", t->dbname, "target", err, errcap) != 0)
		return -1;
	return 0;
}

int
cli_pull_args_parse(struct cli_pull_args *pa, int argc, char **argv,
                    char *err, size_t errcap)
{
	struct cli_optlist l;
	struct cli_target t;
	int first, r;

	memset(pa, 0, sizeof(*pa));
	pa->progress_fd = -1;
	memset(&l, 0, sizeof(l));
	err[0] = '\0';
	if (siphon_opts_new(&pa->opts) != 0 || fill_pull(&l, pa->opts) != 0)
		return usage_err(err, errcap, "out of memory");
	first = parse_options(&l, store_pull, pa, argc, argv, 0, err, errcap);
	if (first < 0)
		return -1;
	if (pa->help)
		return 0;
	if (pa->quiet && pa->verbose)
		return usage_err(err, errcap,
		                 "--quiet and --verbose cannot be used together");
	if (pa->progress_fd >= 0 && pa->progress != CLI_PROGRESS_JSON)
		return usage_err(err, errcap, "--progress-fd needs --progress=json");
	/* No target: --ssh and --database say it all (checked later). */
	if (first >= argc)
		return 0;
	if (argc - first > 1)
		return usage_err(err, errcap, "unexpected argument '%s'",
		                 argv[first + 1]);
	/* A word without ':' or '/' is a profile (or, with --database, a server). */
	if (strpbrk(argv[first], ":/") == NULL && argv[first][0] != '\0') {
		pa->word = argv[first];
		return 0;
	}
	if (siphon_opts_is_set(pa->opts, "ssh") || siphon_opts_is_set(pa->opts, "database"))
		return usage_err(err, errcap, "the target '%s' names the server and the database: "
		                 "drop --ssh and --database, or the target", argv[first]);
	if (cli_target_parse(argv[first], &t, err, errcap) != 0)
		return -1;
	r = set_target(pa->opts, &t, err, errcap);
	cli_target_free(&t);
	return r;
}

void
cli_pull_args_free(struct cli_pull_args *pa)
{
	siphon_opts_free(pa->opts);
	pa->opts = NULL;
}

static int
store_schedule(void *arg, const struct siphon_optdef *d, const char *spelled,
               const char *optarg_, char *err, size_t errcap)
{
	struct cli_schedule_args *sa = arg;
	size_t i = (size_t)(d - cli_schedule_options);

	(void)spelled;
	if (i == SCHED_DAILY)
		sa->daily = optarg_;
	else if (i == SCHED_HOURLY)
		sa->hourly = 1;
	else if (i == SCHED_CRON)
		sa->cron = optarg_;
	else if (i == SCHED_SYSTEMD)
		sa->systemd = 1;
	else if (i == SCHED_RANDOM_DELAY)
		sa->random_delay = optarg_;
	else if (i == SCHED_NO_CHECK)
		sa->no_check = 1;
	else if (i == SCHED_LIST)
		sa->list = 1;
	else if (i == SCHED_CONFIG)
		sa->config = optarg_;
	else if (i == SCHED_HELP)
		sa->help = 1;
	else
		return usage_err(err, errcap, "internal error: option --%s", d->name);
	return 0;
}

/* "HH:MM" (H:MM too) as the cron expression "MM HH * * *" in sa->when. */
static int
daily_when(struct cli_schedule_args *sa, char *err, size_t errcap)
{
	const char *s = sa->daily;
	int h = 0, m = 0, hd = 0;

	while (*s >= '0' && *s <= '9' && hd < 3)
		h = h * 10 + (*s++ - '0'), hd++;
	if (hd == 0 || hd > 2 || *s++ != ':' || !(s[0] >= '0' && s[0] <= '9') ||
	    !(s[1] >= '0' && s[1] <= '9') || s[2] != '\0' || h > 23 || (m = (s[0] - '0') * 10 + s[1] - '0') > 59)
		return usage_err(err, errcap, "--daily: '%s' is not a time of day (HH:MM, 00:00 to 23:59)",
		                 sa->daily);
	snprintf(sa->when, sizeof(sa->when), "%d %d * * *", m, h);
	return 0;
}

int
cli_schedule_args_parse(struct cli_schedule_args *sa, int argc, char **argv, char *err, size_t errcap)
{
	struct cli_optlist l;
	int first, kinds;

	memset(sa, 0, sizeof(*sa));
	err[0] = '\0';
	cli_optlist_schedule(&l);
	if ((first = parse_options(&l, store_schedule, sa, argc, argv, 0, err, errcap)) < 0)
		return -1;
	if (sa->help)
		return 0;
	if (argc - first > 1)
		return usage_err(err, errcap, "unexpected argument '%s'", argv[first + 1]);
	sa->profile = first < argc ? argv[first] : NULL;
	kinds = (sa->daily != NULL) + sa->hourly + (sa->cron != NULL);
	if (sa->list) {
		if (sa->profile != NULL || kinds > 0 || sa->systemd || sa->random_delay != NULL)
			return usage_err(err, errcap, "--list takes no profile and no other option");
		return 0;
	}
	if (sa->profile == NULL)
		return usage_err(err, errcap, "missing PROFILE (or --list)");
	if (kinds != 1)
		return usage_err(err, errcap, "say when: one of --daily HH:MM, --hourly or --cron 'EXPR'");
	if (sa->random_delay != NULL && !sa->systemd)
		return usage_err(err, errcap, "--random-delay needs --systemd (cron has no random delay)");
	if (sa->daily != NULL)
		return daily_when(sa, err, errcap);
	if (strlen(sa->cron != NULL ? sa->cron : "") >= sizeof(sa->when))
		return usage_err(err, errcap, "--cron: the expression is too long");
	snprintf(sa->when, sizeof(sa->when), "%s", sa->hourly ? "@hourly" : sa->cron);
	return 0;
}

enum siphon_log_level
cli_pull_log_level(const struct cli_pull_args *pa)
{
	if (pa->quiet)
		return SIPHON_LOG_WARN;
	if (pa->verbose)
		return SIPHON_LOG_DEBUG;
	return SIPHON_LOG_INFO;
}
