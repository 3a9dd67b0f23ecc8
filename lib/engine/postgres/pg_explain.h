/*
 * pg_explain.h - the PostgreSQL engine's explanation rules (data for
 * loop/explain.h): what pg_dump's and psql's messages mean.
 */
#ifndef SIPHON_PG_EXPLAIN_H
#define SIPHON_PG_EXPLAIN_H

#include "loop/explain.h"

/*
 * The table; its var() reads a struct pg (pg_pull_int.h): "{sessions}",
 * the sessions siphon opens (-j plus three).
 */
extern const struct siphon_explain_engine siphon_pg_explain;

#endif
