/*
 * my_order.h - the order in which views are created: each after the views
 * it names.  Pure, for the unit tests.
 */
#ifndef SIPHON_MY_ORDER_H
#define SIPHON_MY_ORDER_H

#include "engine/mysql/my_catalog.h"

/*
 * The views of c (objects of kind VIEW with a definition) as indexes into
 * c->objs, in an order where a view comes after every view its text names
 * as a `quoted` identifier (not as a qualifier before '.', not as an alias
 * after AS); views that do not depend on each other keep their listing
 * order (Kahn's algorithm, stable).  Linear in the size of the texts.
 * Returns 0 (*order has *n entries; free it), -1 (no memory), or -2: the
 * views name each other in a cycle, *cycle is a view of it.
 */
int siphon_my_view_order(const struct siphon_my_catalog *c, int **order, int *n, int *cycle);

/*
 * Calls fn for each `quoted` name text names that is not a qualifier
 * (before '.') nor an alias (after AS): the tables and views a view reads.
 * Stops at the first nonzero return of fn and returns it; -1: no memory.
 */
int siphon_my_each_name(const char *text, int (*fn)(void *arg, const char *name, size_t len), void *arg);

#endif
