/* random.h - secrets and unguessable names from OpenSSL's CSPRNG. */
#ifndef SIPHON_UTIL_RANDOM_H
#define SIPHON_UTIL_RANDOM_H

#include <stddef.h>

/*
 * Writes nbytes random bytes as 2 * nbytes lowercase hex digits and a NUL
 * into out (cap >= 2 * nbytes + 1).  0, or -1 (cap too small, no
 * randomness, nbytes over 64).
 */
int siphon_random_hex(char *out, size_t cap, size_t nbytes);

/* Fills buf with n random bytes (a salt).  0, or -1 (n over INT_MAX, no
   randomness). */
int siphon_random_bytes(void *buf, size_t n);

#endif
