/*
 * cfg_last.c - the record of a profile's last pull, for `siphon profiles`:
 * $XDG_STATE_HOME/siphon/last/NAME (default ~/.local/state), "key=value"
 * lines, unknown keys ignored so that later fields can be added.
 */
#include "config/config.h"

#include "util/ctx.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The record's path for profile name; -1 when there is no home or no room. */
static int
last_path(const char *name, char *buf, size_t cap)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int w;

	if (!siphon_config_name_ok(name))
		return -1;
	if (state != NULL && state[0] == '/')
		w = snprintf(buf, cap, "%s/siphon/last/%s", state, name);
	else if (home != NULL && home[0] == '/')
		w = snprintf(buf, cap, "%s/.local/state/siphon/last/%s", home, name);
	else
		return -1;
	return w > 0 && (size_t)w < cap ? 0 : -1;
}

int
siphon_last_pull_write(struct siphon_ctx *ctx, const char *name, const struct siphon_last_pull *lp)
{
	char path[4096], data[512], *display;
	int w, r;

	if (last_path(name, path, sizeof(path)) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE,
		                  "no place for the record of profile '%s': set HOME or XDG_STATE_HOME", name);
	w = snprintf(data, sizeof(data), "time=%" PRId64 "\nexit=%d\nseconds=%.1f\nbytes=%" PRIu64 "\n",
	             lp->time, lp->exit_code, lp->seconds, lp->bytes);
	if (w < 0 || (size_t)w >= sizeof(data))
		return siphon_err(ctx, SIPHON_EINTERNAL, "the last-pull record does not fit");
	if ((display = siphon_cfg_display_path(path)) == NULL)
		return siphon_err_oom(ctx);
	r = siphon_cfg_write_file(ctx, path, display, data, (size_t)w, 0600);
	free(display);
	return r;
}

int
siphon_last_pull_read(const char *name, struct siphon_last_pull *out)
{
	char path[4096], line[256];
	int seen = 0;
	FILE *f;

	memset(out, 0, sizeof(*out));
	if (last_path(name, path, sizeof(path)) != 0 || (f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *eq = strchr(line, '='), *end;

		if (eq == NULL)
			continue;
		*eq++ = '\0';
		if (strcmp(line, "time") == 0) {
			out->time = strtoll(eq, &end, 10);
			seen |= end != eq;
		} else if (strcmp(line, "exit") == 0) {
			out->exit_code = (int)strtol(eq, NULL, 10);
		} else if (strcmp(line, "seconds") == 0) {
			out->seconds = strtod(eq, NULL);
		} else if (strcmp(line, "bytes") == 0) {
			out->bytes = strtoull(eq, NULL, 10);
		}
	}
	fclose(f);
	return seen ? 0 : -1;
}
