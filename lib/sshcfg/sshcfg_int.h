/*
 * sshcfg_int.h - the pieces of the ssh_config reader behind sshcfg.h: the
 * line lexer, pattern matching, value parsers, token expansion and the
 * reading state that the per-key handlers fill.
 */
#ifndef SIPHON_SSHCFG_SSHCFG_INT_H
#define SIPHON_SSHCFG_SSHCFG_INT_H

#include "sshcfg/sshcfg.h"

#include <stddef.h>

/* Longer lines are refused: no real configuration comes near it. */
#define SSHCFG_LINE_MAX 16384
/* OpenSSH's READCONF_MAX_DEPTH. */
#define SSHCFG_INCLUDE_DEPTH 16
/* OpenSSH's SSH_MAX_IDENTITY_FILES, SSH_MAX_CERTIFICATE_FILES, SSH_MAX_HOSTS_FILES. */
#define SSHCFG_MAX_IDENTITY_FILES 100
#define SSHCFG_MAX_HOSTS_FILES 16

/* ---- lex.c: one line -------------------------------------------------- */

struct sshcfg_line {
	char keyword[40];  /* lowercased; a longer one is "" (an unknown key) */
	char *rest;     /* the raw text after the keyword and its separator */
	char **argv;    /* rest split as OpenSSH's argv_split, up to a comment */
	size_t argc;
};

enum {
	SSHCFG_LEX_OK = 0,
	SSHCFG_LEX_EMPTY = 1,     /* blank line or comment */
	SSHCFG_LEX_NOARG = -1,    /* a keyword without an argument */
	SSHCFG_LEX_QUOTES = -2,   /* an unterminated quote */
	SSHCFG_LEX_NOMEM = -3,
};

/*
 * Splits line (modified in place: trailing blanks and CR cut, keyword
 * lowercased) into *out.  Returns one of SSHCFG_LEX_*; on OK the caller
 * frees out with sshcfg_line_free().
 */
int sshcfg_lex(char *line, struct sshcfg_line *out);
void sshcfg_line_free(struct sshcfg_line *l);
/* argv_split alone: words of s with quotes and escapes removed. */
int sshcfg_argv_split(const char *s, int stop_at_comment, char ***argv, size_t *argc);
/* Frees n strings and their array (NULL: nothing). */
void sshcfg_strv_free(char **v, size_t n);

/* ---- match.c: patterns ------------------------------------------------ */

/* 1 when s matches the glob pattern (*, ?), byte for byte. */
int sshcfg_match_pattern(const char *s, const char *pattern);
/*
 * A comma-separated list of patterns, each possibly !negated (lowercased
 * first when dolower): 1 when one matched, -1 when a negated one matched,
 * 0 otherwise (OpenSSH's match_pattern_list).
 */
int sshcfg_match_list(const char *s, const char *list, int dolower);

/* ---- value.c: typed values -------------------------------------------- */

/* Seconds of an OpenSSH time ("90", "1m30s", "1h"), or -1. */
int sshcfg_parse_time(const char *s);
/* 1..65535, or -1. */
int sshcfg_parse_port(const char *s);
/* 0..INT_MAX, or -1. */
int sshcfg_parse_count(const char *s);
/* yes/true 1, no/false 0, else -1. */
int sshcfg_parse_flag(const char *s);
/* SIPHON_SHK_*, or SIPHON_SHK_UNSET when not one. */
enum siphon_strict_hostkey sshcfg_parse_strict(const char *s);

/* ---- expand.c: ~ and %-tokens ------------------------------------------ */

/* The values of the %-tokens for one host, once the settings are known. */
struct sshcfg_tokens {
	const char *h;  /* remote host name (HostName, expanded) */
	const char *n;  /* the host as typed */
	const char *p;  /* port */
	const char *r;  /* remote user */
	const char *u;  /* local user */
	const char *d;  /* local home */
	const char *l;  /* local host name */
	const char *L;  /* its first component */
	const char *i;  /* local uid */
	const char *k;  /* host key alias: the host as typed */
	const char *j;  /* the jump host nearest the target, or "" */
	const char *C;  /* hash of %l%h%p%r%j */
};

#define SSHCFG_X_TILDE 1u  /* a leading ~ or ~user */
#define SSHCFG_X_ENV   2u  /* ${VAR} */

/*
 * Expands in into *out with the tokens named in allowed (e.g. "hnpr"); %%
 * is always a %.  An unknown token, a missing variable or user:
 * SIPHON_EUSAGE naming where ("file:line") and key.  SIPHON_ENOMEM.
 */
int sshcfg_expand(struct siphon_ctx *ctx, const char *where, const char *key,
                  const char *in, const struct sshcfg_tokens *t, const char *allowed,
                  unsigned flags, const char *home, char **out);

/* ---- jump.c ------------------------------------------------------------- */

/* 0 when spec is a valid ProxyJump list, else -1. */
int sshcfg_jump_valid(const char *spec);

/* ---- read.c: the reading state ----------------------------------------- */

/* A value kept as written, with where it came from, until the end. */
struct sshcfg_raw {
	char *val;
	char *where;  /* "~/.ssh/config:12" */
};

struct sshcfg_rawlist {
	struct sshcfg_raw *v;
	size_t n;
};

struct sshcfg_state {
	struct siphon_ctx *ctx;
	const struct siphon_sshcfg_query *q;
	const char *home;
	const char *local_user;
	int final_pass;      /* the second pass, after a Match final */
	int want_final;      /* a Match final was seen */
	int exec_warned;
	int names_only;      /* collecting Host names (completion) */
	char *final_host;    /* the host name the final pass matches */

	/* The values obtained, first wins (raw: expanded at the end). */
	struct sshcfg_raw hostname;
	struct sshcfg_raw user;
	int port;
	struct sshcfg_rawlist identity_files;
	int identities_only;
	struct sshcfg_raw identity_agent;
	struct sshcfg_rawlist certificate_files;
	struct sshcfg_rawlist user_known_hosts;
	int user_known_hosts_set;
	struct sshcfg_rawlist global_known_hosts;
	int global_known_hosts_set;
	enum siphon_strict_hostkey strict_host_key;
	int hash_known_hosts;
	int connect_timeout;
	int server_alive_interval;
	int server_alive_count_max;
	struct sshcfg_raw proxy_jump;     /* "none" kept: it still blocks */
	struct sshcfg_raw proxy_command;  /* "none" kept: it still blocks */
	int proxy_jump_first;

	/* Host names for completion. */
	char **names;
	size_t n_names;
};

/*
 * One file at depth, included from the line from (NULL: a top file, which
 * errors then do not name); user: ~/.ssh relative Includes (else /etc/ssh);
 * mode (read.c's open_mode): whether a missing or unreadable file is an
 * error.  *active is the current block's state, carried across an Include
 * as OpenSSH does.
 */
int sshcfg_read_file(struct sshcfg_state *st, const char *from, const char *path, int user,
                     int mode, int depth, int never_match, int *active);
/* The files of the query, in order (one pass). */
int sshcfg_read_all(struct sshcfg_state *st);

/* keys.c: applies one line of a key siphon reads when active. */
int sshcfg_apply_key(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
                     int active);

/* Set a raw value from text. */
int sshcfg_raw_set(struct sshcfg_raw *r, const char *val, const char *where);
void sshcfg_raw_clear(struct sshcfg_raw *r);
int sshcfg_rawlist_add(struct sshcfg_rawlist *l, const char *val, const char *where);
void sshcfg_rawlist_clear(struct sshcfg_rawlist *l);

/* The current host name that Match host compares (as ssh's match_cfg_line). */
int sshcfg_match_host_name(struct sshcfg_state *st, char **out);

#endif
