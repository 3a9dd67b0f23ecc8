/*
 * sq_explain.h - the SQLite engine's explanation rules (data for
 * loop/explain.h): what sqlite3, the engine's scripts and sudo say about
 * the server's file.
 */
#ifndef SIPHON_SQ_EXPLAIN_H
#define SIPHON_SQ_EXPLAIN_H

#include "loop/explain.h"

/*
 * The table; its var() reads a struct sq (sq_pull_int.h): "{reader}" (who
 * reads the file), "{owner_hint}" (the --remote-sudo to use), "{tmpdir}"
 * and "{wal}" ("1" for a WAL-mode database, else "").
 */
extern const struct siphon_explain_engine siphon_sq_explain;

#endif
