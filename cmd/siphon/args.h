/*
 * args.h - the command line of siphon: the option tables, the parser built
 * on getopt_long and the target syntax [user@]host[:port]:DBNAME.
 *
 * Every option is declared once, in a table of struct cli_option.  The same
 * table feeds getopt_long, the --help text (help.c) and the generated shell
 * completions (completion.c), so none of them can drift from the others.
 * Nothing here talks to the library beyond filling struct siphon_pull_opts,
 * which keeps the parser pure and unit-testable.
 */
#ifndef SIPHON_CMD_ARGS_H
#define SIPHON_CMD_ARGS_H

#include "siphon.h"

#include <stddef.h>

#define CLI_TARGET_SYNOPSIS "[user@]host[:port]:DBNAME"

/* Room for one usage message; longer ones are cut, never overflowed. */
#define CLI_ERR_MAX 512

/* What an option's argument is and how it is stored. */
enum cli_opt_kind {
	CLI_OPT_FLAG,   /* no argument; sets an int field to 1 */
	CLI_OPT_INT,    /* a decimal number in [min, max] into an int field */
	CLI_OPT_STRING, /* non-empty text into a const char * field */
	CLI_OPT_FILE,   /* like STRING; completions offer file names */
	CLI_OPT_CHOICE, /* one of choices[] into an enum field */
	CLI_OPT_EXIT,   /* a flag that ends parsing: --help, --version */
};

/* One accepted value of a CLI_OPT_CHOICE option. */
struct cli_choice {
	const char *name;
	int value;
};

struct cli_option {
	const char *name;       /* long name without "--"; every option has one */
	char short_name;        /* 0: no short form */
	enum cli_opt_kind kind;
	const char *metavar;    /* the argument in --help ("N", "FILE") */
	size_t field;           /* offsetof() of the field set, in the args struct */
	int min, max;           /* CLI_OPT_INT bounds, inclusive */
	const struct cli_choice *choices; /* CLI_OPT_CHOICE; ends with name NULL */
	const char *help;       /* one sentence for --help and completions */
};

/* A subcommand, for the top-level help and the completions. */
struct cli_command {
	const char *name;
	const char *help;
};

/* Options before the subcommand: siphon --help, siphon --version. */
struct cli_main_args {
	int help;
	int version;
};

/* The result of parsing `siphon pull ...`. */
struct cli_pull_args {
	struct siphon_pull_opts opts; /* what siphon_pull() gets */
	int quiet;
	int verbose;
	int help;                     /* --help seen: nothing else was checked */
	char *target_buf;             /* owns opts.user, opts.host, opts.dbname */
};

/* The pieces of a target; all point into buf, which the struct owns. */
struct cli_target {
	char *buf;
	const char *user; /* NULL when the target has no user@ */
	const char *host; /* without the brackets of an IPv6 address */
	int port;         /* 0 when the target has none */
	const char *dbname;
};

extern const struct cli_option cli_main_options[];
extern const size_t cli_main_options_count;
extern const struct cli_option cli_pull_options[];
extern const size_t cli_pull_options_count;
extern const struct cli_command cli_commands[];
extern const size_t cli_commands_count;

/*
 * Parses the options before the subcommand, stopping at the first word that
 * is not an option.  Returns the index of that word in argv (argc when there
 * is none), or -1 with a message in err.
 */
int cli_main_args_parse(struct cli_main_args *ma, int argc, char **argv,
                        char *err, size_t errcap);

/*
 * Parses `pull ...` (argv[0] is "pull") into pa, which needs no set-up.
 * getopt_long permutes argv; the strings of opts other than the target's
 * point into argv.  Returns 0, or -1 with a one-line message in err.  When
 * --help is seen, returns 0 at once with pa->help set and the rest unchecked.
 * Call cli_pull_args_free() afterwards either way.
 */
int cli_pull_args_parse(struct cli_pull_args *pa, int argc, char **argv,
                        char *err, size_t errcap);
void cli_pull_args_free(struct cli_pull_args *pa);

/*
 * Splits "[user@]host[:port]:DBNAME" into t.  Returns 0, or -1 with a
 * one-line message in err (t is then empty).  Free t with cli_target_free().
 */
int cli_target_parse(const char *spec, struct cli_target *t, char *err,
                     size_t errcap);
void cli_target_free(struct cli_target *t);

/* The option of table whose long name is name, or NULL. */
const struct cli_option *cli_option_find(const struct cli_option *table,
                                         size_t n, const char *name);

/* Replaces control characters so text stays on one terminal line. */
void cli_sanitize(char *s);

#endif
