/*
 * opt_server.c - a server written [user@]host[:port] (the ssh option): a
 * Host of ~/.ssh/config, a name or an address, an IPv6 address in
 * brackets.  The checks are those of a target's host: whatever ssh would
 * not take is surely a typo or worse.
 */
#include "opt/opt.h"

#include <stdio.h>
#include <string.h>

/* Digits only, 1 to 65535. */
static int
port_ok(const char *s, int *out)
{
	long v = 0;

	if (*s == '\0')
		return 0;
	for (; *s >= '0' && *s <= '9' && v <= 65535; s++)
		v = v * 10 + (*s - '0');
	if (*s != '\0' || v < 1 || v > 65535)
		return 0;
	*out = (int)v;
	return 1;
}

static int
name_ok(const char *h, const char *more_bad)
{
	/* A leading '-' would read as an option should it reach a command. */
	if (*h == '\0' || *h == '-')
		return 0;
	for (; *h != '\0'; h++) {
		unsigned char ch = (unsigned char)*h;

		if (ch <= ' ' || ch == 0x7f || strchr("@/[]\\'\"`$;,", ch) != NULL ||
		    strchr(more_bad, ch) != NULL)
			return 0;
	}
	return 1;
}

int
siphon_opt_server_split(const char *spec, struct siphon_opt_server *out, char *why, size_t whycap)
{
	char *s, *at, *colon;

	memset(out, 0, sizeof(*out));
	if (snprintf(out->buf, sizeof(out->buf), "%s", spec) >= (int)sizeof(out->buf)) {
		snprintf(why, whycap, "too long");
		return -1;
	}
	s = out->buf;
	if ((at = strchr(s, '@')) != NULL) {
		*at = '\0';
		if (!name_ok(s, ":")) {
			snprintf(why, whycap, "bad user name");
			return -1;
		}
		out->user = s;
		s = at + 1;
	}
	if (*s == '[') {
		char *close = strchr(s, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
			snprintf(why, whycap, "write an address as [ADDRESS] or [ADDRESS]:PORT");
			return -1;
		}
		*close = '\0';
		out->host = s + 1;
		colon = close[1] == ':' ? close + 1 : NULL;
		if (!name_ok(out->host, "")) {
			snprintf(why, whycap, "bad address");
			return -1;
		}
	} else {
		colon = strchr(s, ':');
		if (colon != NULL)
			*colon = '\0';
		out->host = s;
		if (!name_ok(out->host, ":")) {
			snprintf(why, whycap, "bad host name");
			return -1;
		}
	}
	if (colon != NULL && !port_ok(colon + 1, &out->port)) {
		snprintf(why, whycap, "a port is 1 to 65535");
		return -1;
	}
	return 0;
}
