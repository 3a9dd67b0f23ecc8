/*
 * test_explain.c - the explanation table: the matcher (anchors, gates,
 * conditions, order), the templates, and every rule, shared and per engine,
 * with synthetic stderr and status; the messages are compared word for word
 * with what the engines said before the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/mysql/my_explain.h"
#include "engine/postgres/pg_explain.h"
#include "engine/postgres/pg_pull_int.h"
#include "engine/sqlite/sq_explain.h"
#include "engine/sqlite/sq_pull_int.h"
#include "loop/explain.h"
#include "siphon.h"

#include <stdio.h>
#include <string.h>

static char got[SIPHON_ERRMSG_MAX];

/* Explains one synthetic failure; the message lands in got, "" when none. */
static int
explain(const struct siphon_explain_engine *eng, const void *st,
        const struct siphon_explain_who *who, const char *err, const char *stage,
        int code, const char *signal)
{
	struct siphon_explain_in in = {
		.what = "the step", .err = err, .stage = stage, .code = code, .signal = signal,
	};
	struct siphon_ctx *ctx;
	int r;

	assert_int_equal(siphon_ctx_new(&ctx), 0);
	r = eng != NULL ? siphon_explain(ctx, &in, eng, who, st) : siphon_explain_status(ctx, &in);
	snprintf(got, sizeof(got), "%s", r != 0 ? siphon_ctx_errmsg(ctx) : "");
	if (r != 0)
		assert_int_equal(siphon_ctx_errcode(ctx), r);
	siphon_ctx_free(ctx);
	return r;
}

static const struct siphon_explain_who who = {
	.host = "db1", .db = "app", .sudo = "postgres", .elsewhere = "",
};
static const struct siphon_explain_who who_nosudo = {
	.host = "db1", .db = "app", .sudo = NULL,
	.elsewhere = "PostgreSQL client tools (pg_dump, psql)",
};

#define EXPECT(eng, st, w, err, stage, code, rc, msg) do { \
	assert_int_equal(explain((eng), (st), (w), (err), (stage), (code), ""), (rc)); \
	assert_string_equal(got, (msg)); \
} while (0)

/* --- the matcher ------------------------------------------------------- */

static void
test_explain_key_line(void **state)
{
	static const char *const keys[] = {"FATAL:", "ERROR:", NULL};
	char buf[16];

	(void)state;
	assert_string_equal(siphon_explain_key_line("a\nb ERROR: x\nc", keys, buf, sizeof(buf)), "b ERROR: x");
	assert_string_equal(siphon_explain_key_line("first\nsecond", keys, buf, sizeof(buf)), "first");
	assert_string_equal(siphon_explain_key_line("", keys, buf, sizeof(buf)), "");
	assert_string_equal(siphon_explain_key_line("x", NULL, buf, sizeof(buf)), "x");
	/* Bounded: the line is cut, never overflows. */
	assert_string_equal(siphon_explain_key_line("0123456789abcdefghij", NULL, buf, sizeof(buf)),
	                    "0123456789abcde");
}

static void
test_explain_render(void **state)
{
	struct siphon_explain_in in = {.what = "w", .err = "boom", .stage = "dump", .code = 3, .signal = "KILL"};
	struct siphon_explain_found f = {.line = "prefix: rest", .tail = 8};
	struct siphon_strbuf out = {0};

	(void)state;
	assert_int_equal(siphon_explain_render(&out, "{what}|{host}|{db}|{sudo}|{line}|{tail}|{stage}|{code}|{signal}{: stderr}",
	                                       &in, &siphon_pg_explain, &who, NULL, &f), 0);
	assert_string_equal(siphon_strbuf_str(&out), "w|db1|app|postgres|prefix: rest|rest|dump|3|KILL: boom");
	siphon_strbuf_reset(&out);
	/* Unknown names stay as written; a lone brace is text; no stderr, no ": ". */
	in.err = "";
	assert_int_equal(siphon_explain_render(&out, "{nope} { x{: stderr}{", &in, NULL, NULL, NULL, &f), 0);
	assert_string_equal(siphon_strbuf_str(&out), "{nope} { x{");
	siphon_strbuf_reset(&out);
	/* Engine words, and what a missing fact becomes. */
	assert_int_equal(siphon_explain_render(&out, "{tool}/{missing}/{missing_fix}/{host}/{elsewhere}",
	                                       &in, &siphon_my_explain, NULL, NULL, &f), 0);
	assert_string_equal(siphon_strbuf_str(&out),
	                    "the client/the mysql client/; install it there (apt install mariadb-client, or mysql-client)/?/");
	siphon_strbuf_free(&out);
}

static void
test_explain_anchor(void **state)
{
	(void)state;
	/* "sudo:" counts only at the start of a line. */
	assert_int_equal(explain(&siphon_my_explain, NULL, &who, "ERROR 1146: no table sudo: x\n", "dump", 1, ""),
	                 SIPHON_EREMOTE);
	assert_string_equal(got, "the step failed on db1: ERROR 1146: no table sudo: x");
	assert_int_equal(explain(&siphon_my_explain, NULL, &who, "warning\nsudo: a password is required\n", "dump", 1, ""),
	                 SIPHON_EREMOTE);
	assert_string_equal(got, "sudo on db1 refused to run the client as postgres without a password (sudo: a password is required); allow it with NOPASSWD in sudoers");
	/* A database named like sudo's words is still a missing database. */
	EXPECT(&siphon_pg_explain, NULL, &who, "psql: error: FATAL:  database \"sudo: x\" does not exist\n", "dump", 2,
	       SIPHON_EREMOTE,
	       "database \"app\" does not exist on db1 (psql: error: FATAL:  database \"sudo: x\" does not exist); check the name with: ssh db1 psql -l");
}

static void
test_explain_nothing_to_say(void **state)
{
	(void)state;
	/* No line, and a status: the engines leave it to the status rules. */
	EXPECT(&siphon_pg_explain, NULL, &who, "", "dump", 1, 0, "");
	EXPECT(&siphon_my_explain, NULL, &who, "", "compress", 2, 0, "");
	/* A line but no status (connection cut): nothing either. */
	EXPECT(&siphon_pg_explain, NULL, &who, "some words\n", "dump", -1, 0, "");
	/* The status rules: nothing failed, nothing to say. */
	EXPECT(NULL, NULL, NULL, "", NULL, 0, 0, "");
}

/* --- the status rules -------------------------------------------------- */

static void
test_explain_status_rules(void **state)
{
	(void)state;
	assert_int_equal(explain(NULL, NULL, NULL, "bye", NULL, 0, "KILL"), SIPHON_EREMOTE);
	assert_string_equal(got, "the step was killed on the server by SIGKILL: bye");
	assert_int_equal(explain(NULL, NULL, NULL, "", "dump", -1, "TERM"), SIPHON_EREMOTE);
	assert_string_equal(got, "the step was killed on the server by SIGTERM");
	EXPECT(NULL, NULL, NULL, "cut", "dump", -1, SIPHON_ECONNECT,
	       "the step ended without reporting its status (connection cut, or the remote shell failed): cut");
	EXPECT(NULL, NULL, NULL, "", "compress", -1, SIPHON_ECONNECT,
	       "the step ended without reporting its status (connection cut, or the remote shell failed)");
	EXPECT(NULL, NULL, NULL, "sh: 1: zstd: not found", "compress", 127, SIPHON_EREMOTE,
	       "the step: 'compress' was not found on the server (exit 127): sh: 1: zstd: not found");
	EXPECT(NULL, NULL, NULL, "", "dump", 3, SIPHON_EREMOTE, "the step failed on the server (dump exited 3)");
	EXPECT(NULL, NULL, NULL, "x\ny", "dump", 3, SIPHON_EREMOTE, "the step failed on the server (dump exited 3): x y");
}

/* --- PostgreSQL --------------------------------------------------------- */

static void
test_explain_pg_rules(void **state)
{
	struct pg pg = {.jobs = 4};
	const struct siphon_explain_engine *e = &siphon_pg_explain;

	(void)state;
	EXPECT(e, &pg, &who_nosudo, "pg_dump: error: connection to server failed: FATAL:  database \"app\" does not exist\n",
	       "dump", 1, SIPHON_EREMOTE,
	       "database \"app\" does not exist on db1 (pg_dump: error: connection to server failed: FATAL:  database \"app\" does not exist); check the name with: ssh db1 psql -l (and there is no PostgreSQL client tools (pg_dump, psql) there for another engine)");
	EXPECT(e, &pg, &who, "ERROR:  query would be affected by row-level security policy for table \"t\"\n", "dump", 1,
	       SIPHON_EREMOTE,
	       "the remote role cannot bypass row-level security on db1, so only some rows would be copied (ERROR:  query would be affected by row-level security policy for table \"t\"); use a role with BYPASSRLS or a superuser (--remote-pg-opts '-U ...')");
	EXPECT(e, &pg, &who, "ERROR:  invalid snapshot identifier: \"0-1\"\n", "dump", 1, SIPHON_EREMOTE,
	       "the dump sessions on db1 could not share one snapshot (ERROR:  invalid snapshot identifier: \"0-1\"): a connection pooler in transaction mode (pgbouncer) sits in front of the server; connect to PostgreSQL directly with --remote-pg-opts '-h HOST -p PORT'");
	EXPECT(e, &pg, &who, "ERROR:  canceling statement due to conflict with recovery\n", "dump", 1, SIPHON_EREMOTE,
	       "the hot standby db1 cancelled the copy because of a recovery conflict (ERROR:  canceling statement due to conflict with recovery); set hot_standby_feedback = on or raise max_standby_streaming_delay there, or pull from the primary");
	EXPECT(e, &pg, &who, "ERROR:  canceling statement due to lock timeout\n", "dump", 1, SIPHON_EREMOTE,
	       "could not lock the tables on db1 within 10 s: a schema change (DDL) or maintenance holds a conflicting lock (ERROR:  canceling statement due to lock timeout); try again when it is done");
	EXPECT(e, &pg, &who, "pg_dump: error: query failed: ERROR:  permission denied for table t\n", "dump", 1,
	       SIPHON_EREMOTE,
	       "permission denied on db1 (pg_dump: error: query failed: ERROR:  permission denied for table t); the remote role needs to read every table: use --remote-pg-opts '-U OWNER' or --remote-sudo postgres");
	EXPECT(e, &pg, &who, "ERROR:  must be owner of table t\n", "dump", 1, SIPHON_EREMOTE,
	       "permission denied on db1 (ERROR:  must be owner of table t); the remote role needs to read every table: use --remote-pg-opts '-U OWNER' or --remote-sudo postgres");
	EXPECT(e, &pg, &who, "sudo: a password is required\n", "dump", 1, SIPHON_EREMOTE,
	       "sudo on db1 refused to run the dump as postgres without a password (sudo: a password is required); allow it with NOPASSWD in sudoers");
	EXPECT(e, &pg, &who_nosudo, "sudo: unknown user x\n", "dump", 1, SIPHON_EREMOTE,
	       "sudo on db1 refused to run the dump as ? without a password (sudo: unknown user x); allow it with NOPASSWD in sudoers");
	EXPECT(e, &pg, &who, "psql: error: FATAL:  query_wait_timeout\n", "dump", 2, SIPHON_EREMOTE,
	       "a connection pooler in front of PostgreSQL on db1 could not serve siphon's 7 sessions (psql: error: FATAL:  query_wait_timeout); connect to PostgreSQL directly with --remote-pg-opts '-h HOST -p PORT', or use fewer channels (-j)");
	EXPECT(e, &pg, &who, "FATAL:  no more connections allowed (max_client_conn)\n", "dump", 2, SIPHON_EREMOTE,
	       "a connection pooler in front of PostgreSQL on db1 could not serve siphon's 7 sessions (FATAL:  no more connections allowed (max_client_conn)); connect to PostgreSQL directly with --remote-pg-opts '-h HOST -p PORT', or use fewer channels (-j)");
	EXPECT(e, &pg, &who, "psql: error: connection to server on socket \"/x\" failed: No such file\n", "dump", 2,
	       SIPHON_EREMOTE,
	       "cannot connect to PostgreSQL on db1 (psql: error: connection to server on socket \"/x\" failed: No such file); set the remote user's PGHOST/PGUSER/~/.pgpass, or pass --remote-pg-opts '-h ... -U ...'");
	EXPECT(e, &pg, &who, "FATAL:  password authentication failed for user \"u\"\n", "dump", 2, SIPHON_EREMOTE,
	       "cannot connect to PostgreSQL on db1 (FATAL:  password authentication failed for user \"u\"); set the remote user's PGHOST/PGUSER/~/.pgpass, or pass --remote-pg-opts '-h ... -U ...'");
	EXPECT(e, &pg, &who, "sh: 1: /usr/lib/postgresql/15/bin/pg_dump: not found\n", "dump", 127, SIPHON_EREMOTE,
	       "the step: a tool was not found on db1 (sh: 1: /usr/lib/postgresql/15/bin/pg_dump: not found)");
	EXPECT(e, &pg, &who, "", "compress", 127, SIPHON_EREMOTE, "the step: a tool was not found on db1 ()");
	EXPECT(e, &pg, &who, "noise\npg_dump: error: something odd\n", "dump", 1, SIPHON_EREMOTE,
	       "the step failed on db1: pg_dump: error: something odd");
	/* Killed, with telling words: the engine's rule still speaks, as before the table. */
	assert_int_equal(explain(e, &pg, &who, "ERROR:  canceling statement due to lock timeout\n", NULL, 0, "KILL"),
	                 SIPHON_EREMOTE);
	assert_non_null(strstr(got, "could not lock the tables on db1"));
}

/* --- MySQL ------------------------------------------------------------- */

static void
test_explain_my_rules(void **state)
{
	const struct siphon_explain_engine *e = &siphon_my_explain;

	(void)state;
	EXPECT(e, NULL, &who_nosudo, "ERROR 1049 (42000): Unknown database 'app'\n", "dump", 1, SIPHON_EREMOTE,
	       "database \"app\" does not exist on db1 (ERROR 1049 (42000): Unknown database 'app'); check the name with: ssh db1 mysql -e 'SHOW DATABASES' (and there is no PostgreSQL client tools (pg_dump, psql) there for another engine)");
	EXPECT(e, NULL, &who, "ERROR 1045 (28000): Access denied for user 'u'@'localhost'\n", "dump", 1, SIPHON_EREMOTE,
	       "MySQL on db1 refused the login (ERROR 1045 (28000): Access denied for user 'u'@'localhost'); put the credentials in the remote user's ~/.my.cnf ([client] user=... password=...), or pass --remote-mysql-opts '-u USER'");
	EXPECT(e, NULL, &who, "ERROR 1698 (28000): Access denied for user 'root'@'localhost'\n", "dump", 1, SIPHON_EREMOTE,
	       "MySQL on db1 refused the login (ERROR 1698 (28000): Access denied for user 'root'@'localhost'); put the credentials in the remote user's ~/.my.cnf ([client] user=... password=...), or pass --remote-mysql-opts '-u USER'");
	EXPECT(e, NULL, &who, "ERROR 2002 (HY000): Can't connect to local server through socket\n", "dump", 1,
	       SIPHON_EREMOTE,
	       "cannot connect to MySQL on db1 (ERROR 2002 (HY000): Can't connect to local server through socket); is the server running? Name its socket or host in the remote ~/.my.cnf or with --remote-mysql-opts '-S SOCKET' / '-h HOST -P PORT'");
	EXPECT(e, NULL, &who, "ERROR 1142 (42000): SELECT command denied to user\n", "dump", 1, SIPHON_EREMOTE,
	       "permission denied on db1 (ERROR 1142 (42000): SELECT command denied to user); the remote MySQL user needs SELECT, SHOW VIEW, TRIGGER, EVENT and (for routines) SHOW CREATE ROUTINE on the database");
	EXPECT(e, NULL, &who, "sudo: a password is required\n", "dump", 1, SIPHON_EREMOTE,
	       "sudo on db1 refused to run the client as postgres without a password (sudo: a password is required); allow it with NOPASSWD in sudoers");
	EXPECT(e, NULL, &who, "sh: 1: mariadb: not found\n", "dump", 127, SIPHON_EREMOTE,
	       "the step: the mysql client was not found on db1 (sh: 1: mariadb: not found); install it there (apt install mariadb-client, or mysql-client)");
	EXPECT(e, NULL, &who, "ERROR 1064 (42000): You have an error in your SQL syntax\n", "dump", 1, SIPHON_EREMOTE,
	       "the step failed on db1: ERROR 1064 (42000): You have an error in your SQL syntax");
}

/* --- SQLite ------------------------------------------------------------ */

static void
test_explain_sq_rules(void **state)
{
	struct siphon_pull_opts o = {.host = "db1", .dbname = "/srv/app.db"};
	struct sq sq = {.o = &o};
	struct siphon_explain_who w = {.host = "db1", .db = "/srv/app.db"};
	const struct siphon_explain_engine *e = &siphon_sq_explain;

	(void)state;
	snprintf(sq.facts.owner, sizeof(sq.facts.owner), "app");
	EXPECT(e, &sq, &w, "sudo: a password is required\n", "dump", 1, SIPHON_EREMOTE,
	       "sudo on db1 refused to run sqlite3 as ? without a password (sudo: a password is required); allow it with NOPASSWD in sudoers");
	EXPECT(e, &sq, &w, "sh: 1: sqlite3: not found\n", "dump", 127, SIPHON_EREMOTE,
	       "the step: a tool was not found on db1 (sh: 1: sqlite3: not found)");
	EXPECT(e, &sq, &w, "siphon-sqlite: the copy is bigger than the source\n", "dump", 1, SIPHON_EREMOTE,
	       "the step failed on db1: the copy is bigger than the source");
	EXPECT(e, &sq, &w, "Error: file is not a database\n", "dump", 1, SIPHON_EREMOTE,
	       "\"/srv/app.db\" on db1 is not an SQLite 3 database (sqlite3: Error: file is not a database); an encrypted database cannot be copied either");
	EXPECT(e, &sq, &w, "Error: unable to open database \"/srv/app.db\": unable to open database file\n", "dump", 1,
	       SIPHON_EREMOTE,
	       "permission denied: the SSH user cannot open \"/srv/app.db\" on db1 (sqlite3: Error: unable to open database \"/srv/app.db\": unable to open database file); check the path, or run as the file's owner with --remote-sudo app");
	sq.facts.wal_mode = 1;
	o.remote_sudo = "bob";
	EXPECT(e, &sq, &w, "Error: attempt to write a readonly database\n", "dump", 1, SIPHON_EREMOTE,
	       "cannot read \"/srv/app.db\" on db1: it is a WAL-mode database, and reading one needs write access to its -shm file, or to its directory when no program has it open; bob has neither (sqlite3: Error: attempt to write a readonly database); run as the file's owner with --remote-sudo app");
	sq.facts.wal_mode = 0;
	sq.facts.owner[0] = '\0';
	EXPECT(e, &sq, &w, "sh: /srv/app.db: Permission denied\n", "dump", 1, SIPHON_EREMOTE,
	       "permission denied: bob cannot open \"/srv/app.db\" on db1 (sqlite3: sh: /srv/app.db: Permission denied); check the path, or run as the file's owner with --remote-sudo OWNER (the file's owner)");
	EXPECT(e, &sq, &w, "Error: database is locked\n", "dump", 5, SIPHON_EREMOTE,
	       "\"/srv/app.db\" on db1 stayed locked by a writer for more than 10 s (sqlite3: Error: database is locked); run again when the writer is done (a database in WAL mode never blocks readers)");
	EXPECT(e, &sq, &w, "Error: database disk image is malformed\n", "dump", 11, SIPHON_EREMOTE,
	       "\"/srv/app.db\" on db1 is damaged (sqlite3: Error: database disk image is malformed); check it there with: sqlite3 FILE 'PRAGMA integrity_check'");
	EXPECT(e, &sq, &w, "Error: database or disk is full\n", "dump", 13, SIPHON_EREMOTE,
	       "the temporary copy of \"/srv/app.db\" did not fit in the temporary directory on db1 (sqlite3: Error: database or disk is full); free space there, or give the SSH user a TMPDIR on a bigger file system");
	snprintf(sq.facts.tmpdir, sizeof(sq.facts.tmpdir), "/tmp");
	EXPECT(e, &sq, &w, "Error: disk I/O error\n", "dump", 10, SIPHON_EREMOTE,
	       "an I/O error on db1 while copying \"/srv/app.db\" into /tmp (sqlite3: Error: disk I/O error); the disk of the database or of the temporary directory is full or failing");
	EXPECT(e, &sq, &w, "", "dump", 1, SIPHON_EREMOTE, "the step failed on db1: sqlite3 exited with an error");
	EXPECT(e, &sq, &w, "Parse error near line 3: x\n", "dump", 1, SIPHON_EREMOTE,
	       "the step failed on db1: Parse error near line 3: x");
	/* The gate: a signal, no status, or another stage get the status rules. */
	assert_int_equal(explain(e, &sq, &w, "Error: database is locked\n", "dump", 1, "KILL"), 0);
	EXPECT(e, &sq, &w, "Error: database is locked\n", "dump", -1, 0, "");
	EXPECT(e, &sq, &w, "sh: zstd: not found\n", "compress", 127, 0, "");
	EXPECT(e, &sq, &w, "x\n", NULL, 0, 0, "");
}

/* Every template names only placeholders its table can fill. */
static void
test_explain_templates_complete(void **state)
{
	static const struct siphon_explain_engine *const engines[] = {
		&siphon_pg_explain, &siphon_my_explain, &siphon_sq_explain,
	};
	static const struct siphon_explain_rule *const shared[] = {
		siphon_explain_shared_first, siphon_explain_shared_last, siphon_explain_shared_status,
	};
	struct siphon_pull_opts o = {.host = "h", .dbname = "d"};
	struct sq sq = {.o = &o};
	struct pg pg = {.jobs = 1};
	const void *states[] = {&pg, NULL, &sq};
	struct siphon_explain_in in = {.what = "w", .err = "e", .stage = "dump", .code = 1, .signal = "HUP"};
	struct siphon_explain_found f = {.line = "l"};
	struct siphon_strbuf out = {0};
	const struct siphon_explain_rule *r;
	size_t i, k;

	(void)state;
	for (i = 0; i < 3; i++) {
		for (k = 0; k < 4; k++) {
			r = k < 3 ? shared[k] : engines[i]->rules;
			for (; r->msg != NULL; r++) {
				siphon_strbuf_reset(&out);
				assert_int_equal(siphon_explain_render(&out, r->msg, &in, k == 2 ? NULL : engines[i],
				                                       &who, states[i], &f), 0);
				if (strchr(siphon_strbuf_str(&out), '{') != NULL)
					fail_msg("unfilled placeholder: %s", siphon_strbuf_str(&out));
				assert_true(r->err < 0);
			}
		}
	}
	siphon_strbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explain_key_line),
		cmocka_unit_test(test_explain_render),
		cmocka_unit_test(test_explain_anchor),
		cmocka_unit_test(test_explain_nothing_to_say),
		cmocka_unit_test(test_explain_status_rules),
		cmocka_unit_test(test_explain_pg_rules),
		cmocka_unit_test(test_explain_my_rules),
		cmocka_unit_test(test_explain_sq_rules),
		cmocka_unit_test(test_explain_templates_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
