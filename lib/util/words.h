/*
 * words.h - splitting a user's option string (--remote-pg-opts,
 * --local-mysql-opts) into words with sh-like rules: blanks separate,
 * '...' and "..." group, a backslash escapes outside single quotes.
 */
#ifndef SIPHON_UTIL_WORDS_H
#define SIPHON_UTIL_WORDS_H

/*
 * Calls emit(arg, word) for each word.  Returns 0, -1 (no memory, or what
 * emit returned), or -2 (unbalanced quote).
 */
int siphon_words_split(const char *opts, int (*emit)(void *arg, const char *word),
                       void *arg);

#endif
