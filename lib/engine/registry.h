/*
 * registry.h - the engines siphon knows, in one list.  Adding an engine is
 * a directory lib/engine/<name>/ with its ops table and one line in
 * registry.c; nothing else names it.
 */
#ifndef SIPHON_ENGINE_REGISTRY_H
#define SIPHON_ENGINE_REGISTRY_H

#include "engine/engine.h"

/* NULL-ended, in the order of preference when bids tie. */
extern const struct siphon_engine_ops *const siphon_engines[];

/* The engine whose name or alias is name, in list; NULL if none. */
const struct siphon_engine_ops *siphon_engine_find(const struct siphon_engine_ops *const *list,
                                                   const char *name);

#endif
