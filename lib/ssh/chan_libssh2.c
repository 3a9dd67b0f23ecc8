/*
 * chan_libssh2.c - channel operations over libssh2 1.10, non-blocking.
 * The one place where libssh2 channel return codes become siphon_chan_rc.
 */
#include "ssh/chan_libssh2.h"
#include "ssh/session.h"

#include <libssh2.h>
#include <string.h>

static int
map_rc(int rc)
{
	if (rc >= 0)
		return SIPHON_CHAN_OK;
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return SIPHON_CHAN_AGAIN;
	if (rc == LIBSSH2_ERROR_BAD_USE)
		return SIPHON_CHAN_BUSY;
	return SIPHON_CHAN_ERROR;
}

static int
ch_open(void *sess, void **chan, size_t window)
{
	LIBSSH2_SESSION *s = sess;
	LIBSSH2_CHANNEL *c;
	int rc;

	c = libssh2_channel_open_ex(s, "session", sizeof("session") - 1,
	                            (unsigned int)window, 32768, NULL, 0);
	if (c != NULL) {
		*chan = c;
		return SIPHON_CHAN_OK;
	}
	rc = libssh2_session_last_errno(s);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return SIPHON_CHAN_AGAIN;
	/* "administratively prohibited": sshd's MaxSessions is reached. */
	if (rc == LIBSSH2_ERROR_CHANNEL_FAILURE)
		return SIPHON_CHAN_REFUSED;
	return map_rc(rc);
}

static int
ch_exec(void *chan, const char *cmd)
{
	return map_rc(libssh2_channel_process_startup(chan, "exec", 4, cmd,
	                                              (unsigned int)strlen(cmd)));
}

static ssize_t
ch_read(void *chan, int stream, unsigned char *buf, size_t len)
{
	ssize_t n = libssh2_channel_read_ex(chan, stream, (char *)buf, len);

	if (n >= 0)
		return n;
	return map_rc((int)n);
}

static ssize_t
ch_write(void *chan, const unsigned char *buf, size_t len)
{
	ssize_t n = libssh2_channel_write_ex(chan, 0, (const char *)buf, len);

	if (n >= 0)
		return n;
	return map_rc((int)n);
}

static int
ch_send_eof(void *chan)
{
	return map_rc(libssh2_channel_send_eof(chan));
}

static int
ch_eof(void *chan)
{
	return libssh2_channel_eof(chan) == 1;
}

static int
ch_close(void *chan)
{
	return map_rc(libssh2_channel_close(chan));
}

static int
ch_wait_closed(void *chan)
{
	return map_rc(libssh2_channel_wait_closed(chan));
}

static void
ch_exit_info(void *sess, void *chan, int *status, char *sig, size_t cap)
{
	char *name = NULL;
	size_t namelen = 0;

	sig[0] = '\0';
	libssh2_channel_get_exit_signal(chan, &name, &namelen, NULL, NULL,
	                                NULL, NULL);
	if (name != NULL) {
		if (namelen >= cap)
			namelen = cap - 1;
		memcpy(sig, name, namelen);
		sig[namelen] = '\0';
		libssh2_free(sess, name);
	}
	/*
	 * libssh2 answers 0 both for "exited 0" and "no status arrived"; the
	 * status trailer of every remote script tells the two apart.
	 */
	*status = libssh2_channel_get_exit_status(chan);
}

static void
ch_free(void *chan)
{
	if (chan != NULL)
		libssh2_channel_free(chan);
}

static int
ch_directions(void *sess)
{
	int d = libssh2_session_block_directions(sess), r = 0;

	if (d & LIBSSH2_SESSION_BLOCK_INBOUND)
		r |= SIPHON_CHAN_WANT_READ;
	if (d & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		r |= SIPHON_CHAN_WANT_WRITE;
	return r;
}

static const char *
ch_errmsg(void *sess)
{
	char *msg = NULL;

	libssh2_session_last_error(sess, &msg, NULL, 0);
	return msg != NULL ? msg : "unknown SSH error";
}

static int
ch_keepalive(void *sess, int *next_s)
{
	return map_rc(libssh2_keepalive_send(sess, next_s));
}

static void
ch_rx_gate(void *sess, int on)
{
	siphon_ssh_rx_gate(sess, on);
}

const struct siphon_chan_ops siphon_chan_libssh2 = {
	.open = ch_open,
	.exec = ch_exec,
	.read = ch_read,
	.write = ch_write,
	.send_eof = ch_send_eof,
	.eof = ch_eof,
	.close = ch_close,
	.wait_closed = ch_wait_closed,
	.exit_info = ch_exit_info,
	.free = ch_free,
	.directions = ch_directions,
	.errmsg = ch_errmsg,
	.keepalive = ch_keepalive,
	.rx_gate = ch_rx_gate,
	/* Every exec is one of siphon's remote scripts, with their trailers. */
	.no_trailers = 0,
};
