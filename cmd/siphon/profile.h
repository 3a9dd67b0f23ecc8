/*
 * profile.h - the profile file for the commands: finding and loading it,
 * and deciding what a pull's target is (a profile, HOST:DATABASE, or a
 * server with --database), with the environment and the profile under the
 * command line.
 */
#ifndef SIPHON_CMD_PROFILE_H
#define SIPHON_CMD_PROFILE_H

#include "args.h"

#include "siphon.h"

/*
 * Loads the profile file: path (--config) when not NULL, else the usual
 * one (siphon_config_path).  strict as siphon_config_load's.  Returns 0,
 * or a SIPHON_E* code with the message on ctx.
 */
int cli_config_load(struct siphon_ctx *ctx, const char *path, int strict,
                    struct siphon_config **out);

/*
 * Completes pa->opts for a pull or a plan: the environment, then the
 * profile pa->word names (or [defaults] alone), under what the command
 * line set.  *profile gets the profile's name, or NULL.  Returns 0, or a
 * SIPHON_E* code with one line on ctx ("no profile 'x' in FILE; ...").
 * main_config is the --config given before the command; pa->config, after
 * it, wins.  *cfg_out owns the loaded file (free it).
 */
int cli_pull_resolve(struct siphon_ctx *ctx, struct cli_pull_args *pa, const char *main_config,
                     struct siphon_config **cfg_out, const char **profile, char *err,
                     size_t errcap);

#endif
