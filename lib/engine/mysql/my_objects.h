/*
 * my_objects.h - what kind of thing a MySQL/MariaDB table is, and how
 * siphon copies it: where its rows live (its engine), whether it is a
 * sequence, whether its history comes along.  Pure, for the unit tests;
 * my_tables.c applies these decisions to a pull.
 */
#ifndef SIPHON_MY_OBJECTS_H
#define SIPHON_MY_OBJECTS_H

#include "engine/mysql/my_catalog.h"

/* Where a table's rows live, by its engine. */
enum siphon_my_rows {
	SIPHON_MY_ROWS_OWN = 0,    /* in the table (InnoDB, MyISAM, Aria, ...): copied */
	SIPHON_MY_ROWS_ELSEWHERE,  /* in other tables of the database (MERGE): definition only */
	SIPHON_MY_ROWS_NONE,       /* nowhere (BLACKHOLE): definition only */
	SIPHON_MY_ROWS_REMOTE,     /* on another server or in files (FEDERATED, CONNECT, SPIDER): left out */
	SIPHON_MY_ROWS_UNKNOWN,    /* an engine siphon does not know: left out */
};

/*
 * The engine's kind (names compared without regard to case; "" is an
 * engine the server could not name, e.g. a broken MERGE table).
 */
enum siphon_my_rows siphon_my_engine_rows(const char *engine);

/*
 * Makes t's select and load carry its history: the row start and end
 * columns (t->row_start, t->row_end) become plain copied columns (the
 * implicit ROW_START/ROW_END ones are added at the end, by name), and
 * t->history is set, so that siphon_my_select_sql reads FOR SYSTEM_TIME
 * ALL and siphon_my_load_sql sets system_versioning_insert_history.
 * 0, -1 (no memory), -2 (t is not versioned or its period is unknown).
 */
int siphon_my_history_columns(struct siphon_my_table *t);

/* Removes table i from c (freed); the tables after it move down. */
void siphon_my_catalog_remove_table(struct siphon_my_catalog *c, int i);

#endif
