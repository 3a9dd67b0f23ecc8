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
	struct siphon_sshcfg_jump *jumps = NULL;
	size_t njumps = 0;
	int r;

	*out = NULL;
	if (given(o->jump) &&
	    (r = siphon_sshcfg_parse_jumps(ctx, o->jump, &jumps, &njumps)) != 0)
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
			hops[i].port = jumps[i].port > 0 ? jumps[i].port : 22;
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
	siphon_sshcfg_jumps_free(jumps, njumps);
	return r;
}
