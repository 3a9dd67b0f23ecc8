/*
 * my_local.c - the workstation's MySQL/MariaDB: its client and connection,
 * the checks made before anything is copied, the staging database and the
 * per-table loaders.
 */
#include "engine/mysql/my_pull_int.h"

#include "engine/mysql/my_batch.h"
#include "engine/mysql/my_options.h"
#include "engine/mysql/my_sql.h"
#include "util/clock.h"
#include "util/ctx.h"
#include "util/path.h"
#include "util/tmpname.h"
#include "util/hex.h"
#include "util/words.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* What every loader and script session sets first. */
#define LOAD_SETTINGS \
	"SET SESSION foreign_key_checks = 0, unique_checks = 0," \
	" sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00';\n"

static int
add_arg(struct my_local *l, const char *a)
{
	char **v = realloc(l->argv, (size_t)(l->nargv + 2) * sizeof(*v));

	if (v == NULL)
		return -1;
	l->argv = v;
	if ((v[l->nargv] = strdup(a)) == NULL)
		return -1;
	v[++l->nargv] = NULL;
	return 0;
}

static int
emit_arg(void *arg, const char *word)
{
	return add_arg(arg, word);
}

void
my_local_clear(struct my_local *l)
{
	int i;

	for (i = 0; i < l->nargv; i++)
		free(l->argv[i]);
	free(l->argv);
	free(l->datadir);
	free(l->collations);
	free(l->engines);
	memset(l, 0, sizeof(*l));
}

/* argv + extra words, NULL-ended, borrowed strings; free the array only. */
static char **
argv_with(const struct my_local *l, const char *const *extra, int nextra)
{
	char **v = calloc((size_t)(l->nargv + nextra + 1), sizeof(*v));
	int i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < l->nargv; i++)
		v[i] = l->argv[i];
	for (i = 0; i < nextra; i++)
		v[l->nargv + i] = (char *)extra[i];
	return v;
}

/* The most telling line of a client's stderr. */
static const char *
err_line(const char *err, char *buf, size_t cap)
{
	static const char *const keys[] = {"ERROR ", NULL};

	return siphon_eng_key_line(err != NULL ? err : "", keys, buf, cap);
}

/* lenient: --force, and the exit status does not matter (a read that may meet errors). */
static int
local_sql_ctx(struct my *my, struct siphon_ctx *ctx, const char *sql, char **out, const char *what,
              int lenient)
{
	static const char *const force[] = {"--force"};
	char **argv = argv_with(&my->local, force, lenient ? 1 : 0);
	char *o = NULL, *e = NULL, line[512];
	int st, r = 0;

	if (argv == NULL)
		return siphon_err_oom(ctx);
	st = siphon_proc_run(ctx, argv, sql, &o, &e);
	free(argv);
	if (st < 0) {
		r = st;
		goto out;
	}
	if (st != 0 && !lenient) {
		r = siphon_err(ctx, SIPHON_ELOCAL, "%s failed on the local server: %s", what,
		               err_line(e, line, sizeof(line)));
		goto out;
	}
	if (out != NULL) {
		*out = o;
		o = NULL;
	}
out:
	free(o);
	free(e);
	return r;
}

int
my_local_sql(struct my *my, const char *sql, char **out, const char *what)
{
	return local_sql_ctx(my, my->ctx, sql, out, what, 0);
}

int
my_local_read(struct my *my, const char *sql, char **out, const char *what)
{
	return local_sql_ctx(my, my->ctx, sql, out, what, 1);
}

static int
hex_copy(const char *hex, size_t len, char *dst, size_t cap)
{
	char *v = NULL;

	if (siphon_hex_decode(hex, len, &v) != 0)
		return -1;
	snprintf(dst, cap, "%s", v);
	free(v);
	return 0;
}

/* The local server's full collation names (MariaDB 10.10+), added to its list. */
static int
add_full_collations(struct my *my, char **argv)
{
	struct my_local *l = &my->local;
	char *out = NULL, *e = NULL, *p, *q, line[512];
	int st, r = 0;

	st = siphon_proc_run(my->ctx, argv,
	                     "SELECT FULL_COLLATION_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY"
	                     " WHERE FULL_COLLATION_NAME <> COLLATION_NAME;\n", &out, &e);
	if (st < 0) {
		r = st;
		goto out;
	}
	if (st != 0) {
		r = siphon_err(my->ctx, SIPHON_ELOCAL, "reading the local server's collations failed: %s",
		               err_line(e, line, sizeof(line)));
		goto out;
	}
	for (p = out; (q = strsep(&p, "\n")) != NULL;) {
		void *v;

		if (*q == '\0')
			continue;
		if ((v = realloc(l->collations, (size_t)(l->ncollations + 1) * sizeof(*l->collations))) == NULL) {
			r = siphon_err_oom(my->ctx);
			goto out;
		}
		l->collations = v;
		snprintf(l->collations[l->ncollations++], 64, "%s", q);
	}
out:
	free(out);
	free(e);
	return r;
}

/* Does the local client know --sandbox?  Its --help says so. */
static int
client_has_sandbox(struct my *my, int *yes)
{
	char *argv[3] = {my->local.client, (char *)"--help", NULL}, *out = NULL, *err = NULL;
	int st;

	*yes = 0;
	st = siphon_proc_run(my->ctx, argv, NULL, &out, &err);
	if (st >= 0)
		*yes = out != NULL && strstr(out, "--sandbox") != NULL;
	free(out);
	free(err);
	return st < 0 ? st : 0;
}

int
my_local_open(struct my *my)
{
	struct my_local *l = &my->local;
	const char *env, *path, *extra;
	char *out = NULL, *e = NULL, **argv = NULL, line[512], *p, *q;
	int st, r = 0;

	if ((path = getenv("PATH")) == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	if (siphon_path_find(path, "mariadb", l->client, sizeof(l->client)) != 0 &&
	    siphon_path_find(path, "mysql", l->client, sizeof(l->client)) != 0)
		return siphon_err(my->ctx, SIPHON_ELOCAL,
		                  "no mariadb or mysql client on this machine; install one (apt install mariadb-client)");
	if (add_arg(l, l->client) != 0)
		goto oom;
	/* Option-file options (--defaults-file) must come first. */
	if ((extra = siphon_opt_str(my->eng->opts, &siphon_my_options[MY_OPT_LOCAL_OPTS])) != NULL) {
		r = siphon_words_split(extra, emit_arg, l);
		if (r == -2)
			return siphon_err(my->ctx, SIPHON_EUSAGE, "--local-mysql-opts has an unbalanced quote");
		if (r != 0)
			goto oom;
	}
	/*
	 * The environment as the client documents it; given as options because
	 * option files (Debian's names a socket) would otherwise win over it.
	 */
	if ((env = getenv("MYSQL_UNIX_PORT")) != NULL && *env != '\0') {
		snprintf(line, sizeof(line), "--socket=%s", env);
		if (add_arg(l, line) != 0)
			goto oom;
	}
	if ((env = getenv("MYSQL_HOST")) != NULL && *env != '\0') {
		snprintf(line, sizeof(line), "--host=%s", env);
		if (add_arg(l, line) != 0)
			goto oom;
	}
	if ((env = getenv("MYSQL_TCP_PORT")) != NULL && *env != '\0') {
		snprintf(line, sizeof(line), "--port=%s", env);
		if (add_arg(l, line) != 0)
			goto oom;
	}
	if (add_arg(l, "--default-character-set=utf8mb4") != 0 || add_arg(l, "--binary-mode") != 0 || add_arg(l, "--comments") != 0 ||
	    add_arg(l, "-N") != 0 || add_arg(l, "-B") != 0 ||
	    add_arg(l, "--max-allowed-packet=1073741824") != 0)
		goto oom;
	/*
	 * MariaDB's client (10.11.8, 11.x) can refuse every command that
	 * touches the file system (--sandbox); --binary-mode already turns off
	 * all but \C and DELIMITER in what siphon feeds it.
	 */
	if ((r = client_has_sandbox(my, &st)) != 0)
		goto out;
	if (st && add_arg(l, "--sandbox") != 0)
		goto oom;
	if ((argv = argv_with(l, NULL, 0)) == NULL)
		goto oom;
	st = siphon_proc_run(my->ctx, argv,
	                     "SELECT 'S', HEX(VERSION()), @@lower_case_table_names, @@local_infile,"
	                     " HEX(@@datadir), HEX(@@version_comment);\n"
	                     "SELECT 'L', COLLATION_NAME FROM information_schema.COLLATIONS;\n"
	                     "SELECT 'G', ENGINE, SUPPORT FROM information_schema.ENGINES WHERE SUPPORT IN ('YES', 'DEFAULT');\n",
	                     &out, &e);
	if (st < 0) {
		r = st;
		goto out;
	}
	if (st != 0) {
		r = siphon_err(my->ctx, SIPHON_ELOCAL,
		               "cannot connect to the local MySQL/MariaDB server (%s); start it, or point siphon at it with MYSQL_UNIX_PORT, MYSQL_HOST and MYSQL_TCP_PORT, ~/.my.cnf or --local-mysql-opts",
		               err_line(e, line, sizeof(line)));
		goto out;
	}
	for (p = out; (q = strsep(&p, "\n")) != NULL;) {
		char *f[6];
		int n = 0;

		while (n < 6 && (f[n] = strsep(&q, "\t")) != NULL)
			n++;
		if (n >= 6 && strcmp(f[0], "S") == 0) {
			char comment[128] = "", dd[4096] = "";

			if (hex_copy(f[1], strlen(f[1]), l->version, sizeof(l->version)) != 0 ||
			    hex_copy(f[5], strlen(f[5]), comment, sizeof(comment)) != 0 ||
			    hex_copy(f[4], strlen(f[4]), dd, sizeof(dd)) != 0)
				goto oom;
			l->mariadb = strstr(l->version, "MariaDB") != NULL || strstr(comment, "MariaDB") != NULL ||
			             strstr(comment, "mariadb") != NULL;
			l->version_num = siphon_my_version_num(l->version);
			l->lctn = atoi(f[2]);
			l->local_infile = atoi(f[3]);
			if (dd[0] != '\0' && (l->datadir = strdup(dd)) == NULL)
				goto oom;
		} else if (n >= 2 && strcmp(f[0], "L") == 0) {
			void *v = realloc(l->collations, (size_t)(l->ncollations + 1) * sizeof(*l->collations));

			if (v == NULL)
				goto oom;
			l->collations = v;
			snprintf(l->collations[l->ncollations++], 64, "%s", f[1]);
		} else if (n >= 3 && strcmp(f[0], "G") == 0) {
			void *v = realloc(l->engines, (size_t)(l->nengines + 1) * sizeof(*l->engines));

			if (v == NULL)
				goto oom;
			l->engines = v;
			snprintf(l->engines[l->nengines++], 64, "%s", f[1]);
			if (strcmp(f[2], "DEFAULT") == 0)
				snprintf(l->default_engine, sizeof(l->default_engine), "%s", f[1]);
		}
	}
	/*
	 * MariaDB 10.10+ lists its uca1400 collations once, without a character
	 * set (uca1400_ai_ci); the names tables use (utf8mb4_uca1400_ai_ci) are
	 * the full names of what applies to each character set.
	 */
	if (l->mariadb && l->version_num >= 101000)
		r = add_full_collations(my, argv);
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	free(argv);
	free(out);
	free(e);
	return r;
}

int
my_name_in(const char (*list)[64], int n, const char *name, int nocase)
{
	int i;

	for (i = 0; i < n; i++)
		if ((nocase ? strcasecmp(list[i], name) : strcmp(list[i], name)) == 0)
			return 1;
	return 0;
}

int
my_names_add(char ***names, int *n, const char *name)
{
	char **v = realloc(*names, (size_t)(*n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	*names = v;
	if ((v[*n] = strdup(name)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static int
local_has_collation(const struct my_local *l, const char *name)
{
	return my_name_in((const char (*)[64])l->collations, l->ncollations, name, 0);
}

static int
add_colmap(struct my *my, const char *from, const char *to)
{
	const char **m = realloc(my->colmap, (size_t)(my->ncolmap + 3) * sizeof(*m));
	int i;

	if (m == NULL)
		return -1;
	my->colmap = m;
	for (i = 0; i < my->ncolmap; i += 2)
		if (strcmp(m[i], from) == 0)
			return 0;
	/* Copies: the catalog they come from is read again after a lost connection. */
	if ((m[my->ncolmap] = strdup(from)) == NULL)
		return -1;
	if ((m[my->ncolmap + 1] = strdup(to)) == NULL) {
		free((void *)m[my->ncolmap]);
		return -1;
	}
	my->ncolmap += 2;
	m[my->ncolmap] = NULL;
	return 0;
}

/* Every collation of the source that the workstation lacks: mapped, or refused. */
static int
check_collations(struct my *my)
{
	const struct my_local *l = &my->local;
	int uca1400 = local_has_collation(l, "utf8mb4_uca1400_ai_ci"), i;

	for (i = -1; i < my->cat.ncollations; i++) {
		const char *c = i < 0 ? my->cat.db_collation : my->cat.collations[i];
		const char *to;

		if (c[0] == '\0' || local_has_collation(l, c))
			continue;
		to = siphon_my_collation_map(c, l->mariadb, uca1400);
		if (to == NULL || !local_has_collation(l, to))
			return siphon_err(my->ctx, SIPHON_EVERSION,
			                  "the local server (%s) does not know the collation %s that database \"%s\" on %s uses, and siphon knows no equivalent; use a local server of the same kind (%s %s)",
			                  l->version, c, my->o->dbname, my->o->host,
			                  my->cat.mariadb ? "MariaDB" : "MySQL", my->cat.version);
		siphon_log(my->ctx, SIPHON_LOG_WARN,
		           "the local server lacks the collation %s; the copy uses %s instead (sorting and comparisons may differ slightly)",
		           c, to);
		if (add_colmap(my, c, to) != 0)
			return siphon_err_oom(my->ctx);
	}
	return 0;
}

static int
list_temps(void *arg, char **names)
{
	return my_local_sql(arg,
	                    "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"
	                    " WHERE SCHEMA_NAME LIKE 'siphon\\_tmp\\_%' OR SCHEMA_NAME LIKE 'siphon\\_old\\_%';\n",
	                    names, "listing old temporary databases");
}

static int
drop_temp(void *arg, const char *name)
{
	struct my *my = arg;
	struct siphon_strbuf sql = {0};
	int r;

	if (siphon_strbuf_puts(&sql, "DROP DATABASE IF EXISTS ") != 0 || siphon_my_ident(&sql, name) != 0 ||
	    siphon_strbuf_puts(&sql, ";\n") != 0)
		r = siphon_err_oom(my->ctx);
	else
		r = my_local_sql(my, siphon_strbuf_str(&sql), NULL, "dropping an old temporary database");
	siphon_strbuf_free(&sql);
	return r;
}

const struct siphon_target_ops my_target_ops = {
	.list_temps = list_temps,
	.drop_temp = drop_temp,
};

int
my_target_sessions(struct my *my, int *n, char **ids)
{
	struct siphon_strbuf sql = {0};
	char *out = NULL;
	int r;

	*n = 0;
	if (siphon_strbuf_puts(&sql, "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ") != 0 ||
	    siphon_my_literal(&sql, my->into) != 0 ||
	    siphon_strbuf_puts(&sql, " AND ID <> CONNECTION_ID();\n") != 0) {
		siphon_strbuf_free(&sql);
		return siphon_err_oom(my->ctx);
	}
	r = my_local_sql(my, siphon_strbuf_str(&sql), &out, "looking for sessions on the local database");
	siphon_strbuf_free(&sql);
	if (r != 0)
		return r;
	for (const char *p = out; *p != '\0'; p++)
		if (*p == '\n')
			(*n)++;
	*ids = out;
	return 0;
}

int
my_local_checks(struct my *my)
{
	struct siphon_strbuf names = {0};
	int r, n;

	if (!my->local.local_infile)
		return siphon_err(my->ctx, SIPHON_ELOCAL,
		                  "the local server (%s) refuses LOAD DATA LOCAL, which siphon loads with; enable it with SET GLOBAL local_infile = 1 (or local_infile = 1 under [mysqld] in its configuration)",
		                  my->local.version);
	if (my->local.lctn != 0 && (n = siphon_my_case_collisions(&my->cat, &names)) != 0) {
		r = n < 0 ? siphon_err_oom(my->ctx) :
		    siphon_err(my->ctx, SIPHON_EVERSION,
		               "tables of \"%s\" on %s differ only in case (%s), and the local server folds table names to lower case (lower_case_table_names = %d); they cannot be copied here",
		               my->o->dbname, my->o->host, siphon_strbuf_str(&names), my->local.lctn);
		siphon_strbuf_free(&names);
		return r;
	}
	siphon_strbuf_free(&names);
	if (my->cat.mariadb != my->local.mariadb)
		siphon_log(my->ctx, SIPHON_LOG_INFO, "copying from %s %s into %s %s",
		           my->cat.mariadb ? "MariaDB" : "MySQL", my->cat.version,
		           my->local.mariadb ? "MariaDB" : "MySQL", my->local.version);
	if ((r = check_collations(my)) != 0)
		return r;
	/* MySQL cannot prepare routines, triggers, events: refuse now what cannot be replayed safely. */
	return my_replay_check_all(my);
}

/* Rewrites a statement's collations for the workstation. */
int
my_append_mapped(struct my *my, struct siphon_strbuf *sql, const char *stmt)
{
	int changed;

	if (my->ncolmap == 0)
		return siphon_strbuf_puts(sql, stmt);
	return siphon_my_replace_words(sql, stmt, my->colmap, &changed);
}

static const char *
mapped_collation(struct my *my, const char *c)
{
	int i;

	for (i = 0; i < my->ncolmap; i += 2)
		if (strcmp(my->colmap[i], c) == 0)
			return my->colmap[i + 1];
	return c;
}

/*
 * With this many tables or more, they are created on CREATE_SESSIONS local
 * sessions at once: each CREATE TABLE waits for its own flush of InnoDB's
 * log and DDL log (whatever innodb_flush_log_at_trx_commit says), so one
 * session spends most of 2,000 tables waiting on the disk.
 */
#define CREATE_PARALLEL_MIN 64
#define CREATE_SESSIONS 4

/* Runs the n scripts on local sessions at once, in the loop; the first failure is the error. */
static int
run_parallel(struct my *my, struct siphon_strbuf *scripts, int n, const char *what)
{
	struct siphon_proc *p[CREATE_SESSIONS] = {0};
	char line[512];
	int r = 0, busy = 1;

	for (int i = 0; i < n && r == 0; i++)
		r = my_spawn_script(my, what, siphon_strbuf_str(&scripts[i]), 0, &p[i]);
	while (r == 0 && busy) {
		busy = 0;
		for (int i = 0; i < n; i++)
			busy |= p[i] != NULL && !p[i]->exited;
		if (busy)
			r = siphon_loop_step(my->loop, 250);
	}
	for (int i = 0; i < n && r == 0; i++)
		if (p[i] != NULL && p[i]->status != 0)
			r = siphon_err(my->ctx, SIPHON_ELOCAL, "%s failed on the local server: %s", what,
			               err_line(siphon_strbuf_str(&p[i]->err), line, sizeof(line)));
	for (int i = 0; i < n; i++)
		if (p[i] != NULL) {
			siphon_loop_remove_proc(my->loop, p[i]);
			siphon_proc_free(p[i]);
		}
	return r;
}

/*
 * The catalog's tables in the staging database, large ones without the
 * keys that wait for their load (my_index.c).  redo: only those whose
 * rows are still to copy, each dropped first (a cut load may have left
 * rows in it; a sequence or a system-versioned table cannot be emptied
 * otherwise).  Sequences first, by themselves: a column DEFAULT may name
 * one; then the tables, on several sessions when there are many.
 */
static int
create_tables(struct my *my, int redo, const char *what)
{
	struct siphon_strbuf sql[CREATE_SESSIONS] = {{0}};
	struct siphon_my_fkends refs = {0};
	int r = 0;

	if ((r = my_index_refs(my, &refs)) != 0)
		goto out;
	for (int seq = 1; seq >= 0; seq--) {
		int n = 0, k = 1, count = 0;

		for (int i = 0; i < my->cat.ntables; i++)
			count += my->cat.tables[i].sequence == seq && !(redo && (my->cat.tables[i].no_rows ||
			                                                         my->cat.tables[i].loaded));
		if (count == 0)
			continue;
		if (seq == 0 && count >= CREATE_PARALLEL_MIN)
			k = CREATE_SESSIONS;
		for (int s = 0; s < k; s++) {
			siphon_strbuf_reset(&sql[s]);
			if (siphon_strbuf_puts(&sql[s], "USE ") != 0 || siphon_my_ident(&sql[s], my->staging) != 0 ||
			    siphon_strbuf_puts(&sql[s], ";\n" LOAD_SETTINGS) != 0)
				goto oom;
		}
		/* As one prepared statement each: the text from the server is never read by the client. */
		for (int i = 0; i < my->cat.ntables; i++) {
			const struct siphon_my_table *tb = &my->cat.tables[i];
			struct siphon_strbuf t = {0}, c = {0}, *q = &sql[n % k];
			int bad;

			if (tb->sequence != seq || (redo && (tb->no_rows || tb->loaded)))
				continue;
			if ((r = my_table_create_sql(my, tb, &c)) != 0 ||
			    (r = my_index_defer(my, tb, siphon_strbuf_str(&c), &refs, &t)) != 0) {
				siphon_strbuf_free(&c);
				siphon_strbuf_free(&t);
				goto out;
			}
			siphon_strbuf_free(&c);
			n++;
			bad = (redo && (siphon_strbuf_puts(q, "DROP TABLE IF EXISTS ") != 0 ||
			                siphon_my_ident(q, tb->name) != 0 || siphon_strbuf_puts(q, ";\n") != 0)) ||
			      /* An engine the workstation lacks: its default one (my_tables_decide). */
			      (tb->any_engine && siphon_strbuf_puts(q, my->local.mariadb ?
			           "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,IGNORE_BAD_TABLE_OPTIONS';\n" :
			           "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';\n") != 0) ||
			      siphon_my_replay_sql(q, siphon_strbuf_str(&t),
			                           my->local.mariadb ? SIPHON_MY_IMMEDIATE : SIPHON_MY_PREPARE) != 0 ||
			      (tb->any_engine && siphon_strbuf_puts(q, LOAD_SETTINGS) != 0);
			siphon_strbuf_free(&t);
			if (bad)
				goto oom;
		}
		if (k == 1)
			r = my_local_sql(my, siphon_strbuf_str(&sql[0]), NULL, what);
		else
			r = run_parallel(my, sql, k, what);
		if (r != 0)
			goto out;
	}
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	siphon_my_fkends_clear(&refs);
	for (int s = 0; s < CREATE_SESSIONS; s++)
		siphon_strbuf_free(&sql[s]);
	return r;
}

int
my_create_staging(struct my *my)
{
	struct siphon_strbuf sql = {0};
	int r;

	siphon_target_tmpname(my->staging, sizeof(my->staging), "tmp");
	if (siphon_strbuf_puts(&sql, "CREATE DATABASE ") != 0 || siphon_my_ident(&sql, my->staging) != 0 ||
	    siphon_strbuf_printf(&sql, " CHARACTER SET %s COLLATE %s;\n", my->cat.db_charset,
	                         mapped_collation(my, my->cat.db_collation)) != 0)
		goto oom;
	/* Created first, so that the error path drops it even if a table fails. */
	if ((r = my_local_sql(my, siphon_strbuf_str(&sql), NULL, "creating the staging database")) != 0)
		goto out;
	my->staging_created = 1;
	r = create_tables(my, 0, "creating the tables");
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	siphon_strbuf_free(&sql);
	return r;
}

int
my_recreate_unloaded(struct my *my)
{
	return create_tables(my, 1, "emptying the tables that were not loaded");
}

/*
 * Cleanup runs even after Ctrl-C and must not overwrite the first error:
 * on a copy of the context without the cancel descriptor or the log.
 */
static struct siphon_ctx
cleanup_ctx(const struct my *my)
{
	struct siphon_ctx tmp = *my->ctx;

	tmp.errcode = 0;
	tmp.errmsg[0] = '\0';
	tmp.log_fn = NULL;
	tmp.cancel_fd = -1;
	return tmp;
}

void
my_local_kill_query(struct my *my, unsigned long id)
{
	struct siphon_ctx tmp = cleanup_ctx(my);
	char sql[64];

	snprintf(sql, sizeof(sql), "KILL QUERY %lu;\n", id);
	(void)local_sql_ctx(my, &tmp, sql, NULL, "ending an index build", 1);
}

void
my_drop_staging(struct my *my)
{
	struct siphon_strbuf sql = {0};
	struct siphon_ctx tmp = cleanup_ctx(my);

	if (!my->staging_created)
		return;
	if (my->staging_created &&
	    (siphon_strbuf_puts(&sql, "DROP DATABASE IF EXISTS ") != 0 ||
	     siphon_my_ident(&sql, my->staging) != 0 || siphon_strbuf_puts(&sql, ";\n") != 0))
		goto out;
	(void)local_sql_ctx(my, &tmp, siphon_strbuf_str(&sql), NULL, "dropping the staging database", 0);
out:
	my->staging_created = 0;
	siphon_strbuf_free(&sql);
}

int
my_spawn_loader(void *arg, struct siphon_my_lane *lane, int i)
{
	struct my *my = arg;
	struct siphon_my_lane_item *it = &lane->items[i];
	struct siphon_strbuf sql = {0};
	const char *extra[3];
	char **argv = NULL, what[128];
	int r;

	if (siphon_strbuf_puts(&sql, LOAD_SETTINGS) != 0 ||
	    siphon_strbuf_puts(&sql, it->load_sql) != 0 ||
	    siphon_strbuf_puts(&sql, ";\nSHOW WARNINGS LIMIT 3;\n") != 0)
		goto oom;
	extra[0] = "--local-infile=1";
	extra[1] = "-e";
	extra[2] = siphon_strbuf_str(&sql);
	if ((argv = argv_with(&my->local, extra, 3)) == NULL)
		goto oom;
	snprintf(what, sizeof(what), "local loader of table \"%.80s\"", it->table);
	if ((r = siphon_proc_spawn(&it->proc, my->ctx, what, argv, 64 * 1024)) != 0)
		goto out;
	if ((r = siphon_loop_add_proc(my->loop, it->proc)) != 0)
		goto out;
	goto out;
oom:
	r = siphon_err_oom(my->ctx);
out:
	free(argv);
	siphon_strbuf_free(&sql);
	return r;
}

/*
 * A local client with extra arguments running LOAD_SETTINGS and then sql
 * (its stdin), in the loop; out_max bounds its kept stdout.
 */
static int
spawn_fed(struct my *my, const char *what, const char *const *extra, int nextra, const char *sql,
          size_t out_max, struct siphon_proc **out)
{
	char **argv = argv_with(&my->local, extra, nextra);
	int r;

	if (argv == NULL)
		return siphon_err_oom(my->ctx);
	r = siphon_proc_spawn(out, my->ctx, what, argv, out_max);
	free(argv);
	if (r != 0)
		return r;
	if (siphon_proc_queue(*out, LOAD_SETTINGS, strlen(LOAD_SETTINGS)) != 0 ||
	    siphon_proc_queue(*out, sql, strlen(sql)) != 0) {
		siphon_proc_free(*out);
		*out = NULL;
		return siphon_err_oom(my->ctx);
	}
	siphon_proc_close_stdin(*out);
	if ((r = siphon_loop_add_proc(my->loop, *out)) != 0) {
		siphon_proc_free(*out);
		*out = NULL;
	}
	return r;
}

int
my_spawn_batch(void *arg, struct siphon_my_lane *lane, int b)
{
	struct my *my = arg;
	struct siphon_my_batch *ba = &lane->batches[b];
	struct siphon_strbuf sql = {0};
	const char *extra[1] = {"--local-infile=1"};
	char what[128], path[4096];
	int r;

	for (int i = ba->first, k = 0; i < ba->end; i++) {
		if (lane->items[i].file_bytes == 0)
			continue;
		if (siphon_my_lane_file(lane, i, path, sizeof(path)) != 0 ||
		    siphon_my_batch_sql(&sql, lane->items[i].load_sql, path, k++) != 0) {
			siphon_strbuf_free(&sql);
			return siphon_err_oom(my->ctx);
		}
	}
	snprintf(what, sizeof(what), "local loader of %d small tables from \"%.80s\"", ba->n,
	         lane->items[ba->first].table);
	/* Up to three warnings a table and a marker line each. */
	r = spawn_fed(my, what, extra, 1, siphon_strbuf_str(&sql), 1024 * 1024, &ba->proc);
	siphon_strbuf_free(&sql);
	if (r == 0)
		siphon_log(my->ctx, SIPHON_LOG_DEBUG, "%s: %d small tables, %llu bytes, from \"%s\"", lane->what,
		           ba->n, (unsigned long long)ba->bytes, lane->items[ba->first].table);
	return r;
}

int
my_spawn_script(struct my *my, const char *what, const char *sql, size_t out_max, struct siphon_proc **out)
{
	return spawn_fed(my, what, NULL, 0, sql, out_max, out);
}
