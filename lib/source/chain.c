/*
 * chain.c - the SSH server behind jump hosts (ProxyJump) as a source: one
 * session per hop, each next one started over a tunnel (ssh/tunnel.h) of
 * the one before once that one is ready, all stepped by the run's one
 * loop.  The loop then talks to the last session only: its bytes reach the
 * socket through every tunnel on the way.
 *
 * Keepalives: only the last session sends them (the loop does).  Each of
 * them crosses every hop as channel data, so the jump sessions are never
 * idle on the wire (NAT and firewall state stay alive, the jump hosts'
 * ClientAlive checks see traffic), and a keepalive a jump host sends is
 * answered while the last session reads through it.  A jump session
 * sending its own would add a second writer to its socket, which libssh2
 * 1.10 forbids while a packet is half sent.
 */
#include "source/source.h"

#include "ssh/chan_libssh2.h"
#include "ssh/tunnel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hop {
	struct siphon_ssh *ssh;
	char name[320];                 /* "jump host b (1 of 2)", "server db1 via b" */
};

struct chain {
	struct siphon_source base;      /* first: the ops see a struct chain */
	struct hop *hops;
	size_t n;
	size_t cur;                     /* the hop being connected */
	int named;                      /* the failure's message names its hop */
};

/* Prefixes the context's one line with the hop's name, once. */
static int
name_hop(struct chain *c, size_t i, int r)
{
	if (!c->named) {
		c->named = 1;
		siphon_err_prefix(c->base.ctx, "%s: ", c->hops[i].name);
	}
	return r;
}

static int
chain_step(struct siphon_source *src, struct siphon_pollwant *w)
{
	struct chain *c = (struct chain *)src;
	struct siphon_ssh *last;
	int r;

	/* Each hop starts its transport (a tunnel of the one before) when stepped. */
	for (;;) {
		r = siphon_ssh_step(c->hops[c->cur].ssh, w);
		if (r < 0)
			return name_hop(c, c->cur, r);
		if (r != 0)
			return r;
		if (c->cur == c->n - 1)
			break;
		c->cur++;
	}
	last = c->hops[c->n - 1].ssh;
	src->chan = &siphon_chan_libssh2;
	src->sess = siphon_ssh_session(last);
	src->fd = siphon_ssh_pollfd(last);
	return 0;
}

/* Last hop first: each tunnel is a channel of the session before it. */
static void
chain_free(struct siphon_source *src)
{
	struct chain *c = (struct chain *)src;

	for (size_t i = c->n; i-- > 0;)
		siphon_ssh_free(c->hops[i].ssh);
	free(c->hops);
	free(c);
}

static const struct siphon_source_ops chain_ops = {
	.name = "ssh-chain",
	.step = chain_step,
	.free = chain_free,
};

/* "a, b and c" of the jump hosts' names, for the server's name. */
static void
jump_names(char *buf, size_t cap, const struct siphon_ssh_opts *hops, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i + 1 < n && len < cap; i++) {
		int k = snprintf(buf + len, cap - len, "%s%s",
		                 i == 0 ? "" : i + 2 == n ? " and " : ", ",
		                 hops[i].host);

		if (k < 0)
			break;
		len += (size_t)k;
	}
}

static void
set_names(struct chain *c, const struct siphon_ssh_opts *hops)
{
	char via[256];

	jump_names(via, sizeof(via), hops, c->n);
	for (size_t i = 0; i + 1 < c->n; i++)
		snprintf(c->hops[i].name, sizeof(c->hops[i].name),
		         "jump host %s (%zu of %zu)", hops[i].host, i + 1,
		         c->n - 1);
	snprintf(c->hops[c->n - 1].name, sizeof(c->hops[c->n - 1].name),
	         "server %s via %s", hops[c->n - 1].host, via);
}

int
siphon_source_ssh_chain_new(struct siphon_source **out, struct siphon_ctx *ctx,
                            const struct siphon_ssh_opts *hops, size_t n,
                            struct siphon_transport *first)
{
	struct siphon_transport *t = first;
	struct chain *c = NULL;
	int r = 0;

	*out = NULL;
	if (n == 0) {
		siphon_transport_free(first);
		return siphon_err(ctx, SIPHON_EUSAGE, "no SSH host given");
	}
	/* Without a jump host this is the plain source, messages unchanged. */
	if (n == 1)
		return siphon_source_ssh_new(out, ctx, &hops[0], first);
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->hops = calloc(n, sizeof(*c->hops))) == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	c->base.ops = &chain_ops;
	c->base.ctx = ctx;
	c->base.fd = -1;
	c->base.has_shell = 1;
	c->n = n;
	snprintf(c->base.desc, sizeof(c->base.desc), "%s", hops[n - 1].host);
	set_names(c, hops);
	/*
	 * Every session is made now, without I/O (the options are checked
	 * here, before any connection); each tunnel starts only when its hop
	 * is stepped, after the hop before it is ready.
	 */
	for (size_t i = 0; i < n; i++) {
		if (i > 0 &&
		    (r = siphon_transport_tunnel_new(&t, ctx, c->hops[i - 1].ssh,
		                                     hops[i - 1].host, hops[i].host,
		                                     hops[i].port,
		                                     SIPHON_TUNNEL_WINDOW,
		                                     hops[i].connect_timeout)) != 0)
			goto named;
		r = siphon_ssh_start(&c->hops[i].ssh, ctx, &hops[i], t);
		t = NULL;
		if (r != 0)
			goto named;
		continue;
named:
		name_hop(c, i, r);
		goto out;
	}
	*out = &c->base;
	c = NULL;
out:
	siphon_transport_free(t);
	if (c != NULL && c->hops != NULL)
		chain_free(&c->base);
	else
		free(c);
	return r;
}
