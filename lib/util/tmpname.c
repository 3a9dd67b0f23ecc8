/* tmpname.c - temporary database names that carry this machine's id. */
#include "util/tmpname.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

unsigned
siphon_host_id(void)
{
	char name[256] = "";
	unsigned h = 2166136261u;

	(void)gethostname(name, sizeof(name) - 1);
	for (const char *p = name; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

void
siphon_tmpname(char *buf, size_t cap, const char *kind)
{
	snprintf(buf, cap, "siphon_%s_%08x_%ld_%ld", kind, siphon_host_id(), (long)getpid(),
	         (long)time(NULL));
}

/* Digits only, at least one, at most what a long holds; the value in *v. */
static int
number(const char *s, size_t n, long *v)
{
	long x = 0;

	if (n == 0 || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 1;
}

int
siphon_tmpname_is_stale(const char *name, unsigned host)
{
	const char *p, *u;
	char hex[9];
	long pid, t;

	if (strncmp(name, "siphon_tmp_", 11) != 0 && strncmp(name, "siphon_old_", 11) != 0)
		return 0;
	p = name + 11;
	if (strlen(p) < 9 || strspn(p, "0123456789abcdef") != 8 || p[8] != '_')
		return 0;
	memcpy(hex, p, 8);
	hex[8] = '\0';
	if ((unsigned)strtoul(hex, NULL, 16) != host)
		return 0;
	p += 9;
	/* The time may be followed by '-' and a suffix (a file's random part). */
	if ((u = strchr(p, '_')) == NULL || !number(p, (size_t)(u - p), &pid) ||
	    !number(u + 1, strcspn(u + 1, "-"), &t) || pid <= 0 || pid > 0x7fffffff)
		return 0;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}
