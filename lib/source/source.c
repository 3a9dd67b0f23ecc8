/* source.c - what every source shares: stepping, waiting, the loop over it. */
#include "source/source.h"

#include "ssh/wait.h"

int
siphon_source_step(struct siphon_source *src, struct siphon_pollwant *w)
{
	return src->ops->step(src, w);
}

static int
step_fn(void *arg, struct siphon_pollwant *w)
{
	return siphon_source_step(arg, w);
}

int
siphon_source_wait_ready(struct siphon_source *src)
{
	return siphon_ssh_drive(src->ctx, step_fn, src);
}

void
siphon_source_loop_init(struct siphon_loop *l, struct siphon_source *src,
                        int stall_timeout)
{
	siphon_loop_init(l, src->ctx, src->chan, src->sess, src->fd,
	                 stall_timeout, src->desc);
}

void
siphon_source_loop_attach(struct siphon_loop *l, struct siphon_source *src)
{
	siphon_loop_attach(l, src->chan, src->sess, src->fd, src->desc);
}

void
siphon_source_free(struct siphon_source *src)
{
	if (src != NULL)
		src->ops->free(src);
}
