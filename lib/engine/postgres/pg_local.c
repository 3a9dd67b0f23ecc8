/* pg_local.c - short queries against the local PostgreSQL through psql. */
#include "engine/postgres/pg_local.h"

#include "engine/postgres/pg_catalog.h"
#include "loop/proc.h"
#include "util/path.h"
#include "util/random.h"
#include "engine/postgres/pg_sql.h"
#include "util/tmpname.h"

#include <openssl/crypto.h>

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char **
siphon_pg_local_argv(const char *dbname)
{
	return siphon_pg_local_argv_ex(dbname, 0);
}

void
siphon_pg_local_report_rejected(struct siphon_ctx *ctx, const char *what,
                                const char *err)
{
	const char *p = err;
	int n = 0;

	while (*p != '\0') {
		size_t len = strcspn(p, "\n");

		if (len > 0 && n < 50)
			siphon_log(ctx, SIPHON_LOG_WARN, "the local server rejected (%s): %.*s",
			           what, (int)len, p);
		n += len > 0;
		p += len;
		if (*p == '\n')
			p++;
	}
	if (n > 50)
		siphon_log(ctx, SIPHON_LOG_WARN, "... and %d more lines", n - 50);
}

/*
 * The psql to run.  On Debian /usr/bin/psql is pg_wrapper, a Perl script
 * that costs ~25 ms of CPU a start before it runs the real binary: siphon
 * starts psql often, so it goes to the newest versioned binary itself.
 * Anything else found in PATH is used as it is.
 */
static void
psql_path(char *buf, size_t cap)
{
	const char *path = getenv("PATH");
	char cand[PATH_MAX], real[PATH_MAX];
	glob_t g;
	int best = -1, bestv = -1;

	snprintf(buf, cap, "psql");
	if (siphon_path_find(path, "psql", cand, sizeof(cand)) != 0 || realpath(cand, real) == NULL ||
	    strstr(real, "pg_wrapper") == NULL)
		return;
	if (glob("/usr/lib/postgresql/*/bin/psql", 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		int v = atoi(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"));

		if (v > bestv && access(g.gl_pathv[i], X_OK) == 0) {
			bestv = v;
			best = (int)i;
		}
	}
	if (best >= 0)
		snprintf(buf, cap, "%s", g.gl_pathv[best]);
	globfree(&g);
}

char **
siphon_pg_local_argv_ex(const char *dbname, int lenient)
{
	char psql[PATH_MAX];
	const char *fixed[10];
	struct siphon_strbuf ci = {0};
	char **argv;
	size_t i, n = 0;

	fixed[n++] = psql;
	fixed[n++] = "-X";
	fixed[n++] = "-q";
	fixed[n++] = "-A";
	fixed[n++] = "-t";
	fixed[n++] = "-v";
	fixed[n++] = lenient ? "ON_ERROR_STOP=0" : "ON_ERROR_STOP=1";
	if (lenient)
		fixed[n++] = "-b";      /* echo each failed statement on stderr */
	fixed[n++] = "-d";

	psql_path(psql, sizeof(psql));
	if ((argv = calloc(n + 2, sizeof(*argv))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if ((argv[i] = strdup(fixed[i])) == NULL)
			goto fail;
	if (siphon_pg_conninfo(&ci, dbname) != 0)
		goto fail;
	argv[n] = siphon_strbuf_take(&ci);
	if (argv[n] == NULL)
		goto fail;
	return argv;
fail:
	siphon_strbuf_free(&ci);
	siphon_pg_local_argv_free(argv);
	return NULL;
}

void
siphon_pg_local_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (char **p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}

/* Trims trailing newlines and keeps the first line of a psql message. */
static void
first_line(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

int
siphon_pg_restrict_line(char *buf, size_t cap)
{
	/* "\restrict " + 32 random bytes in hex + "\n" */
	if (cap < sizeof("\\restrict \n") + 64)
		return -1;
	memcpy(buf, "\\restrict ", 10);
	if (siphon_random_hex(buf + 10, cap - 10, 32) != 0)
		return -1;
	memcpy(buf + 74, "\n", 2);
	return 0;
}

int
siphon_pg_local_spawn(struct siphon_proc **out, struct siphon_ctx *ctx, const char *what,
                      const char *dbname, int lenient, size_t out_max)
{
	char **argv = siphon_pg_local_argv_ex(dbname, lenient);
	char line[SIPHON_PG_RESTRICT_LINE_MAX];
	int r;

	*out = NULL;
	if (argv == NULL || siphon_pg_restrict_line(line, sizeof(line)) != 0) {
		siphon_pg_local_argv_free(argv);
		return siphon_err(ctx, SIPHON_ENOMEM, "cannot prepare the local psql (out of memory or no randomness)");
	}
	r = siphon_proc_spawn(out, ctx, what, argv, out_max);
	siphon_pg_local_argv_free(argv);
	/* Before any byte of the server's: no meta-command from here on. */
	if (r == 0 && (r = siphon_proc_queue(*out, line, strlen(line))) != 0) {
		siphon_proc_free(*out);
		*out = NULL;
	}
	OPENSSL_cleanse(line, sizeof(line));
	return r;
}

/* Runs sql after siphon's \restrict line: the exit status, or a negative code. */
static int
run_restricted(struct siphon_ctx *ctx, char **argv, const char *sql, char **out, char **err)
{
	struct siphon_strbuf in = {0};
	char line[SIPHON_PG_RESTRICT_LINE_MAX];
	int st;

	if (siphon_pg_restrict_line(line, sizeof(line)) != 0 ||
	    siphon_strbuf_puts(&in, line) != 0 || siphon_strbuf_puts(&in, sql) != 0) {
		siphon_strbuf_free(&in);
		return siphon_err(ctx, SIPHON_ENOMEM, "cannot prepare the local psql (out of memory or no randomness)");
	}
	st = siphon_proc_run(ctx, argv, siphon_strbuf_str(&in), out, err);
	OPENSSL_cleanse(line, sizeof(line));
	siphon_strbuf_free(&in);
	return st;
}

int
siphon_pg_local_query(struct siphon_ctx *ctx, const char *dbname,
                      const char *sql, char **out)
{
	char **argv = siphon_pg_local_argv(dbname);
	char *err = NULL;
	int st, r = 0;

	*out = NULL;
	if (argv == NULL)
		return siphon_err_oom(ctx);
	st = run_restricted(ctx, argv, sql, out, &err);
	if (st < 0) {
		r = st;
		goto out;
	}
	if (st != 0 && strcmp(dbname, "postgres") == 0 &&
	    strstr(err, "database \"postgres\" does not exist") != NULL) {
		/* Some installations drop the maintenance database: use template1. */
		free(*out);
		free(err);
		*out = err = NULL;
		siphon_pg_local_argv_free(argv);
		if ((argv = siphon_pg_local_argv("template1")) == NULL)
			return siphon_err_oom(ctx);
		if ((st = run_restricted(ctx, argv, sql, out, &err)) < 0) {
			r = st;
			goto out;
		}
	}
	if (st != 0) {
		first_line(err);
		if (strstr(err, "could not connect") != NULL ||
		    strstr(err, "connection to server") != NULL)
			r = siphon_err(ctx, SIPHON_ELOCAL,
			               "cannot reach the local PostgreSQL server: %s (start it, or set PGHOST/PGPORT/PGUSER)",
			               err);
		else
			r = siphon_err(ctx, SIPHON_ELOCAL, "local psql failed: %s", err);
		free(*out);
		*out = NULL;
	}
out:
	free(err);
	siphon_pg_local_argv_free(argv);
	return r;
}

int
siphon_pg_local_version(struct siphon_ctx *ctx, int *num)
{
	char *out = NULL;
	int r;

	*num = 0;
	if ((r = siphon_pg_local_query(ctx, "postgres",
	                               "SELECT current_setting('server_version_num');", &out)) != 0)
		return r;
	*num = atoi(out);
	free(out);
	if (*num <= 0)
		return siphon_err(ctx, SIPHON_ELOCAL, "cannot read the local server's version");
	return 0;
}

int
siphon_pg_psql_has_restrict(int major, int minor)
{
	/* The 2025-08 security releases brought \restrict to every supported branch. */
	static const int first[][2] = {{13, 22}, {14, 19}, {15, 14}, {16, 10}, {17, 6}};

	if (major >= 18)
		return 1;
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		if (major == first[i][0])
			return minor >= first[i][1];
	return 0;
}

int
siphon_pg_psql_parse_version(const char *text, int *major, int *minor)
{
	const char *p = strstr(text, "(PostgreSQL) ");
	char *end;
	long a, b = 0;

	*major = *minor = 0;
	if (p == NULL)
		return -1;
	p += strlen("(PostgreSQL) ");
	a = strtol(p, &end, 10);
	if (end == p || a <= 0 || a > 1000)
		return -1;
	if (*end == '.') {
		p = end + 1;
		b = strtol(p, &end, 10);
		if (end == p || b < 0 || b > 100000)
			return -1;
		/* 9.6.24: the minor release is the third number. */
		if (a < 10 && *end == '.') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < 0 || b > 100000)
				return -1;
		}
	}
	*major = (int)a;
	*minor = (int)b;
	return 0;
}

int
siphon_pg_local_psql_check(struct siphon_ctx *ctx)
{
	char psql[PATH_MAX], *out = NULL, *err = NULL;
	char *argv[] = {psql, "--version", NULL};
	int st, major, minor, r = 0;

	psql_path(psql, sizeof(psql));
	if ((st = siphon_proc_run(ctx, argv, NULL, &out, &err)) < 0)
		return st;
	if (st != 0 || siphon_pg_psql_parse_version(out, &major, &minor) != 0) {
		r = siphon_err(ctx, SIPHON_ELOCAL,
		               "cannot run the local psql (%s): install the PostgreSQL client (Debian: postgresql-client)",
		               psql);
		goto out;
	}
	if (!siphon_pg_psql_has_restrict(major, minor))
		r = siphon_err(ctx, SIPHON_EVERSION,
		               "the local psql %d.%d is too old to be fed a server's dump safely (no \\restrict): "
		               "update it to 13.22, 14.19, 15.14, 16.10, 17.6, 18 or newer",
		               major, minor);
out:
	free(out);
	free(err);
	return r;
}

int
siphon_pg_local_role_warning(struct siphon_ctx *ctx, int *superuser)
{
	char *out = NULL;
	int r;

	*superuser = 0;
	/* Superuser, or a member of a role that may run programs or touch files on this machine. */
	r = siphon_pg_local_query(ctx, "postgres",
	        "SELECT CASE WHEN r.rolsuper THEN 's' "
	        "WHEN pg_catalog.pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') "
	        "  OR pg_catalog.pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') "
	        "  OR pg_catalog.pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') THEN 'f' "
	        "ELSE 'n' END || ' ' || current_user FROM pg_catalog.pg_roles r WHERE r.rolname = current_user;",
	        &out);
	if (r != 0)
		return r;
	*superuser = out[0] == 's';
	if (out[0] == 's' || out[0] == 'f') {
		out[strcspn(out, "\n")] = '\0';
		siphon_log(ctx, SIPHON_LOG_WARN,
		           "the local role \"%s\" is %s: the copy's functions, constraints and index expressions run with "
		           "its rights while they are restored, so a hostile server could reach files or programs on this "
		           "machine; pull as a role that is not (createdb is enough: PGUSER=...)",
		           out + 2, out[0] == 's' ? "a superuser" : "allowed to run programs or read and write server files");
	}
	free(out);
	return 0;
}

int
siphon_pg_local_db_state(struct siphon_ctx *ctx, const char *dbname,
                         int *exists, int *sessions)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int r;

	*exists = *sessions = 0;
	if (siphon_strbuf_puts(&q, "SELECT count(*) FROM pg_catalog.pg_database WHERE datname = ") != 0 ||
	    siphon_pg_literal(&q, dbname) != 0 ||
	    siphon_strbuf_puts(&q, ";\nSELECT count(*) FROM pg_catalog.pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' AND datname = ") != 0 ||
	    siphon_pg_literal(&q, dbname) != 0 ||
	    siphon_strbuf_puts(&q, ";\n") != 0) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	if ((r = siphon_pg_local_query(ctx, "postgres", siphon_strbuf_str(&q), &out)) != 0)
		goto out;
	*exists = atoi(out) > 0;
	if (strchr(out, '\n') != NULL)
		*sessions = atoi(strchr(out, '\n') + 1);
out:
	free(out);
	siphon_strbuf_free(&q);
	return r;
}

int
siphon_pg_local_missing_extensions(struct siphon_ctx *ctx, char **names, int n,
                                   struct siphon_strbuf *missing)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int r = 0, i;

	if (n == 0)
		return 0;
	/* One row per missing name, hex so that any name survives. */
	if (siphon_strbuf_puts(&q, "SELECT u.n FROM (VALUES ") != 0)
		goto oom;
	for (i = 0; i < n; i++) {
		if ((i > 0 && siphon_strbuf_puts(&q, ", ") != 0) ||
		    siphon_strbuf_puts(&q, "(") != 0 ||
		    siphon_pg_literal(&q, names[i]) != 0 ||
		    siphon_strbuf_puts(&q, ")") != 0)
			goto oom;
	}
	if (siphon_strbuf_puts(&q, ") AS u(n) WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions a WHERE a.name = u.n) ORDER BY 1;\n") != 0)
		goto oom;
	if ((r = siphon_pg_local_query(ctx, "postgres", siphon_strbuf_str(&q), &out)) != 0)
		goto out;
	for (char *p = out; *p != '\0';) {
		size_t len = strcspn(p, "\n");

		if (len > 0) {
			if ((missing->len > 0 && siphon_strbuf_puts(missing, ", ") != 0) ||
			    siphon_strbuf_append(missing, p, len) != 0)
				goto oom;
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	goto out;
oom:
	r = siphon_err_oom(ctx);
out:
	free(out);
	siphon_strbuf_free(&q);
	return r;
}

int
siphon_pg_local_list_temps(struct siphon_ctx *ctx, char **names)
{
	return siphon_pg_local_query(ctx, "postgres",
	        "SELECT datname FROM pg_catalog.pg_database "
	        "WHERE datname ~ '^siphon_(tmp|old)_[0-9a-f]{8}_[0-9]+_[0-9]+$';", names);
}

int
siphon_pg_local_drop_db(struct siphon_ctx *ctx, const char *name, int local_num)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int r;

	if (siphon_strbuf_puts(&q, "DROP DATABASE IF EXISTS ") != 0 || siphon_pg_ident(&q, name) != 0 ||
	    siphon_strbuf_puts(&q, local_num >= 130000 ? " WITH (FORCE);\n" : ";\n") != 0)
		r = siphon_err_oom(ctx);
	else
		r = siphon_pg_local_query(ctx, "postgres", siphon_strbuf_str(&q), &out);
	free(out);
	siphon_strbuf_free(&q);
	return r;
}

int
siphon_pg_local_datadir(struct siphon_ctx *ctx, char **dir)
{
	char *out = NULL;
	size_t n;

	*dir = NULL;
	/* Only superusers and pg_read_all_settings may see it: no error otherwise. */
	if (siphon_pg_local_query(ctx, "postgres",
	        "SELECT CASE WHEN pg_catalog.current_setting('data_directory', true) IS NOT NULL "
	        "THEN pg_catalog.current_setting('data_directory', true) END;", &out) != 0) {
		siphon_err_clear(ctx);
		return 0;
	}
	n = strcspn(out, "\n");
	out[n] = '\0';
	if (out[0] == '/')
		*dir = out;
	else
		free(out);
	return 0;
}
