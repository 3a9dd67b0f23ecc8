/* sink.c - the memory sink, and the sink that keeps nothing. */
#include "loop/sink.h"

#include "siphon.h"
#include "util/strbuf.h"

static ssize_t
sb_write(void *arg, const unsigned char *buf, size_t len)
{
	if (siphon_strbuf_append(arg, buf, len) != 0)
		return SIPHON_ENOMEM;
	return (ssize_t)len;
}

static int
sb_finish(void *arg)
{
	(void)arg;
	return 0;
}

void
siphon_sink_strbuf(struct siphon_sink *s, struct siphon_strbuf *sb)
{
	s->write = sb_write;
	s->finish = sb_finish;
	s->arg = sb;
}

static ssize_t
discard_write(void *arg, const unsigned char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	return (ssize_t)len;
}

void
siphon_sink_discard(struct siphon_sink *s)
{
	s->write = discard_write;
	s->finish = sb_finish;
	s->arg = NULL;
}
