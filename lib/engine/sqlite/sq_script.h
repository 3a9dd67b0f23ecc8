/*
 * sq_script.h - the pure parts of the SQLite engine: the remote scripts, the
 * parsers of what they and sqlite3 print, the local names.  Nothing here
 * does I/O, so the unit tests cover all of it (and run the scripts).
 *
 * The remote scripts are constant POSIX sh text: every path travels as a
 * positional argument, quoted once by siphon_sh_quote(), and the source is
 * opened through a file: URI whose every byte is %-encoded by the script
 * itself, so no file name is ever parsed as shell, SQL, an option or a URI.
 */
#ifndef SIPHON_SQ_SCRIPT_H
#define SIPHON_SQ_SCRIPT_H

#include "util/strbuf.h"

/* VACUUM INTO arrived in SQLite 3.27.0. */
#define SIPHON_SQ_MIN_VERSION 3027000
/* The local sqlite3's -safe mode arrived in 3.37.0. */
#define SIPHON_SQ_MIN_LOCAL 3037000

/* What the inspection script found on the server. */
struct siphon_sq_facts {
	int ok;                 /* the end marker arrived */
	char version[64];       /* "3.40.1", "" when sqlite3 printed nothing */
	int vnum;               /* 3040001, -1 unknown */
	long uid;               /* of the user that reads the file, -1 unknown */
	int exists, is_dir, is_file, readable, writable;
	int dir_writable;       /* the file's directory */
	int dir_blocked;        /* no such file, in a directory this user cannot enter */
	int shm_exists;         /* PATH-shm is there (the database is open) */
	char owner[64];         /* the file's owner (a blocked directory's), as ls prints it */
	long long size;         /* of the main file; -1 unknown */
	long long wal_size;     /* of PATH-wal; -1 when there is none */
	int header;             /* 1 "SQLite format 3", 0 something else, -1 unread */
	int wal_mode;           /* the header says WAL (bytes 18 and 19 are 2) */
	char tmpdir[256];       /* the server's temporary directory */
	long long tmp_free;     /* bytes free there; -1 unknown */
	int opened;             /* 1 sqlite3 read the page counts, 0 it failed, -1 not tried */
	long long page_count, freelist_count, page_size;
	char open_err[256];     /* sqlite3's first line when opened == 0 */
	char bad[96];           /* the first number out of range ("" when none) */
};

/*
 * What SQLite allows, so that arithmetic on numbers from the server never
 * overflows: a page size is a power of two from 512 to 65536, a database
 * has at most 4294967294 pages; file sizes above 2^60 are not believed.
 */
#define SIPHON_SQ_MAX_PAGES 4294967294LL
#define SIPHON_SQ_MAX_BYTES (1LL << 60)

/* A page size SQLite can have. */
int siphon_sq_page_size_ok(long long ps);

/*
 * The inspection: `sh -c SCRIPT siphon-sqlite NICE SQLITE3 SOURCE` prints
 * "key value" lines (facts about the file, the server's temporary
 * directory, sqlite3's version and the page counts) and "end".  It reads
 * only; it does not open the database when that would leave behind -wal and
 * -shm files that the owner cannot write (see siphon_sq_inspect_parse).
 */
const char *siphon_sq_inspect_script(void);

/*
 * The copy: `sh -c SCRIPT siphon-sqlite NICE SQLITE3 SOURCE HEARTBEAT`.
 * Makes a private directory (mktemp -d) under ${TMPDIR:-/tmp} named
 * siphon-sqlite.*, removing this user's ones older than a day first; runs
 * VACUUM INTO into it (one read transaction) while printing a heartbeat
 * trailer on stderr every HEARTBEAT seconds (and killing sqlite3 when
 * stderr is gone: the client left); prints the copy's facts on stderr, then
 * the copy on stdout.  The directory is removed on exit, HUP, INT, TERM and
 * PIPE.  Exit 70: the script itself failed (its message on stderr).
 */
const char *siphon_sq_copy_script(void);

/*
 * Appends the stage that runs script: PREFIX -c 'SCRIPT' siphon-sqlite
 * "$NICE" 'SQLITE3' 'SOURCE' ['EXTRA'], where prefix is the quoted shell
 * (siphon_eng_tool_prefix of /bin/sh: with --remote-sudo, the whole script
 * runs as that user).  0 or -1 (no memory).
 */
int siphon_sq_stage(struct siphon_strbuf *sb, const char *prefix,
                    const char *script, const char *sqlite3,
                    const char *source, const char *extra);

/*
 * Parses the inspection's stdout.  0, or -1 when "end" is missing.  A size
 * or page count out of range is named in f->bad (and not used).
 */
int siphon_sq_inspect_parse(struct siphon_sq_facts *f, const char *out);

/*
 * Comparable version from "3.40.1 2022-12-28 ..." (3040001); -1 if none.
 * Writes the dotted version into buf when buf is not NULL.
 */
int siphon_sq_version_parse(const char *s, char *buf, size_t cap);

/* What the copy script reported on stderr, and the local read-back. */
struct siphon_sq_meta {
	int nsrc;                    /* source readings: before, after VACUUM */
	long long src_uv[2], src_aid[2];
	int have_copy;
	long long uv, aid;           /* PRAGMA user_version, application_id */
	long long tables;            /* user tables (not sqlite_*) */
	long long pages, page_size;  /* checked: their product cannot overflow */
	char bad[96];                /* the first number out of range ("" when none) */
};

/*
 * Parses the copy script's stderr lines.  Returns 0 (fields left 0); a
 * number out of range (user_version and application_id are 32-bit, pages
 * and page size as above) is named in m->bad.
 */
int siphon_sq_meta_parse(struct siphon_sq_meta *m, const char *err);

/*
 * Do the copy's user_version and application_id need to be carried over
 * from the source?  Only when the source read the same values before and
 * after VACUUM INTO (nothing changed them meanwhile) and the copy has
 * others.  Returns 1 and the values, or 0.
 */
int siphon_sq_need_carry(const struct siphon_sq_meta *m, long long *uv,
                         long long *aid);

/* The local check of the received copy. */
struct siphon_sq_check {
	int have_uv, have_tables, have_jm;
	long long uv, aid, tables;
	char journal_mode[16];
	int integrity_ok;            /* integrity_check said exactly "ok" */
	int nproblems;
	char problem[256];           /* the first line it said otherwise */
};

/*
 * The SQL of the local check: optionally PRAGMA journal_mode=WAL and the
 * carried-over user_version/application_id, then the read-back and
 * integrity_check as keyed rows.
 */
int siphon_sq_check_sql(struct siphon_strbuf *sb, int set_wal, int carry,
                        long long uv, long long aid);
int siphon_sq_check_parse(struct siphon_sq_check *c, const char *out);

/*
 * sqlite3 names the source by the %-encoded URI it was opened with: puts
 * the path back in its place in line (a NUL-terminated buffer of cap).
 */
void siphon_sq_tidy_line(char *line, size_t cap, const char *path);

/*
 * The local file a pull writes when --into is not given: the remote path's
 * base name, in the current directory.  -1 when there is none ("/",
 * "dir/", "..").  The result is relative ("app.db").
 */
int siphon_sq_default_into(struct siphon_strbuf *sb, const char *remote);

/*
 * A path that no program can take for an option or a file: URI: relative
 * paths get "./" in front.
 */
int siphon_sq_safe_path(struct siphon_strbuf *sb, const char *path);

/*
 * The prefix of the temporary files for target base name base, in the
 * target's directory: ".BASE." (base cut to 190 bytes); the name goes on
 * with a temporary name of util/tmpname.h and "-XXXXXX" (mkostemp).
 */
int siphon_sq_tmp_prefix(struct siphon_strbuf *sb, const char *base);

#endif
