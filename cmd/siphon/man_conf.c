/*
 * man_conf.c - siphon.conf(5), the profile file's page: the format in
 * prose, the keys from the definitions (cli_optlist_keys), so the list
 * cannot drift from what the file accepts.
 */
#include "man.h"

#include "args.h"
#include "roff.h"

#include <string.h>

/* The prose before the generated key list, and after it. */
static const char conf_head[] =
	".SH NAME\n"
	"siphon.conf \\- profiles for siphon\n"
	".SH SYNOPSIS\n"
	".I $XDG_CONFIG_HOME/siphon/config\n"
	".br\n"
	".I ~/.config/siphon/config\n"
	".SH DESCRIPTION\n"
	"The config file of\n"
	".BR siphon (1)\n"
	"holds profiles: named sets of settings, so that\n"
	".B siphon pull prod\n"
	"is the whole command.\n"
	".PP\n"
	".RS 4\n"
	".nf\n"
	"# ~/.config/siphon/config\n"
	"[defaults]\n"
	"jobs = 4\n"
	"\n"
	"[prod]\n"
	"ssh = prod                 # a Host of ~/.ssh/config\n"
	"database = shop\n"
	"into = shop_dev\n"
	"\n"
	"[legacy]\n"
	"ssh = admin@db.example.com:2222\n"
	"engine = mysql\n"
	"database = \"crm\"\n"
	"remote\\-sudo = mysql\n"
	".fi\n"
	".RE\n"
	".PP\n"
	"Nobody has to learn the format to start:\n"
	".B siphon config add\n"
	".I PROFILE\n"
	".B \\-\\-ssh\n"
	".I HOST\n"
	".B \\-\\-database\n"
	".I DBNAME\n"
	"writes a profile, and\n"
	".B siphon config set\n"
	".I \"PROFILE KEY VALUE\"\n"
	"and\n"
	".B siphon config unset\n"
	".I \"PROFILE KEY\"\n"
	"change one, keeping the file's comments and order.\n"
	".B siphon config show\n"
	".RI [ PROFILE ]\n"
	"prints every resolved setting and where it came from;\n"
	".B siphon config path\n"
	"prints which file is read.\n"
	".SH LOCATION\n"
	"The first of:\n"
	".IP 1. 4\n"
	"the file given with\n"
	".B \\-\\-config\n"
	".IR FILE ;\n"
	".IP 2. 4\n"
	".BR $SIPHON_CONFIG ;\n"
	".IP 3. 4\n"
	".IR $XDG_CONFIG_HOME/siphon/config ,\n"
	"when\n"
	".B XDG_CONFIG_HOME\n"
	"is set;\n"
	".IP 4. 4\n"
	".IR ~/.config/siphon/config .\n"
	".PP\n"
	"A missing file is no error there (there are no profiles); a missing file\n"
	"named by --config or SIPHON_CONFIG, or one that cannot be read, is.\n"
	".SH FORMAT\n"
	"The file is read line by line.\n"
	".TP\n"
	".BI [ name ]\n"
	"begins the profile\n"
	".IR name ;\n"
	"the keys below it, up to the next section, are its settings.\n"
	"A section may appear only once.\n"
	".TP\n"
	".B [defaults]\n"
	"holds settings for every profile; a profile's own settings take\n"
	"precedence.\n"
	".TP\n"
	".IB key \" = \" value\n"
	"sets a key of the section it is in; blanks around the\n"
	".B =\n"
	"and at the ends of the line do not count.\n"
	"A key may appear only once in a section.\n"
	"Keys are the option names of\n"
	".BR \"siphon pull\" ,\n"
	"written with\n"
	".B \\-\n"
	"or\n"
	".B _\n"
	".RB ( remote\\-sudo ,\n"
	".BR remote_sudo );\n"
	"see KEYS.\n"
	"A flag takes\n"
	".BR yes / no ,\n"
	".BR true / false ,\n"
	".BR on / off\n"
	"or\n"
	".BR 1 / 0 .\n"
	".TP\n"
	".BR # \" or \" ;\n"
	"at the start of a line (after blanks) makes it a comment; so does\n"
	".B #\n"
	"after a value when a blank precedes it\n"
	".RB ( \"jobs = 4  # more for big tables\" ).\n"
	"Blank lines are ignored.\n"
	".TP\n"
	".B \\(dq\\fIvalue\\fB\\(dq\n"
	"a value in double quotes keeps its blanks and\n"
	".BR # .\n"
	"Inside the quotes,\n"
	".B \\e\\(dq\n"
	"is a double quote and\n"
	".B \\e\\e\n"
	"a backslash.\n"
	".PP\n"
	"An unknown key (with the nearest known one suggested), a bad value or a\n"
	"repeated section or key is an error that names the file and the line.\n"
	".SH KEYS\n"
	"Every option of\n"
	".BR \"siphon pull\" ,\n"
	"by its long name.\n"
	".B ssh\n"
	"is a\n"
	".B Host\n"
	"of\n"
	".I ~/.ssh/config\n"
	"(with all its settings) or\n"
	".RI [ user @] host [: port ],\n"
	"and sets the host, and the user and port it names\n"
	".RB ( host ,\n"
	".BR user ,\n"
	".B port\n"
	"are keys too);\n"
	".B database\n"
	"is a PostgreSQL or MySQL/MariaDB database name, or the path of an SQLite\n"
	"file.\n"
	"The options of the command line alone\n"
	".RB ( \\-\\-quiet ,\n"
	".BR \\-\\-verbose ,\n"
	".BR \\-\\-dry\\-run ,\n"
	".BR \\-\\-config )\n"
	"are no keys.\n";

static const char conf_tail[] =
	".SH PRECEDENCE\n"
	"Each setting is taken from the first of:\n"
	".IP 1. 4\n"
	"the command line\n"
	".RB ( \"siphon pull prod \\-\\-jobs 8\" );\n"
	".IP 2. 4\n"
	"the environment:\n"
	".BI SIPHON_ KEY\\fR,\n"
	"the key in capitals with\n"
	".B _\n"
	"for\n"
	".B \\-\n"
	".RB ( SIPHON_JOBS=8 );\n"
	".IP 3. 4\n"
	"the profile's section;\n"
	".IP 4. 4\n"
	"the\n"
	".B [defaults]\n"
	"section;\n"
	".IP 5. 4\n"
	"the built\\-in default.\n"
	".PP\n"
	".B siphon config show\n"
	".I PROFILE\n"
	"says, for each setting, which one it came from (with the file and line).\n"
	".SH SECURITY\n"
	"A config file that holds a secret (a password, say in\n"
	".BR remote\\-mysql\\-opts )\n"
	"must be readable by its owner alone: when its group or others may read\n"
	"it, siphon refuses it and says the command to run,\n"
	".BR \"chmod 600\" \\ \\fIFILE\\fR.\n"
	"Better still, keep passwords out of it: in\n"
	".I ~/.pgpass\n"
	"or\n"
	".I ~/.my.cnf\n"
	"on the server.\n"
	".SH SEE ALSO\n"
	".BR siphon (1),\n"
	".BR ssh_config (5)\n";

/* ".TP", "jobs = N" (a flag: yes|no; a choice: its values), the help. */
static void
conf_key(FILE *out, const struct siphon_optdef *d)
{
	fputs(".TP\n\\fB", out);
	roff_str(out, d->name);
	fputs("\\fR = ", out);
	if (d->type == SIPHON_OPT_FLAG) {
		fputs("\\fByes\\fR|\\fBno\\fR", out);
	} else if (d->type == SIPHON_OPT_CHOICE) {
		for (size_t c = 0; d->choices[c] != NULL; c++) {
			fputs(c == 0 ? "\\fB" : "\\fR|\\fB", out);
			roff_str(out, d->choices[c]);
		}
		fputs("\\fR", out);
	} else {
		fputs("\\fI", out);
		roff_str(out, d->metavar != NULL ? d->metavar : "VALUE");
		fputs("\\fR", out);
	}
	fputc('\n', out);
	roff_lines(out, d->help, 1);
}

int
cli_man_conf_generate(FILE *out)
{
	struct cli_optlist keys;

	if (cli_optlist_keys(&keys) != 0)
		return -1;
	fputs(".\\\" Generated by `siphon __gen-man conf` from the option definitions\n"
	      ".\\\" (cmd/siphon/args.c, lib/opt/, the engines' own) and the text in\n"
	      ".\\\" cmd/siphon/man_conf.c: change those and run `make man`, do not edit\n"
	      ".\\\" this file.\n"
	      ".TH SIPHON.CONF 5 \"\" \"siphon " SIPHON_VERSION "\" \"File Formats\"\n"
	      ".nh\n", out);
	fputs(conf_head, out);
	for (size_t i = 0; i < keys.n; i++)
		conf_key(out, keys.defs[i]);
	fputs(conf_tail, out);
	cli_optlist_free(&keys);
	return 0;
}
