/*
 * pg_post.h - restoring the post-data section (indexes, constraints,
 * triggers...) in parallel local sessions.  Index builds and primary/unique
 * constraints run on up to `jobs` sessions, each given the next entry as
 * soon as it finishes the last; index attachments, foreign keys and the rest
 * follow in dump order on one session.
 */
#ifndef SIPHON_PG_POST_H
#define SIPHON_PG_POST_H

#include "engine/postgres/pg_postq.h"
#include "engine/postgres/pg_script.h"
#include "loop/loop.h"

/*
 * The phase an entry runs in: siphon_pg_block_phase of its type, checked
 * against its text (a foreign key never among the index builds), and an
 * event trigger's comment with its event trigger (SIPHON_PG_PHASE_LAST).
 */
int siphon_pg_entry_phase(const struct siphon_pg_block *b);

/*
 * Runs the entries of phases first..last (siphon_pg_entry_phase).
 * lenient: go on past failed statements and report them (--allow-older-local).
 */
int siphon_pg_post_run(struct siphon_loop *loop, const char *dbname,
                       const struct siphon_pg_script *s, int jobs, int lenient,
                       int first, int last);

/*
 * The early entries, run while the rows still stream: siphon_pg_post_step
 * (never blocks) hands each ready entry (pg_postq.h) to a local session,
 * starting sessions as needed up to max_sessions; _finish waits for the
 * running ones and runs the rest in today's phases on up to jobs sessions.
 * s is borrowed (it outlives the scheduler), ents copied; a failed entry
 * fails the step.  Sessions are processes of loop, ended by _free.
 */
struct siphon_pg_post;
int siphon_pg_post_new(struct siphon_pg_post **out, struct siphon_loop *loop, const char *dbname,
                       const struct siphon_pg_script *s, const struct siphon_pg_postent *ents,
                       int ntables, int jobs, int lenient);
/* Table (an index in the catalog's tables) has all its rows committed locally. */
void siphon_pg_post_table_loaded(struct siphon_pg_post *p, int table);
/* Entry block needs nothing more: its object exists already (built before a resume). */
void siphon_pg_post_skip(struct siphon_pg_post *p, int block);
const struct siphon_pg_postent *siphon_pg_post_entry(const struct siphon_pg_post *p, int block);
int siphon_pg_post_step(struct siphon_pg_post *p, int max_sessions);
/* Early entries done or under way. */
int siphon_pg_post_early(const struct siphon_pg_post *p);
/* Waits for the running entries and ends the sessions (before a resume, and the final phase). */
int siphon_pg_post_settle(struct siphon_pg_post *p);
/*
 * After the last row: every early entry, on up to jobs sessions, then
 * phases 0 to 3 of what is left, as siphon_pg_post_run.
 */
int siphon_pg_post_finish(struct siphon_pg_post *p, int jobs);
void siphon_pg_post_free(struct siphon_pg_post *p);

#endif
