/*
 * pg_local.h - the workstation's PostgreSQL, reached through the local psql
 * with the usual libpq environment (PGHOST, PGPORT, PGUSER, ~/.pgpass).
 */
#ifndef SIPHON_PG_LOCAL_H
#define SIPHON_PG_LOCAL_H

#include "util/ctx.h"
#include "util/strbuf.h"

/* psql's argv for dbname: -X -q -A -t, ON_ERROR_STOP.  Free with _free. */
char **siphon_pg_local_argv(const char *dbname);
/*
 * The same, but with lenient set psql goes on after a failed statement and
 * echoes it on stderr (-b): for --allow-older-local, which names every
 * statement the older server rejects.
 */
char **siphon_pg_local_argv_ex(const char *dbname, int lenient);
/* Logs, as warnings, the statements a lenient psql reported as failed. */
void siphon_pg_local_report_rejected(struct siphon_ctx *ctx, const char *what,
                                     const char *err);
void siphon_pg_local_argv_free(char **argv);

/*
 * "\restrict KEY\n" with a fresh key (32 bytes of OpenSSL's CSPRNG, in hex)
 * in buf: once psql has read it, no meta-command runs until "\unrestrict
 * KEY", which the server cannot know.  0, or -1 (cap too small, no
 * randomness).
 */
#define SIPHON_PG_RESTRICT_LINE_MAX 96
int siphon_pg_restrict_line(char *buf, size_t cap);

struct siphon_proc;
/*
 * Starts a local psql on dbname (lenient as for _argv_ex) whose first input
 * is siphon's own \restrict line, so that nothing the server sends can run
 * a meta-command (\!, \o |cmd, \copy ... program) on this machine.
 */
int siphon_pg_local_spawn(struct siphon_proc **out, struct siphon_ctx *ctx, const char *what,
                          const char *dbname, int lenient, size_t out_max);

/* 1 when psql major.minor knows \restrict (13.22, 14.19, 15.14, 16.10, 17.6, 18+). */
int siphon_pg_psql_has_restrict(int major, int minor);
/* "psql (PostgreSQL) 15.18 (Debian ...)" -> 15, 18.  0, or -1 when unreadable. */
int siphon_pg_psql_parse_version(const char *text, int *major, int *minor);
/* The local psql runs and knows \restrict; else SIPHON_EVERSION naming the releases. */
int siphon_pg_local_psql_check(struct siphon_ctx *ctx);
/*
 * Warns once when the local role is a superuser or may run programs or
 * read/write files as the server: restoring a hostile dump runs its SQL
 * with those rights.  *superuser: is it one (what needs one is left out
 * otherwise).
 */
int siphon_pg_local_role_warning(struct siphon_ctx *ctx, int *superuser);

/*
 * Runs sql in dbname (after siphon's \restrict line) and returns psql's output in *out (caller frees).
 * Failure: SIPHON_ELOCAL with psql's message.
 */
int siphon_pg_local_query(struct siphon_ctx *ctx, const char *dbname,
                          const char *sql, char **out);

/* The local server's server_version_num. */
int siphon_pg_local_version(struct siphon_ctx *ctx, int *num);

/* 1 when the database exists, 0 when not; *sessions: others connected. */
int siphon_pg_local_db_state(struct siphon_ctx *ctx, const char *dbname,
                             int *exists, int *sessions);

/*
 * The local databases named like siphon's temporaries (siphon_tmp_... and
 * siphon_old_..., util/tmpname.h), any machine's, one per line in *names.
 */
int siphon_pg_local_list_temps(struct siphon_ctx *ctx, char **names);
/* DROP DATABASE IF EXISTS name (WITH (FORCE) from PostgreSQL 13). */
int siphon_pg_local_drop_db(struct siphon_ctx *ctx, const char *name, int local_num);

/*
 * The local server's data directory, when this user may read the setting
 * and it is on this machine; *dir NULL otherwise (not an error).
 */
int siphon_pg_local_datadir(struct siphon_ctx *ctx, char **dir);

/* Extensions of the list that the local server cannot install; "" if none. */
int siphon_pg_local_missing_extensions(struct siphon_ctx *ctx, char **names,
                                       int n, struct siphon_strbuf *missing);

#endif
