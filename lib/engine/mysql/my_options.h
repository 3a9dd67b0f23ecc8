/* my_options.h - the MySQL/MariaDB engine's own options. */
#ifndef SIPHON_ENGINE_MY_OPTIONS_H
#define SIPHON_ENGINE_MY_OPTIONS_H

#include "siphon.h"

/* Indexes into siphon_my_options[]. */
enum {
	MY_OPT_REMOTE_OPTS = 0, /* --remote-mysql-opts */
	MY_OPT_LOCAL_OPTS,      /* --local-mysql-opts */
	MY_OPT_LATE_INDEX,      /* --late-index-mb */
	MY_OPT_NO_LOCK,         /* --no-lock */
	MY_OPT_LOCK_ALL,        /* --lock-all */
	MY_OPT_LOCK_TIMEOUT,    /* --lock-timeout */
};

/* Ends with name NULL; the engine's ops table points to it. */
extern const struct siphon_optdef siphon_my_options[];

#endif
