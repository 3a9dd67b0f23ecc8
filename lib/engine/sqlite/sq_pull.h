/*
 * sq_pull.h - the SQLite engine: a consistent copy of a live database file
 * (VACUUM INTO on the server), written beside the local target and renamed
 * over it only when complete and intact.
 */
#ifndef SIPHON_SQ_PULL_H
#define SIPHON_SQ_PULL_H

#include "engine/eng.h"


#endif
