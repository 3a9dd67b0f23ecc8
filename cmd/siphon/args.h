/*
 * args.h - the command line of siphon: the parser built on getopt_long and
 * the target syntax [user@]host[:port]:DBNAME.
 *
 * The options of pull are the library's (siphon_opts_def: each declared
 * once, with its type, bounds, default and help); the getopt_long table,
 * the --help text (help.c), the shell completions (completion.c) and the
 * man page (man.c) are all built from them, so none can drift.  Only what
 * concerns this front end alone is declared here, in the same shape with
 * scope "cli": --help and --version, and -q/-v, which choose what the CLI
 * prints (a program using the library has its own log callback).
 */
#ifndef SIPHON_CMD_ARGS_H
#define SIPHON_CMD_ARGS_H

#include "siphon.h"
#include "termtext.h"

#include <stddef.h>

#define CLI_TARGET_SYNOPSIS "[user@]host[:port]:DBNAME"
/* What pull takes: a profile or a target. */
#define CLI_PULL_SYNOPSIS "PROFILE | " CLI_TARGET_SYNOPSIS

/* Room for one usage message; longer ones are cut, never overflowed. */
#define CLI_ERR_MAX 512

/* More than any command has; a longer list is an internal error. */
#define CLI_OPT_MAX 64

/* The options of one command, in help order. */
struct cli_optlist {
	struct siphon_opts *opts;   /* owns the library's definitions; NULL
	                               for the options before the command */
	const struct siphon_optdef *defs[CLI_OPT_MAX];
	size_t n;
};

/* Which options a command takes, for the completions. */
enum cli_optset {
	CLI_OPTSET_NONE = 0,
	CLI_OPTSET_PULL,    /* pull's (cli_optlist_pull) */
	CLI_OPTSET_KEYS,    /* --KEY VALUE for every profile key (config add) */
	CLI_OPTSET_SCHEDULE,/* schedule's (cli_optlist_schedule) */
};

/*
 * A command, for the help, the man page and the completions: adding one is
 * one line of cli_commands[] (and its dispatch in main.c).  A name of two
 * words is a subcommand of the first ("config set"); the first then has a
 * line of its own, with no arguments.  args is the synopsis of the
 * arguments; the completions know these words in it: TARGET (a profile, a
 * Host of ~/.ssh/config or a target), PROFILE, NAME (a new profile's: none
 * offered), KEY (a profile key: an option name), VALUE (a value of the KEY
 * before it) and COMMAND; [WORD] is optional.
 */
struct cli_command {
	const char *name;
	const char *help;
	const char *args;
	enum cli_optset options;
};

/* Options before the subcommand: siphon --help, siphon --version. */
struct cli_main_args {
	int help;
	int version;
	const char *config;       /* --config FILE; NULL; points into argv */
};

/* --progress, in the order of the option's choices. */
enum cli_progress_mode {
	CLI_PROGRESS_AUTO = 0,    /* live on a terminal, else text */
	CLI_PROGRESS_LIVE,
	CLI_PROGRESS_TEXT,
	CLI_PROGRESS_JSON,
	CLI_PROGRESS_NONE,
};

/* The result of parsing `siphon pull ...`. */
struct cli_pull_args {
	struct siphon_opts *opts; /* what siphon_pull() gets; owned */
	int quiet;
	int verbose;
	int dry_run;              /* --dry-run: plan only */
	int unattended;           /* --unattended: no questions; a profile's log */
	enum cli_progress_mode progress;
	int progress_fd;          /* --progress-fd; -1: stderr */
	int help;                 /* --help seen: nothing else was checked */
	const char *config;       /* --config FILE; NULL; points into argv */
	/*
	 * A target without ':' or '/': a profile, or (with a database given)
	 * the server.  NULL for HOST:DATABASE (set in opts) or no target.
	 * Points into argv.
	 */
	const char *word;
};

/* The result of parsing `siphon schedule ...`; strings point into argv. */
struct cli_schedule_args {
	const char *profile;      /* NULL with --list */
	const char *daily;        /* --daily HH:MM */
	int hourly;
	const char *cron;         /* --cron EXPR */
	char when[256];           /* the cron expression the three make */
	int systemd;
	const char *random_delay;
	int no_check;
	int list;
	int help;                 /* --help seen: nothing else was checked */
	const char *config;
};

/* The pieces of a target; all point into buf, which the struct owns. */
struct cli_target {
	char *buf;
	const char *user; /* NULL when the target has no user@ */
	const char *host; /* without the brackets of an IPv6 address */
	int port;         /* 0 when the target has none */
	const char *dbname;
};

extern const struct siphon_optdef cli_main_options[];
extern const struct siphon_optdef cli_pull_cli_options[];
extern const struct siphon_optdef cli_schedule_options[];
/* The names of the CLI's own options, NULL-ended: not profile keys. */
extern const char *const cli_front_end_keys[];
extern const struct cli_command cli_commands[];
extern const size_t cli_commands_count;

/* Whether cli_commands[i] has subcommands ("config" of "config set"). */
int cli_command_is_group(size_t i);

/* The options before the command (never fails). */
void cli_optlist_main(struct cli_optlist *l);
/*
 * The options of pull: the library's (without the parts of the target),
 * then the CLI's.  Returns 0, or -1 when out of memory.
 */
int cli_optlist_pull(struct cli_optlist *l);
/*
 * The keys of a profile: the library's options of pull (ssh and database
 * among them).  Returns 0, or -1 when out of memory.
 */
int cli_optlist_keys(struct cli_optlist *l);
/* The options of schedule (never fails). */
void cli_optlist_schedule(struct cli_optlist *l);
void cli_optlist_free(struct cli_optlist *l);
/* The option of l whose long name is name, or NULL. */
const struct siphon_optdef *cli_optlist_find(const struct cli_optlist *l, const char *name);

/* Whether d ends parsing and needs nothing else (--help, --version). */
int cli_opt_exits(const struct siphon_optdef *d);
/* Whether d takes an argument (every type but a flag does). */
int cli_opt_takes_arg(const struct siphon_optdef *d);
/* Whether d is a flag whose default is yes: then "--no-NAME" says no to it. */
int cli_opt_negatable(const struct siphon_optdef *d);

/*
 * Parses the options before the subcommand, stopping at the first word that
 * is not an option.  Returns the index of that word in argv (argc when there
 * is none), or -1 with a message in err.
 */
int cli_main_args_parse(struct cli_main_args *ma, int argc, char **argv,
                        char *err, size_t errcap);

/*
 * Parses `pull ...` (argv[0] is "pull") into pa, which needs no set-up:
 * every option and the parts of a HOST:DATABASE target are set in pa->opts
 * with origin command line; a target without ':' is left in pa->word and
 * none at all is no error here (cli_pull_resolve decides both).  getopt_long permutes argv.  Returns 0, or -1 with a
 * one-line message in err.  When --help is seen, returns 0 at once with
 * pa->help set and the rest unchecked.  Call cli_pull_args_free()
 * afterwards either way.
 */
int cli_pull_args_parse(struct cli_pull_args *pa, int argc, char **argv,
                        char *err, size_t errcap);
void cli_pull_args_free(struct cli_pull_args *pa);

/*
 * Parses `schedule ...` (argv[0] is "schedule"): a profile and exactly one
 * of --daily, --hourly, --cron (their expression in sa->when, unchecked
 * beyond --daily's time), or --list alone.  Returns 0 (at once when --help
 * is seen), or -1 with a one-line message in err.
 */
int cli_schedule_args_parse(struct cli_schedule_args *sa, int argc, char **argv, char *err,
                            size_t errcap);

/*
 * Splits "[user@]host[:port]:DBNAME" into t.  Returns 0, or -1 with a
 * one-line message in err (t is then empty).  Free t with cli_target_free().
 */
int cli_target_parse(const char *spec, struct cli_target *t, char *err,
                     size_t errcap);
void cli_target_free(struct cli_target *t);

/* The log level -q and -v ask for (info without either). */
enum siphon_log_level cli_pull_log_level(const struct cli_pull_args *pa);

#endif
