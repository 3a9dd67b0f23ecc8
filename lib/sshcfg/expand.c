/*
 * expand.c - ~ and %-tokens in ssh_config values, as ssh(1) expands them
 * (misc.c's tilde_expand_filename, percent_expand and dollar_expand): each
 * key allows its own tokens; an unknown one is an error, not left as is.
 */
#include "sshcfg/sshcfg_int.h"

#include "util/strbuf.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

static const char *
token_value(const struct sshcfg_tokens *t, char c)
{
	switch (c) {
	case 'h': return t->h;
	case 'n': return t->n;
	case 'p': return t->p;
	case 'r': return t->r;
	case 'u': return t->u;
	case 'd': return t->d;
	case 'l': return t->l;
	case 'L': return t->L;
	case 'i': return t->i;
	case 'k': return t->k;
	case 'j': return t->j;
	case 'C': return t->C;
	default: return NULL;
	}
}

/* ~, ~/x, ~user/x: the home of the user (ours for a bare ~). */
static int
tilde(struct siphon_ctx *ctx, const char *where, const char *key, const char *in,
      const char *home, struct siphon_strbuf *sb, const char **rest)
{
	const char *slash = strchr(in + 1, '/');
	size_t ulen = slash != NULL ? (size_t)(slash - in - 1) : strlen(in + 1);
	char user[256];
	struct passwd *pw;

	*rest = in + 1 + ulen;
	if (ulen == 0)
		return siphon_strbuf_puts(sb, home) == 0 ? 0 : siphon_err_oom(ctx);
	if (ulen >= sizeof(user))
		return siphon_err(ctx, SIPHON_EUSAGE, "%s: %s: user name too long after ~", where, key);
	memcpy(user, in + 1, ulen);
	user[ulen] = '\0';
	if ((pw = getpwnam(user)) == NULL)
		return siphon_err(ctx, SIPHON_EUSAGE, "%s: %s: no such user '%s' for ~%s",
		                  where, key, user, user);
	return siphon_strbuf_puts(sb, pw->pw_dir) == 0 ? 0 : siphon_err_oom(ctx);
}

int
sshcfg_expand(struct siphon_ctx *ctx, const char *where, const char *key,
              const char *in, const struct sshcfg_tokens *t, const char *allowed,
              unsigned flags, const char *home, char **out)
{
	struct siphon_strbuf sb = { 0 };
	const char *p = in, *v, *close;
	char var[256];
	size_t len;
	int r;

	*out = NULL;
	if ((flags & SSHCFG_X_TILDE) && *p == '~') {
		if ((r = tilde(ctx, where, key, in, home, &sb, &p)) != 0)
			goto out;
	}
	for (; *p != '\0'; p++) {
		if ((flags & SSHCFG_X_ENV) && p[0] == '$' && p[1] == '{') {
			if ((close = strchr(p + 2, '}')) == NULL) {
				r = siphon_err(ctx, SIPHON_EUSAGE, "%s: %s: '${' without '}' in '%s'",
				               where, key, in);
				goto out;
			}
			len = (size_t)(close - p - 2);
			if (len == 0 || len >= sizeof(var)) {
				r = siphon_err(ctx, SIPHON_EUSAGE, "%s: %s: bad variable name in '%s'",
				               where, key, in);
				goto out;
			}
			memcpy(var, p + 2, len);
			var[len] = '\0';
			if ((v = getenv(var)) == NULL) {
				r = siphon_err(ctx, SIPHON_EUSAGE, "%s: %s: environment variable %s "
				               "is not set (used in '%s')", where, key, var, in);
				goto out;
			}
			if (siphon_strbuf_puts(&sb, v) != 0)
				goto oom;
			p = close;
			continue;
		}
		if (*p != '%') {
			if (siphon_strbuf_append(&sb, p, 1) != 0)
				goto oom;
			continue;
		}
		p++;
		if (*p == '%') {
			if (siphon_strbuf_append(&sb, "%", 1) != 0)
				goto oom;
			continue;
		}
		if (*p == '\0') {
			r = siphon_err(ctx, SIPHON_EUSAGE, "%s: %s: '%%' at the end of '%s' "
			               "(write %%%% for a percent sign)", where, key, in);
			goto out;
		}
		if (strchr(allowed, *p) == NULL || (v = token_value(t, *p)) == NULL) {
			r = siphon_err(ctx, SIPHON_EUSAGE, "%s: %s: unknown token %%%c in '%s' "
			               "(write %%%% for a percent sign)", where, key, *p, in);
			goto out;
		}
		if (siphon_strbuf_puts(&sb, v) != 0)
			goto oom;
	}
	if ((*out = siphon_strbuf_take(&sb)) == NULL)
		goto oom;
	r = 0;
	goto out;
oom:
	r = siphon_err_oom(ctx);
out:
	siphon_strbuf_free(&sb);
	return r;
}
