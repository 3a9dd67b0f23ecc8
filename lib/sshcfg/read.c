/*
 * read.c - reading ssh_config files as ssh(1) does: lines, Host and Match
 * blocks deciding which lines apply, Include (globs, depth limit) carrying
 * the block state, the files of a query in order.  The keys themselves are
 * applied by keys.c.
 */
#include "sshcfg/sshcfg_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define SYSTEM_DIR "/etc/ssh"
#define SYSTEM_FILE "/etc/ssh/ssh_config"

enum open_mode {
	OPEN_OPTIONAL,  /* ~/.ssh/config, /etc/ssh/ssh_config: absent is fine */
	OPEN_INCLUDE,   /* absent is fine, unreadable is not */
	OPEN_REQUIRED,  /* -F */
};

/* "~/.ssh/config" for a file under the home, else the path. */
static void
display_path(const struct sshcfg_state *st, const char *path, char *out, size_t cap)
{
	size_t hl = strlen(st->home);

	if (hl > 1 && strncmp(path, st->home, hl) == 0 && path[hl] == '/')
		snprintf(out, cap, "~%s", path + hl);
	else
		snprintf(out, cap, "%s", path);
}

static int
add_name(struct sshcfg_state *st, const char *name)
{
	char **grown;
	size_t i;

	if (strpbrk(name, "*?!") != NULL || *name == '\0')
		return 0;
	for (i = 0; i < st->n_names; i++)
		if (strcmp(st->names[i], name) == 0)
			return 0;
	if ((grown = realloc(st->names, (st->n_names + 1) * sizeof(*grown))) == NULL)
		return siphon_err_oom(st->ctx);
	st->names = grown;
	if ((st->names[st->n_names] = strdup(name)) == NULL)
		return siphon_err_oom(st->ctx);
	st->n_names++;
	return 0;
}

/*
 * Host: active when one pattern matches the name as typed (in the second
 * reading: the final host name), unless a !negated one matches (which
 * excludes the block whatever else matched).  Byte for byte, as OpenSSH's
 * match_pattern.
 */
static int
host_line(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
          int never_match, int *active)
{
	/* ssh's second reading matches Host against the name the first found. */
	const char *pat, *name = st->final_pass ? st->final_host : st->q->host;
	size_t i;
	int neg, r;

	*active = 0;
	for (i = 0; i < l->argc; i++) {
		if (*l->argv[i] == '\0')
			return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: empty Host pattern", where);
		if (st->names_only) {
			if ((r = add_name(st, l->argv[i])) != 0)
				return r;
			continue;
		}
		if (never_match)
			continue;
		neg = *l->argv[i] == '!';
		pat = l->argv[i] + neg;
		if (sshcfg_match_pattern(name, pat)) {
			if (neg) {
				*active = 0;
				break;
			}
			*active = 1;
		}
	}
	return 0;
}

int
sshcfg_match_host_name(struct sshcfg_state *st, char **out)
{
	static const struct sshcfg_tokens none;
	struct sshcfg_tokens t = none;

	*out = NULL;
	if (st->final_pass && st->final_host != NULL)
		*out = strdup(st->final_host);
	else if (st->hostname.val == NULL)
		*out = strdup(st->q->host);
	else {
		t.h = st->q->host;
		return sshcfg_expand(st->ctx, st->hostname.where, "HostName", st->hostname.val,
		                     &t, "h", 0, st->home, out);
	}
	return *out != NULL ? 0 : siphon_err_oom(st->ctx);
}

static int
match_line(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
           int never_match, int *active)
{
	const char *attrib, *arg, *ruser;
	char *host = NULL, *p;
	size_t i = 0;
	int negate, result = 1, attributes = 0, m, r = 0;

	*active = 0;
	if (st->names_only)
		return 0;
	if (l->argc == 0)
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: Match without criteria", where);
	while (i < l->argc) {
		attrib = l->argv[i++];
		negate = *attrib == '!';
		attrib += negate;
		if (strcasecmp(attrib, "all") == 0) {
			if (attributes > 0 || i < l->argc) {
				r = siphon_err(st->ctx, SIPHON_EUSAGE, "%s: 'all' cannot be combined "
				               "with other Match attributes", where);
				goto out;
			}
			if (result)
				result = !negate;
			break;
		}
		attributes++;
		if (strcasecmp(attrib, "canonical") == 0 || strcasecmp(attrib, "final") == 0) {
			/* True only in the second pass, which a Match final asks for. */
			if (strcasecmp(attrib, "final") == 0 && !negate)
				st->want_final = 1;
			if (st->final_pass == negate)
				result = 0;
			continue;
		}
		if (i >= l->argc || *l->argv[i] == '\0') {
			r = siphon_err(st->ctx, SIPHON_EUSAGE, "%s: Match %s without a value", where,
			               attrib);
			goto out;
		}
		arg = l->argv[i++];
		if (strcasecmp(attrib, "host") == 0 || strcasecmp(attrib, "originalhost") == 0) {
			/* OpenSSH's match_hostname: name and patterns both lowercased. */
			free(host);
			if (strcasecmp(attrib, "host") == 0)
				r = sshcfg_match_host_name(st, &host);
			else if ((host = strdup(st->q->host)) == NULL)
				r = siphon_err_oom(st->ctx);
			if (r != 0)
				goto out;
			for (p = host; *p != '\0'; p++)
				*p = (char)tolower((unsigned char)*p);
			m = sshcfg_match_list(host, arg, 1) == 1;
		} else if (strcasecmp(attrib, "user") == 0) {
			ruser = st->q->user != NULL ? st->q->user :
			        st->user.val != NULL ? st->user.val : st->local_user;
			m = sshcfg_match_list(ruser, arg, 0) == 1;
		} else if (strcasecmp(attrib, "localuser") == 0) {
			m = sshcfg_match_list(st->local_user, arg, 0) == 1;
		} else if (strcasecmp(attrib, "exec") == 0) {
			/* Never run: whatever its sense, the block does not apply. */
			if (!st->exec_warned)
				siphon_log(st->ctx, SIPHON_LOG_WARN, "%s: Match exec is not run by "
				           "siphon; block skipped", where);
			st->exec_warned = 1;
			result = 0;
			continue;
		} else if (strcasecmp(attrib, "localnetwork") == 0 ||
		           strcasecmp(attrib, "tagged") == 0 ||
		           strcasecmp(attrib, "command") == 0 ||
		           strcasecmp(attrib, "version") == 0 ||
		           strcasecmp(attrib, "sessiontype") == 0) {
			siphon_log(st->ctx, SIPHON_LOG_DEBUG, "%s: Match %s is not evaluated by "
			           "siphon; block skipped", where, attrib);
			result = 0;
			continue;
		} else {
			r = siphon_err(st->ctx, SIPHON_EUSAGE, "%s: unsupported Match attribute '%s'",
			               where, attrib);
			goto out;
		}
		if (m == negate)
			result = 0;
	}
	*active = never_match ? 0 : result;
out:
	free(host);
	return r;
}

static int
include_line(struct sshcfg_state *st, const char *where, const struct sshcfg_line *l,
             int user, int depth, int never_match, int *active)
{
	struct sshcfg_tokens t = { 0 };
	struct siphon_ctx scratch;
	char *exp = NULL, *host = NULL, *path = NULL, port[16];
	glob_t gl;
	size_t i, k;
	int r = 0, g, outer = *active;

	memset(&gl, 0, sizeof(gl));
	if (!st->names_only && (r = sshcfg_match_host_name(st, &host)) != 0)
		return r;
	snprintf(port, sizeof(port), "%d", st->q->port > 0 ? st->q->port :
	         st->port > 0 ? st->port : 22);
	t.h = host != NULL ? host : st->q->host;
	t.n = t.k = st->q->host;
	t.p = port;
	t.r = st->q->user != NULL ? st->q->user : st->user.val != NULL ? st->user.val :
	      st->local_user;
	t.u = st->local_user;
	t.d = st->home;
	for (i = 0; i < l->argc; i++) {
		free(exp);
		free(path);
		exp = path = NULL;
		if (*l->argv[i] == '\0') {
			r = siphon_err(st->ctx, SIPHON_EUSAGE, "%s: empty Include path", where);
			goto out;
		}
		if (*l->argv[i] == '~' && !user) {
			r = siphon_err(st->ctx, SIPHON_EUSAGE, "%s: Include path '%s' may not start "
			               "with ~ in a system file", where, l->argv[i]);
			goto out;
		}
		/*
		 * As ssh: a path that cannot be expanded is skipped, not fatal.
		 * The message is made on a scratch context, so it is only logged.
		 */
		memset(&scratch, 0, sizeof(scratch));
		r = sshcfg_expand(&scratch, where, "Include", l->argv[i], &t, "hnkprud",
		                  SSHCFG_X_TILDE | SSHCFG_X_ENV, st->home, &exp);
		if (r == SIPHON_EUSAGE) {
			siphon_log(st->ctx, SIPHON_LOG_WARN, "%s; Include path skipped",
			           scratch.errmsg);
			r = 0;
			continue;
		}
		if (r != 0) {
			r = siphon_err_oom(st->ctx);
			goto out;
		}
		/* Relative: to ~/.ssh for a user file, /etc/ssh for a system one. */
		if (*exp != '/') {
			if ((user ? asprintf(&path, "%s/.ssh/%s", st->home, exp)
			          : asprintf(&path, "%s/%s", SYSTEM_DIR, exp)) < 0) {
				path = NULL;
				r = siphon_err_oom(st->ctx);
				goto out;
			}
		} else if ((path = strdup(exp)) == NULL) {
			r = siphon_err_oom(st->ctx);
			goto out;
		}
		g = glob(path, 0, NULL, &gl);
		if (g == GLOB_NOMATCH) {
			siphon_log(st->ctx, SIPHON_LOG_DEBUG, "%s: Include %s matched no files",
			           where, path);
			globfree(&gl);
			continue;
		}
		if (g != 0) {
			globfree(&gl);
			r = g == GLOB_NOSPACE ? siphon_err_oom(st->ctx) :
			    siphon_err(st->ctx, SIPHON_EUSAGE, "%s: cannot list the files of "
			               "Include %s", where, path);
			goto out;
		}
		if (depth + 1 > SSHCFG_INCLUDE_DEPTH) {
			globfree(&gl);
			r = siphon_err(st->ctx, SIPHON_EUSAGE, "%s: Include nested more than %d deep "
			               "(does a file include itself?)", where, SSHCFG_INCLUDE_DEPTH);
			goto out;
		}
		for (k = 0; k < gl.gl_pathc; k++) {
			/* An Include in a block that does not apply is read, not applied. */
			r = sshcfg_read_file(st, where, gl.gl_pathv[k], user, OPEN_INCLUDE, depth + 1,
			                     never_match || !outer, active);
			/* A Match in the included file does not end the including block. */
			*active = outer;
			if (r != 0)
				break;
		}
		globfree(&gl);
		if (r != 0)
			goto out;
	}
out:
	free(exp);
	free(path);
	free(host);
	return r;
}

static int
one_line(struct sshcfg_state *st, const char *where, char *text, int user, int depth,
         int never_match, int *active)
{
	struct sshcfg_line l;
	int r;

	switch (sshcfg_lex(text, &l)) {
	case SSHCFG_LEX_EMPTY:
		return 0;
	case SSHCFG_LEX_NOMEM:
		sshcfg_line_free(&l);
		return siphon_err_oom(st->ctx);
	case SSHCFG_LEX_NOARG:
		sshcfg_line_free(&l);
		if (st->names_only)
			return 0;
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: no value after '%s'", where,
		                  l.keyword);
	case SSHCFG_LEX_QUOTES:
		sshcfg_line_free(&l);
		if (st->names_only)
			return 0;
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s: unterminated quote", where);
	default:
		break;
	}
	if (strcmp(l.keyword, "host") == 0)
		r = host_line(st, where, &l, never_match, active);
	else if (strcmp(l.keyword, "match") == 0)
		r = match_line(st, where, &l, never_match, active);
	else if (strcmp(l.keyword, "include") == 0)
		r = include_line(st, where, &l, user, depth, never_match, active);
	else if (st->names_only)
		r = 0;
	else
		r = sshcfg_apply_key(st, where, &l, *active && !never_match);
	sshcfg_line_free(&l);
	return r;
}

/*
 * The next line into buf (without its newline): 1, 0 at the end, -1 when
 * longer than cap - 1 bytes.  Memory stays bounded whatever the file.
 */
static int
read_line(FILE *f, char *buf, size_t cap)
{
	size_t len = 0;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (len + 1 >= cap)
			return -1;
		buf[len++] = (char)ch;
	}
	buf[len] = '\0';
	return ch == EOF && len == 0 ? 0 : 1;
}

/*
 * Opens path without blocking on a FIFO, and only a regular file (or
 * /dev/null): an Include glob must not wander into devices.
 */
static FILE *
open_config(const char *path, int *err)
{
	struct stat sb;
	FILE *f;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		*err = errno;
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || (!S_ISREG(sb.st_mode) && strcmp(path, "/dev/null") != 0)) {
		*err = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
		close(fd);
		return NULL;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		*err = errno;
		close(fd);
	}
	return f;
}

int
sshcfg_read_file(struct sshcfg_state *st, const char *from, const char *path, int user,
                 int mode, int depth, int never_match, int *active)
{
	char shown[512], where[600], *line = NULL;
	unsigned long lineno = 0;
	FILE *f;
	int r = 0, got, err = 0;

	display_path(st, path, shown, sizeof(shown));
	if ((f = open_config(path, &err)) == NULL) {
		if (mode == OPEN_OPTIONAL || (mode == OPEN_INCLUDE && err == ENOENT))
			return 0;
		return siphon_err(st->ctx, SIPHON_EUSAGE, "%s%scannot read ssh config file %s: %s",
		                  from != NULL ? from : "", from != NULL ? ": " : "", shown,
		                  err == EINVAL ? "not a regular file" : strerror(err));
	}
	if ((line = malloc(SSHCFG_LINE_MAX + 1)) == NULL) {
		r = siphon_err_oom(st->ctx);
		goto out;
	}
	while ((got = read_line(f, line, SSHCFG_LINE_MAX + 1)) != 0) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%lu", shown, lineno);
		if (got < 0) {
			r = siphon_err(st->ctx, SIPHON_EUSAGE, "%s: line longer than %d bytes",
			               where, SSHCFG_LINE_MAX);
			goto out;
		}
		if ((r = one_line(st, where, line, user, depth, never_match, active)) != 0)
			goto out;
	}
	if (ferror(f)) {
		r = siphon_err(st->ctx, SIPHON_EUSAGE, "cannot read ssh config file %s: %s",
		               shown, strerror(errno));
		goto out;
	}
out:
	free(line);
	fclose(f);
	return r;
}

int
sshcfg_read_all(struct sshcfg_state *st)
{
	const char *sys = st->q->system_file != NULL ? st->q->system_file : SYSTEM_FILE;
	char *path = NULL;
	int r, active = 1;

	if (st->q->file != NULL) {
		if (strcmp(st->q->file, "none") == 0)
			return 0;
		return sshcfg_read_file(st, NULL, st->q->file, 1, OPEN_REQUIRED, 0, 0, &active);
	}
	if (asprintf(&path, "%s/.ssh/config", st->home) < 0)
		return siphon_err_oom(st->ctx);
	r = sshcfg_read_file(st, NULL, path, 1, OPEN_OPTIONAL, 0, 0, &active);
	free(path);
	if (r != 0)
		return r;
	active = 1;
	return sshcfg_read_file(st, NULL, sys, 0, OPEN_OPTIONAL, 0, 0, &active);
}
