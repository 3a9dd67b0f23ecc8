/* pg_remote.c - the remote side of the PostgreSQL engine: commands, probe, codec choice, messages. */
#include "engine/postgres/pg_pull_int.h"

#include "engine/plan.h"
#include "engine/postgres/pg_explain.h"
#include "engine/postgres/pg_lane.h"
#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_options.h"
#include "engine/postgres/pg_post.h"
#include "engine/postgres/pg_script.h"
#include "remote/shell.h"


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* The most telling line of a remote psql/pg_dump message. */
const char *
pg_key_line(const char *err, char *buf, size_t cap)
{
	return siphon_eng_key_line(err, siphon_pg_explain.keys, buf, cap);
}

/* "$NICE sudo -n -u 'user' -- '/usr/lib/postgresql/15/bin/TOOL'" */
int
pg_tool_prefix(struct pg *pg, struct siphon_strbuf *sb, const char *bindir,
            const char *tool, int nice)
{
	struct siphon_strbuf path = {0};
	int r;

	if (siphon_strbuf_printf(&path, "%s/%s", bindir, tool) != 0)
		return -1;
	r = siphon_eng_tool_prefix(pg->eng, sb, siphon_strbuf_str(&path), nice);
	siphon_strbuf_free(&path);
	return r;
}

/* " <--remote-pg-opts words> -d 'dbname=...'" */
int
pg_conn_args(struct pg *pg, struct siphon_strbuf *sb)
{
	struct siphon_strbuf ci = {0};
	const char *extra = siphon_opt_str(pg->eng->opts, &siphon_pg_options[PG_OPT_REMOTE_OPTS]);
	int r;

	if (extra != NULL && (r = siphon_sh_append_words(sb, extra)) != 0)
		return r;
	if (siphon_pg_conninfo(&ci, pg->o->dbname) != 0 ||
	    siphon_strbuf_puts(sb, " -d ") != 0 ||
	    siphon_sh_quote(sb, siphon_strbuf_str(&ci)) != 0) {
		siphon_strbuf_free(&ci);
		return -1;
	}
	siphon_strbuf_free(&ci);
	return 0;
}

int
pg_probe(struct pg *pg)
{
	siphon_pg_tools_find(&pg->tools, &pg->eng->probe);
	if (pg->tools.n == 0)
		return siphon_err(pg->ctx, SIPHON_EREMOTE,
		                  "pg_dump was not found on %s (looked in PATH and /usr/lib/postgresql/*/bin); install the PostgreSQL client there (apt install postgresql-client)",
		                  pg->o->host);
	return 0;
}

int
pg_psql_stage(struct pg *pg, struct siphon_strbuf *st, const char *bindir, int nice)
{
	if (pg_tool_prefix(pg, st, bindir, "psql", nice) != 0 ||
	    siphon_strbuf_puts(st, " -X -q -A -t -v ON_ERROR_STOP=1") != 0)
		return siphon_err_oom(pg->ctx);
	if (pg_conn_args(pg, st) != 0)
		return siphon_err(pg->ctx, SIPHON_EUSAGE,
		                  "--remote-pg-opts has an unbalanced quote");
	return 0;
}

/*
 * Three dumps in the snapshot: the pre-data and post-data sections, and
 * both again for their privileges only (pg_dump puts GRANTs in no section:
 * --no-privileges leaves them out of the first two, and only --section,
 * not --schema-only, keeps those of large objects).  Publications come
 * (inert here: nothing subscribes); subscriptions never (they would connect
 * to the publisher from this machine).
 */
static const char *const dump_what[PG_NDUMPS] = {
	"pg_dump of the schema", "pg_dump of the indexes and constraints",
	"pg_dump of the privileges",
};
static const char *const dump_opts[PG_NDUMPS] = {
	"--section=pre-data --no-privileges", "--section=post-data --no-privileges",
	"--section=pre-data --section=post-data",
};

const char *
pg_dump_what(int which)
{
	return dump_what[which];
}

int
pg_dump_stage(struct pg *pg, int which, struct siphon_strbuf *st)
{
	const struct siphon_pg_tools *t = &pg->tools.t[pg->pgi];

	siphon_strbuf_reset(st);
	if (pg_tool_prefix(pg, st, t->bindir, "pg_dump", 1) != 0 ||
	    siphon_strbuf_printf(st, " %s --snapshot=%s"
	                             " --no-subscriptions --no-tablespaces"
	                             " --no-security-labels",
	                         dump_opts[which], pg->cat.snapshot[0] != '\0' ? pg->cat.snapshot : "SNAPSHOT") != 0)
		return siphon_err_oom(pg->ctx);
	if (pg_conn_args(pg, st) != 0)
		return siphon_err(pg->ctx, SIPHON_EUSAGE, "--remote-pg-opts has an unbalanced quote");
	return 0;
}

int
pg_start_dumps(struct pg *pg, int with_schema)
{
	struct siphon_strbuf st = {0};
	struct siphon_sink sink;
	int r = 0, i;
	struct siphon_rstream **streams[PG_NDUMPS] = {&pg->pre, &pg->post, &pg->acl};

	for (i = with_schema ? 0 : 1; i < PG_NDUMPS; i++) {
		if ((r = pg_dump_stage(pg, i, &st)) != 0)
			goto out;
		if ((r = siphon_eng_new_stream(pg->eng, streams[i], dump_what[i], siphon_strbuf_str(&st), 0)) != 0)
			goto out;
		siphon_rstream_close_stdin(*streams[i]);
	}
	/* Again after a lost connection: the new snapshot's post-data only. */
	siphon_strbuf_reset(&pg->post_out);
	siphon_strbuf_reset(&pg->acl_out);
	pg->post_out.max = 1024 * 1024 * 1024;
	siphon_rstream_set_mem_sink(pg->post, &pg->post_out);
	pg->acl_out.max = 1024 * 1024 * 1024;
	siphon_rstream_set_mem_sink(pg->acl, &pg->acl_out);
	/*
	 * The schema's reader until pg_restore_schema sets the local psql (and
	 * for --snapshot-only, whose schema is recorded, and restored by
	 * `siphon restore`): nothing reaches it before the loop runs.
	 */
	if (with_schema) {
		siphon_sink_discard(&sink);
		siphon_rstream_set_sink(pg->pre, &sink);
	}
out:
	siphon_strbuf_free(&st);
	return r;
}

int
pg_restore_schema(struct pg *pg)
{
	struct siphon_sink sink;
	int r;

	if ((r = siphon_pg_local_spawn(&pg->pre_proc, pg->ctx, "local psql (schema)", pg->tmpdb,
	                               pg->lenient, 0)) != 0 ||
	    (r = siphon_loop_add_proc(pg->loop, pg->pre_proc)) != 0)
		return r;
	/* Owners are kept where the local server has the role (pg_owner.c). */
	pg->owner.ctx = pg->ctx;
	pg->owner.proc = pg->pre_proc;
	pg->owner.roles = &pg->roles;
	siphon_pg_owner_sink(&sink, &pg->owner);
	siphon_rstream_set_sink(pg->pre, &sink);
	return 0;
}

int
siphon_pg_has_db(struct siphon_run *eng, int *found, char *why, size_t cap)
{
	struct pg pg = {0};
	struct siphon_strbuf st = {0};
	int r;

	*found = 0;
	pg.eng = eng;
	pg.ctx = eng->ctx;
	pg.loop = eng->loop;
	pg.o = eng->o;
	siphon_pg_tools_find(&pg.tools, &eng->probe);
	if ((r = pg_psql_stage(&pg, &st, pg.tools.t[siphon_pg_tools_newest(&pg.tools)].bindir, 0)) == 0)
		r = siphon_eng_check(eng, "looking for the database in PostgreSQL", siphon_strbuf_str(&st),
		                     "SELECT 'siphon-found';\n", "siphon-found", siphon_pg_explain.keys,
		                     why, cap, found);
	/* "does not exist" is the answer itself, not a reason to show. */
	if (r == 0 && cap > 0 && strstr(why, "does not exist") != NULL)
		why[0] = '\0';
	siphon_strbuf_free(&st);
	return r;
}
