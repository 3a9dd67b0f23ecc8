/*
 * opt_core.c - the options every pull has, whatever the engine: the target,
 * the local name, channels, compression, the remote tools' manners, the
 * replace policy and the timeouts.  Defaults and bounds live here alone.
 */
#include "opt/opt.h"

/* In the order of enum siphon_compress: the index is the value. */
static const char *const compress_choices[] = {"auto", "zstd", "pigz", "gzip", "none", NULL};

const struct siphon_optdef siphon_opt_core[] = {
	/* The server and the database first: a profile's first keys. */
	{ .name = "ssh", .type = SIPHON_OPT_STRING, .metavar = "[USER@]HOST[:PORT]",
	  .scope = "core", .flags = SIPHON_OPTDEF_SERVER,
	  .help = "the server, when the target does not name it: a Host of "
	          "~/.ssh/config or an address" },
	/* A target's DBNAME; an option too, for a profile or --ssh. */
	{ .name = "database", .type = SIPHON_OPT_STRING, .metavar = "DBNAME",
	  .scope = "core",
	  .help = "the database on the server (SQLite: the file's path), when "
	          "the target does not name it" },
	{ .name = "host", .type = SIPHON_OPT_STRING, .metavar = "HOST",
	  .scope = "core", .flags = SIPHON_OPTDEF_TARGET,
	  .help = "the SSH server: a host name or address" },
	{ .name = "into", .type = SIPHON_OPT_STRING, .metavar = "LOCALNAME",
	  .scope = "core",
	  .help = "name of the local database to create or replace, or for "
	          "SQLite the local file (default: DBNAME; for SQLite its base "
	          "name)" },
	/* No default here: unset, the pull chooses (engine/tune.h). */
	{ .name = "jobs", .short_name = 'j', .type = SIPHON_OPT_INT,
	  .metavar = "N", .min = 1, .max = 64, .scope = "core",
	  .help = "copy over N parallel channels of the one SSH session "
	          "(default: chosen from the server's cores and load and "
	          "this machine's, half of them when both are one machine, "
	          "2 to 6; -v says why)" },
	{ .name = "compress", .type = SIPHON_OPT_CHOICE,
	  .choices = compress_choices, .def = "auto", .scope = "core",
	  .help = "compressor to run on the server; auto picks one installed "
	          "there (zstd, else pigz, else gzip) and its level, or none, "
	          "from a short link test and both machines' cores "
	          "(default auto)" },
	/* No default here: unset, the pull chooses (engine/tune.h). */
	{ .name = "level", .type = SIPHON_OPT_INT, .metavar = "N",
	  .min = -20, .max = 22, .scope = "core",
	  .help = "compression level: 1-22 for zstd (-1 to -20: its fast "
	          "levels, --fast=1 to 20), 1-9 for pigz and gzip (default: "
	          "chosen with the compressor; 3 for zstd, 1 for pigz and gzip "
	          "when the link could not be measured)" },
	/* choices NULL: the registered engines' names and aliases. */
	{ .name = "engine", .type = SIPHON_OPT_CHOICE, .scope = "core",
	  .help = "database engine: postgres, mysql (also MariaDB) or sqlite "
	          "(default: sqlite for a file path, else what the server "
	          "has; asks when both could fit)" },
	{ .name = "remote-sudo", .type = SIPHON_OPT_STRING, .metavar = "USER",
	  .scope = "core",
	  .help = "run the database tools on the server as USER, through sudo" },
	{ .name = "remote-threads", .type = SIPHON_OPT_INT, .metavar = "N",
	  .min = 1, .max = 1024, .scope = "core",
	  .help = "use at most N compressor threads on the server "
	          "(default: all cores)" },
	{ .name = "no-nice", .type = SIPHON_OPT_FLAG, .def = "no", .scope = "core",
	  .help = "do not lower the CPU and I/O priority of the remote tools" },
	{ .name = "force", .type = SIPHON_OPT_FLAG, .def = "no", .scope = "core",
	  .help = "replace the local database even while sessions are "
	          "connected to it (PostgreSQL, MySQL: they are ended; SQLite: "
	          "a program that has the file open keeps the old copy)" },
	{ .name = "keep-previous", .type = SIPHON_OPT_FLAG, .def = "yes", .scope = "core",
	  .help = "keep the copy a pull replaces, for `siphon rollback` (PostgreSQL: "
	          "a database siphon_prev_LOCALNAME; MySQL/MariaDB: a database "
	          "siphon_prev_LOCALNAME, its events disabled; SQLite: a file "
	          ".NAME.siphon-prev beside it); no (--no-keep-previous) drops it at the "
	          "swap (default yes)" },
	{ .name = "keep-pristine", .type = SIPHON_OPT_FLAG, .def = "yes", .scope = "core",
	  .help = "keep a second, untouched copy of what was pulled, for `siphon "
	          "reset` (a database siphon_pristine_LOCALNAME, a file "
	          ".NAME.siphon-pristine); it takes as much "
	          "disk as the copy, and a pull with room for the copy alone goes "
	          "on without it (default yes, --no-keep-pristine for none; "
	          "MySQL/MariaDB: only when set, as their copy is row by row and "
	          "costs about twice the load)" },
	{ .name = "allow-older-local", .type = SIPHON_OPT_FLAG, .def = "no",
	  .scope = "core",
	  .help = "try even if the local server is older than the remote one" },
	{ .name = "heartbeat-timeout", .type = SIPHON_OPT_INT, .metavar = "SECS",
	  .min = 15, .max = 86400, .def = "60", .scope = "core",
	  .help = "the server ends the pull (its processes, sessions and "
	          "locks) when it has heard nothing from siphon for SECS "
	          "seconds, and siphon gives up on a server silent that long "
	          "(default 60)" },
	{ .name = "stall-timeout", .type = SIPHON_OPT_INT, .metavar = "SECS",
	  .min = 1, .max = 86400, .def = "120", .scope = "core",
	  .help = "abort when no data has arrived for SECS seconds "
	          "(default 120)" },
	{ .name = "retries", .type = SIPHON_OPT_INT, .metavar = "N",
	  .min = 0, .max = 100, .def = "5", .scope = "core",
	  .help = "when the connection drops mid-pull, reconnect up to N "
	          "times, waiting 1, 2, 4, 8... s, and fetch only what was "
	          "not finished (PostgreSQL, MySQL/MariaDB; SQLite copies the file again; "
	          "a --save snapshot is dropped; 0 fails at once) (default 5)" },
	{ .name = "resume", .type = SIPHON_OPT_FLAG, .def = "no", .scope = "core",
	  .help = "go on with the partial copy an interrupted pull kept "
	          "(Ctrl-C, a lost connection, a crash; PostgreSQL): the "
	          "finished tables stay, the rest come from a new snapshot; "
	          "when it cannot be used (older than 24 hours, another "
	          "siphon, the schema changed), one line says why and the "
	          "pull starts over; without it a pull drops the kept copy "
	          "(default no)" },
	{ .name = "save", .type = SIPHON_OPT_FLAG, .def = "no", .scope = "core",
	  .help = "also keep what came over the wire as a snapshot in "
	          "$XDG_DATA_HOME/siphon/snapshots/PROFILE/, to restore later "
	          "with no network (siphon restore)" },
	{ .name = "snapshot-only", .type = SIPHON_OPT_FLAG, .def = "no", .scope = "core",
	  .help = "save the snapshot (as --save) and restore nothing locally: "
	          "no local database server or client is needed or touched; "
	          "siphon restore makes the copy later" },
	{ .name = "keep", .type = SIPHON_OPT_INT, .metavar = "N",
	  .min = 1, .max = 1000, .def = "3", .scope = "core",
	  .help = "keep the N newest snapshots of a profile, removing older "
	          "ones after a successful save (default 3)" },
	{ .name = NULL },
};
