/* exitcodes.c - the mapping from library status to exit status. */
#include "exitcodes.h"

#include "siphon.h"

/*
 * Keep this block, the switch below and the README in step; the unit test
 * checks that every status the switch can return is described here.
 */
const char cli_exit_codes_text[] =
	"Exit status:\n"
	"  0    success\n"
	"  1    internal error\n"
	"  2    usage error: bad option or argument, a bad profile file or\n"
	"       SIPHON_* variable, no such profile\n"
	"  3    connection failed: host unreachable, timed out, connection lost,\n"
	"       transfer stalled, the server silent for --heartbeat-timeout, or\n"
	"       the server ended the pull because this machine was silent that\n"
	"       long (it slept); only once --retries reconnects have failed\n"
	"       too\n"
	"  4    host key unknown or changed\n"
	"  5    SSH authentication refused\n"
	"  6    remote side failed: tool missing, dump failed, database missing,\n"
	"       permission denied, a dump that is corrupt or hostile (a psql\n"
	"       command, a forged end of table, an impossible number)\n"
	"  7    local restore failed (including disk full, local tools), or a\n"
	"       local file could not be read or written (the profile file);\n"
	"       rollback or reset with no kept copy to do it with\n"
	"  8    incompatible versions or missing extensions (a local psql\n"
	"       without \\restrict, a local sqlite3 without -safe)\n"
	"  9    local database in use (use --force)\n"
	"  10   another run of this profile is in progress (it holds the\n"
	"       profile's lock; the line names it)\n"
	"  11   a snapshot refused: truncated, corrupt or not siphon's (the\n"
	"       local database untouched)\n"
	"  130  interrupted\n";

int
cli_exit_code(int status)
{
	switch (status) {
	case SIPHON_OK:
		return CLI_EXIT_OK;
	case SIPHON_EINTERNAL:
	case SIPHON_ENOMEM:
		return CLI_EXIT_INTERNAL;
	case SIPHON_EUSAGE:
		return CLI_EXIT_USAGE;
	case SIPHON_ECONNECT:
		return CLI_EXIT_CONNECT;
	case SIPHON_EHOSTKEY:
		return CLI_EXIT_HOSTKEY;
	case SIPHON_EAUTH:
		return CLI_EXIT_AUTH;
	case SIPHON_EREMOTE:
		return CLI_EXIT_REMOTE;
	case SIPHON_ELOCAL:
		return CLI_EXIT_LOCAL;
	case SIPHON_EVERSION:
		return CLI_EXIT_VERSION;
	case SIPHON_EBUSY:
		return CLI_EXIT_BUSY;
	case SIPHON_EINTR:
		return CLI_EXIT_INTERRUPTED;
	case SIPHON_ELOCKED:
		return CLI_EXIT_LOCKED;
	case SIPHON_ESNAPSHOT:
		return CLI_EXIT_SNAPSHOT;
	}
	return CLI_EXIT_INTERNAL;
}
