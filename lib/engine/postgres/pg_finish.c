/*
 * pg_finish.c - the local finishing steps, after the rows: the post-data
 * entries, the privileges, the sequences, what pg_restore leaves to the very
 * end (event triggers, materialized view data), the database settings; and
 * the pull's account of what it could not copy exactly.
 *
 * The rule: an object the local server cannot take as it is on the server
 * (a role it lacks, a superuser-only object and a local role that is not a
 * superuser) is left out or changed, named in one warning at the end
 * (eng->left_out), and everything else is copied.
 */
#include "engine/postgres/pg_pull_int.h"

#include "engine/postgres/pg_local.h"
#include "engine/postgres/pg_post.h"
#include "engine/postgres/pg_script.h"
#include "engine/postgres/pg_sql.h"
#include "util/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first statement line of an entry (after pg_dump's comment header). */
static const char *
entry_statement(const char *sql, size_t *len)
{
	const char *p = sql;

	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		if (n > 0 && !(n >= 2 && p[0] == '-' && p[1] == '-')) {
			*len = n > 200 ? 200 : n;
			return p;
		}
		p += n + (p[n] == '\n');
	}
	*len = 0;
	return p;
}

/*
 * Why an entry cannot be restored by this local role, or NULL: event
 * triggers and publications of all tables or of whole schemas need a
 * superuser.
 */
static const char *
needs_superuser(const struct siphon_pg_block *b)
{
	/* The last phase holds the event triggers and their comments. */
	if (siphon_pg_entry_phase(b) == SIPHON_PG_PHASE_LAST)
		return strcmp(b->type, "EVENT TRIGGER") == 0 ?
		       "creating an event trigger needs a superuser" :
		       "";     /* a comment: goes with its event trigger, unnamed */
	if (strcmp(b->type, "PUBLICATION TABLES IN SCHEMA") == 0)
		return "publishing a whole schema needs a superuser";
	if (strcmp(b->type, "PUBLICATION") == 0 && strstr(b->sql, " FOR ALL TABLES") != NULL)
		return "publishing all tables needs a superuser";
	return NULL;
}

/* Removes entry i of s (freeing it). */
static void
remove_block(struct siphon_pg_script *s, int i)
{
	siphon_pg_block_clear(&s->blocks[i]);
	memmove(&s->blocks[i], &s->blocks[i + 1], (size_t)(s->nblocks - i - 1) * sizeof(*s->blocks));
	s->nblocks--;
}

/*
 * Takes out of the post-data script what this local server cannot take:
 * policies' roles it lacks (a policy with none left is left out), and, for
 * a local role that is not a superuser, the superuser-only entries.
 */
static int
adapt_post_data(struct pg *pg, struct siphon_pg_script *s)
{
	struct siphon_leftout *lo = &pg->post_lo;
	int i = 0;

	while (i < s->nblocks) {
		struct siphon_pg_block *b = &s->blocks[i];
		const char *why = pg->local_super ? NULL : needs_superuser(b);
		char *out = NULL, *note = NULL;
		size_t len;
		const char *stmt;
		int r;

		if (why != NULL) {
			stmt = entry_statement(b->sql, &len);
			if (why[0] != '\0' &&
			    siphon_leftout_add(lo, "%s (%.*s): %s, and the local role is not one; left out",
			                       b->type, (int)len, stmt, why) != 0)
				return siphon_err_oom(pg->ctx);
			remove_block(s, i);
			continue;
		}
		if (strcmp(b->type, "POLICY") == 0) {
			if ((r = siphon_pg_policy_filter(b->sql, &pg->roles, &out, &note)) < 0)
				return siphon_err_oom(pg->ctx);
			if (r > 0 && siphon_leftout_add(lo, "policy %s", note) != 0) {
				free(out);
				free(note);
				return siphon_err_oom(pg->ctx);
			}
			free(note);
			if (r == 2) {
				remove_block(s, i);
				continue;
			}
			if (r == 1) {
				free(b->sql);
				b->sql = out;
			}
		}
		i++;
	}
	return 0;
}

/*
 * GRANTs and default privileges (large objects' too), from the third dump:
 * those that name a role this server lacks are left out; the rest run after
 * the post-data entries, and one that the local server refuses is named in
 * a warning rather than failing the copy.
 */
static int
restore_privileges(struct pg *pg)
{
	struct siphon_pg_script all = {0}, acls = {0};
	char err[256], *filtered;
	int i, r = 0;

	if ((filtered = siphon_pg_acl_filter_text(siphon_strbuf_str(&pg->acl_out), &pg->roles,
	                                          &pg->owner.dropped)) == NULL)
		return siphon_err_oom(pg->ctx);
	if (siphon_pg_script_split(&all, filtered, err, sizeof(err)) != 0) {
		r = siphon_err(pg->ctx, SIPHON_EREMOTE, "cannot use the privileges dump from %s: %s",
		               pg->o->host, err);
		goto out;
	}
	if ((acls.blocks = calloc((size_t)all.nblocks + 1, sizeof(*acls.blocks))) == NULL) {
		r = siphon_err_oom(pg->ctx);
		goto out;
	}
	acls.preamble = all.preamble;
	for (i = 0; i < all.nblocks; i++)
		if (strcmp(all.blocks[i].type, "ACL") == 0 ||
		    strcmp(all.blocks[i].type, "DEFAULT ACL") == 0)
			acls.blocks[acls.nblocks++] = all.blocks[i];
	if (acls.nblocks > 0)
		r = siphon_pg_post_run(pg->loop, pg->tmpdb, &acls, 1, 1, 0, 3);
out:
	free(acls.blocks);      /* the blocks themselves belong to all */
	siphon_pg_script_clear(&all);
	free(filtered);
	return r;
}

/* Every sequence set to its value in the snapshot. */
static int
restore_sequences(struct pg *pg)
{
	struct siphon_strbuf q = {0};
	char *out = NULL;
	int i, r = 0;

	for (i = 0; i < pg->cat.nseqs; i++) {
		const struct siphon_pg_seq *s = &pg->cat.seqs[i];

		if (s->last == NULL)
			continue;
		if (siphon_strbuf_puts(&q, "SELECT pg_catalog.setval(") != 0 ||
		    siphon_pg_literal(&q, s->qname) != 0 ||
		    siphon_strbuf_printf(&q, ", %s, %s);\n", s->last,
		                         s->called ? "true" : "false") != 0) {
			r = siphon_err_oom(pg->ctx);
			goto out;
		}
	}
	if (q.len > 0)
		r = siphon_pg_local_query(pg->ctx, pg->tmpdb, siphon_strbuf_str(&q), &out);
out:
	free(out);
	siphon_strbuf_free(&q);
	return r;
}

/* Database-level settings, last: they could affect the restore sessions. */
static int
restore_settings(struct pg *pg)
{
	struct siphon_strbuf q = {0}, qdb = {0};
	char *out = NULL;
	int i, r = 0;

	if (siphon_pg_ident(&qdb, pg->tmpdb) != 0)
		goto oom;
	for (i = 0; i < pg->cat.ndbsettings; i++) {
		int rr = siphon_pg_dbsetting_sql(&q, siphon_strbuf_str(&qdb), pg->cat.dbsettings[i]);

		if (rr == -1)
			goto oom;
		if (rr == -2 && siphon_leftout_add(&pg->eng->left_out, "database setting %s: not a setting siphon can read; left out",
		                                   pg->cat.dbsettings[i]) != 0)
			goto oom;
	}
	if (q.len > 0)
		r = siphon_pg_local_query(pg->ctx, "postgres", siphon_strbuf_str(&q), &out);
	goto out;
oom:
	r = siphon_err_oom(pg->ctx);
out:
	free(out);
	siphon_strbuf_free(&q);
	siphon_strbuf_free(&qdb);
	return r;
}

/*
 * One entry for the roles the workstation lacks (or that the local role may
 * not hand objects to), and one per subscription.
 */
static int
account_left_out(struct pg *pg)
{
	const struct siphon_pg_dropped *d = &pg->owner.dropped;
	struct siphon_leftout *lo = &pg->eng->left_out;
	struct siphon_strbuf names = {0}, what = {0};
	int i, r = 0, absent = 0, shown = d->missing.n < 10 ? d->missing.n : 10;

	for (i = 0; i < pg->cat.nsubs; i++)
		if (siphon_leftout_add(lo, "subscription \"%s\": never copied (it would connect to the publisher from this machine)",
		                       pg->cat.subs[i]) != 0)
			goto oom;
	if (d->missing.n == 0)
		goto out;
	for (i = 0; i < d->missing.n; i++)
		absent += !siphon_pg_roles_has(&pg->all_roles, d->missing.names[i]);
	for (i = 0; i < shown; i++) {
		const char *name = d->missing.names[i];
		/* Said of each only when both kinds are there. */
		const char *note = absent == d->missing.n || absent == 0 ? "" :
		                   siphon_pg_roles_has(&pg->all_roles, name) ? " (not granted to the local role)" :
		                   " (missing)";

		if (siphon_strbuf_printf(&names, "%s\"%s\"%s", i > 0 ? ", " : "", name, note) != 0)
			goto oom;
	}
	if (d->missing.n > shown && siphon_strbuf_printf(&names, " and %d more", d->missing.n - shown) != 0)
		goto oom;
	if ((d->owners > 0 && siphon_strbuf_printf(&what, "; %d object%s owned by the local user instead",
	                                           d->owners, d->owners == 1 ? "" : "s") != 0) ||
	    (d->acls > 0 && siphon_strbuf_printf(&what, "; %d privilege statement%s left out",
	                                         d->acls, d->acls == 1 ? "" : "s") != 0) ||
	    (d->mappings > 0 && siphon_strbuf_printf(&what, "; %d user mapping%s left out",
	                                             d->mappings, d->mappings == 1 ? "" : "s") != 0))
		goto oom;
	if (absent == d->missing.n)
		r = siphon_leftout_add(lo, "role%s %s missing on this server%s (create %s locally to keep %s)",
		                       d->missing.n == 1 ? "" : "s", siphon_strbuf_str(&names),
		                       siphon_strbuf_str(&what), d->missing.n == 1 ? "it" : "them",
		                       d->owners + d->acls + d->mappings == 1 ? "it" : "them");
	else if (absent == 0)
		r = siphon_leftout_add(lo, "role%s %s not granted to the local role%s (grant %s to the local role to keep %s)",
		                       d->missing.n == 1 ? "" : "s", siphon_strbuf_str(&names),
		                       siphon_strbuf_str(&what), d->missing.n == 1 ? "it" : "them",
		                       d->owners + d->acls + d->mappings == 1 ? "it" : "them");
	else
		r = siphon_leftout_add(lo, "roles %s%s (create the missing ones, and grant them all to the local role, to keep %s)",
		                       siphon_strbuf_str(&names), siphon_strbuf_str(&what),
		                       d->owners + d->acls + d->mappings == 1 ? "it" : "them");
	if (r != 0)
		goto oom;
	goto out;
oom:
	r = siphon_err_oom(pg->ctx);
out:
	siphon_strbuf_free(&names);
	siphon_strbuf_free(&what);
	return r;
}

int
pg_post_prepare(struct pg *pg)
{
	char err[256], *filtered;
	int r = 0;

	if (pg->post_ready)
		return 0;
	/* What it leaves out counts only for the snapshot whose entries run last (pg_finish_local). */
	siphon_pg_script_clear(&pg->post_script);
	siphon_leftout_free(&pg->post_lo);
	siphon_pg_dropped_clear(&pg->post_dropped);
	filtered = siphon_pg_owner_filter_text(siphon_strbuf_str(&pg->post_out), &pg->roles,
	                                       &pg->post_dropped);
	if (filtered == NULL)
		return siphon_err_oom(pg->ctx);
	if (siphon_pg_script_split(&pg->post_script, filtered, err, sizeof(err)) != 0)
		r = siphon_err(pg->ctx, SIPHON_EREMOTE, "cannot use the post-data dump from %s: %s",
		               pg->o->host, err);
	else
		r = adapt_post_data(pg, &pg->post_script);
	free(filtered);
	pg->post_ready = r == 0;
	return r;
}

/* The post-data's left-out statements and roles, into the pull's. */
static int
merge_left_out(struct pg *pg)
{
	struct siphon_pg_dropped *to = &pg->owner.dropped, *from = &pg->post_dropped;

	for (int i = 0; i < from->missing.n; i++)
		if (siphon_pg_roles_add(&to->missing, from->missing.names[i]) != 0)
			return siphon_err_oom(pg->ctx);
	to->owners += from->owners;
	to->acls += from->acls;
	to->mappings += from->mappings;
	siphon_pg_dropped_clear(from);
	return siphon_leftout_move(&pg->eng->left_out, &pg->post_lo) == 0 ? 0 : siphon_err_oom(pg->ctx);
}

/* Index, constraint and foreign key entries: what "built during the copy" counts among. */
static int
count_buildable(const struct siphon_pg_script *s)
{
	int n = 0;

	for (int i = 0; i < s->nblocks; i++)
		n += strcmp(s->blocks[i].type, "INDEX") == 0 || strcmp(s->blocks[i].type, "CONSTRAINT") == 0 ||
		     strcmp(s->blocks[i].type, "FK CONSTRAINT") == 0;
	return n;
}

int
pg_finish_local(struct pg *pg)
{
	struct siphon_pg_script *script = &pg->post_script;
	int r, early;

	if ((r = pg_post_prepare(pg)) != 0 || (r = merge_left_out(pg)) != 0)
		goto out;
	/* Each step is announced before it runs, for a live display. */
	siphon_event_step(pg->ctx, "indexes, constraints, triggers");
	/* Those begun during the copy (some still running) count as built during it. */
	early = pg->post_sched != NULL ? siphon_pg_post_early(pg->post_sched) : 0;
	siphon_log(pg->ctx, SIPHON_LOG_DEBUG, "%d of %d indexes and constraints were built during the copy",
	           early, count_buildable(script));
	siphon_log(pg->ctx, SIPHON_LOG_INFO, "data loaded; building %d indexes, constraints and triggers",
	           script->nblocks - early);
	if (pg->post_sched != NULL)
		r = siphon_pg_post_finish(pg->post_sched, pg->jobs);
	else
		r = siphon_pg_post_run(pg->loop, pg->tmpdb, script, pg->jobs, pg->lenient, 0, 3);
	if (r != 0)
		goto out;
	siphon_event_step(pg->ctx, "privileges");
	if ((r = restore_privileges(pg)) != 0)
		goto out;
	siphon_event_step(pg->ctx, "sequences");
	if ((r = restore_sequences(pg)) != 0)
		goto out;
	siphon_event_step(pg->ctx, "materialized views");
	if ((r = siphon_pg_post_run(pg->loop, pg->tmpdb, script, 1, pg->lenient,
	                            SIPHON_PG_PHASE_MATVIEW, SIPHON_PG_PHASE_LAST)) != 0)
		goto out;
	siphon_event_step(pg->ctx, "settings");
	if ((r = restore_settings(pg)) != 0)
		goto out;
	r = account_left_out(pg);
out:
	pg_early_free(pg);
	return r;
}
