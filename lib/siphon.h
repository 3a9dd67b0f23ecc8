/*
 * siphon.h - the public API of libsiphon.
 *
 * siphon copies a database from a server to the workstation over one SSH
 * session: the server's own dump tool runs remotely, its output is
 * compressed there, streamed over several channels of one session and
 * restored locally while it arrives.  This header is the whole public API;
 * cmd/siphon uses nothing else.
 *
 * Conventions: fallible functions return 0 or a negative SIPHON_E* code and
 * leave a one-line message on the context (siphon_ctx_errmsg).  Functions
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

/* Compression used on the server. */
enum siphon_compress {
	SIPHON_COMPRESS_AUTO = 0,
	SIPHON_COMPRESS_ZSTD,
	SIPHON_COMPRESS_PIGZ,
	SIPHON_COMPRESS_GZIP,
	SIPHON_COMPRESS_NONE,
};

enum siphon_engine_kind {
	SIPHON_ENGINE_AUTO = 0,  /* decide from the name and the server's tools */
	SIPHON_ENGINE_POSTGRES,
	SIPHON_ENGINE_MYSQL,     /* MySQL and MariaDB */
	SIPHON_ENGINE_SQLITE,
};


/* Everything `siphon pull` needs.  Strings are borrowed, not copied. */
struct siphon_pull_opts {
	const char *user;        /* SSH user; NULL: $USER */
	const char *host;        /* SSH host name or address */
	int port;                /* 0: 22 */
	const char *dbname;      /* remote database (SQLite: the file's path) */
	const char *into;        /* local database; NULL: dbname (SQLite: a
	                            file path; NULL: dbname's base name here) */
	int jobs;                /* parallel channels; 0: 4 */
	enum siphon_compress compress;
	int level;               /* 0: the codec's default */
	const char *identity;    /* -i key file; NULL: the usual files */
	const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
	int accept_new_host_key;
	enum siphon_engine_kind engine;
	const char *remote_pg_opts;  /* extra pg_dump/psql connection options */
	const char *remote_mysql_opts; /* extra mysqldump/mysql client options */
	const char *local_mysql_opts;  /* extra local mysql client options */
	const char *remote_sudo;     /* run remote tools as this user */
	int no_lock;                 /* MySQL: no global read lock at all */
	int lock_all;                /* MySQL: hold it for the whole dump */
	int remote_threads;          /* cap on compressor threads; 0: all */
	int no_nice;                 /* do not nice/ionice remote tools */
	int force;                   /* terminate sessions on the old database */
	int allow_older_local;       /* try a local server older than remote */
	int connect_timeout;         /* seconds; 0: 15 */
	int stall_timeout;           /* seconds without progress; 0: 120 */
	int heartbeat_timeout;       /* seconds of silence after which the server
	                                ends the pull, and siphon gives up on a
	                                silent server; 0: 60 */
};

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
};

/*
 * Copies opts->dbname from the server into the local database opts->into,
 * replacing it only when everything succeeded.  On failure the local
 * database is as it was.  stats may be NULL.
 */
int siphon_pull(struct siphon_ctx *ctx, const struct siphon_pull_opts *opts,
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
};

typedef void (*siphon_plan_fn)(void *arg, const struct siphon_plan_info *plan);

int siphon_plan(struct siphon_ctx *ctx, const struct siphon_pull_opts *opts,
                siphon_plan_fn fn, void *arg);

#endif
