/*
 * heartbeat.h - siphon's side of the remote dead man's switch (see
 * remote/watch.h): one watchdog channel per pull, a heartbeat byte every few
 * seconds, and every other remote command registered with the watchdog, so
 * that a workstation that goes silent releases production within the
 * timeout.  The echoes also tell siphon when the server has gone silent.
 */
#ifndef SIPHON_ENGINE_HEARTBEAT_H
#define SIPHON_ENGINE_HEARTBEAT_H

#include "loop/rstream.h"
#include "remote/watch.h"

struct siphon_run;

enum siphon_hb_state {
	SIPHON_HB_OFF = 0,      /* not started */
	SIPHON_HB_STARTING,     /* waiting for the watchdog's 'r' */
	SIPHON_HB_ACTIVE,
	SIPHON_HB_UNAVAILABLE,  /* the server cannot run it: no switch */
	SIPHON_HB_FIRED,        /* it ended the pull, or its channel failed */
};

struct siphon_heartbeat {
	struct siphon_run *eng;
	struct siphon_rstream *rs;       /* the watchdog's channel (owned) */
	enum siphon_hb_state state;
	char key[SIPHON_WATCH_KEY_MAX];  /* the run directory's name */
	int secs;                        /* silence that ends the pull, either side */
	int remote_secs;                 /* the watchdog's own timeout (less) */
	double period;                   /* between heartbeats */
	double last_sent, last_heard, last_call;
};

/*
 * Starts the watchdog on the server with a timeout of secs seconds and
 * waits for it to be ready; from then on every stream the engine creates
 * registers with it.  A server without `timeout`/`dd` gets a warning and
 * no switch.  Sets the loop's beat hook and the context's idle hook.
 */
int siphon_heartbeat_start(struct siphon_heartbeat *hb, struct siphon_run *eng, int secs);

/*
 * Called by the loop before and after each wait, and while a local command
 * runs: sends the heartbeat when due; fails (SIPHON_ECONNECT) when the
 * server has not echoed one for secs seconds while remote work is pending.
 */
int siphon_heartbeat_beat(void *hb);

/*
 * Ends the watchdog: ok, it only removes the run directory; else it ends
 * every remote process of the pull at once.  Unhooks and frees the stream.
 */
void siphon_heartbeat_stop(struct siphon_heartbeat *hb, int ok);

/* 1 when streams must register (the watchdog runs). */
int siphon_heartbeat_active(const struct siphon_heartbeat *hb);

/*
 * Tells the watchdog the compression level the pull's level-following
 * compressors (remote/zsplit.h) switch to: "l<level>;" on its channel.
 * 0; -1 when the watchdog does not run (nothing set), or the error of
 * queueing the bytes (no memory).
 */
int siphon_heartbeat_level(struct siphon_heartbeat *hb, int level);

#endif
