/*
 * opt_secret.c - which values are secrets: those of a secret option, and
 * a client's options that carry a password.  A false alarm costs a chmod;
 * a miss leaves a password readable by others, so the tests lean wide.
 */
#include "opt/opt.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Whether the word starting at w (len bytes) gives a password. */
static int
word_has_password(const char *w, size_t len, int short_p)
{
	/* "password=x" (a libpq conninfo), "--password=x", "--pass=x". */
	for (size_t i = 0; i + 9 <= len; i++)
		if (strncasecmp(w + i, "password=", 9) == 0 && i + 9 < len)
			return 1;
	if (len > 6 && strncmp(w, "--pass", 6) == 0 && memchr(w, '=', len) != NULL &&
	    w[len - 1] != '=')
		return 1;
	/* mysql's -pSECRET (a bare -p asks on the terminal). */
	return short_p && len > 2 && w[0] == '-' && w[1] == 'p';
}

int
siphon_opt_is_secret(const struct siphon_optdef *d, const char *text)
{
	const char *p = text;

	if (d == NULL || text == NULL)
		return 0;
	if (d->flags & SIPHON_OPTDEF_SECRET)
		return 1;
	if (!(d->flags & SIPHON_OPTDEF_TOOL_OPTS))
		return 0;
	while (*p != '\0') {
		size_t len;

		while (*p != '\0' && isspace((unsigned char)*p))
			p++;
		/* Quotes are left on: a quoted word still shows its key. */
		for (len = 0; p[len] != '\0' && !isspace((unsigned char)p[len]); len++)
			;
		if (len > 0 && word_has_password(p, len, (d->flags & SIPHON_OPTDEF_SHORT_P_PASSWORD) != 0))
			return 1;
		p += len;
	}
	return 0;
}
