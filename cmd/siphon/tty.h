/*
 * tty.h - the terminal and signal side of the CLI: the passphrase prompt,
 * the SIGINT/SIGTERM handling that turns a signal into a byte on the
 * library's cancel descriptor, and the SIGWINCH flag of the live display.  The only process-global state of siphon
 * lives here, in cmd/, never in the library.
 */
#ifndef SIPHON_CMD_TTY_H
#define SIPHON_CMD_TTY_H

#include <stddef.h>

/*
 * Ignores SIGPIPE (a closed socket or pipe is an error return, not death),
 * catches SIGINT and SIGTERM and returns the read end of the pipe the
 * handler writes to, or -1 with errno set.  The first signal asks for a
 * clean stop; a second one ends the process at once.  quiet: do not say so.
 */
int cli_signals_install(int quiet);
/*
 * Writes all of s (len bytes) to fd, again after EINTR; gives up silently
 * on another error (a terminal or reader that went away does not stop a
 * pull).
 */
void cli_write_all(int fd, const char *s, size_t len);

/*
 * Catches SIGWINCH (the terminal changed size) for the live display.
 * Returns 0, or -1 with errno set.  cli_signals_restore() undoes it too.
 */
int cli_winch_install(void);
/* Whether the terminal changed size since the last call (then clears it). */
int cli_winch_take(void);
/* Puts the old dispositions back and closes the pipe; safe to call twice. */
void cli_signals_restore(void);
/* The first SIGINT or SIGTERM received, 0 for none. */
int cli_signals_caught(void);

/*
 * A siphon_prompt_fn: asks on /dev/tty with echo off.  arg points to the
 * cancel descriptor (an int, -1 for none), so that Ctrl-C ends the prompt.
 * Returns 0, or -1 without a terminal, on end of input or cancellation.
 */
int cli_tty_prompt(void *arg, const char *prompt, char *buf, size_t cap);

/*
 * A siphon_choose_fn: when stdin is a terminal, asks on /dev/tty until the
 * answer is one of the choices (three tries).  arg as for cli_tty_prompt.
 */
int cli_tty_choose(void *arg, const char *question, const char *const *choices,
                   int n);

#endif
