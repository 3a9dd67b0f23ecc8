/*
 * cmd_snap.c - saved snapshots on the command line: `siphon snapshots
 * [PROFILE] [--prune]`, `siphon verify FILE`, and what `restore` names
 * (a profile's snapshot by time, or a file).  The restore itself runs as a
 * pull does (cmd_pull.c), over the snapshot.
 */
#include "cmd_snap.h"

#include "args.h"
#include "exitcodes.h"
#include "help.h"
#include "profile.h"
#include "summary.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int
failf(char *err, size_t cap, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
failf(char *err, size_t cap, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	cli_sanitize(err);
	return code;
}

/* A file rather than a profile: it has a '/' or siphon's suffix, or exists. */
static int
names_file(const char *t)
{
	struct stat st;
	size_t n = strlen(t);

	return strchr(t, '/') != NULL || (n > 11 && strcmp(t + n - 11, ".siphon.tar") == 0) ||
	       (strchr(t, '@') == NULL && stat(t, &st) == 0 && S_ISREG(st.st_mode));
}

int
cli_restore_resolve(struct siphon_ctx *ctx, const char *target, struct cli_pull_args *pa,
                    const char *main_config, struct siphon_config **cfg_out, const char **profile,
                    char *path, size_t cap, char *err, size_t errcap)
{
	static char name[128];      /* the profile part of PROFILE@TIME: outlives the call */
	const char *at;
	int r;

	*profile = NULL;
	*cfg_out = NULL;
	if (target == NULL || pa->word != NULL)
		return failf(err, errcap, SIPHON_EUSAGE,
		             "restore takes one PROFILE[@TIME|@latest] or snapshot FILE, first");
	if ((r = cli_config_load(ctx, pa->config != NULL ? pa->config : main_config, 1, cfg_out)) != 0)
		return failf(err, errcap, r, "%s", siphon_ctx_errmsg(ctx));
	if (names_file(target)) {
		snprintf(path, cap, "%s", target);
		return 0;
	}
	at = strchr(target, '@');
	snprintf(name, sizeof(name), "%.*s", at != NULL ? (int)(at - target) : (int)strlen(target), target);
	if (!siphon_config_name_ok(name))
		return failf(err, errcap, SIPHON_EUSAGE, "'%s' is neither a profile nor a snapshot file", target);
	/* The profile's local settings (into, force, local options) count. */
	if (siphon_config_has(*cfg_out, name, NULL) &&
	    (r = siphon_config_apply(ctx, *cfg_out, name, pa->opts)) != 0)
		return failf(err, errcap, r, "%s", siphon_ctx_errmsg(ctx));
	if ((r = siphon_snapshot_find(ctx, name, at != NULL ? at + 1 : NULL, path, cap)) != 0)
		return failf(err, errcap, r, "%s", siphon_ctx_errmsg(ctx));
	*profile = name;
	return 0;
}

struct list_out {
	int rows;
};

static void
list_row(void *arg, const char *profile, const struct siphon_snapshot_info *in)
{
	struct list_out *lo = arg;
	char when[32] = "?", size[32];
	time_t t = (time_t)in->time;
	struct tm tm;

	lo->rows++;
	if (in->problem[0] != '\0') {
		char line[600];

		snprintf(line, sizeof(line), "%s", in->problem);
		cli_sanitize(line);
		printf("%-16s %-19s %10s %6s  BROKEN: %s\n", profile, "-", "-", "-", line);
		return;
	}
	if (gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	cli_format_bytes(size, sizeof(size), (uint64_t)in->size);
	{
		char src[5400];

		snprintf(src, sizeof(src), "%s %s:%s  %s", in->engine, in->host, in->database, in->file);
		cli_sanitize(src);
		printf("%-16s %-19s %10s %6d  %s\n", profile, when, size, in->tables, src);
	}
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every name that has a snapshot directory (profiles, and HOST_DATABASE
 * of pulls without one), sorted; *n of them.  NULL when there is none.
 */
static char **
snapshot_names(size_t *n)
{
	char dir[4096], *slash, **names = NULL, **nn;
	struct dirent *de;
	DIR *d;

	*n = 0;
	if (siphon_snapshot_dir("x", dir, sizeof(dir)) != 0 || (slash = strrchr(dir, '/')) == NULL)
		return NULL;
	*slash = '\0';
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !siphon_config_name_ok(de->d_name))
			continue;
		if ((nn = realloc(names, (*n + 1) * sizeof(*nn))) == NULL)
			break;
		names = nn;
		if ((names[*n] = strdup(de->d_name)) == NULL)
			break;
		(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(names, *n, sizeof(*names), name_cmp);
	return names;
}

/* The names to look at: the one named, else every one with snapshots. */
static int
each_profile(struct siphon_ctx *ctx, const struct siphon_config *cfg, const char *only, int prune,
             struct list_out *lo)
{
	size_t n = 0;
	char **names = only != NULL ? NULL : snapshot_names(&n);
	int r = 0;

	for (size_t i = 0; i < (only != NULL ? 1 : n) && r == 0; i++) {
		const char *name = only != NULL ? only : names[i];
		struct siphon_opts *opts = NULL;
		int removed = 0;

		if (!prune) {
			r = siphon_snapshots_list(ctx, name, list_row, lo);
			continue;
		}
		/* keep = N of the profile (its default else). */
		if (siphon_opts_new(&opts) != 0)
			return SIPHON_ENOMEM;
		if (!siphon_config_has(cfg, name, NULL) || (r = siphon_config_apply(ctx, cfg, name, opts)) == 0)
			r = siphon_snapshots_prune(ctx, name, siphon_opts_int(opts, "keep"), &removed);
		if (r == 0)
			printf("%s: removed %d snapshot%s, kept at most %d\n", name, removed, removed == 1 ? "" : "s",
			       siphon_opts_int(opts, "keep"));
		siphon_opts_free(opts);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

static const char help_snapshots[] =
	"usage: siphon snapshots [PROFILE] [--prune] [--config FILE]\n"
	"\n"
	"Lists the saved snapshots (pull --save) of a profile, or of every name that has\n"
	"some: time (UTC), size, tables, source.  --prune removes all but each one's\n"
	"`keep` newest (default 3).  They live in $XDG_DATA_HOME/siphon/snapshots/PROFILE/.\n";
static const char help_restore[] =
	"usage: siphon restore PROFILE[@TIME|@latest] | FILE [--into NAME] [--force] [options]\n"
	"\n"
	"Restores a saved snapshot with no network, through the same parallel, atomic\n"
	"restore as pull: TIME is the start of a snapshot's name (20261205T0415), the\n"
	"newest by default.  The pull's own options are used (its -j); only the local\n"
	"side (--into, --force, --allow-older-local, local options) can change.  A\n"
	"truncated, corrupt or foreign snapshot is refused (exit 11), the local\n"
	"database untouched.\n";
static const char help_verify[] =
	"usage: siphon verify FILE\n"
	"\n"
	"Checks a snapshot without restoring it: every member's size and SHA-256\n"
	"against its manifest.  Exit 0, or 11 with one line.\n";

int
cli_help_snap(FILE *out, const char *command)
{
	const char *text = strcmp(command, "snapshots") == 0 ? help_snapshots :
	                   strcmp(command, "restore") == 0 ? help_restore :
	                   strcmp(command, "verify") == 0 ? help_verify : NULL;

	if (text == NULL)
		return -1;
	fputs(text, out);
	fputs("\n", out);
	fputs(cli_exit_codes_text, out);
	return 0;
}

int
cli_cmd_snapshots(int argc, char **argv, const char *main_config)
{
	struct siphon_config *cfg = NULL;
	struct siphon_ctx *ctx = NULL;
	struct list_out lo = {0};
	const char *only = NULL, *config = main_config;
	int prune = 0, r, code;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--prune") == 0)
			prune = 1;
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_help_snap(stdout, "snapshots");
			return CLI_EXIT_OK;
		} else if (argv[i][0] != '-' && only == NULL)
			only = argv[i];
		else
			return cli_usage_error("snapshots takes [PROFILE] [--prune]", "snapshots");
	}
	if (only != NULL && !siphon_config_name_ok(only))
		return cli_usage_error("not a profile name", "snapshots");
	if (siphon_ctx_new(&ctx) != 0) {
		fputs("siphon: out of memory\n", stderr);
		return CLI_EXIT_INTERNAL;
	}
	if ((r = cli_config_load(ctx, config, 1, &cfg)) == 0) {
		if (!prune)
			printf("%-16s %-19s %10s %6s  %s\n", "PROFILE", "TIME (UTC)", "SIZE", "TABLES", "SOURCE");
		r = each_profile(ctx, cfg, only, prune, &lo);
	}
	code = cli_exit_code(r);
	if (r != 0)
		fprintf(stderr, "siphon: %s\n", siphon_ctx_errmsg(ctx));
	siphon_config_free(cfg);
	siphon_ctx_free(ctx);
	return code;
}

int
cli_cmd_verify(int argc, char **argv)
{
	struct siphon_snapshot_info in;
	struct siphon_ctx *ctx = NULL;
	char size[32], line[6000];
	int r, code;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cli_help_snap(stdout, "verify");
		return CLI_EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error("verify takes one snapshot FILE", "verify");
	if (siphon_ctx_new(&ctx) != 0) {
		fputs("siphon: out of memory\n", stderr);
		return CLI_EXIT_INTERNAL;
	}
	if ((r = siphon_snapshot_info(ctx, argv[1], 1, &in)) == 0) {
		cli_format_bytes(size, sizeof(size), (uint64_t)in.size);
		snprintf(line, sizeof(line), "%s: ok: %s %s:%s (%s), %d tables, %d streams, %s, siphon %s",
		         in.file, in.engine, in.host, in.database, in.server, in.tables, in.streams, size,
		         in.version);
		cli_sanitize(line);
		puts(line);
	} else {
		fprintf(stderr, "siphon: %s\n", siphon_ctx_errmsg(ctx));
	}
	code = cli_exit_code(r);
	siphon_ctx_free(ctx);
	return code;
}
