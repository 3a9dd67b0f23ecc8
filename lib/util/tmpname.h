/*
 * tmpname.h - names of the temporary and old databases a pull leaves on a
 * local server while it runs: siphon_<kind>_<host>_<pid>_<time>, where
 * <host> is 8 hex digits of a hash of this machine's name.  A local server
 * may be shared by several machines (a team's dev server, a PGHOST or
 * MYSQL_HOST elsewhere); only this machine can tell that one of its own
 * siphons is dead, so only those names are ever swept.
 */
#ifndef SIPHON_UTIL_TMPNAME_H
#define SIPHON_UTIL_TMPNAME_H

#include <stddef.h>

/* FNV-1a of gethostname(): the same for every run on this machine. */
unsigned siphon_host_id(void);

/* "siphon_<kind>_<host>_<pid>_<time>" into buf (kind: "tmp" or "old"). */
void siphon_tmpname(char *buf, size_t cap, const char *kind);

/*
 * 1 when name is a temporary name of this machine's (host) whose siphon is
 * no longer running (pid gone), 0 otherwise: another machine's, a live
 * run's, or not such a name at all.  A '-' and anything after the time is
 * allowed (a temporary file's random part, "-journal").
 */
int siphon_tmpname_is_stale(const char *name, unsigned host);

#endif
