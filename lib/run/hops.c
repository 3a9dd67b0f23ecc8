/* hops.c - from a pull's options to its SSH source: jump hosts and a ProxyCommand. */
#include "run/hops.h"

#include "ssh/localuser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A port: digits only, 1 to 65535. */
static int
parse_port(const char *s, int *out)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 65535)
			return -1;
	}
	if (v < 1)
		return -1;
	*out = (int)v;
	return 0;
}

/*
 * A host name or address as ssh(1) accepts one: no space, control
 * character or shell metacharacter (a ProxyCommand's %h goes to a shell).
 */
static int
valid_host(const char *h)
{
	if (h[0] == '\0' || h[0] == '-')
		return 0;
	for (; *h != '\0'; h++)
		if ((unsigned char)*h <= 0x20 || *h == 0x7f ||
		    strchr("'`\"$\\;&<>|(){},/", *h) != NULL)
			return 0;
	return 1;
}

/* One hop, parsed in place (its text is the caller's copy). */
static int
parse_hop(char *text, struct siphon_jump *j)
{
	char *h = text, *at, *colon, *end;

	if (strncmp(h, "ssh://", 6) == 0)
		h += 6;
	if ((at = strrchr(h, '@')) != NULL) {
		*at = '\0';
		j->user = h;
		h = at + 1;
		if (j->user[0] == '\0')
			goto bad;
	}
	if (h[0] == '[') {
		if ((end = strchr(h, ']')) == NULL || end == h + 1)
			goto bad;
		*end = '\0';
		j->host = h + 1;
		if (end[1] == ':' && parse_port(end + 2, &j->port) != 0)
			goto bad;
		if (end[1] != '\0' && end[1] != ':')
			goto bad;
		return valid_host(j->host) ? 0 : SIPHON_EUSAGE;
	}
	colon = strchr(h, ':');
	/* More than one colon: an IPv6 literal without a port. */
	if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		*colon = '\0';
		if (parse_port(colon + 1, &j->port) != 0)
			goto bad;
	}
	j->host = h;
	if (!valid_host(h))
		goto bad;
	return 0;
bad:
	return SIPHON_EUSAGE;
}

int
siphon_jumps_parse(struct siphon_ctx *ctx, const char *spec,
                   struct siphon_jump **out, size_t *n)
{
	size_t len = strlen(spec), count = 1, i = 0;
	struct siphon_jump *j;
	char *text, *p, *comma;

	*out = NULL;
	*n = 0;
	for (const char *c = spec; *c != '\0'; c++)
		count += *c == ',';
	/* One block: the hops, then the text they point into. */
	if ((j = calloc(1, count * sizeof(*j) + len + 1)) == NULL)
		return siphon_err_oom(ctx);
	text = (char *)(j + count);
	memcpy(text, spec, len + 1);
	for (p = text; p != NULL; p = comma, i++) {
		char shown[300];

		if ((comma = strchr(p, ',')) != NULL)
			*comma++ = '\0';
		snprintf(shown, sizeof(shown), "%s", p);
		if (parse_hop(p, &j[i]) != 0) {
			free(j);
			return siphon_err(ctx, SIPHON_EUSAGE, "bad jump host \"%s\" in "
			                  "-J %s (expected [user@]host[:port], "
			                  "several separated by commas)", shown, spec);
		}
	}
	*out = j;
	*n = count;
	return 0;
}

int
siphon_proxycmd_expand(struct siphon_ctx *ctx, char *buf, size_t cap,
                       const char *cmd, const char *host, int port,
                       const char *user)
{
	size_t len = 0;
	int k;

	for (const char *c = cmd; *c != '\0'; c++) {
		if (*c != '%') {
			k = snprintf(buf + len, cap - len, "%c", *c);
		} else {
			switch (*++c) {
			case '%':
				k = snprintf(buf + len, cap - len, "%%");
				break;
			case 'h':
			case 'n':
				k = snprintf(buf + len, cap - len, "%s", host);
				break;
			case 'p':
				k = snprintf(buf + len, cap - len, "%d", port);
				break;
			case 'r':
				k = snprintf(buf + len, cap - len, "%s", user);
				break;
			default:
				return siphon_err(ctx, SIPHON_EUSAGE, "ProxyCommand %s: "
				                  "unknown %%-token %%%c (known: %%h %%p "
				                  "%%r %%n %%%%)", cmd, *c != '\0' ? *c : ' ');
			}
		}
		if (k < 0 || (size_t)k >= cap - len)
			return siphon_err(ctx, SIPHON_EUSAGE, "ProxyCommand too long: %s",
			                  cmd);
		len += (size_t)k;
	}
	if (cap > 0)
		buf[len] = '\0';
	return 0;
}

/* "none" turns a value off, as in ssh_config. */
static int
given(const char *v)
{
	return v != NULL && v[0] != '\0' && strcmp(v, "none") != 0;
}

/* The ProxyCommand transport to the first hop, expanded for it. */
static int
proxy_transport(struct siphon_transport **t, struct siphon_ctx *ctx,
                const char *cmd, const struct siphon_ssh_opts *hop0)
{
	char user[256], line[4096];
	int r;

	if (hop0->user != NULL)
		snprintf(user, sizeof(user), "%s", hop0->user);
	else if ((r = siphon_ssh_localuser_name(ctx, user, sizeof(user))) != 0)
		return r;
	/* As ssh(1): what %h and %r put in a shell command is a plain word. */
	if (!valid_host(hop0->host) || !valid_host(user))
		return siphon_err(ctx, SIPHON_EUSAGE, "the host or user name "
		                  "\"%s@%s\" cannot go into a ProxyCommand (it "
		                  "holds a space or a shell character)", user,
		                  hop0->host);
	if ((r = siphon_proxycmd_expand(ctx, line, sizeof(line), cmd, hop0->host,
	                                hop0->port, user)) != 0)
		return r;
	return siphon_transport_proxycmd_new(t, ctx, line);
}

int
siphon_hops_source_new(struct siphon_source **out, struct siphon_ctx *ctx,
                       const struct siphon_pull_opts *o)
{
	struct siphon_transport *first = NULL;
	struct siphon_ssh_opts *hops = NULL;
	struct siphon_jump *jumps = NULL;
	size_t njumps = 0;
	int r;

	*out = NULL;
	if (given(o->jump) &&
	    (r = siphon_jumps_parse(ctx, o->jump, &jumps, &njumps)) != 0)
		return r;
	if ((hops = calloc(njumps + 1, sizeof(*hops))) == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	/*
	 * Every hop is checked against the server's known hosts file and
	 * logged into with its key; a jump host has its own user and port.
	 */
	for (size_t i = 0; i <= njumps; i++) {
		hops[i].identity = o->identity;
		hops[i].known_hosts = o->known_hosts;
		hops[i].accept_new_host_key = o->accept_new_host_key;
		hops[i].connect_timeout = o->connect_timeout;
		if (i < njumps) {
			hops[i].user = jumps[i].user;
			hops[i].host = jumps[i].host;
			hops[i].port = jumps[i].port != 0 ? jumps[i].port : 22;
		} else {
			hops[i].user = o->user;
			hops[i].host = o->host;
			hops[i].port = o->port;
		}
	}
	if (o->host == NULL) {
		r = siphon_err(ctx, SIPHON_EUSAGE, "no SSH host given");
		goto out;
	}
	if (given(o->proxy_command) &&
	    (r = proxy_transport(&first, ctx, o->proxy_command, &hops[0])) != 0)
		goto out;
	r = siphon_source_ssh_chain_new(out, ctx, hops, njumps + 1, first);
out:
	free(hops);
	free(jumps);
	return r;
}
