/* help.c - --help texts, the options listed from their definitions. */
#include "help.h"

#include "args.h"
#include "exitcodes.h"

#include <string.h>

/*
 * The prose of `siphon pull --help`, also the man page's (which refills
 * it): keep each line within 79 columns.
 */
const char cli_pull_about[] =
	"Copies database DBNAME from the server into a local database.  The server's\n"
	"dump tool runs remotely, its output is compressed there, streamed over\n"
	"several channels of one SSH session and restored here as it arrives.  The\n"
	"local database is replaced only once everything has succeeded.\n";

const char cli_pull_target[] =
	"  PROFILE is a [section] of the profile file (siphon profiles lists them;\n"
	"  siphon config add NAME --ssh HOST --database DB makes one); its keys are\n"
	"  the options below, under the command line and SIPHON_<OPTION> variables\n"
	"  (SIPHON_JOBS=8).  HOST may be a Host of ~/.ssh/config.  A word that is no\n"
	"  profile is the server when --database is given.\n"
	"  user defaults to $USER and port to 22.  Write an IPv6 address in brackets:\n"
	"  [::1]:2222:app or admin@[::1]:app.  Everything after the host and port is\n"
	"  the database name, colons included.  A PostgreSQL or MySQL/MariaDB database\n"
	"  is named; an SQLite database is a file path on the server\n"
	"  (prod:/srv/app/db.sqlite3), copied to --into FILE (default: its base name\n"
	"  here).\n";

const char cli_pull_where[] =
	"  remote   the SSH user's settings: PGHOST/PGUSER/~/.pgpass, ~/.my.cnf\n"
	"           ([client] user=, password=); or --remote-pg-opts,\n"
	"           --remote-mysql-opts.  No password ever goes on a command line.\n"
	"  local    PGHOST/PGPORT/PGUSER; ~/.my.cnf, MYSQL_UNIX_PORT, MYSQL_HOST,\n"
	"           MYSQL_TCP_PORT, --local-mysql-opts.\n";

/* Column of option descriptions, and the width they are wrapped to. */
#define DESC_COL 29
#define WIDTH 79

/*
 * Writes text word by word from column col (the cursor is already there),
 * breaking lines before WIDTH and indenting continuations to indent.
 */
static void
wrap(FILE *out, const char *text, int col, int indent)
{
	const char *p = text;

	for (;;) {
		int wl;

		p += strspn(p, " ");
		if (*p == '\0')
			break;
		wl = (int)strcspn(p, " ");
		if (col > indent && col + 1 + wl > WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, (size_t)wl, out);
		col += wl;
		p += wl;
	}
	fputc('\n', out);
}

/* "  -j, --jobs N" or "      --compress auto|zstd|pigz|gzip|none" */
static int
option_left(const struct siphon_optdef *o, char *buf, size_t cap)
{
	int len;

	if (o->short_name != 0)
		len = snprintf(buf, cap, "  -%c, --%s", o->short_name, o->name);
	else
		len = snprintf(buf, cap, "      --%s", o->name);
	if (len < 0 || (size_t)len >= cap)
		return len;
	if (o->type == SIPHON_OPT_CHOICE) {
		for (size_t i = 0; o->choices[i] != NULL; i++) {
			int w = snprintf(buf + len, cap - (size_t)len, "%c%s",
			                 i == 0 ? ' ' : '|', o->choices[i]);

			if (w < 0 || (size_t)w >= cap - (size_t)len)
				return -1;
			len += w;
		}
	} else if (o->metavar != NULL) {
		len += snprintf(buf + len, cap - (size_t)len, " %s", o->metavar);
	}
	return len;
}

static void
print_options(FILE *out, const struct cli_optlist *l)
{
	char left[256];

	fputs("Options:\n", out);
	for (size_t i = 0; i < l->n; i++) {
		int len = option_left(l->defs[i], left, sizeof(left));

		if (len < 0)
			continue;
		fputs(left, out);
		/* A long left column gets its description on the next line. */
		if (len + 2 > DESC_COL) {
			fprintf(out, "\n%*s", DESC_COL, "");
		} else {
			fprintf(out, "%*s", DESC_COL - len, "");
		}
		wrap(out, l->defs[i]->help, DESC_COL, DESC_COL);
	}
}

void
cli_help_main(FILE *out)
{
	struct cli_optlist l;
	int width = 10;

	cli_optlist_main(&l);
	fputs("usage: siphon <command> [options]\n"
	      "       siphon pull [options] " CLI_PULL_SYNOPSIS "\n"
	      "\n"
	      "siphon copies a database from a server to this machine over one "
	      "SSH session.\n"
	      "\n"
	      "Commands:\n", out);
	/* "config set PROFILE KEY VALUE", the descriptions in one column. */
	for (size_t i = 0; i < cli_commands_count; i++) {
		int w = (int)(strlen(cli_commands[i].name) + 1 + strlen(cli_commands[i].args));

		width = w > width ? w : width;
	}
	for (size_t i = 0; i < cli_commands_count; i++) {
		const struct cli_command *c = &cli_commands[i];
		int w = fprintf(out, "  %s%s%s", c->name, *c->args != '\0' ? " " : "", c->args);

		fprintf(out, "%*s %s\n", width + 2 - w, "", c->help);
	}
	fputc('\n', out);
	print_options(out, &l);
	fputs("\n"
	      "Run 'siphon pull --help' for the options of pull.\n"
	      "\n", out);
	fputs(cli_exit_codes_text, out);
}

int
cli_help_pull(FILE *out)
{
	struct cli_optlist l;

	if (cli_optlist_pull(&l) != 0)
		return -1;
	fprintf(out, "usage: siphon pull [options] " CLI_PULL_SYNOPSIS "\n"
	        "\n%s\nTarget:\n%s\nWhere the tools find their servers:\n%s\n",
	        cli_pull_about, cli_pull_target, cli_pull_where);
	print_options(out, &l);
	fputc('\n', out);
	fputs(cli_exit_codes_text, out);
	cli_optlist_free(&l);
	return 0;
}

/* The prose of `siphon config --help`; keep each line within 79 columns. */
static const char cli_config_help[] =
	"usage: siphon config show [PROFILE]\n"
	"       siphon config set PROFILE KEY VALUE\n"
	"       siphon config unset PROFILE KEY\n"
	"       siphon config add PROFILE --ssh HOST --database DB [pull's options]\n"
	"       siphon config path\n"
	"\n"
	"The profile file (siphon config path; --config FILE, SIPHON_CONFIG, else\n"
	"$XDG_CONFIG_HOME/siphon/config or ~/.config/siphon/config) has one section\n"
	"per profile, and [defaults] for every profile:\n"
	"\n"
	"  [prod]\n"
	"  ssh = prod              # a Host of ~/.ssh/config, or user@host:port\n"
	"  database = shop\n"
	"  into = shop_dev\n"
	"  jobs = 4\n"
	"\n"
	"Keys are pull's options (siphon pull --help), '-' or '_'; flags take yes\n"
	"or no.  Quote a value with \" to keep a '#' or blanks at its ends.\n"
	"\n"
	"  show    every setting a pull of PROFILE (or of HOST:DB) would use, and\n"
	"          where it comes from: the file and line, SIPHON_<KEY>, or the\n"
	"          default; passwords are hidden\n"
	"  set     set KEY in PROFILE (the profile is made when missing)\n"
	"  unset   remove KEY from PROFILE\n"
	"  add     make PROFILE from pull's options; an existing one is refused\n"
	"  path    print the profile file's path\n"
	"\n"
	"Edits keep the file's comments, order and line ends, and write it at once\n"
	"(a new file is private: mode 0600).  A file that others can read is\n"
	"refused while it holds a password.\n"
	"\n"
	"Options:\n"
	"      --config FILE          the profile file\n"
	"  -h, --help                 show this help and exit\n"
	"\n";

void
cli_help_config(FILE *out)
{
	fputs(cli_config_help, out);
	fputs(cli_exit_codes_text, out);
}

void
cli_help_profiles(FILE *out)
{
	fputs("usage: siphon profiles [--config FILE]\n"
	      "\n"
	      "Lists the profiles of the profile file: name, server, engine, database,\n"
	      "local name, and when the last pull of each ended and how.\n"
	      "\n", out);
	fputs(cli_exit_codes_text, out);
}

/* The prose of `siphon schedule --help`, also the man page's; within 79 columns. */
const char cli_schedule_about[] =
	"Installs a scheduled pull of PROFILE for the current user: a marked block\n"
	"in your crontab (every other line of it left as it is), or with --systemd\n"
	"a systemd user timer (~/.config/systemd/user/siphon-PROFILE.timer and\n"
	".service; Persistent, so a run missed while the machine was off comes at\n"
	"its next start).  Scheduling again replaces the profile's schedule, of\n"
	"either kind.  The job runs this siphon by its absolute path as\n"
	"'siphon pull --unattended PROFILE', with HOME, PATH, the XDG directories,\n"
	"the local PG and MySQL settings that are set here (never a password) and\n"
	"SIPHON_CONFIG when the profile file is not the default one; it logs\n"
	"itself.  Before installing, siphon logs in as the job will and warns when\n"
	"that needs someone at the keyboard (a passphrase, an ssh-agent).\n"
	"\n"
	"--list shows every schedule, its last run and outcome, and its next run\n"
	"(local time).  'siphon unschedule PROFILE' removes a profile's schedule.\n";

void
cli_help_schedule(FILE *out)
{
	struct cli_optlist l;

	cli_optlist_schedule(&l);
	fprintf(out, "usage: siphon schedule PROFILE --daily HH:MM | --hourly | --cron 'EXPR'\n"
	        "                       [--systemd [--random-delay DURATION]] [--no-check]\n"
	        "       siphon schedule --list\n"
	        "       siphon unschedule PROFILE\n\n%s\n", cli_schedule_about);
	print_options(out, &l);
	fputc('\n', out);
	fputs(cli_exit_codes_text, out);
}

void
cli_version(FILE *out)
{
	fputs("siphon " SIPHON_VERSION "\n", out);
}

int
cli_usage_error(const char *msg, const char *command)
{
	/* One line, like every other failure: the hint rides along. */
	if (command != NULL)
		fprintf(stderr, "siphon: %s (see 'siphon %s --help')\n", msg, command);
	else
		fprintf(stderr, "siphon: %s (see 'siphon --help')\n", msg);
	return CLI_EXIT_USAGE;
}
