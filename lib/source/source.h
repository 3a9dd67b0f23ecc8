/*
 * source.h - what a run connects to and its streams read from, as a const
 * ops table: the SSH server (ssh.c: a transport, a session, exec channels)
 * or a local directory whose files are streams (dir.c; a later issue makes
 * it a member of a snapshot archive).  The engines' restore side reads a
 * stream the same way whatever the source.
 *
 * A source is made without I/O, then stepped until ready (connecting to the
 * server is a non-blocking state machine the run's loop drives); then it
 * hands the loop its channel ops, session and descriptor.
 */
#ifndef SIPHON_SOURCE_SOURCE_H
#define SIPHON_SOURCE_SOURCE_H

#include "loop/chan.h"
#include "loop/loop.h"
#include "ssh/session.h"
#include "ssh/transport.h"
#include "util/ctx.h"

struct siphon_source;

struct siphon_source_ops {
	const char *name;          /* "ssh", "dir" */
	/*
	 * Advances the connect: 0 when ready (the fields of struct
	 * siphon_source below are set), SIPHON_AGAIN with *w filled (see
	 * ssh/transport.h), or a negative SIPHON_E* code with the message set.
	 * Stepping a ready source returns 0 again.
	 */
	int (*step)(struct siphon_source *src, struct siphon_pollwant *w);
	void (*free)(struct siphon_source *src);
	/*
	 * Optional: a source that replays recorded streams (a saved
	 * snapshot) names them by label, not by command: the name to "exec"
	 * for the stream of what (the n-th of that what in the run), into buf.
	 * Such a source has no watchdog.  0 or -1 (no room, no memory).
	 */
	int (*stream_name)(struct siphon_source *src, const char *what, char *buf, size_t cap);
	/*
	 * Optional, with stream_name: a fact the run that recorded the streams
	 * decided (snap.h), or NULL when it recorded none of that name.
	 */
	const char *(*fact)(struct siphon_source *src, const char *name);
};

/* Every source starts with this; the implementation's state follows. */
struct siphon_source {
	const struct siphon_source_ops *ops;
	struct siphon_ctx *ctx;
	/*
	 * Set once ready: the channel ops and the session argument they take;
	 * the descriptor the loop polls (-1: none, as for a directory).
	 */
	const struct siphon_chan_ops *chan;
	void *sess;
	int fd;
	/*
	 * 1: a stream's "command" is a shell command (remote scripts, the
	 * tool probe).  0: it is only the name of a member (a file); no shell,
	 * no status trailers.
	 */
	int has_shell;
	char desc[300];            /* the host, or the directory: for messages */
	/* A replaying source: the compressor its streams went through ("" else). */
	char codec[16];
};

/* Advances src->ops->step (see above). */
int siphon_source_step(struct siphon_source *src, struct siphon_pollwant *w);

/*
 * Steps src until ready with poll(2), honouring the context's cancel
 * descriptor (SIPHON_EINTR).  Returns 0 or the failing step's code.
 */
int siphon_source_wait_ready(struct siphon_source *src);

/*
 * Initialises loop l over the ready source src: its channel ops, session
 * and descriptor (siphon_loop_init with src's desc as the host in
 * messages).  src must outlive the loop.
 */
void siphon_source_loop_init(struct siphon_loop *l, struct siphon_source *src,
                             int stall_timeout);

/* Gives loop l (made before the connect) the ready source's channels. */
void siphon_source_loop_attach(struct siphon_loop *l, struct siphon_source *src);

/* Frees through the ops; accepts NULL. */
void siphon_source_free(struct siphon_source *src);

/*
 * The SSH server o names, over transport t (NULL: TCP to o->host:o->port;
 * taken whatever the result).  No I/O until stepped.  Errors as
 * siphon_ssh_start's.
 */
int siphon_source_ssh_new(struct siphon_source **out, struct siphon_ctx *ctx,
                          const struct siphon_ssh_opts *o,
                          struct siphon_transport *t);

/*
 * The SSH server behind jump hosts (ProxyJump): hops[0..n-2] are the jump
 * hosts in the order they are crossed, hops[n-1] the server, each with its
 * own options (user, port, identity, known hosts, timeouts: host key check
 * and login at every hop).  Hop 0 is reached over first (NULL: TCP to its
 * host and port; or a ProxyCommand transport), taken whatever the result;
 * each next hop over a direct-tcpip channel of the one before, opened once
 * that one is ready (ssh/tunnel.h).  The source's step steps the hop in
 * progress and returns its pollwant; ready once the server's session is.
 * A failure's one line starts with its hop: "jump host b (1 of 2): ..." or
 * "server db1 via a and b: ...".  Freed last hop first.  With n == 1 this
 * is siphon_source_ssh_new (no jump host: messages unchanged).  No I/O
 * until stepped.  Errors as siphon_ssh_start's (with the hop's name).
 */
int siphon_source_ssh_chain_new(struct siphon_source **out, struct siphon_ctx *ctx,
                                const struct siphon_ssh_opts *hops, size_t n,
                                struct siphon_transport *first);

/* The SSH session of a source made by siphon_source_ssh_new; NULL for another. */
struct siphon_ssh *siphon_source_ssh(struct siphon_source *src);

/*
 * A local directory: opening a channel and "executing" a member's name
 * (a relative path inside dir, no ".." component) streams that file's
 * bytes on stdout, then end of file with exit status 0.  A member that is
 * missing or not a regular file fails the stream (status 1, the reason on
 * stderr).  Bytes written to a stream's stdin are dropped.  Errors:
 * SIPHON_EUSAGE when dir cannot be opened, SIPHON_ENOMEM.
 */
int siphon_source_dir_new(struct siphon_source **out, struct siphon_ctx *ctx,
                          const char *dir);

#endif
