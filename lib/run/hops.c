/* hops.c - from a pull's options to its SSH source: jump hosts and a ProxyCommand. */
#include "run/hops.h"

#include "ssh/localuser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A host or user name as ssh(1) lets %h and %r into a ProxyCommand: no
 * space, control character or shell metacharacter (it goes to /bin/sh).
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
                       const struct siphon_ssh_route *rt)
{
	struct siphon_transport *first = NULL;
	struct siphon_ssh_opts *hops;
	int r;

	*out = NULL;
	if ((hops = calloc(rt->n, sizeof(*hops))) == NULL)
		return siphon_err_oom(ctx);
	for (size_t i = 0; i < rt->n; i++)
		hops[i] = rt->hops[i].so;
	if (rt->proxy_command != NULL) {
		r = rt->proxy_command_expanded ? siphon_transport_proxycmd_new(&first, ctx, rt->proxy_command)
		                               : proxy_transport(&first, ctx, rt->proxy_command, &hops[0]);
		if (r != 0)
			goto out;
	}
	r = siphon_source_ssh_chain_new(out, ctx, hops, rt->n, first);
out:
	free(hops);
	return r;
}
