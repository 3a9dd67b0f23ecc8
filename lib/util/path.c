/* path.c - finding a program in a PATH. */
#include "util/path.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
siphon_path_find(const char *path, const char *name, char *out, size_t cap)
{
	const char *p;

	for (p = path != NULL ? path : ""; *p != '\0';) {
		size_t len = strcspn(p, ":");

		if (len > 0 && (size_t)snprintf(out, cap, "%.*s/%s", (int)len, p, name) < cap &&
		    access(out, X_OK) == 0)
			return 0;
		p += len;
		if (*p == ':')
			p++;
	}
	return -1;
}
