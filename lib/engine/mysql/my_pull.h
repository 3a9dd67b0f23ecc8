/*
 * my_pull.h - the MySQL/MariaDB engine: a consistent, parallel pull of one
 * database into a staging database, swapped in only on success.
 */
#ifndef SIPHON_MY_PULL_H
#define SIPHON_MY_PULL_H

#include "engine/eng.h"

/*
 * Whether the server's MySQL/MariaDB has the database (auto-detection);
 * when the client failed, its message goes to why.
 */
int siphon_my_has_db(struct siphon_run *eng, int *found, char *why, size_t cap);

/* The server's client as the probe found it: mariadb, else mysql; "" when neither. */
const char *siphon_my_remote_client(const struct siphon_probe *p);

#endif
