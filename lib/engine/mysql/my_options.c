/* my_options.c - the MySQL/MariaDB engine's own options. */
#include "engine/mysql/my_options.h"

const struct siphon_optdef siphon_my_options[] = {
	[MY_OPT_REMOTE_OPTS] = {
		.name = "remote-mysql-opts", .type = SIPHON_OPT_STRING, .metavar = "OPTS",
		.scope = "mysql",
		.flags = SIPHON_OPTDEF_TOOL_OPTS | SIPHON_OPTDEF_SHORT_P_PASSWORD,
		.help = "extra options for the mysql/mariadb client on the server, "
		        "e.g. '-S /run/mysqld/mysqld.sock -u backup' (passwords "
		        "belong in the server's ~/.my.cnf)" },
	[MY_OPT_LOCAL_OPTS] = {
		.name = "local-mysql-opts", .type = SIPHON_OPT_STRING, .metavar = "OPTS",
		.scope = "mysql",
		.flags = SIPHON_OPTDEF_TOOL_OPTS | SIPHON_OPTDEF_SHORT_P_PASSWORD,
		.help = "extra options for the local mysql/mariadb client, e.g. "
		        "'-h 127.0.0.1 -P 3307'" },
	[MY_OPT_LATE_INDEX] = {
		.name = "late-index-mb", .type = SIPHON_OPT_INT, .metavar = "MB",
		.min = 0, .max = 1048576, .def = "16", .scope = "mysql",
		.help = "MySQL: InnoDB tables of MB megabytes or more are loaded "
		        "without their secondary indexes, which are built after "
		        "each one's rows, by sorting, while other tables load; 0: "
		        "every table, 1048576: none (default 16)" },
	[MY_OPT_NO_LOCK] = {
		.name = "no-lock", .type = SIPHON_OPT_FLAG, .def = "no", .scope = "mysql",
		.conflicts = "lock-all",
		.help = "MySQL: take no global read lock; the channels may then see "
		        "different instants" },
	[MY_OPT_LOCK_ALL] = {
		.name = "lock-all", .type = SIPHON_OPT_FLAG, .def = "no", .scope = "mysql",
		.help = "MySQL: hold the global read lock for the whole dump, so "
		        "that MyISAM tables are consistent too (blocks writes)" },
	[MY_OPT_LOCK_TIMEOUT] = {
		.name = "lock-timeout", .type = SIPHON_OPT_INT, .metavar = "SECS",
		.min = 1, .max = 86400, .def = "10", .scope = "mysql",
		.help = "MySQL: how long the swap (and rollback, reset) waits for "
		        "another session's lock on a table of the local database "
		        "before it gives up, leaving the database as it was "
		        "(exit 9) (default 10)" },
	{ .name = NULL },
};
