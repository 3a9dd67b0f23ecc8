/* my_explain.c - what the mysql/mariadb client's failures mean, as rules. */
#include "engine/mysql/my_explain.h"

#include "engine/eng_explain.h"
#include "engine/mysql/my_pull_int.h"

static const char *const keys[] = {"ERROR ", "error:", "sudo:", NULL};

static const char *const unknown_db[] = {"ERROR 1049", "Unknown database", NULL};
static const char *const login[] = {"ERROR 1045", "ERROR 1698", NULL};
static const char *const no_connection[] = {
	"ERROR 2002", "ERROR 2003", "ERROR 2005", "Can't connect", NULL,
};
static const char *const denied[] = {
	"ERROR 1044", "ERROR 1142", "ERROR 1227", "ERROR 1143", "ERROR 1370", NULL,
};

static const struct siphon_explain_rule rules[] = {
	{.any = unknown_db, .err = SIPHON_EREMOTE,
	 .msg = "database \"{db}\" does not exist on {host} ({line}); check the name with: ssh {host} mysql -e 'SHOW DATABASES'{elsewhere}"},
	{.any = login, .err = SIPHON_EREMOTE,
	 .msg = "MySQL on {host} refused the login ({line}); put the credentials in the remote user's ~/.my.cnf ([client] user=... password=...), or pass --remote-mysql-opts '-u USER'"},
	{.any = no_connection, .err = SIPHON_EREMOTE,
	 .msg = "cannot connect to MySQL on {host} ({line}); is the server running? Name its socket or host in the remote ~/.my.cnf or with --remote-mysql-opts '-S SOCKET' / '-h HOST -P PORT'"},
	{.any = denied, .err = SIPHON_EREMOTE,
	 .msg = "permission denied on {host} ({line}); the remote MySQL user needs SELECT, SHOW VIEW, TRIGGER, EVENT and (for routines) SHOW CREATE ROUTINE on the database"},
	{.msg = NULL},
};

const struct siphon_explain_engine siphon_my_explain = {
	.keys = keys,
	.tool = "the client",
	.missing = "the mysql client",
	.missing_fix = "; install it there (apt install mariadb-client, or mysql-client)",
	.rules = rules,
};

int
my_explain(void *arg, struct siphon_rstream *rs)
{
	struct my *my = arg;

	return siphon_eng_explain(my->eng, rs, &siphon_my_explain, my);
}
