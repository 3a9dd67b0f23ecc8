/* source.c - what every source shares: stepping, waiting, the loop over it. */
#include "source/source.h"

#include "ssh/wait.h"

int
siphon_source_step(struct siphon_source *src, struct siphon_pollwant *w)
{
	return src->ops->step(src, w);
}

int
siphon_source_wait_ready(struct siphon_source *src)
{
	struct siphon_pollwant w;
	int r;

	while ((r = siphon_source_step(src, &w)) == SIPHON_AGAIN)
		if ((r = siphon_ssh_poll(src->ctx, w.events ? w.fd : -1, w.events,
		                         w.deadline_ms)) < 0)
			return r;
	return r;
}

void
siphon_source_loop_init(struct siphon_loop *l, struct siphon_source *src,
                        int stall_timeout)
{
	siphon_loop_init(l, src->ctx, src->chan, src->sess, src->fd,
	                 stall_timeout, src->desc);
}

void
siphon_source_free(struct siphon_source *src)
{
	if (src != NULL)
		src->ops->free(src);
}
