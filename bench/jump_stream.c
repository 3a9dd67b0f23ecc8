/*
 * jump_stream.c - bytes per second of one exec channel through 0, 1 or more
 * jump hosts, for bench/jump.sh: the transport alone (no database, no local
 * restore), so that the cost of a hop shows.
 *
 *   jump_stream KEY KNOWN_HOSTS BYTES TUNNEL_WINDOW USER@HOST:PORT...
 *
 * The last USER@HOST:PORT is the server, the ones before it the jump hosts
 * in order; the server runs `head -c BYTES /dev/zero` on a channel with an
 * 8 MiB window (a pull with -j 1), read with 256 KiB buffers.  Prints
 * "hops=N window=W bytes=B seconds=S MB/s=R".
 */
#include "ssh/session.h"
#include "ssh/tunnel.h"
#include "ssh/wait.h"
#include "util/ctx.h"

#include <libssh2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOPS 8
#define CHAN_WINDOW (8u * 1024 * 1024)

static int
die(struct siphon_ctx *ctx, const char *what)
{
	fprintf(stderr, "jump_stream: %s: %s\n", what, siphon_ctx_errmsg(ctx));
	return 1;
}

/* Waits as the session says. */
static void
wait_session(LIBSSH2_SESSION *s, int fd)
{
	int dirs = libssh2_session_block_directions(s);
	struct pollfd p = { .fd = fd, .events = 0 };

	if (dirs & LIBSSH2_SESSION_BLOCK_INBOUND)
		p.events |= POLLIN;
	if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		p.events |= POLLOUT;
	poll(&p, 1, p.events ? 1000 : 10);
}

int
main(int argc, char **argv)
{
	struct siphon_ctx *ctx;
	struct siphon_ssh *hop[MAX_HOPS] = {0};
	struct siphon_ssh_opts o[MAX_HOPS];
	char *spec[MAX_HOPS];
	LIBSSH2_SESSION *s;
	LIBSSH2_CHANNEL *ch = NULL;
	static char buf[256 * 1024];
	char cmd[64];
	unsigned long long want, got = 0;
	unsigned window;
	int n = argc - 5, fd, rc = 1;
	int64_t t0, t1;

	if (argc < 6 || n > MAX_HOPS) {
		fprintf(stderr, "usage: jump_stream KEY KNOWN_HOSTS BYTES TUNNEL_WINDOW USER@HOST:PORT...\n");
		return 2;
	}
	want = strtoull(argv[3], NULL, 10);
	window = (unsigned)strtoul(argv[4], NULL, 10);
	if (siphon_ctx_new(&ctx) != 0)
		return 1;
	memset(o, 0, sizeof(o));
	for (int i = 0; i < n; i++) {
		char *at, *colon;

		spec[i] = strdup(argv[5 + i]);
		at = strchr(spec[i], '@');
		colon = strrchr(spec[i], ':');
		if (at == NULL || colon == NULL || colon < at) {
			fprintf(stderr, "jump_stream: expected USER@HOST:PORT, got %s\n", argv[5 + i]);
			return 2;
		}
		*at = *colon = '\0';
		o[i].user = spec[i];
		o[i].host = at + 1;
		o[i].port = atoi(colon + 1);
		o[i].identity = argv[1];
		o[i].known_hosts = argv[2];
		o[i].connect_timeout = 15;
	}
	for (int i = 0; i < n; i++) {
		struct siphon_transport *t = NULL;

		if (i > 0 && siphon_transport_tunnel_new(&t, ctx, hop[i - 1], o[i - 1].host, o[i].host,
		                                         o[i].port, window, 15) != 0)
			return die(ctx, "tunnel");
		if (siphon_ssh_start(&hop[i], ctx, &o[i], t) != 0 || siphon_ssh_wait_ready(hop[i]) != 0)
			return die(ctx, o[i].host);
	}
	s = siphon_ssh_session(hop[n - 1]);
	fd = siphon_ssh_pollfd(hop[n - 1]);
	while ((ch = libssh2_channel_open_ex(s, "session", 7, CHAN_WINDOW, 32768, NULL, 0)) == NULL &&
	       libssh2_session_last_errno(s) == LIBSSH2_ERROR_EAGAIN)
		wait_session(s, fd);
	if (ch == NULL)
		return fprintf(stderr, "jump_stream: channel open failed\n"), 1;
	snprintf(cmd, sizeof(cmd), "head -c %llu /dev/zero", want);
	t0 = siphon_ssh_now_ms();
	while ((rc = libssh2_channel_exec(ch, cmd)) == LIBSSH2_ERROR_EAGAIN)
		wait_session(s, fd);
	if (rc != 0)
		return fprintf(stderr, "jump_stream: exec failed\n"), 1;
	for (;;) {
		ssize_t k = libssh2_channel_read(ch, buf, sizeof(buf));

		if (k > 0) {
			got += (unsigned long long)k;
			continue;
		}
		/* Drain stderr too: it shares the window. */
		while (libssh2_channel_read_stderr(ch, buf, sizeof(buf)) > 0)
			;
		if (k == 0 && libssh2_channel_eof(ch))
			break;
		if (k < 0 && k != LIBSSH2_ERROR_EAGAIN)
			return fprintf(stderr, "jump_stream: read failed: %zd\n", k), 1;
		wait_session(s, fd);
	}
	t1 = siphon_ssh_now_ms();
	printf("hops=%d window=%u bytes=%llu seconds=%.2f MB/s=%.0f\n", n - 1, window, got,
	       (double)(t1 - t0) / 1000, (double)got / 1e6 / ((double)(t1 - t0) / 1000));
	libssh2_channel_free(ch);
	for (int i = n; i-- > 0;)
		siphon_ssh_free(hop[i]);
	siphon_ctx_free(ctx);
	return got == want ? 0 : 1;
}
