/* clock.h - the monotonic clock in seconds, for timeouts, watchdogs and figures. */
#ifndef SIPHON_UTIL_CLOCK_H
#define SIPHON_UTIL_CLOCK_H

/* Seconds on CLOCK_MONOTONIC: only differences mean anything. */
double siphon_mono_s(void);

#endif
