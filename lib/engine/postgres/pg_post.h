/*
 * pg_post.h - restoring the post-data section (indexes, constraints,
 * triggers...) in parallel local sessions.  Index builds and primary/unique
 * constraints run on up to `jobs` sessions, each given the next entry as
 * soon as it finishes the last; index attachments, foreign keys and the rest
 * follow in dump order on one session.
 */
#ifndef SIPHON_PG_POST_H
#define SIPHON_PG_POST_H

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

#endif
