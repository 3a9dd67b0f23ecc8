/*
 * match.c - OpenSSH's host patterns (match.c there): '*' any run of bytes,
 * '?' one byte, and comma-separated lists with !negation.
 */
#include "sshcfg/sshcfg_int.h"

#include <ctype.h>
#include <string.h>

/*
 * Iterative glob with one backtrack point: the last '*' seen.  Linear in
 * practice, never exponential, whatever a hostile pattern holds.
 */
static int
glob_match(const char *s, size_t slen, const char *p, size_t plen)
{
	size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;

	while (si < slen) {
		if (pi < plen && p[pi] == '*') {
			star_p = pi++;
			star_s = si;
		} else if (pi < plen && (p[pi] == '?' || p[pi] == s[si])) {
			pi++;
			si++;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			si = ++star_s;
		} else {
			return 0;
		}
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

int
sshcfg_match_pattern(const char *s, const char *pattern)
{
	return glob_match(s, strlen(s), pattern, strlen(pattern));
}

int
sshcfg_match_list(const char *s, const char *list, int dolower)
{
	char sub[1024];
	size_t i, len;
	int got_positive = 0, negated;

	while (*list != '\0') {
		len = strcspn(list, ",");
		negated = *list == '!';
		if (negated) {
			list++;
			len--;
		}
		/* OpenSSH gives up on a sub-pattern that does not fit. */
		if (len >= sizeof(sub))
			return 0;
		for (i = 0; i < len; i++)
			sub[i] = dolower ? (char)tolower((unsigned char)list[i]) : list[i];
		if (glob_match(s, strlen(s), sub, len)) {
			if (negated)
				return -1;
			got_positive = 1;
		}
		list += len;
		if (*list == ',')
			list++;
	}
	return got_positive;
}
