/*
 * cfg_last.c - the record of a profile's last pull, for `siphon profiles`,
 * `doctor` and `schedule --list`: $XDG_STATE_HOME/siphon/last/NAME (default
 * ~/.local/state), "key=value" lines (siphon.h lists them), unknown keys
 * ignored so that later fields can be added and older records still read.
 */
#include "config/config.h"

#include "util/ctx.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bigger than any record siphon writes; the rest of a bigger file is not read. */
#define LAST_FILE_MAX 8192

int
siphon_last_pull_format(const struct siphon_last_pull *lp, char *buf, size_t cap)
{
	char msg[SIPHON_LAST_MESSAGE_MAX];
	int w;

	siphon_cfg_one_line(msg, sizeof(msg), lp->message, strnlen(lp->message, sizeof(lp->message)));
	w = snprintf(buf, cap,
	             "time=%" PRId64 "\nexit=%d\nseconds=%.1f\nbytes=%" PRIu64 "\nstarted=%" PRId64
	             "\nraw_bytes=%" PRIu64 "\ntables=%" PRId64 "\nunattended=%d\nmessage=%s\n",
	             lp->time, lp->exit_code, lp->seconds, lp->bytes, lp->started, lp->raw_bytes,
	             lp->tables, lp->unattended ? 1 : 0, msg);
	return w < 0 || (size_t)w >= cap ? -1 : w;
}

/* A duration: a finite number from 0 up, else 0. */
static double
parse_seconds(const struct siphon_cfg_kv *kv)
{
	char num[32], *end;
	double v;

	if (kv->vlen == 0 || kv->vlen >= sizeof(num))
		return 0;
	memcpy(num, kv->value, kv->vlen);
	num[kv->vlen] = '\0';
	v = strtod(num, &end);
	return *end == '\0' && isfinite(v) && v >= 0 && v < 1e12 ? v : 0;
}

int
siphon_last_pull_parse(const char *data, size_t len, struct siphon_last_pull *out)
{
	const char *p = data, *end = data + len;
	struct siphon_cfg_kv kv;
	int64_t v;
	int seen = 0;

	memset(out, 0, sizeof(*out));
	out->tables = -1;
	while (siphon_cfg_kv_next(&p, end, &kv)) {
		if (siphon_cfg_kv_is(&kv, "message")) {
			siphon_cfg_one_line(out->message, sizeof(out->message), kv.value, kv.vlen);
			continue;
		}
		if (siphon_cfg_kv_is(&kv, "seconds")) {
			out->seconds = parse_seconds(&kv);
			continue;
		}
		if (siphon_cfg_kv_int(&kv, &v) != 0)
			continue;
		if (siphon_cfg_kv_is(&kv, "time")) {
			out->time = v;
			seen = 1;
		} else if (siphon_cfg_kv_is(&kv, "exit") && v >= 0 && v <= 255) {
			out->exit_code = (int)v;
		} else if (siphon_cfg_kv_is(&kv, "bytes") && v >= 0) {
			out->bytes = (uint64_t)v;
		} else if (siphon_cfg_kv_is(&kv, "started")) {
			out->started = v;
		} else if (siphon_cfg_kv_is(&kv, "raw_bytes") && v >= 0) {
			out->raw_bytes = (uint64_t)v;
		} else if (siphon_cfg_kv_is(&kv, "tables") && v >= -1) {
			out->tables = v;
		} else if (siphon_cfg_kv_is(&kv, "unattended")) {
			out->unattended = v != 0;
		}
	}
	return seen ? 0 : -1;
}

int
siphon_last_pull_write(struct siphon_ctx *ctx, const char *name, const struct siphon_last_pull *lp)
{
	char path[4096], data[1024], *display = NULL;
	int w, r;

	if ((w = siphon_last_pull_format(lp, data, sizeof(data))) < 0)
		return siphon_err(ctx, SIPHON_EINTERNAL, "the last-pull record does not fit");
	if ((r = siphon_cfg_state_file(ctx, "record", "last/", name, "", path, sizeof(path),
	                               &display)) == 0)
		r = siphon_cfg_write_file(ctx, path, display, data, (size_t)w, 0600);
	free(display);
	return r;
}

int
siphon_last_pull_read(const char *name, struct siphon_last_pull *out)
{
	char path[4096], data[LAST_FILE_MAX];
	long len;

	memset(out, 0, sizeof(*out));
	out->tables = -1;
	if (siphon_cfg_state_path("last/", name, "", path, sizeof(path)) != 0 ||
	    (len = siphon_cfg_read_small(path, data, sizeof(data))) < 0)
		return -1;
	return siphon_last_pull_parse(data, (size_t)len, out);
}
