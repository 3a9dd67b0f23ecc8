/*
 * relay.c - a TCP relay that delays each direction by half a round trip, for
 * bench/net.sh: netem does not work on the benchmark's kernel, so the round
 * trip of a "far" server is added here, in user space.
 *
 *   relay LISTEN_ADDR LISTEN_PORT TARGET_ADDR TARGET_PORT RTT_MS [BUFFER_MIB]
 *
 * Listens on LISTEN_ADDR:LISTEN_PORT (port 0: any free one), prints
 * "ready PORT" on stdout once it accepts, and for every connection accepted
 * opens one to TARGET_ADDR:TARGET_PORT and copies bytes both ways, each
 * chunk held until RTT_MS / 2 after it was read.  One poll(2) loop, no
 * threads.  On SIGTERM or SIGINT it prints the bytes each direction carried
 * ("relay: up N down M") on stderr and exits 0.
 *
 * What it models: the delay of a long path as the SSH protocol sees it (a
 * channel's window takes a round trip to come back).  What it does not: the
 * relay ends TCP on both sides, so each TCP connection sees a short round
 * trip of its own, and loss and congestion are not modeled.  The buffer of
 * each direction (BUFFER_MIB, default 64) holds what is in flight on the
 * delayed path; it has to be at least rate x delay (1 Gbit/s x 50 ms =
 * 6.25 MB), else the relay itself becomes the bottleneck.  When it is full
 * the relay stops reading from that side: the sender sees back pressure,
 * never a loss.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
#define READ_MAX (256u * 1024)
#define CHUNKS_MAX 65536u

/* A chunk of bytes read at one moment: written out from `due` on. */
struct chunk {
	int64_t due;    /* microseconds, monotonic clock */
	size_t len;     /* bytes of it not written yet */
};

/* One direction of a connection: from `in` to `out` through a ring buffer. */
struct path {
	int in, out;
	unsigned char *buf;
	size_t cap, head, len;          /* ring: bytes [head, head + len) */
	struct chunk *q;
	size_t qhead, qlen;             /* ring of CHUNKS_MAX chunks */
	int eof;                        /* `in` said end of file */
	int shut;                       /* `out` was shut down for writing */
	uint64_t bytes;
};

struct conn {
	int used;
	int fd[2];                      /* 0: the client, 1: the target */
	struct path p[2];               /* 0: client -> target, 1: target -> client */
};

static struct conn conns[MAX_CONNS];
static volatile sig_atomic_t stop;
static int64_t delay_us;
static size_t buf_cap;
static uint64_t total[2];

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
set_socket(int fd)
{
	int one = 1;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
		return -1;
	/* Small writes (SSH packets) go at once: the delay is ours alone. */
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int
parse_addr(struct sockaddr_in *sa, const char *addr, const char *port)
{
	char *end;
	long p = strtol(port, &end, 10);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (*port == '\0' || *end != '\0' || p < 0 || p > 65535 || inet_pton(AF_INET, addr, &sa->sin_addr) != 1)
		return -1;
	sa->sin_port = htons((uint16_t)p);
	return 0;
}

static void
conn_close(struct conn *c)
{
	for (int i = 0; i < 2; i++) {
		total[i] += c->p[i].bytes;
		free(c->p[i].buf);
		free(c->p[i].q);
		close(c->fd[i]);
	}
	memset(c, 0, sizeof(*c));
}

static int
conn_open(int client, const struct sockaddr_in *target)
{
	struct conn *c = NULL;
	int t;

	for (int i = 0; i < MAX_CONNS && c == NULL; i++)
		if (!conns[i].used)
			c = &conns[i];
	if (c == NULL) {
		fprintf(stderr, "relay: more than %d connections: refusing one\n", MAX_CONNS);
		close(client);
		return -1;
	}
	/* The target is across a veth: a blocking connect takes well under a millisecond. */
	if ((t = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(t, (const struct sockaddr *)target, sizeof(*target)) != 0) {
		perror("relay: connect to the target");
		if (t >= 0)
			close(t);
		close(client);
		return -1;
	}
	if (set_socket(client) != 0 || set_socket(t) != 0) {
		perror("relay: socket options");
		close(t);
		close(client);
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->used = 1;
	c->fd[0] = client;
	c->fd[1] = t;
	for (int i = 0; i < 2; i++) {
		struct path *p = &c->p[i];

		p->in = c->fd[i];
		p->out = c->fd[1 - i];
		p->cap = buf_cap;
		p->buf = malloc(buf_cap);       /* pages are touched only as data comes */
		p->q = malloc(CHUNKS_MAX * sizeof(*p->q));
		if (p->buf == NULL || p->q == NULL) {
			fprintf(stderr, "relay: out of memory\n");
			conn_close(c);
			return -1;
		}
	}
	return 0;
}

/* Reads what `in` has into the ring: one chunk, due a delay from now. 0, or -1 on an error. */
static int
path_read(struct path *p)
{
	size_t tail = (p->head + p->len) % p->cap;
	size_t room = p->cap - p->len, n;
	ssize_t k;

	if (tail + room > p->cap)
		room = p->cap - tail;   /* the contiguous part */
	n = room < READ_MAX ? room : READ_MAX;
	k = read(p->in, p->buf + tail, n);
	if (k < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (k == 0) {
		p->eof = 1;
		return 0;
	}
	int64_t due = now_us() + delay_us;
	struct chunk *last = p->qlen ? &p->q[(p->qhead + p->qlen - 1) % CHUNKS_MAX] : NULL;

	/* Chunks read within the same millisecond go out together. */
	if (last != NULL && due - last->due < 1000)
		last->len += (size_t)k;
	else {
		p->q[(p->qhead + p->qlen) % CHUNKS_MAX] = (struct chunk){ .due = due, .len = (size_t)k };
		p->qlen++;
	}
	p->len += (size_t)k;
	p->bytes += (uint64_t)k;
	return 0;
}

/* Writes the chunks that are due. 1 when `out` would block, 0, or -1 on an error. */
static int
path_write(struct path *p, int64_t now)
{
	while (p->qlen > 0 && p->q[p->qhead].due <= now) {
		struct chunk *c = &p->q[p->qhead];
		size_t n = c->len;
		ssize_t k;

		if (p->head + n > p->cap)
			n = p->cap - p->head;
		k = write(p->out, p->buf + p->head, n);
		if (k < 0)
			return errno == EAGAIN || errno == EINTR ? 1 : -1;
		p->head = (p->head + (size_t)k) % p->cap;
		p->len -= (size_t)k;
		c->len -= (size_t)k;
		if (c->len == 0) {
			p->qhead = (p->qhead + 1) % CHUNKS_MAX;
			p->qlen--;
		}
	}
	if (p->eof && p->qlen == 0 && !p->shut) {
		shutdown(p->out, SHUT_WR);
		p->shut = 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in listen_sa, target_sa;
	struct sigaction sa;
	socklen_t len = sizeof(listen_sa);
	int lfd, one = 1;
	char *end;
	long rtt, mib = 64;

	if (argc < 6 || argc > 7) {
		fprintf(stderr, "usage: relay LISTEN_ADDR LISTEN_PORT TARGET_ADDR TARGET_PORT RTT_MS [BUFFER_MIB]\n");
		return 2;
	}
	rtt = strtol(argv[5], &end, 10);
	if (*end != '\0' || rtt < 0 || rtt > 10000 || (argc == 7 && ((mib = strtol(argv[6], &end, 10)) < 1 ||
	                                                              *end != '\0' || mib > 4096)) ||
	    parse_addr(&listen_sa, argv[1], argv[2]) != 0 || parse_addr(&target_sa, argv[3], argv[4]) != 0) {
		fprintf(stderr, "relay: bad arguments (IPv4 addresses, ports, RTT 0..10000 ms, buffer 1..4096 MiB)\n");
		return 2;
	}
	delay_us = rtt * 1000 / 2;
	buf_cap = (size_t)mib << 20;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(lfd, (struct sockaddr *)&listen_sa, sizeof(listen_sa)) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&listen_sa, &len) != 0 ||
	    fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK) != 0) {
		perror("relay: listen");
		return 1;
	}
	printf("ready %d\n", ntohs(listen_sa.sin_port));
	fflush(stdout);

	while (!stop) {
		struct pollfd pfd[1 + 2 * MAX_CONNS];
		struct conn *owner[1 + 2 * MAX_CONNS];
		int64_t now = now_us(), next = -1;
		int n = 0, timeout;

		pfd[n] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		owner[n++] = NULL;
		for (int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];

			if (!c->used)
				continue;
			for (int s = 0; s < 2; s++) {
				/* Socket s reads for path s and writes for path 1 - s. */
				struct path *in = &c->p[s], *out = &c->p[1 - s];
				short ev = 0;

				if (!in->eof && in->len < in->cap && in->qlen < CHUNKS_MAX)
					ev |= POLLIN;
				if (out->qlen > 0) {
					if (out->q[out->qhead].due <= now)
						ev |= POLLOUT;
					else if (next < 0 || out->q[out->qhead].due < next)
						next = out->q[out->qhead].due;
				}
				/* Nothing wanted: not polled at all (a socket shut both ways reports POLLHUP). */
				pfd[n] = (struct pollfd){ .fd = ev ? c->fd[s] : -1, .events = ev };
				owner[n++] = c;
			}
		}
		timeout = next < 0 ? -1 : (int)((next - now + 999) / 1000);
		if (poll(pfd, (nfds_t)n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			perror("relay: poll");
			return 1;
		}
		if (pfd[0].revents & POLLIN) {
			int cfd = accept(lfd, NULL, NULL);

			if (cfd >= 0)
				conn_open(cfd, &target_sa);
		}
		now = now_us();
		for (int k = 1; k < n; k += 2) {
			struct conn *c = owner[k];
			int bad = 0;

			/* pfd[k] is the client socket, pfd[k + 1] the target's. */
			for (int s = 0; s < 2 && !bad; s++)
				if ((pfd[k + s].events & POLLIN) && (pfd[k + s].revents & (POLLIN | POLLHUP | POLLERR)) &&
				    path_read(&c->p[s]) != 0)
					bad = 1;
			for (int s = 0; s < 2 && !bad; s++)
				if (path_write(&c->p[s], now) < 0)
					bad = 1;
			if (bad || (c->p[0].shut && c->p[1].shut))
				conn_close(c);
		}
	}
	for (int i = 0; i < MAX_CONNS; i++)
		if (conns[i].used)
			conn_close(&conns[i]);
	fprintf(stderr, "relay: up %llu down %llu\n", (unsigned long long)total[0], (unsigned long long)total[1]);
	return 0;
}
