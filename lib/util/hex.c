/* hex.c - decoding the hex that servers encode names in. */
#include "util/hex.h"

#include <stdlib.h>
#include <string.h>

int
siphon_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
siphon_hex_decode(const char *hex, size_t len, char **out)
{
	char *s;
	size_t i;

	*out = NULL;
	if (len % 2 != 0)
		return -1;
	if ((s = malloc(len / 2 + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i += 2) {
		int hi = siphon_hex_digit(hex[i]), lo = siphon_hex_digit(hex[i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(s);
			return -1;
		}
		s[i / 2] = (char)(hi << 4 | lo);
	}
	s[len / 2] = '\0';
	*out = s;
	return 0;
}
