/*
 * lex.c - one line of an ssh_config file: the keyword, the raw rest and the
 * rest split into words, with OpenSSH's rules (readconf.c's
 * process_config_line, misc.c's strdelim and argv_split).
 */
#include "sshcfg/sshcfg_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void
sshcfg_strv_free(char **argv, size_t argc)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/*
 * Words separated by blanks; "..." and '...' group; a backslash escapes a
 * quote, a backslash and (outside quotes) a blank, and stays otherwise.  A
 * '#' where a word would start ends the line when stop_at_comment.
 * Returns 0, -1 (no memory) or -2 (a quote left open).
 */
int
sshcfg_argv_split(const char *s, int stop_at_comment, char ***argvp, size_t *argcp)
{
	char **argv = NULL, **grown, *arg;
	size_t argc = 0, i = 0, j;
	int quote, r = -1;

	*argvp = NULL;
	*argcp = 0;
	while (s[i] != '\0') {
		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (stop_at_comment && s[i] == '#')
			break;
		if ((grown = realloc(argv, (argc + 1) * sizeof(*argv))) == NULL)
			goto out;
		argv = grown;
		if ((arg = calloc(1, strlen(s + i) + 1)) == NULL)
			goto out;
		argv[argc++] = arg;
		quote = 0;
		for (j = 0; s[i] != '\0'; i++) {
			if (s[i] == '\\') {
				char n = s[i + 1];

				if (n == '\'' || n == '"' || n == '\\' || (quote == 0 && n == ' '))
					i++;
				arg[j++] = s[i];
			} else if (quote == 0 && (s[i] == ' ' || s[i] == '\t')) {
				break;
			} else if (quote == 0 && (s[i] == '"' || s[i] == '\'')) {
				quote = s[i];
			} else if (quote != 0 && s[i] == quote) {
				quote = 0;
			} else {
				arg[j++] = s[i];
			}
		}
		if (quote != 0) {
			r = -2;
			goto out;
		}
	}
	*argvp = argv;
	*argcp = argc;
	argv = NULL;
	argc = 0;
	r = 0;
out:
	sshcfg_strv_free(argv, argc);
	return r;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void
sshcfg_line_free(struct sshcfg_line *l)
{
	sshcfg_strv_free(l->argv, l->argc);
	l->argv = NULL;
	l->argc = 0;
}

int
sshcfg_lex(char *line, struct sshcfg_line *out)
{
	size_t len = strlen(line);
	char *p = line, *kw, *end;
	size_t klen, i;
	int r;

	memset(out, 0, sizeof(*out));
	/* Trailing blanks, CR of CRLF and form feeds go, as in OpenSSH. */
	while (len > 0 && (is_blank(line[len - 1]) || line[len - 1] == '\f'))
		line[--len] = '\0';
	while (is_blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return SSHCFG_LEX_EMPTY;
	if (*p == '"') {
		/* A quoted keyword, as strdelim allows. */
		kw = ++p;
		if ((end = strchr(p, '"')) == NULL)
			return SSHCFG_LEX_EMPTY;  /* OpenSSH ignores the line too */
		klen = (size_t)(end - kw);
		p = end + 1;
	} else {
		kw = p;
		klen = strcspn(p, " \t\r\n\"=");
		p += klen;
	}
	if (klen == 0)
		return SSHCFG_LEX_EMPTY;
	if (klen < sizeof(out->keyword)) {
		for (i = 0; i < klen; i++)
			out->keyword[i] = (char)tolower((unsigned char)kw[i]);
		out->keyword[klen] = '\0';
	}
	/* Blanks, then one '=' and blanks around it, separate the value. */
	while (is_blank(*p))
		p++;
	if (*p == '=') {
		p++;
		while (is_blank(*p))
			p++;
	}
	if (*p == '\0')
		return SSHCFG_LEX_NOARG;
	out->rest = p;
	r = sshcfg_argv_split(p, 1, &out->argv, &out->argc);
	if (r == -1)
		return SSHCFG_LEX_NOMEM;
	if (r == -2)
		return SSHCFG_LEX_QUOTES;
	return SSHCFG_LEX_OK;
}
