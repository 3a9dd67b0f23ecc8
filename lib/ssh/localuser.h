/*
 * localuser.h - who runs siphon: the login name that is the default SSH user
 * and the home directory that holds ~/.ssh.
 */
#ifndef SIPHON_SSH_LOCALUSER_H
#define SIPHON_SSH_LOCALUSER_H

#include "util/ctx.h"

#include <stddef.h>

/*
 * Writes the local login name ($USER, else the password database) into buf.
 * Returns 0, or SIPHON_EUSAGE when there is none or it does not fit.
 */
int siphon_ssh_localuser_name(struct siphon_ctx *ctx, char *buf,
                              size_t cap);

/*
 * Writes "$HOME/rel" into buf ($HOME, else the password database's home
 * directory).  Returns 0, or SIPHON_EUSAGE when there is no home directory
 * or the path does not fit.
 */
int siphon_ssh_localuser_path(struct siphon_ctx *ctx, char *buf,
                              size_t cap, const char *rel);

#endif
