/* chan_libssh2.h - the channel ops table over a libssh2 session. */
#ifndef SIPHON_SSH_CHAN_LIBSSH2_H
#define SIPHON_SSH_CHAN_LIBSSH2_H

#include "loop/chan.h"

extern const struct siphon_chan_ops siphon_chan_libssh2;

#endif
