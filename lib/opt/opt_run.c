/*
 * opt_run.c - the options of the run around a pull rather than of the pull
 * itself: the commands a profile runs when its pull has ended (on_success,
 * on_failure; cmd/siphon runs them through siphon_hook_run) and their time
 * limit.  Profile keys and SIPHON_<OPTION> variables like any other.
 */
#include "opt/opt.h"

const struct siphon_optdef siphon_opt_run[] = {
	{ .name = "on-success", .type = SIPHON_OPT_STRING, .metavar = "COMMAND", .scope = "run",
	  .help = "after a successful pull of a profile, run COMMAND with /bin/sh -c, the outcome "
	          "in SIPHON_* variables (SIPHON_PROFILE, SIPHON_MESSAGE, SIPHON_BYTES, ...); its "
	          "failure is a warning, never the pull's" },
	{ .name = "on-failure", .type = SIPHON_OPT_STRING, .metavar = "COMMAND", .scope = "run",
	  .help = "after a failed pull of a profile, run COMMAND with /bin/sh -c, the outcome "
	          "in SIPHON_* variables (SIPHON_EXIT, SIPHON_MESSAGE, ...)" },
	{ .name = "hook-timeout", .type = SIPHON_OPT_INT, .metavar = "SECS", .min = 1, .max = 3600,
	  .def = "60", .scope = "run",
	  .help = "stop an on-success or on-failure command (its whole process group) after SECS "
	          "seconds (default 60)" },
	{ .name = NULL },
};
