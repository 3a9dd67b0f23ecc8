/* my_remote.c - the remote mysql/mariadb client, the control session, messages. */
#include "engine/mysql/my_pull_int.h"

#include "engine/mysql/my_explain.h"
#include "engine/mysql/my_options.h"
#include "engine/mysql/my_sql.h"
#include "remote/shell.h"
#include "util/ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
key_line(const char *err, char *buf, size_t cap)
{
	return siphon_eng_key_line(err, siphon_my_explain.keys, buf, cap);
}

const char *
siphon_my_remote_client(const struct siphon_probe *p)
{
	const char *c = siphon_probe_tool(p, "mariadb");

	return c[0] != '\0' ? c : siphon_probe_tool(p, "mysql");
}

int
my_client_stage(struct my *my, struct siphon_strbuf *st, int nice)
{
	const char *extra = siphon_opt_str(my->eng->opts, &siphon_my_options[MY_OPT_REMOTE_OPTS]);

	if (siphon_eng_tool_prefix(my->eng, st, my->client, nice) != 0)
		return siphon_err_oom(my->ctx);
	if (extra != NULL) {
		int r = siphon_sh_append_words(st, extra);

		if (r == -2)
			return siphon_err(my->ctx, SIPHON_EUSAGE, "--remote-mysql-opts has an unbalanced quote");
		if (r != 0)
			return siphon_err_oom(my->ctx);
	}
	/*
	 * Batch output, no column names, a flush after every statement (the
	 * sync markers), no client commands in what siphon sends (binary mode:
	 * a name can never become one), rows streamed rather than buffered in the client,
	 * rows as big as the server allows, utf8mb4 for names and statements.
	 */
	if (siphon_strbuf_puts(st, " -N -B -n --quick --binary-mode --max-allowed-packet=1073741824"
	                           " --default-character-set=utf8mb4") != 0)
		return siphon_err_oom(my->ctx);
	return 0;
}

/* Waits until the control output holds "siphon-sync\tN" or the session ends. */
static int
wait_sync(struct my *my, int n, int *ended)
{
	char marker[48];
	int r;

	*ended = 0;
	snprintf(marker, sizeof(marker), "siphon-sync\t%d\n", n);
	while (strstr(siphon_strbuf_str(&my->ctl_out), marker) == NULL) {
		if (my->ctl->state == SIPHON_RS_DONE) {
			*ended = 1;
			return 0;
		}
		if ((r = siphon_loop_step(my->loop, 1000)) != 0)
			return r;
	}
	return 0;
}

int
my_ctl_query(struct my *my, const char *sql, int *ended)
{
	char sync[64];
	int n = snprintf(sync, sizeof(sync), "SELECT 'siphon-sync', %d;\n", ++my->ctl_sync);

	siphon_strbuf_reset(&my->ctl_out);
	if (siphon_rstream_send(my->ctl, sql, strlen(sql)) != 0 ||
	    siphon_rstream_send(my->ctl, sync, (size_t)n) != 0)
		return siphon_err_oom(my->ctx);
	return wait_sync(my, my->ctl_sync, ended);
}

/* The control session ended where it must not: say why. */
static int
ctl_ended(struct my *my)
{
	const char *e = siphon_rstream_stderr(my->ctl);
	char line[512];
	int r;

	if ((r = my_explain(my, my->ctl)) != 0)
		return r;
	return siphon_err(my->ctx, SIPHON_EREMOTE, "the MySQL session on %s ended unexpectedly%s%s",
	                  my->o->host, *e ? ": " : "", key_line(e, line, sizeof(line)));
}

int
my_listing_sql(const char *db, struct siphon_strbuf *q)
{
	struct siphon_strbuf lit = {0};
	const char *L;
	int r = -1;

	if (siphon_my_literal(&lit, db) != 0)
		goto out;
	L = siphon_strbuf_str(&lit);
	if (siphon_strbuf_puts(q,
	        "SET SESSION sql_mode = '', SESSION time_zone = '+00:00',"
	        " SESSION net_write_timeout = 31536000, SESSION wait_timeout = 31536000;\n"
	        "SELECT 'S', HEX(VERSION()), HEX(@@version_comment), @@lower_case_table_names, @@log_bin;\n") != 0 ||
	    siphon_strbuf_printf(q,
	        "SELECT 'D', HEX(SCHEMA_NAME), DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME"
	        " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s;\n", L) != 0 ||
	    siphon_strbuf_puts(q, "SET @siphon_me = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1),"
	                          " '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''');\n") != 0 ||
	    siphon_strbuf_puts(q, "USE ") != 0 || siphon_my_ident(q, db) != 0 ||
	    siphon_strbuf_printf(q, ";\n"
	        "SELECT 'T', HEX(t.TABLE_NAME), t.TABLE_TYPE, IFNULL(t.ENGINE, ''), IFNULL(e.TRANSACTIONS, 'NO'),"
	        " IFNULL(t.DATA_LENGTH, 0) + IFNULL(t.INDEX_LENGTH, 0), IFNULL(t.TABLE_ROWS, 0)"
	        " FROM information_schema.TABLES t LEFT JOIN information_schema.ENGINES e ON e.ENGINE = t.ENGINE"
	        " WHERE t.TABLE_SCHEMA = %s ORDER BY t.TABLE_NAME;\n"
	        "SELECT 'C', HEX(TABLE_NAME), HEX(COLUMN_NAME), IS_NULLABLE, DATA_TYPE,"
	        " (EXTRA LIKE '%%GENERATED%%' AND EXTRA NOT LIKE '%%DEFAULT_GENERATED%%')"
	        " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, ORDINAL_POSITION;\n"
	        "SELECT 'V', HEX(TABLE_NAME) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = %s;\n"
	        "SELECT 'R', HEX(TRIGGER_NAME), HEX(EVENT_OBJECT_TABLE) FROM information_schema.TRIGGERS"
	        " WHERE TRIGGER_SCHEMA = %s ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER;\n"
	        "SELECT 'P', ROUTINE_TYPE, HEX(ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s;\n"
	        "SELECT 'E', HEX(EVENT_NAME) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = %s;\n"
	        "SELECT 'G', (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = @siphon_me"
	        " AND PRIVILEGE_TYPE = 'SELECT') + (SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES"
	        " WHERE GRANTEE = @siphon_me AND PRIVILEGE_TYPE = 'SELECT' AND %s LIKE TABLE_SCHEMA),"
	        " IFNULL(CURRENT_ROLE(), 'NONE'), HEX(CURRENT_USER());\n"
	        "SELECT DISTINCT 'L', x.c FROM (SELECT COLLATION_NAME AS c FROM information_schema.COLUMNS"
	        " WHERE TABLE_SCHEMA = %s AND COLLATION_NAME IS NOT NULL UNION SELECT TABLE_COLLATION"
	        " FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s AND TABLE_COLLATION IS NOT NULL) x;\n",
	        L, L, L, L, L, L, L, L, L) != 0)
		goto out;
	/* System-versioned tables: their row start and end columns (implicit ones have no row in COLUMNS). */
	if (siphon_strbuf_printf(q,
	        "SELECT 'Y', HEX(t.TABLE_NAME), HEX(IFNULL(s.COLUMN_NAME, 'ROW_START')), HEX(IFNULL(e.COLUMN_NAME, 'ROW_END')),"
	        " IFNULL(s.DATA_TYPE, 'timestamp') FROM information_schema.TABLES t"
	        " LEFT JOIN information_schema.COLUMNS s ON s.TABLE_SCHEMA = t.TABLE_SCHEMA AND s.TABLE_NAME = t.TABLE_NAME"
	        " AND s.GENERATION_EXPRESSION = 'ROW START'"
	        " LEFT JOIN information_schema.COLUMNS e ON e.TABLE_SCHEMA = t.TABLE_SCHEMA AND e.TABLE_NAME = t.TABLE_NAME"
	        " AND e.GENERATION_EXPRESSION = 'ROW END'"
	        " WHERE t.TABLE_SCHEMA = %s AND t.TABLE_TYPE = 'SYSTEM VERSIONED';\n", L) != 0)
		goto out;
	r = 0;
out:
	siphon_strbuf_free(&lit);
	return r;
}

int
my_start_control(struct my *my)
{
	struct siphon_strbuf st = {0}, q = {0};
	char why[512];
	int r, ended, pr;

	if ((r = my_client_stage(my, &st, 0)) != 0)
		goto out;
	if ((r = siphon_eng_new_stream(my->eng, &my->ctl, "the MySQL control session",
	                               siphon_strbuf_str(&st), 1)) != 0)
		goto out;
	my->ctl->idle_ok = 1;
	my->ctl->may_fail = 1;
	my->ctl_out.max = 256 * 1024 * 1024;
	siphon_rstream_set_mem_sink(my->ctl, &my->ctl_out);
	if (my_listing_sql(my->o->dbname, &q) != 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	if ((r = my_ctl_query(my, siphon_strbuf_str(&q), &ended)) != 0)
		goto out;
	if (ended) {
		r = ctl_ended(my);
		goto out;
	}
	pr = siphon_my_catalog_parse_list(&my->cat, siphon_strbuf_str(&my->ctl_out));
	if (pr == -1) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	if (pr != 0 || my->cat.version[0] == '\0') {
		r = siphon_err(my->ctx, SIPHON_EREMOTE, "the MySQL catalog of %s could not be read (unexpected output)",
		               my->o->host);
		goto out;
	}
	if (siphon_my_catalog_check(&my->cat, why, sizeof(why)) != 0) {
		r = siphon_err(my->ctx, SIPHON_EREMOTE,
		               "the MySQL server on %s sent an impossible %s in its catalog of \"%s\"; nothing was copied",
		               my->o->host, why, my->o->dbname);
		goto out;
	}
	/* A type the lane does not know could arrive in a form it loads wrong: refused before anything is made. */
	if (siphon_my_catalog_unknown_types(&my->cat, why, sizeof(why)) > 0) {
		r = siphon_err(my->ctx, SIPHON_EVERSION,
		               "database \"%s\" on %s: %s, which siphon cannot copy exactly; nothing was copied",
		               my->o->dbname, my->o->host, why);
		goto out;
	}
	if (!my->cat.have_db) {
		r = siphon_err(my->ctx, SIPHON_EREMOTE,
		               "database \"%s\" does not exist on %s (or the remote MySQL user cannot see it); check the name with: ssh %s mysql -e 'SHOW DATABASES'%s%s%s",
		               my->o->dbname, my->o->host, my->o->host,
		               my->eng->other_missing[0] ? " (and there is no " : "", my->eng->other_missing,
		               my->eng->other_missing[0] ? " there for another engine)" : "");
		goto out;
	}
	/*
	 * information_schema shows only what the account may see: without
	 * SELECT on the whole database, a copy would silently miss tables.
	 */
	if (my->cat.select_grants == 0 && !my->cat.has_role) {
		r = siphon_err(my->ctx, SIPHON_EREMOTE,
		               "the MySQL account %s on %s may read only some tables of \"%s\" (it sees %d; it has no SELECT on the whole database), so the copy would be incomplete; grant it SELECT, SHOW VIEW, TRIGGER and EVENT on the database, or use another account (--remote-mysql-opts '-u USER')",
		               my->cat.user, my->o->host, my->o->dbname, my->cat.ntables);
		goto out;
	}
	siphon_strbuf_reset(&q);
	if (siphon_my_catalog_defs_sql(&my->cat, my->o->dbname, &q) != 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	if ((r = my_ctl_query(my, siphon_strbuf_str(&q), &ended)) != 0)
		goto out;
	if (ended) {
		r = ctl_ended(my);
		goto out;
	}
	pr = siphon_my_catalog_parse_defs(&my->cat, siphon_strbuf_str(&my->ctl_out));
	if (pr != 0) {
		r = pr == -1 ? siphon_err_oom(my->ctx) :
		    siphon_err(my->ctx, SIPHON_EREMOTE, "the table definitions of %s could not be read (unexpected output)",
		               my->o->host);
		goto out;
	}
	for (int i = 0; i < my->cat.ntables; i++)
		if (my->cat.tables[i].create == NULL) {
			r = siphon_err(my->ctx, SIPHON_EREMOTE,
			               "SHOW CREATE TABLE of \"%s\" failed on %s; was it dropped during the copy? Try again",
			               my->cat.tables[i].name, my->o->host);
			goto out;
		}
out:
	siphon_strbuf_free(&st);
	siphon_strbuf_free(&q);
	return r;
}
