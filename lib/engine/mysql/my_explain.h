/*
 * my_explain.h - the MySQL/MariaDB engine's explanation rules (data for
 * loop/explain.h): what the client's error numbers mean.
 */
#ifndef SIPHON_MY_EXPLAIN_H
#define SIPHON_MY_EXPLAIN_H

#include "loop/explain.h"

/* The table (no var(): its messages name only shared facts). */
extern const struct siphon_explain_engine siphon_my_explain;

#endif
