/*
 * tmpdir_sweep.h - private local directories a pull makes for a while
 * (MySQL's small tables' rows, engine/mysql/my_lane.c) are named like the
 * temporary databases (util/tmpname.h: siphon_tmp_<host>_<pid>_<time>-XXXXXX,
 * made 0700 by mkdtemp, files 0600).  A siphon killed with SIGKILL cannot
 * remove its own; the next run's stale sweep does.
 */
#ifndef SIPHON_UTIL_TMPDIR_SWEEP_H
#define SIPHON_UTIL_TMPDIR_SWEEP_H

#include <stddef.h>

#include "util/ctx.h"

/* mkdtemp's template for such a directory under dir into buf; 0, or -1 when it does not fit. */
int siphon_tmpdir_template(char *buf, size_t cap, const char *dir);

/*
 * Removes, under dir, each such directory of this machine whose siphon is
 * gone: only a real directory (not a link) of this user, and only its
 * regular files (a directory holding anything else stays).  Logs each one
 * removed; returns how many.
 */
int siphon_tmpdir_sweep(struct siphon_ctx *ctx, const char *dir);

#endif
