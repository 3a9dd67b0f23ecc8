/* man.c - siphon(1) in roff, from the option definitions and the help texts. */
#include "man.h"

#include "args.h"
#include "exitcodes.h"
#include "help.h"
#include "roff.h"

#include <string.h>

/* ".TP", then "-j, --jobs N" in bold and italics, then the help sentence. */
static void
man_option(FILE *out, const struct siphon_optdef *d)
{
	fputs(".TP\n", out);
	if (d->short_name != 0)
		fprintf(out, "\\fB\\-%c\\fR, ", d->short_name);
	fputs("\\fB\\-\\-", out);
	roff_str(out, d->name);
	fputs("\\fR", out);
	if (d->type == SIPHON_OPT_CHOICE) {
		for (size_t c = 0; d->choices[c] != NULL; c++) {
			fputs(c == 0 ? " \\fI" : "\\fR|\\fI", out);
			roff_str(out, d->choices[c]);
		}
		fputs("\\fR", out);
	} else if (d->metavar != NULL) {
		fputs(" \\fI", out);
		roff_str(out, d->metavar);
		fputs("\\fR", out);
	}
	fputc('\n', out);
	roff_lines(out, d->help, 1);
}

/*
 * The hand-written sections, in roff: between OPTIONS and EXIT STATUS, and
 * after it.
 */
static const char man_profiles_ssh[] =
	".SH PROFILES\n"
	"A profile names a pull once, so that\n"
	".B siphon pull prod\n"
	"is the whole command.\n"
	"Profiles are sections of the config file\n"
	".RI ( ~/.config/siphon/config ,\n"
	"see\n"
	".BR siphon.conf (5)):\n"
	".PP\n"
	".RS 4\n"
	".nf\n"
	"[prod]\n"
	"ssh = prod            # a Host of ~/.ssh/config\n"
	"database = shop\n"
	"into = shop_dev\n"
	"jobs = 4\n"
	".fi\n"
	".RE\n"
	".PP\n"
	"Every option of\n"
	".B pull\n"
	"is a key of the same name; a\n"
	".B [defaults]\n"
	"section applies to every profile.\n"
	"A setting is taken from the first of: the command line, the environment\n"
	".RB ( SIPHON_ \\fIKEY\\fR),\n"
	"the profile, the\n"
	".B [defaults]\n"
	"section, the built\\-in default.\n"
	"So\n"
	".B siphon pull prod \\-\\-into x\n"
	"overrides one key for one run.\n"
	".B siphon profiles\n"
	"lists the profiles,\n"
	".B siphon config show\n"
	".I PROFILE\n"
	"prints every resolved setting and where it came from, and\n"
	".BR \"siphon config set\" ,\n"
	".B unset\n"
	"and\n"
	".B add\n"
	"edit the file, keeping its comments and order.\n"
	".SH SSH CONFIGURATION\n"
	"siphon connects as\n"
	".BR ssh (1)\n"
	"would: it reads\n"
	".I ~/.ssh/config\n"
	"then\n"
	".IR /etc/ssh/ssh_config ,\n"
	"so a\n"
	".B Host\n"
	"of the user's own configuration is a target\n"
	".RB ( \"siphon pull prod:shop\" )\n"
	"and the value of a profile's\n"
	".B ssh\n"
	"key.\n"
	"It follows\n"
	".B Host\n"
	"patterns\n"
	".RB ( * ,\n"
	".BR ? ,\n"
	".BR ! ,\n"
	"several per line),\n"
	".B Match\n"
	"blocks\n"
	".RB ( all ,\n"
	".BR host ,\n"
	".BR originalhost ,\n"
	".BR user ,\n"
	".BR localuser ;\n"
	"a block with\n"
	".B exec\n"
	"is skipped with a warning, never run) and\n"
	".B Include\n"
	"(globs, relative to\n"
	".IR ~/.ssh ),\n"
	"and takes the first value obtained for each key, as OpenSSH does.\n"
	"The keys it reads:\n"
	".TP\n"
	".BR HostName \", \" User \", \" Port\n"
	"where to connect, and as whom\n"
	".RB ( %h\n"
	"expanded in\n"
	".BR HostName ).\n"
	".TP\n"
	".BR IdentityFile \", \" IdentitiesOnly \", \" CertificateFile\n"
	"the keys to offer (several, with\n"
	".B ~\n"
	"and\n"
	".BR \"%d %u %h %r %p\" ),\n"
	"and whether to offer only those.\n"
	".TP\n"
	".B IdentityAgent\n"
	"the agent's socket, or\n"
	".BR none ;\n"
	"by default\n"
	".BR SSH_AUTH_SOCK .\n"
	".TP\n"
	".BR UserKnownHostsFile \", \" GlobalKnownHostsFile \", \" StrictHostKeyChecking \", \" HashKnownHosts\n"
	"where host keys are checked and recorded;\n"
	".BR yes ,\n"
	".BR accept\\-new ,\n"
	".B no\n"
	"and\n"
	".B ask\n"
	"as in OpenSSH, except that a changed key is always refused.\n"
	".TP\n"
	".BR ConnectTimeout \", \" ServerAliveInterval \", \" ServerAliveCountMax\n"
	"how long to wait for the server, and how often to check it is alive.\n"
	".TP\n"
	".BR ProxyJump \", \" ProxyCommand\n"
	"bastions: each hop of\n"
	".B ProxyJump\n"
	"is an SSH session inside a channel of the previous one, in siphon's own\n"
	"process; a\n"
	".B ProxyCommand\n"
	"runs as a child whose standard input and output carry the session.\n"
	".PP\n"
	"Other keys are ignored.\n"
	"Options on the command line or in a profile take precedence over these.\n";

static const char man_env_files_examples[] =
	".SH ENVIRONMENT\n"
	".TP\n"
	".B SIPHON_CONFIG\n"
	"the config file, when no\n"
	".B \\-\\-config\n"
	"is given.\n"
	".TP\n"
	".BI SIPHON_ KEY\n"
	"the value of a key for every pull, over the profile's: the key's name in\n"
	"capitals, with\n"
	".B _\n"
	"for\n"
	".BR \\- ,\n"
	"as in\n"
	".B SIPHON_JOBS=8\n"
	"or\n"
	".BR SIPHON_REMOTE_SUDO=postgres .\n"
	".TP\n"
	".B XDG_CONFIG_HOME\n"
	"where the config file is looked for\n"
	".RI ( $XDG_CONFIG_HOME/siphon/config );\n"
	".I ~/.config\n"
	"when unset.\n"
	".TP\n"
	".B SSH_AUTH_SOCK\n"
	"the ssh\\-agent to ask for keys, unless\n"
	".B IdentityAgent\n"
	"says otherwise.\n"
	".TP\n"
	".BR HOME \", \" USER\n"
	"where\n"
	".I ~/.ssh\n"
	"and the config file are, and the SSH user when none is given.\n"
	".TP\n"
	".BR PGHOST \", \" PGPORT \", \" PGUSER \", \" MYSQL_UNIX_PORT \", \" MYSQL_HOST \", \" MYSQL_TCP_PORT\n"
	"how the local client tools reach the local server.\n"
	".TP\n"
	".B XDG_STATE_HOME\n"
	"where a profile's state is kept\n"
	".RI ( $XDG_STATE_HOME/siphon );\n"
	".I ~/.local/state\n"
	"when unset.\n"
	".SH HOOKS\n"
	"A profile's\n"
	".B on\\-success\n"
	"or\n"
	".B on\\-failure\n"
	"command runs after its pull, by\n"
	".BR \"/bin/sh \\-c\" ,\n"
	"stdin\n"
	".IR /dev/null ,\n"
	"in a process group of its own, stopped after\n"
	".B hook\\-timeout\n"
	"seconds; its output goes to the log, and its failure is a warning that never\n"
	"changes the exit status.\n"
	"The outcome is in its environment only (never in the command's text):\n"
	".BR SIPHON_PROFILE \", \" SIPHON_HOST \", \" SIPHON_DATABASE \", \" SIPHON_INTO \", \" SIPHON_ENGINE ,\n"
	".B SIPHON_OUTCOME\n"
	".RB ( success\n"
	"or\n"
	".BR failure ),\n"
	".BR SIPHON_EXIT \", \" SIPHON_MESSAGE\n"
	"(the summary line or the error),\n"
	".BR SIPHON_SECONDS \", \" SIPHON_BYTES \", \" SIPHON_RAW_BYTES \", \" SIPHON_TABLES ,\n"
	".BR SIPHON_STARTED \", \" SIPHON_ENDED\n"
	"(seconds since 1970) and\n"
	".B SIPHON_LOG\n"
	"(the log of an unattended run, else empty).\n"
	".SH FILES\n"
	".TP\n"
	".I ~/.config/siphon/config\n"
	"the profiles; see\n"
	".BR siphon.conf (5).\n"
	".TP\n"
	".IR ~/.ssh/config \", \" /etc/ssh/ssh_config\n"
	"the OpenSSH client configuration.\n"
	".TP\n"
	".IR ~/.ssh/known_hosts \", \" /etc/ssh/ssh_known_hosts\n"
	"the known host keys (unless the configuration names others).\n"
	".TP\n"
	".IR ~/.ssh/id_ed25519 \", \" ~/.ssh/id_ecdsa \", \" ~/.ssh/id_rsa\n"
	"the keys tried when the configuration names none.\n"
	".TP\n"
	".IR ~/.pgpass \", \" ~/.my.cnf\n"
	"the database credentials, on the server (for the SSH user) and here.\n"
	".TP\n"
	".I ~/.local/state/siphon/last/PROFILE\n"
	"the record of the profile's last pull (when, how long, exit status, bytes,\n"
	"tables, its summary or error), read by\n"
	".B profiles\n"
	"and\n"
	".BR doctor .\n"
	".TP\n"
	".I ~/.local/state/siphon/PROFILE.lock\n"
	"held by the run that changes the profile's copy (its pid, start and command\n"
	"inside); a second run exits 10.\n"
	".TP\n"
	".IR ~/.local/state/siphon/PROFILE.log \", \" PROFILE.log.1 \" .. \" PROFILE.log.3\n"
	"the timestamped log of\n"
	".B \\-\\-unattended\n"
	"runs, rotated when it has reached 1 MiB.\n"
	".SH EXAMPLES\n"
	"Pull the profile\n"
	".B prod\n"
	"(or, without one, the\n"
	".B Host prod\n"
	"of\n"
	".IR ~/.ssh/config ):\n"
	".PP\n"
	".RS 4\n"
	".nf\n"
	"siphon pull prod\n"
	".fi\n"
	".RE\n"
	".PP\n"
	"Write that profile once, then see what a pull would do:\n"
	".PP\n"
	".RS 4\n"
	".nf\n"
	"siphon config add prod \\-\\-ssh prod \\-\\-database shop \\-\\-into shop_dev\n"
	"siphon plan prod\n"
	".fi\n"
	".RE\n"
	".PP\n"
	"Pull a database by name, from a server of\n"
	".I ~/.ssh/config\n"
	"or any address:\n"
	".PP\n"
	".RS 4\n"
	".nf\n"
	"siphon pull prod:shop\n"
	"siphon pull deploy@db.example.com:2222:shop \\-\\-into shop_dev \\-j 8\n"
	"siphon pull prod:/srv/app/db.sqlite3 \\-\\-into ./dev.sqlite3\n"
	".fi\n"
	".RE\n"
	".PP\n"
	"Override a key for one run, or for every run from the environment:\n"
	".PP\n"
	".RS 4\n"
	".nf\n"
	"siphon pull prod \\-\\-into scratch\n"
	"SIPHON_JOBS=2 siphon pull prod\n"
	".fi\n"
	".RE\n";

/* "[\fIPROFILE\fR] \fIKEY\fR": the arguments of a command, in italics. */
static void
man_args(FILE *out, const char *args)
{
	const char *p = args;

	for (int first = 1;; first = 0) {
		size_t len;
		int opt;

		p += strspn(p, " ");
		if (*p == '\0')
			break;
		len = strcspn(p, " ");
		opt = p[0] == '[' && p[len - 1] == ']';
		fputs(first ? "" : " ", out);
		fputs(opt ? "[\\fI" : "\\fI", out);
		roff_text(out, p + opt, len - 2 * (size_t)opt);
		fputs(opt ? "\\fR]" : "\\fR", out);
		p += len;
	}
}

/* One line of the synopsis per command with something to do. */
static void
man_synopsis(FILE *out)
{
	for (size_t i = 0; i < cli_commands_count; i++) {
		const struct cli_command *c = &cli_commands[i];

		/* A group ("config") is its subcommands. */
		if (cli_command_is_group(i))
			continue;
		fputs(".B siphon ", out);
		roff_str(out, c->name);
		fputc('\n', out);
		if (c->options != CLI_OPTSET_NONE)
			fputs("[\\fIoptions\\fR]", out);
		if (c->options != CLI_OPTSET_NONE && *c->args != '\0')
			fputc(' ', out);
		man_args(out, c->args);
		if (c->options != CLI_OPTSET_NONE || *c->args != '\0')
			fputc('\n', out);
		fputs(".br\n", out);
	}
}

static void
man_commands(FILE *out)
{
	fputs(".SH COMMANDS\n", out);
	for (size_t i = 0; i < cli_commands_count; i++) {
		const struct cli_command *c = &cli_commands[i];

		fputs(".TP\n\\fB", out);
		roff_str(out, c->name);
		fputs("\\fR", out);
		if (*c->args != '\0') {
			fputc(' ', out);
			man_args(out, c->args);
		}
		fputc('\n', out);
		roff_lines(out, c->help, 1);
	}
}

int
cli_man_generate(FILE *out)
{
	struct cli_optlist pull, top;
	const char *codes = strchr(cli_exit_codes_text, '\n');

	if (cli_optlist_pull(&pull) != 0)
		return -1;
	cli_optlist_main(&top);
	fputs(".\\\" Generated by `siphon __gen-man` from the command table and the option\n"
	      ".\\\" definitions (cmd/siphon/args.c, lib/opt/, the engines' own), the help\n"
	      ".\\\" texts (cmd/siphon/help.c) and the sections in cmd/siphon/man.c: change\n"
	      ".\\\" those and run `make man`, do not edit this file.\n"
	      ".TH SIPHON 1 \"\" \"siphon " SIPHON_VERSION "\" \"User Commands\"\n"
	      /* No hyphenation: option names and paths must stay whole. */
	      ".nh\n"
	      ".SH NAME\n"
	      "siphon \\- pull a production database to the workstation over one SSH session\n"
	      ".SH SYNOPSIS\n", out);
	man_synopsis(out);
	fputs(".B siphon\n"
	      "[\\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR]\n"
	      ".SH DESCRIPTION\n", out);
	roff_lines(out, cli_pull_about, 1);
	man_commands(out);
	fputs(".SH TARGET\n"
	      "The target of \\fBpull\\fR and \\fBplan\\fR is a profile (see PROFILES), or\n"
	      "\\fI", out);
	roff_str(out, CLI_TARGET_SYNOPSIS);
	fputs("\\fR, where host may be a Host of \\fI~/.ssh/config\\fR.\n", out);
	roff_lines(out, cli_pull_target, 1);
	fputs(".SS Where the tools find their servers\n"
	      ".nf\n", out);
	roff_lines(out, cli_pull_where, 0);
	fputs(".fi\n", out);
	fputs(man_profiles_ssh, out);
	fputs(".SH OPTIONS\n", out);
	for (size_t i = 0; i < pull.n; i++)
		man_option(out, pull.defs[i]);
	fputs(".SS Before the command\n", out);
	for (size_t i = 0; i < top.n; i++)
		man_option(out, top.defs[i]);
	/* The --help block without its "Exit status:" title. */
	fputs(".SH EXIT STATUS\n"
	      ".nf\n", out);
	roff_lines(out, codes != NULL ? codes + 1 : cli_exit_codes_text, 0);
	fputs(".fi\n", out);
	fputs(man_env_files_examples, out);
	fputs(".SH SEE ALSO\n"
	      ".BR siphon.conf (5),\n"
	      ".BR ssh_config (5),\n"
	      ".BR ssh (1),\n"
	      ".BR pg_dump (1),\n"
	      ".BR mysql (1),\n"
	      ".BR sqlite3 (1)\n", out);
	cli_optlist_free(&pull);
	return 0;
}
