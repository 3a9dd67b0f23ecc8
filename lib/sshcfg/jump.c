/*
 * jump.c - the ProxyJump grammar: hops separated by commas, each
 * [user@]host[:port] (host may be [v6]) or ssh://[user@]host[:port][/],
 * as OpenSSH's parse_jump, parse_user_host_port and parse_ssh_uri.
 */
#include "sshcfg/sshcfg_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void
siphon_sshcfg_jumps_free(struct siphon_sshcfg_jump *j, size_t n)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(j[i].user);
		free(j[i].host);
	}
	free(j);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* %XX decoding of a URI's user name in place; -1 on a bad escape or NUL. */
static int
urldecode(char *s)
{
	char *w = s;
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*w++ = *s;
			continue;
		}
		if ((hi = hexval(s[1])) < 0 || (lo = hexval(s[2])) < 0 || (hi == 0 && lo == 0))
			return -1;
		*w++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*w = '\0';
	return 0;
}

/*
 * Splits one hop (modified in place).  Pointers go into hop; *port -1 when
 * none.  0, or -1 when the hop is not valid.
 */
static int
split_hop(char *hop, char **user, char **host, int *port)
{
	char *at, *h, *rest, delim;
	int uri = strncmp(hop, "ssh://", 6) == 0;

	*user = NULL;
	*port = -1;
	if (uri)
		hop += 6;
	if (*hop == '\0' || strpbrk(hop, " \t") != NULL)
		return -1;
	/* A URI's user ends at the first '@' (params after ';' ignored). */
	at = uri ? strchr(hop, '@') : strrchr(hop, '@');
	if (at != NULL) {
		*at = '\0';
		if (uri && (rest = strchr(hop, ';')) != NULL)
			*rest = '\0';
		if (*hop == '\0' || (uri && urldecode(hop) != 0))
			return -1;
		*user = hop;
		hop = at + 1;
	}
	if (*hop == '[') {
		h = hop + 1;
		if ((rest = strchr(h, ']')) == NULL || rest == h)
			return -1;
		*rest++ = '\0';
		if (*rest != '\0' && *rest != ':' && *rest != '/')
			return -1;
	} else {
		h = hop;
		rest = h + strcspn(h, ":/");
		if (rest == h)
			return -1;
	}
	delim = *rest;
	if (delim != '\0')
		*rest++ = '\0';
	*host = h;
	if (uri) {
		/* ssh://host:port/path: the path is ignored. */
		char *slash = delim == ':' ? strchr(rest, '/') : NULL;

		if (slash != NULL)
			*slash = '\0';
		if (delim == ':' && *rest != '\0' && (*port = sshcfg_parse_port(rest)) < 0)
			return -1;
		return 0;
	}
	if (delim != '\0' && *rest != '\0' && (*port = sshcfg_parse_port(rest)) < 0)
		return -1;
	return 0;
}

static int
parse(struct siphon_ctx *ctx, const char *spec, struct siphon_sshcfg_jump **out, size_t *n)
{
	struct siphon_sshcfg_jump *hops = NULL, *grown;
	size_t count = 0, len;
	char *dup = NULL, *p, *user, *host, save;
	int port, r;

	if ((dup = strdup(spec)) == NULL) {
		r = ctx != NULL ? siphon_err_oom(ctx) : SIPHON_ENOMEM;
		goto out;
	}
	for (p = dup;; p += len + 1) {
		len = strcspn(p, ",");
		save = p[len];
		p[len] = '\0';
		if (split_hop(p, &user, &host, &port) != 0) {
			r = ctx != NULL ? siphon_err(ctx, SIPHON_EUSAGE, "bad ProxyJump hop '%s' in '%s' "
			                             "(expected [user@]host[:port] or "
			                             "ssh://[user@]host[:port])", p, spec)
			                : SIPHON_EUSAGE;
			goto out;
		}
		if (out != NULL) {
			if ((grown = realloc(hops, (count + 1) * sizeof(*hops))) == NULL)
				goto oom;
			hops = grown;
			memset(&hops[count], 0, sizeof(*hops));
			count++;
			hops[count - 1].port = port;
			if ((hops[count - 1].host = strdup(host)) == NULL ||
			    (user != NULL && (hops[count - 1].user = strdup(user)) == NULL))
				goto oom;
		}
		if (save == '\0')
			break;
	}
	if (out != NULL) {
		*out = hops;
		*n = count;
		hops = NULL;
		count = 0;
	}
	r = 0;
	goto out;
oom:
	r = ctx != NULL ? siphon_err_oom(ctx) : SIPHON_ENOMEM;
out:
	siphon_sshcfg_jumps_free(hops, count);
	free(dup);
	return r;
}

int
siphon_sshcfg_parse_jumps(struct siphon_ctx *ctx, const char *spec,
                          struct siphon_sshcfg_jump **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return parse(ctx, spec, out, n);
}

int
sshcfg_jump_valid(const char *spec)
{
	return parse(NULL, spec, NULL, NULL) == 0 ? 0 : -1;
}
