/* cmd_snap.h - `siphon snapshots`, `siphon verify`, and what `restore` names. */
#ifndef SIPHON_CMD_SNAP_H
#define SIPHON_CMD_SNAP_H

#include "args.h"

#include "siphon.h"

#include <stdio.h>

/*
 * The snapshot a restore's TARGET names: a FILE (a '/' in it, siphon's
 * suffix, or an existing file), else PROFILE[@TIME|@latest] in the
 * profile's snapshot directory, the profile's settings applied to pa->opts
 * under the command line's.  The file's path into path (cap bytes).
 * *profile: the profile's name or NULL; *cfg_out owns the loaded file.
 * Returns 0, or a SIPHON_E* code with one line in err.
 */
int cli_restore_resolve(struct siphon_ctx *ctx, const char *target, struct cli_pull_args *pa,
                        const char *main_config, struct siphon_config **cfg_out,
                        const char **profile, char *path, size_t cap, char *err, size_t errcap);

/* `snapshots [PROFILE] [--prune]`: the exit status. */
int cli_cmd_snapshots(int argc, char **argv, const char *main_config);

/* `verify FILE`: every member checked; exit 0, or 11 with one line. */
int cli_cmd_verify(int argc, char **argv);

/* The help of snapshots, restore or verify on out: 0, or -1 for another command. */
int cli_help_snap(FILE *out, const char *command);

#endif
