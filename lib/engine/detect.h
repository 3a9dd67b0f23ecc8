/*
 * detect.h - which engine a pull needs, when --engine was not given: the
 * pure rules (a file path means SQLite; otherwise the tools the server has).
 */
#ifndef SIPHON_ENGINE_DETECT_H
#define SIPHON_ENGINE_DETECT_H

#include "remote/probe.h"
#include "siphon.h"

/*
 * SQLITE when name looks like a file, else AUTO.  *sure: it starts like a
 * path (/, ~, ./, ../) or ends in .db, .sqlite or .sqlite3; a name that
 * only holds a '/' is SQLite unless a database server has it (*sure 0).
 */
enum siphon_engine_kind siphon_engine_by_name(const char *name, int *sure);

/* Whether the probe found PostgreSQL tools, and MySQL/MariaDB tools. */
int siphon_probe_has_pg(const struct siphon_probe *p);
int siphon_probe_has_mysql(const struct siphon_probe *p);

/* "postgres", "mysql", "sqlite", "auto". */
const char *siphon_engine_name(enum siphon_engine_kind k);

#endif
