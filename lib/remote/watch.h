/*
 * watch.h - the remote side's dead man's switch.
 *
 * A laptop that sleeps, or a link that dies without a FIN, looks from the
 * server like a slow client: sshd keeps the session and every database
 * session keeps its snapshot and locks until TCP gives up, hours later.  So
 * each pull runs one more remote command, the watchdog: it makes a private
 * run directory, echoes every heartbeat byte siphon sends, and when none has
 * come for its timeout (or the channel reached EOF) it ends the process
 * group of every remote command of the pull (each registers its group in the
 * run directory first) and removes the directory.  Killing the clients ends
 * their database sessions, which releases snapshots, locks and temporary
 * files on the server.
 *
 * The watchdog speaks one byte at a time on its stdout: 'r' ready, 'n' not
 * available (the server has no `timeout` or `dd`), 'h' the echo of each
 * heartbeat, 'X' fired.  siphon sends 'h' (alive), 'q' (done: remove the
 * directory, end nothing), 'k' (failed: end everything now) or "l<level>;"
 * (a new compression level: written to the run directory's file "level",
 * which the compressors of remote/zsplit.h read; answered with 'h').
 */
#ifndef SIPHON_REMOTE_WATCH_H
#define SIPHON_REMOTE_WATCH_H

#include "util/strbuf.h"

/* The name of the run directory under ${TMPDIR:-/tmp}: "siphon-run-" + key. */
#define SIPHON_WATCH_KEY_MAX 40

/*
 * Appends the watchdog's sh script (one pipeline stage, a subshell) for the
 * run key (hex digits only) and a timeout of secs seconds of silence.
 * 0, -1 (no memory), -2 (bad key or secs).
 */
int siphon_watch_script(struct siphon_strbuf *sb, const char *key, int secs);

/*
 * Appends the lines that register the script's own process group in the run
 * directory (before anything else runs), and that take it out again at the
 * end.  A script that cannot register (the watchdog already ended the pull)
 * stops at once with a message.  0, -1, -2 as above.
 */
int siphon_watch_register(struct siphon_strbuf *sb, const char *key);
int siphon_watch_unregister(struct siphon_strbuf *sb, const char *key);

#endif
