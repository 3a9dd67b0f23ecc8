/*
 * hex.h - decoding the hex that the engines' catalog queries encode every
 * name in (so that no name can break a line-based format).
 */
#ifndef SIPHON_UTIL_HEX_H
#define SIPHON_UTIL_HEX_H

#include <stddef.h>

/*
 * Decodes lowercase or uppercase hex of length len into a new NUL-terminated
 * string (*out, caller frees).  Returns 0, -1 on bad input or no memory.
 * A decoded NUL byte is bad input: names cannot hold one.
 */
int siphon_hex_decode(const char *hex, size_t len, char **out);

/* The value of one hex digit (either case), or -1. */
int siphon_hex_digit(char c);

#endif
