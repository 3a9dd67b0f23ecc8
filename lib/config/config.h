/*
 * config.h - the profile file's inside: the file kept line by line, each
 * line's text as written, so that an edit rewrites only the lines it
 * changes (comments, order, blank lines and line ends stay), the way git
 * edits its config: parse, remember where each key's value sits, splice.
 */
#ifndef SIPHON_CONFIG_CONFIG_H
#define SIPHON_CONFIG_CONFIG_H

#include "siphon.h"

#include <stddef.h>
#include <stdint.h>

/* Bigger than any profile file; a bigger file is surely not one. */
#define SIPHON_CONFIG_MAX_BYTES (1024 * 1024)
/* Longest profile name and key. */
#define SIPHON_CONFIG_NAME_MAX 64

enum cfg_kind {
	CFG_BLANK = 0,
	CFG_COMMENT,
	CFG_SECTION,
	CFG_ENTRY,
};

enum cfg_eol {
	CFG_EOL_NONE = 0,   /* the last line, without an end */
	CFG_EOL_LF,
	CFG_EOL_CRLF,
	CFG_EOL_CR,         /* the last line, ending in a CR alone (a CRLF cut short) */
};

/* One line; its number is its index + 1. */
struct cfg_line {
	char *text;          /* the line as written, without its end; owned */
	enum cfg_eol eol;
	enum cfg_kind kind;
	char *name;          /* SECTION: the name; ENTRY: the key with '_' as
	                        '-'; else NULL; owned */
	char *value;         /* ENTRY: the value, unquoted; owned */
	size_t vstart, vend; /* ENTRY: the value as written (quotes and all)
	                        is text[vstart, vend) */
	size_t section;      /* ENTRY: the index of its section's line */
};

struct siphon_config {
	char *path;
	char *display;       /* path with the home directory as "~" */
	int exists;
	unsigned mode;       /* permission bits of the file (0600 for a new one) */
	int bom;             /* the file began with a UTF-8 byte order mark */
	enum cfg_eol new_eol;/* the end of lines an edit adds (the first line's) */
	struct cfg_line *lines;
	size_t n, cap;
};

/* An object over no lines (a missing file) named path.  0 or SIPHON_ENOMEM. */
int siphon_cfg_new(struct siphon_ctx *ctx, const char *path, struct siphon_config **out);

/*
 * Splits data into cfg's lines and checks the syntax: sections, keys and
 * values, quotes, duplicates.  Errors SIPHON_EUSAGE "FILE:LINE: ...".
 */
int siphon_cfg_parse_lines(struct siphon_ctx *ctx, struct siphon_config *cfg, const char *data,
                           size_t len);

/*
 * Checks every key and value against the option definitions, then the
 * secrets against cfg->mode.  front_end_keys as siphon_config_load's.
 */
int siphon_cfg_check(struct siphon_ctx *ctx, const struct siphon_config *cfg,
                     const char *const *front_end_keys);
/* The secrets check alone (before a write). */
int siphon_cfg_check_secrets(struct siphon_ctx *ctx, const struct siphon_config *cfg);

/* The line index of section name, or -1. */
long siphon_cfg_find_section(const struct siphon_config *cfg, const char *name);
/* The line index of key (normalized) in the section at line sec, or -1. */
long siphon_cfg_find_key(const struct siphon_config *cfg, size_t sec, const char *key);
/* key with '_' as '-' into buf; -1 when it does not fit or is no key. */
int siphon_cfg_norm_key(const char *key, char *buf, size_t cap);

/* Inserts a line at index at (lines after it move down).  0 or -1 (OOM). */
int siphon_cfg_insert(struct siphon_config *cfg, size_t at, const struct cfg_line *l);
void siphon_cfg_line_free(struct cfg_line *l);

/* The whole file as bytes (caller frees), *len its length; NULL: OOM. */
char *siphon_cfg_render(const struct siphon_config *cfg, size_t *len);

/*
 * Writes data to path atomically (temporary file in the same directory,
 * fsync, rename), creating missing directories 0700.  A new file gets
 * new_mode; an existing one keeps its mode.  display names it in messages.
 */
int siphon_cfg_write_file(struct siphon_ctx *ctx, const char *path, const char *display,
                          const char *data, size_t len, unsigned new_mode);

/* path with $HOME written "~" (caller frees); NULL: OOM. */
char *siphon_cfg_display_path(const char *path);

/* Creates the missing directories of path's parent, each 0700. */
int siphon_cfg_make_parents(struct siphon_ctx *ctx, const char *path, const char *display);

/*
 * A profile's state file: $XDG_STATE_HOME/siphon/ (else
 * ~/.local/state/siphon/) then prefix, the profile's name and suffix
 * ("last/", name, "" or "", name, ".lock").  0, or -1 for a bad name, no
 * home or no room.
 */
int siphon_cfg_state_path(const char *prefix, const char *name, const char *suffix, char *buf,
                          size_t cap);

/*
 * The same path into path, for a file about to be written: *display gets
 * it as messages write it (caller frees, also on failure), the missing
 * directories are made (0700).  what names the file in the error ("lock").
 */
int siphon_cfg_state_file(struct siphon_ctx *ctx, const char *what, const char *prefix,
                          const char *name, const char *suffix, char *path, size_t cap,
                          char **display);

/*
 * The next "key=value" line of the state files (a record, a lock) from
 * *p up to end: key and value point into the bytes, with their lengths
 * (the value without its line end).  A line without '=' has an empty key.
 * Returns 1 with a line, 0 at the end.
 */
struct siphon_cfg_kv {
	const char *key, *value;
	size_t klen, vlen;
};

int siphon_cfg_kv_next(const char **p, const char *end, struct siphon_cfg_kv *kv);
/* Whether kv's key is key. */
int siphon_cfg_kv_is(const struct siphon_cfg_kv *kv, const char *key);
/* kv's value as a decimal integer: 0, or -1 when it is none or out of range. */
int siphon_cfg_kv_int(const struct siphon_cfg_kv *kv, int64_t *out);
/*
 * Copies text (len bytes) into buf as one line: control characters become
 * '?', cut at a character boundary to fit cap.  Returns the length written.
 */
size_t siphon_cfg_one_line(char *buf, size_t cap, const char *text, size_t len);

/* The record as its file's bytes: the length, or -1 when it does not fit. */
int siphon_last_pull_format(const struct siphon_last_pull *lp, char *buf, size_t cap);
/* The record from its file's bytes: 0, or -1 when they hold no time. */
int siphon_last_pull_parse(const char *data, size_t len, struct siphon_last_pull *out);

/* Reads at most cap-1 bytes of path into buf (NUL-terminated): the length, or -1. */
long siphon_cfg_read_small(const char *path, char *buf, size_t cap);

/*
 * Rotates the log at path when it has reached max bytes: path.(keep-1)
 * becomes path.keep (the oldest dropped), ..., path becomes path.1.
 * Returns 0 (also when nothing was due), or SIPHON_ELOCAL.
 */
int siphon_cfg_log_rotate(struct siphon_ctx *ctx, const char *path, uint64_t max, int keep);

#endif
