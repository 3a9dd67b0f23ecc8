/* pg_options.h - the PostgreSQL engine's own options. */
#ifndef SIPHON_ENGINE_PG_OPTIONS_H
#define SIPHON_ENGINE_PG_OPTIONS_H

#include "siphon.h"

/* Indexes into siphon_pg_options[]. */
enum {
	PG_OPT_REMOTE_OPTS = 0, /* --remote-pg-opts */
};

/* Ends with name NULL; the engine's ops table points to it. */
extern const struct siphon_optdef siphon_pg_options[];

#endif
