/*
 * value.c - the typed values of the keys siphon reads, with OpenSSH's
 * syntax (misc.c's convtime and a2port, readconf.c's multistate tables).
 */
#include "sshcfg/sshcfg_int.h"

#include <ctype.h>
#include <limits.h>
#include <strings.h>

/* A decimal number up to max, or -1: no sign, no blanks, no suffix. */
static long long
decimal(const char *s, size_t len, long long max)
{
	long long v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > max)
			return -1;
	}
	return v;
}

int
sshcfg_parse_time(const char *s)
{
	long long total = 0, v, mult;
	int seen_seconds = 0;
	size_t n;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		n = 0;
		while (isdigit((unsigned char)s[n]))
			n++;
		if ((v = decimal(s, n, INT_MAX)) < 0)
			return -1;
		s += n;
		switch (*s) {
		case '\0': case 's': case 'S':
			if (seen_seconds++)
				return -1;
			mult = 1;
			break;
		case 'm': case 'M': mult = 60; break;
		case 'h': case 'H': mult = 60 * 60; break;
		case 'd': case 'D': mult = 24 * 60 * 60; break;
		case 'w': case 'W': mult = 7 * 24 * 60 * 60; break;
		default:
			return -1;
		}
		total += v * mult;
		if (total > INT_MAX)
			return -1;
		if (*s != '\0')
			s++;
	}
	return (int)total;
}

int
sshcfg_parse_port(const char *s)
{
	size_t n = 0;
	long long v;

	while (s[n] != '\0')
		n++;
	v = decimal(s, n, 65535);
	return v <= 0 ? -1 : (int)v;
}

int
sshcfg_parse_count(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return (int)decimal(s, n, INT_MAX);
}

int
sshcfg_parse_flag(const char *s)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0)
		return 1;
	if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0)
		return 0;
	return -1;
}

enum siphon_strict_hostkey
sshcfg_parse_strict(const char *s)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0)
		return SIPHON_SHK_YES;
	if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0 ||
	    strcasecmp(s, "off") == 0)
		return SIPHON_SHK_NO;
	if (strcasecmp(s, "ask") == 0)
		return SIPHON_SHK_ASK;
	if (strcasecmp(s, "accept-new") == 0)
		return SIPHON_SHK_ACCEPT_NEW;
	return SIPHON_SHK_UNSET;
}
