/*
 * chan.h - the channel operations the event loop needs, as a const ops table.
 *
 * lib/ssh/chan_libssh2.c implements it over libssh2 (exec channels of the
 * SSH session); lib/source/dir.c over the files of a local directory (a
 * "command" is a file's name).  Unit tests plug in a scripted fake to drive
 * the remote stream state machine through every would-block, refusal and
 * failure without a server.
 */
#ifndef SIPHON_LOOP_CHAN_H
#define SIPHON_LOOP_CHAN_H

#include <stddef.h>
#include <sys/types.h>

enum siphon_chan_rc {
	SIPHON_CHAN_OK = 0,
	SIPHON_CHAN_AGAIN = -1,    /* would block: call the same function again */
	SIPHON_CHAN_REFUSED = -2,  /* the server refused a new channel (MaxSessions) */
	SIPHON_CHAN_ERROR = -3,    /* the session failed; see errmsg */
	SIPHON_CHAN_BUSY = -4,     /* another call's partial send is pending */
};

enum siphon_chan_dir {
	SIPHON_CHAN_WANT_READ = 1,
	SIPHON_CHAN_WANT_WRITE = 2,
};

struct siphon_chan_ops {
	/* Opens a session channel with the given receive window. */
	int (*open)(void *sess, void **chan, size_t window);
	int (*exec)(void *chan, const char *cmd);
	/* stream 0 is stdout, 1 stderr.  >0 bytes, 0 nothing now, or < 0. */
	ssize_t (*read)(void *chan, int stream, unsigned char *buf, size_t len);
	ssize_t (*write)(void *chan, const unsigned char *buf, size_t len);
	int (*send_eof)(void *chan);
	/* 1 when the remote side sent EOF. */
	int (*eof)(void *chan);
	int (*close)(void *chan);
	int (*wait_closed)(void *chan);
	/*
	 * After wait_closed: *status is the exit status, or -1 when none
	 * arrived; sig receives the signal name, "" when none.
	 */
	void (*exit_info)(void *sess, void *chan, int *status, char *sig,
	                  size_t cap);
	void (*free)(void *chan);
	/* What the session waits for (SIPHON_CHAN_WANT_*). */
	int (*directions)(void *sess);
	/* The session's last error, for messages. */
	const char *(*errmsg)(void *sess);
	/* Sends a keepalive if one is due; *next_s: seconds until the next (may be NULL). */
	int (*keepalive)(void *sess, int *next_s);
	/*
	 * Optional (NULL: no such gate).  While on, once the session's
	 * transport has said "would block", every later read of the session
	 * answers so too without asking the transport again: a recv(2) that
	 * is sure to fail, once per channel read and pass, is most of what
	 * an idle pass costs.  Bytes the session already holds are still
	 * read.  The loop turns it on for its passes and off before it polls
	 * (whose wake-up is what re-arms it) or returns.
	 */
	void (*rx_gate)(void *sess, int on);
	/*
	 * 0: the commands are siphon's remote scripts, which print the
	 * "siphon-status" trailers on stderr.  1: nothing prints them (a file
	 * read as a stream): the exit status alone says whether the stream
	 * succeeded.
	 */
	int no_trailers;
};

#endif
