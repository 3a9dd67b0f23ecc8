/*
 * pg_resume_runs.c - `pull --resume`: an interrupted pull's temporary
 * database, picked up by a later run.
 *
 * From the moment the schema is in the temporary database, the pull keeps
 * a state file (engine/resume_state.h) up to date: the temporary's name,
 * the catalog fingerprint of its snapshot, and each table whose rows have
 * all passed to a local session, with their count.  Interrupted (Ctrl-C,
 * SIGTERM, the connection lost after the retries), the pull keeps the
 * temporary and the file; killed, it had no say, and the file is what was
 * written last.  Any other end removes both.
 *
 * A later `pull --resume` uses them when the file is this user's, younger
 * than a day, from this siphon, of the same server and database, its
 * temporary is still there and no siphon is using it, and the server's
 * catalog has the same fingerprint now.  A table counts as finished only
 * when the copy holds the rows the file recorded (a lane's local session
 * may have been ended before its last COPY was committed); the others are
 * emptied and copied again, with the sequences and the post-data, from the
 * new snapshot: consistent per table, as after a lost connection
 * (pg_resume.c).  Indexes and constraints built while the rows streamed
 * (pg_early.c) stay: the new snapshot's entries that exist are skipped
 * (the fingerprint holds their definitions), and foreign keys that touch a
 * table copied again are dropped first.  Once the final phase begins
 * (triggers, attachments, privileges) the copy can no longer be gone on
 * with, and the state file goes: an interruption from then on drops the
 * copy, as before.  When
 * anything does not match, one line says why and the
 * pull starts over, dropping the kept copy.  A pull without --resume drops
 * it too: it would never be used again.
 */
#include "engine/postgres/pg_pull_int.h"

#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_sql.h"
#include "util/clock.h"
#include "util/tmpname.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* At most one write of the state file a second; the schema and the end always write. */
#define RUNS_WRITE_PERIOD_S 1.0

static int
runs_enabled(const struct pg *pg)
{
	/* A pull that saves a snapshot records one session's streams: nothing to go on with. */
	return !pg->o->snapshot_only && pg->eng->snap == NULL && !pg->runs_closed;
}

/* Whether the kept temporary is this machine's and no running siphon's. */
static int
temp_is_ours(const char *temp)
{
	return strncmp(temp, "siphon_tmp_", 11) == 0 && siphon_tmpname_is_stale(temp, siphon_host_id());
}

/* The kept copy and its state go: it will not be used. */
static void
drop_kept(struct pg *pg, const struct siphon_resume_state *s)
{
	struct siphon_ctx tmp = *pg->ctx;

	tmp.errcode = 0;
	tmp.errmsg[0] = '\0';
	tmp.log_fn = NULL;
	if (s->temp != NULL && temp_is_ours(s->temp) &&
	    siphon_pg_local_drop_db(&tmp, s->temp, pg->local_num) == 0)
		siphon_log(pg->ctx, SIPHON_LOG_INFO, "dropped %s, the partial copy an interrupted pull kept", s->temp);
	siphon_resume_remove("postgres", pg->into);
}

static int
temp_exists(struct pg *pg, const char *temp, int *found)
{
	char *names = NULL, *p, *name;
	int r;

	*found = 0;
	if ((r = siphon_pg_local_list_temps(pg->ctx, &names)) != 0)
		return r;
	for (p = names; p != NULL && (name = strsep(&p, "\n")) != NULL;)
		*found |= strcmp(name, temp) == 0;
	free(names);
	return 0;
}

/* Why the kept copy cannot be used now, into why; 0 when it can (or a negative code). */
static int
unusable(struct pg *pg, const struct siphon_resume_state *s, char *why, size_t cap)
{
	char fp[65];
	int found, r;

	if (siphon_resume_unusable(s, (int64_t)time(NULL), why, cap))
		return 1;
	if (strcmp(s->host, pg->o->host) != 0 || strcmp(s->database, pg->o->dbname) != 0) {
		snprintf(why, cap, "it is of a pull from %.100s:%.100s", s->host, s->database);
		return 1;
	}
	if (!temp_is_ours(s->temp)) {
		snprintf(why, cap, "its copy %.80s is another machine's, or the siphon that made it still runs", s->temp);
		return 1;
	}
	if ((r = temp_exists(pg, s->temp, &found)) != 0)
		return r;
	if (!found) {
		snprintf(why, cap, "its copy %.80s is gone", s->temp);
		return 1;
	}
	if (siphon_resume_fingerprint(siphon_strbuf_str(&pg->fp), fp) != 0)
		return siphon_err_oom(pg->ctx);
	if (strcmp(fp, s->fingerprint) != 0) {
		snprintf(why, cap, "the schema on the server changed since (tables, columns, sequences, extensions, indexes or constraints)");
		return 1;
	}
	return 0;
}

/* The catalog's table of that quoted name, or NULL. */
static const struct siphon_pg_table *
find_table(const struct pg *pg, const char *qname)
{
	for (int i = 0; i < pg->cat.ntables; i++)
		if (pg->cat.tables[i].relkind == 'r' && strcmp(pg->cat.tables[i].qname, qname) == 0)
			return &pg->cat.tables[i];
	return NULL;
}

/*
 * The finished tables whose rows are all in the kept copy, into pg->done
 * (and the state's list): one query counts them all.
 */
static int
verify_done(struct pg *pg, struct siphon_resume_state *s)
{
	struct siphon_strbuf q = {0};
	struct siphon_resume_state kept = {0};
	char *out = NULL, *p, *line;
	int64_t *counts = NULL;
	int r = 0, n = 0;

	if (s->ndone == 0)
		return 0;
	if ((counts = calloc((size_t)s->ndone, sizeof(*counts))) == NULL)
		goto oom;
	for (int i = 0; i < s->ndone; i++) {
		counts[i] = -1;
		if (find_table(pg, s->done[i].name) == NULL)
			continue;
		if (siphon_strbuf_printf(&q, "%sSELECT %d, count(*) FROM ONLY %s", n++ == 0 ? "" : "\nUNION ALL ",
		                         i, s->done[i].name) != 0)
			goto oom;
	}
	if (n > 0) {
		if (siphon_strbuf_puts(&q, ";\n") != 0)
			goto oom;
		if ((r = siphon_pg_local_query(pg->ctx, pg->tmpdb, siphon_strbuf_str(&q), &out)) != 0)
			goto out;
		for (p = out; p != NULL && (line = strsep(&p, "\n")) != NULL;) {
			long long i, c;

			if (sscanf(line, "%lld|%lld", &i, &c) == 2 && i >= 0 && i < s->ndone)
				counts[i] = c;
		}
	}
	for (int i = 0; i < s->ndone; i++) {
		if (counts[i] != s->done[i].rows) {
			if (counts[i] >= 0)
				siphon_log(pg->ctx, SIPHON_LOG_INFO, "%s has %lld of its %" PRId64 " rows in the kept copy: copied again",
				           s->done[i].name, (long long)counts[i], s->done[i].rows);
			continue;
		}
		if (siphon_resume_add_done(&kept, s->done[i].name, s->done[i].rows) != 0 ||
		    pg_add_done(pg, s->done[i].name) != 0)
			goto oom;
	}
	/* The state lists what is kept now. */
	for (int i = 0; i < s->ndone; i++)
		free(s->done[i].name);
	free(s->done);
	s->done = kept.done;
	s->ndone = kept.ndone;
	kept.done = NULL;
	kept.ndone = 0;
	goto out;
oom:
	r = siphon_err_oom(pg->ctx);
out:
	siphon_resume_clear(&kept);
	free(counts);
	free(out);
	siphon_strbuf_free(&q);
	return r;
}

/*
 * Ends the sessions an interrupted pull left on its copy: a killed psql's
 * index build goes on in its server process, and would commit after this
 * run looked for what exists (pg_early.c).  Ended, it rolls back.
 */
static int
quiet_kept(struct pg *pg)
{
	struct siphon_strbuf q = {0}, count = {0};
	char *out = NULL;
	int r = 0;

	if (pg_add_terminate(&q, pg->tmpdb) != 0 ||
	    siphon_strbuf_puts(&count, "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = ") != 0 ||
	    siphon_pg_literal(&count, pg->tmpdb) != 0 || siphon_strbuf_puts(&count, ";\n") != 0) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	if ((r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out)) != 0)
		goto out;
	/* A terminated server process takes a moment to go: up to 10 s. */
	for (int i = 0; i < 100; i++) {
		struct timespec ts = {0, 100 * 1000 * 1000};

		free(out);
		out = NULL;
		if ((r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&count), &out)) != 0)
			goto out;
		if (atoi(out) == 0)
			goto out;
		nanosleep(&ts, NULL);
	}
	r = siphon_err(pg->ctx, SIPHON_EBUSY, "sessions of an interrupted pull still use %s; run again in a moment",
	               pg->tmpdb);
out:
	free(out);
	siphon_strbuf_free(&q);
	siphon_strbuf_free(&count);
	return r;
}

/* The kept copy becomes this pull's temporary database, its finished tables kept. */
static int
take_kept(struct pg *pg, struct siphon_resume_state *s)
{
	int r;

	snprintf(pg->tmpdb, sizeof(pg->tmpdb), "%s", s->temp);
	pg->tmp_created = 1;
	pg->schema_done = 1;
	/* Indexes and constraints may have been built in it (pg_early.c). */
	pg->post_built = 1;
	if ((r = quiet_kept(pg)) != 0 || (r = verify_done(pg, s)) != 0)
		return r;
	/* Nothing kept after all: every row comes from the new snapshot. */
	if (pg->ndone > 0) {
		pg->snapshots = 2;
		pg->tables_first = pg->ndone;
	}
	pg->resumed_run = 1;
	/* From here on the state is this run's: written again as tables finish. */
	siphon_resume_clear(&pg->runs);
	pg->runs = *s;
	memset(s, 0, sizeof(*s));
	pg->runs_on = 1;
	siphon_resume_save(pg->ctx, &pg->runs);
	/* The plan made before counted every table: again, without the finished ones. */
	free(pg->work);
	free(pg->wplan);
	pg->work = NULL;
	pg->wplan = NULL;
	pg->nwork = 0;
	pg->ntables_copied = 0;
	siphon_log(pg->ctx, SIPHON_LOG_INFO, "--resume: going on with %s, the partial copy kept by an interrupted pull",
	           pg->tmpdb);
	return 0;
}

int
pg_runs_begin(struct pg *pg, int *resumed)
{
	struct siphon_resume_state s;
	char why[256] = "";
	int r = 0, got;

	*resumed = 0;
	if (pg->runs_begun)
		return 0;
	pg->runs_begun = 1;
	if (!runs_enabled(pg)) {
		if (pg->o->resume)
			siphon_log(pg->ctx, SIPHON_LOG_WARN,
			           "--resume: starting over because a pull that saves a snapshot records one session from the start");
		return 0;
	}
	got = siphon_resume_load("postgres", pg->into, &s, why, sizeof(why));
	if (got < 0) {
		/* Not this user's, or not a state file: nothing in it is trusted or dropped. */
		if (pg->o->resume)
			siphon_log(pg->ctx, SIPHON_LOG_WARN, "--resume: starting over because the state file of %s cannot be used: %s",
			           pg->into, why);
		return 0;
	}
	if (got == 0) {
		if (pg->o->resume)
			siphon_log(pg->ctx, SIPHON_LOG_WARN,
			           "--resume: starting over because no interrupted pull into %s left a partial copy", pg->into);
		return 0;
	}
	if (!pg->o->resume) {
		drop_kept(pg, &s);
		goto out;
	}
	if ((r = unusable(pg, &s, why, sizeof(why))) < 0)
		goto out;
	if (r > 0) {
		siphon_log(pg->ctx, SIPHON_LOG_WARN, "--resume: starting over because the partial copy cannot be used: %s", why);
		drop_kept(pg, &s);
		r = 0;
		goto out;
	}
	if ((r = take_kept(pg, &s)) == 0)
		*resumed = 1;
out:
	siphon_resume_clear(&s);
	return r;
}

/* A fresh state for the temporary the schema was just restored into. */
static int
runs_start(struct pg *pg)
{
	struct siphon_resume_state *s = &pg->runs;

	siphon_resume_clear(s);
	if (siphon_resume_set(&s->version, SIPHON_VERSION) != 0 || siphon_resume_set(&s->engine, "postgres") != 0 ||
	    siphon_resume_set(&s->host, pg->o->host) != 0 || siphon_resume_set(&s->database, pg->o->dbname) != 0 ||
	    siphon_resume_set(&s->into, pg->into) != 0 || siphon_resume_set(&s->temp, pg->tmpdb) != 0 ||
	    siphon_resume_fingerprint(siphon_strbuf_str(&pg->fp), s->fingerprint) != 0)
		return siphon_err_oom(pg->ctx);
	pg->runs_on = 1;
	pg->runs_passed = -1;
	return 0;
}

/* A table whose every piece has passed to a local session, into the state. */
static int
note_passed(struct pg *pg, const struct siphon_pg_table *t, int64_t rows)
{
	if (t == NULL || siphon_resume_find(&pg->runs, t->qname) != NULL)
		return 0;
	return siphon_resume_add_done(&pg->runs, t->qname, rows) == 0 ? 0 : siphon_err_oom(pg->ctx);
}

int
pg_runs_note(struct pg *pg, int force)
{
	int passed = 0, r;

	if (!pg->schema_done || !pg->tmp_created || !runs_enabled(pg))
		return 0;
	/* The schema is in (again, after a start over): the state names this temporary. */
	if ((!pg->runs_on || strcmp(pg->runs.temp, pg->tmpdb) != 0) && (r = runs_start(pg)) != 0)
		return r;
	for (int l = 0; pg->lanes != NULL && l < pg->nlanes; l++)
		passed += pg->lanes[l].cur;
	if (passed == pg->runs_passed || (!force && siphon_mono_s() < pg->runs_next && pg->runs_passed >= 0))
		return 0;
	if ((r = pg_passed_tables(pg, note_passed)) != 0)
		return r;
	pg->runs_passed = passed;
	pg->runs_next = siphon_mono_s() + RUNS_WRITE_PERIOD_S;
	siphon_resume_save(pg->ctx, &pg->runs);
	return 0;
}

void
pg_runs_close(struct pg *pg)
{
	pg->runs_closed = 1;
	if (!pg->runs_on)
		return;
	pg->runs_on = 0;
	siphon_resume_remove("postgres", pg->into);
}

void
pg_runs_end(struct pg *pg)
{
	struct siphon_ctx *ctx = pg->ctx;
	char msg[SIPHON_ERRMSG_MAX];
	int code = ctx->errcode;

	if (!pg->runs_on)
		return;
	pg->runs_on = 0;
	/* Interrupted with the schema in: the copy and its state stay for --resume. */
	if ((code == SIPHON_EINTR || code == SIPHON_ECONNECT) && pg->tmp_created && pg->schema_done) {
		pg->tmp_created = 0;
		snprintf(msg, sizeof(msg), "%.800s; the partial copy is kept (%d of %u tables finished): run the same siphon pull with --resume to go on",
		         ctx->errmsg, pg->runs.ndone, pg->ntables_copied);
		siphon_err_clear(ctx);
		siphon_err(ctx, code, "%s", msg);
		return;
	}
	siphon_resume_remove("postgres", pg->into);
}
