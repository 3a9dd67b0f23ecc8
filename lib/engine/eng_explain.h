/*
 * eng_explain.h - an engine's explanation table applied to one of its
 * streams: the run supplies the facts the messages name (host, database,
 * --remote-sudo, what the other engine lacks).
 */
#ifndef SIPHON_ENGINE_ENG_EXPLAIN_H
#define SIPHON_ENGINE_ENG_EXPLAIN_H

#include "engine/eng.h"
#include "loop/explain.h"

/* The run's facts for messages; borrows run. */
void siphon_eng_explain_who(const struct siphon_run *run, struct siphon_explain_who *who);

/*
 * Explains rs by the shared rules and t (st is the engine's state, for its
 * var() hook).  Returns the code after siphon_err(), or 0 when no rule
 * matched (the stream's status rules then speak).
 */
int siphon_eng_explain(const struct siphon_run *run, const struct siphon_rstream *rs,
                       const struct siphon_explain_engine *t, const void *st);

#endif
