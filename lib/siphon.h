/*
 * siphon.h - the public API of libsiphon.
 *
 * siphon copies a database from a server to the workstation over one SSH
 * session: the server's own dump tool runs remotely, its output is
 * compressed there, streamed over several channels of one session and
 * restored locally while it arrives.  This header is the whole public API;
 * cmd/siphon uses nothing else.
 *
 * A pull, in short:
 *
 *   siphon_ctx_new(&ctx);                 errors, log, prompts, cancel
 *   siphon_opts_new(&opts);               every option, all unset
 *   siphon_opts_set(opts, "host", "db1", SIPHON_ORIGIN_CLI, "target");
 *   siphon_opts_set(opts, "database", "app", SIPHON_ORIGIN_CLI, "target");
 *   siphon_opts_set(opts, "jobs", "8", SIPHON_ORIGIN_CLI, "-j");
 *   siphon_pull(ctx, opts, &stats);
 *
 * Options are set by name from text, whatever their type, so that a
 * command line, the environment and a profile file all go through the same
 * checks (see "Options" below); siphon_opts_count/def list them, for a
 * parser, help texts, completions or `config show`.
 *
 * Conventions: fallible functions return 0 or a negative SIPHON_E* code and
 * leave a one-line message on the context (siphon_ctx_errmsg; for
 * siphon_opts_set, on the options object: siphon_opts_errmsg).  Functions
 * named _free accept NULL.
 */
#ifndef SIPHON_H
#define SIPHON_H

#include <stddef.h>
#include <stdint.h>

#define SIPHON_VERSION "0.1.0"

/* Error codes.  cmd/siphon maps each to a documented exit status. */
enum siphon_status {
	SIPHON_OK = 0,
	SIPHON_EINTERNAL = -1,  /* a bug or an unexpected library failure */
	SIPHON_ENOMEM = -2,     /* out of memory */
	SIPHON_EUSAGE = -3,     /* bad arguments or options */
	SIPHON_ECONNECT = -4,   /* host unreachable, connection lost, stalled */
	SIPHON_EHOSTKEY = -5,   /* host key unknown or changed */
	SIPHON_EAUTH = -6,      /* SSH authentication refused */
	SIPHON_EREMOTE = -7,    /* remote tool missing, dump failed, no database */
	SIPHON_ELOCAL = -8,     /* local restore failed, local I/O, disk full */
	SIPHON_EVERSION = -9,   /* incompatible versions or missing extensions */
	SIPHON_EBUSY = -10,     /* local database in use (see force) */
	SIPHON_EINTR = -11,     /* interrupted (Ctrl-C, SIGTERM) */
	SIPHON_ELOCKED = -12,   /* another run of this profile holds its lock */
	SIPHON_ESNAPSHOT = -13, /* a snapshot truncated, corrupt or foreign */
};

/* Verbosity of progress messages handed to the log callback. */
enum siphon_log_level {
	SIPHON_LOG_ERROR = 0,
	SIPHON_LOG_WARN = 1,
	SIPHON_LOG_INFO = 2,
	SIPHON_LOG_DEBUG = 3,
};

typedef void (*siphon_log_fn)(void *arg, enum siphon_log_level level,
                              const char *msg);

/*
 * Asks the user for a secret (a key passphrase).  Writes at most cap-1 bytes
 * and a NUL into buf; returns 0, or -1 when no answer can be had (no
 * terminal).
 */
typedef int (*siphon_prompt_fn)(void *arg, const char *prompt, char *buf,
                                size_t cap);

/*
 * Asks the user to pick one of n choices (an engine, when both could fit).
 * Returns the index, or -1 when no answer can be had (no terminal).
 */
typedef int (*siphon_choose_fn)(void *arg, const char *question,
                                const char *const *choices, int n);

/* Per-run context: error message, logging, cancellation. */
struct siphon_ctx;

int siphon_ctx_new(struct siphon_ctx **out);
void siphon_ctx_free(struct siphon_ctx *ctx);
/* The message of the last failure ("" when none).  Owned by ctx. */
const char *siphon_ctx_errmsg(const struct siphon_ctx *ctx);
int siphon_ctx_errcode(const struct siphon_ctx *ctx);
void siphon_ctx_set_log(struct siphon_ctx *ctx, siphon_log_fn fn, void *arg,
                        enum siphon_log_level max_level);
void siphon_ctx_set_prompt(struct siphon_ctx *ctx, siphon_prompt_fn fn,
                           void *arg);
void siphon_ctx_set_choose(struct siphon_ctx *ctx, siphon_choose_fn fn,
                           void *arg);
/*
 * A descriptor that becomes readable when the run must stop (the CLI's
 * signal handler writes to a pipe).  -1 for none.  Not owned by ctx.
 */
void siphon_ctx_set_cancel_fd(struct siphon_ctx *ctx, int fd);

/*
 * The phases of a run, in order (the run driver owns the order; each engine
 * fills them).  Events name them; a plan-only run stops after PLAN.
 */
enum siphon_phase {
	SIPHON_PHASE_CONNECT = 0, /* TCP, SSH handshake, host key, login */
	SIPHON_PHASE_PROBE,       /* what the server has: tools, cores */
	SIPHON_PHASE_CHOOSE,      /* which engine the pull is for */
	SIPHON_PHASE_INSPECT,     /* the catalog: schemas, tables, sizes */
	SIPHON_PHASE_CHECK,       /* versions, disk, busy target: no side effects */
	SIPHON_PHASE_PLAN,        /* which piece goes to which channel */
	SIPHON_PHASE_TRANSFER,    /* the data streams into a temporary target */
	SIPHON_PHASE_FINISH,      /* indexes, objects, then the swap */
	SIPHON_PHASE_CLEANUP,     /* what was started is undone or released */
};
#define SIPHON_PHASE_COUNT 9

/* "connect", "probe", ... */
const char *siphon_phase_name(enum siphon_phase p);

/*
 * Events: what a run is doing, as structs, for the CLI's text lines, a live
 * display, --progress=json or a run record.  One callback on the context
 * receives them all, synchronously, on the thread that runs siphon_pull();
 * it must return quickly and must not call back into the library.  Every
 * pointer in an event is valid only during the call.
 *
 * Order, guaranteed by the library whatever happens (failure, Ctrl-C):
 *  - a run (one siphon_pull call) ends with exactly one SUMMARY, its last
 *    event (rc says how the run ended; stats are final);
 *  - every PHASE_START has exactly one PHASE_END, and they nest: a phase
 *    ends after every phase started inside it;
 *  - every TABLE_START has exactly one TABLE_END with the same table.id
 *    (a table still open when its phase or the run ends is ended then, with
 *    that rc, or SIPHON_EINTERNAL if that rc is 0); TABLE_PROGRESS comes
 *    only between the two;
 *  - progress comes at most about four times a second while table data
 *    flows: one TABLE_PROGRESS per table being copied, then one PROGRESS;
 *  - STEP comes only inside a phase: what that phase is doing from now on
 *    (its text), until the next STEP or the phase's end.
 * Warnings are also handed to the log callback as SIPHON_LOG_WARN lines: a
 * consumer that shows both should print them once.
 *
 * Fields are only ever added (at the end of their struct), never renamed or
 * given another meaning.  Sizes are bytes, times seconds; -1 in a signed
 * field means "not known".
 */
struct siphon_pull_stats;

enum siphon_event_kind {
	SIPHON_EVENT_PHASE_START = 1,
	SIPHON_EVENT_PHASE_END,
	SIPHON_EVENT_TABLE_START,
	SIPHON_EVENT_TABLE_PROGRESS,
	SIPHON_EVENT_TABLE_END,
	SIPHON_EVENT_PROGRESS,       /* run-wide figures, after the tables' */
	SIPHON_EVENT_WARNING,
	SIPHON_EVENT_SUMMARY,        /* the last event of a run */
	SIPHON_EVENT_STEP,           /* a step of the phase begins (text) */
	SIPHON_EVENT_TUNE,           /* the channels and compression chosen (tune) */
};

/* "phase_start", "table_progress", ...: stable names, for JSON. */
const char *siphon_event_kind_name(enum siphon_event_kind k);

enum siphon_warning_kind {
	SIPHON_WARNING_GENERAL = 0,  /* any warning line */
	SIPHON_WARNING_LEFT_OUT,     /* something not copied exactly (counted
	                                in stats.left_out) */
};

/*
 * One table's data, or a piece of one (PostgreSQL cuts big tables in ctid
 * ranges, each a table of its own here, with piece/pieces), or the one file
 * of an SQLite copy (file set, name NULL).
 */
struct siphon_event_table {
	unsigned id;             /* unique within the run, from 1 */
	const char *schema;      /* PostgreSQL schema, MySQL database; NULL
	                            for an SQLite file */
	const char *name;        /* the table ("large objects" for PostgreSQL's);
	                            NULL for an SQLite file */
	const char *file;        /* SQLite: the file on the server; else NULL */
	int channel;             /* data channel carrying it, from 1 */
	int piece, pieces;       /* 1 of 1 unless the table was cut */
	uint64_t wire_bytes;     /* compressed bytes received while it was being
	                            copied (compression blocks span tables, so
	                            close, not exact) */
	uint64_t raw_bytes;      /* its decompressed bytes, exact (as the dump
	                            tool printed them, end marker included) */
	int64_t rows;            /* rows so far; -1 when not known */
	int64_t expected_bytes;  /* its size on the server (catalog figure, an
	                            estimate of raw_bytes); -1 */
	int64_t expected_rows;   /* the catalog's row estimate; -1 */
	double started;          /* seconds since the run began */
	int rc;                  /* TABLE_END: 0, or why it did not finish */
};

/* The whole run's figures so far. */
struct siphon_event_totals {
	uint64_t wire_bytes;     /* compressed table data received */
	uint64_t raw_bytes;      /* decompressed table data received */
	int64_t rows;            /* rows of tables started; -1 when none says */
	int64_t expected_bytes;  /* what the tables take on the server; -1 */
	unsigned tables_started; /* TABLE_START events so far */
	unsigned tables_done;    /* TABLE_END events so far */
	double data_seconds;     /* since table data began to flow (the base
	                            of a rate); 0 before */
};

/*
 * The settings a pull starts with, chosen from what was measured (the
 * server's cores and load, this machine's, whether both are one machine,
 * a short link test), or as the options gave them.
 */
struct siphon_event_tune {
	int channel;             /* 0: every channel (the start) */
	int jobs;                /* data channels */
	const char *codec;       /* "zstd", "pigz", "gzip", "none" */
	int level;               /* 0 for none; negative: zstd --fast=-level */
	int threads;             /* compressor threads per channel; 0: all cores */
	uint64_t window_bytes;   /* each data channel's receive window */
	double link_bytes_per_s; /* the link test's rate; 0: not measured */
	double rtt_seconds;      /* its round trip; -1: not measured */
	int same_host;           /* the server shares this machine's kernel */
	const char *reason;      /* one line: "link 410 MB/s, rtt 0.2 ms, same host: 2 cores shared" */
};

struct siphon_event {
	enum siphon_event_kind kind;
	double seconds;          /* since the run began (monotonic clock) */
	double wall;             /* the time of day: seconds since 1970 (UTC) */
	/*
	 * PHASE_*: that phase; otherwise the innermost phase open
	 * (SIPHON_PHASE_COUNT when none).
	 */
	enum siphon_phase phase;
	double phase_seconds;    /* PHASE_END: how long the phase took */
	int rc;                  /* PHASE_END, TABLE_END, SUMMARY: 0 or a
	                            SIPHON_E* code */
	struct siphon_event_table table;   /* TABLE_*; else all zero */
	struct siphon_event_totals totals; /* every event */
	enum siphon_warning_kind warning;  /* WARNING */
	/*
	 * WARNING: the message (one line, safe for a terminal); SUMMARY of a
	 * failed run: the error message; STEP: what the phase does now ("index
	 * and constraints", "swap": short, lower case, safe for a terminal);
	 * else NULL.
	 */
	const char *text;
	/*
	 * SUMMARY: the run's figures, as siphon_pull returns them (totals stay
	 * those of the last progress tick; these are final).
	 */
	const struct siphon_pull_stats *stats;
	const struct siphon_event_tune *tune; /* TUNE; else NULL */
};

typedef void (*siphon_event_fn)(void *arg, const struct siphon_event *ev);

/* Sets the event callback (NULL: none, the default). */
void siphon_ctx_set_events(struct siphon_ctx *ctx, siphon_event_fn fn, void *arg);

/* Compression used on the server. */
enum siphon_compress {
	SIPHON_COMPRESS_AUTO = 0,
	SIPHON_COMPRESS_ZSTD,
	SIPHON_COMPRESS_PIGZ,
	SIPHON_COMPRESS_GZIP,
	SIPHON_COMPRESS_NONE,
};

/*
 * Options.  Every option of a pull is declared once, in the library, as a
 * struct siphon_optdef: the core ones, the SSH ones, and each engine's own
 * (declared in the engine's directory).  The command line, --help, the shell
 * completions, the man page, the environment (SIPHON_JOBS), the profile
 * file's keys and `config show` are derived from these definitions.
 *
 * A struct siphon_opts holds one value per definition, each unset until
 * given (its getters then answer the definition's default) and, once set,
 * with its origin and where it came from.  Values are set from text, which
 * is checked against the type and bounds; a value never replaces one of
 * higher precedence: command line > environment > profile > default.  So
 * the command line can be read first and a profile after it.
 */
enum siphon_opt_type {
	SIPHON_OPT_FLAG = 0, /* yes or no; on the command line, --name says yes */
	SIPHON_OPT_INT,      /* a decimal number in [min, max] */
	SIPHON_OPT_STRING,   /* non-empty text */
	SIPHON_OPT_FILE,     /* like STRING; completions offer file names */
	SIPHON_OPT_CHOICE,   /* one of choices[] */
};

/* Where a value came from, weakest first. */
enum siphon_opt_origin {
	SIPHON_ORIGIN_DEFAULT = 0, /* not given: the definition's default */
	SIPHON_ORIGIN_PROFILE,     /* a profile file */
	SIPHON_ORIGIN_ENV,         /* an environment variable */
	SIPHON_ORIGIN_CLI,         /* the command line */
};

/* A definition: part of the target ([user@]host[:port]:DBNAME), no option. */
#define SIPHON_OPTDEF_TARGET 0x1
/* Its value is a secret: masked by `config show`, kept from others' eyes. */
#define SIPHON_OPTDEF_SECRET 0x2
/*
 * Its value is a client's command-line options: a secret when they carry a
 * password ("password=...", "--password=...", "--pass=...").
 */
#define SIPHON_OPTDEF_TOOL_OPTS 0x4
/* With TOOL_OPTS: "-pSECRET" is a password too (the mysql client's). */
#define SIPHON_OPTDEF_SHORT_P_PASSWORD 0x8
/*
 * Its value is a server, [user@]host[:port] (a Host of ~/.ssh/config or
 * an address): taking it also sets "host", and "user" and "port" when it
 * names them, at the same origin.
 */
#define SIPHON_OPTDEF_SERVER 0x10

struct siphon_optdef {
	const char *name;        /* "jobs": the long option and the profile key;
	                            NULL ends a table */
	char short_name;         /* 'j'; 0: none */
	enum siphon_opt_type type;
	const char *metavar;     /* the argument in help texts ("N", "FILE") */
	int min, max;            /* SIPHON_OPT_INT bounds, inclusive */
	const char *const *choices; /* SIPHON_OPT_CHOICE, NULL-ended */
	const char *def;         /* the default as text; NULL: none (unset until
	                            given, and the code decides) */
	const char *scope;       /* "core", "ssh", or the engine's name */
	const char *conflicts;   /* a flag that cannot say yes with this one */
	unsigned flags;          /* SIPHON_OPTDEF_* */
	const char *help;        /* one sentence, for help texts */
};

struct siphon_opts;

/*
 * A new options object over every definition (core, SSH, every engine's),
 * all unset.  Returns 0 or SIPHON_ENOMEM.  Free with siphon_opts_free().
 */
int siphon_opts_new(struct siphon_opts **out);
void siphon_opts_free(struct siphon_opts *opts);

/* The definitions, in help order: i from 0 to siphon_opts_count()-1. */
size_t siphon_opts_count(const struct siphon_opts *opts);
const struct siphon_optdef *siphon_opts_def(const struct siphon_opts *opts, size_t i);
/* The definition named name, or NULL. */
const struct siphon_optdef *siphon_opts_find(const struct siphon_opts *opts, const char *name);

/*
 * Sets option name from text (a flag takes yes/no, true/false, 1/0).  where
 * says where the text came from: on the command line the option as written
 * ("-j"), in the environment the variable, in a profile "file:line".  A
 * value already set with a higher origin is kept (0 is returned all the
 * same); at equal origin the later one wins.  Returns 0, or SIPHON_EUSAGE
 * with one line in siphon_opts_errmsg() ("bad value '0' for -j (expected a
 * number from 1 to 64)"), or SIPHON_ENOMEM.  text is copied.
 */
int siphon_opts_set(struct siphon_opts *opts, const char *name, const char *text,
                    enum siphon_opt_origin origin, const char *where);
/* The message of the last failed siphon_opts_set ("" when none). */
const char *siphon_opts_errmsg(const struct siphon_opts *opts);

/* Whether name was given (at any origin but the default). */
int siphon_opts_is_set(const struct siphon_opts *opts, const char *name);
/*
 * The value of name, or its default when unset: a number (INT), 1 or 0
 * (FLAG), the index in choices (CHOICE; -1 when unset without default).
 * 0 for an unset INT without default.
 */
int siphon_opts_int(const struct siphon_opts *opts, const char *name);
/* The text of a STRING, FILE or CHOICE value, or its default; NULL when
   neither.  Owned by opts. */
const char *siphon_opts_str(const struct siphon_opts *opts, const char *name);
/*
 * Where the value of name came from; *where (if where is not NULL) gets the
 * text given with it, NULL for a default.
 */
enum siphon_opt_origin siphon_opts_origin(const struct siphon_opts *opts, const char *name,
                                          const char **where);
/* "default", "profile", "environment", "command line". */
const char *siphon_opt_origin_name(enum siphon_opt_origin origin);

/* Whether text, as a value of d, is a secret (see SIPHON_OPTDEF_SECRET). */
int siphon_opt_is_secret(const struct siphon_optdef *d, const char *text);

/*
 * Sets every option named in the environment envp (NULL-ended "NAME=value"
 * strings, as environ): SIPHON_<NAME> with '-' as '_', upper case
 * (SIPHON_JOBS=8, SIPHON_REMOTE_PG_OPTS=...), at origin environment with
 * the variable as where.  An empty variable counts as unset; other
 * SIPHON_* variables are not options and are left alone.  Returns 0, or
 * the first failure of siphon_opts_set (the message names the variable).
 */
int siphon_opts_apply_env(struct siphon_opts *opts, char *const *envp);

/*
 * The profile file.  One section per profile:
 *
 *   # comments on their own line start with # or ;
 *   [defaults]                  applied to every profile, under its own keys
 *   jobs = 8
 *
 *   [prod]                      a name: letters, digits, '.', '_', '-'
 *   ssh = prod                  # a Host of ~/.ssh/config, or user@host:port
 *   database = shop
 *   into = "shop_dev"           quoted: \" and \\ inside; keeps '#', blanks
 *
 * Keys are the options' names ('-' or '_'), values their text (flags
 * yes/no/true/false/on/off/1/0).  Options of the front end alone (quiet,
 * verbose) are not keys.  A file that holds a secret (a password inside
 * remote-mysql-opts, say) is refused when its group or others can read it.
 *
 * A loaded file keeps every line as written, so that an edit (set, unset,
 * add a profile) rewrites only what it changes: comments, order, blank
 * lines and line ends (CRLF) stay.  Errors are one line on the context,
 * "FILE:LINE: what; how to fix it", SIPHON_EUSAGE; FILE is the path with
 * the home directory written "~".
 */
struct siphon_config;

/* The section applied to every profile. */
#define SIPHON_CONFIG_DEFAULTS "defaults"

/*
 * The file to use: explicit when not NULL (--config), else $SIPHON_CONFIG,
 * else $XDG_CONFIG_HOME/siphon/config, else ~/.config/siphon/config.
 * *required (may be NULL) says whether a missing file is an error (the
 * first two) or means no profiles.  Returns 0, or SIPHON_EUSAGE when there
 * is no home directory to look in or the path is too long.
 */
int siphon_config_path(struct siphon_ctx *ctx, const char *explicit_path, char *buf,
                       size_t cap, int *required);

/*
 * Reads and checks the file at path: its syntax, then every key and value
 * against the option definitions (unknown keys get a did-you-mean; the
 * names in front_end_keys, NULL-ended, may be NULL, are said to be
 * command-line options), then that a secret is not readable by others.
 * A missing file gives an empty object when missing_ok, else an error.
 * strict 0 checks the syntax alone, for an edit that may be the fix of a
 * bad value.  Returns 0, SIPHON_EUSAGE, SIPHON_ELOCAL (unreadable) or
 * SIPHON_ENOMEM.  Free with siphon_config_free().
 */
int siphon_config_load(struct siphon_ctx *ctx, const char *path, int missing_ok, int strict,
                       const char *const *front_end_keys, struct siphon_config **out);
/*
 * The same from bytes in memory (tests, fuzzing): name stands for the path
 * in messages and writes; mode is the file's permission bits (0600 when it
 * does not matter).
 */
int siphon_config_parse(struct siphon_ctx *ctx, const char *name, const char *data, size_t len,
                        unsigned mode, int strict, const char *const *front_end_keys,
                        struct siphon_config **out);
void siphon_config_free(struct siphon_config *cfg);

/* The path as given, and as messages write it ("~/.config/siphon/config"). */
const char *siphon_config_file(const struct siphon_config *cfg);
const char *siphon_config_display(const struct siphon_config *cfg);
/* Whether the file existed when loaded. */
int siphon_config_exists(const struct siphon_config *cfg);

/* The profiles, in file order, [defaults] left out: i below the count. */
size_t siphon_config_profile_count(const struct siphon_config *cfg);
const char *siphon_config_profile_name(const struct siphon_config *cfg, size_t i);
/* Whether section name ("defaults" included) is in the file; *line its line. */
int siphon_config_has(const struct siphon_config *cfg, const char *name, int *line);
/*
 * The value of key (either spelling) in section name, unquoted, or NULL;
 * *line (may be NULL) its line.  Owned by cfg.
 */
const char *siphon_config_get(const struct siphon_config *cfg, const char *name, const char *key,
                              int *line);
/* Whether name is a good profile name ([A-Za-z0-9_.-]+, not too long). */
int siphon_config_name_ok(const char *name);

/*
 * Sets opts from [defaults], then from section profile (NULL: [defaults]
 * alone), at origin profile with where "FILE:LINE": a value of the command
 * line or the environment is kept.  Returns 0 or the first failure of
 * siphon_opts_set (on the context); SIPHON_EUSAGE for a profile not in the
 * file.
 */
int siphon_config_apply(struct siphon_ctx *ctx, const struct siphon_config *cfg,
                        const char *profile, struct siphon_opts *opts);

/*
 * Edits, in memory until siphon_config_write().  set: key (checked against
 * the definitions, the value with it) in section name: the value replaced
 * in place when the key is there (its line's comment kept), else a line
 * added after the section's last key, the section added at the end of the
 * file when missing.  unset: the key's line removed (SIPHON_EUSAGE when it
 * is not there).  add: a new empty section at the end (SIPHON_EUSAGE when
 * there already).  The value is quoted when it needs to be.
 */
int siphon_config_set(struct siphon_ctx *ctx, struct siphon_config *cfg, const char *name,
                      const char *key, const char *value);
int siphon_config_unset(struct siphon_ctx *ctx, struct siphon_config *cfg, const char *name,
                        const char *key);
int siphon_config_add(struct siphon_ctx *ctx, struct siphon_config *cfg, const char *name);
/*
 * Writes the file atomically: a temporary file in the same directory,
 * flushed to disk, renamed over it.  A new file gets mode 0600 and a new
 * directory 0700; an existing file keeps its mode.  Refuses (SIPHON_EUSAGE)
 * to write a secret into a file others can read.  Returns 0,
 * SIPHON_ELOCAL (with the path and the system's reason) or SIPHON_ENOMEM.
 */
int siphon_config_write(struct siphon_ctx *ctx, struct siphon_config *cfg);

/*
 * A profile's state lives in $XDG_STATE_HOME/siphon (default
 * ~/.local/state/siphon), in 0700 directories: the record of its last pull
 * (last/NAME), its lock (NAME.lock) and the log of its unattended runs
 * (NAME.log, rotated).
 *
 * The record of a profile's last pull, in last/NAME: "key=value" lines,
 * written atomically, unknown keys ignored when read (fields are only ever
 * added; a record written before a field existed reads as its zero, or as
 * said below):
 *   time=1764905401        when it ended, seconds since 1970 (UTC)
 *   exit=0                 the front end's exit status
 *   seconds=12.3           how long it took
 *   bytes=123456           bytes on the wire
 *   started=1764905389     when it began
 *   raw_bytes=654321       bytes restored (decompressed)
 *   tables=12              tables copied (-1 in a record that does not say)
 *   unattended=1           1 for siphon pull --unattended (a schedule)
 *   message=pulled ...     the summary line, or the failure's one line
 */
#define SIPHON_LAST_MESSAGE_MAX 512

struct siphon_last_pull {
	int64_t time;            /* when it ended: seconds since 1970 (UTC) */
	int exit_code;           /* the front end's exit status */
	double seconds;          /* how long it took */
	uint64_t bytes;          /* bytes on the wire */
	int64_t started;         /* when it began; 0: not known */
	uint64_t raw_bytes;      /* bytes restored */
	int64_t tables;          /* tables copied; -1: not known */
	int unattended;          /* 1: an unattended run */
	char message[SIPHON_LAST_MESSAGE_MAX]; /* one line, no control
	                            character; "" when none */
};

/* Writes the record of profile name.  0, SIPHON_ELOCAL, SIPHON_EUSAGE. */
int siphon_last_pull_write(struct siphon_ctx *ctx, const char *name,
                           const struct siphon_last_pull *lp);
/* Reads it: 0, or -1 when there is none (or it cannot be read). */
int siphon_last_pull_read(const char *name, struct siphon_last_pull *out);

/*
 * The per-profile lock, NAME.lock in the state directory: whatever changes
 * a profile's local copy (pull, restore, rollback, reset) holds it for the
 * whole run, so that two runs never overlap.  An flock(2) on the file (the
 * kernel releases it when the process ends, however it ends), and in the
 * file the holder's pid, start time and command, for the refusal:
 *   pid=4242
 *   started=1764905389
 *   command=siphon pull --unattended prod
 * Returns 0 with *out held, SIPHON_ELOCKED when another run holds it (the
 * message names the holder: its pid, since when, its command), or
 * SIPHON_ELOCAL / SIPHON_EUSAGE (no state directory).  command is one line
 * to write (control characters replaced).  The descriptor is close-on-exec:
 * no child keeps the lock.
 */
struct siphon_profile_lock;

int siphon_profile_lock(struct siphon_ctx *ctx, const char *profile, const char *command,
                        struct siphon_profile_lock **out);
/* Releases and frees the lock (the file stays, empty of meaning).  NULL ok. */
void siphon_profile_unlock(struct siphon_profile_lock *lock);

/*
 * The log of a profile's unattended runs, NAME.log in the state directory
 * (0600).  Rotated when a run opens it: once it has reached
 * SIPHON_LOG_ROTATE_BYTES it becomes NAME.log.1, .1 becomes .2, and so on
 * up to SIPHON_LOG_KEEP (the oldest dropped).  Open it while holding the
 * profile's lock, so that no other run rotates it meanwhile.
 */
#define SIPHON_LOG_ROTATE_BYTES (1024 * 1024)
#define SIPHON_LOG_KEEP 3

/* The log's path into buf: 0, or -1 (a bad name, no home, no room). */
int siphon_profile_log_path(const char *profile, char *buf, size_t cap);
/*
 * Opens the log for appending (created 0600, its directories 0700),
 * rotated first when rotate is set.  *fd gets a close-on-exec descriptor.
 * Returns 0, SIPHON_ELOCAL or SIPHON_EUSAGE.
 */
int siphon_profile_log_open(struct siphon_ctx *ctx, const char *profile, int rotate, int *fd);

/*
 * Hooks: a profile's on_success or on_failure command, run after its pull
 * by /bin/sh -c, in a process group of its own, stdin /dev/null, with the
 * outcome in its environment (never in the command's text: a message is
 * data, whatever it holds):
 *   SIPHON_PROFILE SIPHON_HOST SIPHON_DATABASE SIPHON_INTO SIPHON_ENGINE
 *   SIPHON_OUTCOME (success or failure) SIPHON_EXIT SIPHON_MESSAGE
 *   SIPHON_SECONDS SIPHON_BYTES SIPHON_RAW_BYTES SIPHON_TABLES
 *   SIPHON_STARTED SIPHON_ENDED (seconds since 1970) SIPHON_LOG
 * (a variable with nothing to say is set to "").  Each line it prints
 * (stdout and stderr) goes to the log callback as "NAME: line", at
 * SIPHON_LOG_INFO.  After timeout seconds, or when the run is cancelled,
 * its process group gets SIGTERM, then SIGKILL.
 */
struct siphon_hook_outcome {
	const char *profile;
	const char *host;
	const char *database;
	const char *into;        /* the local copy; NULL: not known */
	const char *engine;      /* NULL: not known (the pull failed before
	                            choosing) */
	int exit_code;           /* the front end's exit status */
	const char *message;     /* the summary line or the failure's line */
	double seconds;
	uint64_t bytes;          /* on the wire */
	uint64_t raw_bytes;
	int64_t tables;          /* -1: not known */
	int64_t started, ended;  /* seconds since 1970 */
	const char *log;         /* the run's log file; NULL: none */
};

/*
 * Runs command as hook name ("on_success").  Returns 0 when it exited 0;
 * else SIPHON_ELOCAL with one line (its exit status or signal, or that it
 * timed out, and its last line of output), SIPHON_EINTR when the run was
 * cancelled, SIPHON_ENOMEM.
 */
int siphon_hook_run(struct siphon_ctx *ctx, const char *name, const char *command,
                    const struct siphon_hook_outcome *o, int timeout);

/* Figures of a finished pull, for the summary line and benchmarks. */
struct siphon_pull_stats {
	uint64_t wire_bytes;     /* compressed bytes received */
	uint64_t raw_bytes;      /* decompressed bytes restored */
	unsigned tables;         /* tables copied */
	unsigned channels;       /* data channels used at most at once */
	unsigned left_out;       /* things not copied exactly (each one
	                            named in a warning at the end) */
	double seconds;          /* wall time */
	char codec[16];          /* compressor used on the server */
	char into[512];          /* where the copy went (the local database or
	                            file), "" if not filled; may be cut short */
	unsigned reconnects;     /* connections lost and made again mid-pull */
	unsigned tables_later;   /* of tables, those copied from a later
	                            instant than the first (after a reconnect) */
	char consistency[160];   /* what the result is consistent to, in words:
	                            "one instant", or per table after a resume */
	char engine[16];         /* the engine that ran ("postgres"), also after
	                            a failure once it was chosen; "" */
	unsigned resumed_run;    /* 1: went on with the partial copy an
	                            interrupted pull kept (pull --resume) */
};

/*
 * Copies the database named by the "database" option from the server
 * ("host", "user", "port") into the local database "into", replacing it
 * only when everything succeeded.  On failure the local database is as it
 * was.  opts is read, not kept.  stats may be NULL.
 */
int siphon_pull(struct siphon_ctx *ctx, const struct siphon_opts *opts,
                struct siphon_pull_stats *stats);

/*
 * What a pull would do, for `siphon plan`: the run goes up to the plan and
 * stops, having created and changed nothing on either machine (read-only
 * sessions only).  Everything is borrowed for the callback's duration.
 */
struct siphon_plan_table {
	const char *schema;      /* "" where the engine has none */
	const char *name;
	uint64_t bytes;          /* on the server */
	int64_t rows;            /* estimate; -1 unknown */
	int ncols;
	int channel;             /* the channel its first piece goes to; -1: none (no rows copied) */
	int parts;               /* pieces it is cut in (0 when not copied by rows) */
};

struct siphon_plan_info {
	const char *engine;      /* "postgres" */
	const char *server;      /* "PostgreSQL 15" */
	const char *codec;       /* compressor on the server */
	int channels;
	uint64_t total_bytes;
	int ntables;
	const struct siphon_plan_table *tables;
	int nobjects;            /* views, sequences, routines, ... */
	int npieces;             /* pieces of work over the channels */
	uint64_t channel_bytes_max;  /* the busiest channel's share */
	const char *target;      /* the local target and what becomes of it; "" */
	int ncommands;           /* the remote commands the pull would start: */
	const char *const *commands; /* "what: command line | compressor" */
	const char *tune;        /* the channels and compression, and why; "" */
};

typedef void (*siphon_plan_fn)(void *arg, const struct siphon_plan_info *plan);

int siphon_plan(struct siphon_ctx *ctx, const struct siphon_opts *opts,
                siphon_plan_fn fn, void *arg);

/*
 * `siphon doctor`: every step of a pull checked in turn, each reported as
 * one finding, up to the plan (nothing is created or changed on either
 * machine, as for siphon_plan).  A failed step's later checks are reported
 * as skipped.  Findings come in this order, by name:
 *   reach        the server's name resolves and its SSH port answers
 *   hostkey      the server's key is known (known_hosts)
 *   auth         the login works
 *   unattended   the login needs no one at the keyboard (cron)
 *   tools        the database's client tools on the server
 *   compressor   the compressor and cores on the server
 *   database     the database exists there
 *   read         its catalog can be read (a real query)
 *   local        the local tools, server, versions and disk
 *   create       the local role may create databases (engine's own)
 *   sessions     the SSH server allows the channels a pull opens
 * More may be added; a consumer shows what it does not know by its title.
 */
enum siphon_check_status {
	SIPHON_CHECK_PASS = 0,
	SIPHON_CHECK_WARN,       /* works, but slower or not unattended */
	SIPHON_CHECK_FAIL,       /* a pull would fail here */
	SIPHON_CHECK_SKIP,       /* not checked: an earlier step failed */
};

struct siphon_check {
	const char *name;        /* "reach", ...: stable, for scripts */
	const char *title;       /* what was checked, one short line */
	enum siphon_check_status status;
	const char *detail;      /* what was found, or the error's one line
	                            (which says how to fix it); may be "" */
	int rc;                  /* FAIL: the SIPHON_E* code a pull would end with */
};

typedef void (*siphon_check_fn)(void *arg, const struct siphon_check *c);

/*
 * Runs the checks for the pull opts describe.  Returns 0 when nothing
 * failed (warnings allowed), else the first failure's code (its message on
 * ctx).  Events are sent as for siphon_plan.
 */
int siphon_doctor(struct siphon_ctx *ctx, const struct siphon_opts *opts,
                  siphon_check_fn fn, void *arg);
/*
 * The same up to the "unattended" finding (connect and log in, nothing
 * else): whether a scheduled pull could log in with nobody at the
 * keyboard.  Set no prompt on ctx, so that a key needing its passphrase
 * fails as it would under cron.
 */
int siphon_doctor_login(struct siphon_ctx *ctx, const struct siphon_opts *opts,
                        siphon_check_fn fn, void *arg);

/*
 * `siphon rollback` and `siphon reset`: on the local copy alone, with no
 * server and no network.  The engine is --engine (a profile's engine),
 * else the one a file path names (SQLite), else the one whose local server
 * keeps such a copy of the target.  The same busy checks as a pull
 * (SIPHON_EBUSY unless force), and for reset the disk check.
 *   ROLLBACK  the copy the last pull replaced (keep-previous) takes the
 *             target's place, atomically; the target becomes the previous
 *             copy, so a second rollback returns to it
 *   RESET     the target becomes again exactly what the last pull brought
 *             (from the untouched copy keep-pristine keeps); the previous
 *             copy is left as it is
 * Nothing kept to do it with: SIPHON_ELOCAL, one line, nothing changed.
 * Returns 0 or a negative code, the message on ctx.
 */
enum siphon_local_action {
	SIPHON_LOCAL_ROLLBACK = 0,
	SIPHON_LOCAL_RESET = 1,
};

int siphon_local_op(struct siphon_ctx *ctx, const struct siphon_opts *opts,
                    enum siphon_local_action action);

/*
 * The plain Host names (no wildcard) of the user's ssh_config (file: the
 * -F file; NULL: ~/.ssh/config then /etc/ssh/ssh_config), in file order,
 * Includes followed, each handed to fn: for shell completion.  0, or the
 * reader's error (one line naming file and line).
 */
int siphon_ssh_config_hosts(struct siphon_ctx *ctx, const char *file,
                            void (*fn)(void *arg, const char *host), void *arg);

/*
 * Schedules: a profile pulled unattended at set times, by the user's cron
 * (one marked block per profile in the crontab, read with `crontab -l` and
 * written with `crontab FILE`; every other line kept byte for byte) or by
 * a systemd user timer (~/.config/systemd/user/siphon-PROFILE.timer and
 * .service).  A profile has at most one: installing one kind removes the
 * other.  The job runs `PROGRAM pull --unattended PROFILE` with what cron
 * lacks (HOME, PATH, the XDG directories and the local database's
 * PG and MySQL settings that are set, SIPHON_CONFIG for a profile file
 * other than the default); never a secret.
 */

/*
 * Checks a cron expression (five fields: minute hour day-of-month month
 * day-of-week, with lists, ranges, steps, month and day names; or @hourly,
 * @daily, @weekly, @monthly, @yearly).  0, or SIPHON_EUSAGE with one line
 * saying what is wrong.
 */
int siphon_cron_check(struct siphon_ctx *ctx, const char *expr);
/*
 * The next time (seconds since 1970) after `after` at which cron runs
 * expr, in local time, daylight saving changes as Debian's cron handles
 * them.  0, or -1 when expr is bad or never runs within ten years.
 */
int siphon_cron_next_run(const char *expr, int64_t after, int64_t *next);

struct siphon_schedule_request {
	const char *profile;
	const char *cron;          /* when: a cron expression (siphon_cron_check) */
	int systemd;               /* a systemd user timer, not a crontab entry */
	const char *random_delay;  /* systemd only: RandomizedDelaySec ("30min"); NULL */
	const char *program;       /* the absolute path of siphon to run */
	const char *config;        /* the profile file to name; NULL: the default one */
};

/*
 * Installs (or replaces) the schedule of req->profile.  What it did and
 * what the user still has to do (no systemd user manager here: the
 * commands to run) are logged at SIPHON_LOG_INFO.  0; SIPHON_EUSAGE (bad
 * expression or delay, a crontab whose siphon blocks were cut by hand);
 * SIPHON_ELOCAL (no crontab command, crontab or systemctl refused, a unit
 * file not written), each with one line.
 */
int siphon_schedule_install(struct siphon_ctx *ctx, const struct siphon_schedule_request *req);
/*
 * Removes the schedule of profile, of either kind.  0, SIPHON_EUSAGE when
 * it has none, or SIPHON_ELOCAL.
 */
int siphon_schedule_remove(struct siphon_ctx *ctx, const char *profile);

struct siphon_schedule {
	const char *profile;
	const char *kind;          /* "cron" or "systemd" */
	const char *cron;          /* the expression, as in the entry */
	int64_t next;              /* its next run (seconds since 1970); -1: unknown */
	const char *where;         /* "crontab", or the timer file as "~/..." */
};

typedef void (*siphon_schedule_fn)(void *arg, const struct siphon_schedule *s);

/*
 * Hands each schedule to fn: the crontab's blocks, then the timers.  A
 * crontab that cannot be read (no cron installed) is logged at
 * SIPHON_LOG_INFO and skipped.  0, or the first failure.
 */
int siphon_schedule_list(struct siphon_ctx *ctx, siphon_schedule_fn fn, void *arg);

/*
 * Saved snapshots (issue 11): what a pull received over the wire, kept as
 * one tar archive in $XDG_DATA_HOME/siphon/snapshots/PROFILE/ (default
 * ~/.local/share), 0600 files in a 0700 directory, named by their instant
 * ("20261205T041500Z.siphon.tar"), and restored with no network.
 */

/* The directory of profile's snapshots into buf.  0, or -1 (bad name, no home, no room). */
int siphon_snapshot_dir(const char *profile, char *buf, size_t cap);

/*
 * siphon_pull() that also saves the snapshot as profile's (a name as
 * siphon_config_name_ok wants): written while pulling, fsync'd, verified,
 * kept only if the pull succeeded; then the option "keep" applied.  The
 * saved file's path goes into saved (cap bytes; "" when none).
 */
int siphon_pull_save(struct siphon_ctx *ctx, const struct siphon_opts *opts, const char *profile,
                     struct siphon_pull_stats *stats, char *saved, size_t cap);

/* What a snapshot is, from its manifest. */
struct siphon_snapshot_info {
	char file[4400];
	int64_t time;             /* the pull's instant, seconds since the epoch */
	int64_t size;             /* of the file */
	int tables, streams, jobs;
	uint64_t table_bytes;     /* the tables' size on the server */
	char engine[32], host[256], database[256], profile[128], server[128], version[32];
	char problem[512];        /* a listing's broken file: why ("" else) */
};
typedef void (*siphon_snapshot_fn)(void *arg, const char *profile,
                                   const struct siphon_snapshot_info *info);

/*
 * Reads file's manifest into info; verify: also every member's size and
 * SHA-256 (the whole file is read).  0, SIPHON_ESNAPSHOT (truncated,
 * corrupt or foreign; one line), SIPHON_ELOCAL, SIPHON_EUSAGE (missing).
 */
int siphon_snapshot_info(struct siphon_ctx *ctx, const char *file, int verify,
                         struct siphon_snapshot_info *info);
/* Profile's snapshots, newest first, to fn (a broken one with its problem). */
int siphon_snapshots_list(struct siphon_ctx *ctx, const char *profile, siphon_snapshot_fn fn,
                          void *arg);
/* Removes all but profile's keep newest snapshots; *removed (may be NULL) counts. */
int siphon_snapshots_prune(struct siphon_ctx *ctx, const char *profile, int keep, int *removed);
/*
 * The path of profile's snapshot taken at when (a prefix of its name:
 * "20261205", "20261205T0415"; NULL or "latest": the newest).  SIPHON_EUSAGE
 * when there is none.
 */
int siphon_snapshot_find(struct siphon_ctx *ctx, const char *profile, const char *when, char *path,
                         size_t cap);
/*
 * Restores file through the same driver and engine as a pull, the snapshot
 * as the source (no network): verified whole first (SIPHON_ESNAPSHOT, the
 * local database untouched), then replayed with the options of the pull
 * that made it; of opts only the local side counts (into, force,
 * allow-older-local, stall-timeout, local-*).
 */
int siphon_restore(struct siphon_ctx *ctx, const struct siphon_opts *opts, const char *file,
                   struct siphon_pull_stats *stats);

#endif
