/*
 * event.h - emitting the typed events of siphon.h (struct siphon_event).
 *
 * The library says what a run does through these calls; the context's
 * callback (siphon_ctx_set_events) receives them.  This module keeps the
 * run's state (its start, the phases open, the tables being copied, the
 * run-wide figures) on the context and enforces the order siphon.h
 * promises: phase and table ends are never missing (a table or an inner
 * phase still open when its phase ends, or when the summary comes, is ended
 * then), the summary is the last event of a run.  Without a callback every
 * call returns at once and costs nothing.
 *
 * None of these calls fails: an event that cannot be made (no memory for a
 * table's names) is dropped, whole, never half sent.
 */
#ifndef SIPHON_UTIL_EVENT_H
#define SIPHON_UTIL_EVENT_H

#include "siphon.h"

#include <stdint.h>

struct siphon_ctx;
struct siphon_event_state;

/* A run begins: forgets the last one's state; times count from now. */
void siphon_event_run_begin(struct siphon_ctx *ctx);

/*
 * A phase begins (begin 1) or ends (begin 0, with its rc).  Ending a phase
 * ends the phases opened inside it first (same rc); ending one that is not
 * open does nothing.  Ending SIPHON_PHASE_TRANSFER ends the tables still
 * open (with rc, SIPHON_EINTERNAL if rc is 0: a table cannot be complete
 * when nobody said so).
 */
void siphon_event_phase(struct siphon_ctx *ctx, enum siphon_phase phase, int begin, int rc);

/*
 * A table's data begins to arrive.  who: its identity and estimates
 * (schema, name, file, channel, piece, pieces, expected_*; the strings are
 * copied); wire_now: the channel's compressed byte count now.  Returns the
 * table's id for the calls below, 0 when no event was sent (no callback, no
 * memory): the calls below ignore id 0.
 */
unsigned siphon_event_table_start(struct siphon_ctx *ctx, const struct siphon_event_table *who,
                                  uint64_t wire_now);

/*
 * More of table id arrived: raw_add decompressed bytes; rows_now: the rows
 * so far (-1: not known); wire_now: the channel's compressed byte count.
 * No event: the figures go out with the next progress tick and the end.
 */
void siphon_event_table_data(struct siphon_ctx *ctx, unsigned id, uint64_t raw_add,
                             int64_t rows_now, uint64_t wire_now);

/* Table id is complete (rc 0) or abandoned. */
void siphon_event_table_end(struct siphon_ctx *ctx, unsigned id, int rc);

/*
 * A progress tick (the caller keeps it to at most four a second): the
 * run-wide figures of the data channels (wire, raw), what the tables take
 * on the server (expected, -1 unknown) and when the data began to flow
 * (data_t0, siphon_mono_s()).  Sends one TABLE_PROGRESS per open table,
 * then one PROGRESS.
 */
void siphon_event_progress(struct siphon_ctx *ctx, uint64_t wire, uint64_t raw,
                           int64_t expected, double data_t0);

/*
 * The innermost phase open begins a step (text: a short name of what it
 * does now, copied by nobody: used only during the call).  Nothing when no
 * phase is open.
 */
void siphon_event_step(struct siphon_ctx *ctx, const char *text);

/* The settings chosen (t and its strings: used only during the call). */
void siphon_event_tune(struct siphon_ctx *ctx, const struct siphon_event_tune *t);

/* A warning (text: one line, already safe for a terminal). */
void siphon_event_warning(struct siphon_ctx *ctx, enum siphon_warning_kind kind,
                          const char *text);

/*
 * The run ended with rc; stats are its figures (NULL: none).  Ends what is
 * still open, sends the summary, and drops every event until the next
 * siphon_event_run_begin.
 */
void siphon_event_summary(struct siphon_ctx *ctx, int rc, const struct siphon_pull_stats *stats);

/* Frees the run state (siphon_ctx_free calls it). */
void siphon_event_state_free(struct siphon_ctx *ctx);

#endif
