/* ssh.c - the SSH server as a source: a session over a transport, exec channels. */
#include "source/source.h"

#include "ssh/chan_libssh2.h"

#include <stdio.h>
#include <stdlib.h>

struct ssh_source {
	struct siphon_source base;      /* first: the ops see a struct ssh_source */
	struct siphon_ssh *ssh;
};

static int
ssh_step(struct siphon_source *src, struct siphon_pollwant *w)
{
	struct ssh_source *s = (struct ssh_source *)src;
	int r;

	if ((r = siphon_ssh_step(s->ssh, w)) != 0)
		return r;
	src->chan = &siphon_chan_libssh2;
	src->sess = siphon_ssh_session(s->ssh);
	src->fd = siphon_ssh_pollfd(s->ssh);
	return 0;
}

static void
ssh_free(struct siphon_source *src)
{
	struct ssh_source *s = (struct ssh_source *)src;

	siphon_ssh_free(s->ssh);
	free(s);
}

static const struct siphon_source_ops ssh_ops = {
	.name = "ssh",
	.step = ssh_step,
	.free = ssh_free,
};

int
siphon_source_ssh_new(struct siphon_source **out, struct siphon_ctx *ctx,
                      const struct siphon_ssh_opts *o,
                      struct siphon_transport *t)
{
	struct ssh_source *s;
	int r;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		siphon_transport_free(t);
		return siphon_err_oom(ctx);
	}
	if ((r = siphon_ssh_start(&s->ssh, ctx, o, t)) != 0) {
		free(s);
		return r;
	}
	s->base.ops = &ssh_ops;
	s->base.ctx = ctx;
	s->base.fd = -1;
	s->base.has_shell = 1;
	/* The loop's messages name the host as the user wrote it (the ssh_config Host). */
	snprintf(s->base.desc, sizeof(s->base.desc), "%s", o->alias != NULL ? o->alias : o->host);
	*out = &s->base;
	return 0;
}

struct siphon_ssh *
siphon_source_ssh(struct siphon_source *src)
{
	if (src == NULL || src->ops != &ssh_ops)
		return NULL;
	return ((struct ssh_source *)src)->ssh;
}
