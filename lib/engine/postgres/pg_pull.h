/*
 * pg_pull.h - the PostgreSQL engine: a consistent, parallel pull of one
 * database into a temporary local database, swapped in only on success.
 */
#ifndef SIPHON_PG_PULL_H
#define SIPHON_PG_PULL_H

#include "engine/eng.h"

/*
 * Whether the server's PostgreSQL has the database (auto-detection); when
 * psql failed for another reason than a missing database, its message goes
 * to why.
 */
int siphon_pg_has_db(struct siphon_run *eng, int *found, char *why, size_t cap);

#endif
