/*
 * opt.h - the option registry's inside: the values object behind the public
 * struct siphon_opts, the core and SSH definitions, typed getters that take
 * a definition (engines read their own options with them), and the resolved
 * view the core code reads during a pull.
 *
 * Defaults and bounds live only in the definitions: code reads resolved
 * values and never falls back to a number of its own.
 */
#ifndef SIPHON_OPT_OPT_H
#define SIPHON_OPT_OPT_H

#include "siphon.h"

#include <stddef.h>

#define SIPHON_OPT_ERR_MAX 512

/* One definition's value. */
struct siphon_opt_value {
	int set;                       /* given (origin above the default) */
	enum siphon_opt_origin origin;
	int num;                       /* INT; FLAG 1/0; CHOICE index or -1 */
	char *text;                    /* the value as text (the default's when
	                                  unset), NULL when none; owned */
	char *where;                   /* where it came from; NULL; owned */
};

struct siphon_opts {
	size_t n;
	const struct siphon_optdef **defs;  /* owned array, borrowed definitions */
	struct siphon_opt_value *v;         /* n values, defs[i]'s in v[i] */
	/*
	 * A definition whose choices are filled when the object is made
	 * (--engine: the registered engines' names and aliases).
	 */
	struct siphon_optdef filled;
	const char **filled_choices;        /* owned, NULL-ended */
	char errmsg[SIPHON_OPT_ERR_MAX];
};

/* The core options and the SSH ones, each ending with name NULL. */
extern const struct siphon_optdef siphon_opt_core[];
extern const struct siphon_optdef siphon_opt_ssh[];
/* The run around a pull: its hooks (opt_run.c). */
extern const struct siphon_optdef siphon_opt_run[];

/*
 * Sets up opts over the n definitions defs (copied), every value unset with
 * its default.  Returns 0, SIPHON_ENOMEM, or SIPHON_EINTERNAL when a
 * default does not fit its own definition (message in opts->errmsg).
 * Release with siphon_opts_clear() whatever it returned.
 */
int siphon_opts_init(struct siphon_opts *opts, const struct siphon_optdef *const *defs, size_t n);
void siphon_opts_clear(struct siphon_opts *opts);

/* The value of d (looked up by its name); NULL when opts does not hold it. */
const struct siphon_opt_value *siphon_opt_value(const struct siphon_opts *opts,
                                                const struct siphon_optdef *d);
/* Typed getters by definition: as siphon_opts_int and siphon_opts_str. */
int siphon_opt_int(const struct siphon_opts *opts, const struct siphon_optdef *d);
const char *siphon_opt_str(const struct siphon_opts *opts, const struct siphon_optdef *d);

/* A server, [user@]host[:port], split; the pointers are into buf. */
struct siphon_opt_server {
	char buf[512];
	const char *user;        /* NULL: none given */
	const char *host;        /* without an IPv6 address's brackets */
	int port;                /* 0: none given */
};

/*
 * Splits spec into out.  Returns 0, or -1 with why ("bad port ...") in
 * why.
 */
int siphon_opt_server_split(const char *spec, struct siphon_opt_server *out, char *why,
                            size_t whycap);

/* "SIPHON_JOBS" for jobs: 0, or -1 when it does not fit in cap. */
int siphon_opt_env_name(const struct siphon_optdef *d, char *buf, size_t cap);

/* The option name nearest to word (a typo of it), or NULL when none is near. */
const char *siphon_opts_suggest(const struct siphon_opts *opts, const char *word);

/*
 * What the core code of a pull reads: the resolved values, defaults filled
 * in.  Strings are borrowed from the options object, which outlives the
 * pull.  The engines' own options are not here: each engine reads them
 * with siphon_opt_int/siphon_opt_str and its own definitions.
 */
struct siphon_pull_opts {
	const char *user;        /* SSH user; NULL: $USER */
	const char *host;        /* SSH host name or address */
	int port;
	const char *dbname;      /* remote database (SQLite: the file's path) */
	const char *into;        /* local database; NULL: dbname (SQLite: a
	                            file path; NULL: dbname's base name here) */
	int jobs;                /* parallel channels; 0 when unset: chosen */
	enum siphon_compress compress;
	int level;               /* 0 when unset: chosen (negative: zstd --fast) */
	const char *identity;    /* -i key file; NULL: the usual files */
	const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
	int accept_new_host_key;
	const char *engine;      /* an engine's name or alias; NULL: decide */
	const char *remote_sudo; /* run remote tools as this user; NULL */
	int remote_threads;      /* cap on compressor threads; 0 when unset: all */
	int no_nice;             /* do not nice/ionice remote tools */
	int force;               /* terminate sessions on the old database */
	int keep_previous;       /* keep the replaced copy for rollback */
	int keep_pristine;       /* keep an untouched copy of the pull for reset */
	int snapshot_only;       /* only the snapshot: the engines run their
	                            remote side alone, nothing local */
	int allow_older_local;   /* try a local server older than remote */
	int connect_timeout;     /* seconds */
	const char *jump;        /* -J: jump hosts "[user@]host[:port],..."; NULL or "none" */
	const char *proxy_command; /* reaches the first hop; NULL or "none" */
	int stall_timeout;       /* seconds without progress */
	int heartbeat_timeout;   /* seconds of silence after which the server
	                            ends the pull, and siphon gives up on a
	                            silent server */
	int retries;             /* reconnects after a lost connection */
	int resume;              /* go on with an interrupted pull's kept copy */
};

/*
 * Fills out from opts and checks what no single value can: options that
 * contradict each other.  Returns 0, or SIPHON_EUSAGE with the message in
 * err.
 */
int siphon_opts_resolve(const struct siphon_opts *opts, struct siphon_pull_opts *out,
                        char *err, size_t errcap);

#endif
