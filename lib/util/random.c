/* random.c - random hex strings. */
#include "util/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

int
siphon_random_hex(char *out, size_t cap, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];

	if (nbytes > sizeof(raw) || cap < 2 * nbytes + 1 || RAND_bytes(raw, (int)nbytes) != 1)
		return -1;
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * nbytes] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}
