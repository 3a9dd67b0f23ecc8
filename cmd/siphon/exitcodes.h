/*
 * exitcodes.h - how siphon ends: one documented exit status per kind of
 * failure, so scripts can tell a network hiccup (retry) from a wrong
 * database name (do not).
 */
#ifndef SIPHON_CMD_EXITCODES_H
#define SIPHON_CMD_EXITCODES_H

enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_INTERNAL = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_CONNECT = 3,
	CLI_EXIT_HOSTKEY = 4,
	CLI_EXIT_AUTH = 5,
	CLI_EXIT_REMOTE = 6,
	CLI_EXIT_LOCAL = 7,
	CLI_EXIT_VERSION = 8,
	CLI_EXIT_BUSY = 9,
	CLI_EXIT_LOCKED = 10,
	CLI_EXIT_SNAPSHOT = 11,
	CLI_EXIT_INTERRUPTED = 130,
};

/*
 * The exit status for a result of the library (0 or a negative
 * SIPHON_E* code).  A code this build does not know maps to
 * CLI_EXIT_INTERNAL.
 */
int cli_exit_code(int status);

/* The "Exit status:" block of --help, also meant for the README. */
extern const char cli_exit_codes_text[];

#endif
