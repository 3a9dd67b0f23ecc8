/*
 * pg_control.c - the snapshot holder: a remote psql that exports the snapshot,
 * reads the catalog, locks the tables and stays open until every dump has
 * started from that snapshot.
 */
#include "engine/postgres/pg_pull_int.h"

#include "engine/plan.h"
#include "engine/postgres/pg_lane.h"
#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_post.h"
#include "engine/postgres/pg_script.h"
#include "remote/shell.h"


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static int
wait_marker(struct pg *pg, const char *marker)
{
	int r;

	while (strstr(siphon_strbuf_str(&pg->ctl_out), marker) == NULL) {
		if (pg->ctl->state == SIPHON_RS_DONE) {
			const char *e = siphon_rstream_stderr(pg->ctl);
			char line[512];

			if ((r = pg_explain(pg, pg->ctl)) != 0)
				return r;
			return siphon_err(pg->ctx, SIPHON_EREMOTE,
			                  "the PostgreSQL session on %s ended unexpectedly%s%s",
			                  pg->o->host, *e ? ": " : "", pg_key_line(e, line, sizeof(line)));
		}
		if ((r = siphon_loop_step(pg->loop, 1000)) != 0)
			return r;
	}
	return 0;
}

int
pg_start_control(struct pg *pg)
{
	struct siphon_strbuf st = {0}, sql = {0};
	int r;

	if ((r = pg_psql_stage(pg, &st, pg->tools.t[siphon_pg_tools_newest(&pg->tools)].bindir, 0)) != 0)
		goto out;
	if ((r = siphon_eng_new_stream(pg->eng, &pg->ctl, "the snapshot session", siphon_strbuf_str(&st), 1)) != 0)
		goto out;
	pg->ctl_out.max = 256 * 1024 * 1024;
	siphon_rstream_set_mem_sink(pg->ctl, &pg->ctl_out);
	/*
	 * Settings are transaction-local only: behind a pooler in transaction
	 * mode a session-level SET would outlive us on a connection that the
	 * application's next transaction gets.
	 */
	if (siphon_strbuf_puts(&sql, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n") != 0 ||
	    siphon_pg_txn_sql(&sql, 0) != 0 ||
	    siphon_strbuf_puts(&sql,
	        "DO $siphon$BEGIN IF current_setting('server_version_num')::int >= 170000 THEN "
	        "PERFORM pg_catalog.set_config('transaction_timeout', '0', true); END IF; END$siphon$;\n") != 0 ||
	    siphon_pg_catalog_sql(&sql) != 0 ||
	    siphon_strbuf_puts(&sql, "\\echo siphon-sync-1\n") != 0) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	if ((r = siphon_rstream_send(pg->ctl, sql.buf, sql.len)) != 0)
		goto out;
	if ((r = wait_marker(pg, CTL_SYNC1)) != 0)
		goto out;
	{
		char err[256];
		char *end = strstr(pg->ctl_out.buf, CTL_SYNC1);

		*end = '\0';
		if (siphon_pg_catalog_parse(&pg->cat, pg->ctl_out.buf, err, sizeof(err)) != 0) {
			r = siphon_err(pg->ctx, SIPHON_EREMOTE,
			               "cannot read the catalog of \"%s\" on %s: %s",
			               pg->o->dbname, pg->o->host, err);
			goto out;
		}
		siphon_strbuf_reset(&pg->ctl_out);
	}
	/* Silence is expected from now on: the session only holds the snapshot. */
	pg->ctl->idle_ok = 1;
out:
	siphon_strbuf_free(&st);
	siphon_strbuf_free(&sql);
	return r;
}

int
pg_lock_tables(struct pg *pg)
{
	struct siphon_strbuf sql = {0};
	int i, r;

	/*
	 * ACCESS SHARE on every table right after the export, as pg_dump does:
	 * a deploy's DDL cannot change a table between snapshot and dump.
	 */
	if (pg->cat.ntables > 0) {
		if (siphon_strbuf_puts(&sql, "SET LOCAL lock_timeout = '10s';\nLOCK TABLE ") != 0)
			goto oom;
		for (i = 0; i < pg->cat.ntables; i++)
			if ((i > 0 && siphon_strbuf_puts(&sql, ", ") != 0) ||
			    siphon_strbuf_puts(&sql, pg->cat.tables[i].qname) != 0)
				goto oom;
		if (siphon_strbuf_puts(&sql, " IN ACCESS SHARE MODE;\nSET LOCAL lock_timeout = 0;\n") != 0)
			goto oom;
	}
	if (siphon_pg_columns_sql(&sql, &pg->cat, pg->jobs) != 0 ||
	    siphon_pg_sequences_sql(&sql, &pg->cat) != 0 ||
	    siphon_pg_postobj_sql(&sql, &pg->cat) != 0 ||
	    siphon_strbuf_puts(&sql, "\\echo siphon-sync-2\n") != 0)
		goto oom;
	pg->ctl->idle_ok = 0;
	if ((r = siphon_rstream_send(pg->ctl, sql.buf, sql.len)) == 0 &&
	    (r = wait_marker(pg, CTL_SYNC2)) == 0) {
		char err[256];

		*strstr(pg->ctl_out.buf, CTL_SYNC2) = '\0';
		if (siphon_pg_catalog_parse_more(&pg->cat, pg->ctl_out.buf, err, sizeof(err)) != 0)
			r = siphon_err(pg->ctx, SIPHON_EREMOTE, "cannot read the column lists, sequences, indexes and constraints on %s: %s",
			               pg->o->host, err);
		siphon_strbuf_reset(&pg->ctl_out);
		pg->ctl->idle_ok = 1;
	}
	siphon_strbuf_free(&sql);
	return r;
oom:
	siphon_strbuf_free(&sql);
	return siphon_err_oom(pg->ctx);
}

int
pg_check_versions(struct pg *pg)
{
	struct siphon_strbuf missing = {0};
	int smaj = siphon_pg_num_major(pg->cat.server_num);
	int lmaj = siphon_pg_num_major(pg->local_num);
	char st[16], lt[16];
	int r, verdict;

	siphon_pg_major_text(smaj, st, sizeof(st));
	siphon_pg_major_text(lmaj, lt, sizeof(lt));
	/* --snapshot-only: no local server to compare with (restore checks it). */
	if (pg->o->snapshot_only)
		goto tools;
	verdict = siphon_pg_version_verdict(pg->cat.server_num, pg->local_num,
	                                    pg->o->allow_older_local);
	if (verdict == SIPHON_PG_VERSIONS_REFUSE)
		return siphon_err(pg->ctx, SIPHON_EVERSION,
		                  "the local PostgreSQL (%s) is older than the server's (%s): its dump may not load; install PostgreSQL %s or newer locally, or try anyway with --allow-older-local",
		                  lt, st, st);
	if (verdict == SIPHON_PG_VERSIONS_LENIENT) {
		pg->lenient = 1;
		siphon_log(pg->ctx, SIPHON_LOG_WARN,
		           "the local PostgreSQL (%s) is older than the server's (%s); statements it rejects are skipped and named below",
		           lt, st);
	}
tools:
	if ((pg->pgi = siphon_pg_tools_pick(&pg->tools, smaj)) < 0)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "every pg_dump on %s is older than its PostgreSQL server (%s); install postgresql-client-%s there",
		                  pg->o->host, st, st);
	if (pg->o->snapshot_only)
		goto standby;
	if ((r = siphon_pg_local_missing_extensions(pg->ctx, pg->cat.extensions,
	                                            pg->cat.nextensions, &missing)) != 0)
		return r;
	if (missing.len > 0) {
		r = siphon_err(pg->ctx, SIPHON_EVERSION,
		               "the source database uses extensions that the local PostgreSQL does not have: %s; install them locally (for example postgresql-%s-<name> or postgresql-contrib)",
		               siphon_strbuf_str(&missing), lt);
		siphon_strbuf_free(&missing);
		return r;
	}
standby:
	if (pg->cat.in_recovery)
		siphon_log(pg->ctx, SIPHON_LOG_WARN,
		           "%s is a hot standby: long reads may be cancelled by recovery conflicts (raise max_standby_streaming_delay there), and unlogged tables have no data",
		           pg->o->host);
	return 0;
}

int
pg_release_snapshot(struct pg *pg)
{
	int r;

	siphon_rstream_send(pg->ctl, "COMMIT;\n", 8);
	siphon_rstream_close_stdin(pg->ctl);
	pg->ctl->idle_ok = 0;
	if ((r = siphon_eng_wait_stream(pg->eng, pg->ctl)) != 0)
		return r;
	siphon_eng_drop_stream(pg->eng, &pg->ctl);
	return 0;
}
