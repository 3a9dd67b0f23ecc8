/* path.h - finding a program as the shell would. */
#ifndef SIPHON_UTIL_PATH_H
#define SIPHON_UTIL_PATH_H

#include <stddef.h>

/*
 * The first executable NAME in the ':'-separated directories of path (a
 * PATH value; NULL or "" finds nothing), written to out.  0, or -1 when
 * there is none (or it does not fit in cap).
 */
int siphon_path_find(const char *path, const char *name, char *out, size_t cap);

#endif
